"""The one push path: every caller (``orderflow push``, the worker, the Prefect tasks, order changes,
``queue approve``) pushes an order through ``push_one``.

Exactly once under concurrency rests on two compare-and-sets in the store, not on reading a state
and writing it later:

1. the claim: ``UPDATE orders SET claimed_by=<token> WHERE id=? AND state='approved' AND <claim free,
   expired or ours>`` — one process at a time holds an order's push lease;
2. the result: ``UPDATE orders … WHERE id=? AND state='approved' AND claimed_by=<token>`` opens the
   transaction that records the attempt, moves the state and drops the claim. On PostgreSQL that
   UPDATE holds the row lock, on SQLite the database write lock, until the commit: a second process
   cannot move the same order in between.

Only the process whose result CAS succeeds sends the acknowledgement (855/ORDRSP/865) and the buyer's
confirmation. The ERP call between 1 and 2 carries the idempotency key (the adapter looks it up
first) and runs under a store-wide lock on that key (``store/locks.key_lock``), so a push retaken
after an expired lease waits for the first one's lookup-then-create and then finds its sale instead
of creating a second one.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Callable
from typing import Any

from sqlalchemy import or_, update
from sqlalchemy.orm import Session

from orderflow.canonical import Issue, IssueCode, Suggestion
from orderflow.canonical.states import OrderState
from orderflow.erp_push.base import PermanentERPError, PushResult, TransientERPError, push_failure_kind
from orderflow.flows.checkpoints import checkpoint
from orderflow.flows.leases import Heartbeat, renew_order, stale_after_of
from orderflow.store import repository as repo
from orderflow.store.db import engine_of
from orderflow.store.locks import key_lock
from orderflow.store.models import Order
from orderflow.store.types import utcnow

log = logging.getLogger("orderflow.push")

PUSH_PREFIX = "push:"


def new_claim_token(worker: str) -> str:
    """A claim value unique to this push call (threads of one process must not share a lease)."""
    return f"{PUSH_PREFIX}{worker}#{uuid.uuid4().hex[:8]}"


def _free_or_mine(token: str, now: dt.datetime) -> Any:
    return or_(
        Order.claimed_by.is_(None),
        ~Order.claimed_by.startswith(PUSH_PREFIX),  # a CSR's review claim does not block the push
        Order.claim_expires_at.is_(None),
        Order.claim_expires_at < now,
        Order.claimed_by == token,
    )


def take_claim(s: Session, order_id: int, token: str, stale_after: dt.timedelta) -> bool:
    """CAS: lease the approved order to ``token`` unless another live push lease holds it."""
    now = utcnow()
    stmt = (
        update(Order)
        .where(Order.id == order_id, Order.state == OrderState.APPROVED.value, _free_or_mine(token, now))
        .values(claimed_by=token, claim_expires_at=now + stale_after)
        .execution_options(synchronize_session=False)
    )
    return repo.affected(s, stmt) == 1


def _hold_for_result(s: Session, order_id: int, token: str) -> bool:
    """CAS that opens the result transaction: still approved and still ours. Holds the row (PostgreSQL)
    or the database (SQLite) write lock until the commit."""
    stmt = (
        update(Order)
        .where(Order.id == order_id, Order.state == OrderState.APPROVED.value, Order.claimed_by == token)
        .values(claim_expires_at=None)
        .execution_options(synchronize_session=False)
    )
    return repo.affected(s, stmt) == 1


def push_one(services: Any, order_id: int, *, actor: str = "system", token: str | None = None,
             stale_after: dt.timedelta | None = None) -> Any:
    """Push one approved order exactly once; never raises for ERP failures.

    ``token``: the claim a worker already took (``workers.claim_orders``); otherwise a fresh one.
    Returns ``pipeline.PushOutcome``; ``skipped`` when another process holds the order's lease."""
    from orderflow.flows import changes
    from orderflow.flows.pipeline import PushOutcome, build_push_request

    token = token or new_claim_token(actor)
    stale_after = stale_after_of(services) if stale_after is None else stale_after
    with services.session_factory() as s, s.begin():
        if not take_claim(s, order_id, token, stale_after):
            row = repo.get_order(s, order_id)
            if row is None:
                raise LookupError(f"order {order_id} not found")
            if row.state == OrderState.PUSHED and row.erp_order_id:
                return PushOutcome(order_id, True, row.erp_order_id, skipped=True)
            if row.state == OrderState.APPROVED:
                return PushOutcome(order_id, False, error=f"being pushed by {row.claimed_by}", skipped=True)
            return PushOutcome(order_id, False, error=f"order is {row.state}, not approved")
        row = repo.order(s, order_id)
        is_change = changes.updates_erp(row)  # a new version of a sale already in the ERP
        request = build_push_request(row)
        call = changes.erp_call(services, row) if is_change else _create_call(services, request)
    checkpoint("before_push")
    result, error, kind, field = None, None, None, None
    try:
        with Heartbeat(services.session_factory, lambda s: renew_order(s, order_id, token, stale_after), stale_after), \
                key_lock(engine_of(services.session_factory), request.key, timeout=stale_after.total_seconds()):
            result = call()  # the adapter's lookup-then-create, one process at a time per key
    except Exception as exc:  # the policy decides by type; an adapter bug must not kill the caller
        kind = push_failure_kind(exc)
        field = getattr(exc, "field", None) if kind == "permanent" else None  # beside the field it concerns
        if isinstance(exc, TransientERPError | PermanentERPError):
            error = str(exc) or type(exc).__name__
        else:  # an unknown failure keeps its type in the text the CSR reads
            error = f"{type(exc).__name__}: {exc}"
    checkpoint("after_push")
    return _record(services, order_id, token, actor, result=result, error=error, kind=kind, is_change=is_change,
                   field=field)


def _create_call(services: Any, request: Any) -> Callable[[], PushResult]:
    return lambda: services.adapter.push(request)


def _record(services: Any, order_id: int, token: str, actor: str, *, result: PushResult | None,
            error: str | None, kind: str | None, is_change: bool, field: str | None = None) -> Any:
    """The result transaction: CAS on (approved, our claim), attempt, state, claim released — together.
    A refusal (permanent) sends the order back to review, editable, with the ERP's reason as an ERP_REJECTED
    issue beside ``field`` when the adapter named one; the fixed order is approved and pushed again."""
    from orderflow.flows import changes, replies
    from orderflow.flows.pipeline import PushOutcome

    adapter = services.adapter.name
    owed: int | None = None
    with services.session_factory() as s, s.begin():
        ours = _hold_for_result(s, order_id, token)
        row = repo.order(s, order_id)
        if result is not None:
            repo.record_push_attempt(s, row, adapter=adapter, ok=True, erp_order_id=result.erp_order_id)
            if not ours:  # our lease was retaken: the other push (same key) records the state
                log.warning("order %s: pushed as %s after losing its claim", order_id, result.erp_order_id)
                return PushOutcome(order_id, True, result.erp_order_id, created=result.created, skipped=True)
            row.erp_order_id = result.erp_order_id
            reason = f"ERP order {result.erp_order_id}"
            if is_change:
                reason += f" changed to revision {row.revision}"
            repo.set_order_state(s, row, OrderState.PUSHED, actor=actor, reason=reason)
            if is_change:
                changes.supersede_previous(s, row, actor=actor)
            row.claimed_by = None
            owed = replies.owe_decision(s, row, kind=replies.CHANGE_ACK if is_change else replies.ORDER_ACK,
                                        accepted=True, actor=actor)  # rendered here: one interchange
        else:
            transient = kind == "transient"
            repo.record_push_attempt(s, row, adapter=adapter, ok=False, error=error, transient=transient)
            if not ours:
                return PushOutcome(order_id, False, error=error, skipped=True)
            attempt_no = len(repo.push_attempts(s, row))
            if not transient:
                prefix = "The ERP cannot take this change" if is_change else "The ERP refused the order"
                issue = Issue(code=IssueCode.ERP_REJECTED, message=f"{prefix}: {error}",
                              **({"field": "po_number", "rule": "changes"} if is_change else
                                 {"field": field, "rule": "erp_push",
                                  "suggestions": refusal_suggestions(services, row, field)} if field else {}))
                repo.replace_issues(s, row, [*repo.order_issues(row), issue])
                repo.set_order_state(s, row, OrderState.NEEDS_REVIEW, actor=actor, reason=f"ERP rejected: {error}")
                if is_change:
                    owed = replies.owe_decision(s, row, kind=replies.CHANGE_ACK, accepted=False, actor=actor,
                                                reason=error)
            elif attempt_no >= services.push_attempts:
                repo.set_order_state(s, row, OrderState.FAILED, actor=actor,
                                     reason=f"dead-lettered after {attempt_no} attempts: {error}")
            row.claimed_by = None
            row.claim_expires_at = None
    checkpoint("before_reply")
    if owed is not None:
        replies.deliver(services, [owed])
    if result is not None:
        return PushOutcome(order_id, True, result.erp_order_id, created=result.created)
    return PushOutcome(order_id, False, error=error)


def refusal_suggestions(services: Any, row: Order, field: str | None) -> list[Suggestion]:
    """What the review picker offers when the ERP refused the order's customer (``buyer``) or ship-to:
    the closest other customers, or the customer's other delivery addresses, from the reference data."""
    from orderflow.validators.cache import customer_index
    from orderflow.validators.customer import suggest_customers

    ref = getattr(services, "reference", None)
    if ref is None or field not in ("buyer", "ship_to"):
        return []
    if field == "buyer":
        return [x for x in suggest_customers(repo.order_canonical(row), ref, limit=4) if x.value != row.customer_id][:3]
    return [Suggestion(value=st.id, label=st.name) for st in customer_index(ref).ship_tos.get(row.customer_id or "", [])
            if st.id != row.ship_to_id][:3]
