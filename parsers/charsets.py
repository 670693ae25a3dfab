"""Turning body and header bytes into text despite wrong, missing or legacy charset labels.

mail-parser leaves 7-bit charsets (iso-2022-jp, utf-7) undecoded and garbles mislabelled legacy charsets,
so body text is decoded here from the part's bytes: a WHATWG-style alias map (gb2312 → gb18030,
iso-8859-1 → cp1252, big5 → big5hkscs, …), a strict decode, UTF-8 when the bytes say so, a check that
Cyrillic single-byte text is not in the neighbouring code page, and charset-normalizer as a last resort.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

# Labels that real mail uses for a superset, or that Python spells differently.
ALIASES: dict[str, str] = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "euc-cn": "gb18030",
    "big5": "big5hkscs",
    "x-x-big5": "big5hkscs",
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "iso8859-1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "ansi_x3.4-1968": "cp1252",
    "iso-8859-9": "cp1254",
    "iso-8859-11": "cp874",
    "windows-874": "cp874",
    "tis-620": "cp874",
    "ks_c_5601-1987": "cp949",
    "euc-kr": "cp949",
    "iso-8859-8-i": "iso-8859-8",
    "x-mac-cyrillic": "mac-cyrillic",
    "unicode-1-1-utf-7": "utf-7",
    "utf8": "utf-8",
    "x-unknown": "",
    "unknown-8bit": "",
    "x-user-defined": "",
    "default": "",
    "charset": "",
}

SEVEN_BIT_CODECS = ("utf-7", "iso2022", "hz")
CYRILLIC_SINGLE_BYTE = ("cp1251", "koi8-r", "cp866", "iso8859-5", "mac-cyrillic")
CYRILLIC_ALTERNATIVES = ("cp1251", "koi8-r", "cp866")
LAST_RESORT = ("utf_8", "cp1252", "cp1251", "koi8_r", "gb18030", "big5hkscs", "cp1256", "shift_jis", "euc_jp")


@dataclass(frozen=True)
class Decoded:
    """Text and, when the label was not trusted as is, a note saying what was done."""

    text: str
    note: str | None = None


def codec_for(label: str | None) -> str | None:
    """The Python codec name for a MIME charset label, or None when unknown, absent or not a charset.

    Python also knows codecs that are no charset: bytes-to-bytes ones (``base64``, ``rot13``, ``zlib``), whose
    ``bytes.decode`` raises LookupError, and ``idna``, ``punycode``, ``undefined``, which raise UnicodeError even
    with ``errors="replace"``. A label naming one of those is treated as unknown, and so is one that Python
    refuses to look up at all (an embedded NUL raises ValueError).
    """
    if not label:
        return None
    key = label.strip().strip('"').lower()
    key = ALIASES.get(key, key)
    if not key:
        return None
    try:
        name = codecs.lookup(key).name
        b"\x80\xff".decode(name, "replace")  # a charset turns bytes into text, replacing what it cannot read
    except (LookupError, ValueError):  # UnicodeError is a ValueError
        return None
    return name


COMMON_RUSSIAN = frozenset("оеаинтсрвлкмдпуОЕАИНТСРВЛКМДПУ")
_CYRILLIC_WORD = re.compile("[\u0400-\u04ff]{2,}")


def _cyrillic_plausibility(text: str) -> float:
    """How Russian the Cyrillic in ``text`` looks: common letters, and words not in mixed case.

    Reading koi8-r as cp1251 (or back) swaps upper and lower case, so wrong decodes give words such as
    "уВАЖАЕМЫЕ"; real words are lower, Capitalised or ALL CAPS.
    """
    words = _CYRILLIC_WORD.findall(text)
    letters = sum(len(w) for w in words)
    if letters < 8:
        return 1.0
    common = sum(c in COMMON_RUSSIAN for w in words for c in w) / letters
    odd_case = sum(not (w.islower() or w.isupper() or w[1:].islower()) for w in words) / len(words)
    return common - odd_case


def _best_cyrillic(data: bytes, first: str) -> tuple[str, str]:
    """Among Cyrillic single-byte code pages, the one whose text looks most like Russian."""
    first_text = data.decode(first, "replace")
    best = (first_text, first, _cyrillic_plausibility(first_text))
    if best[2] >= 0.6:
        return first_text, first
    for name in CYRILLIC_ALTERNATIVES:
        if name == first:
            continue
        text = data.decode(name, "replace")
        score = _cyrillic_plausibility(text)
        if score > best[2] + 0.15:
            best = (text, name, score)
    return best[0], best[1]


def _guess(data: bytes) -> tuple[str, str]:
    """charset-normalizer over a short list of candidates, else cp1252 with replacement."""
    from charset_normalizer import from_bytes

    match = from_bytes(data, cp_isolation=list(LAST_RESORT)).best()
    if match is not None:
        return str(match), match.encoding
    return data.decode("cp1252", "replace"), "cp1252"


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


_SURROGATE = re.compile("[\ud800-\udfff]")


def decode_bytes(data: bytes, label: str | None) -> Decoded:
    """Decode ``data`` labelled ``label``; never raises, always returns text that can be written as UTF-8.

    UTF-7 (and the escape codecs) decode to UTF-16 code units, so damaged input gives lone surrogates, which no
    database takes: they become U+FFFD.
    """
    decoded = _decode(data, label)
    if not _SURROGATE.search(decoded.text):
        return decoded
    note = f"labelled {label}: unpaired surrogates replaced"
    return Decoded(_SURROGATE.sub("\ufffd", decoded.text), f"{decoded.note}; {note}" if decoded.note else note)


def _decode(data: bytes, label: str | None) -> Decoded:
    """The decoding itself: the label when the bytes fit it, UTF-8, a Cyrillic code page, else a guess."""
    if not data:
        return Decoded("")
    codec = codec_for(label)
    if data.isascii() and not (codec and codec.startswith(SEVEN_BIT_CODECS)):
        return Decoded(data.decode("ascii"))
    if data.isascii() and codec:
        try:
            return Decoded(data.decode(codec))
        except UnicodeDecodeError:
            return Decoded(data.decode("ascii"), f"labelled {label}, not valid; shown as ascii")
    if codec in ("cp1252", None) and _is_utf8(data):
        note = None if codec is None and not label else f"labelled {label or 'nothing'}, decoded as utf-8"
        return Decoded(data.decode("utf-8"), note)
    if codec is None:
        text, used = _guess(data)
        return Decoded(text, f"charset {label or 'missing'!s}: guessed {used}")
    if codec in CYRILLIC_SINGLE_BYTE:
        text, used = _best_cyrillic(data, codec)
        return Decoded(text, None if used == codec else f"labelled {label}, decoded as {used}")
    try:
        return Decoded(data.decode(codec))
    except UnicodeDecodeError:
        pass
    if _is_utf8(data):
        return Decoded(data.decode("utf-8"), f"labelled {label}, decoded as utf-8")
    text, used = _guess(data)
    if used == "cp1252" and codec != "cp1252":
        text = data.decode(codec, "replace")
        used = f"{codec} with replacement characters"
    return Decoded(text, f"labelled {label}, bytes do not fit; decoded as {used}")
