"""Transactional outbox for replies (855/ORDRSP, 865): owed in the state change's transaction.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07 06:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reply_outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("accepted", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"], name=op.f("fk_reply_outbox_order_id_orders"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reply_outbox")),
    )
    with op.batch_alter_table("reply_outbox", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reply_outbox_order_id"), ["order_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_reply_outbox_delivered_at"), ["delivered_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("reply_outbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reply_outbox_delivered_at"))
        batch_op.drop_index(batch_op.f("ix_reply_outbox_order_id"))
    op.drop_table("reply_outbox")
