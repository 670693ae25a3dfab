"""index the queue's "least certain first" order

Revision ID: 0008
Revises: 0007

Sorting 100,000 messages by confidence without an index took 160 ms a page; walking this index takes a few.
"""

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_message_confidence", "message", ["confidence"])


def downgrade() -> None:
    op.drop_index("ix_message_confidence", "message")
