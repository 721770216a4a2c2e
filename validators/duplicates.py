"""Duplicate POs and change/cancel orders without an original.

The same customer + PO number already open or pushed is a duplicate (the buyer resent, or
two channels carried it), unless this document is a change or cancel of that order; a
change or cancel must find its original.
"""

from __future__ import annotations

from orderflow.canonical import CanonicalOrder, Issue, IssueCode, Purpose
from orderflow.canonical.states import OPEN_STATES, OrderState
from orderflow.validators.model import ExistingOrder, ValidationContext, make_issue
from orderflow.validators.text import norm_code

RULE = "duplicates"
LIVE_STATES = frozenset({*(s.value for s in OPEN_STATES), OrderState.PUSHED.value, OrderState.ACKNOWLEDGED.value})


def _same(existing: ExistingOrder, customer_id: str, po: str, own_id: int | str | None) -> bool:
    return (
        existing.customer_id == customer_id
        and norm_code(existing.po_number) == po
        and (own_id is None or existing.order_id != own_id)
        and str(existing.state) in LIVE_STATES
    )


def check_duplicates(order: CanonicalOrder, customer_id: str | None, ctx: ValidationContext) -> list[Issue]:
    if not customer_id or not order.po_number:
        return []
    po = norm_code(order.po_number)
    matches = [e for e in ctx.existing_orders if _same(e, customer_id, po, ctx.order_id)]
    if order.purpose in (Purpose.CHANGE, Purpose.CANCEL):
        if not matches:
            verb = "change" if order.purpose == Purpose.CHANGE else "cancellation"
            return [make_issue(
                IssueCode.ORIGINAL_NOT_FOUND,
                f"This is a {verb} of PO {order.po_number}, but no open or pushed order with that PO number exists "
                f"for customer {customer_id}. Wait for the original, or check the PO number with the customer.",
                field="po_number", actual=order.po_number, rule=RULE)]
        return []
    originals = [e for e in matches if str(e.purpose) == Purpose.ORIGINAL.value] or matches
    if originals:
        first = originals[0]
        return [make_issue(
            IssueCode.DUPLICATE_PO,
            f"PO {order.po_number} from customer {customer_id} is already in the system as order "
            f"{first.order_id or '?'} ({first.state}). Reject this copy, or treat it as a change if it differs.",
            field="po_number", expected="a new PO number", actual=first.order_id, rule=RULE)]
    return []
