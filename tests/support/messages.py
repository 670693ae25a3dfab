"""Small message factory for tests (the realistic ones live in the sample mailbox and bench/)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from email.utils import format_datetime


def make_message(
    n: int,
    *,
    message_id: str | None = None,
    subject: str | None = None,
    body: str | None = None,
    date: datetime | None = None,
    size_pad: int = 0,
) -> bytes:
    """A distinct plain-text message number ``n``."""
    msg = EmailMessage()
    msg["From"] = f"Delegate {n} <delegate{n}@mission.example>"
    msg["To"] = "frontier.tech@wipo.int"
    msg["Subject"] = subject or f"Nomination {n}"
    msg["Date"] = format_datetime(date or datetime(2025, 10, 1, 9, 0, tzinfo=timezone(timedelta(hours=2))))
    msg["Message-ID"] = message_id or f"<m{n}@mission.example>"
    msg.set_content((body or f"Dear colleagues, message number {n}.") + ("\n" + "x" * size_pad if size_pad else ""))
    return bytes(msg)
