"""Push: the real worker idles on a real Dovecot and stores and answers new mail within seconds, not at the poll."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.conftest import REPO, intake_env
from tests.integration.test_acknowledgments import asking
from tests.support.db import count_or_zero, rows
from tests.support.smtp import free_port

pytestmark = pytest.mark.integration


def _wait(condition, seconds: float) -> float | None:
    """Seconds until ``condition()`` held, or None when it did not within ``seconds``."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if condition():
            return time.monotonic() - started
        time.sleep(0.05)
    return None


def _worker(settings, log: Path) -> subprocess.Popen[bytes]:
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


def test_new_mail_is_stored_and_acknowledged_in_seconds_though_the_poll_is_an_hour_away(
    dovecot,
    ack_settings,
    smtp,
    tmp_path: Path,
) -> None:
    port = free_port()
    settings = ack_settings(poll_seconds=3600, imap_idle_renew_seconds=10, parse_workers=2, metrics_port=port)
    url = settings.effective_database_url
    worker = _worker(settings, tmp_path / "worker.log")
    try:
        started = _wait(lambda: "waiting for new mail" in (tmp_path / "worker.log").read_text(), 120)
        assert started is not None, (tmp_path / "worker.log").read_text()[-2000:]
        dovecot.append(asking(1, "Could you please confirm the room of the opening session?"))
        stored = _wait(lambda: count_or_zero(url, "message") == 1, 20)
        acked = _wait(lambda: len(smtp.handler.deliveries) == 1, 20)
        time.sleep(12)  # past the renewal time: the watcher has re-issued IDLE and still hears new mail
        dovecot.append(asking(2, "Could you please confirm the room of the closing session?"))
        stored_again = _wait(lambda: count_or_zero(url, "message") == 2, 20)
        acked_again = _wait(lambda: len(smtp.handler.deliveries) == 2, 20)
        time.sleep(0.5)  # the sender's run is counted once it returns
        scraped = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10).read().decode()
    finally:
        _stop(worker)
    log = (tmp_path / "worker.log").read_text()
    print(f"\npushed: stored after {stored} s, acknowledged after {acked} s; after a renewal {stored_again} s")
    assert stored is not None and acked is not None, log[-3000:]
    assert stored_again is not None and acked_again is not None, log[-3000:]
    assert stored < 10 and stored_again < 10  # the poll was an hour away: IDLE found them
    assert rows(url, "SELECT count(*) FROM acknowledgment WHERE status = 'sent'") == [(2,)]
    assert "Traceback" not in log
    figures = {
        sample.name + str(sorted(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(scraped)
        for sample in family.samples
    }
    assert figures["intake_worker_messages_stored_total[]"] == 2  # the worker's own counts, served by itself
    assert figures["intake_worker_messages_fetched_total[]"] == 2
    assert figures["intake_worker_idle_wakeups_total[]"] >= 1  # the first may meet the catch-up poll
    assert figures["intake_worker_leader[]"] == 1
    assert figures["intake_worker_arrival_to_stored_seconds_count[]"] == 2
    assert figures["intake_worker_arrival_to_stored_seconds_bucket[('le', '10.0')]"] == 2
    assert figures["intake_worker_acknowledgments_total[('result', 'sent')]"] == 2
    assert figures["intake_worker_poll_duration_seconds_count[]"] >= 3
    assert "process_resident_memory_bytes[]" in figures


def test_without_idle_new_mail_waits_for_the_poll(dovecot, ack_settings, smtp, tmp_path: Path) -> None:
    settings = ack_settings(poll_seconds=3600, imap_idle=False, parse_workers=1)
    url = settings.effective_database_url
    worker = _worker(settings, tmp_path / "worker.log")
    try:
        polled = _wait(lambda: "pass done" in (tmp_path / "worker.log").read_text(), 120)
        assert polled is not None, (tmp_path / "worker.log").read_text()[-2000:]
        dovecot.append(asking(3, "Could you please confirm the room of the opening session?"))
        stored = _wait(lambda: count_or_zero(url, "message") == 1, 8)
    finally:
        _stop(worker)
    assert stored is None  # the control: what the first test measures is the push, not a poll
    assert "waiting for new mail" not in (tmp_path / "worker.log").read_text()
