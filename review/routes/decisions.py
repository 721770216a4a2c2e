"""Decisions on an order: approve (and push after the final step), push again, send for approval,
escalate to lead/finance, reject."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from orderflow.canonical.states import OrderState
from orderflow.review import actions, approving, claims, escalation, navigation
from orderflow.review.auth import pending_steps
from orderflow.review.order_view import form_changes, order_version
from orderflow.review.web import OrderId, Web, go_on, posted_form, review_error
from orderflow.store import repository as repo
from orderflow.store.models import Order
from orderflow.store.types import utcnow

router = APIRouter()


@router.post("/orders/{order_id}/approve")
def approve(request: Request, web: Web, order_id: OrderId, form: FormData = Depends(posted_form)) -> Response:
    user = web.current_user(request, form)
    override = str(form.get("override_reason") or "").strip() or None
    reason_code = str(form.get("override_choice") or "").strip() or None  # issue 23 item 6: a standard reason
    seen = str(form.get("seen") or "")
    with web.session_factory() as s:
        order = web.load_order(s, order_id)
        around = navigation.neighbours(s, navigation.current(request.session), order_id, user.username, utcnow())
        if unsaved := unsaved_edits(order, form):  # the next order would open and the typing be lost
            return web.refuse(request, order_id, user, f"Not approved: you have unsaved edits ({', '.join(unsaved)}). "
                                                   "Save them first, or reload the page to drop them.", 409, form)
        if seen and seen != order_version(order):  # signed what the approver saw, nothing else
            return web.refuse(request, order_id, user, f"Order {order_id} was changed after you opened it. "
                                                   "Look at it again before approving.", 409, form)
        try:  # the one approve policy (review.approving): steps, roles, blocking issues, claims
            done = approving.approve(s, order_id, user, override_reason=override, reason_code=reason_code)
            s.commit()
        except actions.ReviewError as exc:
            s.rollback()
            return web.refuse(request, order_id, user, f"Not approved: {exc}", review_error(exc), form)
        if not done.final:
            web.flash(request, f"{str(done.signed).title()} approval recorded; waiting for {done.waiting} approval.")
            return web.back_to(order_id)
    text, kind = web.run_push(order_id)
    if kind != "ok":
        web.flash(request, text, kind)
        return web.back_to(order_id)
    web.flash(request, f"Order {order_id}: {text}")
    return go_on(around)


def unsaved_edits(order: Order, form: FormData) -> list[str]:
    """Fields of the order form (sent along with approve/reject) that differ from the stored order."""
    return [p for p, _ in form_changes(repo.order_canonical(order), form)]


@router.post("/orders/{order_id}/push")
def retry_push(request: Request, web: Web, order_id: OrderId, form: FormData = Depends(posted_form)) -> Response:
    """Push again an approved order whose earlier push failed (the adapter is idempotent)."""
    user = web.current_user(request, form)
    with web.session_factory() as s:
        order = web.load_order(s, order_id)
        if order.state != OrderState.APPROVED.value or order.erp_order_id:
            return web.refuse(request, order_id, user,
                          f"Order {order_id} is '{order.state}'; only approved, unpushed orders are pushed.", 409)
        repo.add_audit(s, entity="order", entity_id=order.id, action="push_retry", actor=user.username)
        s.commit()
    web.flash(request, *web.run_push(order_id))
    return web.back_to(order_id)


@router.post("/orders/{order_id}/send-for-approval")
def send_for_approval(request: Request, web: Web, order_id: OrderId, form: FormData = Depends(posted_form)) -> Response:
    user = web.current_user(request, form)
    with web.session_factory() as s:
        order = web.load_order(s, order_id)
        pending = pending_steps(order)
        if not pending:
            return web.refuse(request, order_id, user, "This order needs no further approval.", 409)
        if order.state not in actions.EDITABLE_STATES:
            return web.refuse(request, order_id, user, f"Order {order_id} is '{order.state}'.", 409)
        try:
            claims.check_free(order, user.username)
        except actions.ClaimedByOther as exc:
            return web.refuse(request, order_id, user, f"Not sent: {exc}", 409)
        repo.add_audit(s, entity="order", entity_id=order.id, action="sent_for_approval", actor=user.username,
                       after={"steps": pending})
        try:
            actions.release(s, order_id, user.username)
        except actions.ReviewError as exc:
            s.rollback()
            return web.refuse(request, order_id, user, str(exc), review_error(exc))
        s.commit()
    web.flash(request, f"Sent for {' + '.join(pending)} approval.")
    return RedirectResponse("/", status_code=303)


@router.post("/orders/{order_id}/escalate")
def escalate(request: Request, web: Web, order_id: OrderId, form: FormData = Depends(posted_form)) -> Response:
    """Issue 23 item 3: a CSR sends the order to the role that may decide, with a note."""
    user = web.current_user(request, form)
    to = str(form.get("to") or "")
    with web.session_factory() as s:
        try:
            escalation.send(s, order_id, user=user.username, role=user.role, to=to, note=str(form.get("note") or ""))
            s.commit()
        except actions.ReviewError as exc:
            s.rollback()
            return web.refuse(request, order_id, user, f"Not sent: {exc}", review_error(exc), form)
    web.flash(request, f"Order {order_id} sent to {to}; it waits for them.")
    return RedirectResponse("/", status_code=303)


@router.post("/orders/{order_id}/reject")
def reject(request: Request, web: Web, order_id: OrderId, form: FormData = Depends(posted_form)) -> Response:
    user = web.current_user(request, form)
    with web.session_factory() as s:
        around = navigation.neighbours(s, navigation.current(request.session), order_id, user.username, utcnow())
        if unsaved := unsaved_edits(web.load_order(s, order_id), form):
            return web.refuse(request, order_id, user, f"Not rejected: you have unsaved edits ({', '.join(unsaved)}). "
                                                   "Save them first, or reload the page to drop them.", 409, form)
        try:
            actions.reject(s, order_id, user=user.username, reason=str(form.get("reason") or ""))
            s.commit()
        except actions.ReviewError as exc:
            s.rollback()
            return web.refuse(request, order_id, user, f"Not rejected: {exc}", review_error(exc), form)
    web.flash(request, f"Order {order_id} rejected.")
    return go_on(around)
