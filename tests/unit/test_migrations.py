"""Migrations carry stored data forward: a database from before the search index and the counted columns."""

from __future__ import annotations

import json
import shutil

import pytest
from alembic import command
from sqlalchemy import text

from service.db import MIGRATIONS, alembic_config, make_engine, upgrade
from tests.conftest import fresh_database_url


def test_0006_fills_the_counted_columns_and_indexes_stored_messages(tmp_path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    command.upgrade(alembic_config(engine), "0005")
    nomination = {"country_or_org": "Côte d'Ivoire", "delegates": [{"title": "Mme"}, {"title": "M."}, {"title": ""}]}
    with engine.begin() as db:
        for i, (subject, fields) in enumerate([("Désignation des délégués", nomination), ("Question", {})], 1):
            db.execute(
                text(
                    "INSERT INTO message (id, sha256, size, source, origin, status, from_name, from_address, subject,"
                    " stored_at, body_text, parsed, fields, signals, needs_triage, acknowledge, triage_corrected,"
                    " review_status) VALUES (:id, :sha, 1, 'import', '', 'parsed', 'Ana', 'ana@mission.example',"
                    " :subject, '2025-10-01 10:00:00', 'corps du message', '{}', :fields, '[]', 0, 0, 0, 'new')"
                ),
                {"id": i, "sha": f"{i:064x}", "subject": subject, "fields": json.dumps(fields)},
            )
        db.execute(
            text(
                "INSERT INTO attachment (message_id, filename, safe_filename, content_type, size, sha256, inline, text)"
                " VALUES (1, 'letter.pdf', 'letter.pdf', 'application/pdf', 1, :sha, 0, 'Lettre de nomination')"
            ),
            {"sha": "f" * 64},
        )
    upgrade(engine)
    with engine.connect() as db:
        columns = "country_or_org, delegates_female, delegates_male, delegates_unknown"
        rows = db.execute(text(f"SELECT id, {columns} FROM message ORDER BY id")).all()
        assert [tuple(r) for r in rows] == [(1, "Côte d'Ivoire", 1, 1, 1), (2, None, 0, 0, 0)]
        found = db.execute(text("SELECT rowid FROM message_search WHERE message_search MATCH 'designation'")).all()
        assert [r for (r,) in found] == [1]
        in_letter = db.execute(text("SELECT rowid FROM message_search WHERE message_search MATCH 'lettre'")).all()
        assert [r for (r,) in in_letter] == [1]
        assert db.execute(text("SELECT count(*) FROM message_search")).scalar() == 2


BROKEN = """
import sqlalchemy as sa
from alembic import op

revision = "9999"
down_revision = "{head}"


def upgrade() -> None:
    op.add_column("message", sa.Column("half_done", sa.Text()))
    raise RuntimeError("killed right after the DDL")
"""


def test_a_migration_cut_short_leaves_nothing_half_done(tmp_path) -> None:
    """A process stopped inside a migration (here: one that fails after its DDL) leaves the schema as it was,
    so the next start runs that migration again instead of tripping over a half-added column."""
    engine = make_engine(f"sqlite:///{tmp_path / 'cut.db'}")
    upgrade(engine)
    with engine.connect() as db:
        head = db.execute(text("SELECT version_num FROM alembic_version")).scalar()
    scripts = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS, scripts, ignore=shutil.ignore_patterns("__pycache__"))
    (scripts / "versions" / "9999_broken.py").write_text(BROKEN.format(head=head))
    with pytest.raises(RuntimeError, match="killed"):
        upgrade(engine, scripts)
    with engine.connect() as db:
        columns = {row[1] for row in db.execute(text("PRAGMA table_info('message')"))}
        assert db.execute(text("SELECT version_num FROM alembic_version")).scalar() == head
    assert "half_done" not in columns and "category" in columns


def test_0014_adds_the_purge_marks_to_stored_messages_unset(tmp_path) -> None:
    """Messages stored before the retention purge existed hold all their data: every mark is unset."""
    engine = make_engine(f"sqlite:///{tmp_path / 'before.db'}")
    command.upgrade(alembic_config(engine), "0013")
    with engine.begin() as db:
        db.execute(
            text(
                "INSERT INTO message (id, sha256, size, source, origin, status, from_name, from_address, subject,"
                " stored_at, body_text, parsed, fields, signals, needs_triage, acknowledge, triage_corrected,"
                " review_status, delegates_female, delegates_male, delegates_unknown) VALUES (1, :sha, 1, 'import',"
                " '', 'parsed', '', '', 'x', '2025-10-01 10:00:00', 'body', '{}', '{}', '[]', 0, 0, 0, 'new', 0, 0, 0)"
            ),
            {"sha": "a" * 64},
        )
    upgrade(engine)
    marks = "raw_messages_purged_at, attachments_purged_at, delegate_details_purged_at"
    with engine.connect() as db:
        assert [tuple(r) for r in db.execute(text(f"SELECT id, {marks} FROM message"))] == [(1, None, None, None)]
    command.downgrade(alembic_config(engine), "0013")
    with engine.connect() as db:
        columns = {row[1] for row in db.execute(text("PRAGMA table_info('message')"))}
        assert "raw_messages_purged_at" not in columns and db.execute(text("SELECT count(*) FROM message")).scalar()


QUEUE_ORDER = ("ix_message_received_at", "ix_message_confidence", "ix_message_queue_category", "ix_message_queue_time")


def _index_definitions(engine) -> dict[str, str]:
    sql = {
        "postgresql": "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'message'",
        "sqlite": "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'message'",
    }[engine.dialect.name]
    with engine.connect() as db:
        return {name: definition for name, definition in db.execute(text(sql)) if name.startswith("ix_message_")}


def test_0015_gives_postgresql_the_review_indexes_that_sqlite_has_of_itself(tmp_path) -> None:
    """On PostgreSQL the queue's order indexes put empty values first and end with the id, and the facets are
    found by id in an index, as SQLite's indexes (NULL first, the rowid last) and table (stored by id) give
    them; a step back restores the indexes as they were. SQLite's stay as they were."""
    engine = make_engine(fresh_database_url(tmp_path))
    upgrade(engine)
    now = _index_definitions(engine)
    command.downgrade(alembic_config(engine), "0014")
    before = _index_definitions(engine)
    upgrade(engine)
    assert _index_definitions(engine) == now and set(QUEUE_ORDER) <= set(now)
    if engine.dialect.name == "postgresql":
        assert "(received_at NULLS FIRST, id)" in now["ix_message_received_at"]
        assert "(confidence NULLS FIRST, id)" in now["ix_message_confidence"]
        assert "(category, received_at NULLS FIRST, " in now["ix_message_queue_category"]
        assert "(received_at NULLS FIRST, category, " in now["ix_message_queue_time"]
        assert "(id) INCLUDE (category, review_status, deadline_status, language, " in now["ix_message_facets_by_id"]
        assert set(now) - set(before) == {"ix_message_facets_by_id"}
        assert not any("NULLS FIRST" in definition for definition in before.values())
    else:
        assert before == now and "ix_message_facets_by_id" not in now
