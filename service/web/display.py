"""How the review UI shows stored values: times in Geneva, the sender's own date, the HTML frame, the ack."""

from __future__ import annotations

from datetime import datetime
from email import message_from_string
from email import policy as email_policy
from zoneinfo import ZoneInfo

GENEVA = ZoneInfo("Europe/Zurich")


def frame_doc(safe_html: str, language: str | None) -> str:
    """The sanitised HTML as the iframe's own document: right to left for Arabic, else by its first letters."""
    direction = "rtl" if language == "ar" else "auto"
    return f'<!DOCTYPE html><html dir="{direction}"><head><meta charset="utf-8"></head><body>{safe_html}</body></html>'


def ack_text(raw: str | None) -> str:
    """The plain-text part of a rendered acknowledgment, as the sender reads it ('' when there is none)."""
    if not raw:
        return ""
    body = message_from_string(raw, policy=email_policy.default).get_body(("plain",))
    return body.get_content() if body is not None else ""  # type: ignore[union-attr]


def senders_date(value: str | None) -> str:
    """The sender's own ``Date:`` as written, in their offset ("2025-10-07 13:51 UTC+03:00"); "—" when absent."""
    if not value:
        return "—"
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        return value
    offset = when.strftime("%z")  # "+0300"; "" for a date without one
    zone = "" if not offset else " UTC" if offset == "+0000" else f" UTC{offset[:3]}:{offset[3:]}"
    return when.strftime("%Y-%m-%d %H:%M") + zone


def geneva_time(when: datetime | None, pattern: str = "%Y-%m-%d %H:%M") -> str:
    """A stored (UTC) time as staff read it: in Geneva time (the ``geneva`` filter of the templates)."""
    return when.astimezone(GENEVA).strftime(pattern) if when else "—"
