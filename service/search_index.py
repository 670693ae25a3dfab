"""The queue's full-text index, holding each message's words as :mod:`handlers.search` cuts them.

SQLite keeps them in an FTS5 table; PostgreSQL in a ``tsvector`` column (the ``simple`` configuration: the
words are already folded, and pairs of characters for Chinese) with a GIN index. A row is written with its
message, in the same transaction (:func:`service.repository.add_messages`), and the whole index is rebuilt by a
migration whenever the way words are cut changes. Subject, sender and body never change after a message is
stored, except when a purge removes its text under the retention policy: :func:`replace` then indexes what is
left. Any other database searches by substring.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, Engine, or_, text
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session

from handlers.search import SearchDocument, match_expression, message_document, ts_query
from service.models import Message

TABLE = "message_search"
CREATE = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5("
    "subject, sender, body, attachments, tokenize = 'unicode61 remove_diacritics 0')"
)
_INSERT = text(f"INSERT INTO {TABLE} (rowid, subject, sender, body, attachments) VALUES (:id, :s, :f, :b, :a)")
_HITS = "temp.search_hits"  # per connection, outside the database file: reading the queue writes nothing
_FILL = (
    "CREATE TEMP TABLE IF NOT EXISTS search_hits (id INTEGER PRIMARY KEY)",
    f"DELETE FROM {_HITS}",
)
_INSERT_HITS = text(f"INSERT INTO {_HITS} (id) SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH :fts")
FEW = 5000  # fewer matches than this: look them up by id; more: walk the queue's order and keep the matches


_ATTACHMENTS = {
    "sqlite": "(SELECT group_concat(a.text, char(10)) FROM attachment a WHERE a.message_id = m.id)",
    "postgresql": "(SELECT string_agg(a.text, chr(10) ORDER BY a.id) FROM attachment a WHERE a.message_id = m.id)",
}
PG_TABLE = "message_words"
PG_CREATE = (
    f"CREATE TABLE IF NOT EXISTS {PG_TABLE} (message_id INTEGER PRIMARY KEY REFERENCES message (id) "
    "ON DELETE CASCADE, words TSVECTOR NOT NULL)",
    f"CREATE INDEX IF NOT EXISTS ix_{PG_TABLE}_words ON {PG_TABLE} USING GIN (words)",
)
PG_MAX_CHARS = 400_000  # a tsvector holds at most 1 MB: the start of a huge body is enough to find it
_PG_INSERT = text(f"INSERT INTO {PG_TABLE} (message_id, words) VALUES (:id, to_tsvector('simple', :doc))")


def enabled(connection: Connection) -> bool:
    """Whether this database keeps the index (SQLite, PostgreSQL)."""
    return connection.dialect.name in ("sqlite", "postgresql")


def _pg_document(d: SearchDocument) -> str:
    return " ".join(part for part in (d.subject, d.sender, d.body, d.attachments) if part)[:PG_MAX_CHARS]


def add(connection: Connection, rows: Iterable[tuple[int, SearchDocument]]) -> None:
    """Index messages by id (no-op on databases without the index)."""
    if not enabled(connection):
        return
    if connection.dialect.name == "postgresql":
        documents = [{"id": i, "doc": _pg_document(d)} for i, d in rows]
        if documents:
            connection.execute(_PG_INSERT, documents)
        return
    params = [{"id": i, "s": d.subject, "f": d.sender, "b": d.body, "a": d.attachments} for i, d in rows]
    if params:
        connection.execute(_INSERT, params)


def replace(connection: Connection, rows: Iterable[tuple[int, SearchDocument]]) -> None:
    """Index messages again by id, their old words dropped (a purge removed text they held)."""
    if not enabled(connection):
        return
    rows = list(rows)
    ids = [{"id": i} for i, _ in rows]
    if not ids:
        return
    if connection.dialect.name == "postgresql":
        connection.execute(text(f"DELETE FROM {PG_TABLE} WHERE message_id = :id"), ids)
    else:
        connection.execute(text(f"DELETE FROM {TABLE} WHERE rowid = :id"), ids)
    add(connection, rows)


MERGE_PAGES = 500  # pages one step of SQLite's incremental merge writes: a short transaction each
MAX_MERGES = 100_000


def forget_replaced(engine: Engine) -> None:
    """Drop the words of replaced documents from SQLite's index itself: FTS5 marks them deleted but keeps them in
    its older segments until those are merged, so merge them all, a step per short transaction (other writers
    wait milliseconds, not the whole merge), with the freed pages zeroed. PostgreSQL replaces the row; its old
    version goes at the next ``VACUUM``."""
    if engine.dialect.name != "sqlite":
        return
    for _ in range(MAX_MERGES):
        with engine.begin() as connection:
            connection.exec_driver_sql("PRAGMA secure_delete = ON")
            before = connection.execute(text("SELECT total_changes()")).scalar_one()
            connection.execute(text(f"INSERT INTO {TABLE} ({TABLE}, rank) VALUES ('merge', -{MERGE_PAGES})"))
            done = connection.execute(text("SELECT total_changes()")).scalar_one() - before
        if done < 2:  # nothing left to merge (SQLite's documented test for it)
            return


def rebuild(connection: Connection, batch: int = 2000) -> int:
    """Index every stored message again from its columns and attachment text; returns how many."""
    if not enabled(connection):
        return 0
    if connection.dialect.name == "postgresql":
        for statement in PG_CREATE:
            connection.execute(text(statement))
        connection.execute(text(f"DELETE FROM {PG_TABLE}"))
    else:
        connection.execute(text(CREATE))
        connection.execute(text(f"DELETE FROM {TABLE}"))
    done, last = 0, 0
    while True:
        rows = connection.execute(
            text(
                "SELECT m.id, m.subject, m.from_name, m.from_address, m.body_text, "
                + _ATTACHMENTS[connection.dialect.name]
                + " FROM message m WHERE m.id > :last ORDER BY m.id LIMIT :n"
            ),
            {"last": last, "n": batch},
        ).all()
        if not rows:
            return done
        add(connection, [(row[0], message_document(*row[1:])) for row in rows])
        done, last = done + len(rows), rows[-1][0]


def clause(session: Session, query: str) -> ColumnElement[Any]:
    """Messages matching what a reviewer typed: all its words, from the index (SQLite); else a substring.

    The index is asked once per session (a request): its matches go to a temporary table that the count, the
    per-category counts and the page all read. How SQLite should use them depends on how many there are: a
    few are fetched by id and sorted; many (a common word) are tested while the queue's own index is walked
    newest first, which stops as soon as a page is full. A ``+`` before the column keeps the planner from
    choosing the first way for them.
    """
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        tsquery = ts_query(query)
        if tsquery is not None:
            return text(  # type: ignore[return-value]
                f"message.id IN (SELECT message_id FROM {PG_TABLE} WHERE words @@ to_tsquery('simple', :tsquery))"
            ).bindparams(tsquery=tsquery)
    expression = match_expression(query) if connection.dialect.name == "sqlite" else None
    if expression is not None:
        key = (id(connection.connection.dbapi_connection), expression)  # the temp table lives on that connection
        found = session.info.get("search_hits")
        if found is None or found[0] != key:
            for statement in _FILL:
                connection.execute(text(statement))
            found = (key, connection.execute(_INSERT_HITS, {"fts": expression}).rowcount)
            session.info["search_hits"] = found
        column = "message.id" if found[1] < FEW else "+message.id"
        return text(f"{column} IN (SELECT id FROM {_HITS})")  # type: ignore[return-value]
    like = "%" + query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    columns = (Message.subject, Message.from_address, Message.from_name, Message.body_text)
    return or_(*(column.ilike(like, escape="\\") for column in columns))
