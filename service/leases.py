"""Which worker polls a mailbox folder: a lease row in the database, taken and renewed by one UPDATE.

Any number of ``frontier-intake run`` processes share one mailbox and one database. Each tries to take the
lease of the folder; the holder renews it while it polls; a holder that dies stops renewing, and another
worker takes the lease once it has expired (``INTAKE_LEASE_SECONDS``). Taking is a single conditional
UPDATE (or an INSERT that does nothing when the row exists), so two workers never both hold it.
"""

from __future__ import annotations

import os
import secrets
import socket
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, case, or_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, select

from service.models import PollLease


def worker_name() -> str:
    """This process's name in the lease table: host, pid and a random part (pids are reused)."""
    return f"{socket.gethostname()[:120]}:{os.getpid()}:{secrets.token_hex(4)}"


def take(engine: Engine, name: str, holder: str, *, seconds: float, now: datetime) -> bool:
    """Take or renew the lease ``name`` for ``holder`` until ``now + seconds``; whether it is held now."""
    until = now + timedelta(seconds=seconds)
    with engine.begin() as connection:
        renewed = connection.execute(
            update(PollLease)
            .where(PollLease.name == name, or_(PollLease.holder == holder, PollLease.expires_at < now))
            .values(  # a take-over starts a new term; a renewal keeps its start
                holder=holder,
                expires_at=until,
                taken_at=case((PollLease.holder == holder, PollLease.taken_at), else_=now),
            )
        )
        if renewed.rowcount:
            return True
        dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
        inserted = connection.execute(
            dialect.insert(PollLease)
            .values(name=name, holder=holder, expires_at=until, taken_at=now)
            .on_conflict_do_nothing(index_elements=["name"])
        )
        return bool(inserted.rowcount)


def release(engine: Engine, name: str, holder: str) -> None:
    """Give the lease up (a clean stop): another worker may take it at once."""
    with engine.begin() as connection:
        connection.execute(
            update(PollLease)
            .where(PollLease.name == name, PollLease.holder == holder)
            .values(expires_at=datetime(1970, 1, 1, tzinfo=UTC))
        )


def record_poll(engine: Engine, name: str, holder: str, *, at: datetime, seconds: float) -> None:
    """Note that ``holder`` finished a poll of ``name`` at ``at`` (for /readyz and ``status``)."""
    with engine.begin() as connection:
        connection.execute(
            update(PollLease)
            .where(PollLease.name == name, PollLease.holder == holder)
            .values(last_poll_at=at, last_poll_seconds=round(seconds, 3))
        )


def leases(engine: Engine) -> list[PollLease]:
    """Every lease row (one per mailbox folder ever polled)."""
    with Session(engine) as session:
        rows = list(session.exec(select(PollLease).order_by(PollLease.name)))
        for row in rows:
            session.expunge(row)
        return rows
