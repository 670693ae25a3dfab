"""Deterministic generator of realistic e-mail for benchmarking the IMAP ingestion service.

The messages imitate what reaches frontier.tech@wipo.int around the 12th session of the WIPO
Conversation on IP and Frontier Technologies (28-29 October 2025): delegates, IP offices and
missions writing in Arabic, Chinese, English, French, Russian and Spanish (plus the odd Japanese
sender in iso-2022-jp), and a few robots (out-of-office replies, delivery-status bounces,
newsletters, calendar replies).

Everything is drawn from ``random.Random(seed)``: the same N and seed always give the same
bytes, and the same seed with another N gives the same senders, subjects, structures and
Message-IDs, only spread differently over the period (messages are dated in order, so that
IMAP UIDs follow arrival).  What varies:

* size: about 70 % of messages are 3-15 KiB of text or text+HTML, 20 % are 20-200 KiB with
  attachments, 8 % 200 KiB-1 MiB and 2 % 1 MiB-1.9 MB; none exceeds 1,990,000 bytes;
* charsets, with bytes really encoded in them: utf-8 (most), koi8-r, windows-1251, gb2312,
  GBK, gb18030, big5, windows-1256, iso-8859-1, windows-1252, us-ascii and iso-2022-jp; a few
  iso-8859-1 parts hold windows-1252 bytes (curly quotes, dashes), as Outlook sends them;
  bodies in quoted-printable, base64, 8bit and 7bit; RFC 2047 subjects and display names in B
  and Q, in the body's charset as most clients do;
* structures: text/plain, multipart/alternative, HTML only, multipart/mixed with PDF, DOCX,
  XLSX, PPTX, JPEG, PNG, ZIP, TNEF and message/rfc822 attachments (RFC 2231 and RFC 2047
  non-ASCII file names), multipart/related with inline images, multipart/report bounces,
  Auto-Submitted replies, List-Id newsletters, text/calendar replies;
* headers of the sending client (Outlook/Exchange, Gmail, Apple Mail, Thunderbird, Foxmail,
  Coremail, Yandex, Mail.ru), 1-3 Received hops, Date in September-October 2025 with the
  sender's offset, and threads whose replies carry In-Reply-To/References and quote their parent.

The text (names, domains, subjects, sentences, client phrases of each language; the Secretariat's
mail, newsletters and bounce notices) lives in ``data/``: one TOML file per language and
``common.toml``, read once when generation starts.  This module holds only the logic.

Messages are assembled with ``email.message.EmailMessage`` (already folded header values are
stored with ``set_raw``; bodies are encoded with binascii/base64).  Text messages are built
twice: once without paragraphs to measure headers, quote and signature, then with paragraphs
filling the rest of the target size.  Attachments are written as placeholders and replaced
afterwards by slices of one base64 text encoded once per run, so a megabyte attachment costs a
memory copy, not a megabyte of random numbers.

Usage::

    python bench/generate.py N OUTDIR [--seed S]

writes N ``.eml`` files to OUTDIR and prints the size distribution.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import functools
import html
import itertools
import math
import random
import time
import tomllib
import unicodedata
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from email.message import EmailMessage
from email.policy import EmailPolicy
from email.utils import format_datetime, formataddr
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import quote

__all__ = ["generate_messages", "main"]


class _PrefoldedPolicy(EmailPolicy):
    """policy.default with CRLF line endings, for header values stored already folded.

    Values are stored with ``set_raw`` and written verbatim (``max_line_length`` 998 keeps the
    policy from refolding, which would re-encode RFC 2047 words in UTF-8), and read back as
    plain strings: the generator asks for Content-Type and Content-Transfer-Encoding several
    times per part, and parsing them into header objects each time would cost more than the
    rest of the generation.
    """

    def header_fetch_parse(self, name: str, value: str) -> str:  # type: ignore[override]
        return value.replace("\n", "")


POLICY = _PrefoldedPolicy(linesep="\r\n", max_line_length=998)
MAILBOX = "frontier.tech@wipo.int"
KIB = 1024
MIB = 1024 * KIB
MAX_SIZE = 1_990_000  # hard ceiling for one message: below 2 MB however a MB is counted

# (share, low, high) of the target size; the target is log-uniform inside its bucket.
SIZE_BUCKETS: tuple[tuple[float, int, int], ...] = (
    (0.70, 3 * KIB, 15 * KIB),
    (0.20, 20 * KIB, 200 * KIB),
    (0.08, 200 * KIB, MIB),
    (0.02, MIB, MAX_SIZE),
)

# Sender offsets run from -07:00 to +13:00: these bounds keep every local Date in Sept-Oct 2025.
START = datetime(2025, 9, 1, 7, 0, tzinfo=UTC)
END = datetime(2025, 10, 31, 10, 0, tzinfo=UTC)
EU_DST_END = datetime(2025, 10, 26, 1, 0, tzinfo=UTC)

BLOB_LINES = 42_000  # 57 raw bytes per base64 line: about 2.3 MiB of random attachment data
MAX_LINE = 78

# Characters that legacy charsets often lack, and what a mail client would put instead.
_FALLBACK = str.maketrans(
    {
        "\u2013": "-",
        "\u2014": "-",
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2026": "...",
        "\u00a0": " ",
        "\u20ac": "EUR",
        "\u0153": "oe",
        "\u2116": "No.",
        "\u00b0": "o",
        "\u00ba": "o",
        "\u00e9": "e",
        "\u00e8": "e",
        "\u00ea": "e",
        "\u00e0": "a",
        "\u00e7": "c",
        "\u00f4": "o",
        "\u00ee": "i",
        "\u00e1": "a",
        "\u00ed": "i",
        "\u00f3": "o",
        "\u00fa": "u",
        "\u00f1": "n",
        "\u00c9": "E",
        "\u00c0": "A",
    }
)
# The subset used for charsets that do have accented Latin letters (iso-8859-1 and friends).
_PUNCT_ONLY = {k: v for k, v in _FALLBACK.items() if k > 0x2000 or k in (0xAB, 0xBB, 0xA0, 0x153)}


# --------------------------------------------------------------------------------------------
# Vocabulary: the text lives in data/, one TOML file per language plus common.toml
# --------------------------------------------------------------------------------------------

DATA_DIR = Path(__file__).with_name("data")
# Order matters: the random draws pick languages (and the newsletters' persona) by position.
LANGUAGES = ("en", "fr", "es", "ru", "zh", "zh-Hant", "ar", "ja")


@dataclass(frozen=True)
class Lang:
    """Everything needed to write mail in one language: the keys of ``data/<code>.toml``."""

    code: str
    weight: float
    locale: str  # Accept-Language / Content-Language of Outlook and Exchange
    charsets: tuple[tuple[str, str, float], ...]  # (MIME label, Python codec, weight)
    first: tuple[tuple[str, str], ...]  # (native, latin); "a|b" = masculine|feminine surname
    last: tuple[tuple[str, str], ...]
    family_first: bool  # native display "LAST First"
    domains: tuple[tuple[str, int, bool, str], ...]  # (domain, UTC offset min, EU DST, client)
    greetings: tuple[str, ...]
    closings: tuple[str, ...]
    subjects: tuple[str, ...]
    sentences: tuple[str, ...]
    announce: tuple[str, ...]
    ooo: tuple[str, ...]
    short_names: tuple[str, ...]
    countries: tuple[str, ...]
    topics: tuple[str, ...]
    roles: tuple[str, ...]
    orgs: tuple[str, ...]
    cities: tuple[str, ...]
    months: tuple[str, ...]  # "in <month>" form, January..September
    sessions: tuple[str, ...]
    dates: tuple[str, ...]  # ways of writing 28-29 October 2025
    langnames: tuple[str, ...]
    wipo_staff: tuple[str, ...]
    attachment_names: tuple[str, ...]
    date_format: str  # "{day} {month} 2025"
    wrote: str  # attribution line of a quoted reply
    header_labels: tuple[str, str, str, str, str]  # Outlook From/Sent/To/Cc/Subject
    original: str  # "-----Original Message-----"
    reply: tuple[str, ...]
    forward: tuple[str, ...]
    auto_reply: str
    accepted: str
    disclaimer: str
    date_months: tuple[str, ...] = ()  # September..November; without them {month} is the number
    first_day: str = ""  # how the 1st of a month is written, when not "1"
    feminine_endings: str = ""  # first names ending so are women's (else the sex is drawn)
    second_surname: float = 0.0  # share of people with two surnames
    cjk: bool = False
    rtl: bool = False
    sentence_sep: str = " "

    def date(self, day: int, month: int) -> str:
        """A day of September-November 2025 as written in this language."""
        name = self.date_months[month - 9] if self.date_months else str(month)
        return self.date_format.format(day=self.first_day if day == 1 and self.first_day else day, month=name)


class Newsletter(NamedTuple):
    """A mailing list that writes to the mailbox, with the language of its items."""

    name: str
    address: str
    domain: str
    lang: str


@dataclass(frozen=True)
class Texts:
    """The languages, in ``LANGUAGES`` order, and the keys of ``data/common.toml``."""

    langs: tuple[Lang, ...]
    wipo_subjects: tuple[str, ...]  # the second one is the invitation
    secretariat_names: tuple[str, ...]
    secretariat_greetings: tuple[str, ...]
    secretariat_signature: str
    to_names: tuple[str, ...]
    attachment_stems: tuple[str, ...]
    newsletters: tuple[Newsletter, ...]
    newsletter_footer: str  # {name}, {domain}, {token}
    bounce_reasons: tuple[str, ...]  # {rcpt}
    postfix_bounce: str  # {rcpt}, {domain}, {ip}, {reason}
    exchange_bounce: str  # {rcpt}, {reason}


def _read_toml(path: Path) -> dict[str, Any]:
    """A TOML file with its arrays turned into tuples."""

    def frozen(value: Any) -> Any:
        return tuple(frozen(v) for v in value) if isinstance(value, list) else value

    with path.open("rb") as f:
        return {key: frozen(value) for key, value in tomllib.load(f).items()}


@functools.cache
def load_texts(data_dir: Path = DATA_DIR) -> Texts:
    """Read the text tables (once per process and directory)."""
    langs = tuple(Lang(**_read_toml(data_dir / f"{code}.toml")) for code in LANGUAGES)
    common = _read_toml(data_dir / "common.toml")
    common["newsletters"] = tuple(Newsletter(**n) for n in common["newsletters"])
    return Texts(langs=langs, **common)


# --------------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------------


def _fit(text: str, label: str, codec: str) -> tuple[str, str, str]:
    """(text, label, codec) such that ``text`` encodes in ``codec``: swap punctuation the
    charset lacks, as mail clients do, else move to a superset (GB2312 to GB18030) or UTF-8."""
    try:
        text.encode(codec)
        return text, label, codec
    except UnicodeEncodeError:
        pass
    text = text.translate(_PUNCT_ONLY if codec in ("iso-8859-1", "cp1252") else _FALLBACK)
    try:
        text.encode(codec)
        return text, label, codec
    except UnicodeEncodeError:
        pass
    if codec == "gb2312":
        return text, "gb18030", "gb18030"
    return text, "utf-8", "utf-8"


def _ascii_fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def _fold(name: str, value: str, sep: str = " ", split_long: bool = False) -> str:
    """Fold ``value`` at spaces so that each line, the first one with "Name: ", fits 78 chars.

    ``sep`` is the whitespace starting continuation lines.  A first word too long for the
    first line starts on a continuation line (as Outlook does with long Message-IDs).  With
    ``split_long`` long tokens are cut to fill lines (only for values where whitespace does not
    matter, such as DKIM ``b=`` or Exchange anti-spam blobs).
    """
    if len(name) + 2 + len(value) <= MAX_LINE:
        return value
    lines: list[str] = []
    cur = ""
    room = MAX_LINE - len(name) - 2
    for word in value.split(" "):
        while word:
            space = room - len(cur) - (1 if cur else 0)
            if len(word) <= space:
                cur = f"{cur} {word}" if cur else word
                word = ""
            elif split_long and space >= 8 and len(word) > MAX_LINE - 2:
                cur = f"{cur} {word[:space]}" if cur else word[:space]
                word = word[space:]
                lines.append(cur)
                cur, room = "", MAX_LINE - 1
            elif cur:
                lines.append(cur)
                cur, room = "", MAX_LINE - 1
            elif not lines:
                lines.append("")
                room = MAX_LINE - 1
            else:  # longer than any line: leave it long (still far below 998)
                cur, word = word, ""
    lines.append(cur)
    return ("\n" + sep).join(lines)


def _encoded_words(text: str, label: str, codec: str, q: bool, room: int = 75, first_room: int = 75) -> list[str]:
    """RFC 2047 encoded words for ``text`` in ``codec``: the first at most ``first_room``
    characters long, the others at most ``room``."""
    prefix = f"=?{label}?{'Q' if q else 'B'}?"
    overhead = len(prefix) + 2
    words: list[str] = []
    start = 0
    while start < len(text):
        end = len(text)
        while True:
            chunk = text[start:end].encode(codec)
            body = _q_encode(chunk) if q else base64.b64encode(chunk).decode("ascii")
            limit = room if words else first_room
            if len(body) + overhead <= limit or end - start <= 1:
                break
            # shrink proportionally, at least by one character
            end = start + max(1, min(end - start - 1, (end - start) * (limit - overhead) // len(body)))
        words.append(f"{prefix}{body}?=")
        start = end
    return words


_Q_SAFE = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!*+-/")


def _q_encode(data: bytes) -> str:
    return "".join(chr(b) if b in _Q_SAFE else "_" if b == 32 else f"={b:02X}" for b in data)


def _percentiles(sizes: Sequence[int]) -> dict[str, float]:
    ordered = sorted(sizes)

    def rank(p: float) -> int:
        return ordered[min(len(ordered) - 1, max(0, math.ceil(p * len(ordered)) - 1))]

    return {"median": rank(0.5), "p90": rank(0.9), "p99": rank(0.99), "max": ordered[-1]}


# --------------------------------------------------------------------------------------------
# Attachments: file-type framing around slices of one random blob
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FileKind:
    """A kind of attachment: MIME type, magic header and trailer bytes."""

    mime: str
    ext: str
    head: bytes
    tail: bytes


def _zip_head(name: bytes) -> bytes:
    return (
        b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00\x8a\x1c\xe4\x91\x7f\x01\x00\x00"
        b"\xd4\x05\x00\x00" + len(name).to_bytes(2, "little") + b"\x00\x00" + name
    )


ZIP_TAIL = b"PK\x05\x06\x00\x00\x00\x00\x0c\x00\x0c\x00\x1e\x03\x00\x00\xc2\x8f\x01\x00\x00\x00"

FILE_KINDS: dict[str, FileKind] = {
    "pdf": FileKind(
        "application/pdf",
        "pdf",
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<</Type/Catalog/Pages 2 0 R/Lang(en-GB)>>\n"
        b"endobj\n4 0 obj\n<</Filter/FlateDecode/Length 5120>>\nstream\n",
        b"\nendstream\nendobj\nstartxref\n116\n%%EOF\n",
    ),
    "docx": FileKind(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "docx",
        _zip_head(b"[Content_Types].xml"),
        ZIP_TAIL,
    ),
    "xlsx": FileKind(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "xlsx",
        _zip_head(b"[Content_Types].xml"),
        ZIP_TAIL,
    ),
    "pptx": FileKind(
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "pptx",
        _zip_head(b"[Content_Types].xml"),
        ZIP_TAIL,
    ),
    "zip": FileKind("application/zip", "zip", _zip_head(b"documents/"), ZIP_TAIL),
    "jpg": FileKind(
        "image/jpeg",
        "jpg",
        b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x01\x00H\x00H\x00\x00\xff\xe1\x00\x22Exif"
        b"\x00\x00MM\x00*\x00\x00\x00\x08\x00\x01\x01\x12\x00\x03\x00\x00\x00\x01\x00\x01\x00",
        b"\xff\xd9",
    ),
    "png": FileKind(
        "image/png",
        "png",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x02\x80\x00\x00\x01\xe0\x08\x06\x00\x00"
        b"\x00\x35\xd1\xdc\xe4\x00\x00\x00\x01sRGB\x00\xae\xce\x1c\xe9",
        b"\x00\x00\x00\x00IEND\xaeB`\x82",
    ),
    "tnef": FileKind("application/ms-tnef", "dat", b"\x78\x9f\x3e\x22\x01\x00\x01\x06\x90\x08", b"\x00\x00"),
}

ATTACHMENT_KIND_WEIGHTS = (
    ("pdf", 45),
    ("docx", 24),
    ("jpg", 11),
    ("png", 6),
    ("xlsx", 5),
    ("pptx", 5),
    ("zip", 3),
    ("tnef", 1),
)
EXT_TO_KIND = {
    "pdf": "pdf",
    "docx": "docx",
    "xlsx": "xlsx",
    "pptx": "pptx",
    "jpg": "jpg",
    "png": "png",
    "zip": "zip",
    "dat": "tnef",
}


class _Blob:
    """Random bytes encoded once as CRLF base64 lines of 57 raw bytes, sliced per attachment."""

    def __init__(self, seed: int) -> None:
        raw = random.Random(seed * 7919 + 17).randbytes(BLOB_LINES * 57)
        self.lines = base64.encodebytes(raw).replace(b"\n", b"\r\n")
        self.flat = base64.b64encode(raw[:300_000]).decode("ascii")
        self._framed: dict[str, tuple[bytes, bytes]] = {}
        for key, kind in FILE_KINDS.items():
            pad = (-len(kind.head)) % 57
            head = kind.head + raw[-pad:] if pad else kind.head
            head_b64 = base64.encodebytes(head).replace(b"\n", b"\r\n")
            tail_b64 = base64.b64encode(kind.tail)
            self._framed[key] = (head_b64, tail_b64)

    def encoded(self, kind: str, budget: int, rng: random.Random) -> bytes:
        """Base64 of a file of ``kind`` whose encoding (no final CRLF) fits in ``budget``."""
        head, tail = self._framed[kind]
        lines = max(1, (budget - len(head) - len(tail)) // 78)
        lines = min(lines, BLOB_LINES - 1)
        start = rng.randrange(0, BLOB_LINES - lines + 1) * 78
        return head + self.lines[start : start + lines * 78] + tail

    def token(self, rng: random.Random, length: int) -> str:
        start = rng.randrange(0, len(self.flat) - length)
        return self.flat[start : start + length]


# --------------------------------------------------------------------------------------------
# People, clients and text
# --------------------------------------------------------------------------------------------


@dataclass
class Persona:
    """A sender: who they are and what their mail client does."""

    lang: Lang
    name: str
    latin: str
    addr: str
    domain: str
    offset: int
    eu_dst: bool
    client: str
    label: str
    codec: str
    cte: str
    role: str
    org: str
    show_latin: bool
    disclaimer: bool
    signature: tuple[str, ...]
    female: bool


@dataclass(frozen=True)
class Placeholder:
    """Where an attachment goes in the serialized skeleton, its file kind and size weight."""

    token: str
    kind: str
    weight: float


@dataclass
class Sent:
    """A generated message remembered for threading."""

    msgid: str
    refs: tuple[str, ...]
    subject: str
    persona: Persona
    date: datetime
    text: str


FREEMAIL = frozenset(
    (
        "gmail.com",
        "163.com",
        "126.com",
        "yandex.ru",
        "mail.ru",
        "hotmail.com",
        "yahoo.com",
        "yahoo.fr",
        "yahoo.es",
        "sina.com",
        "outlook.com",
        "orange.fr",
        "yahoo.com.hk",
        "qq.com",
    )
)

GOV_CLIENTS = (("outlook", 48), ("exchange", 22), ("thunderbird", 10), ("apple", 10), ("gmail", 10))


class _Slots(dict[str, str]):
    """str.format_map mapping that picks a random value for each slot the template uses."""

    def __init__(self, gen: _MessageFactory, lang: Lang, persona: Persona | None) -> None:
        super().__init__()
        self.gen = gen
        self.lang = lang
        self.persona = persona

    def __missing__(self, key: str) -> str:
        g = self.gen
        rng = g.rng
        lang = self.lang
        value: str
        if key in ("name", "name2"):
            value = g.person_name(lang)[0]
        elif key in ("role", "role2"):
            value = rng.choice(lang.roles)
        elif key == "country":
            value = rng.choice(lang.countries)
        elif key == "topic":
            value = rng.choice(lang.topics)
        elif key == "org":
            value = rng.choice(lang.orgs)
        elif key == "city":
            value = rng.choice(lang.cities)
        elif key == "month":
            value = rng.choice(lang.months)
        elif key == "session":
            value = rng.choice(lang.sessions)
        elif key == "short":
            value = rng.choice(lang.short_names)
        elif key == "dates":
            value = rng.choice(lang.dates)
        elif key == "langname":
            value = rng.choice(lang.langnames)
        elif key == "deadline":
            day, month = rng.choice(((15, 9), (30, 9), (1, 10), (10, 10), (15, 10), (20, 10), (24, 10), (3, 11)))
            value = lang.date(day, month)
        elif key == "day":
            value = lang.date(rng.choice((28, 29)), 10)
        elif key == "time":
            value = rng.choice(("10:00", "9:30", "15:00", "14:30", "10h00"))
        elif key == "item":
            value = str(rng.randint(3, 9))
        elif key in ("n", "n2"):
            value = str(rng.randint(2, 12))
        elif key == "n4":
            value = str(rng.randint(1000, 9999))
        elif key == "ref":
            value = f"{rng.choice(('GVA', 'NV', 'PM', 'IP'))}/{rng.randint(100, 4999)}/2025"
        elif key == "staff":
            value = rng.choice(lang.wipo_staff)
        elif key == "colleague":
            p = self.persona
            domain = p.domain if p else "wipo.int"
            value = f"{g.person_name(g.en)[1].split()[0].lower()}.{rng.randint(1, 99)}@{domain}"
        elif key == "last":
            value = g.person_name(lang)[0].split()[-1]
        elif key == "mm":
            value = f"{rng.randint(9, 10):02d}"
        elif key == "dd":
            value = f"{rng.randint(1, 28):02d}"
        else:
            value = key
        self[key] = value
        return value


# --------------------------------------------------------------------------------------------
# The generator
# --------------------------------------------------------------------------------------------


class _MessageFactory:
    """Holds the random state, the blob, the personas and the thread history of one run."""

    def __init__(self, seed: int, total: int) -> None:
        self.texts = load_texts()
        self.langs = self.texts.langs
        self.by_code = {lang.code: lang for lang in self.langs}
        self.en = self.by_code["en"]
        self.rng = random.Random(seed)
        self.total = max(total, 1)
        self.blob = _Blob(seed)
        self.seen_ids: set[str] = set()
        self.history: deque[Sent] = deque(maxlen=400)
        self.tokens = 0
        # Senders per language, a few of them writing much more than the others (Zipf-like).
        self.lang_cum = list(itertools.accumulate(lang.weight for lang in self.langs))
        self.personas: list[list[Persona]] = []
        self.persona_cum: list[list[float]] = []
        for lang in self.langs:
            count = max(6, int(lang.weight * 12))
            self.personas.append([self._persona(lang) for _ in range(count)])
            self.persona_cum.append(list(itertools.accumulate(1.0 / (i + 4) for i in range(count))))

    # ---- people --------------------------------------------------------------------------

    def person_name(self, lang: Lang, female: bool | None = None) -> tuple[str, str, bool]:
        rng = self.rng
        first, first_latin = rng.choice(lang.first)
        last, last_latin = rng.choice(lang.last)
        if lang.feminine_endings:
            female = first[-1] in lang.feminine_endings
        elif female is None:
            female = rng.random() < 0.5
        if "|" in last:
            last = last.split("|")[female]
            last_latin = last_latin.split("|")[female]
        if lang.family_first:
            native = f"{last}{first}" if lang.cjk else f"{last} {first}"
            latin = f"{last_latin.upper()} {first_latin}"
        else:
            if lang.second_surname and rng.random() < lang.second_surname:
                last2 = rng.choice(lang.last)[0]
                last = f"{last} {last2}"
            native = f"{first} {last}"
            latin = f"{first_latin} {last_latin}"
        return native, latin, female

    def _persona(self, lang: Lang) -> Persona:
        rng = self.rng
        native, latin, female = self.person_name(lang)
        domain, offset, eu_dst, client = rng.choice(lang.domains)
        if not client:
            client = rng.choices([c for c, _ in GOV_CLIENTS], [w for _, w in GOV_CLIENTS])[0]
        parts = _ascii_fold(latin).lower().replace("'", "").split()
        if lang.family_first:
            parts = parts[1:] + parts[:1]
        first, last = parts[0], parts[-1]
        if domain == "qq.com":
            local = str(rng.randint(10_000_000, 2_999_999_999))
        elif domain in FREEMAIL:
            local = rng.choice(
                (
                    f"{first}.{last}{rng.randint(1, 99)}",
                    f"{first}{last}",
                    f"{last}.{first}{rng.randint(1960, 2001)}",
                    f"{first[0]}{last}",
                )
            )
        else:
            local = rng.choice(
                (f"{first}.{last}", f"{first[0]}.{last}", f"{first}.{last}", f"{last}", f"{first}{last[0]}")
            )
        labels = [c[:2] for c in lang.charsets]
        label, codec = rng.choices(labels, [c[2] for c in lang.charsets])[0]
        if client == "gmail" and codec != "ascii":
            label, codec = "UTF-8", "utf-8"
        elif client in ("foxmail", "coremail") and rng.random() < 0.7:
            label, codec = rng.choice((("gb2312", "gb2312"), ("GBK", "gbk"), ("gb18030", "gb18030")))
        if codec == "iso-2022-jp":
            cte = "7bit"
        elif client == "thunderbird" or client in ("yandex", "mailru"):
            cte = rng.choice(("8bit", "8bit", "base64"))
        elif client in ("foxmail", "coremail"):
            cte = "base64"
        elif codec == "ascii":
            cte = "7bit"
        elif lang.code in ("en", "fr", "es"):
            cte = "quoted-printable"
        else:
            cte = rng.choice(("base64", "quoted-printable", "base64", "8bit"))
        role = rng.choice(lang.roles)
        org = rng.choice(lang.orgs)
        persona = Persona(
            lang=lang,
            name=native,
            latin=latin,
            addr=f"{local}@{domain}",
            domain=domain,
            offset=offset,
            eu_dst=eu_dst,
            client=client,
            label=label,
            codec=codec,
            cte=cte,
            role=role,
            org=org,
            show_latin=rng.random() < 0.15 and lang is not self.en,
            disclaimer=rng.random() < 0.3,
            signature=(),
            female=female,
        )
        persona.signature = self._signature(persona)
        return persona

    def _signature(self, p: Persona) -> tuple[str, ...]:
        rng = self.rng
        lines = [p.name]
        if p.lang is not self.en and rng.random() < 0.5:
            lines.append(p.latin)
        lines += [p.role, p.org]
        if rng.random() < 0.7:
            lines.append(f"Tel: +41 22 {rng.randint(700, 999)} {rng.randint(10, 99)} {rng.randint(10, 99)}")
        if rng.random() < 0.4:
            lines.append(
                f"Mob: +{rng.randint(1, 99)} {rng.randint(100, 999)} {rng.randint(100, 999)} {rng.randint(1000, 9999)}"
            )
        lines.append(p.addr)
        if p.domain not in FREEMAIL and rng.random() < 0.5:
            lines.append(f"www.{p.domain}")
        return tuple(lines)

    def colleagues(self, p: Persona, count: int) -> list[tuple[str, str]]:
        out = []
        for _ in range(count):
            native, latin, _ = self.person_name(p.lang)
            parts = _ascii_fold(latin).lower().replace("'", "").split()
            out.append((native if self.rng.random() < 0.7 else latin, f"{parts[-1]}.{parts[0]}@{p.domain}"))
        return out

    # ---- identifiers and dates -----------------------------------------------------------

    def hexid(self, n: int, upper: bool = False) -> str:
        s = f"{self.rng.getrandbits(n * 4):0{n}x}"
        return s.upper() if upper else s

    def msgid(self, client: str, domain: str) -> str:
        rng = self.rng
        while True:
            if client == "outlook":
                host = (
                    f"{rng.choice(('AM9PR', 'DB9PR', 'PAXPR', 'GV0P', 'DU2PR', 'BN6PR'))}"
                    f"{rng.randint(1, 9):02d}MB{rng.randint(1000, 9999)}"
                )
                region = rng.choice(("eurprd07", "eurprd02", "namprd05", "apcprd03"))
                mid = f"{host}{self.hexid(28, True)}@{host}.{region}.prod.outlook.com"
            elif client == "exchange":
                mid = f"{self.hexid(32)}@{rng.choice(('mbx01', 'mbx02', 'exch'))}.{domain}"
            elif client == "gmail":
                mid = f"CA{self.blob.token(rng, 40).replace('/', '_')}@mail.gmail.com"
            elif client == "apple":
                mid = f"{self.uuid().upper()}@{domain}"
            elif client == "thunderbird":
                mid = f"{self.uuid()}@{domain}"
            elif client == "foxmail":
                mid = f"tencent_{self.hexid(40, True)}@qq.com"
            elif client == "coremail":
                mid = f"{rng.randint(10**11, 10**12)}.{rng.randint(1000, 99999)}.{self.hexid(12)}@{domain}"
            elif client == "yandex":
                mid = f"{rng.randint(10**5, 10**6)}{rng.randint(10**9, 10**10)}@mail.yandex.ru"
            elif client == "mailru":
                mid = f"{rng.randint(1_700_000_000, 1_800_000_000)}.{self.hexid(8)}@f{rng.randint(100, 999)}.i.mail.ru"
            else:
                mid = f"{self.hexid(24)}.{rng.randint(1, 10**6)}@{domain}"
            mid = f"<{mid}>"
            if mid not in self.seen_ids:
                self.seen_ids.add(mid)
                return mid

    def uuid(self) -> str:
        h = self.hexid(32)
        return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:]}"

    def boundary(self, client: str) -> str:
        rng = self.rng
        if client in ("outlook", "exchange"):
            return f"_{rng.randint(0, 9):03d}_{self.hexid(20, True)}{rng.choice(('eurp', 'namp', 'wipo'))}_"
        if client == "gmail":
            return f"0000000000{self.hexid(16)}"
        if client == "apple":
            return f"Apple-Mail={self.uuid().upper()}"
        if client == "thunderbird":
            return f"------------{self.blob.token(rng, 24).replace('/', '0').replace('+', '1')}"
        if client in ("foxmail", "coremail"):
            return f"----=_NextPart_{self.hexid(8, True)}_{self.hexid(8, True)}_{self.hexid(8, True)}"
        if client == "postfix":
            return f"{self.hexid(10, True)}.{rng.randint(1756700000, 1761900000)}/mx1.wipo.int"
        if client in ("yandex", "mailru"):
            return f"----==--bound.{rng.randint(10**5, 10**6)}.{self.hexid(10)}"
        return f"----=_Part_{rng.randint(1, 99999)}_{rng.randint(10**8, 10**9)}.{rng.randint(10**12, 10**13)}"

    def local(self, when: datetime, offset: int, eu_dst: bool) -> datetime:
        if eu_dst and when < EU_DST_END:
            offset += 60
        return when.astimezone(timezone(timedelta(minutes=offset)))

    def ip(self, client: str) -> str:
        rng = self.rng
        prefix = {
            "outlook": "40.107",
            "gmail": "209.85",
            "yandex": "77.88",
            "mailru": "94.100",
            "foxmail": "43.163",
            "coremail": "220.181",
        }.get(client)
        if prefix is None:
            prefix = f"{rng.randint(62, 213)}.{rng.randint(1, 254)}"
        return f"{prefix}.{rng.randint(1, 254)}.{rng.randint(1, 254)}"

    # ---- text ----------------------------------------------------------------------------

    def sentence(self, lang: Lang, bank: Sequence[str], persona: Persona | None) -> str:
        return self.rng.choice(bank).format_map(_Slots(self, lang, persona))

    def subject(self, lang: Lang, persona: Persona | None) -> str:
        text = self.sentence(lang, lang.subjects, persona)
        return text[:1].upper() + text[1:]

    def paragraphs(
        self, lang: Lang, persona: Persona | None, budget: int, bank: Sequence[str] | None = None
    ) -> list[str]:
        """Paragraphs of 1-5 sentences until about ``budget`` bytes of UTF-8 are written."""
        rng = self.rng
        bank = bank or lang.sentences
        paras: list[str] = []
        size = 0
        sep = lang.sentence_sep
        slots = _Slots(self, lang, persona)
        while size < budget or not paras:
            templates = rng.sample(bank, min(len(bank), rng.randint(1, 5)))
            para = sep.join(t.format_map(slots) for t in templates)
            slots.clear()
            paras.append(para)
            size += len(para.encode("utf-8")) + 2
        return paras

    # ---- MIME building blocks ------------------------------------------------------------

    def text_part(
        self, msg: EmailMessage, text: str, subtype: str, label: str, codec: str, cte: str, extra: str = ""
    ) -> None:
        """Give ``msg`` a text/``subtype`` body encoded in ``codec`` with ``cte``."""
        text, label, codec = _fit(text, label, codec)
        data = text.encode(codec)
        if cte == "7bit" and not data.isascii():
            cte = "quoted-printable"
        if cte in ("7bit", "8bit") and max(map(len, data.split(b"\n"))) > 900:
            cte = "base64" if codec == "iso-2022-jp" else "quoted-printable"
        if cte == "base64":
            payload = base64.encodebytes(data).decode("ascii")
        elif cte == "quoted-printable":
            payload = binascii.b2a_qp(data, istext=True).decode("ascii")
        elif cte == "8bit":
            payload = data.decode("ascii", "surrogateescape")
        else:
            payload = data.decode("ascii")
        if not payload.endswith("\n"):
            payload += "\n"
        ctype = f'text/{subtype}; charset="{label}"{extra}'
        msg.set_raw("Content-Type", _fold("Content-Type", ctype))
        msg.set_raw("Content-Transfer-Encoding", cte)
        msg.set_payload(payload)

    def multipart(
        self, msg: EmailMessage, subtype: str, client: str, parts: list[EmailMessage], params: str = ""
    ) -> None:
        boundary = self.boundary(client)
        msg.set_raw("Content-Type", f'multipart/{subtype};\n\t{params}boundary="{boundary}"')
        msg.set_payload(parts)

    def filename_params(self, name: str, label: str, codec: str, style: str, param: str) -> str:
        """``param``=... for a file name, as RFC 2231 (with continuations) or RFC 2047."""
        if name.isascii():
            return f'{param}="{name}"'
        if style == "2047":
            words = _encoded_words(name, label, codec, q=False, room=70)
            return f'{param}="' + "\n ".join(words) + '"'
        safe = "!#$&+-.^_`|~"
        value = f"{label}''{quote(name.encode(codec), safe=safe)}"
        if len(value) + len(param) + 4 <= 70:
            return f"{param}*={value}"
        # RFC 2231 continuations, cut between characters (never inside one)
        chunks = [f"{label}''"]
        for char in name:
            piece = quote(char.encode(codec), safe=safe)
            if len(chunks[-1]) + len(piece) > 60:
                chunks.append("")
            chunks[-1] += piece
        return ";\n ".join(f"{param}*{i}*={c}" for i, c in enumerate(chunks))

    def attachment(
        self, p: Persona, name: str, kind: str, weight: float, inline_cid: str | None = None
    ) -> tuple[EmailMessage, Placeholder]:
        """An attachment part whose base64 body is a placeholder filled in by ``finish``."""
        rng = self.rng
        part = EmailMessage(policy=POLICY)
        fk = FILE_KINDS[kind]
        rfc2047 = p.client in ("outlook", "exchange", "apple") and rng.random() < 0.6
        style = "2047" if rfc2047 else "2231"
        label, codec = ("utf-8", "utf-8")
        if style == "2231" and p.codec not in ("utf-8", "ascii", "iso-2022-jp") and rng.random() < 0.25:
            label, codec = p.label, p.codec
        try:
            name.encode(codec)
        except UnicodeEncodeError:
            label, codec = "utf-8", "utf-8"
        ctype = f"{fk.mime};\n " + self.filename_params(name, label, codec, style, "name")
        part.set_raw("Content-Type", ctype)
        disp = "inline" if inline_cid else "attachment"
        disp_value = f"{disp};\n " + self.filename_params(name, label, codec, style, "filename")
        if rng.random() < 0.3:
            disp_value += f";\n size={rng.randint(10_000, 900_000)}"
        if rng.random() < 0.3:
            part.set_raw("Content-Description", _fold("Content-Description", _ascii_fold(name) or "attachment"))
        part.set_raw("Content-Disposition", disp_value)
        if inline_cid:
            part.set_raw("Content-ID", f"<{inline_cid}>")
        part.set_raw("Content-Transfer-Encoding", "base64")
        self.tokens += 1
        token = f"@@ATTACHMENT-{self.tokens:08d}-{self.hexid(12)}@@"
        part.set_payload(token)
        return part, Placeholder(token, kind, weight)

    # ---- headers -------------------------------------------------------------------------

    def encode_text_header(self, text: str, label: str, codec: str, name: str, client: str) -> str:
        """An unstructured header value, RFC 2047-encoded when not ASCII."""
        if text.isascii():
            return _fold(name, text)
        text, label, codec = _fit(text, label, codec)
        if text.isascii():
            return _fold(name, text)
        latin = len(text.encode("ascii", "ignore")) > 0.7 * len(text)
        q = latin and (
            (codec in ("iso-8859-1", "cp1252") and self.rng.random() < 0.7) or client in ("thunderbird", "apple")
        )
        prefix = ""
        if client in ("thunderbird", "gmail") and ": " in text[:12]:
            head, _, rest = text.partition(": ")
            if head.isascii():
                prefix, text = head + ": ", rest
        first_room = max(30, MAX_LINE - len(name) - 2 - len(prefix))
        words = _encoded_words(text, label, codec, q, 75, first_room)
        value = prefix + " ".join(words)
        return _fold(name, value)

    def address(self, name: str, addr: str, label: str, codec: str) -> str:
        if not name:
            return addr
        if name.isascii():
            return formataddr((name, addr))
        try:
            name.encode(codec)
        except UnicodeEncodeError:
            label, codec = "utf-8", "utf-8"
        words = _encoded_words(name, label, codec, q=codec in ("iso-8859-1", "cp1252"), room=70)
        return " ".join(words) + f" <{addr}>"

    def address_list(self, name: str, items: list[tuple[str, str]], label: str, codec: str) -> str:
        return _fold(name, ", ".join(self.address(n, a, label, codec) for n, a in items))

    def received(self, p: Persona, when: datetime) -> list[tuple[str, str]]:
        """1-3 Received headers, newest first, and the arrival time."""
        rng = self.rng
        hops = rng.choices((1, 2, 3), (25, 45, 30))[0]
        t = when
        chain: list[str] = []
        if p.client == "outlook":
            host = (
                f"{rng.choice(('AM9PR', 'DB9PR', 'PAXPR', 'DU2PR'))}{rng.randint(1, 9):02d}MB{rng.randint(1000, 9999)}"
            )
            region = rng.choice(("eurprd07", "eurprd02", "namprd05"))
            relay = (
                f"mail-{rng.choice(('am6', 'db8', 'vi1', 'he1'))}eur{rng.randint(1, 5):02d}"
                f"on{rng.randint(2000, 2199)}.outbound.protection.outlook.com"
            )
            origin = (
                f"from {host}.{region}.prod.outlook.com "
                f"(2603:10a6:20b:{self.hexid(3)}::{rng.randint(10, 99)}) "
                f"by {host}.{region}.prod.outlook.com with Microsoft SMTP Server "
                f"(version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) "
                f"id 15.20.{rng.randint(8000, 8300)}.{rng.randint(10, 40)}"
            )
        elif p.client == "gmail":
            relay = f"mail-{rng.choice(('ed1', 'wr1', 'lf1', 'pl1'))}-f{rng.randint(40, 200)}.google.com"
            origin = (
                f"by 2002:a05:6402:{self.hexid(4)}:b0:{self.hexid(3)}:{self.hexid(4)} "
                f"with SMTP id {self.hexid(10)}{rng.randint(100, 999)}edb.{rng.randint(10, 99)}"
            )
        else:
            relay = f"{rng.choice(('mail', 'smtp', 'mx', 'relay', 'out'))}{rng.randint(1, 9)}.{p.domain}"
            origin = (
                f"from [{self.ip('')}] (unknown [{self.ip('')}]) by {relay} "
                f"(Postfix) with ESMTPSA id {self.hexid(11, True)}"
            )
        mx = f"mx{rng.randint(1, 3)}.wipo.int"
        t += timedelta(seconds=rng.randint(1, 20))
        chain.append(f"{origin}; {format_datetime(t.astimezone(UTC))}")
        t += timedelta(seconds=rng.randint(1, 40) if rng.random() < 0.95 else rng.randint(60, 3000))
        chain.append(
            f"from {relay} ({relay} [{self.ip(p.client)}]) by {mx} (Postfix) with ESMTPS "
            f"id 4c{self.hexid(9, True)} for <{MAILBOX}>; "
            f"{format_datetime(self.local(t, 60, True))}"
        )
        t += timedelta(seconds=rng.randint(0, 5))
        chain.append(
            f"from {mx} (10.{rng.randint(1, 9)}.{rng.randint(1, 254)}.{rng.randint(1, 254)}) "
            f"by EXCH{rng.randint(1, 4):02d}.wipo.int "
            f"(10.{rng.randint(1, 9)}.{rng.randint(1, 254)}.{rng.randint(1, 254)}) "
            f"with Microsoft SMTP Server id 15.2.1544.{rng.randint(4, 14)}; "
            f"{format_datetime(self.local(t, 60, True))}"
        )
        chain = chain[-hops:]
        return [("Received", _fold("Received", v, "\t")) for v in reversed(chain)]

    def client_headers(self, p: Persona, lean: bool, subject: str, has_attach: bool) -> list[tuple[str, str]]:
        """Headers typical of the sender's client and domain (DKIM, ARC, X-MS-*, X-Mailer)."""
        rng = self.rng
        out: list[tuple[str, str]] = []
        tok = self.blob.token
        if not lean or rng.random() < 0.3:
            out.append(
                (
                    "Authentication-Results",
                    _fold(
                        "Authentication-Results",
                        f"mx1.wipo.int; dkim=pass (2048-bit key; unprotected) header.d={p.domain} "
                        f"header.i=@{p.domain} header.b={tok(rng, 8)}; spf=pass smtp.mailfrom={p.domain}; "
                        f"dmarc=pass (p=quarantine dis=none) header.from={p.domain}",
                    ),
                )
            )
        if p.client != "thunderbird" and (not lean or rng.random() < 0.5):
            selector = {"gmail": "20230601", "outlook": "selector1"}.get(p.client, "default")
            d = "gmail.com" if p.client == "gmail" and p.domain == "gmail.com" else p.domain
            out.append(
                (
                    "DKIM-Signature",
                    _fold(
                        "DKIM-Signature",
                        f"v=1; a=rsa-sha256; c=relaxed/relaxed; d={d}; s={selector}; "
                        f"t={rng.randint(1756700000, 1761900000)}; "
                        "h=From:Date:Subject:Message-ID:Content-Type:MIME-Version:To:Cc; "
                        f"bh={tok(rng, 43)}=; "
                        f"b={tok(rng, 342)}==",
                        "\t",
                        split_long=True,
                    ),
                )
            )
        if p.client == "outlook" and not lean:
            out.append(
                (
                    "ARC-Seal",
                    _fold(
                        "ARC-Seal",
                        f"i=1; a=rsa-sha256; s=arcselector10001; d=microsoft.com; cv=none; b={tok(rng, 342)}==",
                        " ",
                        split_long=True,
                    ),
                )
            )
            out.append(
                (
                    "ARC-Message-Signature",
                    _fold(
                        "ARC-Message-Signature",
                        f"i=1; a=rsa-sha256; c=relaxed/relaxed; d=microsoft.com; s=arcselector10001; "
                        "h=From:Date:Subject:Message-ID:Content-Type:MIME-Version:"
                        "X-MS-Exchange-SenderADCheck; "
                        f"bh={tok(rng, 43)}=; b={tok(rng, 342)}==",
                        " ",
                        split_long=True,
                    ),
                )
            )
            out.append(
                (
                    "ARC-Authentication-Results",
                    _fold(
                        "ARC-Authentication-Results",
                        f"i=1; mx.microsoft.com 1; spf=pass smtp.mailfrom={p.domain}; dmarc=pass "
                        f"action=none header.from={p.domain}; dkim=pass header.d={p.domain}; arc=none",
                    ),
                )
            )
        if p.client in ("outlook", "exchange"):
            out.append(
                (
                    "Thread-Topic",
                    self.encode_text_header(subject.split(": ", 1)[-1], p.label, p.codec, "Thread-Topic", p.client),
                )
            )
            out.append(("Thread-Index", f"A{tok(rng, 30)}=="))
        if p.client == "gmail" and not lean:
            out.append(
                (
                    "X-Google-DKIM-Signature",
                    _fold(
                        "X-Google-DKIM-Signature",
                        f"v=1; a=rsa-sha256; c=relaxed/relaxed; d=1e100.net; s=20230601; "
                        f"h=to:subject:message-id:date:from:mime-version; bh={tok(rng, 43)}=; "
                        f"b={tok(rng, 342)}==",
                        "\t",
                        split_long=True,
                    ),
                )
            )
            out.append(("X-Gm-Message-State", _fold("X-Gm-Message-State", tok(rng, 120), " ", split_long=True)))
            out.append(("X-Google-Smtp-Source", _fold("X-Google-Smtp-Source", tok(rng, 80), " ", split_long=True)))
        return out

    def exchange_tail(self, p: Persona, lean: bool, has_attach: bool) -> list[tuple[str, str]]:
        rng = self.rng
        tok = self.blob.token
        tag = p.lang.locale
        out = [
            ("Accept-Language", tag if tag == "en-US" else f"{tag}, en-US"),
            ("Content-Language", tag),
            ("X-MS-Has-Attach", "yes" if has_attach else ""),
            ("X-MS-TNEF-Correlator", ""),
        ]
        if p.client == "outlook" and not lean:
            out += [
                ("x-ms-publictraffictype", "Email"),
                ("x-ms-traffictypediagnostic", f"{self.hexid(4, True)}:EE_|{self.hexid(6, True)}:EE_"),
                ("x-ms-office365-filtering-correlation-id", self.uuid()),
                ("x-microsoft-antispam", "BCL:0;ARA:13230040|366016|1800799024|376014|38070700018;"),
                (
                    "x-microsoft-antispam-message-info",
                    _fold(
                        "x-microsoft-antispam-message-info",
                        tok(rng, rng.randint(300, 2400)),
                        " ",
                        split_long=True,
                    ),
                ),
                (
                    "x-forefront-antispam-report",
                    _fold(
                        "x-forefront-antispam-report",
                        f"CIP:255.255.255.255;CTRY:;LANG:{p.lang.code};SCL:1;SRV:;IPV:NLI;SFV:NSPM;"
                        f"H:{self.hexid(12, True)}.eurprd07.prod.outlook.com;PTR:;CAT:NONE;"
                        "SFS:(13230040)(366016)(1800799024)(376014)(38070700018);DIR:OUT;SFP:1101;",
                        " ",
                        split_long=True,
                    ),
                ),
                ("x-ms-exchange-antispam-messagedata-chunkcount", "1"),
                (
                    "x-ms-exchange-antispam-messagedata-0",
                    _fold(
                        "x-ms-exchange-antispam-messagedata-0",
                        tok(rng, rng.randint(400, 2000)),
                        " ",
                        split_long=True,
                    ),
                ),
                ("X-MS-Exchange-CrossTenant-AuthAs", "Internal"),
                ("X-MS-Exchange-CrossTenant-Network-Message-Id", self.uuid()),
                ("X-MS-Exchange-CrossTenant-id", self.uuid()),
                ("X-MS-Exchange-CrossTenant-mailboxtype", "HOSTED"),
                ("X-OriginatorOrg", p.domain),
            ]
        return out

    # ---- whole messages ------------------------------------------------------------------

    def pick_target(self) -> tuple[int, int]:
        rng = self.rng
        r = rng.random()
        acc = 0.0
        for index, (share, low, high) in enumerate(SIZE_BUCKETS):
            acc += share
            if r < acc or index == len(SIZE_BUCKETS) - 1:
                return index, int(math.exp(rng.uniform(math.log(low), math.log(high))))
        raise AssertionError  # pragma: no cover

    def when(self, index: int) -> datetime:
        """Arrival time: messages spread in order over the period, mostly in working hours.

        The random draws do not depend on the count, so that runs with the same seed and a
        different N give the same messages on a stretched or squeezed timeline.
        """
        rng = self.rng
        jitter, working, hour = rng.random(), rng.random() < 0.6, rng.randint(6, 17)
        span = (END - START).total_seconds()
        base = START + timedelta(seconds=span * (index + jitter) / self.total)
        if working and not 6 <= base.hour <= 17:
            base = base.replace(hour=hour)
        return min(max(base, START), END)

    def message(self, index: int) -> bytes:
        rng = self.rng
        bucket, target = self.pick_target()
        when = self.when(index)
        if bucket == 0:
            kind = rng.choices(("plain", "alternative", "html", "ooo", "bounce", "calendar"), (42, 40, 7, 5, 3, 3))[0]
        elif bucket == 1:
            kind = rng.choices(("mixed", "newsletter", "forward"), (84, 12, 4))[0]
        else:
            kind = "mixed"
        if kind == "ooo":
            raw = self.out_of_office(when)
        elif kind == "bounce":
            raw = self.bounce(when, target)
        elif kind == "newsletter":
            raw = self.newsletter(when, target)
        else:
            raw = self.human(when, target, kind)
        assert len(raw) <= MAX_SIZE, "attachments are sized to fit the target"
        return raw

    def persona(self) -> Persona:
        rng = self.rng
        index = rng.choices(range(len(self.langs)), cum_weights=self.lang_cum)[0]
        return rng.choices(self.personas[index], cum_weights=self.persona_cum[index])[0]

    def thread(self, p: Persona) -> tuple[str, Sent | None, str]:
        """("new"|"wipo"|"thread"|"forward", parent, subject)."""
        rng = self.rng
        r = rng.random()
        lang = p.lang
        if r < 0.2 and self.history:
            parent = self.history[-rng.randint(1, min(len(self.history), 60))]
            base = parent.subject
            for prefix in (*parent.persona.lang.reply, *lang.reply, "RE: ", "Re: "):
                if base.startswith(prefix):
                    base = base[len(prefix) :]
            return "thread", parent, rng.choice(lang.reply) + base
        if r < 0.45:
            return "wipo", None, rng.choice(lang.reply) + rng.choice(self.texts.wipo_subjects)
        if r < 0.5:
            return "forward", None, rng.choice(lang.forward) + self.subject(lang, p)
        return "new", None, self.subject(lang, p)

    def quote(
        self, p: Persona, mode: str, parent: Sent | None, when: datetime, budget: int
    ) -> tuple[str, str | None, tuple[str, ...]]:
        """Quoted text for a reply or forward, the parent's Message-ID and the References."""
        rng = self.rng
        lang = p.lang
        texts = self.texts
        if mode == "thread" and parent is not None:
            q_name, q_addr = parent.persona.name, parent.persona.addr
            q_date, q_text, q_id = parent.date, parent.text, parent.msgid
            q_subject = parent.subject
            refs = parent.refs
        elif mode in ("wipo", "forward"):
            q_lang = lang if lang.code in ("fr", "es", "ru", "zh", "ar") and rng.random() < 0.5 else self.en
            q_name = rng.choice(texts.secretariat_names)
            q_addr = MAILBOX
            q_date = when - timedelta(days=rng.randint(1, 20), minutes=rng.randint(0, 600))
            paras = [rng.choice(texts.secretariat_greetings)]
            paras += self.paragraphs(q_lang, None, rng.randint(200, 900), q_lang.announce)
            paras.append(texts.secretariat_signature)
            q_text = "\n\n".join(paras)
            q_id = f"<{self.hexid(32)}@wipo.int>"
            q_subject = rng.choice(texts.wipo_subjects)
            refs = ()
        else:
            return "", None, ()
        refs = (*refs, q_id)[-12:]
        if len(q_text) > budget:
            q_text = q_text[: max(budget, 400)].rsplit("\n", 1)[0]
        date_s = self.local(q_date, p.offset, p.eu_dst).strftime(
            rng.choice(("%a, %d %b %Y %H:%M", "%d.%m.%Y %H:%M", "%Y-%m-%d %H:%M"))
        )
        if mode == "forward" or p.client in ("outlook", "exchange"):
            labels = lang.header_labels
            head = [
                lang.original if mode != "forward" or rng.random() < 0.5 else "---------- Forwarded message ---------",
                f"{labels[0]} {q_name} <{q_addr}>",
                f"{labels[1]} {date_s}",
                f"{labels[2]} {MAILBOX}",
                f"{labels[4]} {q_subject}",
                "",
            ]
            if mode == "forward":
                return "\n".join(head) + "\n" + q_text, None, ()
            return "\n".join(head) + "\n" + q_text, q_id, refs
        attribution = lang.wrote.format(date=date_s, name=q_name, addr=q_addr)
        quoted = "\n".join(("> " + line) if line else ">" for line in q_text.split("\n"))
        return attribution + "\n" + quoted, q_id, refs

    def top_headers(
        self,
        p: Persona,
        when: datetime,
        subject: str,
        msgid: str,
        parent_id: str | None,
        refs: tuple[str, ...],
        lean: bool,
        has_attach: bool,
    ) -> list[tuple[str, str]]:
        rng = self.rng
        headers: list[tuple[str, str]] = []
        headers += self.received(p, when)
        headers += self.client_headers(p, lean, subject, has_attach)
        display = p.latin if p.show_latin else p.name
        headers.append(("From", self.address_list("From", [(display, p.addr)], p.label, p.codec)))
        to_name = rng.choice(self.texts.to_names)
        to = [(to_name, MAILBOX)]
        if rng.random() < 0.15:
            to += [(rng.choice(self.en.wipo_staff).split()[-1], f"conversation.{rng.randint(1, 9)}@wipo.int")]
        headers.append(("To", self.address_list("To", to, p.label, p.codec)))
        r = rng.random()
        if r < 0.35:
            count = rng.randint(1, 4) if r > 0.05 else rng.randint(6, 18)
            headers.append(("Cc", self.address_list("Cc", self.colleagues(p, count), p.label, p.codec)))
        headers.append(("Subject", self.encode_text_header(subject, p.label, p.codec, "Subject", p.client)))
        local = self.local(when, p.offset, p.eu_dst)
        date_s = format_datetime(local)
        if p.client in ("yandex", "mailru") and rng.random() < 0.5:
            date_s += " (MSK)"
        headers.append(("Date", date_s))
        headers.append(("Message-ID", _fold("Message-ID", msgid)))
        if parent_id:
            headers.append(("References", _fold("References", " ".join(refs))))
            headers.append(("In-Reply-To", _fold("In-Reply-To", parent_id)))
        if p.client in ("outlook", "exchange"):
            headers += self.exchange_tail(p, lean, has_attach)
        elif p.client == "thunderbird":
            headers.append(("User-Agent", "Mozilla Thunderbird"))
            if p.lang.code != "en":
                headers.append(("Content-Language", p.lang.code))
        elif p.client == "apple":
            headers.append(("X-Mailer", "Apple Mail (2.3826.700.81)"))
        elif p.client == "foxmail":
            headers.append(("X-Mailer", "Foxmail 7.2.25.228[cn]"))
            headers.append(("X-QQ-MID", f"xmsmtpt{self.blob.token(rng, 40)}"))
        elif p.client == "coremail":
            headers.append(
                (
                    "X-Mailer",
                    _fold(
                        "X-Mailer",
                        "Coremail Webmail Server Version 2023.3-cmXT5 build 20240627("
                        "e6c6db66) Copyright (c) 2002-2025 www.mailtech.cn 163com",
                    ),
                )
            )
            headers.append(("X-Originating-IP", f"[{self.ip('')}]"))
        elif p.client == "yandex":
            headers.append(("X-Mailer", "Yamail [ http://yandex.ru ] 5.0"))
        elif p.client == "mailru":
            headers.append(("X-Mailer", "Mail.Ru Mailer 1.0"))
        headers.append(("MIME-Version", "1.0"))
        return headers

    def render_plain(self, p: Persona, paras: list[str], sig: list[str], quote: str, wrap: bool) -> str:
        """The text/plain body; ``wrap`` folds lines at 76 columns (8bit, Thunderbird)."""
        lines: list[str] = []
        flowed = p.client == "thunderbird" and not p.lang.cjk  # soft breaks end with a space
        for para in paras:
            if not wrap:
                lines.append(para)
            else:
                pieces = _wrap(para, 76, p.lang.cjk)
                lines.extend([f"{x} " for x in pieces[:-1]] + pieces[-1:] if flowed else pieces)
            lines.append("")
        sep = "-- " if p.client == "thunderbird" else None
        if sep:
            lines.append(sep)
        for line in sig:
            lines.extend(_wrap(line, 76, p.lang.cjk) if wrap else [line])
        if quote:
            lines += [""] if p.client not in ("outlook", "exchange") else ["", "_" * 32]
            for line in quote.split("\n"):
                if not wrap or len(line) <= 76:
                    lines.append(line)
                    continue
                prefix = "> " if line.startswith("> ") else ""
                lines.extend(
                    prefix + piece if i else piece
                    for i, piece in enumerate(_wrap(line, 76, p.lang.cjk or not line.isascii()))
                )
        return "\n".join(lines) + "\n"

    def render_html(
        self, p: Persona, paras: list[str], sig: list[str], quote: str, label: str, logo: str | None = None
    ) -> str:
        lang = p.lang
        esc = html.escape
        direction = ' dir="rtl"' if lang.rtl else ""
        out: list[str] = []
        if p.client in ("outlook", "exchange"):
            out.append(
                '<html xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-'
                'com:office:office" xmlns:w="urn:schemas-microsoft-com:office:word" xmlns:m="h'
                'ttp://schemas.microsoft.com/office/2004/12/omml" xmlns="http://www.w3.org/TR/'
                'REC-html40">\n<head>\n<meta http-equiv="Content-Type" content="text/html; '
                f'charset={label}">\n<meta name="Generator" content="Microsoft Word 15 (filtere'
                'd medium)">\n<style><!--\n/* Font Definitions */\n@font-face\n\t{font-family:'
                '"Cambria Math";\n\tpanose-1:2 4 5 3 5 4 6 3 2 4;}\n@font-face\n\t{font-family:'
                "Calibri;\n\tpanose-1:2 15 5 2 2 2 4 3 2 4;}\n@font-face\n\t{font-family:Aptos;}"
                "\n/* Style Definitions */\np.MsoNormal, li.MsoNormal, div.MsoNormal\n\t{margin"
                ':0cm;\n\tfont-size:11.0pt;\n\tfont-family:"Aptos",sans-serif;\n\tmso-ligatures'
                ":standardcontextual;\n\tmso-fareast-language:EN-US;}\na:link, span.MsoHyperlin"
                "k\n\t{mso-style-priority:99;\n\tcolor:#467886;\n\ttext-decoration:underline;}\n"
                'span.EmailStyle17\n\t{mso-style-type:personal-compose;\n\tfont-family:"Aptos",'
                "sans-serif;\n\tcolor:windowtext;}\n.MsoChpDefault\n\t{mso-style-type:export-on"
                "ly;\n\tfont-size:10.0pt;\n\tmso-ligatures:none;}\n@page WordSection1\n\t{size:6"
                "12.0pt 792.0pt;\n\tmargin:72.0pt 72.0pt 72.0pt 72.0pt;}\ndiv.WordSection1\n\t{p"
                "age:WordSection1;}\n--></style><!--[if gte mso 9]><xml>\n<o:shapedefaults v:ex"
                't="edit" spidmax="1026" />\n</xml><![endif]--><!--[if gte mso 9]><xml>\n<o:sha'
                'pelayout v:ext="edit">\n<o:idmap v:ext="edit" data="1" />\n</o:shapelayout></x'
                f'ml><![endif]-->\n</head>\n<body lang="{lang.code.upper()}" link="#467886" vlin'
                f'k="#96607D" style="word-wrap:break-word"{direction}>\n<div class="WordSection1">'
            )
            p_open, p_close = '<p class="MsoNormal">', "<o:p></o:p></p>"
        elif p.client == "gmail":
            out.append(f'<div dir="{"rtl" if lang.rtl else "ltr"}">')
            p_open, p_close = "<div>", "</div><div><br></div>"
        elif p.client == "apple":
            out.append(
                f'<html><head><meta http-equiv="content-type" content="text/html; charset={label}">'
                '</head><body style="overflow-wrap: break-word; -webkit-nbsp-mode: space; '
                f'line-break: after-white-space;"{direction}>'
            )
            p_open, p_close = "<div>", "</div><br>"
        else:
            out.append(
                '<!DOCTYPE html>\n<html><head>\n<meta http-equiv="Content-Type" content="text/'
                f'html; charset={label}">\n</head>\n<body{direction}>'
            )
            p_open, p_close = "<p>", "</p>"
        sep = lang.sentence_sep
        for para in paras:
            # one sentence per source line keeps 8bit lines short
            body = esc(para, quote=False)
            body = body.replace(". ", ".\n") if sep == " " else body.replace("。", "。\n")
            out.append(f"{p_open}{body}{p_close}")
        out.append('<div style="font-size:9pt;color:#595959">')
        out.extend(f"{esc(line, quote=False)}<br>" for line in sig)
        out.append("</div>")
        if logo:
            out.append(f'<img src="cid:{logo}" width="120" height="40" alt="logo">')
        if quote:
            qhtml = esc(quote, quote=False).replace("\n", "<br>\n")
            if p.client == "gmail":
                out.append(
                    f'<div class="gmail_quote"><blockquote class="gmail_quote" style="mar'
                    f"gin:0px 0px 0px 0.8ex;border-left:1px solid rgb(204,204,204);padding"
                    f'-left:1ex">\n{qhtml}\n</blockquote></div>'
                )
            else:
                out.append(
                    '<div style="border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt'
                    f' 0cm 0cm 0cm">\n{qhtml}\n</div>'
                )
        if p.client == "gmail":
            out.append("</div>")
        else:
            out.append("</div>\n</body>\n</html>" if p.client in ("outlook", "exchange") else "</body></html>")
        return "\n".join(out) + "\n"

    def finish(self, msg: EmailMessage, attachments: list[Placeholder], target: int) -> bytes:
        """Serialize ``msg`` and replace attachment placeholders with data filling ``target``."""
        skeleton = msg.as_bytes(policy=POLICY)
        if not attachments:
            return skeleton
        fixed = len(skeleton) - sum(len(a.token) for a in attachments)
        room = max(len(attachments) * 400, target - fixed)
        total = sum(a.weight for a in attachments)
        pieces: list[bytes] = []
        rest = skeleton
        for a in attachments:
            head, sep, rest = rest.partition(a.token.encode("ascii"))
            assert sep, "placeholder missing"
            pieces += [head, self.blob.encoded(a.kind, int(room * a.weight / total), self.rng)]
        pieces.append(rest)
        return b"".join(pieces)

    def remember(self, msgid: str, refs: tuple[str, ...], subject: str, p: Persona, when: datetime, text: str) -> None:
        self.history.append(Sent(msgid, refs, subject, p, when, text[:4000]))

    def cost(self, text: str, codec: str, cte: str) -> float:
        """Approximate bytes that ``text`` (plus a blank line) takes once encoded."""
        text, _, codec = _fit(text, "", codec)
        data = text.encode(codec) + b"\n\n"
        if cte == "quoted-printable":
            encoded = binascii.b2a_qp(data, istext=True)
            return len(encoded) + encoded.count(b"\n")
        if cte == "base64":
            return len(data) * 4 / 3 * 78 / 76
        return len(data) * 1.015 + data.count(b"\n")

    def fill(self, p: Persona, room: float, codec: str, cte: str, html_cte: str | None, plain: bool) -> list[str]:
        """Paragraphs whose encoded plain and/or HTML renderings take about ``room`` bytes."""
        rng = self.rng
        lang = p.lang
        slots = _Slots(self, lang, p)
        paras: list[str] = []
        spent = 0.0
        while True:
            templates = rng.sample(lang.sentences, min(len(lang.sentences), rng.randint(1, 5)))
            para = lang.sentence_sep.join(t.format_map(slots) for t in templates)
            slots.clear()
            cost = self.cost(para, codec, cte) if plain else 0.0
            if html_cte is not None:
                cost += self.cost(html.escape(para, quote=False), codec, html_cte) + 45
            if paras and spent + cost - room > room - spent:
                return paras
            paras.append(para)
            spent += cost
            if spent >= room:
                return paras

    def human(self, when: datetime, target: int, kind: str) -> bytes:
        rng = self.rng
        p = self.persona()
        lang = p.lang
        mode, parent, subject = self.thread(p)
        delay = timedelta(minutes=rng.randint(5, 900))
        if parent is not None and parent.date >= when:  # a reply comes after its parent
            when = parent.date + delay
            if when > END:
                when = parent.date + timedelta(seconds=30)
        if kind == "calendar":
            mode, parent = "new", None
            subject = lang.accepted + self.texts.wipo_subjects[1]
        msgid = self.msgid(p.client, p.domain)
        has_attach = kind in ("mixed", "forward")
        lean = target < 7 * KIB and rng.random() < 0.8
        label, codec, cte = p.label, p.codec, p.cte
        if rng.random() < 0.15 and codec not in ("iso-2022-jp", "ascii"):
            cte = rng.choice(("base64", "quoted-printable", "8bit"))
        html_cte = "quoted-printable" if cte in ("7bit", "8bit") and rng.random() < 0.6 else cte
        if kind in ("html", "alternative"):
            shape = kind
        elif has_attach:
            shape = "plain" if rng.random() < 0.45 else "alternative"
        else:
            shape = "plain"
        with_html = shape != "plain"
        sample = self.sentence(lang, lang.sentences, p)
        unit = self.cost(sample, codec, cte) / (len(sample) + 2) * (2.2 if with_html else 1.0)

        quote, parent_id, refs = "", None, ()
        if mode != "new":
            share = rng.uniform(0.05, 0.3) if has_attach else rng.uniform(0.1, 0.45)
            quote, parent_id, refs = self.quote(p, mode, parent, when, int(min(target, 20 * KIB) * share / unit))
        headers = self.top_headers(p, when, subject, msgid, parent_id, refs, lean, has_attach)
        greeting = rng.choice(lang.greetings).format_map(_Slots(self, lang, p))
        sig = [rng.choice(lang.closings), "", *p.signature]
        if p.disclaimer:
            sig += ["", lang.disclaimer]
            if lang is not self.en and rng.random() < 0.5:
                sig += ["", self.en.disclaimer]
        logo = (
            f"image001.png@01DC{self.hexid(4, True)}.{self.hexid(8, True)}"
            if with_html and rng.random() < 0.3
            else None
        )
        flowed = "; format=flowed" if p.client == "thunderbird" and cte != "base64" else ""
        wrap = p.client == "thunderbird" or cte in ("8bit", "7bit")

        def build(paras: list[str]) -> tuple[EmailMessage, list[Placeholder]]:
            plain = self.render_plain(p, paras, sig, quote, wrap)
            msg = EmailMessage(policy=POLICY)
            for k, v in headers:
                msg.set_raw(k, v)
            attachments: list[Placeholder] = []
            if kind == "calendar":
                self.calendar(msg, p, plain, label, codec, cte, when)
                return msg, attachments
            body = EmailMessage(policy=POLICY) if has_attach else msg
            if shape == "plain":
                self.text_part(body, plain, "plain", label, codec, cte, flowed)
            elif shape == "html":
                self.text_part(
                    body, self.render_html(p, paras, sig, quote, label, logo), "html", label, codec, html_cte
                )
            else:
                self.alternative(
                    body,
                    p,
                    plain,
                    paras,
                    sig,
                    quote,
                    label,
                    codec,
                    cte,
                    html_cte,
                    flowed,
                    logo,
                    attachments if has_attach else None,
                )
            if not has_attach:
                return msg, attachments
            parts = [body]
            if kind == "forward":
                parts.append(self.rfc822_part(when))
            count = rng.choices((1, 2, 3, 4), (65, 22, 9, 4))[0]
            for index in range(count):
                name, kind_key = self.attachment_name(p)
                weight = 1.0 if index == 0 else rng.uniform(0.03, 0.3)
                part, placeholder = self.attachment(p, name, kind_key, weight)
                parts.append(part)
                attachments.append(placeholder)
            self.multipart(msg, "mixed", p.client, parts)
            if p.client in ("thunderbird", "coremail", "foxmail") or rng.random() < 0.2:
                msg.preamble = "This is a multi-part message in MIME format."
            return msg, attachments

        plain_cte = None if shape == "html" else cte
        if has_attach:
            room = min(rng.randint(1500, 9000), int(target * 0.3))
        else:
            # measure everything but the paragraphs, then write paragraphs to fill the rest
            room = target - len(build([greeting])[0].as_bytes(policy=POLICY))
        paras = [
            greeting,
            *self.fill(p, room, codec, plain_cte or cte, html_cte if with_html else None, plain_cte is not None),
        ]
        msg, attachments = build(paras)
        raw = self.finish(msg, attachments, target)
        self.remember(msgid, refs, subject, p, when, "\n\n".join(paras))
        return raw

    def alternative(
        self,
        msg: EmailMessage,
        p: Persona,
        plain: str,
        paras: list[str],
        sig: list[str],
        quote: str,
        label: str,
        codec: str,
        cte: str,
        html_cte: str,
        flowed: str,
        logo: str | None = None,
        attachments: list[Placeholder] | None = None,
    ) -> None:
        """multipart/alternative (plain + HTML); inside multipart/related with the inline logo
        when ``attachments`` is given and the HTML shows a logo."""
        text = EmailMessage(policy=POLICY)
        self.text_part(text, plain, "plain", label, codec, cte, flowed)
        html_part = EmailMessage(policy=POLICY)
        self.text_part(html_part, self.render_html(p, paras, sig, quote, label, logo), "html", label, codec, html_cte)
        if attachments is not None and logo:
            alt = EmailMessage(policy=POLICY)
            self.multipart(alt, "alternative", p.client, [text, html_part])
            img, placeholder = self.attachment(p, "image001.png", "png", self.rng.uniform(0.005, 0.03), logo)
            attachments.append(placeholder)
            self.multipart(msg, "related", p.client, [alt, img], 'type="multipart/alternative";\n\t')
            return
        self.multipart(msg, "alternative", p.client, [text, html_part])

    def attachment_name(self, p: Persona) -> tuple[str, str]:
        rng = self.rng
        lang = p.lang if rng.random() < 0.8 else self.en
        if rng.random() < 0.15:
            kind = rng.choices([k for k, _ in ATTACHMENT_KIND_WEIGHTS], [w for _, w in ATTACHMENT_KIND_WEIGHTS])[0]
            if kind == "tnef":
                return "winmail.dat", kind
            stem = rng.choice(self.texts.attachment_stems)
            return f"{stem}{rng.randint(1, 99)}.{FILE_KINDS[kind].ext}", kind
        template = rng.choice(lang.attachment_names)
        name = template.format_map(_Slots(self, lang, p)).replace(" ", "_").replace("/", "-")
        if len(name) > 90:
            name = name[:80] + name[name.rfind(".") :]
        ext = name.rsplit(".", 1)[-1]
        return name, EXT_TO_KIND.get(ext, "pdf")

    def rfc822_part(self, when: datetime) -> EmailMessage:
        """A forwarded message attached as message/rfc822."""
        rng = self.rng
        inner = EmailMessage(policy=POLICY)
        other = self.persona()
        inner.set_raw("From", self.address_list("From", [(other.name, other.addr)], "utf-8", "utf-8"))
        inner.set_raw("To", MAILBOX)
        subject = self.subject(other.lang, other)
        inner.set_raw("Subject", self.encode_text_header(subject, "utf-8", "utf-8", "Subject", "gmail"))
        inner.set_raw(
            "Date",
            format_datetime(self.local(when - timedelta(days=rng.randint(1, 9)), other.offset, other.eu_dst)),
        )
        inner.set_raw("Message-ID", _fold("Message-ID", self.msgid(other.client, other.domain)))
        inner.set_raw("MIME-Version", "1.0")
        paras = self.paragraphs(other.lang, other, rng.randint(400, 2500))
        self.text_part(inner, "\n\n".join(paras) + "\n", "plain", other.label, other.codec, other.cte)
        part = EmailMessage(policy=POLICY)
        part.set_raw("Content-Type", "message/rfc822")
        part.set_raw("Content-Disposition", 'attachment;\n filename="forwarded message.eml"')
        part.set_payload([inner])
        return part

    def calendar(
        self, msg: EmailMessage, p: Persona, plain: str, label: str, codec: str, cte: str, when: datetime
    ) -> None:
        rng = self.rng
        text = EmailMessage(policy=POLICY)
        self.text_part(text, plain, "plain", label, codec, cte)
        stamp = when.strftime("%Y%m%dT%H%M%SZ")
        ics = "\n".join(
            (
                "BEGIN:VCALENDAR",
                "METHOD:REPLY",
                "PRODID:Microsoft Exchange Server 2010",
                "VERSION:2.0",
                "BEGIN:VEVENT",
                f"ATTENDEE;PARTSTAT=ACCEPTED;CN={p.name}:mailto:{p.addr}",
                f"UID:040000008200E00074C5B7101A82E008000000{self.hexid(32, True)}",
                f"SUMMARY;LANGUAGE={p.lang.code}:{p.lang.accepted}WIPO Conversation 12",
                "DTSTART:20251028T090000Z",
                "DTEND:20251029T160000Z",
                f"DTSTAMP:{stamp}",
                f"SEQUENCE:{rng.randint(0, 3)}",
                "LOCATION:WIPO Conference Hall, Geneva",
                "END:VEVENT",
                "END:VCALENDAR",
                "",
            )
        )
        cal = EmailMessage(policy=POLICY)
        self.text_part(cal, ics, "calendar", "utf-8", "utf-8", rng.choice(("base64", "8bit")), "; method=REPLY")
        self.multipart(msg, "alternative", p.client, [text, cal])

    # ---- robots --------------------------------------------------------------------------

    def robot_headers(
        self, msg: EmailMessage, sender: str, when: datetime, subject: str, msgid: str, relay: str
    ) -> None:
        rng = self.rng
        t = when + timedelta(seconds=rng.randint(1, 30))
        ip = "127.0.0.1" if relay == "localhost" else self.ip("")
        msg.set_raw(
            "Received",
            _fold(
                "Received",
                f"from {relay} ({relay} [{ip}]) by mx{rng.randint(1, 3)}.wipo.int "
                f"(Postfix) with ESMTPS id 4c{self.hexid(9, True)} for <{MAILBOX}>; "
                f"{format_datetime(self.local(t, 60, True))}",
                "\t",
            ),
        )
        msg.set_raw("From", _fold("From", sender))
        msg.set_raw("To", MAILBOX)
        msg.set_raw("Subject", subject)
        msg.set_raw("Date", format_datetime(self.local(when, 60, True)))
        msg.set_raw("Message-ID", _fold("Message-ID", msgid))
        msg.set_raw("MIME-Version", "1.0")

    def out_of_office(self, when: datetime) -> bytes:
        rng = self.rng
        p = self.persona()
        lang = p.lang
        subject = lang.auto_reply + rng.choice(self.texts.wipo_subjects)
        msgid = self.msgid(p.client, p.domain)
        msg = EmailMessage(policy=POLICY)
        for k, v in self.received(p, when):
            msg.set_raw(k, v)
        for k, v in self.client_headers(p, rng.random() < 0.5, subject, False):
            msg.set_raw(k, v)
        display = p.latin if p.show_latin else p.name
        msg.set_raw("From", self.address_list("From", [(display, p.addr)], p.label, p.codec))
        msg.set_raw("To", MAILBOX)
        msg.set_raw("Subject", self.encode_text_header(subject, p.label, p.codec, "Subject", p.client))
        msg.set_raw("Date", format_datetime(self.local(when, p.offset, p.eu_dst)))
        msg.set_raw("Message-ID", _fold("Message-ID", msgid))
        msg.set_raw("In-Reply-To", f"<{self.hexid(32)}@wipo.int>")
        msg.set_raw("Auto-Submitted", "auto-replied")
        if p.client in ("outlook", "exchange"):
            msg.set_raw("X-Auto-Response-Suppress", "All")
            msg.set_raw("X-MS-Exchange-Inbox-Rules-Loop", p.addr)
        else:
            msg.set_raw("Precedence", "auto_reply")
        msg.set_raw("MIME-Version", "1.0")
        sep = lang.sentence_sep
        paras = [sep.join(self.sentence(lang, lang.ooo, p) for _ in range(3))]
        if lang is not self.en:
            paras.append(" ".join(self.sentence(self.en, self.en.ooo, p) for _ in range(2)))
        sig = list(p.signature[:3])
        plain = "\n\n".join(paras) + "\n\n" + "\n".join(sig) + "\n"
        if p.client in ("outlook", "exchange") and rng.random() < 0.7:
            self.alternative(msg, p, plain, paras, sig, "", p.label, p.codec, p.cte, "quoted-printable", "")
        else:
            self.text_part(msg, plain, "plain", p.label, p.codec, p.cte)
        return msg.as_bytes(policy=POLICY)

    def bounce(self, when: datetime, target: int) -> bytes:
        rng = self.rng
        victim = self.persona()
        rcpt = f"{victim.addr.split('@')[0]}.old@{victim.domain}"
        postfix = rng.random() < 0.6
        if postfix:
            sender = "MAILER-DAEMON@mx1.wipo.int (Mail Delivery System)"
            subject = "Undelivered Mail Returned to Sender"
            relay = "localhost"
        else:
            sender = "Microsoft Outlook <MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@wipo.int>"
            subject = self.encode_text_header(
                "Undeliverable: " + rng.choice(self.texts.wipo_subjects), "utf-8", "utf-8", "Subject", "outlook"
            )
            relay = "EXCH02.wipo.int"
        msg = EmailMessage(policy=POLICY)
        self.robot_headers(
            msg,
            sender,
            when,
            subject,
            f"<{self.hexid(16, True)}.{rng.randint(1000, 9999)}@mx1.wipo.int>",
            relay,
        )
        msg.set_raw("Auto-Submitted", "auto-replied")
        reason = rng.choice(self.texts.bounce_reasons).format(rcpt=rcpt)
        if postfix:
            notice = self.texts.postfix_bounce.format(rcpt=rcpt, domain=victim.domain, ip=self.ip(""), reason=reason)
        else:
            notice = self.texts.exchange_bounce.format(rcpt=rcpt, reason=reason)
        note = EmailMessage(policy=POLICY)
        self.text_part(note, notice, "plain", "us-ascii", "ascii", "7bit")
        note.set_raw("Content-Description", "Notification")
        status = EmailMessage(policy=POLICY)
        status.set_raw("Content-Description", "Delivery report")
        status.set_raw("Content-Type", "message/delivery-status")
        per_msg = EmailMessage(policy=POLICY)
        per_msg.set_raw("Reporting-MTA", "dns; mx1.wipo.int")
        per_msg.set_raw("X-Postfix-Queue-ID", f"4c{self.hexid(9, True)}")
        per_msg.set_raw("Arrival-Date", format_datetime(self.local(when - timedelta(seconds=5), 60, True)))
        per_rcpt = EmailMessage(policy=POLICY)
        per_rcpt.set_raw("Final-Recipient", f"rfc822; {rcpt}")
        per_rcpt.set_raw("Original-Recipient", f"rfc822;{rcpt}")
        per_rcpt.set_raw("Action", "failed")
        per_rcpt.set_raw("Status", reason.split()[1])
        per_rcpt.set_raw("Remote-MTA", f"dns; mx.{victim.domain}")
        per_rcpt.set_raw("Diagnostic-Code", _fold("Diagnostic-Code", f"smtp; {reason}"))
        status.set_payload([per_msg, per_rcpt])
        original = EmailMessage(policy=POLICY)
        original.set_raw("From", "WIPO Frontier Technologies <frontier.tech@wipo.int>")
        original.set_raw("To", self.address("", rcpt, "utf-8", "utf-8"))
        original.set_raw(
            "Subject",
            self.encode_text_header(rng.choice(self.texts.wipo_subjects), "utf-8", "utf-8", "Subject", "outlook"),
        )
        original.set_raw("Date", format_datetime(self.local(when - timedelta(seconds=9), 60, True)))
        original.set_raw("Message-ID", f"<{self.hexid(32)}@wipo.int>")
        original.set_raw("MIME-Version", "1.0")
        lang = victim.lang if victim.lang.code in ("fr", "es") else self.en
        body = "\n\n".join(self.paragraphs(lang, None, max(300, target - 3500), lang.announce)) + "\n"
        returned = EmailMessage(policy=POLICY)
        if rng.random() < 0.5:
            self.text_part(original, body, "plain", "utf-8", "utf-8", "quoted-printable")
            returned.set_raw("Content-Description", "Undelivered Message")
            returned.set_raw("Content-Type", "message/rfc822")
            returned.set_payload([original])
        else:
            returned.set_raw("Content-Description", "Undelivered Message Headers")
            headers = "".join(f"{k}: {v}\n" for k, v in original.raw_items())
            self.text_part(returned, headers, "rfc822-headers", "us-ascii", "ascii", "7bit")
        self.multipart(msg, "report", "postfix", [note, status, returned], "report-type=delivery-status;\n\t")
        msg.preamble = "This is a MIME-encapsulated message."
        return msg.as_bytes(policy=POLICY)

    def newsletter(self, when: datetime, target: int) -> bytes:
        rng = self.rng
        name, addr, domain, code = rng.choice(self.texts.newsletters)
        lang = self.by_code[code]
        msg = EmailMessage(policy=POLICY)
        msgid = f"<{self.hexid(20)}.{rng.randint(10**6, 10**7)}@mail.{domain}>"
        if msgid in self.seen_ids:
            msgid = f"<{self.hexid(32)}@mail.{domain}>"
        self.seen_ids.add(msgid)
        subject_text = f"{name}: " + self.subject(lang, None)
        subject = self.encode_text_header(subject_text, "utf-8", "utf-8", "Subject", "gmail")
        self.robot_headers(
            msg,
            self.address(name, addr, "utf-8", "utf-8"),
            when,
            subject,
            msgid,
            f"mail{rng.randint(1, 40)}.suw{rng.randint(10, 99)}.mcsv.net",
        )
        token = self.blob.token(rng, 24).replace("/", "_").replace("+", "-")
        msg.set_raw("List-Id", _fold("List-Id", f"{_ascii_fold(name)} <{token[:10].lower()}.list-id.{domain}>"))
        msg.set_raw(
            "List-Unsubscribe",
            _fold(
                "List-Unsubscribe",
                f"<https://{domain}/unsubscribe?u={token}>, "
                f"<mailto:unsubscribe-{token[:12]}@{domain}?subject=unsubscribe>",
            ),
        )
        msg.set_raw("List-Unsubscribe-Post", "List-Unsubscribe=One-Click")
        msg.set_raw("Precedence", "bulk")
        msg.set_raw("Feedback-ID", f"{rng.randint(10**5, 10**6)}:{rng.randint(100, 999)}:{domain}")
        msg.set_raw("X-Campaign-ID", self.hexid(10))
        esc = html.escape
        items_plain: list[str] = []
        items_html: list[str] = [
            '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR'
            '/xhtml1/DTD/xhtml1-transitional.dtd">\n<html xmlns="http://www.w3.org/1999/xhtml">'
            '\n<head><meta http-equiv="Content-Type" content="text/html; charset=UTF-8">\n<meta'
            f' name="viewport" content="width=device-width, initial-scale=1.0">\n<title>{esc(name)}'
            '</title>\n<style type="text/css">body{margin:0;padding:0;background:#f4f4f4}table{'
            "border-collapse:collapse}img{border:0;outline:none}.wrapper{width:100%;max-width:6"
            "00px}.h2{font:bold 18px Arial,sans-serif;color:#1a4b8c}@media only screen and (m"
            "ax-width:480px){.wrapper{width:100% !important}}</style>\n</head>\n<body>\n<table "
            'class="wrapper" align="center" cellpadding="0" cellspacing="0" border="0">\n<tr><td'
            f' align="center"><img src="https://{domain}/img/banner.png" width="600" alt="{esc(name)}"'
            "></td></tr>"
        ]
        use_related = rng.random() < 0.5 and target > 40 * KIB
        html_limit = min(target - 6 * KIB, rng.randint(25 * KIB, 90 * KIB)) if use_related else target - 6 * KIB
        html_cte = rng.choice(("quoted-printable", "base64"))
        html_factor = 1.37 if html_cte == "base64" else 1.06
        size = 2500.0
        while size < html_limit or not items_plain:
            headline = self.subject(lang, None)
            blurb = " ".join(self.sentence(lang, lang.sentences, None) for _ in range(rng.randint(2, 4)))
            link = (
                f"https://click.{domain}/ls/click?upn={self.blob.token(rng, rng.randint(120, 260))}".replace("+", "-")
                .replace("/", "_")
                .replace("=", "")
            )
            items_plain.append(f"{headline}\n{'=' * min(len(headline), 70)}\n{blurb}\n{link}\n")
            items_html.append(
                '<tr><td style="padding:16px 24px;font:14px/1.5 Arial,sans-serif;color:#333333">'
                f'\n<p class="h2" style="margin:0 0 8px 0">{esc(headline)}</p>\n<p style="margin:0 '
                f'0 12px 0">{esc(blurb)}</p>\n<a href="{link}" style="color:#1a4b8c;text-decorat'
                'ion:none;font-weight:bold">Read more &rarr;</a>\n</td></tr>'
            )
            size += len(items_html[-1]) * html_factor + len(items_plain[-1]) * 1.06
        footer = self.texts.newsletter_footer.format(name=name, domain=domain, token=token)
        items_plain.append(footer)
        items_html.append(
            '<tr><td style="padding:24px;font:11px Arial,sans-serif;color:#888888">'
            f'{esc(footer)}<br><a href="https://{domain}/unsubscribe?u={token}">Unsubscribe</a>'
            "</td></tr>\n</table>\n</body>\n</html>"
        )
        text = EmailMessage(policy=POLICY)
        self.text_part(text, "\n".join(items_plain), "plain", "utf-8", "utf-8", "quoted-printable")
        html_part = EmailMessage(policy=POLICY)
        self.text_part(html_part, "\n".join(items_html), "html", "utf-8", "utf-8", html_cte)
        attachments: list[Placeholder] = []
        if use_related:
            alt = EmailMessage(policy=POLICY)
            self.multipart(alt, "alternative", "other", [text, html_part])
            parts = [alt]
            for i in range(rng.randint(1, 3)):
                kind = rng.choice(("png", "jpg"))
                cid = f"img{i}.{self.hexid(8)}@{domain}"
                part, placeholder = self.attachment(
                    self.personas[0][0], f"image{i}.{FILE_KINDS[kind].ext}", kind, rng.uniform(0.2, 1.0), cid
                )
                parts.append(part)
                attachments.append(placeholder)
            self.multipart(msg, "related", "other", parts, 'type="multipart/alternative";\n\t')
        else:
            self.multipart(msg, "alternative", "other", [text, html_part])
        return self.finish(msg, attachments, target)


def _wrap(line: str, width: int, cjk: bool) -> list[str]:
    """Greedy word wrap (character chunks for CJK), cheap enough for megabytes of text."""
    if len(line) <= width:
        return [line]
    if cjk:
        step = width // 2
        return [line[i : i + step] for i in range(0, len(line), step)]
    out: list[str] = []
    cur: list[str] = []
    size = 0
    for word in line.split(" "):
        if cur and size + len(word) > width:
            out.append(" ".join(cur))
            cur, size = [], 0
        cur.append(word)
        size += len(word) + 1
    if cur:
        out.append(" ".join(cur))
    return out


# --------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------


def generate_messages(n: int, seed: int = 0) -> Iterator[bytes]:
    """Yield ``n`` raw RFC 5322 messages (bytes, CRLF line endings, unique Message-IDs).

    The same ``n`` and ``seed`` always give the same bytes; dates run from September to the end
    of October 2025 in message order.
    """
    factory = _MessageFactory(seed, n)
    for index in range(n):
        yield factory.message(index)


def main(argv: Sequence[str] | None = None) -> int:
    """Write N messages to OUTDIR as .eml files and print their size distribution."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("count", type=int, metavar="N", help="number of messages")
    parser.add_argument("outdir", type=Path, metavar="OUTDIR", help="directory for .eml files")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    args = parser.parse_args(argv)
    args.outdir.mkdir(parents=True, exist_ok=True)
    width = max(6, len(str(args.count)))
    sizes: list[int] = []
    started = time.perf_counter()
    for index, raw in enumerate(generate_messages(args.count, args.seed), 1):
        (args.outdir / f"{index:0{width}d}.eml").write_bytes(raw)
        sizes.append(len(raw))
    elapsed = time.perf_counter() - started
    if not sizes:
        print("count: 0")
        return 0
    stats = _percentiles(sizes)
    total = sum(sizes)
    print(f"count:  {len(sizes)}")
    print(f"median: {stats['median'] / KIB:.1f} KiB")
    print(f"p90:    {stats['p90'] / KIB:.1f} KiB")
    print(f"p99:    {stats['p99'] / KIB:.1f} KiB")
    print(f"max:    {stats['max'] / KIB:.1f} KiB")
    print(f"total:  {total / MIB:.1f} MiB")
    bands = (
        (0, 3 * KIB),
        (3 * KIB, 15 * KIB),
        (15 * KIB, 20 * KIB),
        (20 * KIB, 200 * KIB),
        (200 * KIB, MIB),
        (MIB, 2 * MIB),
        (2 * MIB, 1 << 62),
    )
    labels = ("<3 KiB", "3-15 KiB", "15-20 KiB", "20-200 KiB", "200 KiB-1 MiB", "1-2 MiB", ">2 MiB")
    for (low, high), label in zip(bands, labels, strict=True):
        share = sum(low <= s < high for s in sizes) / len(sizes)
        print(f"  {label:>14}: {share:6.1%}")
    print(f"time:   {elapsed:.1f} s ({len(sizes) / elapsed:.0f} msg/s, including writing)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
