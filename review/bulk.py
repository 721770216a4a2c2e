"""Issue 23 item 10: one action on the orders selected in the queue — approve, reject with one reason,
assign to a person, send to the role that may decide (``review.escalation``).

Each order goes through the same per-order code as its own button on the order screen
(``review.approving.approve`` then the push, ``review.actions.reject``, ``review.escalation.send``,
``review.assign.assign``), in its own transaction with its own audit entries. An order the action cannot
apply to (blocking issues, a step the user's role cannot sign, claimed by someone else, changed since the
queue was loaded, no longer in review) is reported with its reason; it neither stops the others nor is
skipped in silence. A wrong input that would be refused on every order (no reason for a reject, no note
for a send, no such assignee) stops the batch before anything is done.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from orderflow.review import actions, approving, assign, escalation
from orderflow.review.auth import CurrentUser
from orderflow.store import repository as repo
from orderflow.store.models import Order

log = logging.getLogger(__name__)

ACTIONS = ("approve", "reject", "assign", "send")
MAX_SELECTED = 500  # one request does this many orders at most (each may push to the ERP)
MAX_ID = 2**31 - 1

Push = Callable[[int], tuple[str, str]]  # order id → (text, "ok" | "warn" | "error"), as the app's run_push
Version = Callable[[Order], str]


class InputError(ValueError):
    """The batch's input is wrong for every order (nothing was done); ``str()`` says what to give."""


@dataclass(frozen=True)
class Outcome:
    order_id: int
    po: str | None
    kind: str  # "ok" (done), "warn" (done, with a caveat: e.g. the push failed) or "refused"
    text: str


def _reason(order_id: int, exc: Exception) -> str:
    """The refusal as the result list shows it, beside "Order 12 · PO": without "order 12" again."""
    text = str(exc)
    prefix = f"order {order_id} "
    return text[len(prefix):] if text.lower().startswith(prefix) else text


def selection(values: Iterable[Any]) -> list[tuple[int, str | None]]:
    """The ticked checkboxes (``"12"`` or ``"12:<version seen>"``) → (order id, version), in page order,
    each order once; anything else is not an order id and is dropped."""
    out: dict[int, str | None] = {}
    for raw in values:
        head, _, seen = str(raw).strip().partition(":")
        if head.isdigit() and 1 <= int(head) <= MAX_ID and int(head) not in out:
            out[int(head)] = seen.strip() or None
    return list(out.items())


def _act(action: str, s: Session, order_id: int, user: CurrentUser, text: str, to: str) -> tuple[str, bool]:
    """Do ``action`` on one order; → (what was done, whether it still needs the ERP push)."""
    if action == "approve":
        # never an override: one text box for a whole selection is not a reason for each order's blocking
        # issues, and a note typed for reject/send must not approve what it did not look at
        done = approving.approve(s, order_id, user)
        if done.final:
            return "approved", True
        return f"{done.signed} approval recorded; waiting for {done.waiting} approval", False
    if action == "reject":
        actions.reject(s, order_id, user=user.username, reason=text)
        return "rejected", False
    if action == "send":
        escalation.send(s, order_id, user=user.username, role=user.role, to=to, note=text)
        return f"sent to {to}", False
    assign.assign(s, order_id, user=user, to=to)
    return f"assigned to {to}", False


def apply(session_factory: sessionmaker[Session], selected: list[tuple[int, str | None]], action: str,
          user: CurrentUser, *, text: str = "", to: str = "", push: Push, version: Version) -> list[Outcome]:
    """``action`` on each selected order, one transaction each; approved orders are pushed with ``push``.

    ``text`` is the reject reason or the send note (a bulk approve never overrides blocking issues: that
    is decided on the order's own page, with its own reason); ``to`` the role (send) or the user (assign). An order whose version differs from
    the one the queue showed is refused: the user did not see what it says now."""
    if action not in ACTIONS:
        raise InputError(f"unknown action {action!r}: use {', '.join(ACTIONS)}")
    if not selected:
        raise InputError("select the orders first (tick their boxes, shift-click a range, or press x on a row)")
    if len(selected) > MAX_SELECTED:
        raise InputError(f"{len(selected)} orders selected; at most {MAX_SELECTED} at once")
    text = (text or "").strip()
    out: list[Outcome] = []
    for order_id, seen in selected:
        po: str | None = None
        with session_factory() as s:
            try:
                order = repo.get_order(s, order_id)
                if order is None:
                    raise actions.OrderNotFound(f"order {order_id} does not exist")
                po = order.po_number
                if seen and seen != version(order):
                    raise actions.NotAllowed(f"order {order_id} was changed after the queue was shown; "
                                             "open it and look again")
                done, needs_push = _act(action, s, order_id, user, text, to)
                s.commit()
            except (actions.ReasonRequired, actions.InvalidField) as exc:
                s.rollback()
                if not out:  # the same for every order: say it once, nothing was done
                    raise InputError(str(exc)) from None
                out.append(Outcome(order_id, po, "refused", _reason(order_id, exc)))
                continue
            except actions.ReviewError as exc:
                s.rollback()
                out.append(Outcome(order_id, po, "refused", _reason(order_id, exc)))
                continue
            except Exception:  # one order that breaks is reported; the others still get done
                s.rollback()
                log.exception("bulk %s of order %s failed", action, order_id)
                out.append(Outcome(order_id, po, "refused", "could not be done: an internal error (see the log)"))
                continue
        if needs_push:
            pushed, kind = push(order_id)
            out.append(Outcome(order_id, po, "ok" if kind == "ok" else "warn", pushed))
        else:
            out.append(Outcome(order_id, po, "ok", done))
    return out


def summary(action: str, outcomes: list[Outcome]) -> dict[str, Any]:
    """The result panel: a one-line count, then the refused orders first, then the rest."""
    refused = [o for o in outcomes if o.kind == "refused"]
    done = [o for o in outcomes if o.kind != "refused"]
    line = f"{action.title()}: {len(done)} of {len(outcomes)} order(s) done"
    if refused:
        line += f", {len(refused)} refused (listed first, still selected)"
    return {"action": action, "line": line + ".", "outcomes": refused + done,
            "refused": [o.order_id for o in refused], "done": len(done)}
