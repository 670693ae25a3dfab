"""one poller per mailbox folder: the lease row that several workers share (and the last poll's time)

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

import service.models

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "poll_lease",
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=600), nullable=False),
        sa.Column("holder", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("expires_at", service.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("taken_at", service.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_poll_at", service.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_poll_seconds", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("name"),
    )


def downgrade() -> None:
    op.drop_table("poll_lease")
