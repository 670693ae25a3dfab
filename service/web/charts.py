"""The dashboard's charts, drawn by the server as inline SVG.

The page's Content-Security-Policy forbids scripts and inline styles, so colours and sizes are SVG presentation
attributes and everything else is in ``static/style.css``. Labels come from e-mail and may be hostile: every
text put into the SVG is cleaned and XML-escaped, and the markup is marked safe for Jinja only once it is built.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Collection, Mapping
from datetime import date
from urllib.parse import quote

from markupsafe import Markup

from handlers.gender import GENDERS
from service.web.dashboard_data import DashboardData, shares

SVG_NS = "http://www.w3.org/2000/svg"
INK, MUTED, BRAND, ALERT = "#1b1b1b", "#666666", "#00315f", "#aa0000"
GENDER_COLOURS = {"female": "#b5446e", "male": "#2f6f9f", "unknown": "#9a9a9a"}

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


# --- the page's charts -------------------------------------------------------------------------------------


def dashboard_charts(data: DashboardData) -> dict[str, Markup]:
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
