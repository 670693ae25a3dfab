"""The review queue as values: its filters, their counts, its order, its pages, and a message's neighbours."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl

from pydantic import BaseModel, ValidationError, field_validator
from sqlalchemy import and_, tuple_
from sqlmodel import Session, select

from service import search_index
from service.models import COUNTRY_LENGTH, Acknowledgment, Message

PAGE = 50
MAX_PAGE = 10**9
SORTS = {
    "-received": "newest first",
    "received": "oldest first",
    "confidence": "least certain first",
    "-confidence": "most certain first",
}


class Filters(BaseModel):
    """The queue's filters, from the query string."""

    category: str | None = None
    status: str | None = None
    language: str | None = None
    deadline: str | None = None
    needs_triage: bool | None = None
    country: str | None = None
    assignee: str | None = None
    event: str | None = None
    ack: str | None = None  # an acknowledgment's status: failed, uncertain, pending …
    q: str | None = None
    sort: str = "-received"
    page: int = 1

    @field_validator("page")
    @classmethod
    def _some_page(cls, value: int) -> int:
        """Pages count from 1; one far beyond the last is simply empty (and stays within SQL's integers)."""
        return min(max(value, 1), MAX_PAGE)


def filtered(filters: Filters, session: Session) -> Any:
    query = select(Message)
    for column, value in (
        (Message.category, filters.category),
        (Message.review_status, filters.status),
        (Message.language, filters.language),
        (Message.deadline_status, filters.deadline),
        (Message.assignee, filters.assignee),
        (Message.event, filters.event),
    ):
        if value:
            query = query.where(column == value)
    if filters.ack:
        query = query.where(
            Message.id.in_(select(Acknowledgment.message_id).where(Acknowledgment.status == filters.ack))
        )
    if filters.needs_triage is not None:
        query = query.where(Message.needs_triage == filters.needs_triage)
    if filters.country:
        query = query.where(Message.country_or_org == filters.country[:COUNTRY_LENGTH])
    if filters.q and filters.q.strip():
        query = query.where(search_index.clause(session, filters.q.strip()))
    return query


FACETS = {
    "category": Message.category,
    "status": Message.review_status,
    "deadline": Message.deadline_status,
    "language": Message.language,
}


def facet_counts(
    combos: list[tuple[tuple[str | None, ...], int]], filters: Filters
) -> tuple[dict[str, dict[str | None, int]], int]:
    """From message counts per combination of the facets' values (in ``FACETS`` order): for each facet, how
    many messages each of its options would show with the *other* facets' filters kept; and the total shown."""
    chosen = [getattr(filters, name) or None for name in FACETS]
    counts: dict[str, dict[str | None, int]] = {name: {} for name in FACETS}
    total = 0
    for values, n in combos:
        misses = [i for i, want in enumerate(chosen) if want is not None and values[i] != want]
        if not misses:
            total += n
        for i, name in enumerate(FACETS):
            if not misses or misses == [i]:  # matches every filter but perhaps its own
                counts[name][values[i]] = counts[name].get(values[i], 0) + n
    return counts, total


def page_links(current: int, pages: int, url: Callable[[int], str]) -> list[tuple[str, str | None]]:
    """Links to the first, previous, nearby (two each side), next and last pages; ``None`` marks the current."""
    current = min(max(1, current), pages)
    near = range(max(1, current - 2), min(pages, current + 2) + 1)
    links: list[tuple[str, str | None]] = []
    if current > 1:
        links += [("« first", url(1)), ("‹ previous", url(current - 1))]
    links += [(str(p), None if p == current else url(p)) for p in near]
    if current < pages:
        links += [("next ›", url(current + 1)), (f"last ({pages}) »", url(pages))]
    return links


SORT_COLUMNS = {"received": Message.received_at, "confidence": Message.confidence, "id": Message.id}


def ordered(query: Any, sort: str) -> Any:
    column = SORT_COLUMNS.get(sort.lstrip("-"), Message.received_at)
    # ties in the same direction: one index walk serves the whole ORDER BY; empty values (a message that could
    # not be parsed has no confidence) first when ascending, as SQLite's index has them, on every database
    if sort.startswith("-"):
        return query.order_by(column.desc().nulls_last(), Message.id.desc())
    return query.order_by(column.asc().nulls_first(), Message.id.asc())


def neighbours(session: Session, message: Message, filters: Filters) -> tuple[int | None, int | None]:
    """The messages just before and after ``message`` in the queue's order under ``filters`` (it need not
    match them any more: accepting the last of the "new" ones still leads on to the next).

    Each side is asked as at most two ranges of the order's index, nearest first — the values beside this one
    as a row comparison ``(value, id) > (v, i)``, and the empty values (which come first when ascending) — since
    an ``OR`` of the two is no range at all: PostgreSQL walked half the index for it (150 ms at 100,000)."""
    column = SORT_COLUMNS.get(filters.sort.lstrip("-"), Message.received_at)
    value = getattr(message, column.key)
    empty = column.is_(None)
    # "lower" and "higher" in the ascending order of ordered(), where empty values come first; nearest first
    if value is None:
        lower = [and_(empty, Message.id < message.id)]
        higher = [and_(empty, Message.id > message.id), column.is_not(None)]
    else:  # a row comparison leaves out the empty values (it is unknown for them)
        lower = [tuple_(column, Message.id) < tuple_(value, message.id), empty]
        higher = [tuple_(column, Message.id) > tuple_(value, message.id)]
    descending = filters.sort.startswith("-")
    reverse = filters.sort[1:] if descending else "-" + filters.sort
    base = filtered(filters, session).with_only_columns(Message.id)

    def nearest(ranges: list[Any], sort: str) -> int | None:
        for condition in ranges:
            found = session.exec(ordered(base.where(condition), sort).limit(1)).first()
            if found is not None:
                return found
        return None

    after = nearest(lower if descending else higher, filters.sort)
    before = nearest(higher if descending else lower, reverse)
    return before, after


def queue_filters(query: str) -> Filters:
    """The filters of a queue URL's query string; the plain queue when it does not parse."""
    try:
        return Filters.model_validate(dict(parse_qsl(query)))
    except ValidationError:
        return Filters()


def page_of(session: Session, query: Any, filters: Filters) -> list[Message]:
    """One page of the queue: ids from the covering indexes first, then only those rows (bodies are big)."""
    ids_query = ordered(query.with_only_columns(Message.id), filters.sort)
    ids = list(session.exec(ids_query.offset((filters.page - 1) * PAGE).limit(PAGE)))
    if not ids:
        return []
    rows = {m.id: m for m in session.exec(select(Message).where(Message.id.in_(ids)))}
    return [rows[i] for i in ids if i in rows]
