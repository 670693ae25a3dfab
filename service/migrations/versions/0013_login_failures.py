"""failed logins in the database, so every web process shares the review UI's throttle

Revision ID: 0013
Revises: 0012
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

import service.models

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "login_failure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=400), nullable=False),
        sa.Column("at", service.models.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_login_failure_key_at", "login_failure", ["key", "at"])
    op.create_index("ix_login_failure_at", "login_failure", ["at"])


def downgrade() -> None:
    op.drop_table("login_failure")
