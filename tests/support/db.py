"""Reading the product's database from a test, whichever database the settings name (SQLite or PostgreSQL)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from config.settings import Settings


@lru_cache(maxsize=64)
def engine(url: str) -> Engine:
    """An engine for ``url`` without a pool (tests open a connection now and then, beside running processes)."""
    return create_engine(url, poolclass=NullPool)


def rows(settings: Settings | str, sql: str, **params: Any) -> list[tuple]:
    """The rows of one query (bound parameters by name: ``:name``)."""
    url = settings if isinstance(settings, str) else settings.effective_database_url
    with engine(url).connect() as connection:
        return [tuple(row) for row in connection.execute(text(sql), params)]


def count_or_zero(settings: Settings | str, table: str) -> int:
    """Rows in ``table``, 0 while the schema does not exist yet (a process is still starting)."""
    try:
        return rows(settings, f"SELECT count(*) FROM {table}")[0][0]
    except SQLAlchemyError:
        return 0
