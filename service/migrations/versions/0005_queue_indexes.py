"""covering indexes for the review queue (filter + newest first without reading message bodies)

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

FILTERS = ["deadline_status", "review_status", "language", "needs_triage", "event", "id"]


def upgrade() -> None:
    op.create_index("ix_message_queue_category", "message", ["category", "received_at", *FILTERS])
    op.create_index("ix_message_queue_time", "message", ["received_at", "category", *FILTERS])
    if op.get_bind().dialect.name == "sqlite":
        op.execute(sa.text("ANALYZE"))


def downgrade() -> None:
    op.drop_index("ix_message_queue_time", "message")
    op.drop_index("ix_message_queue_category", "message")
