"""The worker's own metrics (Prometheus, names prefixed ``intake_worker_``), served by ``run`` on
``INTAKE_METRICS_PORT`` beside the process's CPU and memory; the installation's figures, read from the
database, are the web's ``/metrics`` (:class:`service.status.DatabaseCollector`).

Counters live in prometheus-client's default registry of the process; the shell records into them
(:func:`record_poll`, :func:`record_sending`), the pure core never sees them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from prometheus_client import Counter, Gauge, Histogram, start_http_server

if TYPE_CHECKING:
    from service.mailer import SendReport
    from service.pipeline import BatchResult

FETCHED = Counter("intake_worker_messages_fetched", "Messages fetched from the mailbox by this worker")
STORED = Counter("intake_worker_messages_stored", "Messages new to the database stored by this worker")
PARSE_ERRORS = Counter("intake_worker_parse_errors", "Messages this worker stored raw, unparsed")
IMAP_ERRORS = Counter("intake_worker_imap_errors", "IMAP connections or commands that failed", ["kind"])
POLL_DURATION = Histogram(
    "intake_worker_poll_duration_seconds",
    "Duration of this worker's polls",
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800),
)
ARRIVAL_TO_STORED = Histogram(
    "intake_worker_arrival_to_stored_seconds",
    "From a message's arrival at the mail server (INTERNALDATE) to its commit in the database",
    buckets=(0.5, 1, 2, 5, 10, 30, 60, 300, 900, 3600, 86400),
)
ACKNOWLEDGMENTS = Counter("intake_worker_acknowledgments", "Acknowledgments this worker tried to send", ["result"])
POLL_FAILURES = Counter("intake_worker_poll_failures", "Polls of this worker that failed, by fault", ["kind"])
IDLE_WAKEUPS = Counter("intake_worker_idle_wakeups", "Times IMAP IDLE announced new mail")
LEADER = Gauge("intake_worker_leader", "1 while this worker holds the mailbox's lease and polls it")


def serve(port: int, host: str) -> None:
    """Serve this process's metrics over HTTP (a daemon thread)."""
    start_http_server(port, addr=host)


def record_poll(result: BatchResult, seconds: float) -> None:
    """One finished poll: its duration, what it fetched and stored, and each new message's lag."""
    POLL_DURATION.observe(seconds)
    FETCHED.inc(result.fetched)
    STORED.inc(len(result.stored_ids))
    PARSE_ERRORS.inc(result.parse_errors)
    for lag in result.lags:
        ARRIVAL_TO_STORED.observe(lag)


def record_sending(report: SendReport | None) -> None:
    """One run of the sender."""
    if report is None:
        return
    for result, count in (("sent", report.sent), ("deferred", report.retried), ("failed", report.failed),
                          ("uncertain", report.uncertain)):  # fmt: skip
        if count:
            ACKNOWLEDGMENTS.labels(result).inc(count)
