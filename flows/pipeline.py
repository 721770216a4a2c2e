"""The pipeline as plain functions: ingest → extract → validate → route → push.

Prefect flows in ``flows/prefect_flows.py`` wrap these same functions as tasks, so the
benchmark can measure Prefect's overhead against the plain calls, and tests can run the
whole path without a Prefect server.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from orderflow.canonical import (
    CanonicalOrder,
    Envelope,
    Extraction,
    Issue,
    IssueCode,
    ReferenceData,
    Severity,
)
from orderflow.canonical.states import OPEN_STATES, OrderState
from orderflow.erp_push.base import ErpAdapter, PushRequest
from orderflow.extractors import ExtractContext, extract, is_unusable
from orderflow.flows import changes
from orderflow.flows.checkpoints import checkpoint
from orderflow.store import repository as repo
from orderflow.validators import (
    ExistingOrder,
    ValidationConfig,
    ValidationContext,
    ValidationResult,
    validate,
)
from orderflow.validators.confidence import merge_extraction_issues

log = logging.getLogger("orderflow.pipeline")


@dataclass
class Services:
    """Everything a pipeline step needs, built once by ``flows/services.py``."""

    session_factory: sessionmaker[Session]
    reference: ReferenceData
    validation: ValidationConfig
    adapter: ErpAdapter
    auto_approve: bool = True
    push_attempts: int = 5
    push_backoff_seconds: float = 2.0
    prefect_task_batch: int = 25  # documents (and pushes) per Prefect task run (settings.prefect_task_batch)
    hints_for: Callable[..., list[dict[str, Any]]] = lambda sender, data=None: []
    partners: list[Any] = field(default_factory=list)
    replies_dir: Path | None = None
    live_credit: Callable[[str], Decimal | None] | None = None
    reply_sinks: dict[str, Callable[[str, bytes], Any]] = field(default_factory=dict)  # drop label → upload
    mailer: Any = None  # flows/notify.Mailer: buyer confirmations / exception notices; None = no mail
    channel_customers: dict[str, str] = field(default_factory=dict)  # "sftp:NAME"/"imap:NAME" → bound customer
    stale_after: dt.timedelta = dt.timedelta(minutes=5)  # claim lease: a dead process's work is retaken after it


@dataclass
class OrderOutcome:
    id: int
    po_number: str | None
    customer: str | None
    state: str
    issues: list[str]


@dataclass
class DocumentOutcome:
    document_id: int
    document: str | None
    sha256: str
    state: str
    reason: str | None = None
    format: str | None = None
    channel: str | None = None
    orders: list[OrderOutcome] = field(default_factory=list)
    duplicate: bool = False

    def as_json(self) -> dict[str, Any]:
        return {
            "document": self.document,
            "document_id": self.document_id,
            "sha256": self.sha256,
            "format": self.format,
            "channel": self.channel,
            "state": self.state,
            "reason": self.reason,
            "duplicate": self.duplicate,
            "orders": [o.__dict__ for o in self.orders],
        }

    @property
    def has_exceptions(self) -> bool:
        return self.state == "failed" or any(
            o.state in (OrderState.NEEDS_REVIEW, OrderState.FAILED, OrderState.REJECTED) for o in self.orders
        )


def ingest(services: Services, envelope: Envelope) -> tuple[int, bool]:
    """Commit the raw document first (nothing lost); returns (document id, newly stored)."""
    with services.session_factory() as s, s.begin():
        doc, created = repo.save_document(s, envelope)
        return doc.id, created


def channel_source(order: CanonicalOrder, doc: Any, meta: dict[str, Any], fmt: str) -> None:
    """The whole ``source`` block is the channel's: channel, sender, filename, sha256 and time come
    from the stored document. Only the EDI extractors add to it what they read in the file's envelope
    (partner ids, control numbers); the portal JSON extractor drops a document's own ``source``."""
    order.source.channel = meta.get("channel") or doc.channel
    order.source.sender = meta.get("sender")
    order.source.filename = meta.get("filename")
    order.source.sha256 = doc.sha256
    order.source.received_at = doc.received_at
    order.source.format = order.source.format or fmt


def _reason(extraction: Extraction) -> str:
    return "; ".join(i.message for i in extraction.issues if i.severity == Severity.ERROR) or "unreadable"


def _existing_orders(s: Session, order: CanonicalOrder, customer_id: str | None, exclude_doc: int) -> list[ExistingOrder]:
    if not order.po_number:
        return []
    rows = repo.find_orders(s, customer_id=customer_id, po_number=order.po_number)
    return [
        ExistingOrder(
            customer_id=r.customer_id, po_number=r.po_number, state=r.state, order_id=r.id, purpose=r.purpose
        )
        for r in rows
        if r.document_id != exclude_doc
        and r.state not in (OrderState.REJECTED, OrderState.SUPERSEDED, OrderState.WAITING_FOR_ORIGINAL)
    ]


_RESERVING = (OrderState.NEEDS_REVIEW, OrderState.VALID, OrderState.APPROVED, OrderState.PUSHED)


def reserved_elsewhere(s: Session, document_id: int, skus: Iterable[str] | None = None) -> dict[str, Decimal]:
    """Stock already promised to other open orders (not yet in the ERP's committed figure), for ``skus``
    (all when None): their ``Reservation`` rows, one indexed query whatever the store's size."""
    return repo.reserved_by_sku(s, _RESERVING, exclude_document_id=document_id, skus=skus)


@dataclass
class StoreReservations:
    """``ValidationContext.reserved`` read from the store for just the SKUs an availability check asks
    about: checking an order costs the same with 100 or 100,000 orders in the store."""

    session: Session
    document_id: int

    def for_skus(self, keys: Iterable[str]) -> dict[str, Decimal]:
        return reserved_elsewhere(self.session, self.document_id, keys)


def validate_order(
    services: Services, s: Session, order: CanonicalOrder, *, document_id: int, extra_issues: Sequence[Issue] = (),
    ship_policy: str | None = None, picked: dict[str, str] | None = None,
) -> ValidationResult:
    """Validate against the snapshot; duplicates are looked up in the store first.
    ``ship_policy``: the order's own policy a CSR chose (``review.actions.ship_policy_of(row)``); ``picked``:
    the customer / ship-to ids a CSR picked (``review.actions.picked_of(row)``)."""
    picked = picked or {}
    ctx = ValidationContext(
        sender=order.source.sender,
        channel=order.source.channel,
        channel_customer=channel_customer_of(services, s, document_id),
        partner_ids=dict(order.source.partner_ids),
        existing_orders=[],
        live_credit=services.live_credit,
        ship_policy=ship_policy,
        customer_id=picked.get("customer_id"),
        ship_to_id=picked.get("ship_to_id"),
    )
    ctx.reserved = StoreReservations(s, document_id)
    first = validate(order, services.reference, ctx, services.validation)
    existing = _existing_orders(s, order, first.customer_id, document_id)
    if existing:
        ctx.existing_orders = existing
        first = validate(order, services.reference, ctx, services.validation)
    first.issues.extend(merge_extraction_issues(order, first.issues, extra_issues))  # issue 20: no doubles
    return first


def channel_customer_of(services: Services, s: Session, document_id: int | None) -> str | None:
    """The customer a document's drop or mailbox is bound to in settings (``customer = ...`` on an
    ``[[sftp]]`` or ``[[imap]]`` entry), else None."""
    if not services.channel_customers or document_id is None:
        return None
    doc = repo.get_document(s, document_id)
    if doc is None:
        return None
    meta = doc.meta or {}
    name = meta.get("drop") or meta.get("mailbox")
    return services.channel_customers.get(f"{doc.channel}:{name}") if name else None


def resolved_payload(result: ValidationResult) -> dict[str, Any]:
    """The enrichment kept beside the order (resolved SKUs, UOMs, prices, promises, approvals)."""
    return {**result.enrichment(), "approvals": []}


def route_state(result: ValidationResult, services: Services) -> OrderState:
    if result.blocking or result.approvals_required:
        return OrderState.NEEDS_REVIEW
    return OrderState.APPROVED if services.auto_approve else OrderState.VALID


def process_document(services: Services, document_id: int, *, actor: str = "system") -> DocumentOutcome:
    """Extract, validate and route one stored document. Bad input ends as a failed document."""
    with services.session_factory() as s, s.begin():
        doc = repo.get_document(s, document_id)
        if doc is None:
            raise LookupError(f"document {document_id} not found")
        data = bytes(doc.data)
        meta = dict(doc.meta or {})
        repo.mark_document(s, doc, "processing", actor=actor)
    outcome = DocumentOutcome(
        document_id=document_id,
        document=meta.get("filename"),
        sha256=doc.sha256,
        state="processing",
        channel=meta.get("channel"),
    )
    if meta.get("not_an_order"):
        return _fail(services, outcome, f"Not an order: {meta['not_an_order']}", None, actor)
    sender = meta.get("sender")
    ctx = ExtractContext(
        filename=meta.get("filename"),
        sender=sender,
        channel=meta.get("channel") or "cli",
        hints=services.hints_for(sender, data),
    )
    try:
        extraction = extract(data, ctx)
    except Exception as exc:  # the registry already catches; this is the last guard
        log.exception("extraction crashed for document %s", document_id)
        extraction = Extraction(
            format="unknown",
            issues=[Issue(code=IssueCode.PARSE_ERROR, message=f"Extraction failed: {type(exc).__name__}: {exc}")],
        )
    checkpoint("after_extract")
    outcome.format = extraction.format
    if is_unusable(extraction) or not extraction.orders:
        return _fail(services, outcome, _reason(extraction), extraction.format, actor)
    if (why := out_of_range(extraction.orders)) is not None:
        return _fail(services, outcome, why, extraction.format, actor)
    try:
        owed = _save_orders(services, document_id, extraction, meta, outcome, actor)
    except Exception as exc:
        if not is_data_error(exc):
            raise  # the store is unwell (connection, lock): the document stays for a retry
        log.warning("document %s: its orders cannot be stored: %s", document_id, type(exc).__name__)
        outcome.orders.clear()
        return _fail(services, outcome, f"The orders cannot be stored: {short_error(exc)}", extraction.format, actor)
    checkpoint("after_process")
    outcome.state = "processed"
    _acknowledge_receipt(services, owed)  # 997/CONTRL, and the buyer's exception notice for orders in review
    return outcome


#: The store keeps revisions (and counters) in INTEGER columns: PostgreSQL's int4 is the narrowest.
STORE_INT_MAX = 2**31 - 1


def _shown(n: int) -> str:
    """An integer for a message; a huge one by its size (``str`` refuses > 4300 digits)."""
    return str(n) if abs(n) < 10**18 else f"a {n.bit_length() * 30103 // 100000 + 1}-digit number"


def out_of_range(orders: Iterable[CanonicalOrder]) -> str | None:
    """Why these orders cannot be stored as they are (a revision beyond the store's integers), or None."""
    for index, order in enumerate(orders):
        if not 0 <= order.revision <= STORE_INT_MAX:
            return (f"orders[{index}].revision is {_shown(order.revision)}: out of range "
                    f"(0 to {STORE_INT_MAX}); the document needs a person")
    return None


def is_data_error(exc: BaseException) -> bool:
    """True when ``exc`` comes from the document's values (a number the database cannot hold, a value
    of the wrong kind, a rule that trips on them), False when the store itself is unwell (connection
    lost, lock timeout, a concurrent writer): that document is left for a retry."""
    from sqlalchemy.exc import DataError, DBAPIError

    if isinstance(exc, DataError):
        return True
    return not isinstance(exc, DBAPIError)


def short_error(exc: BaseException) -> str:
    """One line for a reason: the type and the first line of the message, capped."""
    text = (str(exc).strip().splitlines() or [""])[0][:300]
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _save_orders(services: Services, document_id: int, extraction: Extraction, meta: dict[str, Any],
                 outcome: DocumentOutcome, actor: str) -> list[int]:
    """Validate, route and store every order of the document in one transaction, with the 997/CONTRL
    it owes and the buyer's exception notice (the replies outbox); returns the owed replies' ids."""
    from orderflow.flows import notify, replies

    per_order = issues_per_order(extraction)
    with services.session_factory() as s, s.begin():
        doc = repo.document(s, document_id)
        for index, order in enumerate(extraction.orders):
            channel_source(order, doc, meta, extraction.format)
            current = next((o for o in doc.orders if o.doc_index == index), None)
            if current is not None and current.state in _SETTLED:
                outcome.orders.append(_order_outcome(current))  # already in the ERP or closed: untouched
                continue
            # --- order changes (flows/changes.py): a change/cancel/revision becomes a new version
            if changes.is_change(order):
                row = changes.handle_change(services, s, doc, index, order, extra_issues=per_order[index], actor=actor)
                outcome.orders.append(_order_outcome(row))
                continue
            # --- end order changes
            result = validate_order(services, s, order, document_id=document_id, extra_issues=per_order[index])
            state = route_state(result, services)
            row = repo.save_order(
                s,
                doc,
                index,
                order,
                state=state,
                issues=result.issues,
                customer_id=result.customer_id,
                ship_to_id=result.ship_to_id,
                resolved=resolved_payload(result),
                actor=actor,
            )
            outcome.orders.append(
                OrderOutcome(
                    id=row.id,
                    po_number=order.po_number,
                    customer=result.customer_id,
                    state=str(row.state),
                    issues=[i.code for i in result.issues],
                )
            )
            changes.apply_waiting(services, s, row, actor=actor)  # order changes: those that came first
        checkpoint("mid_orders_txn")
        if extraction.diagnostics:
            doc.meta = {**(doc.meta or {}), "diagnostics": [d.model_dump(mode="json") for d in extraction.diagnostics]}
        if extraction.metadata.get("ocr_words"):  # OCR'd pages' words: clickable in review, read by learning
            doc.meta = {**(doc.meta or {}), "ocr_words": extraction.metadata["ocr_words"]}
        owed = replies.owe_receipt(s, document_id, _receipts(s, extraction, document_id), actor=actor)
        if notify.notices_due(services, doc.channel):
            owed.append(replies.owe_notice(s, document_id, actor=actor))
        repo.mark_document(s, doc, "processed", fmt=extraction.format, actor=actor)
    return owed


def _receipts(s: Session, extraction: Extraction, document_id: int) -> list[tuple[str, str, str]]:
    """The 997/CONTRL rendered in the processing transaction; a reply that cannot be built is logged
    and never fails the document (a store error still aborts the transaction, for a retry)."""
    from sqlalchemy.exc import SQLAlchemyError

    from orderflow.flows import acks

    try:
        return acks.functional_acks_in(s, extraction)
    except SQLAlchemyError:
        raise
    except Exception:
        log.exception("building the functional acknowledgement failed for document %s", document_id)
        return []


def _acknowledge_receipt(services: Services, owed: list[int]) -> None:
    """Deliver the 997/CONTRL and exception notice the routed document owes (``replies.deliver`` never
    raises: what cannot go now stays owed for the next pass, and never loses the order)."""
    from orderflow.flows import replies

    if owed:
        replies.deliver(services, owed)


def deliver_receipt(services: Services, document_id: int | None, reply: tuple[str, str, str]) -> None:
    """Write a rendered 997/CONTRL under the document's reply folder and upload it to its drop's outbox
    (the replies outbox's delivery of a ``functional_ack``); raises when it could not be written."""
    from orderflow.flows import acks

    acks.send(services.replies_dir, [reply], folder=_reply_folder(services, document_id, [reply]))
    _upload_replies(services, document_id, [reply])


def _reply_folder(services: Services, document_id: int | None, replies: list[tuple[str, str, str]]) -> str | None:
    """Where the replies to this document are written: named after its channel (``acks.reply_folder``)."""
    from orderflow.flows import acks

    if not replies or document_id is None or services.replies_dir is None:
        return None
    with services.session_factory() as s:
        doc = repo.get_document(s, document_id)
        return acks.reply_folder(doc.meta if doc is not None else None, replies[0][0])


def _upload_replies(services: Services, document_id: int | None, replies: list[tuple[str, str, str]]) -> None:
    """Replies to a document that came by SFTP also go to that drop's outbox."""
    if not replies or not services.reply_sinks or document_id is None:
        return
    with services.session_factory() as s:
        doc = repo.get_document(s, document_id)
        drop = (doc.meta or {}).get("drop") if doc is not None else None
    sink = services.reply_sinks.get(drop) if drop else None
    if sink is None:
        return
    for _partner, name, text in replies:
        try:
            sink(name, text.encode("utf-8"))
        except Exception:  # the local copy is kept; the upload is retried by the next ack run
            log.exception("uploading %s to the %s outbox failed", name, drop)


def _acknowledge_order(services: Services, order_id: int, *, accepted: bool, actor: str = "system",
                       strict: bool = False, reply: tuple[str, str, str] | None = None) -> None:
    """What the buyer hears once the order is in the ERP (or rejected), once per decision: the
    855/ORDRSP of an EDI order and, on acceptance, the confirmation mail. ``strict`` (the replies
    outbox): either one that could not go raises after the other was tried, so the reply stays owed.
    ``reply``: the 855/ORDRSP rendered when it was owed (same control numbers on every delivery);
    without it (a row owed before replies were rendered then) it is rendered here."""
    failed: Exception | None = None
    try:
        _order_reply(services, order_id, accepted=accepted, actor=actor, strict=strict, reply=reply)
    except Exception as exc:
        failed = exc
    if accepted:
        try:
            _notify_buyer(services, order_id=order_id, strict=strict)  # confirmation with promise dates
        except Exception as exc:
            failed = failed or exc
    if failed is not None:
        raise failed


def _order_reply(services: Services, order_id: int, *, accepted: bool, actor: str, strict: bool,
                 reply: tuple[str, str, str] | None) -> None:
    """The 855/ORDRSP (865 for a change version) unless the partner was already told this decision."""
    from orderflow.flows import acks

    try:
        with services.session_factory() as s:
            row = repo.order(s, order_id)
            order, erp_no, resolved, doc_id = repo.order_canonical(row), row.erp_order_id, row.resolved, row.document_id
            if acks.ack_sent(s, order_id, accepted=accepted):
                return
        if order.source.format in changes.CHANGE_FORMATS:  # order changes: 865 / ORDRSP, not 855
            changes.acknowledge_change(services, order_id, accepted=accepted, strict=strict, reply=reply)
            return
        if reply is None:
            reply = acks.order_ack(services.session_factory, order, accepted=accepted, erp_order_no=erp_no,
                                   resolved=resolved)
        if reply is not None and not deliver_ack(services, order_id, doc_id, reply, accepted=accepted, actor=actor):
            raise OSError(f"the acknowledgement {reply[1]} could not be written")
    except Exception:
        log.exception("writing the order acknowledgement failed for order %s", order_id)
        if strict:
            raise


def deliver_ack(services: Services, order_id: int, doc_id: int | None, reply: tuple[str, str, str], *,
                accepted: bool, actor: str, session: Session | None = None) -> bool:
    """Write the 855/ORDRSP, upload it to the partner's outbox, and record that it went (``session``: the
    caller's open transaction, else a new one). False when it could not be written. A kill between the
    write and the record (checkpoint ``ack_written``) makes the next delivery write the same reply again."""
    from orderflow.flows import acks

    written = acks.send(services.replies_dir, [reply], folder=_reply_folder(services, doc_id, [reply]))
    _upload_replies(services, doc_id, [reply])
    if not written and services.replies_dir is not None:
        return False
    checkpoint("ack_written")
    if session is not None:
        acks.record_ack(session, order_id, accepted=accepted, reply=reply, actor=actor)
    else:
        with services.session_factory() as s, s.begin():
            acks.record_ack(s, order_id, accepted=accepted, reply=reply, actor=actor)
    return True


def _notify_buyer(services: Services, *, order_id: int, strict: bool = False) -> None:
    """Confirmation mail to the buyer (flows/notify.py) when SMTP is configured; raises only when
    ``strict`` (the replies outbox keeps it owed)."""
    if getattr(services, "mailer", None) is None:
        return
    from orderflow.flows import notify

    notify.order_pushed(services, order_id, strict=strict)


_ORDER_PREFIX = re.compile(r"^orders\[(\d+)\]\.?")


def issues_per_order(extraction: Extraction) -> list[list[Issue]]:
    """Extraction issues attached to their order: ``orders[i].field`` goes to order i (as ``field``),
    anything else concerns the whole document and goes to every order."""
    out: list[list[Issue]] = [[] for _ in extraction.orders]
    for issue in extraction.issues:
        field = issue.field or ""
        m = _ORDER_PREFIX.match(field)
        if m:
            index = int(m.group(1))
            if index < len(out):
                out[index].append(issue.model_copy(update={"field": field[m.end():] or None}))
            continue
        for bucket in out:
            bucket.append(issue)
    return out


def _fail(services: Services, outcome: DocumentOutcome, reason: str, fmt: str | None, actor: str) -> DocumentOutcome:
    from orderflow.flows import notify, replies

    with services.session_factory() as s, s.begin():
        doc = repo.document(s, outcome.document_id)
        repo.mark_document(s, doc, "failed", reason=reason, fmt=fmt, actor=actor)
        owed = [replies.owe_notice(s, doc.id, actor=actor)] if notify.notices_due(services, doc.channel) else []
    outcome.state = "failed"
    outcome.reason = reason
    _acknowledge_receipt(services, owed)  # buyer mail: exception notice
    return outcome


def ingest_and_process(services: Services, envelope: Envelope, *, force: bool = False) -> DocumentOutcome:
    """The CLI's unit of work: store first, then process unless already processed."""
    doc_id, created = ingest(services, envelope)
    if not created and not force:
        with services.session_factory() as s:
            doc = repo.document(s, doc_id)
            if doc.state in ("processed", "failed"):
                return existing_outcome(s, doc, duplicate=True)
    return process_safely(services, doc_id)


def existing_outcome(s: Session, doc: Any, *, duplicate: bool = False) -> DocumentOutcome:
    meta = dict(doc.meta or {})
    out = DocumentOutcome(
        document_id=doc.id,
        document=meta.get("filename"),
        sha256=doc.sha256,
        state=doc.state,
        reason=doc.reason,
        format=doc.format,
        channel=meta.get("channel"),
        duplicate=duplicate,
    )
    for row in sorted(doc.orders, key=lambda o: o.doc_index):
        out.orders.append(_order_outcome(row))
    return out


_SETTLED = frozenset(
    {OrderState.PUSHED, OrderState.ACKNOWLEDGED, OrderState.REJECTED, OrderState.SUPERSEDED, OrderState.APPROVED}
)


def _order_outcome(row: Any) -> OrderOutcome:
    return OrderOutcome(
        id=row.id,
        po_number=row.po_number,
        customer=row.customer_id,
        state=str(row.state),
        issues=[i.code for i in row.issues],
    )


def idempotency_key(customer_id: str | None, order: CanonicalOrder) -> str:
    """(customer, po_number, purpose, revision): the key the ERP push checks first — the store's own
    ``order_key``, so the ERP and the store never disagree on it ("?" stands for a missing part)."""
    return repo.key_of(customer_id or "?", order.po_number or "?", str(order.purpose), order.revision)


@dataclass
class PushOutcome:
    order_id: int
    ok: bool
    erp_order_id: str | None = None
    error: str | None = None
    created: bool = False
    skipped: bool = False  # another process holds (or held) the order's push lease: nothing done here


def _with_resolved_prices_and_dates(order: CanonicalOrder, lines: list[dict[str, Any]]) -> CanonicalOrder:
    """The order as the ERP should get it: prices filled from quote or contract, promise dates set."""
    import datetime as _dt

    order = order.model_copy(deep=True)
    for line, rl in zip(order.lines, lines, strict=False):
        if line.unit_price is None:
            price = rl.get("quote_price") or rl.get("unit_price") or rl.get("contract_price")
            if price is not None:
                line.unit_price = Decimal(str(price))
        elif rl.get("price_source") == "quote" and rl.get("quote_price") is not None:
            line.unit_price = Decimal(str(rl["quote_price"]))
        if rl.get("promised_date") and line.promised_date is None:
            line.promised_date = _dt.date.fromisoformat(rl["promised_date"])
    return order


def build_push_request(row: Any) -> PushRequest:
    """The adapter's view of a stored order: key, customer, resolved SKUs and UOMs per line."""
    order = repo.order_canonical(row)
    resolved = dict(row.resolved or {})
    lines = resolved.get("lines") or []
    order = _with_resolved_prices_and_dates(order, lines)
    return PushRequest(
        key=idempotency_key(row.customer_id, order),
        order=order,
        customer_id=row.customer_id or "",
        ship_to_id=row.ship_to_id,
        resolved_skus=[ln.get("sku") for ln in lines] or [ln.sku for ln in order.lines],
        uoms=[ln.get("uom") for ln in lines] or [ln.uom for ln in order.lines],
    )


def push_in_session(services: Services, s: Session, row: Any) -> str:
    """For the review app: push one approved order now, through the one push path (claim, attempt,
    state, acknowledgement all recorded there); raises with the ERP's reason on failure.

    The caller's session only read so far: its transaction is ended first, so the push's own
    transactions are not blocked by it (SQLite) and the caller reads the recorded result afterwards."""
    from orderflow.erp_push.base import PermanentERPError, TransientERPError

    order_id = row.id
    s.rollback()
    outcome = push_order(services, order_id, actor="review")
    if outcome.ok and outcome.erp_order_id:
        return outcome.erp_order_id
    if outcome.skipped:
        raise TransientERPError(f"the order is being pushed by another process ({outcome.error})")
    with services.session_factory() as fresh:
        again = repo.get_order(fresh, order_id)
        transient = again is not None and again.state == OrderState.APPROVED
    raise (TransientERPError if transient else PermanentERPError)(outcome.error or "push failed")


def push_order(services: Services, order_id: int, *, actor: str = "system", token: str | None = None) -> PushOutcome:
    """Push one approved order exactly once: the one push path (``flows/push.push_one``)."""
    from orderflow.flows.push import push_one

    return push_one(services, order_id, actor=actor, token=token)


def pending_pushes(services: Services) -> list[int]:
    with services.session_factory() as s:
        return [o.id for o in repo.list_queue(s, states=(OrderState.APPROVED,))]


def push_safely(services: Services, order_id: int, *, actor: str = "system", token: str | None = None
                ) -> PushOutcome:
    """``push_order`` for a loop: an order whose values break the push goes to review with the reason
    (RULE_ERROR), so the orders after it still go out. A store that is unwell raises (retry later)."""
    try:
        return push_order(services, order_id, actor=actor, token=token)
    except Exception as exc:
        if not is_data_error(exc):
            raise
        log.warning("pushing order %s crashed: %s", order_id, type(exc).__name__)
        error = f"the push crashed: {short_error(exc)}"
        _to_review(services, order_id, error, actor)
        return PushOutcome(order_id, False, error=error)


def _to_review(services: Services, order_id: int, error: str, actor: str) -> None:
    try:
        with services.session_factory() as s, s.begin():
            row = repo.get_order(s, order_id)
            if row is None or row.state != OrderState.APPROVED:
                return
            issue = Issue(code=IssueCode.RULE_ERROR, rule="push", message=f"The order could not be pushed: {error}. "
                          "Check its values and report it to IT.")
            repo.replace_issues(s, row, [*repo.order_issues(row), issue])
            repo.set_order_state(s, row, OrderState.NEEDS_REVIEW, actor=actor, reason=error)
    except Exception:  # the order stays approved; the next pass tries again
        log.exception("could not route order %s to review", order_id)


def push_approved(services: Services, *, actor: str = "system") -> list[PushOutcome]:
    """One push pass in order; stops at the first transient failure so the ERP sees orders in sequence.
    Each order is isolated: one that crashes the push goes to review and the pass goes on; orders
    another process is pushing (a worker's lease) are left to it."""
    from orderflow.flows import replies

    replies.deliver(services)  # what a killed run left owed
    results = []
    for oid in pending_pushes(services):
        result = push_safely(services, oid, actor=actor)
        if result.skipped:
            continue
        results.append(result)
        if not result.ok and _was_transient(services, oid):
            break
    return results


def _was_transient(services: Services, order_id: int) -> bool:
    with services.session_factory() as s:
        row = repo.get_order(s, order_id)
        return row is not None and row.state == OrderState.APPROVED


def resume_pending(services: Services, *, worker: str = "resume", stale_after: dt.timedelta | None = None) -> list[DocumentOutcome]:
    """Process documents a crashed run left behind: stored but never processed, or stuck in processing."""
    from orderflow.flows.leases import stale_after_of

    stale_after = stale_after_of(services) if stale_after is None else stale_after
    outcomes: list[DocumentOutcome] = []
    while True:
        with services.session_factory() as s, s.begin():
            ids = [d.id for d in repo.claim_documents(s, worker=worker, limit=20, stale_after=stale_after)]
        if not ids:
            return outcomes
        outcomes.extend(process_safely(services, doc_id, actor=worker) for doc_id in ids)


def process_safely(services: Services, document_id: int, *, actor: str = "system") -> DocumentOutcome:
    """``process_document`` for a loop: whatever one document does, it ends processed or failed with a
    reason and the loop goes on. A store that is unwell raises (the document stays for a retry)."""
    try:
        return process_document(services, document_id, actor=actor)
    except Exception as exc:
        if not is_data_error(exc):
            raise
        log.warning("processing document %s crashed: %s", document_id, type(exc).__name__)
        reason = f"Processing crashed: {short_error(exc)}"
        with services.session_factory() as s, s.begin():
            doc = repo.get_document(s, document_id)
            if doc is None:
                raise
            repo.mark_document(s, doc, "failed", reason=reason, actor=actor)
            meta = dict(doc.meta or {})
            return DocumentOutcome(document_id=document_id, document=meta.get("filename"), sha256=doc.sha256,
                                   state="failed", reason=reason, channel=meta.get("channel"))


def open_states() -> frozenset[OrderState]:
    return OPEN_STATES
