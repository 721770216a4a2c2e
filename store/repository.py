"""Repository functions: the only way the rest of orderflow reads and writes the store.

Every function takes a ``Session`` and leaves the commit to the caller, so a step of the
pipeline (save document, save orders, record the push) is one transaction it controls.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from email.utils import parseaddr
from typing import Any, cast

from sqlalchemy import ColumnElement, CursorResult, Executable, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from orderflow.canonical import CanonicalOrder, CrossReference, Envelope, Issue, ReferenceData
from orderflow.canonical.states import DocumentState, OrderState, can_transition
from orderflow.store.models import (
    AuditEvent,
    ControlCounter,
    Document,
    ExtractionHint,
    IssueRow,
    LearnedCrossReference,
    Order,
    PortalIdempotencyKey,
    PushAttempt,
    ReferenceSnapshot,
    Reservation,
    User,
)
from orderflow.store.types import utcnow


def affected(s: Session, stmt: Executable) -> int:
    """How many rows an UPDATE / DELETE changed: the compare-and-sets read it. ``Session.execute`` is
    typed as returning a plain ``Result``; for DML it is a ``CursorResult``, which has the count."""
    return cast(CursorResult[Any], s.execute(stmt)).rowcount


class StoreError(Exception):
    """Base class of store errors; the message is meant for a person."""


class IllegalTransition(StoreError):
    def __init__(self, entity: str, entity_id: Any, before: str, after: str) -> None:
        super().__init__(f"{entity} {entity_id}: cannot go from '{before}' to '{after}'")
        self.before, self.after = before, after


# --------------------------------------------------------------------------- keys


def order_key(customer_id: str | None, po_number: str | None, purpose: str, revision: int) -> str | None:
    """The idempotency key (customer, PO, purpose, revision); None while customer or PO is unknown."""
    if not customer_id or not po_number:
        return None
    return key_of(customer_id, po_number, purpose, revision)


def key_of(customer_id: str, po_number: str, purpose: str, revision: int) -> str:
    """The key's text for parts that are all known (``order_key`` when they may not be)."""
    return f"{customer_id}|{po_number}|{purpose}|{revision}"


# --------------------------------------------------------------------------- documents


def document_account(channel: str | None, sender: str | None, meta: dict[str, Any] | None = None) -> str:
    """Whom a document is deduplicated for: the sender's mail address (or the sender as given: portal
    client, partner id), else the drop or mailbox name, else "" (CLI, unnamed folder). The same bytes
    from the same account are one document whatever the channel; from another account they are
    another document (another client's byte-identical order is its own)."""
    raw = (sender or "").strip()
    if raw:
        address = parseaddr(raw)[1]
        who = address if "@" in address else raw
    else:
        who = str((meta or {}).get("drop") or (meta or {}).get("mailbox") or "")
    return who.lower()[:600]


def save_document(s: Session, env: Envelope) -> tuple[Document, bool]:
    """Store a received document first thing; the same bytes again from the same channel account
    return the existing row (``document_account``).

    A concurrent insert of the same (sha256, account) is caught by the unique key, so two
    workers fetching the same email still end with one row.
    """
    sha = env.sha256
    account = document_account(env.channel, env.sender, env.metadata)
    same = select(Document).where(Document.sha256 == sha, Document.account == account)
    existing = s.scalar(same)
    if existing is not None:
        return existing, False
    values = dict(
        sha256=sha,
        account=account,
        data=env.data,
        size=len(env.data),
        filename=env.filename,
        content_type=env.content_type,
        channel=env.channel,
        sender=env.sender,
        subject=env.subject,
        message_id=env.message_id,
        received_at=env.received_at,
        meta={
            "channel": env.channel,
            "filename": env.filename,
            "sender": env.sender,
            "subject": env.subject,
            "message_id": env.message_id,
            "received_at": env.received_at.isoformat() if env.received_at else None,
            "content_type": env.content_type,
            **{k: _jsonable(v) for k, v in env.metadata.items()},
        },
        state=DocumentState.RECEIVED.value,
        attempts=0,
        created_at=utcnow(),
        updated_at=utcnow(),
    )
    stmt = _insert(s)(Document).values(**values).on_conflict_do_nothing(
        index_elements=[Document.sha256, Document.account])
    new_id = s.execute(stmt.returning(Document.id)).scalar_one_or_none()
    doc = s.scalar(same)
    if new_id is None or doc is None:
        if doc is None:  # pragma: no cover - the conflicting row was rolled back meanwhile
            raise StoreError(f"document {sha} vanished during a concurrent save; retry")
        return doc, False
    add_audit(
        s,
        entity="document",
        entity_id=doc.id,
        action="received",
        actor=env.channel,
        after={"state": doc.state, "sha256": sha, "filename": env.filename},
    )
    return doc, True


def get_document(s: Session, doc_id: int) -> Document | None:
    return s.get(Document, doc_id)


def document(s: Session, doc_id: int) -> Document:
    """The document, for a caller that holds its id from the store: a missing one is a LookupError."""
    doc = s.get(Document, doc_id)
    if doc is None:
        raise LookupError(f"document {doc_id} not found")
    return doc


def find_document(s: Session, sha256: str, account: str | None = None) -> Document | None:
    """The document with these bytes (from ``account`` when given; else the first one stored)."""
    q = select(Document).where(Document.sha256 == sha256)
    if account is not None:
        q = q.where(Document.account == account)
    return s.scalar(q.order_by(Document.id))


def claim_documents(
    s: Session,
    *,
    worker: str,
    limit: int = 10,
    states: Sequence[str] = ("received",),
    stale_after: dt.timedelta | None = None,
) -> list[Document]:
    """Atomically move up to ``limit`` documents to ``processing`` for ``worker``.

    One ``UPDATE ... WHERE id IN (SELECT ... FOR UPDATE SKIP LOCKED) RETURNING id``: on
    PostgreSQL concurrent workers get disjoint sets without waiting; on SQLite the single
    statement runs under the database write lock. ``stale_after`` also re-claims documents
    left in ``processing`` by a worker that died longer ago than that.
    """
    now = utcnow()
    cond: ColumnElement[bool] = Document.state.in_(list(states))
    if stale_after is not None:
        cond = cond | (
            (Document.state == DocumentState.PROCESSING.value) & (Document.claimed_at < now - stale_after)
        )
    pick = (
        select(Document.id).where(cond).order_by(Document.id).limit(limit).with_for_update(skip_locked=True)
    )
    stmt = (
        update(Document)
        .where(Document.id.in_(pick.scalar_subquery()))
        .values(
            state=DocumentState.PROCESSING.value,
            claimed_by=worker,
            claimed_at=now,
            attempts=Document.attempts + 1,
            updated_at=now,
        )
        .returning(Document.id)
        .execution_options(synchronize_session=False)
    )
    ids = sorted(s.scalars(stmt).all())
    if not ids:
        return []
    docs = s.scalars(
        select(Document)
        .where(Document.id.in_(ids))
        .order_by(Document.id)
        .execution_options(populate_existing=True)
    ).all()
    return list(docs)


def mark_document(
    s: Session,
    doc: Document,
    state: str,
    *,
    reason: str | None = None,
    fmt: str | None = None,
    actor: str = "system",
) -> None:
    """Set a document's state (received|processing|processed|failed), with an audit event."""
    new = DocumentState(state).value
    before = {"state": doc.state, "reason": doc.reason}
    doc.state = new
    doc.reason = reason
    if fmt is not None:
        doc.format = fmt
    if new != DocumentState.PROCESSING.value:
        doc.claimed_by = None
    elif before["state"] != DocumentState.PROCESSING.value or doc.claimed_at is None:
        doc.claimed_at = utcnow()  # so a run that dies here is re-claimed after ``stale_after``
    doc.updated_at = utcnow()
    s.flush()
    add_audit(
        s,
        entity="document",
        entity_id=doc.id,
        action="state",
        actor=actor,
        before=before,
        after={"state": new, "reason": reason, "format": doc.format},
        reason=reason,
    )


# --------------------------------------------------------------------------- orders


def save_order(
    s: Session,
    doc: Document,
    index: int,
    order: CanonicalOrder,
    *,
    state: str,
    issues: list[Issue],
    customer_id: str | None,
    ship_to_id: str | None,
    resolved: dict | None,
    actor: str = "system",
    previous: Order | None = None,
) -> Order:
    """Create or update the order at position ``index`` of ``doc`` (reprocessing is idempotent).

    The idempotency key is set only when no other order holds it already: a second copy of a
    PO (different bytes, same customer/PO/purpose/revision) is stored without a key and the
    duplicate rule flags it; the first order keeps the key the ERP push uses. An update that
    changes the state must be a legal transition (``IllegalTransition`` otherwise).
    """
    new_state = OrderState(state).value
    row = s.scalar(select(Order).where(Order.document_id == doc.id, Order.doc_index == index))
    purpose = order.purpose.value if hasattr(order.purpose, "value") else str(order.purpose)
    key = order_key(customer_id, order.po_number, purpose, order.revision)
    if key is not None:
        holder = s.scalar(select(Order.id).where(Order.idem_key == key))
        if holder is not None and (row is None or holder != row.id):
            key = None
    values = dict(
        canonical=order.model_dump(mode="json"),
        customer_id=customer_id,
        ship_to_id=ship_to_id,
        po_number=order.po_number,
        purpose=purpose,
        revision=order.revision,
        resolved=_jsonable(resolved) if resolved is not None else None,
        idem_key=key,
        channel=doc.channel,
    )
    raised = raised_codes(row, issues)
    if row is None:
        row = Order(document_id=doc.id, doc_index=index, state=new_state, approvals=[], **values)
        if previous is not None:
            row.previous_order_id = previous.id
        s.add(row)
        s.flush()
        add_audit(
            s,
            entity="order",
            entity_id=row.id,
            action="created",
            actor=actor,
            after={"state": new_state, "po_number": order.po_number, "customer_id": customer_id,
                   **({"raised": raised} if raised else {})},
        )
    else:
        before_state = row.state
        if new_state != before_state and not can_transition(OrderState(before_state), OrderState(new_state)):
            raise IllegalTransition("order", row.id, before_state, new_state)
        before = {"state": before_state, "canonical": row.canonical}
        for k, v in values.items():
            setattr(row, k, v)
        row.state = new_state
        if previous is not None:
            row.previous_order_id = previous.id
        row.updated_at = utcnow()
        s.flush()
        add_audit(
            s,
            entity="order",
            entity_id=row.id,
            action="updated",
            actor=actor,
            before=before,
            after={"state": new_state, "canonical": row.canonical, **({"raised": raised} if raised else {})},
        )
    replace_issues(s, row, issues, audit_raised=False)
    return row


def set_order_state(
    s: Session, order: Order, state: str, *, actor: str, reason: str | None = None, action: str = "state"
) -> None:
    """Move an order to ``state`` if ``canonical.states`` allows it; audit before/after."""
    before, after = OrderState(order.state), OrderState(state)
    if not can_transition(before, after):
        raise IllegalTransition("order", order.id, before.value, after.value)
    order.state = after.value
    order.updated_at = utcnow()
    s.flush()
    add_audit(
        s,
        entity="order",
        entity_id=order.id,
        action=action,
        actor=actor,
        before={"state": before.value},
        after={"state": after.value},
        reason=reason,
    )


def update_order_data(
    s: Session,
    order: Order,
    canonical: CanonicalOrder,
    *,
    resolved: dict | None = None,
    customer_id: str | None = None,
    ship_to_id: str | None = None,
) -> None:
    """Replace an order's canonical JSON (after a correction), keeping denormalised columns in step.

    A validation payload (``resolved``) that says which customer and ship-to the order resolved to moves
    the columns with it: the push reads the columns, so a re-validation that resolved the customer (a
    CSR's pick, a corrected buyer name) must reach them, and one that lost it must not push the old one."""
    order.canonical = canonical.model_dump(mode="json")
    order.po_number = canonical.po_number
    order.revision = canonical.revision
    order.purpose = canonical.purpose.value
    if resolved is not None:
        order.resolved = _jsonable(resolved)
        if "customer_id" in resolved:
            order.customer_id = resolved["customer_id"]
        if "ship_to_id" in resolved:
            order.ship_to_id = resolved["ship_to_id"]
    if customer_id is not None:
        order.customer_id = customer_id
    if ship_to_id is not None:
        order.ship_to_id = ship_to_id
    order.updated_at = utcnow()
    s.flush()


def raised_codes(order: Order | None, issues: list[Issue]) -> list[str]:
    """Blocking codes in ``issues`` that ``order`` does not carry yet (all of them for a new order)."""
    before = {i.code for i in order.issues if i.severity == "error"} if order is not None else set()
    return sorted({str(i.code) for i in issues if i.severity.value == "error"} - before)


def replace_issues(s: Session, order: Order, issues: list[Issue], *, actor: str = "system",
                   audit_raised: bool = True) -> None:
    """Replace all issues of an order with the latest validation result.

    Blocking codes the order did not carry before are audited (``after.raised``; action ``issues``
    here, or inside the ``created``/``updated`` event ``upsert_order`` writes): the issue rows only
    hold what is open now, and ``orderflow stats`` counts what was raised."""
    raised = raised_codes(order, issues)
    if raised and audit_raised:
        add_audit(s, entity="order", entity_id=order.id, action="issues", actor=actor,
                  before={"codes": sorted({i.code for i in order.issues if i.severity == "error"})},
                  after={"raised": raised})
    order.issues.clear()
    s.flush()
    for i in issues:
        order.issues.append(
            IssueRow(
                code=str(i.code),
                severity=i.severity.value,
                field=i.field,
                message=i.message,
                expected=_jsonable(i.expected),
                actual=_jsonable(i.actual),
                suggestions=[x.model_dump(mode="json") for x in i.suggestions],
                rule=i.rule,
            )
        )
    s.flush()


def get_order(s: Session, order_id: int, *, for_update: bool = False) -> Order | None:
    """Load an order; ``for_update`` takes a row lock on PostgreSQL (review claims)."""
    if for_update:
        return s.scalar(
            select(Order)
            .where(Order.id == order_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    return s.get(Order, order_id)


def order(s: Session, order_id: int) -> Order:
    """The order, for a caller that holds its id from the store: a missing one is a LookupError."""
    row = s.get(Order, order_id)
    if row is None:
        raise LookupError(f"order {order_id} not found")
    return row


def find_orders(
    s: Session, *, customer_id: str | None, po_number: str, exclude_id: int | None = None
) -> list[Order]:
    """Orders with this PO number (and customer, when known); ``customer_id=None`` matches any customer."""
    q = select(Order).where(Order.po_number == po_number)
    if customer_id is not None:
        q = q.where(Order.customer_id == customer_id)
    if exclude_id is not None:
        q = q.where(Order.id != exclude_id)
    return list(s.scalars(q.order_by(Order.id)).all())


def find_order_by_key(s: Session, key: str) -> Order | None:
    return s.scalar(select(Order).where(Order.idem_key == key))


def failed_documents(s: Session, *, limit: int = 500) -> list[Document]:
    """Dead-lettered documents, newest first: each has its reason (issue 23: failed ones must be visible)."""
    q = (select(Document).where(Document.state == DocumentState.FAILED.value)
         .order_by(Document.id.desc()).limit(limit))
    return list(s.scalars(q).all())


def list_queue(
    s: Session,
    *,
    states: Sequence[str] = ("needs_review",),
    channel: str | None = None,
    customer: str | None = None,
    code: str | None = None,
    older_than: dt.timedelta | dt.datetime | None = None,
) -> list[Order]:
    """Orders in ``states`` (oldest first), filtered by channel, customer, issue code and age."""
    q = select(Order).where(Order.state.in_(list(states)))
    if channel:
        q = q.where(Order.channel == channel)
    if customer:
        q = q.where(Order.customer_id == customer)
    if code:
        q = q.where(Order.id.in_(select(IssueRow.order_id).where(IssueRow.code == code)))
    if older_than is not None:
        cutoff = utcnow() - older_than if isinstance(older_than, dt.timedelta) else older_than
        q = q.where(Order.created_at < cutoff)
    return list(s.scalars(q.order_by(Order.created_at, Order.id)).all())


def reserved_by_sku(s: Session, states: Iterable[str], *, exclude_document_id: int | None = None,
                    skus: Iterable[str] | None = None) -> dict[str, Decimal]:
    """Stock taken by the orders in ``states`` (their ``Reservation`` rows), per upper-case SKU, in base
    units; ``skus`` narrows it to the SKUs the caller asks about (an indexed lookup)."""
    q = select(Reservation.sku, Reservation.qty).join(Order).where(Order.state.in_(list(states)))
    if exclude_document_id is not None:
        q = q.where(Order.document_id != exclude_document_id)
    if skus is not None:
        wanted = sorted({k.upper() for k in skus if k})
        if not wanted:
            return {}
        q = q.where(Reservation.sku.in_(wanted))
    out: dict[str, Decimal] = {}
    for sku, qty in s.execute(q):
        out[sku] = out.get(sku, Decimal(0)) + Decimal(qty)
    return out


def orders_in_state(s: Session, state: str, *, limit: int | None = None) -> list[Order]:
    q = select(Order).where(Order.state == state).order_by(Order.id)
    if limit:
        q = q.limit(limit)
    return list(s.scalars(q).all())


def order_canonical(order: Order) -> CanonicalOrder:
    return CanonicalOrder.model_validate(order.canonical)


def order_issues(order: Order) -> list[Issue]:
    return [
        Issue.model_validate(
            {
                "code": r.code,
                "severity": r.severity,
                "field": r.field,
                "message": r.message,
                "expected": r.expected,
                "actual": r.actual,
                "suggestions": r.suggestions or [],
                "rule": r.rule,
            }
        )
        for r in order.issues
    ]


def order_history(s: Session, order: Order) -> list[Order]:
    """This order and its earlier revisions, newest first (follows ``previous_order_id``)."""
    chain: list[Order] = []
    seen: set[int] = set()
    cur: Order | None = order
    while cur is not None and cur.id not in seen:
        chain.append(cur)
        seen.add(cur.id)
        cur = s.get(Order, cur.previous_order_id) if cur.previous_order_id else None
    return chain


# --------------------------------------------------------------------------- push, audit


def record_push_attempt(
    s: Session,
    order: Order,
    *,
    adapter: str,
    ok: bool,
    erp_order_id: str | None = None,
    error: str | None = None,
    transient: bool = False,
) -> PushAttempt:
    """Log one push attempt (numbered per order); a success stores the ERP order number."""
    n = s.scalar(select(func.count()).select_from(PushAttempt).where(PushAttempt.order_id == order.id)) or 0
    row = PushAttempt(
        order_id=order.id,
        adapter=adapter,
        ok=ok,
        erp_order_id=erp_order_id,
        error=error,
        transient=transient,
        attempt=n + 1,
        at=utcnow(),
    )
    s.add(row)
    if ok and erp_order_id:
        order.erp_order_id = erp_order_id
    s.flush()
    return row


def push_attempts(s: Session, order: Order) -> list[PushAttempt]:
    return list(
        s.scalars(select(PushAttempt).where(PushAttempt.order_id == order.id).order_by(PushAttempt.id))
    )


def add_audit(
    s: Session,
    *,
    entity: str,
    entity_id: Any,
    action: str,
    actor: str,
    before: Any = None,
    after: Any = None,
    reason: str | None = None,
) -> AuditEvent:
    ev = AuditEvent(
        entity=entity,
        entity_id=str(entity_id),
        action=action,
        actor=actor or "system",
        before=_jsonable(before),
        after=_jsonable(after),
        reason=reason,
        at=utcnow(),
    )
    s.add(ev)
    s.flush()
    return ev


def audit_trail(s: Session, entity: str, entity_id: Any) -> list[AuditEvent]:
    q = select(AuditEvent).where(AuditEvent.entity == entity, AuditEvent.entity_id == str(entity_id))
    return list(s.scalars(q.order_by(AuditEvent.id)).all())


# --------------------------------------------------------------------------- reference data


def save_reference_snapshot(s: Session, ref: ReferenceData, source: str) -> int:
    row = ReferenceSnapshot(source=source, data=ref.model_dump(mode="json"), taken_at=utcnow())
    s.add(row)
    s.flush()
    return row.id


def latest_reference_snapshot(s: Session) -> ReferenceData | None:
    row = s.scalar(
        select(ReferenceSnapshot)
        .order_by(ReferenceSnapshot.taken_at.desc(), ReferenceSnapshot.id.desc())
        .limit(1)
    )
    return ReferenceData.model_validate(row.data) if row is not None else None


def next_control_number(s: Session, partner: str, kind: str) -> int:
    """The next interchange/group control number for (partner, kind), starting at 1.

    One atomic upsert (``INSERT ... ON CONFLICT DO UPDATE ... RETURNING``): on PostgreSQL the
    row stays locked until the caller commits, on SQLite the write lock serialises callers, so
    two workers never get the same number.
    """
    stmt = _insert(s)(ControlCounter).values(partner=partner, kind=kind, last_value=1)
    stmt = stmt.on_conflict_do_update(
        index_elements=[ControlCounter.partner, ControlCounter.kind],
        set_={"last_value": ControlCounter.last_value + 1},
    ).returning(ControlCounter.last_value)
    return int(s.execute(stmt).scalar_one())


# --------------------------------------------------------------------------- learning


def add_cross_reference(s: Session, xref: CrossReference) -> None:
    """Remember a learned customer-part → SKU mapping; teaching the same part again updates it."""
    row = s.scalar(
        select(LearnedCrossReference).where(
            LearnedCrossReference.customer_id == xref.customer_id,
            LearnedCrossReference.customer_part == xref.customer_part,
        )
    )
    if row is None:
        row = LearnedCrossReference(customer_id=xref.customer_id, customer_part=xref.customer_part, uses=0)
        s.add(row)
    row.sku = xref.sku
    row.uom = xref.uom
    row.created_by = xref.created_by
    row.created_at = xref.created_at or utcnow()
    s.flush()


def learned_cross_references(s: Session) -> list[CrossReference]:
    rows = s.scalars(select(LearnedCrossReference).order_by(LearnedCrossReference.id)).all()
    return [
        CrossReference(
            customer_id=r.customer_id,
            customer_part=r.customer_part,
            sku=r.sku,
            uom=r.uom,
            source="learned",
            created_by=r.created_by,
            created_at=r.created_at,
        )
        for r in rows
    ]


def count_cross_reference_use(s: Session, customer_id: str, customer_part: str) -> None:
    s.execute(
        update(LearnedCrossReference)
        .where(
            LearnedCrossReference.customer_id == customer_id,
            LearnedCrossReference.customer_part == customer_part,
        )
        .values(uses=LearnedCrossReference.uses + 1)
    )


def add_extraction_hint(
    s: Session,
    *,
    kind: str,
    payload: dict,
    sender_scope: str | None = None,
    fingerprint: str | None = None,
    created_by: str | None = None,
) -> ExtractionHint:
    row = ExtractionHint(
        kind=kind,
        payload=_jsonable(payload),
        sender_scope=sender_scope,
        fingerprint=fingerprint,
        created_by=created_by,
        uses=0,
        retired=False,
    )
    s.add(row)
    s.flush()
    return row


def extraction_hints(
    s: Session,
    *,
    sender_scope: str | None = None,
    fingerprint: str | None = None,
    include_retired: bool = False,
) -> list[ExtractionHint]:
    q = select(ExtractionHint)
    if sender_scope is not None:
        q = q.where(ExtractionHint.sender_scope == sender_scope)
    if fingerprint is not None:
        q = q.where(ExtractionHint.fingerprint == fingerprint)
    if not include_retired:
        q = q.where(ExtractionHint.retired.is_(False))
    return list(s.scalars(q.order_by(ExtractionHint.id)).all())


# --------------------------------------------------------------------------- users, portal


def add_user(s: Session, username: str, password_hash: str, role: str = "csr") -> User:
    row = User(username=username, password_hash=password_hash, role=role, active=True)
    s.add(row)
    s.flush()
    return row


def get_user(s: Session, username: str) -> User | None:
    return s.scalar(select(User).where(User.username == username))


def portal_response(s: Session, client: str, key: str) -> dict | None:
    row = s.get(PortalIdempotencyKey, (client, key))
    return row.response if row is not None else None


def save_portal_response(s: Session, client: str, key: str, response: dict) -> dict:
    """Store the response for (client, key); if another request stored one first, return that one."""
    stmt = _insert(s)(PortalIdempotencyKey).values(
        client=client, key=key, response=_jsonable(response), created_at=utcnow()
    )
    stmt = stmt.on_conflict_do_nothing(index_elements=[PortalIdempotencyKey.client, PortalIdempotencyKey.key])
    if s.execute(stmt.returning(PortalIdempotencyKey.key)).scalar_one_or_none() is not None:
        return response
    existing = s.scalar(
        select(PortalIdempotencyKey.response).where(
            PortalIdempotencyKey.client == client, PortalIdempotencyKey.key == key
        )
    )
    return existing if existing is not None else response


# --------------------------------------------------------------------------- helpers


def _insert(s: Session):
    """The dialect's INSERT construct (both have ``on_conflict_do_*``)."""
    return pg_insert if s.get_bind().dialect.name == "postgresql" else sqlite_insert


def _jsonable(value: Any) -> Any:
    """Make a value JSON-safe: Decimals and dates as strings, pydantic models dumped."""
    from decimal import Decimal

    from pydantic import BaseModel

    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, Iterable) and not isinstance(value, bytes | bytearray):
        return [_jsonable(v) for v in value]
    if isinstance(value, bytes | bytearray):
        return value.decode("utf-8", "replace")
    return str(value)
