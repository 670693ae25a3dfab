"""What an operator asks of a running installation: figures from the database, shared by every worker and web
process, for ``frontier-intake status``, ``/readyz`` and ``/metrics`` (Prometheus, names prefixed ``intake_``)."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from sqlalchemy import Engine, func, text
from sqlmodel import Session, select

from config.settings import Settings
from service import leases
from service.models import Acknowledgment, Message, PollLease, utcnow


@dataclass
class Status:
    """One reading of the installation's state."""

    at: datetime
    messages: dict[str, int] = field(default_factory=dict)  # by category ("" for not triaged)
    parse_errors: int = 0
    acknowledgments: dict[str, int] = field(default_factory=dict)  # by status
    oldest_pending_seconds: float | None = None
    leases: list[PollLease] = field(default_factory=list)

    @property
    def last_poll_age_seconds(self) -> float | None:
        """Seconds since any worker last finished a poll (None: never)."""
        polls = [lease.last_poll_at for lease in self.leases if lease.last_poll_at is not None]
        return (self.at - max(polls)).total_seconds() if polls else None


def read_status(engine: Engine) -> Status:
    """The figures, read in one session."""
    now = utcnow()
    status = Status(at=now)
    with Session(engine) as session:
        for category, count in session.exec(select(Message.category, func.count()).group_by(Message.category)):
            status.messages[category or ""] = count
        status.parse_errors = session.exec(
            select(func.count()).select_from(Message).where(Message.status != "parsed")
        ).one()
        for state, count in session.exec(select(Acknowledgment.status, func.count()).group_by(Acknowledgment.status)):
            status.acknowledgments[state] = count
        oldest = session.exec(
            select(func.min(Acknowledgment.created_at)).where(Acknowledgment.status.in_(("pending", "sending")))
        ).one()
        if oldest is not None:  # UTCDateTime: aware on every database
            status.oldest_pending_seconds = max(0.0, (now - oldest).total_seconds())
    status.leases = leases.leases(engine)
    return status


def poll_is_recent(settings: Settings, status: Status) -> bool:
    """Whether the mailbox was polled lately: within three polling intervals (and a lease term)."""
    age = status.last_poll_age_seconds
    return age is not None and age <= 3 * settings.poll_seconds + settings.lease_seconds + 60


def readiness(settings: Settings, engine: Engine) -> dict[str, str]:
    """Each dependency and whether it is ready (``ok`` or what is wrong): database, IMAP, last poll."""
    checks: dict[str, str] = {}
    status = None
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        checks["database"] = "ok"
        status = read_status(engine)
    except Exception as exc:
        checks["database"] = f"unreachable: {type(exc).__name__}"
    if settings.imap_host:
        try:
            with socket.create_connection((settings.imap_host, settings.effective_imap_port), timeout=3):
                checks["imap"] = "ok"
        except OSError as exc:
            checks["imap"] = f"unreachable: {exc.strerror or type(exc).__name__}"
    if status is not None:
        age = status.last_poll_age_seconds
        checks["last_poll"] = (
            "ok" if poll_is_recent(settings, status) else ("never" if age is None else f"{age:.0f} s ago")
        )
    return checks


class DatabaseCollector:
    """Prometheus collector: the installation's figures, read from the database at each scrape."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def collect(self) -> Iterator[Metric]:
        status = read_status(self.engine)
        stored = CounterMetricFamily("intake_messages_stored", "Messages stored, by category", labels=["category"])
        for category, count in sorted(status.messages.items()):
            stored.add_metric([category or "none"], count)
        yield stored
        yield CounterMetricFamily("intake_parse_errors", "Messages stored raw that could not be parsed",
                                  value=status.parse_errors)  # fmt: skip
        acks = GaugeMetricFamily("intake_acknowledgments", "Acknowledgments by status", labels=["status"])
        for state, count in sorted(status.acknowledgments.items()):
            acks.add_metric([state], count)
        yield acks
        yield GaugeMetricFamily("intake_outbox_oldest_pending_seconds", "Age of the oldest acknowledgment not sent",
                                value=status.oldest_pending_seconds or 0.0)  # fmt: skip
        age = status.last_poll_age_seconds
        yield GaugeMetricFamily("intake_last_poll_age_seconds", "Seconds since a worker last finished a poll",
                                value=age if age is not None else float("nan"))  # fmt: skip
        duration = GaugeMetricFamily("intake_poll_duration_seconds", "Duration of the last poll", labels=["mailbox"])
        for lease in status.leases:
            if lease.last_poll_seconds is not None:
                duration.add_metric([lease.name], lease.last_poll_seconds)
        yield duration
