"""Reservations: stock each order takes, per SKU in base units, kept beside the order so that the
availability check of the next order is an indexed lookup, not a read of every open order's JSON.

Existing orders are back-filled from their ``resolved`` payloads.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 17:20:00
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from orderflow.canonical.reservations import reserved_quantities

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

JSON_TYPE = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "reservations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("sku", sa.String(length=100), nullable=False),
        sa.Column("qty", sa.String(length=50), nullable=False),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"], name=op.f("fk_reservations_order_id_orders"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reservations")),
    )
    with op.batch_alter_table("reservations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reservations_order_id"), ["order_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_reservations_sku"), ["sku"], unique=False)

    orders = sa.table("orders", sa.column("id", sa.Integer()), sa.column("resolved", JSON_TYPE))
    reservations = sa.table("reservations", sa.column("order_id", sa.Integer()), sa.column("sku", sa.String()),
                            sa.column("qty", sa.String()))
    bind = op.get_bind()
    rows: list[dict[str, object]] = []
    for order_id, resolved in bind.execute(sa.select(orders.c.id, orders.c.resolved).where(
            orders.c.resolved.is_not(None))):
        rows.extend({"order_id": order_id, "sku": sku, "qty": str(qty)}
                    for sku, qty in sorted(reserved_quantities([resolved]).items()))
        if len(rows) >= 5000:
            bind.execute(reservations.insert(), rows)
            rows = []
    if rows:
        bind.execute(reservations.insert(), rows)


def downgrade() -> None:
    with op.batch_alter_table("reservations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reservations_sku"))
        batch_op.drop_index(batch_op.f("ix_reservations_order_id"))
    op.drop_table("reservations")
