"""When an order is claimed, released and taken over (issue 23 item 5).

Looking at an order claims nothing: a CSR who only read it never blocks finance. The claim is taken by
the first edit (a save, a suggestion, the ship policy, "accept as read", or the order form's first
keystroke), released by a decision (approve, reject, send to lead/finance, a signed approval step) or by
"Release claim", and expires on its own. A lead or finance (``TAKE_OVER_ROLES``) may take over someone
else's live claim; that is audited (``take_over``, with whose claim it was). The claim itself is the
compare-and-set in ``review.actions.claim``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from orderflow.review import actions
from orderflow.store import repository as repo
from orderflow.store.models import Order
from orderflow.store.types import utcnow

TAKE_OVER_ROLES = frozenset({"lead", "supervisor", "finance", "admin"})


def holder(order: Order, now: dt.datetime | None = None) -> str | None:
    """Who holds a live claim on the order, or None."""
    now = now or utcnow()
    if order.claimed_by and order.claim_expires_at and order.claim_expires_at > now:
        return order.claimed_by
    return None


def start_editing(s: Session, order_id: int, user: str, minutes: int) -> Order:
    """The user edits the order: claim it (or extend their claim once half of it is spent, so that not
    every keystroke writes an audit row). Another user's live claim raises ``ClaimedByOther``."""
    o = actions._get(s, order_id)
    now = utcnow()
    if o.claimed_by == user and o.claim_expires_at and o.claim_expires_at > now + dt.timedelta(minutes=minutes / 2):
        return o
    if o.state not in actions.EDITABLE_STATES:
        raise actions.NotAllowed(f"order {o.id} is '{o.state}'; only orders in review or valid are edited")
    return actions.claim(s, order_id, user, minutes=minutes)


def check_free(order: Order, user: str) -> None:
    """Raise ``ClaimedByOther`` when someone else is editing the order (a decision must wait or take over)."""
    actions._check_claim(order, user)


def released_by_decision(order: Order) -> None:
    """A decision on the order (a signed approval step) ends the claim: the next role finds it free."""
    actions._drop_claim(order)


def take_over(s: Session, order_id: int, *, user: str, role: str, minutes: int) -> tuple[Order, str | None]:
    """A lead or finance takes the order over from whoever holds it (audited); returns the order and the
    previous holder (None when nobody held a live claim: then it is a plain claim)."""
    if role not in TAKE_OVER_ROLES:
        raise actions.NotAllowed(f"a {role} cannot take over another user's claim; ask a lead or finance")
    o = actions._get(s, order_id, for_update=True)
    if o.state not in actions.EDITABLE_STATES:
        raise actions.NotAllowed(f"order {o.id} is '{o.state}'; there is nothing to take over")
    previous = holder(o)
    if previous is None or previous == user:
        return actions.claim(s, order_id, user, minutes=minutes), None
    before = {"claimed_by": o.claimed_by, "claim_expires_at": o.claim_expires_at}
    o.claimed_by = user
    o.claim_expires_at = utcnow() + dt.timedelta(minutes=minutes)
    s.flush()
    repo.add_audit(s, entity="order", entity_id=o.id, action="take_over", actor=user, before=before,
                   after={"claimed_by": user, "claim_expires_at": o.claim_expires_at, "role": role},
                   reason=f"took over {previous}'s claim")
    return o, previous


@dataclass(frozen=True)
class Lock:
    """Someone else's live claim as the order screen shows it: who, and whether this user may take over."""

    by: str
    can_take_over: bool


def lock_for(order: Order, user: str, role: str) -> Lock | None:
    """The claim that blocks this user's decisions on the order (None: nothing blocks them)."""
    by = holder(order)
    if by is None or by == user or order.state not in actions.EDITABLE_STATES:
        return None
    return Lock(by, role in TAKE_OVER_ROLES)
