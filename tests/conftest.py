"""Shared fixtures: real servers started on 127.0.0.1, settings built from values, never from the shell."""

from __future__ import annotations

import atexit
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from config.settings import Settings, load_settings
from tests.support.dovecot import DovecotServer, dovecot_available
from tests.support.postgres import PostgresServer, postgres_available

IN_CI = os.environ.get("CI", "").lower() == "true"
# the database every test's settings use: `sqlite` (a file in the test's data folder) or `postgresql` (a fresh
# database of a PostgreSQL cluster the suite starts); scripts/test runs the suite once with each
TEST_DATABASE = os.environ.get("TEST_DATABASE", "sqlite").strip().lower()
_POSTGRES: list[PostgresServer] = []
REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"
SAMPLES = REPO / "config" / "samples" / "mailbox"


def require(condition: bool, what: str) -> None:
    """Fail when a real server or data set is missing: tests never pass without the real thing."""
    if not condition:
        pytest.fail(f"{what} is missing: integration tests run against the real thing, never without it")


@pytest.fixture
def corpus() -> Path:
    """The shared corpus of real third-party mail, beside the repository: without it the corpus tests fail."""
    require(CORPUS.is_dir(), "the shared corpus (../shared/corpus)")
    return CORPUS


@pytest.fixture(autouse=True)
def _no_intake_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests build their settings explicitly; an operator's INTAKE_* variables must not leak in."""
    for key in list(os.environ):
        if key.startswith("INTAKE_"):
            monkeypatch.delenv(key)


@pytest.fixture
def dovecot() -> Iterator[DovecotServer]:
    """A fresh, real Dovecot with one account, under /tmp (its mail user must be able to reach it)."""
    require(dovecot_available(), "Dovecot (Debian package dovecot-imapd)")
    root = Path(tempfile.mkdtemp(prefix="intake-dovecot-", dir="/tmp"))
    server = DovecotServer(root, password="dovecot-test-pw")
    try:
        server.start()
        yield server
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


def postgres_server() -> PostgresServer:
    """The suite's PostgreSQL cluster, started on first use and stopped when the tests end."""
    if not _POSTGRES:
        require(postgres_available(), "PostgreSQL (Debian package postgresql)")
        server = PostgresServer(Path(tempfile.mkdtemp(prefix="intake-pg-", dir="/tmp"))).start()
        atexit.register(server.stop)
        _POSTGRES.append(server)
    return _POSTGRES[0]


def fresh_database_url(data_dir: Path) -> str:
    """The database URL a test's settings get: a new PostgreSQL database, or SQLite in ``data_dir``."""
    if TEST_DATABASE == "postgresql":
        return postgres_server().create_database()
    if TEST_DATABASE != "sqlite":
        pytest.fail(f"TEST_DATABASE={TEST_DATABASE!r}: use sqlite or postgresql")
    return f"sqlite:///{(data_dir / 'intake.db').resolve()}"


@pytest.fixture
def make_settings(tmp_path: Path) -> Callable[..., Settings]:
    """Settings with a private data folder and database; keyword arguments override fields."""
    urls: dict[Path, str] = {}

    def build(**overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "data_dir": tmp_path / "data",
            "parse_workers": 2,
            "imap_connect_attempts": 2,
        }
        values.update(overrides)
        if "database_url" not in values:  # one database per data folder, however often settings are built
            data_dir = Path(values["data_dir"])
            values["database_url"] = urls.setdefault(data_dir, fresh_database_url(data_dir))
        return load_settings(**values)

    return build


@pytest.fixture
def imap_settings(dovecot: DovecotServer, make_settings: Callable[..., Settings]) -> Callable[..., Settings]:
    """Settings pointing at the test Dovecot over loopback."""

    def build(**overrides: Any) -> Settings:
        values = {
            "imap_host": dovecot.host,
            "imap_port": dovecot.port,
            "imap_user": dovecot.user,
            "imap_password": dovecot.password,
            "imap_security": "none",
        }
        values.update(overrides)
        return make_settings(**values)

    return build


def sample_messages() -> list[bytes]:
    """The bundled sample mailbox, as raw messages."""
    files = sorted(p for sub in ("cur", "new") for p in (SAMPLES / sub).glob("*") if not p.name.startswith("."))
    return [p.read_bytes() for p in files]


def cli(*args: str, env: dict[str, str], timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """Run ``frontier-intake ARGS`` as an operator would, in a subprocess."""
    return subprocess.run(
        [sys.executable, "-m", "service", *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout
    )


def intake_env(settings: Settings) -> dict[str, str]:
    """Environment for running the CLI as a subprocess with these settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("INTAKE_")}
    for name, value in settings.model_dump(exclude_none=True).items():
        if hasattr(value, "get_secret_value"):
            value = value.get_secret_value()
        if isinstance(value, list | dict):  # complex settings are JSON in the environment
            value = json.dumps(value)
        env[f"INTAKE_{name.upper()}"] = str(value.value if hasattr(value, "value") else value)
    return env
