"""Alembic environment: uses the engine handed over in ``config.attributes`` (see service.db)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import text
from sqlmodel import SQLModel

import service.models  # noqa: F401 - registers the tables on SQLModel.metadata

config = context.config
target_metadata = SQLModel.metadata


def run_migrations_online() -> None:
    """Run migrations on the bound engine; SQLite uses batch mode for ALTERs."""
    engine = config.attributes["engine"]
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            if connection.dialect.name == "postgresql":  # workers starting together migrate one after the other
                connection.execute(text("SELECT pg_advisory_xact_lock(7271001)"))
            context.run_migrations()
        connection.commit()


run_migrations_online()
