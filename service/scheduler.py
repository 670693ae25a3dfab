"""APScheduler wiring for ``frontier-intake run``: one interval job, clean stop on SIGTERM/SIGINT."""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from datetime import datetime

from apscheduler.schedulers.background import BackgroundScheduler

log = logging.getLogger("intake.scheduler")


def run_forever(job: Callable[[threading.Event], None], *, every_seconds: int) -> None:
    """Run ``job(stop)`` now and then every ``every_seconds`` until SIGTERM/SIGINT.

    One run at a time (``max_instances=1``), missed runs coalesced; on a signal the run in hand finishes
    its current batch (it watches ``stop``) before the process exits.
    """
    stop = threading.Event()
    scheduler = BackgroundScheduler(timezone="UTC")
    scheduler.add_job(
        job,
        "interval",
        args=[stop],
        seconds=every_seconds,
        id="poll",
        max_instances=1,
        coalesce=True,
        next_run_time=datetime.now().astimezone(),
        misfire_grace_time=max(1, every_seconds),
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
