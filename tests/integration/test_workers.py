"""Several workers on one mailbox and one PostgreSQL database: one polls at a time, no double work.

Real servers: Dovecot, an SMTP server, PostgreSQL (whatever ``TEST_DATABASE`` says: several workers need it).
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.conftest import REPO, intake_env, postgres_server
from tests.integration.test_acknowledgments import asking
from tests.support.db import count_or_zero, rows
from tests.support.smtp import SmtpServer

pytestmark = [pytest.mark.integration, pytest.mark.slow]
TOTAL = 1000


def _start(env: dict[str, str], log: Path | None = None) -> subprocess.Popen[bytes]:
    """A worker; its log to a file (a pipe nobody reads would block it once full)."""
    out = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115 - closed with the process
    return subprocess.Popen([sys.executable, "-m", "service", "run"], cwd=REPO, env=env, stdout=out, stderr=out)


def _holder(url: str) -> tuple[str, datetime | None] | None:
    """Who holds the lease and when it last polled (None: nobody yet, or the workers still migrating)."""
    if count_or_zero(url, "poll_lease") == 0:
        return None
    found = rows(url, "SELECT holder, last_poll_at FROM poll_lease")
    return (found[0][0], found[0][1]) if found else None


def _wait(condition, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what}")


def test_three_workers_one_leader_killed_twice_every_message_once_every_ack_once(
    dovecot, make_settings, tmp_path: Path
) -> None:
    smtp = SmtpServer().start()
    url = postgres_server().create_database("workers")
    settings = make_settings(
        database_url=url,
        imap_host=dovecot.host,
        imap_port=dovecot.port,
        imap_user=dovecot.user,
        imap_password=dovecot.password,
        imap_security="none",
        imap_batch_size=50,
        parse_workers=1,
        poll_seconds=1,
        lease_seconds=6,
        ack_mode="send",
        smtp_host=smtp.host,
        smtp_port=smtp.port,
        smtp_security="none",
        ack_from="frontier.tech@wipo.int",
        ack_retry_seconds=0,
        ack_per_sender_hours=0,
        ack_hourly_cap=5000,
        smtp_timeout_seconds=0.5,
        ack_lease_seconds=5,
    )
    env = intake_env(settings)
    workers = [_start(env, tmp_path / f"worker-{i}.log") for i in range(3)]
    arrived = datetime(2025, 10, 1, 8, 0, tzinfo=UTC)
    mails = [
        (
            asking(n, f"Could you please confirm item {n} of the programme for the session?"),
            arrived + timedelta(minutes=n),
        )
        for n in range(1, TOTAL + 1)
    ]
    takeovers: list[float] = []
    try:
        for chunk in range(0, 400, 100):  # mail keeps arriving while the workers run
            dovecot.append_many(mails[chunk : chunk + 100])
            time.sleep(0.5)
        for _ in range(2):  # kill whoever polls, mid-backlog, and time how long the mailbox goes unpolled
            holder, _ = _wait(lambda: _holder(url), 60, "a worker to take the lease")
            pid = int(holder.split(":")[-2])
            leader = next(w for w in workers if w.pid == pid)
            _wait(lambda: count_or_zero(url, "message") > 0, 120, "the leader to store something")
            leader.send_signal(signal.SIGKILL)
            leader.wait(timeout=30)
            killed = time.monotonic()
            _wait(lambda h=holder: (found := _holder(url)) and found[0] != h, 60, "another worker to take over")
            takeovers.append(time.monotonic() - killed)
            dovecot.append_many(mails[400 + 300 * len(takeovers) - 300 : 400 + 300 * len(takeovers)])
        _wait(lambda: count_or_zero(url, "message") == TOTAL, 600, f"all {TOTAL} messages to be stored")
        _wait(
            lambda: not rows(url, "SELECT 1 FROM acknowledgment WHERE status IN ('pending', 'sending') LIMIT 1"),
            600,
            "the outbox to drain",
        )
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.send_signal(signal.SIGTERM)
        for worker in workers:
            try:
                worker.wait(timeout=60)
            except subprocess.TimeoutExpired:
                worker.kill()
        smtp.stop()

    stored = rows(url, "SELECT count(*), count(DISTINCT message_id) FROM message")[0]
    locations = rows(url, "SELECT count(*), count(DISTINCT uid) FROM message_location")[0]
    statuses = Counter(dict(rows(url, "SELECT status, count(*) FROM acknowledgment GROUP BY status")))
    delivered = Counter(d.message["In-Reply-To"] for d in smtp.handler.deliveries)
    print(
        f"\nmessages expected {TOTAL} / stored {stored[0]} (distinct {stored[1]}); acknowledgments due {TOTAL} / "
        f"sent {statuses['sent']} / delivered twice {sum(n > 1 for n in delivered.values())} / "
        f"uncertain {statuses['uncertain']}; take-over after killing the leader: "
        + ", ".join(f"{t:.1f} s" for t in takeovers)
        + f" (lease {settings.lease_seconds} s)"
    )
    assert stored == (TOTAL, TOTAL) and locations == (TOTAL, TOTAL)
    assert all(n == 1 for n in delivered.values()), "an acknowledgment was delivered twice"
    assert statuses["sent"] == len(smtp.handler.deliveries)
    assert statuses["sent"] + statuses["uncertain"] == TOTAL and statuses["uncertain"] <= 2
    assert all(t < settings.lease_seconds + settings.lease_seconds / 3 + 5 for t in takeovers)


def test_a_second_worker_on_sqlite_is_refused_with_the_reason(make_settings, tmp_path) -> None:
    settings = make_settings(database_url=f"sqlite:///{tmp_path / 'one.db'}", poll_seconds=60)
    env = intake_env(settings)
    first = _start(env, tmp_path / "first.log")
    try:
        time.sleep(3)
        second = subprocess.run(
            [sys.executable, "-m", "service", "run"], cwd=REPO, env=env, capture_output=True, text=True, timeout=60
        )
        assert second.returncode != 0 and "several workers need PostgreSQL" in second.stderr, second.stderr
        assert first.poll() is None
    finally:
        first.send_signal(signal.SIGTERM)
        first.wait(timeout=60)
