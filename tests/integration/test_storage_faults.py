"""Storage faults against the real servers: the SQLite database locked by another process, the disk under the data
folder full (a small tmpfs), PostgreSQL restarted under a running worker and the review UI.

After each: no message lost, none doubled, nothing half-stored (a message is in the database with its whole blob,
or not yet marked seen), the failure one log line saying what happened and what to do, counted in the worker's
metrics; the pass after the fault stores the rest exactly once.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from pydantic import SecretStr
from sqlalchemy.engine import make_url
from sqlmodel import Session

from config.events import load_events
from config.settings import Settings
from service.archive import Archive, sha256_hex
from service.db import open_database
from service.models import User
from service.web.app import create_app
from service.web.security import hash_password
from tests.conftest import IN_CI, REPO, TEST_DATABASE, cli, intake_env, postgres_server
from tests.support.db import count_or_zero, rows
from tests.support.messages import make_message
from tests.support.ui import problems_shown

pytestmark = [pytest.mark.integration, pytest.mark.slow]
BUSY_SECONDS = 1.0  # the service's SQLite busy timeout in these tests: a lock held longer fails the pass
ONLY_SQLITE = pytest.mark.skipif(
    TEST_DATABASE != "sqlite", reason="SQLite's write lock: PostgreSQL has no database-wide lock another process holds"
)
ONLY_POSTGRESQL = pytest.mark.skipif(
    TEST_DATABASE != "postgresql", reason="a PostgreSQL restart needs PostgreSQL (TEST_DATABASE=postgresql)"
)


# --- helpers -------------------------------------------------------------------------------------------------------


def _wait(condition: Callable[[], object], seconds: float, what: str) -> object:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(0.05)
    pytest.fail(f"timed out after {seconds:.0f} s waiting for {what}")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _backlog(dovecot, total: int, pad: int = 0) -> None:
    dovecot.append_many([(make_message(n, size_pad=pad), None) for n in range(1, total + 1)])


def _stored(settings: Settings) -> int:
    return count_or_zero(settings, "message")


def _nothing_half_stored(settings: Settings, dovecot) -> int:
    """Every stored message has its whole blob and its location, and the mailbox position passes no message that
    is not stored (what is past it is fetched again). Returns how many are stored."""
    stored = rows(settings, "SELECT sha256 FROM message")
    archive = Archive(settings.archive_dir)
    assert all(sha256_hex(archive.get(digest)) == digest for (digest,) in stored)
    uids = {uid for (uid,) in rows(settings, "SELECT uid FROM message_location")}
    state = rows(settings, "SELECT last_uid FROM mailbox_state")
    last_uid = state[0][0] if state else 0
    assert uids == {uid for uid in dovecot.uids("INBOX") if uid <= last_uid} and len(uids) == len(stored)
    assert not list(settings.archive_dir.rglob(".tmp-*"))  # no temporary file left behind by a failed write
    return len(stored)


def _exactly_once(settings: Settings, dovecot, total: int) -> None:
    assert rows(settings, "SELECT count(*), count(DISTINCT sha256), count(DISTINCT message_id) FROM message") == [
        (total, total, total)
    ]
    uids = [uid for (uid,) in rows(settings, "SELECT uid FROM message_location")]
    assert sorted(uids) == dovecot.uids("INBOX")
    assert rows(settings, "SELECT last_uid FROM mailbox_state") == [(max(uids),)]
    _nothing_half_stored(settings, dovecot)


def _poll_once(settings: Settings) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "service", "poll", "--once"],
        cwd=REPO,
        env=intake_env(settings),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


@contextlib.contextmanager
def _worker(settings: Settings, log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """``frontier-intake run`` with its log in a file; asked to stop (SIGTERM) at the end, which must end it."""
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "service", "run"], cwd=REPO, env=intake_env(settings), stdout=out, stderr=out
        )
    try:
        yield proc
        assert proc.poll() is None, "the worker exited:\n" + log.read_text()[-3000:]
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, log.read_text()[-3000:]


def _log(path: Path) -> list[dict]:
    """The worker's log: every line is one JSON object (a traceback or a stray print would not be)."""
    lines = [line for line in path.read_text(errors="replace").splitlines() if line.strip()]
    bad = [line for line in lines if not line.startswith("{")]
    assert not bad, "lines that are not log entries:\n" + "\n".join(bad[:20])
    return [json.loads(line) for line in lines]


def _poll_failures(path: Path, kind: str | None = None) -> list[dict]:
    found = [e for e in _log(path) if e["logger"] == "intake.worker" and e["msg"].startswith("poll failed: ")]
    for entry in found:
        assert entry["level"] == "error" and "exc" not in entry and "\n" not in entry["msg"], entry
    return [e for e in found if kind is None or e["kind"] == kind]


def _metric(port: int, kind: str) -> float:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as response:
        text = response.read().decode()
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == "intake_worker_poll_failures_total" and sample.labels.get("kind") == kind:
                return sample.value
    return 0.0


def _one_error_line(stderr: str) -> str:
    """``poll --once``'s failure: exactly one ``error:`` line, no traceback."""
    assert "Traceback" not in stderr, stderr[-3000:]
    errors = [line for line in stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1, stderr[-3000:]
    return errors[0]


def _worker_settings(imap_settings, **overrides) -> Settings:
    values = {
        "poll_seconds": 1,
        "lease_seconds": 3,
        "imap_batch_size": 10,
        "imap_idle": False,
        "log_format": "json",
        "database_busy_seconds": BUSY_SECONDS,
        "metrics_port": _free_port(),
    }
    values.update(overrides)
    return imap_settings(**values)


# --- the database locked (SQLite) ----------------------------------------------------------------------------------


@contextlib.contextmanager
def _exclusive_lock(settings: Settings) -> Iterator[None]:
    """Another process's write transaction on the SQLite database (taken between two of the service's, held)."""
    path = make_url(settings.effective_database_url).database
    other = sqlite3.connect(path, timeout=30, isolation_level=None)
    try:
        other.execute("BEGIN EXCLUSIVE")
        yield
    finally:
        with contextlib.suppress(sqlite3.Error):
            other.execute("ROLLBACK")
        other.close()


@ONLY_SQLITE
def test_a_locked_database_fails_poll_once_in_one_line_and_the_next_pass_stores_everything_once(
    dovecot, imap_settings
) -> None:
    total = 300
    _backlog(dovecot, total)
    settings = imap_settings(imap_batch_size=10, database_busy_seconds=BUSY_SECONDS)
    proc = _poll_once(settings)
    try:
        _wait(lambda: _stored(settings) >= 10 or proc.poll() is not None, 120, "the first batches to be stored")
        with _exclusive_lock(settings):
            held_from = _stored(settings)
            _, stderr = proc.communicate(timeout=120)  # the lock is held until the pass has given up
            assert proc.returncode == 1, stderr[-3000:]
            assert _stored(settings) == held_from  # nothing was stored while it was held
    finally:
        if proc.poll() is None:
            proc.kill()
    line = _one_error_line(stderr)
    assert line.startswith("error: database locked: another process held ") and line.count("locked") == 2
    assert "another process holds a write lock" in line  # what to do, on the same line
    assert 0 < _nothing_half_stored(settings, dovecot) < total

    again = cli("poll", "--once", env=intake_env(settings))
    assert again.returncode == 0, again.stderr[-3000:]
    _exactly_once(settings, dovecot, total)


@ONLY_SQLITE
def test_the_worker_outlasts_a_locked_database_and_stores_everything_once(dovecot, imap_settings, tmp_path) -> None:
    total = 300
    settings = _worker_settings(imap_settings)
    log = tmp_path / "worker.log"
    with _worker(settings, log):
        _wait(lambda: count_or_zero(settings, "poll_lease"), 120, "the worker to start")
        _backlog(dovecot, total)
        _wait(lambda: _stored(settings) >= 10, 120, "the first batches to be stored")
        with _exclusive_lock(settings):
            _wait(lambda: _poll_failures(log, "database_locked"), 60, "a pass to fail on the lock")
            assert _stored(settings) < total
        _wait(lambda: _stored(settings) == total, 120, f"all {total} messages after the lock is released")
        _wait(lambda: [e for e in _log(log) if e["msg"] == "polling works again"], 30, "the worker to say so")
        assert _metric(settings.metrics_port, "database_locked") >= 1
    failures = _poll_failures(log)
    assert failures and {e["kind"] for e in failures} == {"database_locked"}
    assert all("another process holds a write lock" in e["msg"] for e in failures)
    _exactly_once(settings, dovecot, total)
    assert problems_shown(settings) == []  # over: nothing left on the pages


# --- the disk full -------------------------------------------------------------------------------------------------


@contextlib.contextmanager
def _small_disk(folder: Path, size: str = "8m") -> Iterator[Path]:
    """A tmpfs of ``size`` mounted at ``folder`` (as root); unmounted at the end, whatever happened."""
    folder.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], capture_output=True)
    if mounted.returncode != 0:
        reason = f"cannot mount a tmpfs (root needed): {mounted.stderr.decode(errors='replace').strip()}"
        if IN_CI:
            pytest.fail(reason)
        pytest.skip(reason)
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def _fill(folder: Path, leave: int) -> Path:
    """Fill the file system of ``folder`` up to ``leave`` bytes free; the filler file (remove it to free space)."""
    filler = folder / "filler"
    fs = os.statvfs(folder)
    with open(filler, "wb") as out:
        out.write(b"\0" * max(0, fs.f_bavail * fs.f_frsize - leave))
    return filler


def test_a_full_disk_under_the_worker_is_one_line_a_metric_and_a_problem_then_the_rest_is_stored_once(
    dovecot, imap_settings, tmp_path
) -> None:
    total, pad = 150, 10_000  # the whole backlog, stored, needs about half of the disk
    data = tmp_path / "data"
    with _small_disk(data, "16m"):
        settings = _worker_settings(imap_settings, data_dir=data)
        assert cli("db", "upgrade", env=intake_env(settings)).returncode == 0
        filler = _fill(data, leave=1_500_000)
        _backlog(dovecot, total, pad)
        log = tmp_path / "worker.log"
        with _worker(settings, log):
            _wait(lambda: _poll_failures(log, "disk_full"), 120, "a pass to fail on the full disk")
            failure = _poll_failures(log, "disk_full")[0]["msg"]
            assert re.match(rf"poll failed: disk full at {re.escape(str(data))}\S*; free space [\d.]+ \w+ of ", failure)
            assert failure.endswith("nothing is lost: what was not stored is fetched again next pass")
            assert _metric(settings.metrics_port, "disk_full") >= 1
            assert 0 < _nothing_half_stored(settings, dovecot) < total
            if TEST_DATABASE == "postgresql":  # the database is elsewhere: the fault is recorded and shown; on
                # SQLite it is on the full disk too, and the log and the metric are what says it
                assert [kind for kind, _ in problems_shown(settings)] == ["disk_full"]
            filler.unlink()
            _wait(lambda: _stored(settings) == total, 120, f"all {total} messages once space is free")
            _wait(lambda: [e for e in _log(log) if e["msg"] == "polling works again"], 30, "the worker to say so")
        _exactly_once(settings, dovecot, total)
        assert problems_shown(settings) == []


@pytest.mark.parametrize(
    "full",
    [
        "archive",
        pytest.param("database", marks=pytest.mark.skipif(TEST_DATABASE != "sqlite", reason="a SQLite file's disk")),
    ],
)
def test_a_full_disk_fails_poll_once_in_one_line_and_the_next_pass_stores_the_rest_once(
    dovecot, imap_settings, tmp_path, full: str
) -> None:
    """Only the archive's disk full (both databases), or only the SQLite database's: each write's own ENOSPC."""
    total, pad = 150, 10_000  # the whole backlog, stored, needs less than half of the disk
    disk = tmp_path / "data" / "archive" if full == "archive" else tmp_path / "db-disk"
    with _small_disk(disk, "16m"):
        url = {"database_url": f"sqlite:///{disk / 'intake.db'}"} if full == "database" else {}
        settings = imap_settings(imap_batch_size=10, data_dir=tmp_path / "data", **url)
        assert cli("db", "upgrade", env=intake_env(settings)).returncode == 0
        filler = _fill(disk, leave=800_000)
        _backlog(dovecot, total, pad)
        failed = cli("poll", "--once", env=intake_env(settings))
        assert failed.returncode == 1, failed.stderr[-3000:]
        line = _one_error_line(failed.stderr)
        assert re.match(rf"error: disk full at {re.escape(str(disk))}; free space [\d.]+ \w+ of 16\.0 MiB: ", line)
        doing = "write archive blob " if full == "archive" else "write to the database (database or disk is full)"
        assert f"cannot {doing}" in line and line.endswith("what was not stored is fetched again next pass")
        assert 0 < _nothing_half_stored(settings, dovecot) < total
        filler.unlink()
        again = cli("poll", "--once", env=intake_env(settings))
        assert again.returncode == 0, again.stderr[-3000:]
        _exactly_once(settings, dovecot, total)


# --- PostgreSQL restarted --------------------------------------------------------------------------------------------


def _signed_in(settings: Settings, engine) -> TestClient:
    """The review UI in this process on ``engine`` (its pool lives across the restart), a reviewer signed in."""
    password = secrets.token_urlsafe(12)
    with Session(engine) as session:
        session.add(User(name="ana", password_hash=hash_password(password), role="reviewer"))
        session.commit()
    web = settings.model_copy(update={"web_secret": SecretStr(secrets.token_hex(32)), "web_secure_cookies": False})
    client = TestClient(
        create_app(web, engine, Archive(settings.archive_dir), load_events(settings.config)),
        base_url="http://testserver",
        raise_server_exceptions=False,
    )
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text).group(1)
    client.post("/login", data={"name": "ana", "password": password, "csrf_token": token}).raise_for_status()
    return client


@ONLY_POSTGRESQL
def test_a_postgresql_restart_under_the_worker_and_the_review_ui_loses_and_doubles_nothing(
    dovecot, imap_settings, tmp_path
) -> None:
    total = 300
    server = postgres_server()
    neighbour = server.create_database("neighbour")  # another database of the shared cluster
    server.sql("CREATE TABLE kept (n int); INSERT INTO kept VALUES (42)", database=make_url(neighbour).database)
    settings = _worker_settings(imap_settings)
    log = tmp_path / "worker.log"
    with _worker(settings, log):
        _wait(lambda: count_or_zero(settings, "poll_lease"), 120, "the worker to start")
        engine = open_database(settings.effective_database_url, migrate=False)
        with _signed_in(settings, engine) as web:
            assert web.get("/").status_code == 200  # a pooled connection, cut by the restart below
            _backlog(dovecot, total)
            _wait(lambda: _stored(settings) >= 30, 120, "the first batches to be stored")
            server.restart(down_seconds=2.0)
            assert web.get("/").status_code == 200  # the stale connection is replaced, not served as a 500
            _wait(lambda: _poll_failures(log, "database_unavailable"), 60, "a pass to fail while it was down")
            _wait(lambda: _stored(settings) == total, 180, f"all {total} messages after the restart")
            _wait(lambda: [e for e in _log(log) if e["msg"] == "polling works again"], 30, "the worker to say so")
            assert web.get("/").status_code == 200
        engine.dispose()
        assert _metric(settings.metrics_port, "database_unavailable") >= 1
    failures = _poll_failures(log)
    assert failures and {e["kind"] for e in failures} <= {"database_unavailable"}
    assert all("check the database server and INTAKE_DATABASE_URL" in e["msg"] for e in failures)
    _exactly_once(settings, dovecot, total)
    assert rows(neighbour, "SELECT n FROM kept") == [(42,)]
    assert problems_shown(settings) == []
