"""Exception-queue actions: claim, fix a field, approve, reject (no UI; the web app and CLI call these).

Every function takes a Session and plain values, writes an audit event and leaves the commit
to the caller. Re-validation is injected (``revalidate``) so review never has to know how the
caller builds ``ReferenceData``.

Approval policy: an order with blocking (error) issues is refused with ``BlockingIssues``
unless an override reason is given by a user whose role may override every blocking code
(``review.overrides``: credit codes are finance's, the others a lead's); the override, its reason
and the codes it overrode are recorded in the order's approvals and in the audit trail (an
``override`` event). Roles outside ``APPROVE_ROLES`` cannot approve at all.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from pydantic import ValidationError
from sqlalchemy import or_, update
from sqlalchemy.orm import Session

from orderflow.canonical import (
    CanonicalOrder,
    CrossReference,
    DecimalBoundsError,
    Issue,
    Severity,
    parse_bounded_decimal,
)
from orderflow.canonical.states import OrderState, can_transition
from orderflow.review import learning, overrides
from orderflow.store import repository as repo
from orderflow.store.models import Order
from orderflow.store.types import utcnow
from orderflow.validators.totals import closing_basis

log = logging.getLogger(__name__)

Revalidate = Callable[[CanonicalOrder, Order], tuple[list[Issue], dict]]

APPROVE_ROLES = frozenset({"csr", "lead", "supervisor", "admin", "finance"})
OVERRIDE_ROLES = overrides.OVERRIDE_ROLES  # roles that may override something; which code: review.overrides
EDITABLE_STATES = frozenset({OrderState.NEEDS_REVIEW.value, OrderState.VALID.value})
DECIMAL_FIELDS = frozenset({"qty", "unit_price", "amount", "declared_total", "percent"})


class ReviewError(Exception):
    """Base class; ``str(err)`` is a message a CSR can read."""


class OrderNotFound(ReviewError):
    pass


class ClaimedByOther(ReviewError):
    def __init__(self, order_id: int, holder: str, until: dt.datetime) -> None:
        super().__init__(f"order {order_id} is being worked on by {holder} until {until:%Y-%m-%d %H:%M} UTC")
        self.holder, self.until = holder, until


class InvalidField(ReviewError):
    """The path does not name a field of the order, or the value does not fit it."""


class NotAllowed(ReviewError):
    """The order's state or the user's role does not allow this action."""


class BlockingIssues(ReviewError):
    def __init__(self, order_id: int, codes: list[str]) -> None:
        super().__init__(
            f"order {order_id} still has blocking issues ({', '.join(codes)}); fix them or override with a reason"
        )
        self.codes = codes


class ReasonRequired(ReviewError):
    pass


# --------------------------------------------------------------------------- reading


def list_queue(
    s: Session,
    *,
    states: tuple[str, ...] = ("needs_review",),
    channel: str | None = None,
    customer: str | None = None,
    code: str | None = None,
    older_than: dt.timedelta | None = None,
) -> list[dict[str, Any]]:
    """One summary row per queued order (oldest first), for the queue table and ``queue list``."""
    now = utcnow()
    rows = []
    for o in repo.list_queue(
        s, states=states, channel=channel, customer=customer, code=code, older_than=older_than
    ):
        claimed = o.claimed_by if o.claim_expires_at and o.claim_expires_at > now else None
        rows.append(
            {
                "id": o.id,
                "po_number": o.po_number,
                "customer_id": o.customer_id,
                "state": o.state,
                "channel": o.channel,
                "codes": sorted({i.code for i in o.issues}),
                "blocking": sum(1 for i in o.issues if i.severity == "error"),
                "created_at": o.created_at,
                "age_minutes": int((now - o.created_at).total_seconds() // 60),
                "claimed_by": claimed,
            }
        )
    return rows


def show_order(s: Session, order_id: int) -> dict[str, Any]:
    """Everything a CSR needs beside the source document: order JSON, issues, audit trail, pushes."""
    o = _get(s, order_id)
    doc = o.document
    return {
        "id": o.id,
        "state": o.state,
        "po_number": o.po_number,
        "customer_id": o.customer_id,
        "ship_to_id": o.ship_to_id,
        "idempotency_key": o.idem_key,
        "erp_order_id": o.erp_order_id,
        "claimed_by": o.claimed_by,
        "claim_expires_at": o.claim_expires_at,
        "previous_order_id": o.previous_order_id,
        "document": {
            "id": doc.id,
            "filename": doc.filename,
            "channel": doc.channel,
            "sender": doc.sender,
            "format": doc.format,
            "sha256": doc.sha256,
            "content_type": doc.content_type,
        },
        "order": o.canonical,
        "resolved": o.resolved,
        "approvals": o.approvals,
        "issues": [i.model_dump(mode="json") for i in repo.order_issues(o)],
        "audit": [
            {
                "at": a.at,
                "action": a.action,
                "actor": a.actor,
                "before": a.before,
                "after": a.after,
                "reason": a.reason,
            }
            for a in repo.audit_trail(s, "order", o.id)
        ],
        "push_attempts": [
            {
                "at": p.at,
                "attempt": p.attempt,
                "adapter": p.adapter,
                "ok": p.ok,
                "erp_order_id": p.erp_order_id,
                "error": p.error,
                "transient": p.transient,
            }
            for p in repo.push_attempts(s, o)
        ],
    }


# --------------------------------------------------------------------------- claiming


def claim(s: Session, order_id: int, user: str, minutes: int = 15) -> Order:
    """Lock the order for ``user`` for ``minutes``; another user's live claim raises ``ClaimedByOther``.

    The claim is a compare-and-set ``UPDATE ... WHERE claimed_by IS NULL OR mine OR expired``,
    atomic on PostgreSQL and SQLite alike, so two CSRs clicking at once cannot both win.
    Claiming again extends one's own claim.
    """
    o = _get(s, order_id)
    before = {"claimed_by": o.claimed_by, "claim_expires_at": o.claim_expires_at}
    now = utcnow()
    until = now + dt.timedelta(minutes=minutes)
    free = or_(
        Order.claimed_by.is_(None),
        Order.claimed_by == user,
        Order.claim_expires_at.is_(None),
        Order.claim_expires_at <= now,
    )
    won = repo.affected(s, update(Order).where(Order.id == order_id, free)
                        .values(claimed_by=user, claim_expires_at=until)
                        .execution_options(synchronize_session=False))
    s.refresh(o)
    if not won:
        raise ClaimedByOther(o.id, o.claimed_by or "someone", o.claim_expires_at or now)
    repo.add_audit(
        s,
        entity="order",
        entity_id=o.id,
        action="claim",
        actor=user,
        before=before,
        after={"claimed_by": user, "claim_expires_at": o.claim_expires_at},
    )
    return o


def release(s: Session, order_id: int, user: str) -> None:
    """Give up one's claim (no-op when the user holds none)."""
    o = _get(s, order_id, for_update=True)
    if o.claimed_by != user:
        return
    o.claimed_by = None
    o.claim_expires_at = None
    s.flush()
    repo.add_audit(s, entity="order", entity_id=o.id, action="release", actor=user)


# --------------------------------------------------------------------------- fixing


def fix_field(
    s: Session, order_id: int, path: str, value: str | None, *, user: str, revalidate: Revalidate,
    evidence: dict[str, Any] | None = None, learner: learning.Learner | None = None, learn: bool = True,
    reapply: bool = True,
) -> Order:
    """Set one field by path (``po_number``, ``ship_to.name``, ``lines[2].sku``, ``lines[0].qty``), re-validate.

    The order ends ``valid`` when no blocking issue is left, otherwise ``needs_review``. An
    empty value clears the field. Fixing a line's SKU where the line has a customer part
    teaches a learned cross-reference for the order's customer (saved before re-validation,
    so a ``revalidate`` that reads learned cross-references sees it).

    Every fix of a PDF order also keeps its evidence and may teach an extraction hint for the
    sender (``review.learning``); ``evidence`` may carry ``{"click": {"page", "x0", "top", "x1",
    "bottom"}}``, the word the CSR clicked on the page image to say "the right value is here".
    ``learn=False`` skips that (bulk edits, tests). What the fix taught is re-applied to the other orders
    still waiting in the queue (``reapply_to_waiting``) unless ``reapply=False`` (``save_changes`` does it
    once for the whole save).
    """
    o = _get(s, order_id, for_update=True)
    _check_claim(o, user)
    if o.state not in EDITABLE_STATES:
        raise NotAllowed(f"order {o.id} is '{o.state}'; only orders in review or valid can be corrected")
    before = repo.order_canonical(o)
    data = before.model_dump(mode="json")
    tokens = _parse_path(path)
    try:
        new_value = _coerce(tokens, value)
    except InvalidField as exc:
        raise InvalidField(f"{path}: {exc}") from None
    old_value = _set_path(data, tokens, new_value, path)
    carried = carry_amount(before, data, tokens, contract_price(o, path)) if old_value != new_value else None
    if isinstance(data.get("provenance"), dict) and path in data["provenance"] and old_value != new_value:
        # the CSR read it from the document: the value is no longer the engine's guess
        data["provenance"][path] = {**data["provenance"][path], "confidence": 1.0, "extractor": "review"}
    try:
        canonical = CanonicalOrder.model_validate(data)
    except ValidationError as exc:
        msg = exc.errors()[0].get("msg", str(exc)) if exc.errors() else str(exc)
        raise InvalidField(f"'{value}' is not a valid value for {path}: {msg}") from None
    repo.update_order_data(s, o, canonical)
    repo.add_audit(
        s,
        entity="order",
        entity_id=o.id,
        action="fix",
        actor=user,
        before={"field": path, "value": old_value},
        after={"field": path, "value": new_value},
    )
    if carried is not None:  # the document's amount was qty × its price: it follows the contract price
        amount_path, old_amount, new_amount = carried
        repo.add_audit(s, entity="order", entity_id=o.id, action="fix", actor=user,
                       before={"field": amount_path, "value": old_amount},
                       after={"field": amount_path, "value": new_amount},
                       reason=f"recomputed as quantity x the contract price taken for {path}")
    xref = _learn_from_fix(s, o, canonical, tokens, user)
    if old_value != new_value:
        reset_approvals(s, o, user=user, reason=f"{path} changed")
    if learn and old_value != new_value:
        o.learned = learning.learn_from_fix(s, o, before, path, old_value, new_value, user=user,
                                            evidence=evidence, learner=learner)
    issues, resolved = revalidate(canonical, o)
    resolved = keep_ship_policy(o, resolved)
    issues = apply_accepts(o, canonical, issues)
    repo.replace_issues(s, o, issues)
    repo.update_order_data(s, o, canonical, resolved=resolved)
    target = OrderState.NEEDS_REVIEW if any(i.blocking for i in issues) else OrderState.VALID
    repo.set_order_state(s, o, target.value, actor=user, reason=f"after fixing {path}", action="revalidate")
    o.taught_xref = xref
    o.requeued = reapply_to_waiting(s, o, user=user, revalidate=revalidate, learner=learner,
                                    hints=bool(getattr(o, "learned", None) and o.learned.added),
                                    xref_parts={xref} if xref else set()) if reapply else []
    return o


def contract_price(o: Order, path: str) -> Decimal | None:
    """The contract price a PRICE_MISMATCH on this line's unit price suggests, or None."""
    for issue in o.issues:
        if issue.code == "PRICE_MISMATCH" and issue.field == path and issue.expected not in (None, ""):
            try:
                return Decimal(str(issue.expected))
            except ArithmeticError:
                return None
    return None


def carry_amount(before: CanonicalOrder, data: dict[str, Any], tokens: list[str | int], contract: Decimal | None
                 ) -> tuple[str, str, str] | None:
    """A line's amount follows the contract price that replaced its unit price (PRICE_MISMATCH's
    suggestion): when the document's amount was qty × the document's price
    (``validators.totals.closing_basis``), it is recomputed with the contract price in ``data`` —
    otherwise ARITHMETIC would compare the contract price with an amount made from the other one.
    Any other correction keeps the amount: a corrected misread must agree with the document's amount
    (ARITHMETIC is that cross-check), and an amount that never closed is the document's own.
    Returns (path, old amount, new amount) for the audit, or None when nothing was carried."""
    if contract is None or len(tokens) != 3 or tokens[0] != "lines" or not isinstance(tokens[1], int) \
            or tokens[2] != "unit_price":
        return None
    i = tokens[1]
    line = data["lines"][i] if i < len(before.lines) else {}
    try:
        if line.get("unit_price") in (None, "") or Decimal(str(line["unit_price"])) != contract:
            return None
        basis = closing_basis(before.lines[i])
        if basis is None or line.get("qty") in (None, ""):
            return None
        old = before.lines[i].amount
        new = (Decimal(str(line["qty"])) * contract / basis).quantize(
            Decimal(1).scaleb(min(old.as_tuple().exponent, -2)))  # type: ignore[union-attr,arg-type]
    except ArithmeticError:
        return None
    if new == old:
        return None
    line["amount"] = str(new)
    return f"lines[{i}].amount", format(old, "f"), format(new, "f")


def field_error(current: CanonicalOrder, path: str, value: str | None) -> str | None:
    """Why ``fix_field`` would refuse ``value`` for ``path`` on this order, or None when it fits: the
    review form saves the fields that fit and shows the others with their reason (issue 23)."""
    data = current.model_dump(mode="json")
    try:
        tokens = _parse_path(path)
        try:
            new_value = _coerce(tokens, value)
        except InvalidField as exc:
            raise InvalidField(f"{path}: {exc}") from None
        _set_path(data, tokens, new_value, path)
        CanonicalOrder.model_validate(data)
    except InvalidField as exc:
        return str(exc)
    except ValidationError as exc:
        msg = exc.errors()[0].get("msg", str(exc)) if exc.errors() else str(exc)
        return f"'{value}' is not a valid value for {path}: {msg}"
    return None


def _corrected_by_person(s: Session, o: Order) -> bool:
    return any(a.action == "fix" for a in repo.audit_trail(s, "order", o.id))


def reapply_to_waiting(s: Session, source: Order, *, user: str, revalidate: Revalidate,
                       learner: learning.Learner | None, hints: bool, xref_parts: set[str]) -> list[int]:
    """What a correction taught reaches the orders still waiting in the queue: a new extraction hint
    re-extracts the same sender's waiting PDF orders nobody has corrected yet (``learner.reapply``; the
    channel's source block is kept) and re-validates them; a learned cross-reference re-validates the
    customer's waiting orders that carry the taught part (``xref_parts``: other orders are not touched).
    Audited per order; returns the ids touched. Never fails the fix."""
    if not (hints or xref_parts):
        return []
    parts = {p.strip().upper() for p in xref_parts}
    doc = source.document
    scope = learning.sender_scope(doc.sender if doc else None)
    touched: list[int] = []
    for row in repo.list_queue(s, states=(OrderState.NEEDS_REVIEW.value,)):
        if row.id == source.id:
            continue
        same_sender = hints and scope and row.document and learning.sender_scope(row.document.sender) == scope
        same_customer = bool(parts) and source.customer_id and row.customer_id == source.customer_id \
            and any((ln.customer_part or "").strip().upper() in parts for ln in repo.order_canonical(row).lines)
        if not (same_sender or same_customer):
            continue
        try:
            with s.begin_nested():
                reextracted = False
                if same_sender and learner is not None and learner.reapply is not None \
                        and not _corrected_by_person(s, row):
                    fresh = learner.reapply(s, row)
                    if fresh is not None and fresh.model_dump(mode="json") != row.canonical:
                        before = repo.order_canonical(row)
                        repo.update_order_data(s, row, fresh)
                        repo.add_audit(s, entity="order", entity_id=row.id, action="reextracted", actor=user,
                                       before={"po_number": before.po_number, "lines": len(before.lines)},
                                       after={"po_number": fresh.po_number, "lines": len(fresh.lines)},
                                       reason=f"hints learned from order {source.id}")
                        reextracted = True
                if not (reextracted or same_customer):
                    continue  # the hint changed nothing here: the order is left exactly as it was
                revalidate_order(s, row.id, user=user, revalidate=revalidate)
            touched.append(row.id)
        except Exception:  # one waiting order that cannot be redone stays as it was
            log.exception("re-applying what order %s taught to order %s failed", source.id, row.id)
    return touched


def revalidate_order(s: Session, order_id: int, *, user: str, revalidate: Revalidate) -> Order:
    """Run validation again without a change (e.g. after reference data was refreshed)."""
    o = _get(s, order_id, for_update=True)
    if o.state not in EDITABLE_STATES:
        raise NotAllowed(f"order {o.id} is '{o.state}'; only orders in review or valid are re-validated")
    canonical = repo.order_canonical(o)
    issues, resolved = revalidate(canonical, o)
    resolved = keep_ship_policy(o, resolved)
    issues = apply_accepts(o, canonical, issues)
    repo.replace_issues(s, o, issues)
    repo.update_order_data(s, o, canonical, resolved=resolved)
    target = OrderState.NEEDS_REVIEW if any(i.blocking for i in issues) else OrderState.VALID
    repo.set_order_state(s, o, target.value, actor=user, reason="revalidated", action="revalidate")
    return o


# --------------------------------------------------------------------------- saving a version (issue 21)

VERSION_HEADER = ("po_number", "po_date", "purpose", "currency", "payment_terms", "requested_delivery_date",
                  "declared_total")
VERSION_PARTIES = ("buyer", "supplier", "bill_to", "ship_to")
VERSION_LINE_KEYS = ("line_no", "customer_part", "sku", "gtin", "description", "qty", "uom", "unit_price", "amount")
PIPELINE_KEYS = frozenset({"schema_version", "source", "provenance"})  # recorded by the pipeline, never edited
Change = tuple[str, str | None]


def _as_text(value: Any, where: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, dict | list):
        raise InvalidField(f"{where}: expected a single value, not {type(value).__name__}")
    return str(value)


def _unchanged(path: str, current: Any, new: str | None) -> bool:
    if new is None or not new.strip():
        return current in (None, "")
    if current in (None, ""):
        return False
    if path.rsplit(".", 1)[-1] in DECIMAL_FIELDS:
        try:
            return parse_bounded_decimal(str(current)) == parse_bounded_decimal(new.strip().replace(" ", ""))
        except DecimalBoundsError:
            return False
    return str(current).strip() == new.strip()


def version_changes(current: CanonicalOrder, version: dict[str, Any]) -> tuple[int | None, list[Change]]:
    """A CSR's final version of the order (canonical-order JSON, any subset of the header fields; ``lines``
    replaces the whole line list; parties as ``{"name": ...}``, addresses as ``{"text": ...}``) → the new
    line count (None: lines untouched) and the (path, value) pairs that differ from ``current``.

    Keys the pipeline records (source, provenance) are ignored; keys a correction cannot set are refused."""
    if not isinstance(version, dict):
        raise InvalidField("the corrected order must be a JSON object")
    data = current.model_dump(mode="json")
    wanted: list[Change] = []
    for key, value in version.items():
        if key in PIPELINE_KEYS:
            continue
        if key in VERSION_HEADER:
            wanted.append((key, _as_text(value, key)))
        elif key in VERSION_PARTIES:
            if value is None or isinstance(value, str):
                value = {"name": value}
            if not isinstance(value, dict):
                raise InvalidField(f"{key}: expected {{\"name\": ..., \"address\": {{\"text\": ...}}}}")
            for part, v in value.items():
                if part == "name":
                    wanted.append((f"{key}.name", _as_text(v, f"{key}.name")))
                elif part == "address":
                    text = v.get("text") if isinstance(v, dict) else v
                    wanted.append((f"{key}.address.text", _as_text(text, f"{key}.address.text")))
                elif part not in ("ids", "contact"):
                    raise InvalidField(f"{key}.{part} is not a field a correction can set")
        elif key != "lines":
            raise InvalidField(f"'{key}' is not a field a correction can set")
    line_count = None
    if "lines" in version:
        lines = version["lines"]
        if not isinstance(lines, list) or not all(isinstance(ln, dict) for ln in lines):
            raise InvalidField("lines: expected a list of line objects")
        line_count = len(lines)
        for i, line in enumerate(lines):
            unknown = sorted(set(line) - set(VERSION_LINE_KEYS))
            if unknown:
                raise InvalidField(f"lines[{i}].{unknown[0]} is not a field a correction can set")
            # the line is what the CSR gave: a key left out is empty
            wanted += [(f"lines[{i}].{k}", _as_text(line.get(k), f"lines[{i}].{k}")) for k in VERSION_LINE_KEYS]
    changes = []
    for path, value in wanted:
        try:
            tokens = _parse_path(path)
            cur: Any = data
            for tok in tokens:
                cur = cur[tok] if cur is not None else None
        except (KeyError, IndexError, TypeError):
            cur = None
        if not _unchanged(path, cur, value):
            changes.append((path, value))
    return line_count, changes


def set_line_count(s: Session, order_id: int, count: int, *, user: str) -> Order:
    """The CSR added lines (empty ones appended, to be filled by fixes) or deleted them (from the end);
    audited. Re-validation follows with the fixes or ``revalidate_order``."""
    o = _get(s, order_id, for_update=True)
    _check_claim(o, user)
    if o.state not in EDITABLE_STATES:
        raise NotAllowed(f"order {o.id} is '{o.state}'; only orders in review or valid can be corrected")
    canonical = repo.order_canonical(o)
    old = len(canonical.lines)
    if count == old:
        return o
    data = canonical.model_dump(mode="json")
    data["lines"] = data["lines"][:count] + [{} for _ in range(count - old)]
    drop = [k for k in data.get("provenance") or {} if (m := re.match(r"lines\[(\d+)\]", k)) and int(m.group(1)) >= count]
    for k in drop:
        data["provenance"].pop(k)
    repo.update_order_data(s, o, CanonicalOrder.model_validate(data))
    repo.add_audit(s, entity="order", entity_id=o.id, action="fix", actor=user,
                   before={"field": "lines", "value": f"{old} line(s)"}, after={"field": "lines", "value": f"{count} line(s)"})
    reset_approvals(s, o, user=user, reason="lines added or deleted")
    return o


def save_changes(
    s: Session, order_id: int, changes: Sequence[Change], *, user: str, revalidate: Revalidate,
    learner: learning.Learner | None = None, evidence: dict[str, dict[str, Any] | None] | None = None,
    line_count: int | None = None,
) -> tuple[Order, list[str]]:
    """A CSR's save of the order (the review app's form, ``orderflow queue fix --from``): lines added or
    deleted first, then every changed field through ``fix_field`` (each one audited, re-validated and
    learned from). Returns the order and what was learned, in words. The caller commits."""
    learned: list[str] = []
    candidates: list[dict[str, Any]] = []
    hints = False
    xref_parts: set[str] = set()
    o = _get(s, order_id)
    if line_count is not None:
        o = set_line_count(s, order_id, line_count, user=user)
    for path, value in changes:
        o = fix_field(s, order_id, path, value, user=user, revalidate=revalidate, learner=learner,
                      evidence=(evidence or {}).get(path), reapply=False)
        got = getattr(o, "learned", None)
        learned += got.descriptions if got else []
        hints = hints or bool(got and got.added)
        if taught := getattr(o, "taught_xref", None):
            xref_parts.add(taught)
        candidates += got.candidates if got else []
    if not changes:
        o = revalidate_order(s, order_id, user=user, revalidate=revalidate)
    if changes:  # the whole saved version teaches what no single fix could (column roles together, the
        # layout of a table the engine read right but will cut wrong on the next document)
        together = learning.learn_from_version(s, o, [p for p, _ in changes], candidates, user=user, learner=learner)
        learned += together.descriptions
        hints = hints or bool(together.added)
    o.requeued = reapply_to_waiting(s, o, user=user, revalidate=revalidate, learner=learner, hints=hints,
                                    xref_parts=xref_parts)
    return o, learned


# --------------------------------------------------------------------------- ship policy (issue 12)

SHIP_POLICIES = ("partial", "complete", "reject_short")


def ship_policy_of(o: Order) -> str | None:
    """The ship policy a CSR chose for this order (``resolved["ship_policy"]``); None = the customer's."""
    value = (o.resolved or {}).get("ship_policy") if isinstance(o.resolved, dict) else None
    return value if value in SHIP_POLICIES else None


def keep_ship_policy(o: Order, resolved: dict[str, Any]) -> dict[str, Any]:
    """A fresh validation payload keeps the order's chosen policy, what a CSR accepted as read and the
    customer / ship-to a CSR picked (re-validation must not drop any of them)."""
    if picked_of(o) and not (resolved or {}).get(PICKED_KEY):
        resolved = {**(resolved or {}), PICKED_KEY: picked_of(o)}
    accepted = accepted_of(o)
    if accepted and not (resolved or {}).get(ACCEPTED_KEY):
        resolved = {**(resolved or {}), ACCEPTED_KEY: accepted}
    policy = ship_policy_of(o)
    if policy is None or (resolved or {}).get("ship_policy"):
        return resolved
    return {**(resolved or {}), "ship_policy": policy}


# --------------------------------------------------------------------------- customer / ship-to picker (issue 23)

PICKED_KEY = "picked"
PICKABLE = {"customer": "customer_id", "ship_to": "ship_to_id"}


def picked_of(o: Order) -> dict[str, str]:
    """The customer / ship-to ids a CSR picked for this order (``resolved["picked"]``): {"customer_id",
    "ship_to_id"} as far as picked. The revalidator puts them in ``ValidationContext.customer_id`` /
    ``ship_to_id``, where they decide instead of the document's names (and are checked against the ERP's)."""
    value = (o.resolved or {}).get(PICKED_KEY) if isinstance(o.resolved, dict) else None
    if not isinstance(value, dict):
        return {}
    return {k: str(v) for k, v in value.items() if k in PICKABLE.values() and v}


def pick(s: Session, order_id: int, what: str, value: str | None, *, user: str, revalidate: Revalidate) -> Order:
    """A CSR says which customer (``what="customer"``) or ship-to (``"ship_to"``) the order is for, by the
    ERP's id (a suggestion of CUSTOMER_UNKNOWN / SHIP_TO_UNKNOWN, or typed); empty goes back to resolving
    from the document. A typed name is not an id: re-validation checks the id against the reference data,
    so the issue stays until it names a real customer. A new customer drops a ship-to picked for the old one.
    Audited; approvals already signed are void; the order ends ``valid`` when nothing else blocks."""
    key = PICKABLE.get(what)
    if key is None:
        raise InvalidField(f"'{what}' cannot be picked (use customer or ship_to)")
    value = (value or "").strip() or None
    o = _get(s, order_id, for_update=True)
    _check_claim(o, user)
    if o.state not in EDITABLE_STATES:
        raise NotAllowed(f"order {o.id} is '{o.state}'; only orders in review or valid can be corrected")
    picked = picked_of(o)
    before = {"field": key, "value": picked.get(key) or getattr(o, key)}
    picked.pop(key, None)
    if value:
        picked[key] = value
    if key == "customer_id" and value != before["value"]:
        picked.pop("ship_to_id", None)
    o.resolved = {**(o.resolved or {}), PICKED_KEY: picked}
    s.flush()
    canonical = repo.order_canonical(o)
    issues, resolved = revalidate(canonical, o)
    resolved = {**(resolved or {}), PICKED_KEY: picked}
    resolved = keep_ship_policy(o, resolved)
    issues = apply_accepts(o, canonical, issues)
    repo.replace_issues(s, o, issues)
    repo.update_order_data(s, o, canonical, resolved=resolved)
    repo.add_audit(s, entity="order", entity_id=o.id, action="pick", actor=user, before=before,
                   after={"field": key, "value": value, "resolved": getattr(o, key)})
    if before["value"] != getattr(o, key):
        reset_approvals(s, o, user=user, reason=f"{what.replace('_', '-')} picked")
    target = OrderState.NEEDS_REVIEW if any(i.blocking for i in issues) else OrderState.VALID
    repo.set_order_state(s, o, target.value, actor=user, reason=f"{what.replace('_', '-')} picked: {value or 'from the document'}",
                         action="revalidate")
    return o


# --------------------------------------------------------------------------- accept as read (issue 20)

ACCEPTED_KEY = "accepted_as_read"
DOUBT_CODES = frozenset({"LOW_CONFIDENCE", "ARITHMETIC", "TOTAL_MISMATCH", "LINE_COUNT_MISMATCH"})


def accepted_of(o: Order) -> list[dict[str, Any]]:
    """The extraction doubts a CSR accepted as read: [{"code", "field", "value", "by", "at"}]."""
    value = (o.resolved or {}).get(ACCEPTED_KEY) if isinstance(o.resolved, dict) else None
    return list(value) if isinstance(value, list) else []


def _field_value(order: CanonicalOrder, path: str) -> Any:
    data: Any = order.model_dump(mode="json")
    if path == "lines":
        return len(order.lines)
    try:
        for token in _parse_path(path):
            data = data[token]
    except (KeyError, IndexError, TypeError, InvalidField):
        return None
    return data


def apply_accepts(o: Order, canonical: CanonicalOrder, issues: list[Issue]) -> list[Issue]:
    """Doubt issues a CSR accepted as read no longer block — while the value is still the one accepted
    (a value changed since, by a fix or a new extraction, is doubted afresh)."""
    accepted = {(a.get("code"), a.get("field")): a for a in accepted_of(o)}
    out = []
    for issue in issues:
        a = accepted.get((issue.code, issue.field))
        if issue.blocking and a is not None and a.get("value") == _field_value(canonical, issue.field or ""):
            issue = issue.model_copy(update={"severity": Severity.WARNING,
                                             "message": f"{issue.message} Accepted as read by {a.get('by')}."})
        out.append(issue)
    return out


def accept_as_read(s: Session, order_id: int, *, user: str, revalidate: Revalidate) -> Order:
    """The CSR compared the doubtful values with the document and they are right as read.

    Every blocking extraction doubt (LOW_CONFIDENCE, ARITHMETIC, TOTAL_MISMATCH, LINE_COUNT_MISMATCH)
    is accepted with the value it concerns; the order is re-validated and ends ``valid`` when nothing
    else blocks. The accept is audited (who, which fields, which values) and kept through later
    re-validations for as long as the values stay the same.
    """
    o = _get(s, order_id, for_update=True)
    _check_claim(o, user)
    if o.state not in EDITABLE_STATES:
        raise NotAllowed(f"order {o.id} is '{o.state}'; only orders in review or valid can be accepted as read")
    canonical = repo.order_canonical(o)
    doubts = [i for i in repo.order_issues(o) if i.blocking and i.code in DOUBT_CODES]
    if not doubts:
        raise NotAllowed(f"order {o.id} has no doubtful extracted value to accept")
    at = utcnow().isoformat()
    new = [{"code": i.code, "field": i.field, "value": _field_value(canonical, i.field or ""), "by": user, "at": at}
           for i in doubts]
    keep = [a for a in accepted_of(o) if (a.get("code"), a.get("field")) not in {(n["code"], n["field"]) for n in new}]
    o.resolved = {**(o.resolved or {}), ACCEPTED_KEY: keep + new}
    s.flush()
    issues, resolved = revalidate(canonical, o)
    resolved = keep_ship_policy(o, resolved)
    issues = apply_accepts(o, canonical, issues)
    repo.replace_issues(s, o, issues)
    repo.update_order_data(s, o, canonical, resolved=resolved)
    repo.add_audit(s, entity="order", entity_id=o.id, action="accept_as_read", actor=user,
                   before={"doubts": [{"code": i.code, "field": i.field, "message": i.message} for i in doubts]},
                   after={"accepted": [{"code": n["code"], "field": n["field"], "value": n["value"]} for n in new]})
    target = OrderState.NEEDS_REVIEW if any(i.blocking for i in issues) else OrderState.VALID
    repo.set_order_state(s, o, target.value, actor=user, reason="extracted values accepted as read",
                         action="revalidate")
    return o


def set_ship_policy(s: Session, order_id: int, policy: str | None, *, user: str, revalidate: Revalidate) -> Order:
    """Choose how this one order ships when stock is short, then re-validate so the promises follow.

    ``partial`` ships what is there and backorders the rest, ``complete`` ships everything together
    on the latest date, ``reject_short`` rejects short lines; empty/None goes back to the customer's
    own policy. The choice lives in ``resolved["ship_policy"]``, which ``revalidate`` reads (it is
    stored before the call) to fill ``ValidationContext.ship_policy``.
    """
    policy = (policy or "").strip() or None
    if policy is not None and policy not in SHIP_POLICIES:
        raise InvalidField(f"'{policy}' is not a ship policy (use {', '.join(SHIP_POLICIES)}, or empty for "
                           "the customer's own)")
    o = _get(s, order_id, for_update=True)
    _check_claim(o, user)
    if o.state not in EDITABLE_STATES:
        raise NotAllowed(f"order {o.id} is '{o.state}'; only orders in review or valid can change ship policy")
    old = ship_policy_of(o)
    current = dict(o.resolved or {})
    current.pop("ship_policy", None)
    o.resolved = current | ({"ship_policy": policy} if policy else {})
    if old != policy:
        reset_approvals(s, o, user=user, reason="ship policy changed")
    s.flush()
    canonical = repo.order_canonical(o)
    issues, resolved = revalidate(canonical, o)
    # the new policy (stored above), what was accepted as read and the picks: keep_ship_policy's one list
    resolved = keep_ship_policy(o, {k: v for k, v in (resolved or {}).items() if k != "ship_policy"})
    issues = apply_accepts(o, canonical, issues)
    repo.replace_issues(s, o, issues)
    repo.update_order_data(s, o, canonical, resolved=resolved)
    repo.add_audit(s, entity="order", entity_id=o.id, action="ship_policy", actor=user,
                   before={"ship_policy": old or "customer default"},
                   after={"ship_policy": policy or "customer default"})
    target = OrderState.NEEDS_REVIEW if any(i.blocking for i in issues) else OrderState.VALID
    repo.set_order_state(s, o, target.value, actor=user, reason=f"ship policy {policy or 'customer default'}",
                         action="revalidate")
    return o


def reset_approvals(s: Session, o: Order, *, user: str, reason: str) -> None:
    """An edit voids the steps already signed (a lead signed 120,000; the order now says 180,000):
    every required approval must be given again on what the order says now. Audited."""
    signed = [a for a in (o.approvals or []) if isinstance(a, dict) and a.get("step")]
    if not signed:
        return
    o.approvals = []
    repo.add_audit(s, entity="order", entity_id=o.id, action="approvals_reset", actor=user,
                   before={"steps": [a["step"] for a in signed], "signed_by": [a.get("user") for a in signed]},
                   after={"steps": []}, reason=reason)


def _learn_from_fix(
    s: Session, o: Order, canonical: CanonicalOrder, tokens: list[str | int], user: str
) -> str | None:
    """A SKU set on a line with the customer's part teaches a cross-reference; returns that part."""
    if len(tokens) != 3 or tokens[0] != "lines" or not isinstance(tokens[1], int) or tokens[2] != "sku" \
            or not o.customer_id:
        return None
    line = canonical.lines[tokens[1]]
    if not line.customer_part or not line.sku:
        return None
    xref = CrossReference(
        customer_id=o.customer_id,
        customer_part=line.customer_part,
        sku=line.sku,
        source="learned",
        created_by=user,
        created_at=utcnow(),
    )
    repo.add_cross_reference(s, xref)
    repo.add_audit(
        s,
        entity="cross_reference",
        entity_id=f"{o.customer_id}|{line.customer_part}",
        action="learned",
        actor=user,
        after=xref.model_dump(mode="json"),
        reason=f"fix on order {o.id}",
    )
    return line.customer_part


# --------------------------------------------------------------------------- decisions


def approve(s: Session, order_id: int, *, user: str, role: str, override_reason: str | None = None,
            reason_code: str | None = None) -> Order:
    """Approve an order in review or valid; see the module docstring for the override policy.

    ``reason_code`` is one of ``overrides.REASONS`` (the form's select, ``--reason-code``) and
    ``override_reason`` the free text; text alone is an "other" reason."""
    o = _get(s, order_id, for_update=True)
    _check_claim(o, user)
    if role not in APPROVE_ROLES:
        raise NotAllowed(f"role '{role}' cannot approve orders")
    if not can_transition(OrderState(o.state), OrderState.APPROVED) or o.state == OrderState.APPROVED.value:
        raise NotAllowed(f"order {o.id} is '{o.state}' and cannot be approved")
    blocking = sorted({i.code for i in o.issues if i.severity == "error"})
    override = bool(blocking)
    why = None
    if blocking:
        if overrides.decisions_for_others(role, blocking):  # a price / credit decision for another role
            raise NotAllowed(overrides.refusal(role, blocking) or "")
        try:
            why = overrides.reason(reason_code, override_reason)
        except overrides.ReasonError as exc:
            raise ReasonRequired(str(exc)) from None
        if why is None:
            raise BlockingIssues(o.id, blocking)
        if refused := overrides.refusal(role, blocking):
            raise NotAllowed(refused)
    o.approvals = [
        *(o.approvals or []),
        {
            "user": user,
            "role": role,
            "at": utcnow().isoformat(),
            "override": override,
            "overridden_codes": blocking,
            "reason": why.text if why else None,
            "reason_code": why.key if why else None,
        },
    ]
    if why is not None:
        repo.add_audit(s, entity="order", entity_id=o.id, action="override", actor=user,
                       after={"codes": blocking, "role": role, "reason_key": why.key}, reason=why.text)
    repo.set_order_state(
        s,
        o,
        OrderState.APPROVED.value,
        actor=user,
        action="approve",
        reason=why.text if why else None,
    )
    _drop_claim(o)
    return o


def reject(s: Session, order_id: int, *, user: str, reason: str) -> Order:
    """Reject an order; a reason is required (it goes to the audit trail and the buyer reply)."""
    if not reason or not reason.strip():
        raise ReasonRequired("a reason is required to reject an order")
    o = _get(s, order_id, for_update=True)
    _check_claim(o, user)
    if not can_transition(OrderState(o.state), OrderState.REJECTED):
        raise NotAllowed(f"order {o.id} is '{o.state}' and cannot be rejected")
    repo.set_order_state(s, o, OrderState.REJECTED.value, actor=user, action="reject", reason=reason.strip())
    _drop_claim(o)
    return o


# --------------------------------------------------------------------------- helpers


def _get(s: Session, order_id: int, *, for_update: bool = False) -> Order:
    o = repo.get_order(s, order_id, for_update=for_update)
    if o is None:
        raise OrderNotFound(f"order {order_id} does not exist")
    return o


def _check_claim(o: Order, user: str) -> None:
    if o.claimed_by and o.claimed_by != user and o.claim_expires_at and o.claim_expires_at > utcnow():
        raise ClaimedByOther(o.id, o.claimed_by, o.claim_expires_at)


def _drop_claim(o: Order) -> None:
    o.claimed_by = None
    o.claim_expires_at = None


_TOKEN = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]|\.([A-Za-z0-9_]+)")


def _parse_path(path: str) -> list[str | int]:
    """``lines[2].sku`` → ["lines", 2, "sku"]; anything else raises ``InvalidField``."""
    tokens: list[str | int] = []
    pos = 0
    p = (path or "").strip()
    while pos < len(p):
        m = _TOKEN.match(p, pos)
        if not m or (pos == 0 and not m.group(1)) or (pos > 0 and m.group(1)):
            raise InvalidField(
                f"'{path}' is not a field path (expected e.g. po_number, lines[0].qty, ship_to.name)"
            )
        tokens.append(int(m.group(2)) if m.group(2) is not None else (m.group(1) or m.group(3)))
        pos = m.end()
    if not tokens:
        raise InvalidField("a field path is required")
    if tokens[0] in ("source", "provenance", "schema_version"):
        raise InvalidField(f"'{path}' is recorded by the pipeline and cannot be edited")
    return tokens


def _coerce(tokens: list[str | int], value: str | None) -> Any:
    """Empty → None; Decimal fields parsed strictly (so '1,5' or 'abc' is refused with a clear message)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    value = value.strip() if isinstance(value, str) else value
    last = tokens[-1]
    if last in DECIMAL_FIELDS:
        try:  # bounded before any formatting: format() of 1E999999999 writes a billion digits
            d = parse_bounded_decimal(str(value).replace(" ", ""))
        except DecimalBoundsError as exc:
            raise InvalidField(str(exc)) from None
        return format(d, "f")
    return value


def _set_path(data: dict[str, Any], tokens: list[str | int], value: Any, path: str) -> Any:
    """Set ``value`` at ``tokens`` inside the JSON dict, creating missing parties/addresses; returns the old value."""
    cur: Any = data
    for i, tok in enumerate(tokens[:-1]):
        nxt = tokens[i + 1]
        if isinstance(tok, int):
            if not isinstance(cur, list) or not -len(cur) <= tok < len(cur):
                raise InvalidField(
                    f"{path}: there is no item {tok} (the order has {len(cur) if isinstance(cur, list) else 0})"
                )
            cur = cur[tok]
        else:
            if not isinstance(cur, dict):
                raise InvalidField(f"{path}: '{tok}' is not a field here")
            if cur.get(tok) is None:
                if isinstance(nxt, int):
                    raise InvalidField(f"{path}: '{tok}' is empty")
                cur[tok] = {}
            cur = cur[tok]
    last = tokens[-1]
    if isinstance(last, int):
        if not isinstance(cur, list) or not -len(cur) <= last < len(cur):
            raise InvalidField(f"{path}: there is no item {last}")
        old, cur[last] = cur[last], value
        return old
    if not isinstance(cur, dict):
        raise InvalidField(f"{path}: '{last}' is not a field here")
    old = cur.get(last)
    cur[last] = value
    return old
