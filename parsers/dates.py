"""Dates from headers: the sender's ``Date:`` and the arrival time a ``Received:`` trace records."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

EARLIEST = datetime(1980, 1, 1, tzinfo=UTC)
LATEST = datetime(2200, 1, 1, tzinfo=UTC)


def parse_date(value: str | None) -> datetime | None:
    """An RFC 5322 date to an aware datetime (naive/-0000 read as UTC); None when absent or absurd."""
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(" ".join(value.split()))
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    try:
        if not EARLIEST <= parsed <= LATEST:
            return None
    except OverflowError:
        return None
    return parsed


def received_date(received_headers: list[str]) -> datetime | None:
    """The date of the newest (topmost) ``Received:`` header that carries a valid one, in UTC."""
    for header in received_headers:
        _, sep, tail = header.rpartition(";")
        if not sep:
            continue
        parsed = parse_date(tail.strip())
        if parsed is not None:
            return parsed.astimezone(UTC)
    return None


def as_utc(value: datetime | None) -> datetime | None:
    """Aware UTC (a naive value is taken as UTC already)."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
