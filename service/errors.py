"""The shell's small exception hierarchy: infrastructure failures, each with a one-line reason."""

from __future__ import annotations

import errno
import os
from pathlib import Path

DISK_FULL = frozenset({errno.ENOSPC, errno.EDQUOT})  # what a write into a full disk (or quota) fails with


class IntakeError(Exception):
    """Base of the service's infrastructure errors; ``str()`` is a one-line reason for the operator."""


class MailboxError(IntakeError):
    """The mailbox (IMAP server, Maildir, file) could not be read."""


class StorageError(IntakeError):
    """The archive or the database could not store something."""


class MissingFolderError(MailboxError):
    """The IMAP folder to poll does not exist on the server (deleted, renamed, or a wrong setting)."""


class DiskFullError(StorageError):
    """The disk under the archive or the SQLite database is full: nothing was stored, the pass can be repeated."""


def _size(count: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if count < 1024 or unit == "GiB":
            return f"{count:.0f} {unit}" if unit == "B" else f"{count:.1f} {unit}"
        count /= 1024
    raise AssertionError("unreachable")


def disk_full(folder: Path, doing: str) -> DiskFullError:
    """The error for a write under ``folder`` refused for want of space, naming what is free there."""
    try:
        fs = os.statvfs(folder)
        free = f"{_size(fs.f_bavail * fs.f_frsize)} of {_size(fs.f_blocks * fs.f_frsize)}"
    except OSError:
        free = "unknown"
    return DiskFullError(f"disk full at {folder}; free space {free}: cannot {doing}")
