"""Hypothesis strategies for hostile mail, built as raw bytes (never through ``email``, which would tidy them up).

* :func:`messages`: a header block and a MIME tree — multipart/mixed, alternative, related, report … nested,
  text and HTML parts, attachments with odd names, base64 / quoted-printable / 8bit / 7bit / binary and unknown
  transfer encodings, broken boundaries (missing, mismatched, reused by a child, never closed);
* :func:`header_values`: folded, RFC 2047 encoded words in many charsets (and the wrong one), very long,
  NUL and control characters, raw non-UTF-8 bytes; headers repeat;
* charsets declared one way and written another: cp1251, gb2312, big5, windows-1256, iso-2022-jp, utf-16,
  labels no codec knows;
* :func:`mutated`: a real message (the sample mailbox) with bytes cut, repeated, flipped or inserted;
* :func:`parsed_messages`: :class:`ParsedMessage` values built directly, for triage.
"""

from __future__ import annotations

import base64
import io
import quopri
import struct
import zipfile
from datetime import UTC, datetime, timedelta, timezone
from functools import cache
from pathlib import Path

from hypothesis import strategies as st

from parsers.model import Address, Attachment, ParsedMessage

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "config" / "samples" / "mailbox"

# codecs a body or header is really written in
REAL_CHARSETS = (
    "utf-8",
    "ascii",
    "cp1252",
    "cp1251",
    "koi8-r",
    "gb2312",
    "gb18030",
    "big5",
    "cp1256",
    "iso-8859-6",
    "iso-2022-jp",
    "shift_jis",
    "euc-jp",
    "euc-kr",
    "utf-16",
    "utf-16-le",
    "utf-16-be",
    "utf-32",
    "utf-7",
    "hz",
)
# labels a part or an encoded word declares: the real ones as mail spells them, and ones no codec knows
LABELS = (
    "utf-8",
    "UTF-8",
    "us-ascii",
    "iso-8859-1",
    "windows-1252",
    "cp1251",
    "windows-1251",
    "koi8-r",
    "gb2312",
    "GBK",
    "big5",
    "windows-1256",
    "iso-8859-6",
    "iso-2022-jp",
    "ISO-2022-JP",
    "shift_jis",
    "euc-jp",
    "ks_c_5601-1987",
    "utf-16",
    "utf-16le",
    "utf-32",
    "utf-7",
    "unicode-1-1-utf-7",
    "hz-gb-2312",
    "x-unknown",
    "unknown-8bit",
    "x-user-defined",
    "default",
    "bogus",
    "utf-9",
    "windows-9999",
    "",
    '"utf-8"',
    "utf8\x00",
    "\u00fcnicode",
    "cp65001",
    "iso-8859-8-i",
    "x-mac-cyrillic",
    "base64",  # codec names Python knows that are not text charsets at all
    "rot13",
    "idna",
    "punycode",
)
WORDS = (
    "Nomination of delegates for the session",
    "Request to speak at the Conversation",
    "Demande d'intervention lors de la session",
    "Solicitud para intervenir en la sesión",
    "Заявка на выступление, делегация Казахстана",
    "طلب مداخلة في الدورة الثانية عشرة",
    "提名代表团成员参加会议",
    "請問會議何時開始？",
    "会議への参加について",
    "Please find attached the list of delegates: Mr. Ivan Petrov, Ms. Ana López.",
    "Out of office: I am away until Monday.",
    "Delivery Status Notification (Failure)",
    "Update to the clearinghouse: https://example.org/policy",
    "Ms. 李明, Director, Ministry of Science",
    "السيد أحمد، رئيس الوفد",
)
TEXT_TYPES = ("text/plain", "text/html", "text/enriched", "text/calendar", "TEXT/PLAIN", "text/x-unknown")
ATTACHMENT_TYPES = (
    "application/pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/octet-stream",
    "application/msword",
    "application/zip",
    "application/ms-tnef",
    "application/pgp-signature",
    "image/png",
    "text/csv",
    "text/html",
    "text/plain",
    "message/delivery-status",
    "text/rfc822-headers",
    "application/x-unknown",
    "",
    "application",
    "/",
    'application/pdf; name="x.pdf"',
)
TRANSFER_ENCODINGS = ("7bit", "8bit", "binary", "base64", "BASE64", "quoted-printable", "x-uuencode", "bogus", "")
MULTIPART_SUBTYPES = ("mixed", "alternative", "related", "report", "digest", "signed", "parallel", "x-unknown", "MIXED")
HEADER_NAMES = (
    b"From",
    b"To",
    b"Cc",
    b"Reply-To",
    b"Subject",
    b"Date",
    b"Message-ID",
    b"Received",
    b"Auto-Submitted",
    b"Precedence",
    b"List-Id",
    b"List-Unsubscribe",
    b"Return-Path",
    b"In-Reply-To",
    b"References",
    b"Authentication-Results",
    b"Content-Language",
    b"X-Autoreply",
    b"X-Spam-Flag",
    b"X-Mailer",
    b"Sender",
    b"MIME-Version",
    b"Content-Type",
    b"Content-Transfer-Encoding",
    b"X-Custom",
    b"from",
    b"SUBJECT",
)

_ascii_text = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=60)
_any_text = st.text(st.characters(exclude_categories=["Cs"]), max_size=80)  # any code point a str can encode
# ASCII that 7-bit codecs read as escapes: UTF-7's +…- base64 runs (UTF-16 halves), ISO-2022's ESC sequences, HZ's ~{
_utf7_runs = st.lists(st.integers(0, 0xFFFF), min_size=1, max_size=8).map(  # any UTF-16 code units, halves too
    lambda units: b"+" + base64.b64encode(struct.pack(f">{len(units)}H", *units)).rstrip(b"=") + b"-"
)
seven_bit_soup = st.one_of(
    st.text(st.sampled_from("+-/=~{}ABCDPQXYZadgknqwz0123456789 \n\x1b$(B"), min_size=1, max_size=60).map(str.encode),
    st.lists(st.one_of(_utf7_runs, _ascii_text.map(str.encode)), min_size=1, max_size=4).map(b"".join),
)


@st.composite
def texts(draw: st.DrawFn) -> str:
    """Words in the six languages (and Japanese), any Unicode, or both."""
    return draw(
        st.one_of(
            st.sampled_from(WORDS),
            st.lists(st.sampled_from(WORDS), min_size=1, max_size=5).map("\n".join),
            _any_text,
            st.tuples(st.sampled_from(WORDS), _any_text).map(" ".join),
        )
    )


def encode(text: str, charset: str) -> bytes:
    """``text`` in ``charset``, characters it cannot write replaced (lone surrogates included)."""
    try:
        return text.encode(charset, "replace")
    except (LookupError, UnicodeError):
        return text.encode("utf-8", "surrogatepass")


@st.composite
def body_bytes(draw: st.DrawFn) -> tuple[bytes, str]:
    """Body bytes and the charset label the part declares, which may not be the charset they are in."""
    written = draw(st.sampled_from(REAL_CHARSETS))
    data = draw(st.one_of(texts().map(lambda t: encode(t, written)), st.binary(max_size=200), seven_bit_soup))
    declared = draw(st.one_of(st.just(written), st.sampled_from(LABELS)))
    return data, declared


@st.composite
def encoded_words(draw: st.DrawFn) -> bytes:
    """One RFC 2047 encoded word: its label may lie, its encoding may be broken, it may never close."""
    text = draw(texts())
    written = draw(st.sampled_from(REAL_CHARSETS))
    label = draw(st.one_of(st.just(written), st.sampled_from(LABELS))).encode("utf-8", "surrogateescape")
    data = encode(text, written)
    kind = draw(st.sampled_from(("B", "Q", "b", "q", "X", "")))
    if kind in ("B", "b"):
        payload = base64.b64encode(data)
        payload = draw(st.sampled_from((payload, payload[:-1], payload + b"!", payload.rstrip(b"="))))
    elif kind in ("Q", "q"):
        payload = quopri.encodestring(data, header=True).replace(b"=\n", b"")
        payload = draw(st.sampled_from((payload, payload + b"=Z", payload.replace(b"?", b""))))
    else:
        payload = data
    end = draw(st.sampled_from((b"?=", b"?=", b"", b"?", b"=")))
    return b"=?" + label + b"?" + kind.encode() + b"?" + payload + end


@st.composite
def header_values(draw: st.DrawFn) -> bytes:
    """A header value: plain, encoded words, raw 8-bit bytes, controls and NUL, very long, folded."""
    piece = st.one_of(
        _ascii_text.map(str.encode),
        encoded_words(),
        st.tuples(texts(), st.sampled_from(REAL_CHARSETS)).map(lambda pair: encode(*pair)),
        st.binary(max_size=40),
        st.builds(
            lambda label, soup: b"=?" + label + b"?Q?" + soup + b"?=",
            st.sampled_from((b"utf-7", b"hz")),
            seven_bit_soup,
        ),
        st.sampled_from((b"\x00", b"\x01\x02\x7f", b"\r", b"\n", b"\t", b"\x1b[31m", b"\xff\xfe", b"\xc3", b";")),
    )
    pieces = draw(st.lists(piece, min_size=0, max_size=6))
    separators = st.sampled_from((b" ", b"", b"\r\n ", b"\r\n\t", b"\n ", b" \r\n  "))
    value = b"".join(p + draw(separators) for p in pieces)
    if draw(st.integers(0, 9)) == 0:  # very long: one word of thousands of characters, or many short ones
        value += draw(st.sampled_from((b"x", b"ab ", b"=?utf-8?q?a?= ", "д".encode()))) * draw(st.integers(500, 5000))
    return value


@st.composite
def addresses(draw: st.DrawFn) -> bytes:
    """An address header value: names plain or encoded, groups, broken brackets, many addresses."""
    one = st.one_of(
        st.just(b"delegate@mission.example"),
        st.builds(lambda n: b'"' + n + b'" <a.b@mission.example>', header_values()),
        st.builds(lambda w: w + b" <x@example.org>", encoded_words()),
        st.sampled_from(
            (
                b"<>",
                b"<<<a@b>",
                b'"unterminated <a@b>',
                b"a@b (comment (nested)",
                b"undisclosed-recipients:;",
                b"group: a@b.example, c@d.example;",
                b"@",
                b"a@",
                b"<@route:a@b>",
                "Иван <ivan@пример.рф>".encode(),
                "Иван <ivan@mission.example>".encode("cp1251"),
                b"MAILER-DAEMON@mx.example",
                b"frontier.tech@wipo.int",
            )
        ),
        header_values(),
    )
    return b", ".join(draw(st.lists(one, min_size=1, max_size=4)))


DATES = st.one_of(
    st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2300, 1, 1), timezones=st.just(UTC)).map(
        lambda d: d.strftime("%a, %d %b %Y %H:%M:%S +0000").encode()
    ),
    st.sampled_from(
        (
            b"Fri, 10 Oct 2025 23:30:00 +0200",
            b"10 Oct 2025 23:30 GMT",
            b"Mon, 32 Foo 99999 25:61:61 +9999",
            b"0",
            b"-1",
            b"Thu, 01 Jan 1970 00:00:00 -0000",
            b"Sat, 31 Dec 9999 23:59:59 -2359",
            b"Tue, 1 Jan 0001 00:00:00 +0000",
            b"2025-10-10T23:30:00Z",
            b"yesterday",
            b"",
        )
    ),
    header_values(),
)


@st.composite
def header_lines(draw: st.DrawFn) -> list[bytes]:
    """Message header fields, repeated and out of order, with a few lines that are not fields at all."""
    lines: list[bytes] = []
    for _ in range(draw(st.integers(0, 10))):
        name = draw(st.sampled_from(HEADER_NAMES))
        if name.lower() in (b"from", b"to", b"cc", b"reply-to", b"sender"):
            value = draw(addresses())
        elif name.lower() in (b"date",):
            value = draw(DATES)
        elif name.lower() == b"received":
            value = b"from mx.example by mail.example; " + draw(DATES)
        else:
            value = draw(header_values())
        lines.append(name + b": " + value)
    if draw(st.integers(0, 7)) == 0:  # not a field: a continuation first, no colon, a bad name, 8-bit name
        lines.insert(
            0, draw(st.sampled_from((b" continued", b"no colon here", b": empty name", b"N\xe4me: v", b"X Y: z")))
        )
    return lines


def _filename_params(name: bytes, style: str) -> bytes:
    if style == "plain":
        return b'; filename="' + name + b'"'
    if style == "bare":
        return b"; filename=" + name
    if style == "rfc2231":
        quoted = "".join(f"%{b:02X}" for b in name).encode()
        return b"; filename*=UTF-8''" + quoted
    if style == "continued":
        half = len(name) // 2
        return b'; filename*0="' + name[:half] + b'"; filename*1="' + name[half:] + b'"'
    return b'; name="' + name + b'"'  # the Content-Type's name parameter instead of a disposition


FILENAMES = st.one_of(
    st.sampled_from(
        (
            b"../../etc/passwd",
            b"..\\..\\windows\\system32\\a.xlsx",
            b"con",
            b"a" * 300 + b".pdf",
            "名前.docx".encode(),
            "Список делегатов.xlsx".encode("cp1251"),
            b"=?utf-8?B?0J3QvtGC0LAucGRm?=",
            b"=?gb2312?b?" + base64.b64encode("提名.pdf".encode("gb2312")) + b"?=",
            b"",
            b".hidden",
            b'quo"te.pdf',
            b"evil\xe2\x80\xaefdp.exe",
            b"new\r\nline.pdf",
            b"nul\x00.pdf",
            b"trailing. . .",
            b"no-extension",
            b"x.PDF",
            b"x.docx.exe",
        )
    ),
    header_values(),
)


def _transfer_encode(data: bytes, encoding: str, draw: st.DrawFn) -> bytes:
    """``data`` in the transfer encoding (or, at times, not in the one declared: mail lies here too)."""
    if draw(st.integers(0, 9)) == 0:
        return data
    lowered = encoding.lower()
    if lowered == "base64":
        encoded = base64.encodebytes(data).replace(b"\n", b"\r\n")
        return draw(st.sampled_from((encoded, base64.b64encode(data), encoded[: len(encoded) // 2], encoded + b"*&^")))
    if lowered == "quoted-printable":
        encoded = quopri.encodestring(data).replace(b"\n", b"\r\n")
        return draw(st.sampled_from((encoded, encoded + b"=", encoded + b"=ZZ", encoded.replace(b"=\r\n", b"=\n"))))
    if lowered == "x-uuencode":
        return b"begin 644 x\r\n" + base64.b64encode(data) + b"\r\nend\r\n"
    return data


Entity = tuple[list[bytes], bytes]  # header lines (no line breaks) and the body


@st.composite
def text_parts(draw: st.DrawFn) -> Entity:
    """A text/plain or text/html part: its charset may lie, its transfer encoding may be broken."""
    data, declared = draw(body_bytes())
    ctype = draw(st.sampled_from(TEXT_TYPES))
    if "html" in ctype.lower():
        data = draw(
            st.sampled_from(
                (
                    b"<html><body><p>" + data + b"</p></body></html>",
                    b"<meta charset=" + declared.encode("utf-8", "replace") + b"><div>" + data,
                    b"<script>" + data + b"</script><style>x{}</style><blockquote>" + data + b"</blockquote>",
                    b"<p>" * 200 + data,
                    data,
                )
            )
        )
    cte = draw(st.sampled_from(TRANSFER_ENCODINGS))
    params = draw(
        st.sampled_from(
            (
                b"; charset=" + declared.encode("utf-8", "surrogateescape"),
                b'; charset="' + declared.encode("utf-8", "surrogateescape") + b'"',
                b"",
                b"; charset=",
                b"; charset*=utf-8''" + declared.encode("utf-8", "surrogateescape"),
            )
        )
    )
    headers = [b"Content-Type: " + ctype.encode() + params]
    if cte:
        headers.append(b"Content-Transfer-Encoding: " + cte.encode())
    if draw(st.integers(0, 5)) == 0:
        headers.append(draw(st.sampled_from((b"Content-Disposition: attachment", b"Content-Disposition: inline"))))
    return headers, _transfer_encode(data, cte, draw)


@cache
def sample_files() -> dict[str, bytes]:
    """Small real PDF, DOCX and XLSX files (built once), for attachments that readers get past the header of."""
    import docx
    import openpyxl

    document = docx.Document()
    document.add_paragraph("Nomination of delegates")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Mr. Ivan Petrov", "Head of delegation"
    table.cell(1, 0).text, table.cell(1, 1).text = "Ms. 李明", "Adviser"
    out = io.BytesIO()
    document.save(out)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Name", "Title"])
    sheet.append(["Ms. Ana López", "=1+1"])
    xlsx = io.BytesIO()
    workbook.save(xlsx)
    return {"pdf": minimal_pdf("Request to speak"), "docx": out.getvalue(), "xlsx": xlsx.getvalue()}


def minimal_pdf(text: str) -> bytes:
    """A one-page PDF with ``text`` in Helvetica, and a correct cross-reference table."""
    content = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


@st.composite
def damaged(draw: st.DrawFn, data: bytes) -> bytes:
    """``data`` with a few bytes flipped, cut or inserted (the shape survives, the details do not)."""
    out = bytearray(data)
    for _ in range(draw(st.integers(0, 4))):
        if not out:
            break
        at = draw(st.integers(0, len(out) - 1))
        action = draw(st.sampled_from(("flip", "cut", "insert", "truncate")))
        if action == "flip":
            out[at] ^= draw(st.integers(1, 255))
        elif action == "cut":
            del out[at : at + draw(st.integers(1, 64))]
        elif action == "insert":
            out[at:at] = draw(st.binary(min_size=1, max_size=16))
        else:
            del out[at:]
    return bytes(out)


@st.composite
def zip_payloads(draw: st.DrawFn) -> bytes:
    """A zip with Office-like members holding random or damaged XML (python-docx and openpyxl get past the zip)."""
    members = {
        "[Content_Types].xml": draw(
            st.sampled_from((b"", b"<Types/>", b"<?xml version='1.0'?><Types xmlns='x'><Default/></Types>"))
        ),
        draw(st.sampled_from(("word/document.xml", "xl/workbook.xml", "xl/worksheets/sheet1.xml", "a/../../b"))): (
            b"<?xml version='1.0'?><w:document xmlns:w='http://schemas.openxmlformats.org/wordprocessingml/2006/main'>"
            + draw(st.binary(max_size=100))
            + b"</w:document>"
        ),
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


@st.composite
def attachment_payloads(draw: st.DrawFn) -> bytes:
    """What an attachment may carry: random bytes, a real PDF/DOCX/XLSX (whole or damaged), an Office-like zip."""
    files = sample_files()
    real = st.sampled_from(sorted(files)).map(files.__getitem__)
    return draw(
        st.one_of(
            st.binary(max_size=300),
            real,
            real.flatmap(damaged),
            zip_payloads(),
            st.sampled_from((b"%PDF-1.7\n", b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)),
        )
    )


@st.composite
def attachment_parts(draw: st.DrawFn) -> Entity:
    """An attachment with an odd name, any content type and a transfer encoding that may not be the real one."""
    ctype = draw(st.sampled_from(ATTACHMENT_TYPES)).encode()
    name = draw(FILENAMES)
    style = draw(st.sampled_from(("plain", "bare", "rfc2231", "continued", "name")))
    disposition = draw(st.sampled_from((b"attachment", b"inline", b"ATTACHMENT", b"", b"bogus")))
    cte = draw(st.sampled_from(TRANSFER_ENCODINGS[:6]))
    headers = [b"Content-Type: " + ctype + (_filename_params(name, style) if style == "name" else b"")]
    if style != "name":
        headers.append(b"Content-Disposition: " + disposition + _filename_params(name, style))
    if cte:
        headers.append(b"Content-Transfer-Encoding: " + cte.encode())
    if draw(st.booleans()):
        headers.append(b"Content-ID: <" + draw(header_values())[:80] + b">")
    return headers, _transfer_encode(draw(attachment_payloads()), cte, draw)


DSN = (
    b"Reporting-MTA: dns; mx.example\r\n\r\nFinal-Recipient: rfc822; nobody@example.org\r\n"
    b"Action: failed\r\nStatus: 5.1.1\r\nDiagnostic-Code: smtp; 550 =?utf-8?b?0J3QtdGC?=\r\n"
)


@st.composite
def leaves(draw: st.DrawFn) -> Entity:
    """A part with no children: text, HTML, an attachment, a delivery-status block, or headers only."""
    return draw(
        st.one_of(
            text_parts(),
            attachment_parts(),
            st.just(([b"Content-Type: message/delivery-status"], DSN)),
            st.builds(lambda b: ([b"Content-Type: text/rfc822-headers"], b"\r\n".join(b)), header_lines()),
            st.just(([], b"a part without headers")),
        )
    )


def _serialise(entity: Entity) -> bytes:
    headers, body = entity
    return b"".join(h + b"\r\n" for h in headers) + b"\r\n" + body


BOUNDARIES = st.one_of(
    st.sampled_from(
        (
            b"b1",
            b"----=_Part_0_123456.789",
            b"=_boundary",
            b"",
            b"with space",
            b"a" * 100,
            b"'()+_,-./:=?",
            b"b\xffb",
            b"--",
            b"x--",
        )
    ),
    st.binary(min_size=1, max_size=12).filter(lambda b: b"\r" not in b and b"\n" not in b),
)


@st.composite
def multiparts(draw: st.DrawFn, children: st.SearchStrategy[Entity]) -> Entity:
    """A multipart node: its boundary may be missing, empty, mismatched, reused by a child, or never closed."""
    subtype = draw(st.sampled_from(MULTIPART_SUBTYPES)).encode()
    boundary = draw(BOUNDARIES)
    quoted = draw(st.booleans())
    param = draw(
        st.sampled_from(
            (
                b'; boundary="' + boundary + b'"' if quoted else b"; boundary=" + boundary,
                b"",
                b'; boundary="' + boundary + b'"; boundary="other"',
                b"; boundary",
            )
        )
    )
    if subtype == b"report":
        param += b"; report-type=" + draw(st.sampled_from((b"delivery-status", b"disposition-notification", b"")))
    parts = draw(st.lists(children, max_size=4))
    written = draw(st.one_of(st.just(boundary), st.just(boundary), BOUNDARIES))  # the delimiter actually used
    body = draw(st.sampled_from((b"", b"This is a multi-part message in MIME format.\r\n", b"--" + written + b"-")))
    for part in parts:
        body += b"\r\n--" + written + draw(st.sampled_from((b"", b"", b"  ", b"\t"))) + b"\r\n" + _serialise(part)
    body += draw(
        st.sampled_from((b"\r\n--" + written + b"--\r\n", b"\r\n--" + written + b"--\r\nepilogue", b"", b"\r\n--"))
    )
    return [b"Content-Type: multipart/" + subtype + param], body


@st.composite
def rfc822_parts(draw: st.DrawFn, children: st.SearchStrategy[Entity]) -> Entity:
    """An attached message (a forward, the original of a bounce) around a part."""
    headers, body = draw(children)
    inner = (draw(header_lines()) + headers, body)
    return [b"Content-Type: message/rfc822"], _serialise(inner)


def mime_trees(max_leaves: int = 8) -> st.SearchStrategy[Entity]:
    """A MIME tree of text, HTML, attachments, multiparts and attached messages, nested."""
    return st.recursive(
        leaves(),
        lambda children: st.one_of(multiparts(children), rfc822_parts(children)),
        max_leaves=max_leaves,
    )


def _line_endings(raw: bytes, style: str) -> bytes:
    if style == "lf":
        return raw.replace(b"\r\n", b"\n")
    if style == "cr":
        return raw.replace(b"\r\n", b"\r")
    if style == "mixed":
        return raw.replace(b"\r\n\r\n", b"\n\r\n")
    return raw


@st.composite
def messages(draw: st.DrawFn) -> bytes:
    """A whole message: header fields (repeated, hostile) then a MIME tree, with CRLF, LF, CR or mixed lines."""
    top = draw(header_lines())
    if draw(st.booleans()):
        top.append(b"MIME-Version: 1.0")
    headers, body = draw(mime_trees())
    raw = _serialise((top + headers, body))
    return _line_endings(raw, draw(st.sampled_from(("crlf", "crlf", "lf", "cr", "mixed"))))


@cache
def samples() -> tuple[bytes, ...]:
    """The bundled sample mailbox (36 real-looking messages in six languages and legacy charsets)."""
    files = sorted(p for sub in ("cur", "new") for p in (SAMPLES / sub).glob("*") if not p.name.startswith("."))
    return tuple(p.read_bytes() for p in files)


def mutated() -> st.SearchStrategy[bytes]:
    """A sample message with a few bytes flipped, cut, repeated or inserted."""
    return st.sampled_from(samples()).flatmap(damaged)


def any_bytes() -> st.SearchStrategy[bytes]:
    """Raw bytes of every kind the parser boundary may be given: random, generated mail, damaged real mail."""
    return st.one_of(st.binary(max_size=2000), messages(), mutated())


# ParsedMessage values, for triage: what a parser could hand over, from the ordinary to the absurd

_offsets = st.integers(-14 * 60, 14 * 60).map(lambda m: timezone(timedelta(minutes=m)))
ARRIVALS = st.one_of(
    st.none(),
    st.datetimes(min_value=datetime(1980, 1, 1), max_value=datetime(2199, 12, 31), timezones=_offsets),
)
_names = st.one_of(st.just(""), texts(), _ascii_text)
_emails = st.one_of(
    st.sampled_from(("delegate@mission.example", "mailer-daemon@mx.example", "noreply@x.example", "", "@", "a@")),
    st.emails().map(str.lower),
    _ascii_text,
)
ADDRESSES = st.builds(Address, name=_names, address=_emails)
HEADERS = st.dictionaries(
    st.sampled_from(
        (
            "auto-submitted",
            "precedence",
            "list-id",
            "list-unsubscribe",
            "return-path",
            "in-reply-to",
            "authentication-results",
            "x-autoreply",
            "x-spam-flag",
            "x-spam-status",
            "content-language",
            "x-failed-recipients",
        )
    ),
    st.lists(
        st.one_of(_ascii_text, texts(), st.sampled_from(("auto-replied", "bulk", "YES", "dmarc=fail", "<>"))),
        max_size=3,
    ),
    max_size=5,
)


@st.composite
def parsed_attachments(draw: st.DrawFn) -> Attachment:
    """Attachment metadata and text as the parser would fill it."""
    name = draw(_names)
    return Attachment(
        filename=name,
        safe_filename=name,
        content_type=draw(st.sampled_from(ATTACHMENT_TYPES)),
        size=draw(st.integers(0, 10**8)),
        sha256="0" * 64,
        text=draw(st.one_of(st.just(""), texts())),
        text_note=draw(st.one_of(st.none(), _ascii_text)),
    )


@st.composite
def parsed_messages(draw: st.DrawFn) -> ParsedMessage:
    """A :class:`ParsedMessage` built field by field (texts in any script, headers that mark robots, any date)."""
    body = draw(st.one_of(texts(), st.lists(texts(), max_size=8).map("\n\n> ".join), st.text(max_size=3000)))
    return ParsedMessage(
        message_id=draw(st.one_of(st.none(), _ascii_text)),
        sender=draw(st.one_of(st.none(), ADDRESSES)),
        reply_to=draw(st.lists(ADDRESSES, max_size=2)),
        to=draw(st.lists(ADDRESSES, max_size=3)),
        subject=draw(st.one_of(texts(), st.just(""))),
        date=draw(ARRIVALS),
        received_at=draw(ARRIVALS.map(lambda d: d and d.astimezone(UTC))),
        text=body,
        html=draw(st.one_of(st.none(), texts())),
        forwarded=draw(st.lists(texts(), max_size=2)),
        delivery_status=draw(st.one_of(st.none(), st.just(DSN.decode()), texts())),
        content_type=draw(
            st.sampled_from(("text/plain", "multipart/mixed", "multipart/report; report-type=delivery-status"))
        ),
        headers=draw(HEADERS),
        attachments=draw(st.lists(parsed_attachments(), max_size=3)),
    )
