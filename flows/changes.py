"""Order changes (X12 860, EDIFACT ORDCHG, revised portal/email POs) applied to their original order.

A change never edits the stored original. It becomes a **new version**: a new order row for the
change document, holding the full order as it now stands (``previous_order_id`` → the version it
changed, ``revision`` = previous + 1). The version history is the ``previous`` chain.

What happens to the previous version (the decision, kept in one place):

* not yet in the ERP (in review, valid, approved): it is marked ``superseded`` at once and the new
  version is validated and routed like any order (pushed as a new sale when approved);
* already in the ERP (pushed/acknowledged): it stays ``pushed`` — it is what the ERP holds — until
  the ERP sale is updated. The new version is pushed through the adapter's optional
  ``apply_change`` capability (keyed by the change version's idempotency key, so a re-delivery
  or a retry changes nothing twice); on success the previous version becomes ``superseded``. When
  the ERP refuses (Tryton: sale confirmed/processing, goods may have shipped) the new version goes
  to review with the ERP's reason and the buyer gets an 865/ORDRSP rejecting the changed lines.

A change whose original is not in the store yet waits (``waiting_for_original``) and is applied
when the original arrives; ``expire_waiting`` sends those older than the configured wait to review.

Incremental documents (860/ORDCHG: every line carries a change code) are merged into the previous
version line by line; other revisions (portal JSON ``"revision": 1``, a revised PDF) replace it
wholesale.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from dataclasses import asdict, dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any

from orderflow.canonical import CanonicalOrder, Issue, IssueCode, OrderLine, Purpose, Severity
from orderflow.canonical.states import OrderState, can_transition
from orderflow.erp_push.base import PermanentERPError, SupportsChanges
from orderflow.flows.acks import CHANGE_FORMATS
from orderflow.store import repository as repo
from orderflow.store.types import utcnow

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from orderflow.flows.pipeline import PushOutcome, Services

log = logging.getLogger("orderflow.changes")

DEFAULT_WAIT = dt.timedelta(hours=24)
_IN_ERP = frozenset({OrderState.PUSHED.value, OrderState.ACKNOWLEDGED.value})
_NOT_HEAD = frozenset(
    {OrderState.SUPERSEDED.value, OrderState.REJECTED.value, OrderState.FAILED.value,
     OrderState.WAITING_FOR_ORIGINAL.value}
)

# X12 POC02 (670) and EDIFACT LIN 1229 codes → what we do with the line.
_X12_OPS = {"AI": "add", "DI": "delete", "RZ": "replace"}
_EDIFACT_OPS = {"1": "add", "2": "delete", "3": "change", "4": "none", "5": "none"}
_HEADER_FIELDS = ("currency", "payment_terms", "requested_delivery_date", "buyer", "bill_to", "ship_to",
                  "supplier", "order_type")


class ChangeError(Exception):
    """A change document that cannot be applied to its previous version; the message is for a person."""


# --------------------------------------------------------------------------- the merge (pure)


@dataclass
class LineChange:
    """What became of one line of a change document (one POC / LIN): the 865/ORDRSP reports it."""

    line_no: str
    op: str  # add | delete | change | replace | none | cancel
    code: str | None
    accepted: bool = True
    reason: str | None = None

    @property
    def ack_status(self) -> str:
        """ACK01 / LineStatus: IA accepted, ID deleted, IR rejected."""
        if not self.accepted:
            return "IR"
        return "ID" if self.op in ("delete", "cancel") else "IA"


@dataclass
class Merge:
    """The new full version, and per line and header field what the change did."""

    order: CanonicalOrder
    lines: list[LineChange] = field(default_factory=list)
    header: list[str] = field(default_factory=list)
    incremental: bool = True

    @property
    def rejected(self) -> list[LineChange]:
        return [c for c in self.lines if not c.accepted]


def is_change(order: CanonicalOrder) -> bool:
    """A change or cancel document, or a revised PO (same PO number, revision above 0)."""
    return order.purpose in (Purpose.CHANGE, Purpose.CANCEL) or order.revision > 0


def is_incremental(change: CanonicalOrder) -> bool:
    """860/ORDCHG carry only the changed lines (with a change code); anything else is a full PO."""
    return change.source.format in CHANGE_FORMATS or any(ln.change_code for ln in change.lines)


def _op(code: str | None) -> str:
    c = (code or "").strip().upper()
    if not c:
        return "change"
    return _X12_OPS.get(c) or _EDIFACT_OPS.get(c) or "change"


def _norm_no(value: str | None) -> str:
    text = (value or "").strip()
    return text.lstrip("0") or text


def _find(lines: list[OrderLine], line: OrderLine) -> int | None:
    """Index of the line a change refers to: by line number, else by the same item identifier."""
    if line.line_no:
        for i, ln in enumerate(lines):
            if _norm_no(ln.line_no) == _norm_no(line.line_no):
                return i
    keys = [(k, v) for k, v in (("sku", line.sku), ("customer_part", line.customer_part), ("gtin", line.gtin)) if v]
    if not line.line_no and keys:
        for i, ln in enumerate(lines):
            if any(getattr(ln, k) == v for k, v in keys):
                return i
    return None


def _patched(old: OrderLine, new: OrderLine) -> OrderLine:
    """The old line with every value the change carries (qty, price, UOM, dates, item, text)."""
    data = old.model_dump()
    for name in ("qty", "uom", "unit_price", "price_basis", "customer_part", "sku", "gtin", "description",
                 "requested_date", "promised_date"):
        value = getattr(new, name)
        if value is not None:
            data[name] = value
    if new.ids:
        data["ids"] = {**old.ids, **new.ids}
    if new.notes:
        data["notes"] = [*old.notes, *new.notes]
    data["amount"] = None  # recomputed from qty × price
    data["change_code"] = new.change_code
    return OrderLine.model_validate(data)


def _next_revision(previous: CanonicalOrder, change: CanonicalOrder) -> int:
    return max(previous.revision + 1, change.revision)


def merge(previous: CanonicalOrder, change: CanonicalOrder) -> Merge:
    """Apply a change document to the previous version; the result is the complete new version."""
    if change.purpose == Purpose.CANCEL:
        new = previous.model_copy(deep=True)
        new.purpose, new.revision = Purpose.CANCEL, _next_revision(previous, change)
        new.source, new.provenance = change.source.model_copy(deep=True), {}
        new.notes = [*previous.notes, *change.notes]
        lines = [LineChange(ln.line_no or str(i + 1), "cancel", "DI") for i, ln in enumerate(previous.lines)]
        return Merge(new, lines, ["purpose"], incremental=True)
    if not is_incremental(change):
        return _replace_all(previous, change)
    new = previous.model_copy(deep=True)
    new.purpose, new.revision = Purpose.CHANGE, _next_revision(previous, change)
    new.source, new.provenance = change.source.model_copy(deep=True), {}
    new.declared_total = None  # an 860 states no total of the whole order
    new.declared_line_count = None
    header = []
    for name in _HEADER_FIELDS:
        value = getattr(change, name)
        if value is not None and value != getattr(previous, name):
            setattr(new, name, value.model_copy(deep=True) if hasattr(value, "model_copy") else value)
            header.append(name)
    if change.charges:
        new.charges = [c.model_copy() for c in change.charges]
        header.append("charges")
    if change.notes:
        new.notes = [*previous.notes, *change.notes]
    new.references = {**previous.references, **change.references}
    results = []
    for i, line in enumerate(change.lines):
        results.append(_apply_line(new.lines, line, i))
    return Merge(new, results, header)


def _apply_line(lines: list[OrderLine], line: OrderLine, index: int) -> LineChange:
    op = _op(line.change_code)
    label = line.line_no or str(index + 1)
    result = LineChange(label, op, line.change_code)
    at = _find(lines, line)
    if op == "none":
        return result
    if op in ("change", "replace") and line.qty is not None and line.qty == 0:
        op = result.op = "delete"
    if op == "add":
        if at is not None:
            return _reject(result, f"line {label} is already on the order; send a change (not an add) for it")
        if line.qty is None or line.qty <= 0:
            return _reject(result, f"added line {label} has no positive quantity")
        lines.append(line.model_copy(update={"change_code": line.change_code, "amount": None}))
        return result
    if at is None:
        if op == "replace" and line.qty:
            lines.append(line.model_copy())
            return result
        return _reject(result, f"line {label} is not on the order")
    if op == "delete":
        del lines[at]
        return result
    if line.qty is not None and line.qty < 0:
        return _reject(result, f"line {label}: a quantity cannot be negative")
    if op == "replace":
        lines[at] = line.model_copy(update={"line_no": lines[at].line_no, "amount": None})
    else:
        lines[at] = _patched(lines[at], line)
    return result


def _reject(result: LineChange, reason: str) -> LineChange:
    result.accepted, result.reason = False, reason
    return result


def _replace_all(previous: CanonicalOrder, change: CanonicalOrder) -> Merge:
    """A revised PO (portal, email, PDF): the new document is the whole order; diff the lines."""
    new = change.model_copy(deep=True)
    new.purpose, new.revision = Purpose.CHANGE, _next_revision(previous, change)
    header = [n for n in _HEADER_FIELDS if getattr(change, n) is not None and getattr(change, n) != getattr(previous, n)]
    old_by_no = {_norm_no(ln.line_no): ln for ln in previous.lines if ln.line_no}
    results = []
    for i, ln in enumerate(new.lines):
        before = old_by_no.pop(_norm_no(ln.line_no), None) if ln.line_no else None
        if before is None:
            results.append(LineChange(ln.line_no or str(i + 1), "add", None))
        elif _line_values(before) != _line_values(ln):
            results.append(LineChange(ln.line_no or str(i + 1), "change", None))
    results += [LineChange(ln.line_no or "?", "delete", None) for ln in old_by_no.values()]
    return Merge(new, results, header, incremental=False)


def _line_values(line: OrderLine) -> tuple:
    return (line.qty, line.uom, line.unit_price, line.sku, line.customer_part, line.gtin, line.requested_date)


def change_id(change: CanonicalOrder) -> str:
    """The identity of a change document's content (not its envelope): a re-delivery has the same one."""
    data = change.model_dump(mode="json", exclude={"source", "provenance"})
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:32]


# --------------------------------------------------------------------------- store side


def head_version(s: Session, customer_id: str | None, po_number: str | None, *, exclude_doc: int | None = None):
    """The current version of customer + PO (any channel): the newest order not superseded/rejected/waiting."""
    if not customer_id or not po_number:
        return None
    rows = [
        r for r in repo.find_orders(s, customer_id=customer_id, po_number=po_number)
        if r.document_id != exclude_doc and r.state not in _NOT_HEAD
    ]
    return max(rows, key=lambda r: r.id) if rows else None


def _already_applied(s: Session, head: Any, cid: str) -> Any | None:
    for row in repo.order_history(s, head):
        if ((row.resolved or {}).get("change") or {}).get("change_id") == cid:
            return row
    return None


def _change_info(merge_: Merge | None, change: CanonicalOrder, cid: str, mode: str, **extra: Any) -> dict[str, Any]:
    return {
        "mode": mode,
        "change_id": cid,
        "raw": change.model_dump(mode="json"),
        "lines": [asdict(c) for c in merge_.lines] if merge_ else [],
        "header": list(merge_.header) if merge_ else [],
        "incremental": merge_.incremental if merge_ else is_incremental(change),
        **extra,
    }


def _rejected_issues(merge_: Merge) -> list[Issue]:
    return [
        Issue(code=IssueCode.CHANGE_REJECTED, severity=Severity.WARNING, field=f"change.lines[{c.line_no}]",
              message=f"Change {c.code or c.op} to line {c.line_no} was not applied: {c.reason}", rule="changes")
        for c in merge_.rejected
    ]


def handle_change(services: Services, s: Session, doc: Any, index: int, change: CanonicalOrder, *,
                  extra_issues: list[Issue], actor: str) -> Any:
    """Store a change document's order as the new version of its original (or waiting for it)."""
    from orderflow.flows.pipeline import resolved_payload, validate_order

    first = validate_order(services, s, change, document_id=doc.id, extra_issues=extra_issues)
    cid = change_id(change)
    current = next((o for o in doc.orders if o.doc_index == index), None)
    if current is not None and current.previous_order_id:  # reprocessing: re-apply to the same base
        head = s.get(type(current), current.previous_order_id)
    else:
        head = head_version(s, first.customer_id, change.po_number, exclude_doc=doc.id)
    common: dict[str, Any] = {"customer_id": first.customer_id, "ship_to_id": first.ship_to_id, "actor": actor}
    foreign = _not_entitled(s, first, change, head, exclude_doc=doc.id)
    if foreign is not None:  # a change or cancel from another customer than the original's: never applied
        info = _change_info(None, change, cid, "not_entitled")
        issues = [*first.issues, foreign] if foreign not in first.issues else first.issues
        return repo.save_order(s, doc, index, change, state=OrderState.NEEDS_REVIEW, issues=issues,
                               resolved={**resolved_payload(first), "change": info}, **common)
    if head is None:
        state = OrderState.WAITING_FOR_ORIGINAL if first.customer_id and change.po_number else OrderState.NEEDS_REVIEW
        info = _change_info(None, change, cid, "waiting", waiting_since=utcnow().isoformat())
        return repo.save_order(s, doc, index, change, state=state, issues=first.issues,
                               resolved={**resolved_payload(first), "change": info}, **common)
    applied = _already_applied(s, head, cid)
    if applied is not None:
        dup = Issue(code=IssueCode.DUPLICATE_PO, severity=Severity.WARNING, field="po_number",
                    message=f"This change was already applied as order {applied.id} (revision {applied.revision}); "
                            "the re-delivery changes nothing.", rule="changes")
        info = _change_info(None, change, cid, "redelivery", applied_order_id=applied.id)
        return repo.save_order(s, doc, index, change, state=OrderState.REJECTED, issues=[dup],
                               resolved={"change": info}, **common)
    try:
        return _new_version(services, s, doc, index, change, head, cid, extra_issues=extra_issues, actor=actor)
    except ChangeError as exc:
        log.exception("change document %s could not be applied", doc.id)
        issue = Issue(code=IssueCode.RULE_ERROR, field="po_number", message=str(exc), rule="changes")
        info = _change_info(None, change, cid, "failed", previous_order_id=head.id)
        return repo.save_order(s, doc, index, change, state=OrderState.NEEDS_REVIEW, issues=[*first.issues, issue],
                               resolved={**resolved_payload(first), "change": info}, **common)


def _not_entitled(s: Session, first: Any, change: CanonicalOrder, head: Any, *, exclude_doc: int) -> Issue | None:
    """Why this change must not touch any order: its channel is not entitled to the customer it names
    (CUSTOMER_NOT_ENTITLED from validation), or it has no original of its own customer while another
    customer holds an order with that PO number. None when it may go ahead."""
    flagged = next((i for i in first.issues if i.code == IssueCode.CUSTOMER_NOT_ENTITLED), None)
    if flagged is not None:
        return flagged
    if head is not None or not change.po_number:
        return None
    others = sorted({
        r.customer_id for r in repo.find_orders(s, customer_id=None, po_number=change.po_number)
        if r.document_id != exclude_doc and r.customer_id and r.customer_id != first.customer_id
        and r.state not in _NOT_HEAD
    })
    if not others:
        return None
    sender = first.customer_id or "an unknown sender"
    return Issue(code=IssueCode.CUSTOMER_NOT_ENTITLED, severity=Severity.ERROR, field="customer",
                 message=f"This {change.purpose} of PO {change.po_number} came from {sender}, but PO "
                         f"{change.po_number} is an order of {', '.join(others)}: it was not applied. "
                         "Changes and cancels must come from the customer of the original.",
                 expected=others[0], actual=first.customer_id, rule="changes")


def _new_version(services: Services, s: Session, doc: Any, index: int, change: CanonicalOrder, head: Any,
                 cid: str, *, extra_issues: list[Issue], actor: str) -> Any:
    from orderflow.flows.pipeline import resolved_payload, route_state, validate_order

    try:
        merged = merge(repo.order_canonical(head), change)
    except Exception as exc:  # bad input never crashes a run: the change goes to a person
        raise ChangeError(f"The change could not be applied to order {head.id}: {type(exc).__name__}: {exc}") from exc
    applied = erp_version(head, include_self=True)  # the version the ERP holds, if any
    in_erp = applied is not None
    result = validate_order(services, s, merged.order, document_id=doc.id, extra_issues=extra_issues)
    issues = [*result.issues, *_rejected_issues(merged)]
    if merged.order.purpose == Purpose.CANCEL:
        issues = list(extra_issues)
        state = OrderState.APPROVED if in_erp else OrderState.REJECTED
    else:
        result.issues = issues
        state = route_state(result, services)
    mode = ("cancel" if merged.order.purpose == Purpose.CANCEL else "update") if in_erp else "new"
    info = _change_info(merged, change, cid, mode, previous_order_id=head.id,
                        sale_ref=applied.erp_order_id if applied is not None else None)
    row = repo.save_order(s, doc, index, merged.order, state=state, issues=issues, customer_id=result.customer_id,
                          ship_to_id=result.ship_to_id, resolved={**resolved_payload(result), "change": info},
                          actor=actor, previous=head)
    # the previous version is superseded now unless the ERP holds it (then: once the ERP sale is changed)
    if head.state not in _IN_ERP and can_transition(OrderState(head.state), OrderState.SUPERSEDED):
        why = "cancelled by the buyer" if mode == "new" and merged.order.purpose == Purpose.CANCEL else "changed"
        repo.set_order_state(s, head, OrderState.SUPERSEDED, actor=actor,
                             reason=f"{why}: revision {merged.order.revision} is order {row.id}")
    repo.add_audit(s, entity="order", entity_id=row.id, action="change_applied", actor=actor,
                   before={"order_id": head.id, "revision": head.revision},
                   after={"revision": merged.order.revision, "mode": mode, "lines": info["lines"],
                          "header": info["header"]})
    return row


def apply_waiting(services: Services, s: Session, original: Any, *, actor: str) -> list[Any]:
    """An original has just been stored: apply the changes that waited for it, oldest first."""
    if not original.customer_id or not original.po_number or original.state in _NOT_HEAD:
        return []
    waiting = [
        r for r in repo.find_orders(s, customer_id=original.customer_id, po_number=original.po_number)
        if r.state == OrderState.WAITING_FOR_ORIGINAL.value
    ]
    applied = []
    head = original
    for row in sorted(waiting, key=lambda r: (r.revision, r.id)):
        info = (row.resolved or {}).get("change") or {}
        raw = info.get("raw") or row.canonical
        change = CanonicalOrder.model_validate(raw)
        doc = repo.get_document(s, row.document_id)
        try:
            new = _new_version(services, s, doc, row.doc_index, change, head,
                               info.get("change_id") or change_id(change), extra_issues=[], actor=actor)
        except ChangeError:
            log.exception("waiting change %s could not be applied to order %s", row.id, head.id)
            continue
        applied.append(new)
        if new.state not in _NOT_HEAD:
            head = new
    return applied


def expire_waiting(services: Services, *, older_than: dt.timedelta = DEFAULT_WAIT, actor: str = "system") -> list[int]:
    """Changes still waiting for their original after ``older_than`` go to review (ORIGINAL_NOT_FOUND)."""
    cutoff = utcnow() - older_than
    moved = []
    with services.session_factory() as s, s.begin():
        for row in repo.orders_in_state(s, OrderState.WAITING_FOR_ORIGINAL.value):
            if row.created_at is not None and row.created_at > cutoff:
                continue
            issues = repo.order_issues(row)
            if not any(i.code == IssueCode.ORIGINAL_NOT_FOUND for i in issues):
                issues.append(Issue(code=IssueCode.ORIGINAL_NOT_FOUND, field="po_number", rule="changes",
                                    message=f"No original order {row.po_number} arrived within {older_than}."))
            repo.replace_issues(s, row, issues)
            repo.set_order_state(s, row, OrderState.NEEDS_REVIEW, actor=actor,
                                 reason=f"no original order arrived within {older_than}")
            moved.append(row.id)
    return moved


# --------------------------------------------------------------------------- the ERP side


def erp_version(row: Any, *, include_self: bool = False) -> Any | None:
    """The latest earlier version the ERP has a sale for (pushed, or superseded after being pushed)."""
    cur, seen = (row if include_self else row.previous), set()
    while cur is not None and cur.id not in seen:
        if cur.erp_order_id and cur.state in (*_IN_ERP, OrderState.SUPERSEDED.value):
            return cur
        seen.add(cur.id)
        cur = cur.previous
    return None


def updates_erp(row: Any) -> bool:
    """A change version of an order whose sale is in the ERP: the push updates that sale."""
    return bool(
        row.previous_order_id and row.purpose in (Purpose.CHANGE.value, Purpose.CANCEL.value)
        and erp_version(row) is not None
    )


def change_capability(adapter: Any):
    """The adapter's ``apply_change(request, sale_ref, old_order) -> PushResult``, or None."""
    return adapter.apply_change if isinstance(adapter, SupportsChanges) else None


def erp_call(services: Services, row: Any):
    """The ERP call that applies the change version ``row`` to the sale of its previous version (read
    inside the push's claim transaction; run by ``flows/push.push_one`` after it)."""
    from orderflow.flows.pipeline import build_push_request

    prev = erp_version(row)
    if prev is None:  # the push asks only for versions that update_erp(): one has a sale
        raise LookupError(f"order {row.id} has no earlier version in the ERP")
    request = build_push_request(row)
    sale_ref, old = prev.erp_order_id, repo.order_canonical(prev)
    apply = change_capability(services.adapter)
    if apply is None:
        message = f"the {services.adapter.name} ERP adapter cannot change an order; change sale {sale_ref} by hand"

        def refuse():
            raise PermanentERPError(message)

        return refuse
    return partial(apply, request, sale_ref, old)


def supersede_previous(s: Session, row: Any, *, actor: str) -> None:
    """The version the ERP sale had before this change is superseded (same transaction as the push)."""
    prev = erp_version(row)
    if prev is not None and prev.state in _IN_ERP:
        repo.set_order_state(s, prev, OrderState.SUPERSEDED, actor=actor,
                             reason=f"revision {row.revision} (order {row.id}) applied to the ERP")


def push_change(services: Services, order_id: int, *, actor: str = "system") -> PushOutcome:
    """Apply an approved change version to the ERP sale of its previous version, exactly once
    (the one push path, ``flows/push.push_one``)."""
    from orderflow.flows.push import push_one

    return push_one(services, order_id, actor=actor)


def acknowledge_change(services: Services, order_id: int, *, accepted: bool, reason: str | None = None,
                       strict: bool = False, reply: tuple[str, str, str] | None = None) -> None:
    """865 / ORDRSP for a change document; a failure is logged (and raised when ``strict``: the replies
    outbox keeps it owed), never loses the change. ``reply``: the one rendered when it was owed (the
    replies outbox), written as is; without it the reply is rendered here."""
    from orderflow.flows import acks

    try:
        if reply is None:
            with services.session_factory() as s:
                row = repo.order(s, order_id)
                info = (row.resolved or {}).get("change") or {}
                order, erp_no = repo.order_canonical(row), row.erp_order_id or info.get("sale_ref")
            reply = acks.change_ack(services.session_factory, order, info, accepted=accepted, erp_order_no=erp_no,
                                    reason=reason)
        if reply is not None and not acks.send(services.replies_dir, [reply]) and services.replies_dir is not None:
            raise OSError(f"the change acknowledgement {reply[1]} could not be written")
    except Exception:
        log.exception("writing the change acknowledgement failed for order %s", order_id)
        if strict:
            raise


def line_changes(info: dict[str, Any]) -> list[LineChange]:
    return [LineChange(**c) for c in info.get("lines") or []]


def print_versions(console: Any, services: Services, outcomes: list[Any]) -> None:
    """For ``orderflow demo``: the version history of every order a change document touched."""
    from orderflow.review.versions import version_history

    shown: set[int] = set()
    with services.session_factory() as s:
        for out in outcomes:
            for o in out.orders:
                row = repo.get_order(s, o.id)
                if row is None or not row.previous_order_id or row.id in shown:
                    continue
                history = version_history(s, row)
                shown.update(v["id"] for v in history)
                console.print(f"[bold]Versions of PO {row.po_number}[/bold] ({row.customer_id}):")
                for v in reversed(history):
                    diff = "; ".join(f"{d['field']}: {d['old']} → {d['new']}" for d in v["diff"])
                    console.print(f"  revision {v['revision']} · {v['state']} · {v['document']}"
                                  + (f" — {diff}" if diff else ""))
