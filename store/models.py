"""SQLAlchemy 2 schema of the store: the only state shared between workers.

Alembic (``store/migrations``) creates these tables; keep the migrations and this module in step.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from orderflow.canonical.reservations import reserved_quantities
from orderflow.store.types import JSONType, UTCDateTime, utcnow

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {dt.datetime: UTCDateTime(), dict[str, Any]: JSONType, list[Any]: JSONType}


class Document(Base):
    """One received document: raw bytes plus channel metadata; known by (sha256, channel account)."""

    __tablename__ = "documents"
    # Deduplicated per channel account, not globally: another client's byte-identical body is its own document.
    __table_args__ = (UniqueConstraint("sha256", "account", name="uq_documents_sha256_account"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    account: Mapped[str] = mapped_column(String(600), default="", server_default="")  # repository.document_account
    data: Mapped[bytes] = mapped_column(LargeBinary)
    size: Mapped[int] = mapped_column(Integer, default=0)
    filename: Mapped[str | None] = mapped_column(String(500))
    content_type: Mapped[str | None] = mapped_column(String(200))
    channel: Mapped[str] = mapped_column(String(50), default="cli", index=True)
    sender: Mapped[str | None] = mapped_column(String(500))
    subject: Mapped[str | None] = mapped_column(Text)
    message_id: Mapped[str | None] = mapped_column(String(500))
    received_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    meta: Mapped[dict[str, Any]] = mapped_column(default=dict)  # full channel metadata
    state: Mapped[str] = mapped_column(String(20), default="received", index=True)
    reason: Mapped[str | None] = mapped_column(Text)
    format: Mapped[str | None] = mapped_column(String(50))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_by: Mapped[str | None] = mapped_column(String(200))
    claimed_at: Mapped[dt.datetime | None] = mapped_column()
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    orders: Mapped[list[Order]] = relationship(back_populates="document", order_by="Order.doc_index")


class Order(Base):
    """One canonical order found in a document, with its state, issues and history."""

    __tablename__ = "orders"
    __table_args__ = (UniqueConstraint("document_id", "doc_index", name="uq_orders_document_index"),)
    if TYPE_CHECKING:  # not columns: what a review action did, set on the loaded row for its caller
        learned: Any  # review.learning.Learned of the last fix, or None
        taught_xref: str | None  # the customer part a fix taught a cross-reference for
        requeued: list[int]  # waiting orders the correction re-validated
    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    doc_index: Mapped[int] = mapped_column(Integer, default=0)
    idem_key: Mapped[str | None] = mapped_column(String(500), unique=True)
    state: Mapped[str] = mapped_column(String(30), index=True)
    canonical: Mapped[dict[str, Any]] = mapped_column()
    customer_id: Mapped[str | None] = mapped_column(String(100), index=True)
    ship_to_id: Mapped[str | None] = mapped_column(String(100))
    po_number: Mapped[str | None] = mapped_column(String(200), index=True)
    purpose: Mapped[str] = mapped_column(String(20), default="original")
    revision: Mapped[int] = mapped_column(Integer, default=0)
    channel: Mapped[str | None] = mapped_column(String(50))
    previous_order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id", ondelete="SET NULL"))
    resolved: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    erp_order_id: Mapped[str | None] = mapped_column(String(200))
    claimed_by: Mapped[str | None] = mapped_column(String(200))
    claim_expires_at: Mapped[dt.datetime | None] = mapped_column()
    approvals: Mapped[list[Any]] = mapped_column(default=list)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    document: Mapped[Document] = relationship(back_populates="orders")
    issues: Mapped[list[IssueRow]] = relationship(
        back_populates="order", cascade="all, delete-orphan", order_by="IssueRow.id"
    )
    push_attempts: Mapped[list[PushAttempt]] = relationship(
        back_populates="order", cascade="all, delete-orphan", order_by="PushAttempt.id"
    )
    previous: Mapped[Order | None] = relationship(remote_side="Order.id")
    reservations: Mapped[list[Reservation]] = relationship(
        back_populates="order", cascade="all, delete-orphan", order_by="Reservation.id"
    )


class Reservation(Base):
    """Stock an order takes, per SKU in base units, read from its ``resolved`` payload.

    Kept in step by the ``Order.resolved`` set event below, so the availability check of the next
    order sums a few indexed rows instead of parsing every open order's JSON. Decimal text, summed
    in Python: exact on SQLite as on PostgreSQL.
    """

    __tablename__ = "reservations"
    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    sku: Mapped[str] = mapped_column(String(100), index=True)
    qty: Mapped[str] = mapped_column(String(50))

    order: Mapped[Order] = relationship(back_populates="reservations")


@event.listens_for(Order.resolved, "set")
def _reserve(order: Order, value: dict[str, Any] | None, _old: Any, _initiator: Any) -> None:
    """Every write of ``resolved`` (creation, re-validation, a CSR's change) rewrites the reservations."""
    order.reservations = [Reservation(sku=sku, qty=str(qty))
                          for sku, qty in sorted(reserved_quantities([value]).items())]


class IssueRow(Base):
    """One ``canonical.Issue`` of an order (replaced wholesale on every validation)."""

    __tablename__ = "issues"
    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(50), index=True)
    severity: Mapped[str] = mapped_column(String(10))
    field: Mapped[str | None] = mapped_column(String(200))
    message: Mapped[str] = mapped_column(Text)
    expected: Mapped[Any | None] = mapped_column(JSONType)
    actual: Mapped[Any | None] = mapped_column(JSONType)
    suggestions: Mapped[list[Any]] = mapped_column(default=list)
    rule: Mapped[str | None] = mapped_column(String(100))

    order: Mapped[Order] = relationship(back_populates="issues")


class AuditEvent(Base):
    """Who did what to which entity, when, with the before/after values."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_entity", "entity", "entity_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    entity: Mapped[str] = mapped_column(String(50))
    entity_id: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(50))
    actor: Mapped[str] = mapped_column(String(200))
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    before: Mapped[Any | None] = mapped_column(JSONType)
    after: Mapped[Any | None] = mapped_column(JSONType)
    reason: Mapped[str | None] = mapped_column(Text)


class PendingReply(Base):
    """Transactional outbox: a reply (855/ORDRSP, 865, 997/CONTRL) owed to a partner, written in the same
    transaction as the state change that causes it; delivered and retried by ``flows/replies.py``."""

    __tablename__ = "reply_outbox"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))  # order_ack | change_ack | functional_ack
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    # functional_ack (997/CONTRL): the document it answers and the reply rendered when it was owed
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    partner: Mapped[str | None] = mapped_column(String(200))
    name: Mapped[str | None] = mapped_column(String(200))
    body: Mapped[str | None] = mapped_column(Text)
    accepted: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str | None] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    claimed_until: Mapped[dt.datetime | None] = mapped_column()
    delivered_at: Mapped[dt.datetime | None] = mapped_column(index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)


class PushAttempt(Base):
    __tablename__ = "push_attempts"
    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    adapter: Mapped[str] = mapped_column(String(50))
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    ok: Mapped[bool] = mapped_column(Boolean)
    erp_order_id: Mapped[str | None] = mapped_column(String(200))
    error: Mapped[str | None] = mapped_column(Text)
    transient: Mapped[bool] = mapped_column(Boolean, default=False)
    attempt: Mapped[int] = mapped_column(Integer, default=1)

    order: Mapped[Order] = relationship(back_populates="push_attempts")


class ReferenceSnapshot(Base):
    """A whole ``canonical.ReferenceData`` as JSON (Decimals as strings)."""

    __tablename__ = "reference_snapshots"
    id: Mapped[int] = mapped_column(primary_key=True)
    taken_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    source: Mapped[str] = mapped_column(String(100))
    data: Mapped[dict[str, Any]] = mapped_column()


class ControlCounter(Base):
    """Last control number issued per (partner, kind), e.g. ISA13 or UNB interchange ref."""

    __tablename__ = "control_counters"
    partner: Mapped[str] = mapped_column(String(100), primary_key=True)
    kind: Mapped[str] = mapped_column(String(50), primary_key=True)
    last_value: Mapped[int] = mapped_column(Integer, default=0)


class LearnedCrossReference(Base):
    """A customer part number → SKU mapping a CSR taught the system by fixing an order."""

    __tablename__ = "learned_cross_references"
    __table_args__ = (UniqueConstraint("customer_id", "customer_part", name="uq_learned_xref_part"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(100))
    customer_part: Mapped[str] = mapped_column(String(200))
    sku: Mapped[str] = mapped_column(String(200))
    uom: Mapped[str | None] = mapped_column(String(20))
    created_by: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    uses: Mapped[int] = mapped_column(Integer, default=0)


class User(Base):
    """A review-UI user; ``password_hash`` is argon2 (hashed by the caller)."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    password_hash: Mapped[str] = mapped_column(String(300))
    role: Mapped[str] = mapped_column(String(30), default="csr")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class PortalIdempotencyKey(Base):
    """The response the portal endpoint gave for (client, Idempotency-Key), replayed on retry."""

    __tablename__ = "portal_idempotency_keys"
    client: Mapped[str] = mapped_column(String(100), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    response: Mapped[dict[str, Any]] = mapped_column()
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class ExtractionHint(Base):
    """A learned extraction hint (e.g. where a sender's PO number sits on the page)."""

    __tablename__ = "extraction_hints"
    __table_args__ = (Index("ix_hints_scope", "sender_scope", "fingerprint"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    sender_scope: Mapped[str | None] = mapped_column(String(300))
    fingerprint: Mapped[str | None] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(50))
    payload: Mapped[dict[str, Any]] = mapped_column()
    created_by: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    uses: Mapped[int] = mapped_column(Integer, default=0)
    retired: Mapped[bool] = mapped_column(Boolean, default=False)


class WebSession(Base):
    """A signed-in review-UI session, kept server-side so that sign-out (or an admin) revokes it.

    The browser's signed cookie carries only the session id; every request checks this row.
    """

    __tablename__ = "web_sessions"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 of the cookie's random id
    username: Mapped[str] = mapped_column(String(100), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column()


class LoginFailure(Base):
    """Consecutive failed sign-ins per (username, client address), and the lockout they caused."""

    __tablename__ = "login_failures"
    username: Mapped[str] = mapped_column(String(100), primary_key=True)
    address: Mapped[str] = mapped_column(String(100), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    locked_until: Mapped[dt.datetime | None] = mapped_column()
