"""What went wrong, for the operator: an exception named as a kind of fault, what happened and what to do.

Pure: :func:`describe` reads an exception and its causes, nothing else. The worker logs ``fault.line()`` as one
line, counts it by kind in its metrics and records it for the review UI (``service.health``).
"""

from __future__ import annotations

import errno
import ssl
from collections.abc import Iterator
from dataclasses import dataclass

from imapclient.exceptions import LoginError
from sqlalchemy.exc import DBAPIError, OperationalError, SQLAlchemyError

from service.errors import DiskFullError, IntakeError, MailboxError, MissingFolderError, StorageError

BACKING_OFF = frozenset({"imap_login", "imap_folder", "imap_tls"})  # retrying at once cannot help: wait longer


@dataclass(frozen=True)
class Fault:
    """One failure: ``kind`` (a metric label), ``what`` happened, and what to do (``todo``)."""

    kind: str
    what: str
    todo: str

    def line(self) -> str:
        """The one log line (and the text the review UI shows)."""
        return f"{self.what} — {self.todo}"

    @property
    def backs_off(self) -> bool:
        """Whether the next attempt waits longer each time (a setting or the server must change first)."""
        return self.kind in BACKING_OFF


def _chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _first_line(exc: BaseException, limit: int = 300) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:limit]


def _is_disk_full(exc: BaseException) -> bool:
    if isinstance(exc, DiskFullError):  # raised in a parser process: its OSError cause did not cross over
        return True
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return True
    return isinstance(exc, DBAPIError) and "disk is full" in str(exc.orig)


TODO = {
    "disk_full": "free space on the data volume; nothing is lost: what was not stored is fetched again next pass",
    "imap_folder": "create the folder on the mail server or correct INTAKE_IMAP_FOLDER",
    "imap_login": "check INTAKE_IMAP_USER and INTAKE_IMAP_PASSWORD (or its _FILE)",
    "imap_tls": "the server's certificate does not verify: give its CA in INTAKE_IMAP_CA_FILE or fix INTAKE_IMAP_HOST",
    "imap_connection": "it is tried again at the next poll; check INTAKE_IMAP_HOST/PORT and the server if it lasts",
    "database_locked": "another process holds a write lock on the SQLite database; it is tried again at the next "
    "poll: stop the other writer if it lasts",
    "database_unavailable": "it is tried again at the next poll; check the database server and INTAKE_DATABASE_URL",
    "storage": "check the data folder's permissions and the database's log; what was not stored is fetched again",
    "internal": "an unexpected error; it is tried again at the next poll: report it with the log lines around it",
}
PREFIX = {"disk_full": "disk full: ", "database_locked": "database locked: ", "database_unavailable": "database "
          "unavailable: "}  # fmt: skip


def kind_of(exc: BaseException) -> str:
    """The fault's kind: the first of :data:`TODO`'s kinds that the exception or one of its causes shows."""
    chain = list(_chain(exc))
    if any(_is_disk_full(e) for e in chain):
        return "disk_full"
    if any(isinstance(e, MissingFolderError) for e in chain):
        return "imap_folder"
    if any(isinstance(e, LoginError) for e in chain):
        return "imap_login"
    if any(isinstance(e, ssl.SSLError | ssl.CertificateError) for e in chain):
        return "imap_tls"
    if isinstance(exc, MailboxError):
        return "imap_connection"
    operational = [e for e in chain if isinstance(e, OperationalError)]
    if any("locked" in str(e.orig) for e in operational):
        return "database_locked"
    if operational:
        return "database_unavailable"
    if isinstance(exc, StorageError) or any(isinstance(e, SQLAlchemyError) for e in chain):
        return "storage"
    return "internal"


def describe(exc: BaseException) -> Fault:
    """Name ``exc`` (a failed poll or store) as a :class:`Fault` an operator can act on."""
    kind = kind_of(exc)
    what = _first_line(exc)
    if kind == "internal" and not isinstance(exc, IntakeError):
        what = f"{type(exc).__name__}: {what}"
    prefix = PREFIX.get(kind, "")
    return Fault(kind, what if what.startswith(prefix.rstrip(": ")) else prefix + what, TODO[kind])
