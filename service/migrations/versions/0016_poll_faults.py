"""a mailbox's failing polls, for the review UI and ``status``: since when, how many in a row, the last fault

Revision ID: 0016
Revises: 0015
"""

import sqlalchemy as sa
from alembic import op

import service.models

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("poll_lease", sa.Column("failing_since", service.models.UTCDateTime(timezone=True), nullable=True))
    op.add_column("poll_lease", sa.Column("failures", sa.Integer(), nullable=False, server_default="0"))
    op.add_column("poll_lease", sa.Column("last_error_kind", sa.String(40), nullable=True))
    op.add_column("poll_lease", sa.Column("last_error", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("poll_lease") as batch:
        for name in ("last_error", "last_error_kind", "failures", "failing_since"):
            batch.drop_column(name)
