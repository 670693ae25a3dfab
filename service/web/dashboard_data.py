"""The dashboard's figures: counts per category and deadline status, arrivals per local day around the
deadline, countries and organisations heard from, and the delegates nominated per gender.

The counting is pure functions of plain values (unit-tested without a database); :func:`load` runs the
aggregate queries into a :class:`DashboardData`; :func:`as_json` gives the same figures to the API.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, func
from sqlmodel import Session, select

from handlers.events import Event
from handlers.gender import GENDERS
from handlers.registry import SUBMISSIONS
from service.models import Message

TOP_COUNTRIES = 30
DAYS_BEFORE, DAYS_AFTER = 21, 7  # the per-day chart: three weeks before the deadline, one week after


def tally(groups: Iterable[tuple[object, int]], limit: int) -> tuple[list[tuple[str, int]], int, int]:
    """From (value, count) groups: the top ``limit`` values (most first, then by name), how many distinct values
    there are, and how many counted have none (no value or an empty one)."""
    counts: Counter[str] = Counter()
    missing = 0
    for value, count in groups:
        if value is None or value == "":
            missing += count
        else:
            counts[str(value)] += count
    top = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:limit]
    return top, len(counts), missing


def shares(counts: Mapping[str, int]) -> dict[str, int]:
    """Whole percentages that add up to 100 (largest remainder); all 0 when there is nothing to count."""
    total = sum(counts.values())
    if total <= 0:
        return dict.fromkeys(counts, 0)
    exact = {k: 100 * n / total for k, n in counts.items()}
    whole = {k: int(v) for k, v in exact.items()}
    for k in sorted(exact, key=lambda k: exact[k] - whole[k], reverse=True)[: 100 - sum(whole.values())]:
        whole[k] += 1
    return whole


# --- days ---------------------------------------------------------------------------------------------------


def _zone(zone: ZoneInfo | str) -> ZoneInfo:
    return zone if isinstance(zone, ZoneInfo) else ZoneInfo(zone)


def day_bounds(zone: ZoneInfo | str, start: date, end: date) -> list[tuple[date, datetime, datetime]]:
    """Each local day from ``start`` to ``end`` (inclusive) with the UTC instants it begins and ends.

    Days are not all 24 hours long: the ones where the clocks change have 23 or 25.
    """
    tz, out, day = _zone(zone), [], start
    while day <= end:
        begins = datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)
        ends = datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz).astimezone(UTC)
        out.append((day, begins, ends))
        day += timedelta(days=1)
    return out


def per_day(rows: Iterable[datetime | None], zone: ZoneInfo | str, start: date, end: date) -> list[tuple[date, int]]:
    """Arrivals per local day from ``start`` to ``end`` (inclusive, zero days included); naive times are UTC."""
    tz = _zone(zone)
    counts = Counter(
        (when if when.tzinfo else when.replace(tzinfo=UTC)).astimezone(tz).date() for when in rows if when is not None
    )
    return [(day, counts.get(day, 0)) for day, _, _ in day_bounds(tz, start, end)]


def pick_event(events: Iterable[Event], now: datetime, wanted: str | None = None) -> Event | None:
    """The event whose deadlines the dashboard shows: ``wanted`` if it has deadlines, else the latest one opened
    by ``now``, else the first to open."""
    candidates = [e for e in events if e.deadlines]
    chosen = next((e for e in candidates if e.id == wanted), None) if wanted else None
    if chosen is not None:
        return chosen
    opened = [e for e in candidates if e.opens_at() <= now]
    if opened:
        return max(opened, key=lambda e: e.opens_at())
    return min(candidates, key=lambda e: e.opens_at(), default=None)


def window(event: Event) -> tuple[date, date]:
    """The days the per-day chart shows: three weeks before the first deadline (not before the event opens)
    to a week after the last one."""
    deadlines = sorted(event.deadlines.values())
    start = min(max(event.opens_at().date(), deadlines[0] - timedelta(days=DAYS_BEFORE)), deadlines[0])
    return start, deadlines[-1] + timedelta(days=DAYS_AFTER)


# --- queries ------------------------------------------------------------------------------------------------


@dataclass
class DashboardData:
    """Everything the page shows, as plain values."""

    total: int = 0
    categories: list[tuple[str | None, int]] = field(default_factory=list)
    deadline_statuses: dict[str | None, int] = field(default_factory=dict)
    late_by_category: list[tuple[str | None, int]] = field(default_factory=list)
    countries: list[tuple[str, int]] = field(default_factory=list)
    countries_distinct: int = 0
    countries_missing: int = 0
    genders: dict[str, int] = field(default_factory=lambda: dict.fromkeys(GENDERS, 0))
    nominations: int = 0
    event: Event | None = None
    days: list[tuple[date, int]] = field(default_factory=list)
    before: int = 0
    after: int = 0

    @property
    def late(self) -> int:
        return self.deadline_statuses.get("late", 0)

    @property
    def deadline_days(self) -> set[date]:
        return set(self.event.deadlines.values()) if self.event else set()


def _per_day_counts(session: Session, bounds: list[tuple[date, datetime, datetime]]) -> tuple[list[int], int, int]:
    """Submissions per day, and before and after the days shown: one statement of range counts, each read
    from the (category, received_at) index."""

    def between(begins: datetime | None, ends: datetime | None) -> Any:
        query = select(func.count()).where(Message.category.in_(SUBMISSIONS))
        if begins is not None:
            query = query.where(Message.received_at >= begins)
        if ends is not None:
            query = query.where(Message.received_at < ends)
        return query.scalar_subquery()

    ranges = [between(None, bounds[0][1]), *(between(b, e) for _, b, e in bounds), between(bounds[-1][2], None)]
    before, *days, after = session.exec(select(*ranges)).one()
    return days, before, after


def load(engine: Engine, event: Event | None) -> DashboardData:
    """The dashboard's figures: four aggregate queries, each answered from the covering index
    ``ix_message_counts`` (categories, deadline statuses, arrival times, countries and delegates per gender are
    columns of it) without reading a message row."""
    data = DashboardData(event=event)
    with Session(engine) as session:
        categories: Counter[str | None] = Counter()
        statuses: Counter[str | None] = Counter()
        late: Counter[str | None] = Counter()
        for category, status, n in session.exec(
            select(Message.category, Message.deadline_status, func.count()).group_by(
                Message.category, Message.deadline_status
            )
        ):
            categories[category] += n
            statuses[status] += n
            if status == "late":
                late[category] += n
        data.categories, data.late_by_category = _most_first(categories), _most_first(late)
        data.total, data.deadline_statuses = sum(categories.values()), dict(statuses)

        country = Message.country_or_org
        groups = session.exec(
            select(country, func.count()).where(Message.category.in_(SUBMISSIONS)).group_by(country)
        ).all()
        data.countries, data.countries_distinct, data.countries_missing = tally(groups, TOP_COUNTRIES)

        female, male, unknown, data.nominations = session.exec(
            select(
                *(func.coalesce(func.sum(getattr(Message, f"delegates_{g}")), 0) for g in GENDERS), func.count()
            ).where(Message.category == "nomination")
        ).one()
        data.genders = {"female": female, "male": male, "unknown": unknown}

        if event is not None:
            bounds = day_bounds(event.timezone, *window(event))
            counts, data.before, data.after = _per_day_counts(session, bounds)
            data.days = [(day, k) for (day, _, _), k in zip(bounds, counts, strict=True)]
    return data


def _most_first(counts: Counter[str | None]) -> list[tuple[str | None, int]]:
    return sorted(counts.items(), key=lambda item: (-item[1], item[0] or ""))


def as_json(data: DashboardData) -> dict[str, Any]:
    """The dashboard's figures for the API: the same values the charts draw."""
    return {
        "event": data.event.id if data.event else None,
        "total": data.total,
        "categories": {str(c): n for c, n in data.categories},
        "deadline_statuses": {str(s): n for s, n in data.deadline_statuses.items()},
        "late": data.late,
        "late_by_category": {str(c): n for c, n in data.late_by_category},
        "countries": dict(data.countries),
        "countries_distinct": data.countries_distinct,
        "countries_missing": data.countries_missing,
        "delegates_by_gender": data.genders,
        "nominations": data.nominations,
        "per_day": [{"day": day.isoformat(), "submissions": n} for day, n in data.days],
        "before_window": data.before,
        "after_window": data.after,
    }
