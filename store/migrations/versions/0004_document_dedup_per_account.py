"""Documents deduplicated per channel account, not globally (issue 18, trust boundaries).

Before, a document was known by its sha256 alone: client B posting a body byte-identical to
client A's got A's order id and state, and B's order never existed. Now the key is (sha256,
account) with account = ``store.repository.document_account`` (the sender's mail address or
the sender as given, else the drop/mailbox name). Existing rows are
back-filled from their channel, sender and metadata.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07 05:50:00
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from orderflow.store.repository import document_account

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

JSON_TYPE = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("account", sa.String(length=600), server_default="", nullable=False))

    documents = sa.table("documents", sa.column("id", sa.Integer()), sa.column("channel", sa.String()),
                         sa.column("sender", sa.String()), sa.column("meta", JSON_TYPE),
                         sa.column("account", sa.String()))
    bind = op.get_bind()
    rows = bind.execute(sa.select(documents.c.id, documents.c.channel, documents.c.sender, documents.c.meta)).all()
    for doc_id, channel, sender, meta in rows:
        bind.execute(documents.update().where(documents.c.id == doc_id).values(
            account=document_account(channel, sender, meta if isinstance(meta, dict) else {})))

    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_constraint("uq_documents_sha256", type_="unique")
        batch_op.create_unique_constraint("uq_documents_sha256_account", ["sha256", "account"])
        batch_op.create_index(batch_op.f("ix_documents_sha256"), ["sha256"], unique=False)


def downgrade() -> None:
    # Only possible while no two documents share a sha256.
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_documents_sha256"))
        batch_op.drop_constraint("uq_documents_sha256_account", type_="unique")
        batch_op.create_unique_constraint("uq_documents_sha256", ["sha256"])
        batch_op.drop_column("account")
