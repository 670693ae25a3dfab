"""APScheduler wiring for ``frontier-intake run``: interval jobs (poll, send), clean stop on SIGTERM/SIGINT."""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from apscheduler.schedulers.background import BackgroundScheduler

log = logging.getLogger("intake.scheduler")


@dataclass(frozen=True)
class Job:
    """``run(stop)`` every ``every_seconds`` (0: once, at start, for a job that runs until ``stop``, such as
    the IDLE watcher); ``run`` watches ``stop`` to end early and cleanly."""

    name: str
    run: Callable[[threading.Event], None]
    every_seconds: int


def run_forever(*jobs: Job) -> None:
    """Run every job now and then at its interval until SIGTERM/SIGINT.

    Each job runs one at a time (``max_instances=1``), missed runs coalesced; jobs run beside each other.
    On a signal no job starts again, and the runs in hand finish (a poll finishes its current batch, as it
    watches ``stop``) before the process exits.
    """
    stop = threading.Event()
    scheduler = BackgroundScheduler(timezone="UTC")
    now = datetime.now().astimezone()
    for job in jobs:
        if not job.every_seconds:
            scheduler.add_job(job.run, "date", args=[stop], id=job.name, run_date=now, misfire_grace_time=None)
            continue
        scheduler.add_job(
            job.run,
            "interval",
            args=[stop],
            seconds=job.every_seconds,
            id=job.name,
            max_instances=1,
            coalesce=True,
            next_run_time=now,
            misfire_grace_time=max(1, job.every_seconds),
        )

    def _on_signal(signum: int, _frame: object) -> None:
        log.info("signal received; finishing the batch in hand", extra={"signal": signal.Signals(signum).name})
        stop.set()

    previous = {sig: signal.signal(sig, _on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
    scheduler.start()
    try:
        stop.wait()
    finally:
        scheduler.shutdown(wait=True)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    log.info("stopped")
