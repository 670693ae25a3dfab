"""Integration tests for the throwaway Dovecot helper in ``tests/support/dovecot.py``.

These need a real ``dovecot`` binary and fail (rather than skip) without one.
"""

from __future__ import annotations

import shutil
import socket
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from imapclient.exceptions import IMAPClientError

from tests.support import dovecot as dovecot_support
from tests.support.dovecot import DovecotServer, dovecot_available

pytestmark = pytest.mark.integration


def _message(n: int) -> bytes:
    return (
        f"From: sender{n}@example.org\r\n"
        f"To: intake@test.local\r\n"
        f"Subject: test message {n}\r\n"
        f"Message-ID: <msg-{n}@example.org>\r\n"
        f"\r\n"
        f"Body of message {n}.\r\n"
    ).encode()


def _scratch_root() -> Path:
    # Under /tmp, not pytest's tmp_path: as root, the dovecot user must be able to traverse it.
    return Path(tempfile.mkdtemp(prefix="dovecot-test-", dir="/tmp"))


@pytest.fixture(scope="module")
def server() -> Iterator[DovecotServer]:
    assert dovecot_available(), "dovecot is not installed (/usr/sbin/dovecot or on PATH)"
    root = _scratch_root()
    try:
        with DovecotServer(root) as srv:
            yield srv
    finally:
        shutil.rmtree(root, ignore_errors=True)


def test_dovecot_is_installed() -> None:
    assert dovecot_available()


def test_start_and_login(server: DovecotServer) -> None:
    assert server.host == "127.0.0.1"
    assert server.port > 0
    assert server.pid is not None
    assert (server.base_dir / "master.pid").read_text().strip() == str(server.pid)
    assert server.config_path.is_file()
    with server.client() as imap:
        assert imap.has_capability("MULTIAPPEND")
        imap.noop()
        assert any(name == "INBOX" for _flags, _delim, name in imap.list_folders())


def test_append_with_internaldate_round_trips(server: DovecotServer) -> None:
    folder = "RoundTrip"
    server.create_folder(folder)
    raw = _message(1)
    when = datetime(2021, 3, 4, 5, 6, 7, tzinfo=timezone(timedelta(hours=2)))

    uid = server.append(raw, folder=folder, internaldate=when, flags=[b"\\Seen"])

    assert server.count(folder) == 1
    assert server.uids(folder) == [uid]
    with server.client() as imap:
        imap.normalise_times = False
        imap.select_folder(folder, readonly=True)
        data = imap.fetch([uid], ["INTERNALDATE", "FLAGS", "BODY.PEEK[]"])[uid]
    # Same instant; Maildir keeps INTERNALDATE as the file mtime, so the +02:00 offset
    # comes back as the server's local zone.
    assert data[b"INTERNALDATE"] == when
    assert b"\\Seen" in data[b"FLAGS"]
    assert data[b"BODY[]"] == raw


def test_append_many(server: DovecotServer) -> None:
    folder = "Bulk"
    server.create_folder(folder)
    base = datetime(2024, 1, 1, tzinfo=UTC)
    messages = [(_message(n), base + timedelta(minutes=n)) for n in range(250)]
    messages.append((_message(999), None))  # server-chosen INTERNALDATE

    assert server.append_many(messages, folder=folder) == 251

    assert server.count(folder) == 251
    uids = server.uids(folder)
    assert len(uids) == 251
    with server.client() as imap:
        imap.normalise_times = False
        imap.select_folder(folder, readonly=True)
        fetched = imap.fetch(uids[:3] + uids[-1:], ["INTERNALDATE"])
    got = [fetched[uid][b"INTERNALDATE"] for uid in uids[:3]]
    assert got == [base, base + timedelta(minutes=1), base + timedelta(minutes=2)]
    assert fetched[uids[-1]][b"INTERNALDATE"] > base


def test_delete_and_recreate_changes_uidvalidity(server: DovecotServer) -> None:
    folder = "Recreated"
    server.create_folder(folder)
    server.append(_message(1), folder=folder)
    before = server.uidvalidity(folder)

    server.delete_folder(folder)
    server.create_folder(folder)

    assert server.uidvalidity(folder) != before
    assert server.count(folder) == 0


def test_stop_leaves_no_process() -> None:
    root = _scratch_root()
    try:
        srv = DovecotServer(root).start()
        port, master = srv.port, srv.pid
        assert master is not None
        with srv.client() as imap:  # make sure login/imap/auth processes were spawned
            imap.select_folder("INBOX")
        processes = [master, *dovecot_support._children(master)]
        assert len(processes) > 1

        srv.stop()

        assert [pid for pid in processes if dovecot_support._alive(pid)] == []
        assert srv.pid is None
        assert not (srv.base_dir / "master.pid").exists()
        with pytest.raises(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            pass
        srv.stop()  # idempotent
    finally:
        shutil.rmtree(root, ignore_errors=True)


def test_stop_ends_open_sessions_and_a_restart_serves_the_same_port_and_mail() -> None:
    root = _scratch_root()
    try:
        srv = DovecotServer(root).start()
        port = srv.port
        srv.append(_message(1))
        imap = srv.client()
        imap.select_folder("INBOX", readonly=True)
        srv.stop()
        with pytest.raises((OSError, IMAPClientError)):
            imap.noop()  # the open session saw the server go
        srv.start()
        assert srv.port == port and srv.count("INBOX") == 1
        srv.stop()
    finally:
        shutil.rmtree(root, ignore_errors=True)


def test_start_failure_reports_log(monkeypatch: pytest.MonkeyPatch) -> None:
    root = _scratch_root()
    try:
        with socket.socket() as busy:
            busy.bind(("127.0.0.1", 0))
            busy.listen()
            monkeypatch.setattr(dovecot_support, "_free_port", lambda host: busy.getsockname()[1])
            srv = DovecotServer(root, start_timeout=5)
            with pytest.raises(RuntimeError, match="Address already in use"):
                srv.start()
        assert srv.pid is None
    finally:
        shutil.rmtree(root, ignore_errors=True)
