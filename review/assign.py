"""Issue 23 item 10: give orders in review to a person ("Assign" in the queue's bulk bar).

An assignment says whose work the order is; it is not a lock (claims are: ``review.actions.claim``).
Like escalations it lives in the audit trail (action ``assigned``, ``after = {"to": username}``), so no
new column: the queue shows the latest assignment of each order while it is in review.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from orderflow.review import actions
from orderflow.review.auth import CurrentUser, load_user
from orderflow.store import repository as repo
from orderflow.store.models import AuditEvent, Order, User

ACTION = "assigned"


def assign(s: Session, order_id: int, *, user: CurrentUser, to: str) -> Order:
    """Assign the order to ``to`` (an active user), audited as ``user``. Refused for an unknown user
    (``InvalidField``: the same for every order), an order out of review, or one someone else is working
    on right now (their live claim). Assigning to whom it is already assigned changes nothing. Caller commits."""
    to = (to or "").strip()
    if load_user(s, to) is None:
        raise actions.InvalidField(f"{to!r} is not an active user: choose who the orders go to" if to
                                   else "choose who the orders go to")
    order = repo.get_order(s, order_id, for_update=True)
    if order is None:
        raise actions.OrderNotFound(f"order {order_id} does not exist")
    if order.state not in actions.EDITABLE_STATES:
        raise actions.NotAllowed(f"order {order_id} is '{order.state}'; only orders in review or valid are assigned")
    if order.claimed_by != to:  # giving it to whoever is working on it is no conflict
        actions._check_claim(order, user.username)
    current = assigned(s, [order_id]).get(order_id)
    if current != to:
        repo.add_audit(s, entity="order", entity_id=order_id, action=ACTION, actor=user.username,
                       before={"to": current}, after={"to": to})
    return order


def assigned(s: Session, order_ids: list[int]) -> dict[int, str]:
    """The latest assignment of each order (by id), one query."""
    if not order_ids:
        return {}
    q = (select(AuditEvent).where(AuditEvent.entity == "order", AuditEvent.action == ACTION,
                                  AuditEvent.entity_id.in_([str(i) for i in order_ids]))
         .order_by(AuditEvent.id))
    return {int(ev.entity_id): str(ev.after.get("to")) for ev in s.scalars(q)
            if isinstance(ev.after, dict) and ev.after.get("to")}


def assignees(s: Session) -> list[str]:
    """Who orders can be assigned to: the active users, by name."""
    return list(s.scalars(select(User.username).where(User.active.is_(True)).order_by(User.username)))
