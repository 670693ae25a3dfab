"""full-text index of the queue (SQLite FTS5) and the dashboard's columns derived from ``fields``

Revision ID: 0006
Revises: 0005

``country_or_org`` and the delegates per gender are read by the dashboard and the country filter: as columns of
one covering index they are counted without parsing any JSON. Existing rows are filled in here; from now on
every write keeps them (``service.models._derive``). The search index is built from the stored messages.
"""

import sqlalchemy as sa
from alembic import op

from service import search_index
from service.models import COUNTED, COUNTRY_LENGTH, DELEGATE_COLUMNS, derived_columns

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("message", sa.Column("country_or_org", sa.String(COUNTRY_LENGTH), nullable=True))
    for column in DELEGATE_COLUMNS:
        op.add_column("message", sa.Column(column, sa.Integer(), nullable=False, server_default="0"))
    bind = op.get_bind()
    message = sa.table("message", sa.column("id", sa.Integer), sa.column("fields", sa.JSON))
    last = 0
    while True:
        rows = bind.execute(
            sa.select(message.c.id, message.c.fields).where(message.c.id > last).order_by(message.c.id).limit(5000)
        ).all()
        if not rows:
            break
        changes = [
            {"row_id": row_id, **derived}
            for row_id, fields in rows
            if (derived := derived_columns(fields))["country_or_org"] or any(derived[c] for c in DELEGATE_COLUMNS)
        ]
        if changes:
            bind.execute(
                sa.text(
                    "UPDATE message SET country_or_org = :country_or_org, delegates_female = :delegates_female, "
                    "delegates_male = :delegates_male, delegates_unknown = :delegates_unknown WHERE id = :row_id"
                ),
                changes,
            )
        last = rows[-1][0]
    op.create_index("ix_message_counts", "message", list(COUNTED))
    search_index.rebuild(bind)
    if bind.dialect.name == "sqlite":
        op.execute(sa.text("ANALYZE"))


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(sa.text(f"DROP TABLE IF EXISTS {search_index.TABLE}"))
    op.drop_index("ix_message_counts", "message")
    for column in ("country_or_org", *DELEGATE_COLUMNS):
        op.drop_column("message", column)
