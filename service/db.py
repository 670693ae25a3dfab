"""Engine creation and schema upgrades; every command calls :func:`open_database` at start-up."""

from __future__ import annotations

import json
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import SQLAlchemyError

from config.settings import redacted_url
from service.errors import StorageError, disk_full

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


BUSY_SECONDS = 30.0  # SQLite: how long a write waits for another process's write lock (INTAKE_DATABASE_BUSY_SECONDS)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _sqlite_engine(url: str | URL, busy_seconds: float) -> Engine:
    """The driver's ``timeout`` is SQLite's busy timeout: how long a statement waits for another's lock."""
    engine = create_engine(url, connect_args={"timeout": busy_seconds})
    event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def make_engine(url: str, *, busy_seconds: float = BUSY_SECONDS) -> Engine:
    """An engine for ``url``; SQLite gets WAL, foreign keys and a busy timeout, and its folder is made."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        return _sqlite_engine(url, busy_seconds)
    if parsed.get_backend_name() != "postgresql":
        return create_engine(url, pool_pre_ping=True)
    engine = create_engine(url, pool_pre_ping=True, json_serializer=lambda value: json.dumps(_nul_free(value)))
    event.listen(engine, "before_cursor_execute", _without_nul, retval=True)
    return engine


def storage_error(exc: Exception, engine: Engine) -> StorageError:
    """A failed database operation as a :class:`StorageError` whose reason is the driver's own first line; a
    SQLite database whose disk is full as a :class:`~service.errors.DiskFullError` naming the free space.
    Raise it ``from exc`` (the cause tells the kind of fault: locked, unavailable …)."""
    orig = getattr(exc, "orig", None) or exc
    reason = str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
    database = engine.url.database if engine.url.get_backend_name() == "sqlite" else None
    if database and database != ":memory:" and "disk is full" in reason:
        return disk_full(Path(database).resolve().parent, f"write to the database ({reason})")
    if database and "database is locked" in reason:
        return StorageError(
            f"database locked: another process held {database} longer than INTAKE_DATABASE_BUSY_SECONDS; "
            "nothing of the batch was stored"
        )
    return StorageError(f"database: {reason}")


def _nul_free(value: object) -> object:
    if isinstance(value, str):
        return value.replace("\x00", "") if "\x00" in value else value
    if isinstance(value, dict):
        return {_nul_free(k): _nul_free(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_nul_free(v) for v in value)
    return value


def _without_nul(_conn, _cursor, statement, parameters, _context, _executemany):
    """PostgreSQL text cannot hold U+0000, which hostile or broken mail does: it is dropped from every value
    sent (the raw message keeps it, in the archive)."""
    return statement, _nul_free(parameters)


def alembic_config(engine: Engine, migrations: Path = MIGRATIONS) -> Config:
    """An Alembic configuration bound to ``engine`` (no alembic.ini needed)."""
    config = Config()
    config.set_main_option("script_location", str(migrations))
    config.attributes["engine"] = engine
    return config


def _transactional_ddl(dbapi_connection, _record) -> None:
    dbapi_connection.isolation_level = None  # pysqlite left alone runs DDL outside any transaction


def _begin_immediate(connection) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def upgrade(engine: Engine, migrations: Path = MIGRATIONS, *, busy_seconds: float = BUSY_SECONDS) -> None:
    """Bring the schema up to the newest migration, all of it or none.

    On SQLite the migrations run on a connection of their own whose transaction really holds the DDL (the
    driver would otherwise commit each ALTER at once, and a process killed before the version stamp left a
    column that the next start tried to add again) and takes the write lock first, so two workers starting
    together migrate one after the other."""
    if engine.dialect.name != "sqlite":
        command.upgrade(alembic_config(engine, migrations), "head")
        return
    migrating = _sqlite_engine(engine.url, busy_seconds)
    event.listen(migrating, "connect", _transactional_ddl)
    event.listen(migrating, "begin", _begin_immediate)
    try:
        command.upgrade(alembic_config(migrating, migrations), "head")
    finally:
        migrating.dispose()


def schema_revision(engine: Engine) -> str | None:
    """The schema's Alembic revision (None for an empty database)."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision(migrations: Path = MIGRATIONS) -> str:
    """The newest migration this version of the code has."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config(create_engine("sqlite://"), migrations)).get_current_head()
    assert head is not None
    return head


def open_database(url: str, *, migrate: bool = True, busy_seconds: float = BUSY_SECONDS) -> Engine:
    """Engine + schema upgrade (or, with ``migrate`` false, a check that none is needed); failures become
    :class:`StorageError` with a one-line reason."""
    try:
        engine = make_engine(url, busy_seconds=busy_seconds)
        if not migrate:
            current, head = schema_revision(engine), head_revision()
            if current != head:
                raise StorageError(
                    f"the database schema is at revision {current or 'none'}, this version needs {head}: run "
                    "`frontier-intake db upgrade` (INTAKE_AUTO_MIGRATE=false)"
                )
            return engine
        upgrade(engine, busy_seconds=busy_seconds)
    except (SQLAlchemyError, OSError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise StorageError(f"database {redacted_url(url)}: {reason}") from exc
    return engine
