"""One approve click on one order, whoever clicks it: sign the next pending approval step (lead, finance)
or, when none is left, give the final approval (``review.actions.approve``: blocking issues, overrides,
roles). The order screen's Approve, the queue's bulk approve and ``orderflow queue approve`` all call
``approve`` here, so the approval policy is written once. The ERP push follows in the caller."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from orderflow.review import actions, claims
from orderflow.review.auth import CurrentUser, can_sign, pending_steps, record_approval
from orderflow.store import repository as repo


@dataclass(frozen=True)
class Approved:
    """What the click did: ``signed`` the step recorded (None: no step was pending); ``waiting`` the next
    step still needed (None: the order is approved and should be pushed)."""

    signed: str | None
    waiting: str | None

    @property
    def final(self) -> bool:
        return self.waiting is None


def approve(s: Session, order_id: int, user: CurrentUser, *, override_reason: str | None = None,
            reason_code: str | None = None) -> Approved:
    """Sign the order's next approval step, or approve it when no step is pending. Raises
    ``actions.ReviewError`` with a reason a CSR can read (claimed by someone else, a step this role cannot
    sign, the order's state, blocking issues). Audited; the caller commits (or rolls back on error)."""
    order = repo.get_order(s, order_id, for_update=True)
    if order is None:
        raise actions.OrderNotFound(f"order {order_id} does not exist")
    claims.check_free(order, user.username)  # someone else editing it: decide once they are done (or take over)
    pending = pending_steps(order)
    signed = None
    if pending:
        step = pending[0]
        if not can_sign(user.role, step):
            total = repo.order_canonical(order).computed_total()
            raise actions.NotAllowed(f"order {order_id} needs {step} approval (order total "
                                     f"{'' if total is None else format(total, 'f')}). A {user.role} cannot give "
                                     f"it: use 'Send for {step} approval'.")
        if order.state not in actions.EDITABLE_STATES:
            raise actions.NotAllowed(f"order {order_id} is '{order.state}' and cannot be approved")
        record_approval(order, step, user)
        repo.add_audit(s, entity="order", entity_id=order.id, action="approval_step", actor=user.username,
                       after={"step": step, "role": user.role})
        claims.released_by_decision(order)  # the next role finds the order free (issue 23 item 5)
        signed = step
        if len(pending) > 1:
            return Approved(signed, pending[1])
    actions.approve(s, order_id, user=user.username, role=user.role, override_reason=override_reason,
                    reason_code=reason_code)
    return Approved(signed, None)
