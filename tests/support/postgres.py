"""Throwaway PostgreSQL cluster for the test suite and benchmarks (Debian's ``postgresql`` package).

:class:`PostgresServer` runs ``initdb`` into a scratch folder and starts ``postgres`` on ``127.0.0.1`` and a
free port, with its socket in that folder and trust authentication for loopback: nothing of the system's own
cluster is read or used. As root (CI), the cluster runs as the ``postgres`` system user (PostgreSQL refuses
uid 0), so the folder lives under ``/tmp``. :meth:`create_database` gives each test a database of its own,
copied from an empty template (cheaper than a fresh CREATE DATABASE from template1 with connections).
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path
from typing import Self

TEMPLATE = "intake_template"


def postgres_bin() -> Path | None:
    """The folder of the newest installed PostgreSQL's server programs, or None."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    return Path(found[-1]).parent if found else None


def postgres_available() -> bool:
    """Whether the PostgreSQL server programs are installed."""
    return postgres_bin() is not None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PostgresServer:
    """A private PostgreSQL cluster under ``root`` (stop it with :meth:`stop`)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.data = root / "data"
        self.port = _free_port()
        self.host = "127.0.0.1"
        self.user = "intake"
        self._bin = postgres_bin()
        self._process: subprocess.Popen[bytes] | None = None
        self._counter = 0

    def _run_as(self) -> dict:
        if os.geteuid() != 0:
            return {}
        account = pwd.getpwnam("postgres")
        return {"user": account.pw_uid, "group": account.pw_gid}

    def start(self) -> Self:
        """initdb, start and wait until the server accepts connections; make the role and the template."""
        if self._bin is None:
            raise RuntimeError("PostgreSQL is not installed (Debian package postgresql)")
        self.root.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            account = pwd.getpwnam("postgres")
            os.chown(self.root, account.pw_uid, account.pw_gid)
        subprocess.run(
            [str(self._bin / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8",
             "--locale=C.UTF-8", "--no-sync"],
            check=True, capture_output=True, **self._run_as(),
        )  # fmt: skip
        self._launch()
        self.sql(f"CREATE ROLE {self.user} LOGIN SUPERUSER")
        self.sql(f"CREATE DATABASE {TEMPLATE} OWNER {self.user}")
        return self

    def _launch(self) -> None:
        """Start ``postgres`` on the cluster's folder and port; wait until it accepts connections."""
        assert self._bin is not None
        options = {
            "listen_addresses": self.host,
            "port": str(self.port),
            "unix_socket_directories": str(self.root),
            "fsync": "off",  # a throwaway cluster: durability is the product's, tested on SQLite and by restarts
            "synchronous_commit": "off",
            "full_page_writes": "off",
            "max_connections": "200",
        }
        args = [str(self._bin / "postgres"), "-D", str(self.data)]
        for key, value in options.items():
            args += ["-c", f"{key}={value}"]
        with open(self.root / "server.log", "ab") as log:  # the server keeps its own copy of the descriptor
            self._process = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, **self._run_as())
        deadline = time.monotonic() + 30
        while True:
            ready = subprocess.run(
                [str(self._bin / "pg_isready"), "-h", self.host, "-p", str(self.port)],
                capture_output=True,
            )
            if ready.returncode == 0:
                break
            if self._process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("PostgreSQL did not start: " + (self.root / "server.log").read_text()[-2000:])
            time.sleep(0.1)

    def sql(self, statement: str, *, database: str = "postgres") -> str:
        """Run one statement with psql as the cluster's superuser; its output."""
        assert self._bin is not None
        done = subprocess.run(
            [str(self._bin / "psql"), "-h", self.host, "-p", str(self.port), "-U", "postgres", "-d", database,
             "-v", "ON_ERROR_STOP=1", "-qAt", "-c", statement],
            check=True, capture_output=True, text=True,
        )  # fmt: skip
        return done.stdout

    def url(self, database: str) -> str:
        """The SQLAlchemy URL of ``database`` for the product (psycopg 3)."""
        return f"postgresql+psycopg://{self.user}@{self.host}:{self.port}/{database}"

    def create_database(self, prefix: str = "t") -> str:
        """A new empty database (from the template); its URL."""
        self._counter += 1
        name = f"{prefix}_{os.getpid()}_{self._counter}"
        self.sql(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE} OWNER {self.user}")
        return self.url(name)

    def _shut_down(self) -> None:
        """Fast shutdown: every session is ended, what is committed stays."""
        if self._process is not None and self._process.poll() is None:
            self._process.send_signal(signal.SIGINT)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._process.wait(timeout=30)
            if self._process.poll() is None:
                self._process.kill()
                self._process.wait()

    def restart(self, down_seconds: float = 0.0) -> None:
        """Restart the cluster as an operator would (fast shutdown, ``down_seconds`` away, start): the same port
        and data, so every database survives and every open connection is cut."""
        self._shut_down()
        time.sleep(down_seconds)
        self._launch()

    def stop(self) -> None:
        """Stop the server (fast shutdown) and remove its folder."""
        self._shut_down()
        shutil.rmtree(self.root, ignore_errors=True)
