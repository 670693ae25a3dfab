"""keep staff corrections as labelled examples, record model trainings, and which model decided a message

Revision ID: 0010
Revises: 0009

Corrections made before this revision are in the audit trail (``reclassified``, ``fields_edited``); they are
copied into ``correction`` so the first ``frontier-intake train`` learns from them too.
"""

import json

import sqlalchemy as sa
import sqlmodel
from alembic import op

import service.models

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

WHAT = {"reclassified": "category", "fields_edited": "fields"}


def upgrade() -> None:
    correction = op.create_table(
        "correction",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("at", service.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("by", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("what", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("before", service.models.JSONType, nullable=True),
        sa.Column("after", service.models.JSONType, nullable=True),
        sa.Column("model_version", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.ForeignKeyConstraint(["message_id"], ["message.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_correction_message_id", "correction", ["message_id"])
    op.create_table(
        "model_training",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("file", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("trained_at", service.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("by", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("examples", sa.Integer(), nullable=False),
        sa.Column("corrections", sa.Integer(), nullable=False),
        sa.Column("held_out", sa.Integer(), nullable=False),
        sa.Column("macro_f1", sa.Float(), nullable=False),
        sa.Column("current_macro_f1", sa.Float(), nullable=False),
        sa.Column("promoted", sa.Boolean(), nullable=False),
        sa.Column("forced", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.add_column(sa.Column("model_version", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True))
    bind = op.get_bind()
    audit = sa.table(
        "audit_event",
        sa.column("at", service.models.UTCDateTime(timezone=True)),
        sa.column("actor", sa.String),
        sa.column("action", sa.String),
        sa.column("message_id", sa.Integer),
        sa.column("detail", service.models.JSONType),
    )
    rows = bind.execute(
        sa.select(audit.c.at, audit.c.actor, audit.c.action, audit.c.message_id, audit.c.detail)
        .where(audit.c.action.in_(tuple(WHAT)), audit.c.message_id.is_not(None))
        .order_by(audit.c.at)
    ).all()
    copied = []
    for at, actor, action, message_id, detail in rows:
        detail = json.loads(detail) if isinstance(detail, str) else detail or {}
        copied.append(
            {
                "message_id": message_id,
                "at": at,
                "by": actor,
                "what": WHAT[action],
                "before": detail.get("before"),
                "after": detail.get("after"),
            }
        )
    if copied:
        op.bulk_insert(correction, copied)


def downgrade() -> None:
    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.drop_column("model_version")
    op.drop_table("model_training")
    op.drop_index("ix_correction_message_id", "correction")
    op.drop_table("correction")
