"""The queue's page links: first, previous, two each side, next, last, whatever the page asked for."""

from __future__ import annotations

from service.web.queue import page_links


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


def test_each_facet_counts_its_options_under_the_other_filters() -> None:
    from service.web.queue import Filters, facet_counts

    # (category, status, deadline, language) → messages
    combos = [
        (("nomination", "new", "late", "fr"), 3),
        (("nomination", "accepted", "on_time", "fr"), 2),
        (("nomination", "new", "on_time", "ar"), 4),
        (("question", "new", "not_applicable", "fr"), 5),
        ((None, "new", None, None), 1),  # a message that could not be parsed
    ]
    counts, total = facet_counts(combos, Filters())
    assert total == 15 and counts["category"] == {"nomination": 9, "question": 5, None: 1}

    counts, total = facet_counts(combos, Filters(category="nomination", language="fr"))
    assert total == 5
    assert counts["category"] == {"nomination": 5, "question": 5}  # other categories, in French
    assert counts["language"] == {"fr": 5, "ar": 4}  # other languages, among nominations
    assert counts["status"] == {"new": 3, "accepted": 2} and counts["deadline"] == {"late": 3, "on_time": 2}

    counts, total = facet_counts(combos, Filters(status="rejected"))
    assert total == 0 and counts["status"] == {"new": 13, "accepted": 2} and counts["category"] == {}
