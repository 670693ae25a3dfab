"""SMTP faults against the real aiosmtpd server: a long outage, a slow server, 4xx and 5xx answers.

After each: no acknowledgment lost or sent twice, the rows' states and reasons in the database, one log line per
pass (logger ``intake.mailer``) rather than one per message, and — through a real ``run`` — the worker's metrics.
The cases of test_acknowledgments.py (a few 451s in a row, one 550, a short outage) are not repeated here.
"""

from __future__ import annotations

import logging
import signal
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import update
from sqlalchemy.exc import SQLAlchemyError

from service.mailer import send_pending
from service.models import Acknowledgment, utcnow
from service.worker import build_pipeline, poll_pass
from tests.conftest import REPO, intake_env
from tests.integration.test_acknowledgments import asking
from tests.support.db import rows
from tests.support.smtp import free_port
from tests.support.ui import problems_shown

pytestmark = pytest.mark.integration
NOT_SENT = "acknowledgments not sent: "


def _questions(dovecot, count: int) -> list[str]:
    """``count`` genuine questions in the mailbox; their Message-IDs (what each acknowledgment answers)."""
    topics = ["the Zoom link", "the room", "interpretation", "the agenda", "the registration", "the dress code"]
    dovecot.append_many(
        [(asking(n, f"Could you please confirm {topics[n % len(topics)]} of the session?"), None) for n in range(count)]
    )
    return [f"<m{n}@mission.example>" for n in range(count)]


def _answered(smtp) -> Counter[str]:
    """How often the SMTP server received an acknowledgment of each original message."""
    return Counter(d.message["In-Reply-To"] for d in smtp.handler.deliveries)


def _outbox(settings) -> list[tuple[str, int, str | None]]:
    return rows(settings, "SELECT status, attempts, last_error FROM acknowledgment ORDER BY id")


def _mailer_lines(caplog, level: int = logging.WARNING) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "intake.mailer" and r.levelno >= level]


def _acks_problem(settings) -> str | None:
    """The review UI's ``acknowledgments`` problem, as a signed-in reviewer sees it (None: not shown)."""
    return next((text for kind, text in problems_shown(settings) if kind == "acknowledgments"), None)


def _wait(condition: Callable[[], Any], seconds: float, what: str) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what}")


class Clock:
    """The sender's clock, moved by the test: an hour of passes in a second."""

    def __init__(self) -> None:
        self.now = utcnow()

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def test_an_hour_long_outage_keeps_them_pending_with_backoff_then_each_is_delivered_once(
    dovecot, ack_settings, smtp, caplog
) -> None:
    originals = _questions(dovecot, 3)
    smtp.stop()
    settings = ack_settings(ack_retry_seconds=60, ack_max_attempts=8)
    clock = Clock()
    caplog.set_level(logging.DEBUG, logger="intake.mailer")
    with build_pipeline(settings) as pipeline:
        poll_pass(settings, pipeline)
        down = []
        for _ in range(61):  # a pass a minute for an hour, the server refusing connections throughout
            down.append(send_pending(pipeline.engine, settings, clock=clock))
            clock.advance(60)
        during = _outbox(settings)
        lines_down = _mailer_lines(caplog)
        # the UI reads the real clock: the rows were queued an hour ago on the sender's
        with pipeline.engine.begin() as connection:
            connection.execute(update(Acknowledgment).values(created_at=utcnow() - timedelta(hours=1)))
        shown_down = _acks_problem(settings)
        smtp.start()
        up = []
        for _ in range(10):  # the next ten minutes, the server back
            up.append(send_pending(pipeline.engine, settings, clock=clock))
            clock.advance(60)

    # tried at 0, 1, 3, 7, 15 and 31 minutes (60 s doubling), never given up: the next try is at 63 minutes
    assert [(status, attempts) for status, attempts, _ in during] == [("pending", 6)] * 3
    assert all("Connection refused" in (error or "") for *_, error in during), during
    assert sum(r.retried for r in down) == 18 and sum(r.failed + r.sent for r in down) == 0
    # one line per pass that tried, not per message; nothing else above INFO
    assert len(lines_down) == 6 and all(line.startswith(NOT_SENT) for line in lines_down), lines_down
    assert "3 waiting" in lines_down[0] and "retried with backoff" in lines_down[0]
    assert sum(r.sent for r in up) == 3 and [status for status, *_ in _outbox(settings)] == ["sent"] * 3
    assert _answered(smtp) == dict.fromkeys(originals, 1)
    assert shown_down and "3 waiting for over 30 minutes" in shown_down and "Connection refused" in shown_down
    assert _acks_problem(settings) is None  # delivered: nothing left to show


def test_a_server_that_answers_too_slowly_is_left_within_the_timeout_and_tried_again(
    dovecot, ack_settings, smtp, caplog
) -> None:
    """It accepts the connection but answers EHLO after 3 s: nothing was handed over, so it is safe to retry."""
    originals = _questions(dovecot, 2)
    smtp.handler.ehlo_delay = 3
    settings = ack_settings(smtp_timeout_seconds=0.5, ack_lease_seconds=5)
    with build_pipeline(settings) as pipeline:
        poll_pass(settings, pipeline)
        slow = send_pending(pipeline.engine, settings)
        after_slow = _outbox(settings)
        lines = _mailer_lines(caplog)
        smtp.handler.ehlo_delay = 0
        fast = send_pending(pipeline.engine, settings)
        again = send_pending(pipeline.engine, settings)
    assert (slow.sent, slow.retried, slow.uncertain) == (0, 2, 0)
    assert [(s, a) for s, a, _ in after_slow] == [("pending", 1)] * 2
    assert all("timed out" in (error or "") for *_, error in after_slow), after_slow
    assert len(lines) == 1 and lines[0].startswith(NOT_SENT) and "timed out" in lines[0], lines
    assert (fast.sent, again.sent) == (2, 0)
    assert _answered(smtp) == dict.fromkeys(originals, 1)


def test_an_answer_lost_after_the_message_was_handed_over_is_uncertain_and_never_sent_again(
    dovecot, ack_settings, smtp, caplog
) -> None:
    """The relay takes the message but answers after 2 s, past the 0.5 s timeout: it may be delivered (it is)."""
    originals = _questions(dovecot, 3)
    smtp.handler.delay = 2
    settings = ack_settings(smtp_timeout_seconds=0.5, ack_lease_seconds=5)
    with build_pipeline(settings) as pipeline:
        poll_pass(settings, pipeline)
        slow = send_pending(pipeline.engine, settings)
        lines = _mailer_lines(caplog)
        _wait(lambda: len(smtp.handler.deliveries) == 1, 20, "the slow relay to queue the first acknowledgment")
        smtp.handler.delay = 0
        later = [send_pending(pipeline.engine, settings) for _ in range(3)]
        [(reference,)] = rows(settings, "SELECT reference FROM acknowledgment WHERE status = 'uncertain'")
    assert (slow.sent, slow.uncertain, slow.retried) == (0, 1, 2)  # the others wait: the server is too slow
    assert [r.sent for r in later] == [2, 0, 0]
    statuses = Counter(status for status, *_ in _outbox(settings))
    assert statuses == {"sent": 2, "uncertain": 1}
    [error] = [error for status, _, error in _outbox(settings) if status == "uncertain"]
    assert "may have been delivered" in error and "check" in error
    assert len(lines) == 1 and lines[0].startswith(NOT_SENT) and reference in lines[0], lines
    assert _answered(smtp) == dict.fromkeys(originals, 1)  # the uncertain one reached the relay once, not twice
    shown = _acks_problem(settings)
    assert shown and "1 acknowledgment(s) failed or uncertain" in shown and "check an uncertain one" in shown


# -- through the running worker, with its metrics -------------------------------------------------------------


def _run(settings, log: Path) -> subprocess.Popen[bytes]:
    out = open(log, "ab")  # noqa: SIM115 - closed with the process
    return subprocess.Popen(
        [sys.executable, "-m", "service", "run"], cwd=REPO, env=intake_env(settings), stdout=out, stderr=out
    )


def _stop(worker: subprocess.Popen[bytes]) -> None:
    worker.send_signal(signal.SIGTERM)
    try:
        worker.wait(timeout=60)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()


def _acks_counted(port: int) -> dict[str, float]:
    """The worker's ``intake_worker_acknowledgments_total`` by result, scraped from its metrics port."""
    scraped = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10).read().decode()
    return {
        sample.labels["result"]: sample.value
        for family in text_string_to_metric_families(scraped)
        for sample in family.samples
        if sample.name == "intake_worker_acknowledgments_total"
    }


def _statuses(settings) -> Counter[str]:
    """The outbox's rows by status (none while the worker is still creating the database)."""
    try:
        return Counter(status for status, *_ in _outbox(settings))
    except SQLAlchemyError:
        return Counter()


def test_4xx_is_retried_and_delivered_once_5xx_is_failed_with_its_answer_through_the_running_worker(
    dovecot, ack_settings, smtp, tmp_path: Path
) -> None:
    originals = _questions(dovecot, 5)
    # the first pass meets every kind of answer, in this order; the next one finds the server well
    smtp.handler.replies = ["451 4.3.0 try again later", "550 5.1.1 mailbox unavailable",
                            "421 4.7.0 too busy, closing", "554 5.7.1 message refused"]  # fmt: skip
    port = free_port()
    settings = ack_settings(poll_seconds=1, parse_workers=1, imap_idle=False, metrics_port=port)
    log = tmp_path / "worker.log"
    worker = _run(settings, log)
    try:
        _wait(lambda: _statuses(settings) == {"sent": 3, "failed": 2}, 120, f"3 sent, 2 failed: {log.read_text()}")
        counted = _wait(lambda: (c := _acks_counted(port)).get("sent") == 3 and c, 20, "the sender's run counted")
        time.sleep(2)  # two more passes: nothing is sent again
    finally:
        _stop(worker)
    text = log.read_text()
    assert counted == {"sent": 3, "deferred": 2, "failed": 2}
    failed = {(attempts, error) for status, attempts, error in _outbox(settings) if status == "failed"}
    assert failed == {(1, "550 5.1.1 mailbox unavailable"), (1, "554 5.7.1 message refused")}
    assert sorted(a for status, a, _ in _outbox(settings) if status == "sent") == [1, 2, 2]  # the 4xx ones: retried
    answered = _answered(smtp)  # the three that met 451, 421 and 250, each once
    assert set(answered) < set(originals) and sorted(answered.values()) == [1, 1, 1]
    deferred = [line for line in text.splitlines() if "acknowledgments deferred: " in line]
    refused = [line for line in text.splitlines() if "acknowledgments failed: " in line]
    assert len(deferred) == 1 and "2 answered 421 4.7.0 too busy, closing (last)" in deferred[0], text
    assert len(refused) == 1 and "ERROR" in refused[0] and "2: 554 5.7.1 message refused (last)" in refused[0]
    assert NOT_SENT not in text and "Traceback" not in text
    shown = _acks_problem(settings)
    assert shown and "2 acknowledgment(s) failed or uncertain" in shown, shown


def test_smtp_down_past_the_attempts_fails_them_with_the_reason_one_line_a_pass_through_the_running_worker(
    dovecot, ack_settings, smtp, tmp_path: Path
) -> None:
    _questions(dovecot, 3)
    smtp.stop()
    port = free_port()
    settings = ack_settings(poll_seconds=1, parse_workers=1, imap_idle=False, metrics_port=port,
                            ack_retry_seconds=0.2, ack_max_attempts=3)  # fmt: skip
    log = tmp_path / "worker.log"
    worker = _run(settings, log)
    try:
        _wait(lambda: _statuses(settings) == {"failed": 3}, 120, f"3 failed: {log.read_text()}")
        counted = _wait(lambda: (c := _acks_counted(port)).get("failed") == 3 and c, 20, "the sender's run counted")
        smtp.start()
        time.sleep(2)  # two more passes with the server back: a failed row is not sent behind staff's back
    finally:
        _stop(worker)
    text = log.read_text()
    assert counted == {"deferred": 6, "failed": 3}
    for _, attempts, error in _outbox(settings):
        assert attempts == 3 and error.startswith("gave up after 3 attempts: ") and "Connection refused" in error
    assert smtp.handler.deliveries == []
    lines = [line for line in text.splitlines() if "intake.mailer" in line and ("ERROR" in line or "WARN" in line)]
    assert len(lines) == 3 and all(NOT_SENT in line and "ERROR" in line for line in lines), lines
    assert "3 out of attempts marked failed" in lines[-1] and "outbox --status failed" in lines[-1]
    assert "Traceback" not in text
    shown = _acks_problem(settings)
    assert shown and "3 acknowledgment(s) failed or uncertain" in shown and "gave up after 3 attempts" in shown
