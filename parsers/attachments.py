"""Text from e-mail attachments (PDF, DOCX, XLSX, plain text, CSV, HTML) from untrusted senders: bytes in, text out.

Pure: no file or network I/O. ``extract_text`` never raises; every problem becomes a short note. The kind of
attachment is decided from the magic bytes first, then the content type, then the file name extension, because
mail clients often send ``application/octet-stream``.

Resource limits (LIBRARY-NOTES P27-P29):

- PDF: pypdf's limits live in a ``ContextVar``, so they are applied inside every call (a setting made in
  another thread or at import would not reach a worker thread). The 75 MB default output per stream is
  lowered. The legacy module constants (``pypdf.filters.ZLIB_MAX_OUTPUT_LENGTH`` …) are ignored by pypdf 7,
  and setting them makes every ``PdfReader`` raise ``DeprecationError``, so they are not touched. Output is
  NFKC-normalised (Arabic presentation forms). Work per PDF is bounded by counts, never by the clock, so the
  same file gives the same text on any machine: pages read, the encoded size of their content streams, the
  tokens pypdf parses per stream, and the characters kept.
- DOCX: the zip's central directory is checked (members, total size, per-member ratio) before python-docx
  opens it. ``zipfile`` never returns more than a member's declared size, so declared sizes can be trusted.
- XLSX: the same zip checks, then openpyxl in read-only mode (values, not formulas); rows and cells per sheet are
  capped, each row becomes one line of cells separated by `` | `` (a delegation list reads as a table).
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from parsers.charsets import codec_for, decode_bytes
from parsers.html_text import html_to_text

if TYPE_CHECKING:
    import pypdf

READERS = ("pypdf", "docx", "openpyxl")  # imported on first use: the storing process never needs them, and
# the parser processes' fork server imports them once for all (service/parser_preload.py)

KIB = 1024
MIB = 1024 * KIB


@dataclass(frozen=True)
class Limits:
    """Resource limits for one attachment."""

    max_bytes: int = 10 * MIB  # larger attachments are not read at all
    max_pages: int = 30  # PDF pages read
    max_chars: int = 50_000  # characters of output
    max_unzipped_bytes: int = 20 * MIB  # total uncompressed size of a DOCX
    max_ratio: int = 100  # compression ratio per zip member (members over 1 MiB)
    max_members: int = 2_000  # zip members
    max_stream_bytes: int = 16 * MIB  # decompressed output per PDF stream (pypdf's default is 75 MB)
    max_pdf_content_bytes: int = 16 * MIB  # decoded page content per PDF: no further page is started after it


DEFAULT_LIMITS = Limits()

# A member this small cannot hurt whatever its ratio; the total-size check bounds the sum anyway.
_RATIO_CHECK_MIN_BYTES = 1 * MIB
# pypdf parses about 200,000 content-stream tokens per second; its default budget is 2,000,000 per stream.
_PDF_MAX_TOKENS_PER_STREAM = 500_000
# pypdf flattens the whole page tree even to read page 1; its default allows 100,000 entries (about 2 s).
_PDF_MAX_PAGE_TREE_ENTRIES = 10_000

_PDF_TYPES = frozenset({"application/pdf", "application/x-pdf", "application/acrobat", "text/pdf"})
_DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_XLSX_MAX_ROWS = 2_000  # rows read per sheet
_XLSX_MAX_COLUMNS = 50  # cells read per row
_XLSX_MAX_SHEETS = 20
_TEXT_TYPES = frozenset({"text/plain", "text/csv", "text/tab-separated-values", "application/csv"})
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_TEXT_EXTENSIONS = frozenset({"txt", "text", "csv", "tsv"})
_HTML_EXTENSIONS = frozenset({"html", "htm", "xhtml"})

_PDF_MAGIC = b"%PDF-"
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

_CHARSET = re.compile(r"""charset\s*=\s*["']?([^"';\s]+)""", re.IGNORECASE)
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_HSPACE = re.compile(r"[^\S\n]+")
_BLANKS = re.compile(r"\n{3,}")

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_W_WRAPPERS = frozenset({_W + "sdt", _W + "sdtContent", _W + "customXml", _W + "smartTag"})
_DOCX_MAX_TABLE_DEPTH = 32


def extract_text(
    payload: bytes, content_type: str, filename: str, limits: Limits = DEFAULT_LIMITS
) -> tuple[str, str | None]:
    """Plain text of one attachment and a note (None on success, else a short reason). Never raises."""
    try:
        return _extract(bytes(payload), content_type or "", filename or "", limits)
    except MemoryError:
        return "", "out of memory"
    except RecursionError:
        return "", "recursion limit reached"
    except Exception as exc:  # the contract: never raise on hostile input
        return "", f"error: {_describe(exc)}"


def extract_all(
    attachments: Sequence[tuple[bytes, str, str]], limits: Limits = DEFAULT_LIMITS
) -> list[tuple[str, str | None]]:
    """``extract_text`` for each ``(payload, content_type, filename)``, in order."""
    return [extract_text(payload, ctype, name, limits) for payload, ctype, name in attachments]


def detect_kind(payload: bytes, content_type: str, filename: str) -> str | None:
    """``"pdf"``, ``"docx"``, ``"xlsx"``, ``"text"``, ``"html"`` or None, from magic bytes, content type and
    extension."""
    mime = content_type.split(";", 1)[0].strip().lower()
    ext = filename.rsplit(".", 1)[-1].strip().lower() if "." in filename else ""
    if payload.startswith(_PDF_MAGIC):
        return "pdf"
    says_docx = mime == _DOCX_TYPE or ext == "docx"
    says_xlsx = mime == _XLSX_TYPE or ext == "xlsx"
    if payload.startswith(_ZIP_MAGIC):
        if says_docx or _has_member(payload, "word/document.xml"):
            return "docx"
        return "xlsx" if says_xlsx or _has_member(payload, "xl/workbook.xml") else None
    if says_xlsx:
        return "xlsx"  # mislabelled or damaged: the reader will say so
    if says_docx or mime in _PDF_TYPES or ext == "pdf":
        return "docx" if says_docx else "pdf"  # mislabelled or damaged: the reader will say so
    if mime in _HTML_TYPES:
        return "html"
    if mime in _TEXT_TYPES:
        return "text"
    if mime.startswith(("text/", "application/", "binary/")) or not mime:
        if ext in _HTML_EXTENSIONS:
            return "html"
        if ext in _TEXT_EXTENSIONS:
            return "text"
    return None


def _extract(payload: bytes, content_type: str, filename: str, limits: Limits) -> tuple[str, str | None]:
    if len(payload) > limits.max_bytes:
        size, limit = _size(len(payload)), _size(limits.max_bytes)
        if size == limit:
            size, limit = f"{len(payload)} bytes", f"{limits.max_bytes} bytes"
        return "", f"skipped: {size} > {limit} limit"
    if not payload:
        return "", "empty attachment"
    kind = detect_kind(payload, content_type, filename)
    if kind == "pdf":
        text, notes = _pdf_text(payload, limits)
    elif kind == "docx":
        text, notes = _docx_text(payload, limits)
    elif kind == "xlsx":
        text, notes = _xlsx_text(payload, limits)
    elif kind in ("text", "html"):
        decoded = _decode(payload, content_type)
        text, notes = _tidy(html_to_text(decoded) if kind == "html" else decoded), []
    else:
        mime = content_type.split(";", 1)[0].strip().lower() or "no content type"
        return "", f"unsupported type: {mime} ({filename[-80:] or 'no name'})"
    if len(text) > limits.max_chars:
        text = text[: limits.max_chars].rstrip()
        notes.append(f"truncated at {limits.max_chars} characters")
    return text, "; ".join(notes) or None


# PDF


def _pdf_configuration(limits: Limits) -> dict[str, Any]:
    """pypdf ``Configuration`` overwrites for one call (applied with ``pypdf.apply_configuration``)."""
    import pypdf

    stream = limits.max_stream_bytes
    overwrites: dict[str, Any] = {
        "maximum_declared_stream_length": limits.max_bytes,  # a stream cannot be longer than the file
        "zlib_maximum_output_length": stream,
        "lzw_maximum_output_length": stream,
        "run_length_maximum_output_length": stream,
        "brotli_maximum_output_length": stream,
        "jbig2_maximum_output_length": stream,
        "array_based_stream_maximum_output_length": stream,
        "image_maximum_buffer_size": stream,
        "stream_decoding_work_maximum_length": 4 * stream,
        "stream_parsing_work_maximum_count": _PDF_MAX_TOKENS_PER_STREAM,
        "page_tree_maximum_entries": _PDF_MAX_PAGE_TREE_ENTRIES,
        "jbig2dec_binary": None,  # never start an external decoder on untrusted input
    }
    # Skip pypdf's per-reader check of the deprecated module constants (which raises if any code changed
    # them); the flag is temporary in pypdf, so only pass it while it exists.
    if "disable_legacy_handling" in pypdf.Configuration.__dataclass_fields__:
        overwrites["disable_legacy_handling"] = True
    return overwrites


def _pdf_text(payload: bytes, limits: Limits) -> tuple[str, list[str]]:
    import pypdf

    try:
        with pypdf.apply_configuration(**_pdf_configuration(limits)):
            return _read_pdf(payload, limits)
    except Exception as exc:  # pypdf raises many types (and RecursionError, MemoryError) on hostile files
        return "", [f"pypdf error: {_describe(exc)}"]


def _content_length(page: Any) -> int:
    """The decoded size of a page's content streams: a measure of the work reading it costs (pypdf keeps the
    decoded data, so extracting the text afterwards does not decode it again)."""
    contents = page.get("/Contents")
    if contents is None:
        return 0
    contents = contents.get_object()
    streams = contents if isinstance(contents, list) else [contents]
    return sum(len(s.get_object().get_data()) for s in streams)


def _read_pdf(payload: bytes, limits: Limits) -> tuple[str, list[str]]:
    import pypdf

    reader = pypdf.PdfReader(io.BytesIO(payload))
    if reader.is_encrypted and not _decrypt_with_empty_password(reader):
        return "", ["encrypted PDF"]
    total = len(reader.pages)
    wanted = min(total, limits.max_pages)
    content = 0
    parts: list[str] = []
    size = 0
    failed: list[int] = []
    first_error = ""
    notes: list[str] = []
    for index in range(wanted):
        if size > limits.max_chars:
            break
        try:
            page = reader.pages[index]
            content += _content_length(page)
            if index and content > limits.max_pdf_content_bytes:
                notes.append(f"content limit: read {index} of {total} pages")
                break
            page_text = page.extract_text()
        except Exception as exc:  # one bad page does not lose the others
            failed.append(index + 1)
            first_error = first_error or _describe(exc)
            continue
        page_text = _tidy(unicodedata.normalize("NFKC", page_text))
        if page_text:
            parts.append(page_text)
            size += len(page_text) + 2
    if total == 0:
        notes.append("PDF has no pages")
    elif not parts and not failed:
        notes.append("no text in PDF (scanned image?)")
    if total > limits.max_pages:
        notes.append(f"read {limits.max_pages} of {total} pages")
    if failed:
        pages = ", ".join(map(str, failed[:5])) + (" …" if len(failed) > 5 else "")
        notes.append(f"pypdf error on page {pages}: {first_error}")
    return "\n\n".join(parts), notes


def _decrypt_with_empty_password(reader: pypdf.PdfReader) -> bool:
    """True when the PDF opens without a password (owner password only)."""
    import pypdf

    try:
        return reader.decrypt("") != pypdf.PasswordType.NOT_DECRYPTED
    except Exception:  # DependencyError, NotImplementedError (unknown handler), damaged /Encrypt
        return False


# DOCX


def _docx_text(payload: bytes, limits: Limits) -> tuple[str, list[str]]:
    problem = _zip_problem(payload, limits)
    if problem:
        return "", [problem]
    import docx

    try:
        document = docx.Document(io.BytesIO(payload))
        lines = _block_lines(document.element.body, 0)
    except Exception as exc:  # damaged XML, wrong main content type (.docm, .dotx), missing parts
        return "", [f"python-docx error: {_describe(exc)}"]
    return _tidy("\n".join(lines)), []


# XLSX


def _xlsx_text(payload: bytes, limits: Limits) -> tuple[str, list[str]]:
    problem = _zip_problem(payload, limits, kind="XLSX")
    if problem:
        return "", [problem]
    import openpyxl

    lines: list[str] = []
    notes: list[str] = []
    size = 0
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(payload), read_only=True, data_only=True)
        try:
            for number, sheet in enumerate(workbook.worksheets):
                if number == _XLSX_MAX_SHEETS:
                    notes.append(f"only the first {_XLSX_MAX_SHEETS} sheets read")
                    break
                for row in sheet.iter_rows(max_row=_XLSX_MAX_ROWS, max_col=_XLSX_MAX_COLUMNS, values_only=True):
                    cells = [str(v).strip() for v in row if v is not None and str(v).strip()]
                    if cells:
                        line = " | ".join(cells)
                        lines.append(line)
                        size += len(line) + 1
                    if size > limits.max_chars:
                        break
                lines.append("")
        finally:
            workbook.close()
    except Exception as exc:  # damaged XML, a workbook that is not one
        return "", [f"openpyxl error: {_describe(exc)}"]
    return _tidy("\n".join(lines)), notes


def _zip_problem(payload: bytes, limits: Limits, kind: str = "DOCX") -> str | None:
    """Why the zip must not be opened (bomb, not a zip), or None; reads the central directory only."""
    if payload.startswith(_OLE_MAGIC):
        return f"not a {kind}: OLE2 container (legacy .doc/.xls or password-protected Office file)"
    try:
        with zipfile.ZipFile(io.BytesIO(payload)) as archive:
            members = archive.infolist()
    except Exception:
        return f"not a {kind}: bad zip"
    if len(members) > limits.max_members:
        return f"zip bomb: {len(members)} members > {limits.max_members} limit"
    for member in members:
        if member.file_size > _RATIO_CHECK_MIN_BYTES:
            ratio = member.file_size / max(member.compress_size, 1)
            if ratio > limits.max_ratio:
                return f"zip bomb: {member.filename[-80:]} ratio {ratio:.0f}:1"
    total = sum(member.file_size for member in members)
    if total > limits.max_unzipped_bytes:
        return f"zip bomb: {_size(total)} uncompressed > {_size(limits.max_unzipped_bytes)} limit"
    return None


def _has_member(payload: bytes, name: str) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(payload)) as archive:
            return name in archive.namelist()
    except Exception:
        return False


def _children(element: Any, tag: str) -> Iterator[Any]:
    """Children of ``element`` with ``tag``, looking through content controls and custom XML wrappers."""
    for child in element:
        if child.tag == tag:
            yield child
        elif child.tag in _W_WRAPPERS:
            yield from _children(child, tag)


def _block_lines(container: Any, depth: int) -> list[str]:
    """Lines of a body, cell or content control: paragraphs and tables in document order."""
    lines: list[str] = []
    for child in container:
        if child.tag == _W + "p":
            lines.append(_paragraph_text(child))
        elif child.tag == _W + "tbl":
            lines.extend(_table_lines(child, depth + 1))
        elif child.tag in _W_WRAPPERS:
            lines.extend(_block_lines(child, depth))
    return lines


def _table_lines(table: Any, depth: int) -> list[str]:
    """One line per row, non-empty cells separated by `` | ``; nested tables go into their cell."""
    if depth > _DOCX_MAX_TABLE_DEPTH:
        return [" ".join(node.text for node in table.iter(_W + "t") if node.text)]
    lines = []
    for row in _children(table, _W + "tr"):
        cells = []
        for cell in _children(row, _W + "tc"):
            text = " ".join(line.strip() for line in _block_lines(cell, depth) if line.strip())
            if text:
                cells.append(text)
        if cells:
            lines.append(" | ".join(cells))
    return lines


def _paragraph_text(paragraph: Any) -> str:
    """Visible text of a ``w:p``: runs, hyperlinks, fields, insertions, text boxes; not deleted text."""
    parts: list[str] = []
    stack = [paragraph]
    while stack:
        node = stack.pop()
        tag = node.tag
        if tag == _W + "t":
            parts.append(node.text or "")
        elif tag in (_W + "tab", _W + "ptab"):
            parts.append(" ")
        elif tag in (_W + "br", _W + "cr"):
            parts.append("\n")
        elif tag == _W + "noBreakHyphen":
            parts.append("-")
        elif tag == _W + "p" and node is not paragraph:
            parts.append("\n")  # a paragraph inside a text box
        if tag != _MC_FALLBACK:  # the fallback repeats the text of the choice
            stack.extend(reversed(node))
    return "".join(parts)


# Text and HTML


def _decode(payload: bytes, content_type: str) -> str:
    """Text of a text/* attachment: BOM, declared charset, UTF-16 without BOM, UTF-8, else a guessed code page."""
    for bom, codec in (
        (b"\xef\xbb\xbf", "utf-8-sig"),
        (b"\xff\xfe\x00\x00", "utf-32"),
        (b"\x00\x00\xfe\xff", "utf-32"),
        (b"\xff\xfe", "utf-16"),
        (b"\xfe\xff", "utf-16"),
    ):
        if payload.startswith(bom):
            return payload.decode(codec, "replace")
    match = _CHARSET.search(content_type)
    declared = codec_for(match.group(1)) if match else None
    if declared:
        try:
            return payload.decode(declared)
        except (UnicodeDecodeError, LookupError):
            pass
    sample = payload[:4096]
    if sample.count(0) * 4 > len(sample):  # ASCII-range UTF-16: every other byte is NUL
        odd_zeros = sample[1::2].count(0)
        return payload.decode("utf-16-le" if odd_zeros * 2 > sample.count(0) else "utf-16-be", "replace")
    return decode_bytes(payload[: 256 * KIB], None).text  # UTF-8, else the likeliest code page (GB2312 …)


# Helpers


def _tidy(text: str) -> str:
    """Unix line breaks, no control characters, single spaces, stripped lines, at most one blank line."""
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = "\n".join(line.strip() for line in _HSPACE.sub(" ", text).split("\n"))
    return _BLANKS.sub("\n\n", text).strip()


def _size(count: int) -> str:
    for unit, scale in (("MB", MIB), ("KB", KIB)):
        if count >= scale:
            return f"{count / scale:.1f}".removesuffix(".0") + f" {unit}"
    return f"{count} bytes"


def _describe(exc: BaseException) -> str:
    message = str(exc).strip().replace("\n", " ")
    return f"{type(exc).__name__}: {message}"[:200] if message else type(exc).__name__
