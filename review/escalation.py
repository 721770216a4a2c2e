"""Issue 23 items 3–4: a CSR sends an order they may not decide to the role that may ("Send to lead",
"Send to finance"), with a note; leads and finance see what waits for them, CSRs what they sent.

State lives in the audit trail (action ``escalated``, ``after = {"to", "role", "note"}``), so no new
column: an order in review waits for the role of its latest escalation until it leaves review. Who
decides which blocking code is ``review.overrides``: a lead sends a credit hold on to finance.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, defer, selectinload

from orderflow.review import actions, overrides
from orderflow.review.auth import SIGNS, approvals_done, pending_steps
from orderflow.store import repository as repo
from orderflow.store.models import AuditEvent, Document, Order

ACTION = "escalated"
TARGETS = ("lead", "finance")
NOTE_MAX = 1000
# Who decides which code is ``review.overrides`` (one table); these names stay for callers.
DECISION_CODES = overrides.DECISION_CODES
is_decision = overrides.is_decision
role_for = overrides.decider


def targets(order: Order, role: str) -> list[str]:
    """The roles this user may send the order to: whoever decides the blocking codes this role may not
    override (a lead sends a credit hold to finance), and for a CSR the approval steps still to sign."""
    if order.state not in actions.EDITABLE_STATES:
        return []
    codes = {i.code for i in order.issues if i.severity == "error"}
    wanted = {overrides.decider(c) for c in overrides.not_mine(role, codes)}
    if role not in actions.OVERRIDE_ROLES:
        wanted |= {step for step in pending_steps(order) if step in TARGETS and step not in SIGNS.get(role, ())}
    return [t for t in TARGETS if t in wanted and t != role]


def only_decisions(order: Order) -> bool:
    """Every blocking issue is one only a lead/finance can decide (so an override box is no use to a CSR)."""
    codes = {i.code for i in order.issues if i.severity == "error"}
    return bool(codes) and all(is_decision(c) for c in codes)


def decided_elsewhere(order: Order, role: str) -> list[str]:
    """Blocking decision codes (price, credit) this role may not override: the approve form offers no
    override for them, and the approve button says who decides."""
    return overrides.decisions_for_others(role, {i.code for i in order.issues if i.severity == "error"})


def send(s: Session, order_id: int, *, user: str, role: str, to: str, note: str) -> Order:
    """Escalate: audited with the note, the sender's claim released. Caller commits."""
    note = (note or "").strip()
    if not note:
        raise actions.ReasonRequired(f"write a note for the {to or 'lead'}: what should they decide, and why")
    o = repo.get_order(s, order_id, for_update=True)
    if o is None:
        raise actions.OrderNotFound(f"order {order_id} does not exist")
    allowed = targets(o, role)
    if to not in allowed:
        raise actions.NotAllowed(f"order {o.id} cannot be sent to {to!r}"
                                 + (f": send it to {' or '.join(allowed)}" if allowed else ""))
    actions._check_claim(o, user)
    repo.add_audit(s, entity="order", entity_id=o.id, action=ACTION, actor=user,
                   after={"to": to, "role": role, "note": note[:NOTE_MAX]}, reason=note[:NOTE_MAX])
    actions._drop_claim(o)
    return o


@dataclass(frozen=True)
class Sent:
    to: str
    by: str
    note: str


def latest(s: Session, order_ids: list[int]) -> dict[int, Sent]:
    """The latest escalation of each order (by id), one query."""
    if not order_ids:
        return {}
    q = (select(AuditEvent).where(AuditEvent.entity == "order", AuditEvent.action == ACTION,
                                  AuditEvent.entity_id.in_([str(i) for i in order_ids]))
         .order_by(AuditEvent.id))
    out: dict[int, Sent] = {}
    for ev in s.scalars(q):
        a = ev.after if isinstance(ev.after, dict) else {}
        out[int(ev.entity_id)] = Sent(str(a.get("to") or "lead"), ev.actor, str(a.get("note") or ""))
    return out


def waiting_for(order: Order, sent: Sent | None) -> str | None:
    """The role an order waits for: its escalation while still in review and unsigned, else a pending step."""
    if order.state not in actions.EDITABLE_STATES:
        return None
    if sent is not None and sent.to not in {a["step"] for a in approvals_done(order)}:
        return sent.to  # sent to a role that has not signed yet (once it signs, the next step waits)
    steps = [p for p in pending_steps(order) if p in TARGETS]
    return steps[0] if steps else None


def _open_orders(s: Session) -> list[Order]:
    q = (select(Order).where(Order.state.in_(sorted(actions.EDITABLE_STATES)))
         .options(selectinload(Order.document).options(defer(Document.data)), selectinload(Order.issues))
         .order_by(Order.created_at, Order.id))
    return list(s.scalars(q).all())


def awaiting(s: Session, role: str) -> list[tuple[Order, Sent | None, str]]:
    """Orders in review waiting for a role this user signs for (lead, finance): (order, escalation, role)."""
    signs = SIGNS.get(role, frozenset()) & set(TARGETS)
    if not signs:
        return []
    orders = _open_orders(s)
    sent = latest(s, [o.id for o in orders])
    out = []
    for o in orders:
        who = waiting_for(o, sent.get(o.id))
        if who in signs:
            out.append((o, sent.get(o.id), who))
    return out


def awaiting_count(s: Session, role: str) -> int:
    return len(awaiting(s, role)) if role in ("lead", "finance", "admin") else 0


def sent_by(s: Session, user: str) -> list[tuple[Order, Sent, str | None]]:
    """What this user sent, newest first, with the role it still waits for (None once decided)."""
    q = (select(AuditEvent).where(AuditEvent.entity == "order", AuditEvent.action == ACTION,
                                  AuditEvent.actor == user).order_by(AuditEvent.id.desc()))
    out: list[tuple[Order, Sent, str | None]] = []
    seen: set[int] = set()
    for ev in s.scalars(q).all():
        oid = int(ev.entity_id)
        if oid in seen:
            continue
        seen.add(oid)
        o = repo.get_order(s, oid)
        if o is None:
            continue
        a: dict[str, Any] = ev.after if isinstance(ev.after, dict) else {}
        mine = Sent(str(a.get("to") or "lead"), ev.actor, str(a.get("note") or ""))
        out.append((o, mine, waiting_for(o, latest(s, [oid]).get(oid))))
    return out
