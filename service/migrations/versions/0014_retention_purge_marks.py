"""when each kind of a message's personal data was removed under the retention policy (`frontier-intake purge`)

Revision ID: 0014
Revises: 0013
"""

import sqlalchemy as sa
from alembic import op

import service.models

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

COLUMNS = ("raw_messages_purged_at", "attachments_purged_at", "delegate_details_purged_at")


def upgrade() -> None:
    for name in COLUMNS:  # nullable, no default: a plain ADD COLUMN on SQLite and PostgreSQL alike
        op.add_column("message", sa.Column(name, service.models.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("message") as batch:
        for name in COLUMNS:
            batch.drop_column(name)
