"""Pure pieces of the review UI's security: download names in headers, sanitised HTML."""

from urllib.parse import unquote

import pytest

from service.web.security import attachment_disposition, sanitise_html


def _extended_name(header: str) -> str:
    """The RFC 5987 ``filename*`` value, which browsers prefer to the plain one."""
    return unquote(header.split("filename*=UTF-8''", 1)[1], errors="strict")


@pytest.mark.parametrize(
    "name",
    ["قائمة الوفد.docx", "代表团名单.pdf", "Délégation du Sénégal.pdf", "Список делегации.xlsx", "plain.csv"],
)
def test_a_download_keeps_its_name_in_any_script(name: str) -> None:
    header = attachment_disposition(name)
    assert header.isascii()
    assert _extended_name(header) == name
    fallback = header.split('filename="', 1)[1].split('"', 1)[0]
    assert len(fallback) == len(name) and fallback.isascii()


@pytest.mark.parametrize(
    "hostile",
    ['evil"; filename="x.html', "a\r\nSet-Cookie: s=1.pdf", "../../etc/passwd", "a\\b.pdf", "\x00\x1b.pdf", ""],
)
def test_a_hostile_name_cannot_break_out_of_the_header(hostile: str) -> None:
    header = attachment_disposition(hostile)
    assert "\r" not in header and "\n" not in header and "\x00" not in header
    assert header.count('"') == 2  # one quoted fallback, nothing closed early
    name = _extended_name(header)
    assert "/" not in name and "\\" not in name and name.isprintable() and name


def test_sanitised_html_keeps_text_and_links_but_no_active_content() -> None:
    dirty = (
        '<p dir="rtl" onclick="x()">نص <a href="javascript:x()">a</a> <a href="https://wipo.int/">b</a></p>'
        '<script>x()</script><style>p{}</style><img src="https://tracker.test/p.gif"><svg onload="x()"></svg>'
    )
    clean = sanitise_html(dirty)
    assert 'dir="rtl"' in clean and "نص" in clean and 'href="https://wipo.int/"' in clean
    for needle in ("onclick", "javascript:", "<script", "<style", "<img", "<svg", "tracker.test"):
        assert needle not in clean
