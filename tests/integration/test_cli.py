"""The ``frontier-intake`` commands as an operator runs them: output, exit codes, one-line reasons."""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import pytest

from tests.conftest import REPO, SAMPLES, cli, intake_env, sample_messages
from tests.support.db import count_or_zero
from tests.support.messages import make_message

pytestmark = pytest.mark.integration


def test_poll_once_on_the_bundled_mailbox_prints_a_table_then_nothing_new(make_settings) -> None:
    env = intake_env(make_settings())
    first = cli("poll", "--once", env=env)
    assert first.returncode == 0, first.stderr
    n = len(sample_messages())
    assert f"stored {n} new message(s)" in first.stdout and "Stored this pass" in first.stdout
    second = cli("poll", "--once", env=env)
    assert second.returncode == 0 and "stored 0 new message(s)" in second.stdout
    assert f"{n} already stored" in second.stdout


def test_export_jsonl_contract(make_settings, tmp_path: Path) -> None:
    env = intake_env(make_settings())
    assert cli("poll", "--once", env=env).returncode == 0
    out = tmp_path / "export.jsonl"
    done = cli("export", "--format", "jsonl", "--output", str(out), env=env)
    assert done.returncode == 0, done.stderr
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(records) == len(sample_messages())
    for r in records:
        assert {"id", "message_id", "from", "subject", "received_at", "status"} <= set(r)
        assert datetime.fromisoformat(r["received_at"]).utcoffset() is not None
    assert [r["id"] for r in records] == sorted(r["id"] for r in records)
    stdout = cli("export", "--format", "jsonl", env=env)
    assert stdout.stdout.splitlines() == out.read_text(encoding="utf-8").splitlines()


@pytest.mark.parametrize(
    ("variable", "value", "code"),
    [
        ("INTAKE_POLL_SECONDS", "often", 2),
        ("INTAKE_IMAP_SECURITY", "tls-please", 2),
        ("INTAKE_DATABASE_URL", "postgresql+psycopg://intake@127.0.0.1:1/intake", 1),
    ],
)
def test_bad_configuration_or_database_is_one_line_and_non_zero(make_settings, variable, value, code) -> None:
    env = intake_env(make_settings()) | {variable: value}
    done = cli("poll", "--once", env=env, timeout=60)
    assert done.returncode == code
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and (variable in lines[0] or "database" in lines[0]), done.stderr


def test_unreachable_imap_server_exits_non_zero_with_one_line(make_settings) -> None:
    settings = make_settings(
        imap_host="127.0.0.1",
        imap_port=1,
        imap_user="u",
        imap_password="pw-123",
        imap_security="none",
        imap_connect_attempts=1,
    )
    done = cli("poll", "--once", env=intake_env(settings), timeout=60)
    assert done.returncode == 1
    line = done.stderr.strip()
    assert line.startswith("error: IMAP 127.0.0.1:1 failed") and "\n" not in line
    assert line.endswith("check INTAKE_IMAP_HOST/PORT and the server if it lasts")  # what to do, too


def test_import_of_a_missing_path_fails_cleanly(make_settings) -> None:
    done = cli("import", "/nonexistent/mail.mbox", env=intake_env(make_settings()), timeout=60)
    assert done.returncode == 1 and "no such file or folder" in done.stderr


def test_import_splits_mbox_and_reads_maildir_and_eml(make_settings, tmp_path: Path) -> None:
    mbox = tmp_path / "archive.mbox"
    mbox.write_bytes(
        b"".join(b"From sender@example.org Fri Oct  3 10:00:00 2025\n" + make_message(i) + b"\n" for i in range(3))
    )
    eml = tmp_path / "single.eml"
    eml.write_bytes(make_message(10))
    done = cli("import", str(mbox), str(eml), str(SAMPLES), env=intake_env(make_settings()))
    assert done.returncode == 0, done.stderr
    assert f"stored {3 + 1 + len(sample_messages())} new message(s)" in done.stdout


def _count(settings) -> int:
    return count_or_zero(settings, "message")


def test_run_picks_up_new_mail_and_stops_cleanly_on_sigterm(make_settings, tmp_path: Path) -> None:
    maildir = tmp_path / "Maildir"
    shutil.copytree(SAMPLES, maildir)
    settings = make_settings(maildir=maildir, poll_seconds=1)
    db = settings
    proc = subprocess.Popen(
        [sys.executable, "-m", "service", "run"],
        cwd=REPO,
        env=intake_env(settings),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        n = len(sample_messages())
        deadline = time.monotonic() + 60
        while _count(db) < n and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _count(db) == n
        (maildir / "new" / "new-arrival.eml").write_bytes(make_message(777))
        while _count(db) < n + 1 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _count(db) == n + 1
        proc.send_signal(signal.SIGTERM)
        _, stderr = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, stderr
    assert "stopped" in stderr
