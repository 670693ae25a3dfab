"""Each failure is named for the operator (kind, what, what to do), and only faults a retry cannot end back off."""

from __future__ import annotations

import errno
import sqlite3
import ssl

import pytest
from imapclient.exceptions import LoginError
from sqlalchemy.exc import IntegrityError, OperationalError

from service.errors import DiskFullError, MailboxError, MissingFolderError, StorageError
from service.faults import TODO, describe
from service.leader import MAX_BACKOFF_SECONDS, backoff_seconds


def _caused(outer: BaseException, cause: BaseException) -> BaseException:
    try:
        try:
            raise cause
        except BaseException as inner:
            raise outer from inner
    except BaseException as exc:
        return exc


def _operational(text: str) -> OperationalError:
    return OperationalError("INSERT INTO message …", {}, sqlite3.OperationalError(text))


@pytest.mark.parametrize(
    ("exc", "kind"),
    [
        (_caused(MailboxError("IMAP login to u@h refused: bad"), LoginError("[AUTHENTICATIONFAILED]")), "imap_login"),
        (MissingFolderError("IMAP folder 'Intake' does not exist on h"), "imap_folder"),
        (
            _caused(MailboxError("IMAP h:993 failed after 2 attempt(s)"), ssl.SSLCertVerificationError("self-signed")),
            "imap_tls",
        ),
        (MailboxError("IMAP h:993 failed after 2 attempt(s): [Errno 111] Connection refused"), "imap_connection"),
        (
            _caused(StorageError("cannot write archive blob"), OSError(errno.ENOSPC, "No space left on device")),
            "disk_full",
        ),
        (_operational("database or disk is full"), "disk_full"),
        (
            DiskFullError("disk full at data/archive; free space 4 KiB of 8.0 MiB: cannot write archive blob"),
            "disk_full",
        ),
        (_caused(StorageError("database: locked"), _operational("database is locked")), "database_locked"),
        (_operational("connection to server at 127.0.0.1 failed: Connection refused"), "database_unavailable"),
        (IntegrityError("INSERT", {}, sqlite3.IntegrityError("UNIQUE constraint failed")), "storage"),
        (StorageError("cannot flush the archive: [Errno 5] Input/output error"), "storage"),
        (KeyError("surprise"), "internal"),
    ],
)
def test_each_failure_is_named_with_what_to_do(exc: BaseException, kind: str) -> None:
    fault = describe(exc)
    assert fault.kind == kind and fault.todo == TODO[kind]
    assert "\n" not in fault.line() and fault.line().endswith(TODO[kind]) and len(fault.line()) < 700


def test_the_line_says_what_happened_first() -> None:
    fault = describe(KeyError("surprise"))
    assert fault.line().startswith("KeyError: 'surprise' — ")
    multi = describe(StorageError("first line\nTraceback (most recent call last):\n  File …"))
    assert "Traceback" not in multi.line() and multi.what == "first line"


def test_only_faults_that_need_a_change_back_off_doubling_up_to_half_an_hour() -> None:
    login = describe(_caused(MailboxError("refused"), LoginError("no")))
    waits = [backoff_seconds(login, n, 60) for n in range(1, 8)]
    assert waits == [60, 120, 240, 480, 960, MAX_BACKOFF_SECONDS, MAX_BACKOFF_SECONDS]
    assert backoff_seconds(login, 10_000, 60) == MAX_BACKOFF_SECONDS  # no overflow after a long outage
    down = describe(MailboxError("IMAP h:993 failed after 2 attempt(s): refused"))
    assert [backoff_seconds(down, n, 60) for n in (1, 5, 50)] == [60, 60, 60]  # a server back soon is seen soon


def test_a_full_disk_is_said_once_with_the_free_space() -> None:
    line = describe(DiskFullError("disk full at data/archive; free space 4 KiB of 8.0 MiB: cannot write blob")).line()
    assert line.startswith("disk full at data/archive; free space 4 KiB") and line.count("disk full") == 1
