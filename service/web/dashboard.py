"""The staff dashboard: counts per category, arrivals per day around the deadline, late submissions,
countries and organisations heard from, and the gender balance of nominated delegates.

Charts are drawn by the server as inline SVG: the page's Content-Security-Policy forbids scripts and inline
styles, so colours and sizes are SVG presentation attributes and everything else is in ``static/style.css``.
Labels come from e-mail and may be hostile: every text put into the SVG is cleaned and XML-escaped, and the
markup is marked safe for Jinja only once it is built.

The counting and drawing are pure functions of plain values (unit-tested without a database); :func:`load`
runs the aggregate queries; :func:`register` adds ``GET /dashboard``.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from fastapi import Depends, FastAPI, Request, Response
from fastapi.responses import HTMLResponse
from markupsafe import Markup
from sqlalchemy import Engine, func
from sqlmodel import Session, select

from handlers.events import SUBMISSIONS, Event
from handlers.gender import GENDERS
from service.models import Message
from service.web.deps import current_user

SVG_NS = "http://www.w3.org/2000/svg"
INK, MUTED, BRAND, ALERT = "#1b1b1b", "#666666", "#00315f", "#aa0000"
GENDER_COLOURS = {"female": "#b5446e", "male": "#2f6f9f", "unknown": "#9a9a9a"}
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


# --- SVG ----------------------------------------------------------------------------------------------------

# not allowed in XML 1.0 (C0/C1 controls, lone surrogates, U+FFFE/F) or able to reorder what follows (bidi)
_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]")


def _clean(value: object, limit: int | None = None) -> str:
    """Text from e-mail made fit for a label: unsafe characters dropped, spaces collapsed, cut to ``limit``."""
    text = " ".join(_UNSAFE.sub("", str(value)).split())
    if limit is not None and len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text


def _esc(value: object, limit: int | None = None) -> str:
    """Cleaned and XML-escaped (quotes too: also safe inside attributes)."""
    return html.escape(_clean(value, limit), quote=True)


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _svg(width: float, height: float, title: str, body: list[str], css: str = "chart") -> Markup:
    head = (
        f'<svg xmlns="{SVG_NS}" class="{css}" width="{_num(width)}" height="{_num(height)}" '
        f'viewBox="0 0 {_num(width)} {_num(height)}" role="img" aria-label="{_esc(title)}">'
        f"<title>{_esc(title)}</title>"
    )
    return Markup(head + "".join(body) + "</svg>")  # every text inside went through _esc


def _linked(link: str | None, inner: str) -> str:
    return f'<a href="{html.escape(_UNSAFE.sub("", link), quote=True)}">{inner}</a>' if link else inner


def bar_chart_svg(
    items: list[tuple[str, int]],
    *,
    title: str = "",
    href: Callable[[str], str | None] | None = None,
    highlight: Collection[str] = (),
    width: int = 620,
    label_width: int = 230,
    bar_height: int = 18,
    gap: int = 6,
    label_chars: int = 34,
) -> Markup:
    """Horizontal bars, one per (label, count), in the order given; labels are escaped (and cut, the full text
    in a tooltip); ``href(label)`` makes a row a link; ``highlight`` labels are drawn in the alert colour."""
    value_width = 60
    space = width - label_width - value_width
    top = max((n for _, n in items), default=0) or 1
    height = gap + len(items) * (bar_height + gap)
    body = []
    for i, (label, count) in enumerate(items):
        y = gap + i * (bar_height + gap)
        length = max(space * count / top, 1.0) if count > 0 else 0.0
        baseline = y + bar_height * 0.72
        colour = ALERT if label in highlight else BRAND
        row = (
            f"<g><title>{_esc(label)}: {int(count)}</title>"
            f'<text x="{label_width - 6}" y="{_num(baseline)}" text-anchor="end" font-size="12" fill="{INK}">'
            f"{_esc(label, label_chars)}</text>"
            f'<rect x="{label_width}" y="{y}" width="{_num(length)}" height="{bar_height}" fill="{colour}"/>'
            f'<text x="{_num(label_width + length + 4)}" y="{_num(baseline)}" font-size="12" fill="{INK}">'
            f"{int(count)}</text></g>"
        )
        body.append(_linked(href(label) if href else None, row))
    return _svg(width, height, title, body)


def day_chart_svg(
    days: list[tuple[date, int]],
    *,
    title: str = "",
    highlight: Collection[date] = (),
    column: int = 20,
    gap: int = 4,
    plot_height: int = 160,
) -> Markup:
    """Vertical bars, one per day; ``highlight`` days (deadlines) in the alert colour and marked "deadline"."""
    left, right, top, bottom = 44, 8, 34, 70  # rotated day labels reach down and to the left
    width = left + right + len(days) * (column + gap)
    height = top + plot_height + bottom
    peak = max((n for _, n in days), default=0) or 1
    body = [
        f'<line x1="{left}" y1="{top + plot_height}" x2="{width - right}" y2="{top + plot_height}" '
        f'stroke="{MUTED}" stroke-width="1"/>'
    ]
    for i, (day, count) in enumerate(days):
        x = left + i * (column + gap)
        middle = x + column / 2
        length = max(plot_height * count / peak, 1.0) if count > 0 else 0.0
        y = top + plot_height - length
        is_deadline = day in highlight
        parts = [
            f"<g><title>{day:%a %d %b %Y}: {int(count)}{' (deadline)' if is_deadline else ''}</title>",
            f'<rect x="{x}" y="{_num(y)}" width="{column}" height="{_num(length)}" '
            f'fill="{ALERT if is_deadline else BRAND}"/>',
        ]
        if count:
            parts.append(
                f'<text x="{_num(middle)}" y="{_num(y - 3)}" text-anchor="middle" font-size="11" fill="{INK}">'
                f"{int(count)}</text>"
            )
        if is_deadline:
            parts.append(
                f'<text x="{_num(middle)}" y="11" text-anchor="middle" font-size="11" font-weight="bold" '
                f'fill="{ALERT}">deadline</text>'
            )
        label_y = top + plot_height + 10
        parts.append(
            f'<text x="{_num(middle)}" y="{label_y}" text-anchor="end" font-size="11" '
            f'fill="{MUTED if day.weekday() >= 5 else INK}" transform="rotate(-60 {_num(middle)} {label_y})">'
            f"{day:%a %d %b}</text></g>"
        )
        body.append("".join(parts))
    return _svg(width, height, title, body)


def gender_svg(counts: Mapping[str, int], *, title: str = "", width: int = 620) -> Markup:
    """One stacked bar (female, male, unknown) with a legend giving counts and percentages."""
    total = sum(counts.get(g, 0) for g in GENDERS)
    percent = shares({g: counts.get(g, 0) for g in GENDERS})
    bar_top, bar_height, legend_y = 6, 28, 56
    body, x = [], 0.0
    for gender in GENDERS:
        count = counts.get(gender, 0)
        length = width * count / total if total else 0.0
        if length:
            body.append(
                f"<g><title>{gender}: {count} ({percent[gender]}%)</title>"
                f'<rect x="{_num(x)}" y="{bar_top}" width="{_num(length)}" height="{bar_height}" '
                f'fill="{GENDER_COLOURS[gender]}"/>'
            )
            if length >= 44:
                body.append(
                    f'<text x="{_num(x + length / 2)}" y="{bar_top + 19}" text-anchor="middle" font-size="12" '
                    f'fill="#ffffff">{percent[gender]}%</text>'
                )
            body.append("</g>")
        x += length
    for i, gender in enumerate(GENDERS):
        lx = i * (width / 3)
        body.append(
            f'<rect x="{_num(lx)}" y="{legend_y - 10}" width="12" height="12" fill="{GENDER_COLOURS[gender]}"/>'
            f'<text x="{_num(lx + 17)}" y="{legend_y}" font-size="12" fill="{INK}">'
            f"{gender}: {counts.get(gender, 0)} ({percent[gender]}%)</text>"
        )
    return _svg(width, legend_y + 8, title, body)


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


# --- page ---------------------------------------------------------------------------------------------------


def charts(data: DashboardData) -> dict[str, Markup]:
    """The page's SVG charts."""
    known = {c for c, _ in data.categories if c}
    out = {
        "categories": bar_chart_svg(
            [(c or "(none)", k) for c, k in data.categories],
            title="Messages per category",
            href=lambda label: f"/?category={quote(label, safe='')}" if label in known else None,
        ),
        "countries": bar_chart_svg(
            data.countries,
            title=f"Top {len(data.countries)} countries and organisations by submissions",
            href=lambda label: f"/?country={quote(label, safe='')}",
        ),
        "genders": gender_svg(data.genders, title="Nominated delegates by gender (from their titles)"),
    }
    if data.event is not None:
        out["days"] = day_chart_svg(
            data.days,
            title=f"Submissions per day ({data.event.timezone}), deadline highlighted",
            highlight=data.deadline_days,
        )
    return out


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


def register(app: FastAPI) -> None:
    """Add ``GET /dashboard`` and ``GET /api/dashboard`` to ``app``."""

    @app.get("/api/dashboard")
    def api_dashboard(
        user: Annotated[dict[str, Any], Depends(current_user)], event: str | None = None
    ) -> dict[str, Any]:
        """The dashboard's figures: per category, deadline status, country, delegates' gender and day."""
        return as_json(load(app.state.engine, pick_event(app.state.events, datetime.now(UTC), event)))

    @app.get("/dashboard", response_class=HTMLResponse)
    def dashboard(
        request: Request, user: Annotated[dict[str, Any], Depends(current_user)], event: str | None = None
    ) -> Response:
        now = datetime.now(UTC)
        chosen = pick_event(app.state.events, now, event)
        data = load(app.state.engine, chosen)
        return app.state.templates.TemplateResponse(
            request,
            "dashboard.html",
            {
                "user": user,
                "csrf": user["csrf"],
                "d": data,
                "charts": charts(data),
                "events": [e for e in app.state.events if e.deadlines],
                "percent": shares(data.genders),
                "submissions": SUBMISSIONS,
                "as_of": now.astimezone(ZoneInfo(chosen.timezone if chosen else "Europe/Zurich")),
            },
        )
