"""Attachment text extraction: hand-written PDFs, python-docx documents, zip bombs, hostile files."""

from __future__ import annotations

import io
import random
import signal
import struct
import time
import zipfile
import zlib
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import docx
import pypdf
import pypdf.filters
import pytest

from parsers import attachments
from parsers.attachments import DEFAULT_LIMITS, Limits, detect_kind, extract_all, extract_text

CHILE = "Permanent Mission of Chile — delegates: Ms. Ana Rojas"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MIB = 1024 * 1024


class Hung(BaseException):
    """Raised by the alarm; a BaseException so that extract_text's ``except Exception`` cannot swallow it."""


@contextmanager
def deadline(seconds: int) -> Iterator[None]:
    """Fail the test instead of hanging when the block runs longer than ``seconds``."""

    def on_alarm(signum: int, frame: object) -> None:
        raise Hung(f"took more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


# Hand-written PDFs


def build_pdf(objects: dict[int, bytes], root: int = 1) -> bytes:
    """A PDF file with these numbered objects and a correct cross-reference table."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets: dict[int, int] = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (number, objects[number])
    size = max(objects) + 1
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for number in range(1, size):
        out += b"%010d 00000 n \n" % offsets[number] if number in offsets else b"0000000000 65535 f \n"
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, root, xref)
    return bytes(out)


def pdf_stream(data: bytes, entries: bytes = b"") -> bytes:
    return b"<< /Length %d %s >>\nstream\n%s\nendstream" % (len(data), entries, data)


HELVETICA = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
PAGE = (
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >>%s >> /Contents %d 0 R >>"
)


def text_pdf(pages: list[str]) -> bytes:
    """One Helvetica line per page; text in cp1252 (WinAnsiEncoding)."""
    objects = {1: b"<< /Type /Catalog /Pages 2 0 R >>", 3: HELVETICA}
    kids = []
    for index, text in enumerate(pages):
        page, content = 4 + 2 * index, 5 + 2 * index
        kids.append(b"%d 0 R" % page)
        objects[page] = PAGE % (b"", content)
        objects[content] = pdf_stream(b"BT /F1 12 Tf 72 720 Td (%s) Tj ET" % text.encode("cp1252"))
    objects[2] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(kids), len(pages))
    return build_pdf(objects)


def one_page_pdf(content: bytes, content_entries: bytes = b"", resources: bytes = b"", **extra: bytes) -> bytes:
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
        3: HELVETICA,
        4: PAGE % (resources, 6),
        6: pdf_stream(content, content_entries),
    }
    objects.update({int(key.removeprefix("obj")): value for key, value in extra.items()})
    return build_pdf(objects)


def encrypted(pdf: bytes, user: str, owner: str | None = None, algorithm: str = "RC4-128") -> bytes:
    writer = pypdf.PdfWriter(clone_from=io.BytesIO(pdf))
    writer.encrypt(user_password=user, owner_password=owner, algorithm=algorithm)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_hand_written_pdf() -> None:
    assert extract_text(text_pdf([CHILE]), "application/pdf", "note.pdf") == (CHILE, None)


def test_pdf_is_recognised_by_magic_bytes_whatever_the_label() -> None:
    assert extract_text(text_pdf([CHILE]), "application/octet-stream", "ATT00001.bin") == (CHILE, None)
    assert extract_text(text_pdf([CHILE]), "text/plain", "") == (CHILE, None)


def test_pdf_arabic_presentation_forms_are_normalised() -> None:
    """P27: glyphs mapped to U+FExx presentation forms come out as ordinary Arabic letters."""
    cmap = (
        b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /X def /CMapType 2 def\n"
        b"1 begincodespacerange <00> <FF> endcodespacerange\n"
        b"4 beginbfchar <41> <FEE3> <42> <FEA4> <43> <FEE4> <44> <FEAA> endbfchar\n"
        b"endcmap CMapName currentdict /CMap defineresource pop end end"
    )
    pdf = one_page_pdf(
        b"BT /F1 12 Tf 72 720 Td (DCBA) Tj ET",  # visual order; pypdf reverses right-to-left runs
        obj3=b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode 7 0 R >>",
        obj7=pdf_stream(cmap),
    )
    text, note = extract_text(pdf, "application/pdf", "ar.pdf")
    assert (text, note) == ("محمد", None)


def test_pdf_whitespace_is_collapsed_but_line_breaks_kept() -> None:
    pdf = one_page_pdf(b"BT /F1 12 Tf 72 720 Td (Ana    Rojas\t\tChile) Tj 0 -20 Td (Second  line) Tj ET")
    text, note = extract_text(pdf, "application/pdf", "x.pdf")
    assert note is None
    assert text == "Ana Rojas Chile\nSecond line"


def test_pdf_reads_only_max_pages() -> None:
    pdf = text_pdf([f"delegate-page-{number:03d}" for number in range(1, 46)])
    started = time.perf_counter()
    text, note = extract_text(pdf, "application/pdf", "long.pdf")
    elapsed = time.perf_counter() - started
    assert "delegate-page-030" in text
    assert "delegate-page-031" not in text
    assert note == "read 30 of 45 pages"
    assert elapsed < 5, f"30 pages took {elapsed:.2f} s"

    text, note = extract_text(pdf, "application/pdf", "long.pdf", Limits(max_pages=3))
    assert text.split() == ["delegate-page-001", "delegate-page-002", "delegate-page-003"]
    assert note == "read 3 of 45 pages"


def test_pdf_work_is_bounded_by_content_size_not_by_the_clock() -> None:
    """The same file gives the same text on a slow and a fast machine: the budget counts content bytes."""
    pdf = text_pdf([f"delegate-page-{number:03d} " + "word " * 200 for number in range(1, 11)])
    full, _ = extract_text(pdf, "application/pdf", "x.pdf")
    assert "delegate-page-010" in full
    per_page = len("BT /F1 12 Tf 72 720 Td (delegate-page-001 ) Tj ET") + 5 * 200  # one page's content stream
    text, note = extract_text(pdf, "application/pdf", "x.pdf", Limits(max_pdf_content_bytes=per_page * 3))
    assert "delegate-page-001" in text and "delegate-page-010" not in text
    assert note.startswith("content limit: read ") and note.endswith(" of 10 pages")
    assert (text, note) == extract_text(pdf, "application/pdf", "x.pdf", Limits(max_pdf_content_bytes=per_page * 3))


def test_pdf_stops_reading_pages_once_max_chars_is_reached() -> None:
    pdf = text_pdf([f"page {number} " + "x" * 60 for number in range(1, 21)])
    text, note = extract_text(pdf, "application/pdf", "x.pdf", Limits(max_chars=100))
    assert len(text) <= 100
    assert text.startswith("page 1 ")
    assert note == "truncated at 100 characters"


@pytest.mark.parametrize("algorithm", ["RC4-128", "AES-256"])
def test_encrypted_pdf_is_noted(algorithm: str) -> None:
    pdf = encrypted(text_pdf([CHILE]), "pw", algorithm=algorithm)
    assert extract_text(pdf, "application/pdf", "x.pdf") == ("", "encrypted PDF")


def test_pdf_with_only_an_owner_password_is_read() -> None:
    pdf = encrypted(text_pdf([CHILE]), user="", owner="owner-secret", algorithm="AES-128")
    assert pypdf.PdfReader(io.BytesIO(pdf)).is_encrypted
    assert extract_text(pdf, "application/pdf", "x.pdf") == (CHILE, None)


@pytest.mark.parametrize(
    "payload",
    [
        b"%PDF-1.4\n" + bytes(random.Random(1).randrange(256) for _ in range(3000)),
        b"%PDF-1.4 \x00\x01 not really a pdf",
        b"%PDF-",
        b"<html>403 Forbidden</html>",  # labelled application/pdf, no magic
    ],
)
def test_garbage_pdf_gives_a_note(payload: bytes) -> None:
    with deadline(5):
        text, note = extract_text(payload, "application/pdf", "scan.pdf")
    assert text == ""
    assert note is not None
    assert note.startswith("pypdf error: ")


HOSTILE_PDFS = {
    "page tree is its own kid": build_pdf(
        {1: b"<< /Type /Catalog /Pages 2 0 R >>", 2: b"<< /Type /Pages /Kids [2 0 R] /Count 1 >>"}
    ),
    "page tree cycle A-B-A": build_pdf(
        {
            1: b"<< /Type /Catalog /Pages 2 0 R >>",
            2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            3: b"<< /Type /Pages /Parent 2 0 R /Kids [2 0 R] /Count 1 >>",
        }
    ),
    "catalog is its own page tree": build_pdf({1: b"<< /Type /Catalog /Pages 1 0 R /Kids [1 0 R] >>"}),
    "nested 100,000 arrays deep": build_pdf(
        {
            1: b"<< /Type /Catalog /Pages 2 0 R /X %s%s >>" % (b"[" * 100_000, b"]" * 100_000),
            2: b"<< /Type /Pages /Kids [] /Count 0 >>",
        }
    ),
    "object stream referring to itself": build_pdf(
        {
            1: b"<< /Type /Catalog /Pages 2 0 R >>",
            2: b"<< /Type /Pages /Kids [5 0 R] /Count 1 >>",
            3: pdf_stream(b"5 0 ", b"/Type /ObjStm /N 1 /First 4 /Extends 3 0 R"),
        }
    ),
}


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("page tree is its own kid", "pypdf error: PdfReadError: Detected cyclic page references."),
        ("page tree cycle A-B-A", "pypdf error: PdfReadError: Detected cyclic page references."),
        ("catalog is its own page tree", "PDF has no pages"),
        ("nested 100,000 arrays deep", "pypdf error: PdfReadError"),
        ("object stream referring to itself", "PDF has no pages"),
    ],
)
def test_hostile_pdf_gives_a_note_without_hanging(name: str, expected: str) -> None:
    with deadline(5):
        text, note = extract_text(HOSTILE_PDFS[name], "application/pdf", "x.pdf")
    assert text == ""
    assert note is not None
    assert note.startswith(expected)


def test_pdf_without_text_says_so() -> None:
    pdf = one_page_pdf(b"0 0 m 100 100 l S")
    assert extract_text(pdf, "application/pdf", "scan.pdf") == ("", "no text in PDF (scanned image?)")


def test_self_invoking_form_xobject_does_not_recurse_forever() -> None:
    form = pdf_stream(
        b"BT /F1 12 Tf 0 0 Td (loop) Tj ET /X1 Do",
        b"/Type /XObject /Subtype /Form /BBox [0 0 10 10] "
        b"/Resources << /Font << /F1 3 0 R >> /XObject << /X1 5 0 R >> >>",
    )
    pdf = one_page_pdf(b"/X1 Do", resources=b" /XObject << /X1 5 0 R >>", obj5=form)
    with deadline(5):
        text, _ = extract_text(pdf, "application/pdf", "x.pdf")
    assert text.count("loop") < 10


def test_flate_bomb_in_a_pdf_is_stopped_by_the_lowered_stream_limit() -> None:
    """50 MB of content stream in 50 KB: over max_stream_bytes (pypdf's default 75 MB would decode it)."""
    bomb = zlib.compress(b"0 0 m " * 8_500_000 + b"BT /F1 12 Tf (tail) Tj ET")
    pdf = one_page_pdf(bomb, b"/Filter /FlateDecode")
    with deadline(5):
        started = time.perf_counter()
        text, note = extract_text(pdf, "application/pdf", "x.pdf")
        elapsed = time.perf_counter() - started
    assert text == ""
    assert note is not None
    assert note.startswith("pypdf error on page 1: LimitReachedError")
    assert elapsed < 1


def test_one_bad_page_does_not_lose_the_others() -> None:
    bomb = zlib.compress(b"0 0 m " * 8_500_000)
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [4 0 R 5 0 R] /Count 2 >>",
        3: HELVETICA,
        4: PAGE % (b"", 6),
        5: PAGE % (b"", 7),
        6: pdf_stream(bomb, b"/Filter /FlateDecode"),
        7: pdf_stream(b"BT /F1 12 Tf 72 720 Td (Ms. Ana Rojas) Tj ET"),
    }
    text, note = extract_text(build_pdf(objects), "application/pdf", "x.pdf")
    assert text == "Ms. Ana Rojas"
    assert note is not None
    assert note.startswith("pypdf error on page 1: LimitReachedError")


def test_pdf_limits_apply_in_worker_threads_and_do_not_leak() -> None:
    """P28: limits are applied inside the call, so they hold in a thread that never configured pypdf."""
    pdf = one_page_pdf(zlib.compress(b"0 0 m " * 8_500_000), b"/Filter /FlateDecode")
    with ThreadPoolExecutor(max_workers=1) as pool:
        _, note = pool.submit(extract_text, pdf, "application/pdf", "x.pdf").result(timeout=10)
    assert note is not None
    assert "LimitReachedError" in note
    assert pypdf.get_configuration() == pypdf.Configuration()


def test_legacy_pypdf_constants_set_elsewhere_do_not_break_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    """pypdf 7 raises DeprecationError in every PdfReader once a legacy constant was changed; we opt out."""
    monkeypatch.setattr(pypdf.filters, "ZLIB_MAX_OUTPUT_LENGTH", 1000)
    with pytest.raises(pypdf.errors.DeprecationError):
        pypdf.PdfReader(io.BytesIO(text_pdf([CHILE])))
    assert extract_text(text_pdf([CHILE]), "application/pdf", "x.pdf") == (CHILE, None)


# DOCX


def delegates_docx() -> bytes:
    document = docx.Document()
    document.add_paragraph("Permanent Mission of Chile")
    document.add_paragraph("Delegation to the 12th session:")
    table = document.add_table(rows=3, cols=2)
    for row, (name, title) in zip(
        table.rows,
        [("Name", "Title"), ("Ms. Ana Rojas", "Ambassador"), ("Mr. Luis Soto", "Counsellor")],
        strict=True,
    ):
        row.cells[0].text = name
        row.cells[1].text = title
    nested = table.rows[2].cells[1].add_table(rows=1, cols=1)
    nested.rows[0].cells[0].text = "alternate: Ms. Paz Vera"
    document.add_paragraph("Contact: mission@example.org")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def zip_bytes(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def test_docx_paragraphs_and_tables_in_document_order() -> None:
    text, note = extract_text(delegates_docx(), DOCX_TYPE, "delegates.docx")
    assert note is None
    lines = text.splitlines()
    assert lines[:4] == [
        "Permanent Mission of Chile",
        "Delegation to the 12th session:",
        "Name | Title",
        "Ms. Ana Rojas | Ambassador",
    ]
    assert "Mr. Luis Soto | Counsellor" in lines[4]
    assert "alternate: Ms. Paz Vera" in lines[4]  # a table nested in a cell stays in its row
    assert lines[-1] == "Contact: mission@example.org"


@pytest.mark.parametrize(
    ("content_type", "filename"),
    [
        ("application/octet-stream", "delegates.docx"),
        ("application/octet-stream", "ATT00002.bin"),  # sniffed: a zip with word/document.xml
        ("application/zip", ""),
        (DOCX_TYPE, "noname"),
    ],
)
def test_docx_recognised_by_name_or_content(content_type: str, filename: str) -> None:
    text, note = extract_text(delegates_docx(), content_type, filename)
    assert note is None
    assert "Ms. Ana Rojas | Ambassador" in text


def test_zip_bomb_docx_is_refused_before_python_docx_opens_it(monkeypatch: pytest.MonkeyPatch) -> None:
    bomb = zip_bytes({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"A" * 50_000_000})
    assert len(bomb) < 100_000

    def must_not_open(*args: object) -> None:
        raise AssertionError("python-docx opened the zip bomb")

    monkeypatch.setattr(docx, "Document", must_not_open)
    with deadline(5):
        started = time.perf_counter()
        text, note = extract_text(bomb, "application/octet-stream", "delegates.docx")
        elapsed = time.perf_counter() - started
    assert text == ""
    assert note is not None
    assert note.startswith("zip bomb: word/document.xml ratio ")
    assert elapsed < 1, f"zip bomb check took {elapsed:.3f} s"


def test_docx_over_the_uncompressed_size_limit_is_refused() -> None:
    payload = zip_bytes({"word/document.xml": random.Random(2).randbytes(2 * MIB)}, zipfile.ZIP_STORED)
    text, note = extract_text(payload, DOCX_TYPE, "x.docx", Limits(max_unzipped_bytes=MIB))
    assert (text, note) == ("", "zip bomb: 2 MB uncompressed > 1 MB limit")


def test_docx_with_too_many_members_is_refused() -> None:
    payload = zip_bytes({f"word/media/{index}.bin": b"x" for index in range(2_001)})
    assert extract_text(payload, DOCX_TYPE, "x.docx") == ("", "zip bomb: 2001 members > 2000 limit")


def test_docx_whose_central_directory_understates_sizes_fails_fast() -> None:
    """zipfile stops at the declared size and then reports a bad CRC: the lie costs nothing."""
    real = 50_000_000
    payload = zip_bytes({"word/document.xml": b"A" * real})
    lie = payload.replace(struct.pack("<I", real), struct.pack("<I", 1_000))
    assert lie.count(struct.pack("<I", 1_000)) >= 2
    with deadline(5):
        started = time.perf_counter()
        text, note = extract_text(lie, DOCX_TYPE, "x.docx")
        elapsed = time.perf_counter() - started
    assert text == ""
    assert note is not None
    assert note.startswith("python-docx error: ")
    assert elapsed < 1


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        (b"this is not a zip at all", "not a DOCX: bad zip"),
        (b"PK\x03\x04" + b"\x00" * 100, "not a DOCX: bad zip"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "not a DOCX: OLE2 container"),
    ],
)
def test_broken_docx_gives_a_note(payload: bytes, expected: str) -> None:
    text, note = extract_text(payload, DOCX_TYPE, "x.docx")
    assert text == ""
    assert note is not None
    assert note.startswith(expected)


def test_zip_that_is_not_a_docx_is_unsupported() -> None:
    payload = zip_bytes({"ppt/presentation.xml": b"<presentation/>"})
    text, note = extract_text(payload, "application/octet-stream", "slides.pptx")
    assert text == ""
    assert note is not None
    assert note.startswith("unsupported type")


# Text and HTML


def test_cp1252_text_attachment() -> None:
    payload = "Délégation de São Tomé — “list” €".encode("cp1252")
    assert extract_text(payload, "text/plain", "list.txt") == ("Délégation de São Tomé — “list” €", None)


POLISH = "Łódź: Ana Rojas"


@pytest.mark.parametrize(
    ("payload", "content_type", "filename"),
    [
        (POLISH.encode(), "text/plain", "a.txt"),
        (POLISH.encode("utf-8-sig"), "text/plain", "a.txt"),
        (POLISH.encode("utf-16"), "text/plain", "a.txt"),  # with BOM
        (POLISH.encode("utf-16-le"), "application/octet-stream", "a.txt"),  # without BOM
        (POLISH.encode("utf-16-be"), "text/plain", "a.txt"),
        (POLISH.encode("iso-8859-2"), "text/plain; charset=iso-8859-2", "a"),
        (POLISH.encode("cp1250"), 'text/csv; charset="windows-1250"', "a.csv"),
    ],
)
def test_text_encodings(payload: bytes, content_type: str, filename: str) -> None:
    assert extract_text(payload, content_type, filename) == (POLISH, None)


def test_csv_sent_as_octet_stream() -> None:
    payload = "name;country\r\nAna Rojas;Chile\r\n".encode("cp1252")
    assert extract_text(payload, "application/octet-stream", "delegates.csv") == (
        "name;country\nAna Rojas;Chile",
        None,
    )


def test_html_attachment_skips_script_and_style() -> None:
    payload = (
        b"<html><head><style>p{color:red}</style><script>alert('x')</script></head>"
        b"<body><p>Ms. Ana Rojas</p><p>Chile</p></body></html>"
    )
    assert extract_text(payload, "text/html", "letter.html") == ("Ms. Ana Rojas\n\nChile", None)


# Limits and the contract


def test_oversized_payload_is_skipped_unread() -> None:
    assert extract_text(b"\x00" * (12 * MIB), "application/pdf", "big.pdf") == (
        "",
        "skipped: 12 MB > 10 MB limit",
    )
    assert extract_text(b"x" * 101, "text/plain", "a.txt", Limits(max_bytes=100)) == (
        "",
        "skipped: 101 bytes > 100 bytes limit",
    )


def test_output_is_truncated_at_max_chars() -> None:
    text, note = extract_text(("delegate " * 20_000).encode(), "text/plain", "a.txt")
    assert len(text) <= DEFAULT_LIMITS.max_chars
    assert len(text) > DEFAULT_LIMITS.max_chars - 10
    assert note == "truncated at 50000 characters"


@pytest.mark.parametrize(
    ("payload", "content_type", "filename", "expected"),
    [
        (b"\x89PNG\r\n\x1a\n", "image/png", "logo.png", "unsupported type: image/png (logo.png)"),
        (
            b"MZ\x90\x00",
            "application/octet-stream",
            "setup.exe",
            "unsupported type: application/octet-stream",
        ),
        (b"", "text/plain", "empty.txt", "empty attachment"),
    ],
)
def test_unsupported_and_empty(payload: bytes, content_type: str, filename: str, expected: str) -> None:
    text, note = extract_text(payload, content_type, filename)
    assert text == ""
    assert note is not None
    assert note.startswith(expected)


def test_detect_kind() -> None:
    assert detect_kind(b"%PDF-1.7", "application/octet-stream", "x") == "pdf"
    assert detect_kind(b"hello", "application/pdf", "x") == "pdf"
    assert detect_kind(b"hello", "application/octet-stream", "x.PDF") == "pdf"
    assert detect_kind(b"junk", "", "x.docx") == "docx"
    assert detect_kind(b"a,b", "application/octet-stream", "x.csv") == "text"
    assert detect_kind(b"<p>", "application/octet-stream", "x.htm") == "html"
    assert detect_kind(b"hello", "text/plain; charset=utf-8", "") == "text"
    assert detect_kind(b"hello", "image/jpeg", "x.txt") is None


def test_never_raises_on_mutated_documents() -> None:
    rng = random.Random(7)
    samples = [
        (text_pdf([CHILE, "page two"]), "application/pdf", "x.pdf"),
        (delegates_docx(), DOCX_TYPE, "x.docx"),
    ]
    with deadline(30):
        for payload, content_type, filename in samples:
            for _ in range(40):
                mutated = bytearray(payload)
                for _ in range(rng.randint(1, 20)):
                    mutated[rng.randrange(len(mutated))] = rng.randrange(256)
                text, note = extract_text(bytes(mutated), content_type, filename)
                assert isinstance(text, str)
                assert note is None or isinstance(note, str)


def test_unexpected_errors_become_notes(monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(*args: object) -> None:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(attachments, "_pdf_text", explode)
    assert extract_text(text_pdf([CHILE]), "application/pdf", "x.pdf") == ("", "recursion limit reached")
    monkeypatch.setattr(attachments, "_pdf_text", lambda *args: (_ for _ in ()).throw(MemoryError()))
    assert extract_text(text_pdf([CHILE]), "application/pdf", "x.pdf") == ("", "out of memory")


def test_extract_all_keeps_order() -> None:
    results = extract_all(
        [
            (text_pdf([CHILE]), "application/pdf", "a.pdf"),
            (b"plain", "text/plain", "b.txt"),
            (b"\x89PNG", "image/png", "c.png"),
        ],
        DEFAULT_LIMITS,
    )
    assert [text for text, _ in results] == [CHILE, "plain", ""]
    assert [note is None for _, note in results] == [True, True, False]


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _workbook(rows: list[list[object]], sheets: int = 1) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    for number in range(sheets):
        sheet = book.active if number == 0 else book.create_sheet(f"S{number}")
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_a_spreadsheet_reads_as_a_table_one_row_a_line() -> None:
    payload = _workbook(
        [["Titre", "Nom", "Courriel"], ["Mme", "Awa Diop", "a.diop@ipo.example.sn"], [None, None, None], ["M.", 7]]
    )
    for content_type, name in ((XLSX_TYPE, "liste.xlsx"), ("application/octet-stream", "liste"), ("", "x.bin")):
        text, note = extract_text(payload, content_type, name)
        assert note is None
        assert text.splitlines()[:3] == ["Titre | Nom | Courriel", "Mme | Awa Diop | a.diop@ipo.example.sn", "M. | 7"]
    assert detect_kind(payload, "", "x") == "xlsx"


def test_a_spreadsheet_is_bounded_by_rows_and_characters() -> None:
    payload = _workbook([[f"n{i}", i] for i in range(3000)])
    text, _ = extract_text(payload, XLSX_TYPE, "big.xlsx")
    assert "n1999 | 1999" in text
    assert "n2000" not in text  # rows past the cap are not read
    small = Limits(max_chars=500)
    text, note = extract_text(payload, XLSX_TYPE, "big.xlsx", small)
    assert len(text) <= 500
    assert note is not None
    assert "truncated" in note


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        (b"PK\x03\x04" + b"\x00" * 100, "not a XLSX: bad zip"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "not a XLSX: OLE2 container"),
    ],
)
def test_broken_spreadsheet_gives_a_note(payload: bytes, expected: str) -> None:
    text, note = extract_text(payload, XLSX_TYPE, "x.xlsx")
    assert text == ""
    assert note is not None
    assert note.startswith(expected)


def test_a_spreadsheet_zip_bomb_is_refused_before_openpyxl_opens_it() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/sharedStrings.xml", b"\x00" * (30 * MIB))
    text, note = extract_text(buffer.getvalue(), XLSX_TYPE, "bomb.xlsx")
    assert text == ""
    assert note is not None
    assert note.startswith("zip bomb")


@pytest.mark.parametrize(
    ("text", "codec"),
    [
        ("参会人员名单\n姓名 职务 邮箱\n周海涛 处长 zhou@ncac.example.cn\n郑雨桐 科员 zheng@ncac.example.cn", "gb2312"),
        ("Список делегации\nИванов Сергей Петрович, советник, s.ivanov@mid.example", "cp1251"),
        ("قائمة الوفد\nالسيد أحمد سامي، مستشار، a.samy@mission.example", "cp1256"),
    ],
)
def test_a_text_attachment_without_a_charset_is_decoded_in_its_own_code_page(text: str, codec: str) -> None:
    decoded, note = extract_text(text.encode(codec), "text/plain", "liste.txt")
    assert note is None
    assert decoded == text
