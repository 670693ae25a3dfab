"""full-text index on PostgreSQL: a tsvector of each message's index words, with a GIN index

Revision ID: 0011
Revises: 0010

SQLite has had its FTS5 table since 0006; a PostgreSQL database searched by substring until now. Its index is
built here from the stored messages (a fresh database got an empty one from 0006).
"""

import sqlalchemy as sa
from alembic import op

from service import search_index

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        search_index.rebuild(bind)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(sa.text(f"DROP TABLE IF EXISTS {search_index.PG_TABLE}"))
