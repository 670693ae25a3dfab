"""The poll job of ``frontier-intake run`` when several workers share a mailbox: only the lease holder polls.

Every worker runs this job every third of ``INTAKE_LEASE_SECONDS`` (at most every ``INTAKE_POLL_SECONDS``).
The holder renews its lease and polls once ``INTAKE_POLL_SECONDS`` have passed since its last poll; while a
poll runs, a helper thread keeps renewing it, and if the lease is lost (the database says another worker holds
it) the poll stops after the batch in hand. The others only try to take the lease: when the holder dies, one of
them has it within ``INTAKE_LEASE_SECONDS`` plus a third of it.
"""

from __future__ import annotations

import fcntl
import logging
import threading
import time
from pathlib import Path
from typing import IO

from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from config.settings import Settings
from service import health, leases, metrics
from service.db import storage_error
from service.errors import StorageError
from service.faults import Fault, describe
from service.models import utcnow
from service.pipeline import Pipeline
from service.worker import poll_pass

log = logging.getLogger("intake.worker")
SLACK_SECONDS = 1.0  # a poll due within this is done now: the job's own runs drift by milliseconds
MAX_BACKOFF_SECONDS = 1800.0  # a refused login or a missing folder is tried again at least every 30 minutes


def mailbox_name(settings: Settings) -> str:
    """The lease's name: the IMAP account and folder, or the Maildir."""
    if settings.imap_host:
        return f"imap://{settings.imap_user}@{settings.imap_host}:{settings.effective_imap_port}/{settings.imap_folder}"
    return f"maildir:{Path(settings.maildir).resolve()}"


def backoff_seconds(fault: Fault, failures: int, poll_seconds: float) -> float:
    """How long after a failed poll the next one waits: the usual interval, or for a fault that only a change
    of setting or server can end, ``poll_seconds × 2^(failures−1)``, at most :data:`MAX_BACKOFF_SECONDS`."""
    if not fault.backs_off or failures < 1:
        return poll_seconds
    return min(MAX_BACKOFF_SECONDS, max(poll_seconds, poll_seconds * 2 ** min(failures - 1, 30)))


def job_interval(settings: Settings) -> int:
    """How often each worker runs the poll job: often enough to take a dead holder's lease in time."""
    return max(1, min(settings.poll_seconds, settings.lease_seconds // 3))


class LeaderPoll:
    """One worker's poll job (callable with the scheduler's stop event)."""

    def __init__(self, settings: Settings, pipeline: Pipeline, holder: str | None = None) -> None:
        self.settings, self.pipeline = settings, pipeline
        self.name = mailbox_name(settings)
        self.holder = holder or leases.worker_name()
        self.leading = False
        self._last_poll: float | None = None
        self._failures = 0  # failed polls in a row, and when the next may start (a backing-off fault)
        self._retry_at = 0.0
        self._polling = threading.Lock()  # the periodic job and the IDLE watcher never poll at once

    def _take(self) -> bool:
        try:
            held = leases.take(
                self.pipeline.engine, self.name, self.holder, seconds=self.settings.lease_seconds, now=utcnow()
            )
        except SQLAlchemyError as exc:  # named as the pipeline names it: locked, disk full (with the free space) …
            raise storage_error(exc, self.pipeline.engine) from exc
        metrics.LEADER.set(1 if held else 0)
        if held != self.leading:
            log.info("took the mailbox's lease" if held else "the mailbox is polled by another worker",
                     extra={"mailbox": self.name, "worker": self.holder})  # fmt: skip
            self.leading = held
        return held

    def __call__(self, stop: threading.Event) -> None:
        self.run(stop)

    def poll_now(self, stop: threading.Event) -> None:
        """Poll at once if this worker holds the lease (new mail announced by IDLE)."""
        self.run(stop, due=True)

    def run(self, stop: threading.Event, *, due: bool = False) -> None:
        """Renew or take the lease; poll when holding it and a poll is ``due`` or ``INTAKE_POLL_SECONDS`` passed."""
        if stop.is_set():
            return
        try:
            with self._polling:
                if not self._take():
                    return
                since = time.monotonic() - self._last_poll if self._last_poll is not None else None
                recent = since is not None and since < self.settings.poll_seconds - SLACK_SECONDS
                if (recent and not due) or time.monotonic() < self._retry_at:
                    return  # renewed; not yet time to poll (or backing off after a fault)
                self._poll(stop)
                if self._failures:
                    log.info("polling works again", extra={"mailbox": self.name, "failures": self._failures})
                    self._failures, self._retry_at = 0, 0.0
        except Exception as exc:  # whatever it is: one line, counted, and the next run tries again
            self._failed(describe(exc))

    def _failed(self, fault: Fault) -> None:
        """One log line for a failed poll, its count by kind, its record for the UI, and the backoff."""
        self._failures += 1
        metrics.POLL_FAILURES.labels(fault.kind).inc()
        health.record_failure(self.pipeline.engine, self.name, fault, now=utcnow())
        wait = backoff_seconds(fault, self._failures, self.settings.poll_seconds)
        if fault.backs_off:
            self._retry_at = time.monotonic() + wait
        log.error(
            "poll failed: %s",
            fault.line(),
            extra={"kind": fault.kind, "failures": self._failures, "next_try_seconds": round(wait)},
        )

    def _poll(self, stop: threading.Event) -> None:
        halt, done = threading.Event(), threading.Event()

        def keep_lease() -> None:
            renewed = time.monotonic()
            while not done.wait(0.25):
                if stop.is_set():
                    halt.set()
                if time.monotonic() - renewed >= self.settings.lease_seconds / 3:
                    try:
                        if not self._take():
                            log.warning("lease lost during a poll; stopping after the batch in hand")
                            halt.set()
                            return
                    except Exception as exc:
                        log.warning("cannot renew the lease (%s); stopping after the batch in hand", exc)
                        halt.set()
                        return
                    renewed = time.monotonic()

        renewer = threading.Thread(target=keep_lease, name="lease", daemon=True)
        renewer.start()
        started = time.monotonic()
        try:
            result = poll_pass(self.settings, self.pipeline, stop=halt)
            metrics.record_poll(result, time.monotonic() - started)
            log.info("pass done", extra={"stored": len(result.stored_ids), "errors": result.parse_errors})
        finally:
            done.set()
            renewer.join()
            self._last_poll = started  # polls start every INTAKE_POLL_SECONDS, however long one takes
        leases.record_poll(
            self.pipeline.engine, self.name, self.holder, at=utcnow(), seconds=time.monotonic() - started
        )
        health.clear_failure(self.pipeline.engine, self.name)  # a fault recorded by any worker is over

    def release(self) -> None:
        """Give the lease up on a clean stop, so another worker polls at once."""
        if not self.leading:
            return
        self.leading = False
        try:
            leases.release(self.pipeline.engine, self.name, self.holder)
        except Exception as exc:  # the database is the fault (down, locked, full): the stop is clean all the same
            log.warning("cannot release the mailbox's lease (%s); another worker takes it once it expires",
                        describe(exc).what)  # fmt: skip


def only_worker_on_sqlite(url: str) -> IO[str] | None:
    """On SQLite, refuse a second worker (one writer at a time; several workers need PostgreSQL).

    Returns the held lock file (keep it open while running), None for other databases."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    path = Path(parsed.database).with_suffix(".worker-lock")
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(path, "w")  # noqa: SIM115 - held for the process's life
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise StorageError(
            f"another `frontier-intake run` is using the SQLite database {parsed.database}; several workers "
            "need PostgreSQL (INTAKE_DATABASE_URL=postgresql+psycopg://…)"
        ) from None
    return handle
