"""IMAP faults against the real Dovecot and the real worker (``frontier-intake run`` as a subprocess): the server
stopped mid-poll and started again, the connection reset mid-batch, a wrong password, the folder deleted.

After each: every message stored exactly once, the worker still running, and the failure told in one log line
(no traceback), in the worker's metrics and on the review UI's pages.
"""

from __future__ import annotations

import random
import re
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families

from service.errors import MissingFolderError
from service.faults import describe
from service.worker import build_pipeline, poll_pass
from tests.conftest import REPO, intake_env
from tests.support.db import count_or_zero, rows
from tests.support.messages import make_message
from tests.support.proxy import TcpProxy
from tests.support.smtp import free_port
from tests.support.ui import problems_shown

pytestmark = [pytest.mark.integration, pytest.mark.slow]
TOTAL = 300
BATCH = 25
POLL_FAILED = re.compile(r"ERROR\s+intake\.worker: poll failed: (.*)")


@pytest.fixture(scope="module")
def backlog() -> list[bytes]:
    rng = random.Random(13)
    return [make_message(i, size_pad=rng.choice([0, 2_000, 8_000, 30_000])) for i in range(TOTAL)]


class Worker:
    """``frontier-intake run`` with these settings, its log in a file, its metrics on a port of its own."""

    def __init__(self, settings, log: Path, metrics_port: int) -> None:
        self.settings, self.log, self.metrics_port = settings, log, metrics_port
        out = open(log, "ab")  # noqa: SIM115 - closed with the process
        self.process = subprocess.Popen(
            [sys.executable, "-m", "service", "run"], cwd=REPO, env=intake_env(settings), stdout=out, stderr=out
        )

    def text(self) -> str:
        return self.log.read_text(errors="replace")

    def failures(self) -> list[str]:
        """The text of each ``poll failed`` line."""
        return POLL_FAILED.findall(self.text())

    def wait(self, condition: Callable[[], Any], seconds: float, what: str) -> Any:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if value := condition():
                return value
            if self.process.poll() is not None:
                pytest.fail(f"the worker exited ({self.process.returncode}) waiting for {what}:\n{self.text()[-3000:]}")
            time.sleep(0.1)
        pytest.fail(f"timed out waiting for {what}:\n{self.text()[-3000:]}")

    def stored(self) -> int:
        return count_or_zero(self.settings, "message")

    def metrics(self) -> dict[str, float]:
        """The worker's own figures, ``name[(label, value), …]`` → value."""
        scraped = urllib.request.urlopen(f"http://127.0.0.1:{self.metrics_port}/metrics", timeout=10).read()
        return {
            sample.name + str(sorted(sample.labels.items())): sample.value
            for family in text_string_to_metric_families(scraped.decode())
            for sample in family.samples
        }

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


@pytest.fixture
def start_worker(tmp_path: Path):
    started: list[Worker] = []

    def start(settings_of: Callable[..., Any], **overrides: Any) -> Worker:
        port = free_port()
        values = {"poll_seconds": 1, "parse_workers": 2, "imap_batch_size": BATCH, "metrics_port": port}
        settings = settings_of(**{**values, **overrides})
        worker = Worker(settings, tmp_path / f"worker-{len(started)}.log", port)
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()


def failure_count(figures: dict[str, float], kind: str) -> float:
    return figures.get(f"intake_worker_poll_failures_total[('kind', '{kind}')]", 0)


def assert_stored_once(settings, expected: int, locations: int | None = None) -> None:
    """``expected`` messages, each once (distinct bytes and Message-IDs), and ``locations`` IMAP locations (one
    per message by default), none twice."""
    count, distinct_ids, distinct_sha = rows(
        settings, "SELECT count(*), count(DISTINCT message_id), count(DISTINCT sha256) FROM message"
    )[0]
    assert (count, distinct_ids, distinct_sha) == (expected, expected, expected)
    located = rows(settings, "SELECT count(*) FROM message_location")[0][0]
    distinct = rows(settings, "SELECT count(*) FROM (SELECT DISTINCT uidvalidity, uid FROM message_location) AS d")
    assert located == distinct[0][0] == (locations or expected)


def assert_one_line_each(worker: Worker) -> None:
    """No traceback anywhere; every error of the worker is one line of its log with the logger's prefix."""
    text = worker.text()
    assert "Traceback" not in text, text[-3000:]
    for line in text.splitlines():
        assert re.match(r"\d\d:\d\d:\d\d (DEBUG|INFO|WARNING|ERROR|CRITICAL) ", line), f"not a log line: {line!r}"


def test_dovecot_stopped_mid_poll_and_started_again_the_worker_recovers_by_itself(
    dovecot, imap_settings, start_worker, backlog
) -> None:
    dovecot.append_many([(raw, None) for raw in backlog])
    worker = start_worker(imap_settings)
    worker.wait(lambda: worker.stored() >= BATCH, 120, "the first batch to be stored")
    dovecot.stop()  # the master and its imap processes: the worker's connections end mid-poll
    worker.wait(worker.failures, 60, "a failed poll")
    cut_at = worker.stored()
    down = problems_shown(worker.settings)
    time.sleep(2)  # a few more polls fail while the server is away
    dovecot.start()  # same port, same mail
    worker.wait(lambda: worker.stored() == TOTAL, 180, f"all {TOTAL} messages to be stored")
    worker.wait(lambda: "polling works again" in worker.text(), 30, "the worker to say polling works again")
    figures = worker.metrics()
    up = problems_shown(worker.settings)
    assert worker.process.poll() is None  # recovered by itself: never exited

    assert cut_at < TOTAL  # the server went away in the middle of the backlog
    assert_stored_once(worker.settings, TOTAL)
    assert rows(worker.settings, "SELECT last_uid FROM mailbox_state") == [(max(dovecot.uids()),)]
    failures = worker.failures()
    assert failures and all(f.startswith(f"IMAP {dovecot.host}:{dovecot.port} failed") for f in failures), failures
    assert all("check INTAKE_IMAP_HOST/PORT" in f for f in failures)
    assert failure_count(figures, "imap_connection") == len(failures)  # one line per failure, each counted
    assert [kind for kind, _ in down] == ["imap_connection"] and [k for k, _ in up if k.startswith("imap")] == []
    assert_one_line_each(worker)


@pytest.mark.parametrize("fault", ["reset", "cut_mid_fetch"])
def test_connection_reset_mid_batch_the_pass_resumes_from_the_committed_position(
    dovecot, imap_settings, start_worker, backlog, fault: str
) -> None:
    dovecot.append_many([(raw, None) for raw in backlog])
    with TcpProxy(dovecot.host, dovecot.port) as proxy:
        worker = start_worker(imap_settings, imap_port=proxy.port)
        committed = 4 * BATCH
        worker.wait(lambda: worker.stored() >= committed, 120, f"{committed} messages to be stored")
        if fault == "reset":
            assert proxy.reset() >= 1
        else:  # inside the next FETCH response: its literals are nearly all the bytes that flow
            proxy.cut_after(3 * 8_000)
            worker.wait(lambda: proxy.resets, 60, "the cut")
        cut_at = worker.stored()
        worker.wait(lambda: worker.stored() == TOTAL, 180, f"all {TOTAL} messages to be stored")
        worker.wait(lambda: "pass done" in worker.text(), 30, "the pass to end")
        figures = worker.metrics()
        shown = problems_shown(worker.settings)
        assert worker.process.poll() is None
        worker.stop()  # before the proxy goes

    assert committed <= cut_at < TOTAL
    assert_stored_once(worker.settings, TOTAL)
    text = worker.text()
    assert "IMAP connection failed; retrying" in text  # the pass's own connection was the one cut …
    assert "Connection reset by peer" in text or "Broken pipe" in text
    assert worker.failures() == [] and [k for k, _ in shown if k.startswith("imap")] == []  # the pass went on
    assert figures["intake_worker_imap_errors_total[('kind', 'connection')]"] >= 1
    # … and it went on from the committed position, not from UID 1: at most the batch being fetched and the
    # one parsed beside it were fetched twice (from UID 1 it would be at least `committed` more)
    fetched = figures["intake_worker_messages_fetched_total[]"]
    assert TOTAL <= fetched <= TOTAL + 2 * BATCH < TOTAL + committed
    assert figures["intake_worker_messages_stored_total[]"] == TOTAL
    assert_one_line_each(worker)


def test_wrong_password_one_clear_line_per_attempt_backoff_no_crash_loop(dovecot, imap_settings, start_worker) -> None:
    worker = start_worker(imap_settings, imap_password="wrong-password", imap_connect_attempts=5)
    worker.wait(worker.failures, 120, "the first failed poll")
    before = dovecot.log_path.read_text().count("auth failed")
    time.sleep(12)  # a window of twelve poll intervals
    figures = worker.metrics()
    every = dovecot.log_path.read_text().count("auth failed")
    attempts = every - before
    shown = problems_shown(worker.settings)
    assert worker.process.poll() is None  # no crash loop, no exit

    # backoff: polls again at +1, +3, +7 s (1 s × 2^(failures−1)), and the IDLE watcher waits a minute: not
    # twelve times (the first poll's and IDLE's first attempts may be logged by Dovecot just after `before`)
    assert 2 <= attempts <= 5, attempts
    failures = worker.failures()
    errors = [line for line in worker.text().splitlines() if " ERROR " in line]
    assert 1 <= len(errors) <= every  # at most one line per attempt
    assert all("login" in f and "refused" in f and "INTAKE_IMAP_PASSWORD" in f for f in failures), failures
    assert all("Authentication failed" in f and "b'" not in f for f in failures)  # the server's words, as text
    assert "wrong-password" not in worker.text()  # the secret is never logged
    assert failure_count(figures, "imap_login") == len(failures)
    assert [kind for kind, _ in shown] == ["imap_login"]
    assert rows(worker.settings, "SELECT count(*) FROM message") == [(0,)]
    assert_one_line_each(worker)


def test_a_missing_folder_is_one_distinct_error_and_not_retried(dovecot, imap_settings) -> None:
    settings = imap_settings(imap_folder="Submissions", imap_connect_attempts=5)
    logins = dovecot.log_path.read_text().count("Login: user=")
    with build_pipeline(settings) as pipeline, pytest.raises(MissingFolderError) as info:
        poll_pass(settings, pipeline)
    assert dovecot.log_path.read_text().count("Login: user=") == logins + 1  # one attempt, not five
    fault = describe(info.value)
    assert fault.kind == "imap_folder" and fault.backs_off
    assert "'Submissions' does not exist" in fault.line() and "INTAKE_IMAP_FOLDER" in fault.line()


def test_folder_deleted_then_recreated_with_new_mail_the_next_poll_stores_only_that(
    dovecot, imap_settings, start_worker
) -> None:
    dovecot.create_folder("Submissions")
    first = [make_message(i) for i in range(5)]
    dovecot.append_many([(raw, None) for raw in first], folder="Submissions")
    worker = start_worker(imap_settings, imap_folder="Submissions")
    worker.wait(lambda: worker.stored() == 5, 120, "the folder's five messages")
    old = dovecot.uidvalidity("Submissions")

    dovecot.delete_folder("Submissions")
    worker.wait(lambda: len(worker.failures()) >= 2, 60, "two failed polls")  # it tries again, backing off
    shown = problems_shown(worker.settings)
    dovecot.create_folder("Submissions")
    dovecot.append_many([(raw, None) for raw in [*first, make_message(100), make_message(101)]], folder="Submissions")
    assert dovecot.uidvalidity("Submissions") != old
    worker.wait(lambda: worker.stored() == 7, 120, "the two new messages")
    worker.wait(lambda: "polling works again" in worker.text(), 30, "the worker to say polling works again")
    figures = worker.metrics()
    after = problems_shown(worker.settings)
    assert worker.process.poll() is None

    assert_stored_once(worker.settings, 7, locations=5 + 7)  # the new UIDs point at the old rows
    assert rows(worker.settings, "SELECT count(*) FROM audit_event WHERE action = 'uidvalidity_changed'") == [(1,)]
    failures = worker.failures()
    assert all("IMAP folder 'Submissions' does not exist" in f and "INTAKE_IMAP_FOLDER" in f for f in failures)
    assert "retrying" not in worker.text()  # the missing folder is not taken for a broken connection
    assert failure_count(figures, "imap_folder") == len(failures)
    assert [kind for kind, _ in shown] == ["imap_folder"] and "Submissions" in shown[0][1]
    assert [kind for kind, _ in after if kind.startswith("imap")] == []
    assert_one_line_each(worker)
