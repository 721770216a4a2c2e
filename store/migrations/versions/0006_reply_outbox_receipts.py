"""Replies outbox for receipts: the 997/CONTRL owed by a processed document (issue 22).

A functional acknowledgement answers a document, not an order, and is rendered when it is owed
(its control numbers taken in the same transaction), so a re-delivery writes the same file again
instead of a second interchange. ``order_id`` becomes optional; ``document_id``, ``partner``,
``name`` and ``body`` hold what the delivery writes.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07 21:50:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("reply_outbox", schema=None) as batch_op:
        batch_op.alter_column("order_id", existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column("document_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("partner", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("name", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("body", sa.Text(), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_reply_outbox_document_id_documents"), "documents",
                                    ["document_id"], ["id"], ondelete="CASCADE")
        batch_op.create_index(batch_op.f("ix_reply_outbox_document_id"), ["document_id"], unique=False)


def downgrade() -> None:
    op.execute("DELETE FROM reply_outbox WHERE order_id IS NULL")
    with op.batch_alter_table("reply_outbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reply_outbox_document_id"))
        batch_op.drop_constraint(batch_op.f("fk_reply_outbox_document_id_documents"), type_="foreignkey")
        batch_op.drop_column("body")
        batch_op.drop_column("name")
        batch_op.drop_column("partner")
        batch_op.drop_column("document_id")
        batch_op.alter_column("order_id", existing_type=sa.Integer(), nullable=False)
