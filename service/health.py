"""The installation's open problems, as staff see them on every page: failing polls, a mailbox no one polls,
acknowledgments that are not going out. The worker records a failed poll on the mailbox's lease row (best
effort: when the database is the fault it cannot be recorded there, and the poll goes stale instead)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, func, update
from sqlmodel import Session, select

from config.settings import Settings
from service.faults import Fault
from service.models import Acknowledgment, PollLease

log = logging.getLogger("intake.health")
PENDING_TOO_LONG = timedelta(minutes=30)  # an acknowledgment waiting longer than this is a problem to show
RECENT = timedelta(days=7)  # failed or uncertain acknowledgments of the last week are shown (older: in the queue)


@dataclass(frozen=True)
class Problem:
    """One open problem: its kind (a fault's kind, ``stale_poll`` or ``acknowledgments``), text, and since."""

    kind: str
    text: str
    since: datetime | None = None


def record_failure(engine: Engine, name: str, fault: Fault, *, now: datetime) -> int:
    """Note a failed poll of mailbox ``name``; the number of failures in a row (0 when it cannot be noted)."""
    try:
        with engine.begin() as connection:
            connection.execute(
                update(PollLease)
                .where(PollLease.name == name)
                .values(
                    failing_since=func.coalesce(PollLease.failing_since, now),
                    failures=PollLease.failures + 1,
                    last_error_kind=fault.kind,
                    last_error=fault.line()[:2000],
                )
            )
            return connection.execute(select(PollLease.failures).where(PollLease.name == name)).scalar() or 0
    except Exception as exc:  # the database is (part of) the fault: the log and the metrics still say it
        log.debug("cannot record the poll's failure: %s", exc)
        return 0


def clear_failure(engine: Engine, name: str) -> None:
    """A poll of ``name`` succeeded: its run of failures is over."""
    with engine.begin() as connection:
        connection.execute(
            update(PollLease)
            .where(PollLease.name == name, PollLease.failures > 0)
            .values(failing_since=None, failures=0, last_error_kind=None, last_error=None)
        )


def stale_after(settings: Settings) -> timedelta:
    """How long without a finished poll before the mailbox counts as not polled (three intervals and a lease)."""
    return timedelta(seconds=3 * settings.poll_seconds + settings.lease_seconds + 60)


def problems(engine: Engine, settings: Settings, *, now: datetime) -> list[Problem]:
    """Every open problem, read in one session (a few indexed queries, cheap enough for every page)."""
    found: list[Problem] = []
    with Session(engine) as session:
        for lease in session.exec(select(PollLease).order_by(PollLease.name)):
            if lease.failures and lease.last_error:
                found.append(Problem(lease.last_error_kind or "internal",
                                     f"Polling {lease.name} failed {lease.failures} time(s) in a row: "
                                     f"{lease.last_error}", lease.failing_since))  # fmt: skip
            elif lease.last_poll_at is not None and now - lease.last_poll_at > stale_after(settings):
                found.append(Problem("stale_poll", f"{lease.name} has not been polled since the time shown: is a "
                                     "worker (`frontier-intake run`) running and able to reach the database?",
                                     lease.last_poll_at))  # fmt: skip
        stuck = session.exec(
            select(func.count(), func.min(Acknowledgment.created_at)).where(
                Acknowledgment.status.in_(("failed", "uncertain")), Acknowledgment.created_at >= now - RECENT
            )
        ).one()
        waiting = session.exec(
            select(func.count(), func.min(Acknowledgment.created_at)).where(
                Acknowledgment.status.in_(("pending", "sending")), Acknowledgment.created_at < now - PENDING_TOO_LONG
            )
        ).one()
        if stuck[0] or waiting[0]:
            last = session.exec(
                select(Acknowledgment.last_error)
                .where(Acknowledgment.last_error.is_not(None), Acknowledgment.status != "sent")
                .order_by(Acknowledgment.id.desc())
                .limit(1)
            ).first()
            parts = []
            if stuck[0]:
                parts.append(
                    f"{stuck[0]} acknowledgment(s) failed or uncertain this week (the queue's acknowledgment "
                    "filter lists them; check an uncertain one before resending)"
                )
            if waiting[0]:
                parts.append(f"{waiting[0]} waiting for over {int(PENDING_TOO_LONG.total_seconds() // 60)} minutes "
                             "(is the SMTP server reachable?)")  # fmt: skip
            since = min(t for t in (stuck[1], waiting[1]) if t is not None)
            found.append(Problem("acknowledgments", "; ".join(parts) + (f". Last answer: {last}" if last else ""),
                                 since))  # fmt: skip
    return found
