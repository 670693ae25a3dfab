"""Throwaway Dovecot IMAP server for integration tests and benchmarks.

:class:`DovecotServer` writes a self-contained ``dovecot.conf`` into a scratch
folder, starts a real ``dovecot`` master on ``127.0.0.1`` and a free port, and
offers a few :mod:`imapclient` shortcuts for seeding and inspecting the mailbox.
Nothing outside that folder is read or written (``/etc/dovecot`` is ignored).

When run as root (as in CI), Dovecot refuses mail access as uid 0, so mail is
owned by the ``dovecot`` system user and the scratch folder must be searchable
by it: create it under ``/tmp`` (``tempfile.mkdtemp(dir="/tmp")``), not under
``/root``. Unprivileged, everything runs as the current user.

Example::

    with DovecotServer(Path(tempfile.mkdtemp(dir="/tmp"))) as server:
        server.append(raw_bytes, internaldate=datetime.now(UTC))
        with server.client() as imap:
            ...
"""

from __future__ import annotations

import atexit
import contextlib
import grp
import os
import pwd
import shutil
import signal
import socket
import stat
import subprocess
import tempfile
import time
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Self

from imapclient import IMAPClient

DOVECOT_BINARY = "/usr/sbin/dovecot"
MULTIAPPEND_CHUNK = 100


def dovecot_binary() -> str | None:
    """Return the path of the ``dovecot`` executable, or None if not installed."""
    if os.access(DOVECOT_BINARY, os.X_OK):
        return DOVECOT_BINARY
    return shutil.which("dovecot")


def dovecot_available() -> bool:
    """Return True if a ``dovecot`` executable is installed."""
    return dovecot_binary() is not None


def _free_port(host: str) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def _alive(pid: int) -> bool:
    """True if *pid* exists and is not a zombie."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return False
    return fields[0] not in ("Z", "X")


def _children(pid: int) -> list[int]:
    """Pids whose parent is *pid* (Dovecot's service processes)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat_line = (entry / "stat").read_text()
        except OSError:
            continue
        if int(stat_line.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return found


class DovecotServer:
    """A real Dovecot IMAP server living entirely under *root*.

    Use as a context manager, or call :meth:`start` and :meth:`stop` (both
    idempotent). One account exists: :attr:`user` / :attr:`password`.
    """

    host = "127.0.0.1"

    def __init__(
        self,
        root: Path,
        *,
        user: str = "intake@test.local",
        password: str = "secret",
        start_timeout: float = 15.0,
        tls: tuple[Path, Path] | None = None,
    ) -> None:
        self.root = Path(root).resolve()
        self.user = user
        self.password = password
        self.start_timeout = start_timeout
        self.tls = tls  # (certificate, key) PEM files: STARTTLS on the IMAP port and implicit TLS on tls_port
        self._port: int | None = None
        self._tls_port: int | None = None
        self._ports: tuple[int, int | None] | None = None  # of the last good start: a restart listens there again
        self._pid: int | None = None
        self._proc: subprocess.Popen[bytes] | None = None

    # -- paths ---------------------------------------------------------------

    @property
    def config_path(self) -> Path:
        """The generated ``dovecot.conf``."""
        return self.root / "dovecot.conf"

    @property
    def base_dir(self) -> Path:
        """Dovecot's ``base_dir`` (sockets and ``master.pid``)."""
        return self.root / "run"

    @property
    def log_path(self) -> Path:
        """Single log file for errors, info and debug output."""
        return self.root / "dovecot.log"

    @property
    def mail_dir(self) -> Path:
        """Parent of the per-user Maildirs (``mail_dir / user``)."""
        return self.root / "mail"

    @property
    def port(self) -> int:
        """TCP port of the IMAP listener (chosen at :meth:`start`)."""
        if self._port is None:
            raise RuntimeError("DovecotServer is not started")
        return self._port

    @property
    def tls_port(self) -> int:
        """TCP port of the implicit-TLS (IMAPS) listener; only with ``tls``."""
        if self._tls_port is None:
            raise RuntimeError("DovecotServer is not started with tls")
        return self._tls_port

    @property
    def pid(self) -> int | None:
        """Pid of the Dovecot master process, or None when stopped."""
        return self._pid

    # -- lifecycle -----------------------------------------------------------

    def start(self) -> Self:
        """Write the configuration, launch Dovecot and wait for the IMAP greeting.

        Started again after :meth:`stop`, it listens on the same ports with the same mail (a server restart,
        as clients configured with its address see it)."""
        if self._pid is not None:
            return self
        binary = dovecot_binary()
        if binary is None:
            raise RuntimeError("dovecot is not installed (looked for /usr/sbin/dovecot and PATH)")
        if self._ports is not None:
            self._port, self._tls_port = self._ports
        else:
            self._port = _free_port(self.host)
            self._tls_port = _free_port(self.host) if self.tls else None
        self._prepare_files()
        stderr_path = self.root / "dovecot.stderr"
        with stderr_path.open("wb") as stderr:
            # -F keeps the master as our child so it is reaped on stop (no zombie
            # left for an init that may not reap); otherwise identical to daemon mode.
            self._proc = subprocess.Popen(
                [binary, "-F", "-c", str(self.config_path)],
                stdin=subprocess.DEVNULL,
                stdout=stderr,
                stderr=stderr,
                start_new_session=True,
            )
        self._pid = self._proc.pid
        atexit.register(self.stop)
        try:
            self._wait_ready(stderr_path)
        except BaseException:
            self.stop()
            raise
        self._ports = (self._port, self._tls_port)
        return self

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the master and its services (SIGTERM to all at once, then SIGKILL) and wait for them to exit.

        All at once, as ``systemctl stop`` does: an ``imap`` process told only by its dying master keeps serving
        a busy client for seconds, so a client would not see the server stop."""
        pid = self._read_master_pid() or self._pid
        if pid is None:
            return
        children = _children(pid)
        for process in (pid, *children):
            with contextlib.suppress(ProcessLookupError):
                os.kill(process, signal.SIGTERM)
        if not self._wait_gone([pid, *children], timeout):
            for leftover in [pid, *children]:
                if _alive(leftover):
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(leftover, signal.SIGKILL)
            self._wait_gone([pid, *children], 5.0)
        if self._proc is not None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._proc.wait(timeout=5.0)
            self._proc = None
        self._pid = None
        self._port = None
        self._tls_port = None
        atexit.unregister(self.stop)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def log_tail(self, lines: int = 40) -> str:
        """Last *lines* lines of the Dovecot log (empty if none yet)."""
        try:
            text = self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    # -- IMAP helpers --------------------------------------------------------

    def client(self) -> IMAPClient:
        """A new, logged-in :class:`IMAPClient` (caller closes it, e.g. ``with``)."""
        imap = IMAPClient(self.host, port=self.port, ssl=False, timeout=30)
        imap._imap.debug = 0
        imap.login(self.user, self.password)
        return imap

    @contextlib.contextmanager
    def _session(self) -> Iterator[IMAPClient]:
        imap = self.client()
        try:
            yield imap
        finally:
            with contextlib.suppress(Exception):
                imap.logout()

    def append(
        self,
        raw: bytes,
        *,
        folder: str = "INBOX",
        internaldate: datetime | None = None,
        flags: Sequence[str | bytes] = (),
    ) -> int | None:
        """APPEND one message; return its UID (from APPENDUID) if reported."""
        with self._session() as imap:
            response = imap.append(folder, raw, flags=flags, msg_time=internaldate)
        return _appenduid(response)

    def append_many(
        self,
        messages: Iterable[tuple[bytes, datetime | None]],
        folder: str = "INBOX",
    ) -> int:
        """APPEND ``(raw, internaldate)`` pairs over one connection; return the count.

        Uses MULTIAPPEND (RFC 3502) in chunks of ``MULTIAPPEND_CHUNK`` messages
        when the server offers it, plain APPEND otherwise.
        """
        total = 0
        with self._session() as imap:
            multi = imap.has_capability("MULTIAPPEND")
            chunk: list[dict[str, object]] = []
            for raw, when in messages:
                if not multi:
                    imap.append(folder, raw, msg_time=when)
                    total += 1
                    continue
                item: dict[str, object] = {"msg": raw}
                if when is not None:
                    item["date"] = when
                chunk.append(item)
                if len(chunk) >= MULTIAPPEND_CHUNK:
                    imap.multiappend(folder, chunk)
                    total += len(chunk)
                    chunk = []
            if chunk:
                imap.multiappend(folder, chunk)
                total += len(chunk)
        return total

    def create_folder(self, name: str) -> None:
        """CREATE *name*."""
        with self._session() as imap:
            imap.create_folder(name)

    def delete_folder(self, name: str) -> None:
        """DELETE *name* (with its messages)."""
        with self._session() as imap:
            imap.delete_folder(name)

    def uidvalidity(self, folder: str = "INBOX") -> int:
        """UIDVALIDITY of *folder*."""
        return self._status(folder, b"UIDVALIDITY")

    def count(self, folder: str = "INBOX") -> int:
        """Number of messages in *folder*."""
        return self._status(folder, b"MESSAGES")

    def uids(self, folder: str = "INBOX") -> list[int]:
        """Sorted UIDs of all messages in *folder*."""
        with self._session() as imap:
            imap.select_folder(folder, readonly=True)
            return sorted(imap.search("ALL"))

    def _status(self, folder: str, item: bytes) -> int:
        with self._session() as imap:
            return int(imap.folder_status(folder, [item])[item])

    # -- internals -----------------------------------------------------------

    def _identity(self) -> tuple[str, int, str, int]:
        """(user name, uid, group name, gid) that owns mail and runs services."""
        if os.geteuid() == 0:
            try:
                account = pwd.getpwnam("dovecot")
            except KeyError:
                raise RuntimeError(
                    "running as root needs the 'dovecot' system user (created by dovecot-core)"
                ) from None
            group = grp.getgrgid(account.pw_gid)
        else:
            account = pwd.getpwuid(os.geteuid())
            group = grp.getgrgid(os.getegid())
        return account.pw_name, account.pw_uid, group.gr_name, group.gr_gid

    def _prepare_files(self) -> None:
        is_root = os.geteuid() == 0
        name, uid, group_name, gid = self._identity()
        self.root.mkdir(parents=True, exist_ok=True)
        if is_root:
            self._make_searchable(self.root)
        self.mail_dir.mkdir(exist_ok=True)
        (self.root / "state").mkdir(exist_ok=True)
        self.base_dir.mkdir(exist_ok=True)
        if is_root:
            os.chown(self.mail_dir, uid, gid)
        self.log_path.touch()

        users = self.root / "users"
        home = self.mail_dir / self.user
        users.write_text(f"{self.user}:{{PLAIN}}{self.password}:{uid}:{gid}::{home}::\n")
        users.chmod(0o644)

        if is_root:
            # The login user must not be the internal user; fall back if dovenull is absent.
            try:
                login_user = pwd.getpwnam("dovenull").pw_name
            except KeyError:
                login_user = "nobody"
            identity = (
                f"default_internal_user = {name}\n"
                f"default_internal_group = {group_name}\n"
                f"default_login_user = {login_user}\n"
            )
            unprivileged = ""
        else:
            identity = (
                f"default_internal_user = {name}\ndefault_internal_group = {group_name}\ndefault_login_user = {name}\n"
            )
            # chroot() and setgroups() need root: switch them off.
            unprivileged = (
                "service ipc {\n  chroot =\n}\n"
                "service old-stats {\n  chroot =\n}\n"
                "service imap {\n  extra_groups =\n}\n"
            )

        root = self.root
        if self.tls:
            cert, key = self.tls
            ssl = f"ssl = yes\nssl_cert = <{cert}\nssl_key = <{key}\n"
            imaps = f"address = {self.host}\n    port = {self._tls_port}\n    ssl = yes"
        else:
            ssl, imaps = "ssl = no\n", "port = 0"
        self.config_path.write_text(
            f"""# Generated by tests/support/dovecot.py - throwaway test server.
protocols = imap
listen = {self.host}
base_dir = {self.base_dir}
state_dir = {root / "state"}
instance_name = dovecot-test-{self._port}
log_path = {self.log_path}
info_log_path = {self.log_path}
debug_log_path = {self.log_path}
{ssl}disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
auth_cache_size = 0
login_trusted_networks = 127.0.0.0/8
mail_location = maildir:{self.mail_dir}/%u
mail_fsync = never
mail_uid = {uid}
mail_gid = {gid}
first_valid_uid = {uid}
last_valid_uid = 0
first_valid_gid = {gid}
last_valid_gid = 0
{identity}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {users}
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {users}
}}

service imap-login {{
  chroot =
  inet_listener imap {{
    address = {self.host}
    port = {self._port}
  }}
  inet_listener imaps {{
    {imaps}
  }}
}}
# no growing delay after failed logins (the auth penalty): a test sees how often a client tries, not Dovecot's pace
service anvil {{
  {"chroot =" if not is_root else ""}
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
{unprivileged}"""
        )
        self.config_path.chmod(0o644)

    def _make_searchable(self, path: Path) -> None:
        """Let Dovecot's unprivileged users traverse *path* and its parents.

        Only *path* and parents inside the system temp folder are changed
        (search bit only); any other untraversable parent is an error.
        """
        path.chmod(path.stat().st_mode | 0o755)
        tmp = Path(tempfile.gettempdir()).resolve()
        for parent in path.parents:
            mode = parent.stat().st_mode
            if mode & stat.S_IXOTH:
                continue
            if tmp in parent.parents:
                parent.chmod(mode | stat.S_IXOTH)
            else:
                raise RuntimeError(
                    f"{parent} is not searchable by the dovecot user; put the server root "
                    f"under /tmp (e.g. tempfile.mkdtemp(dir='/tmp')), not {path}"
                )

    def _read_master_pid(self) -> int | None:
        """Pid from ``master.pid`` if it names a live Dovecot using our config."""
        try:
            pid = int((self.base_dir / "master.pid").read_text().strip())
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except (FileNotFoundError, ProcessLookupError, ValueError):
            return None
        if str(self.config_path).encode() not in cmdline or not _alive(pid):
            return None
        return pid

    @staticmethod
    def _wait_gone(pids: list[int], timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while any(_alive(pid) for pid in pids):
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.02)
        return True

    def _wait_ready(self, stderr_path: Path) -> None:
        """Poll until the listener sends an IMAP greeting, or raise RuntimeError."""
        deadline = time.monotonic() + self.start_timeout
        last_error = "no attempt"
        while time.monotonic() < deadline:
            if self._proc is not None and self._proc.poll() is not None:
                last_error = f"dovecot exited with status {self._proc.returncode}"
                break
            try:
                with socket.create_connection((self.host, self.port), timeout=1.0) as sock:
                    greeting = sock.recv(256)
                if greeting.startswith(b"* OK"):
                    return
                last_error = f"unexpected greeting {greeting!r}"
            except OSError as exc:
                last_error = repr(exc)
            time.sleep(0.05)
        stderr = stderr_path.read_text(errors="replace").strip() if stderr_path.exists() else ""
        raise RuntimeError(
            f"Dovecot did not come up on {self.host}:{self._port} within {self.start_timeout}s "
            f"({last_error}).\nstderr:\n{stderr}\nlog tail ({self.log_path}):\n{self.log_tail()}"
        )


def _appenduid(response: bytes | str | None) -> int | None:
    """Extract the UID from an ``[APPENDUID <validity> <uid>]`` response."""
    if not response:
        return None
    text = response.decode(errors="replace") if isinstance(response, bytes) else response
    if "APPENDUID" not in text:
        return None
    try:
        uid_part = text.split("APPENDUID", 1)[1].split("]", 1)[0].split()[1]
        return int(uid_part)
    except (IndexError, ValueError):
        return None
