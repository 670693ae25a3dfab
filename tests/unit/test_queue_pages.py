"""The queue's page links: first, previous, two each side, next, last, whatever the page asked for."""

from __future__ import annotations

from service.web.views import page_links


def url(p: int) -> str:
    return f"?page={p}"


def test_middle_page_has_every_kind_of_link() -> None:
    links = page_links(50, 2000, url)
    assert [label for label, _ in links] == [
        "« first", "‹ previous", "48", "49", "50", "51", "52", "next ›", "last (2000) »"
    ]  # fmt: skip
    assert dict(links)["50"] is None and dict(links)["last (2000) »"] == "?page=2000"


def test_edges_and_out_of_range_pages() -> None:
    assert page_links(1, 1, url) == [("1", None)]
    assert [label for label, _ in page_links(1, 3, url)] == ["1", "2", "3", "next ›", "last (3) »"]
    assert [label for label, _ in page_links(99, 3, url)] == ["« first", "‹ previous", "1", "2", "3"]
    assert dict(page_links(99, 3, url))["3"] is None
    assert dict(page_links(-5, 3, url))["1"] is None
