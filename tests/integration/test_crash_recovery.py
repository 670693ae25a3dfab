"""SIGKILL the real worker in the middle of a 500-message backlog; the restart stores each exactly once."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import REPO, intake_env
from tests.support.db import count_or_zero, rows
from tests.support.messages import make_message

pytestmark = [pytest.mark.integration, pytest.mark.slow]
TOTAL = 500


def _db_count(settings, table: str = "message") -> int:
    return count_or_zero(settings, table)


def _stat(pid: int) -> tuple[int, str] | None:
    """(parent pid, state) of a live process, or None when it is gone (a zombie counts as gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return None
    return (int(fields[1]), fields[0]) if fields[0] not in ("Z", "X") else None


def _descendants(root: int) -> set[int]:
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (stat := _stat(int(entry.name))) is not None:
            parents[int(entry.name)] = stat[0]
    found, frontier = set(), {root}
    while frontier:
        frontier = {pid for pid, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def _poll(settings) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "service", "poll", "--once"],
        cwd=REPO,
        env=intake_env(settings),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


@pytest.fixture(scope="module")
def backlog() -> list[bytes]:
    rng = random.Random(7)
    return [make_message(i, size_pad=rng.choice([0, 0, 500, 5000, 40000])) for i in range(TOTAL)]


@pytest.mark.parametrize("kill_after", [0, 1, 120, 260, 430, 499])
def test_sigkill_mid_batch_then_restart_stores_each_exactly_once(
    dovecot, imap_settings, backlog, kill_after: int
) -> None:
    dovecot.append_many([(raw, None) for raw in backlog])
    settings = imap_settings(imap_batch_size=50)
    db = settings

    proc = _poll(settings)
    deadline = time.monotonic() + 120
    while _db_count(db) < kill_after and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    time.sleep(random.Random(kill_after).uniform(0, 0.08))  # land inside a batch, not just after a commit
    helpers = _descendants(proc.pid)  # the fork server and the parser processes, once the pool has started
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    killed_at = _db_count(db)
    assert killed_at <= TOTAL
    gone_by = time.monotonic() + 10
    while any(_stat(pid) for pid in helpers) and time.monotonic() < gone_by:
        time.sleep(0.1)
    assert [pid for pid in helpers if _stat(pid)] == []  # nothing of the killed run lingers

    restart = _poll(settings)
    _, stderr = restart.communicate(timeout=300)
    assert restart.returncode == 0, stderr.decode()

    assert _db_count(db) == TOTAL
    assert _db_count(db, "message_location") == TOTAL
    distinct = rows(db, "SELECT count(DISTINCT message_id) FROM message")[0][0]
    last_uid = rows(db, "SELECT last_uid FROM mailbox_state")[0][0]
    uids = {u for (u,) in rows(db, "SELECT uid FROM message_location")}
    assert distinct == TOTAL
    assert uids == set(dovecot.uids("INBOX")) and last_uid == max(uids)
