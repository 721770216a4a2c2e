"""The order screen and the edits made on it: a suggestion, a customer/ship-to pick, the whole form's
save, the ship policy, accept-as-read, and claims (take, release, take over)."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from orderflow.review import actions, claims, navigation
from orderflow.review.order_view import SHIP_POLICY_LABELS, form_changes, order_context
from orderflow.review.web import OrderId, Web, posted_form, review_error
from orderflow.store import repository as repo
from orderflow.store.models import Order

_ISO = re.compile(r"(\d{4}-\d\d-\d\d)T(\d\d:\d\d)(:\d\d(\.\d+)?)?(\+00:00|Z)?")


def _brief(value: Any, limit: int = 80) -> str:
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    text = _ISO.sub(r"\1 \2", text)
    return text if len(text) <= limit else text[: limit - 1] + "…"

router = APIRouter()


@router.get("/orders/{order_id}")
def order_screen(request: Request, web: Web, order_id: OrderId) -> HTMLResponse:
    user = web.current_user(request)
    with web.session_factory() as s:  # looking claims nothing (issue 23 item 5): the first edit does
        order = web.load_order(s, order_id)
        ctx = order_context(s, order, user, navigation.current(request.session))
        return web.page(request, "order.html", ctx)


@router.post("/orders/{order_id}/fix")
def fix(request: Request, web: Web, order_id: OrderId, form: FormData = Depends(posted_form)) -> Response:
    """One field from a suggestion button: path + value."""
    user = web.current_user(request, form)
    path, value = str(form.get("path") or ""), form.get("value")
    with web.session_factory() as s:
        try:
            claims.start_editing(s, order_id, user.username, web.claim_minutes)
            order = actions.fix_field(s, order_id, path, None if value is None else str(value),
                                      user=user.username, revalidate=web.revalidate, learner=web.learner)
            learned = learned_text(order)
            s.commit()
        except actions.ReviewError as exc:
            s.rollback()
            return web.refuse(request, order_id, user, f"Not saved: {exc}", review_error(exc))
        web.flash(request, f"{path} set to {_brief('' if value is None else str(value), 60)}; order is now {order.state.replace('_', ' ')}.{learned}")
    return web.back_to(order_id)


@router.post("/orders/{order_id}/pick")
def pick(request: Request, web: Web, order_id: OrderId, form: FormData = Depends(posted_form)) -> Response:
    """Issue 23: the customer / ship-to picker (a scored suggestion of CUSTOMER_UNKNOWN / SHIP_TO_UNKNOWN,
    or an id typed): sets the id the order is pushed with, re-validated against the reference data."""
    user = web.current_user(request, form)
    what = str(form.get("what") or "")
    value = str(form.get("value") or form.get(f"pick_{what}") or "").strip()  # a suggestion, else the typed id
    with web.session_factory() as s:
        try:
            order = actions.pick(s, order_id, what, value, user=user.username, revalidate=web.revalidate)
            s.commit()
        except actions.ReviewError as exc:
            s.rollback()
            return web.refuse(request, order_id, user, f"Not picked: {exc}", review_error(exc))
        label = "Customer" if what == "customer" else "Ship-to"
        now = order.customer_id if what == "customer" else order.ship_to_id
        web.flash(request, f"{label} {_brief(value, 60) or 'from the document'} picked"
                       + ("" if now else " but it is not known to the ERP")
                       + f"; order is now {order.state.replace('_', ' ')}.", "ok" if now else "warn")
    return web.back_to(order_id)


@router.post("/orders/{order_id}/save")
def save(request: Request, web: Web, order_id: OrderId, form: FormData = Depends(posted_form)) -> Response:
    """The whole form: every changed field that fits is applied (each re-validates), in one transaction;
    a field that does not fit is shown back with its reason and the text typed (issue 23)."""
    user = web.current_user(request, form)
    with web.session_factory() as s:
        order = web.load_order(s, order_id)
        current = repo.order_canonical(order)
        changed = form_changes(current, form)
        if not changed:
            web.flash(request, "No changes to save.", "warn")
            return web.back_to(order_id)
        bad = {p: msg for p, v in changed if (msg := actions.field_error(current, p, v))}
        good = [(p, v) for p, v in changed if p not in bad]
        done = ""
        try:  # the first edit claims the order (issue 23 item 5)
            claims.start_editing(s, order_id, user.username, web.claim_minutes)
            s.commit()
        except actions.ReviewError as exc:
            s.rollback()
            return web.refuse(request, order_id, user, f"Not saved: {exc}", review_error(exc), dict(changed))
        if good:
            try:
                order, taught = actions.save_changes(
                    s, order_id, good, user=user.username, revalidate=web.revalidate, learner=web.learner,
                    evidence={path: click_evidence(form.get(f"evidence:{path}")) for path, _ in good})
                learned = "".join(f" Learned: {d}" for d in taught) + requeued_text(order)
                s.commit()
            except actions.ReviewError as exc:
                s.rollback()
                return web.refuse(request, order_id, user, f"Not saved: {exc}", 200, dict(changed))
            done = f"Saved {len(good)} change(s); order is now {order.state.replace('_', ' ')}.{learned}"
    if bad:
        return web.refuse(request, order_id, user, " ".join(x for x in (done, f"Not saved: {'; '.join(bad.values())}") if x),
                      200, {p: v for p, v in changed if p in bad}, field_errors=bad)
    web.flash(request, done)
    return web.back_to(order_id)


def learned_text(order: Order) -> str:
    got = getattr(order, "learned", None)
    return ("".join(f" Learned: {d}" for d in got.descriptions) if got else "") + requeued_text(order)


def requeued_text(order: Order) -> str:
    """Issue 23 item 10: what the correction taught reached the other waiting orders (a learned
    cross-reference re-validates the customer's orders with the same part)."""
    again = getattr(order, "requeued", None) or []
    return f" {len(again)} other waiting order(s) re-checked with what this taught." if again else ""


def click_evidence(raw: Any) -> dict[str, Any] | None:
    """The word the CSR clicked for a field: {"click": {page, x0, top, x1, bottom}} or None."""
    if not raw:
        return None
    try:
        data = json.loads(str(raw))
        click = {k: float(data[k]) for k in ("x0", "top", "x1", "bottom")}
        click["page"] = int(data.get("page") or 1)
    except (ValueError, TypeError, KeyError):
        return None
    return {"click": click, "word": str(data.get("text") or "")[:200]}


@router.post("/orders/{order_id}/ship-policy")
def ship_policy(request: Request, web: Web, order_id: OrderId, form: FormData = Depends(posted_form)) -> Response:
    """Issue 12: the CSR chooses how this one order ships when stock is short; promises are re-computed."""
    user = web.current_user(request, form)
    policy = str(form.get("ship_policy") or "").strip() or None
    with web.session_factory() as s:
        try:
            claims.start_editing(s, order_id, user.username, web.claim_minutes)
            order = actions.set_ship_policy(s, order_id, policy, user=user.username, revalidate=web.revalidate)
            s.commit()
        except actions.ReviewError as exc:
            s.rollback()
            return web.refuse(request, order_id, user, str(exc), review_error(exc))
        web.flash(request, f"Ship policy set to {SHIP_POLICY_LABELS.get(policy or '', 'the customer default')}; "
                       f"order is now {order.state.replace('_', ' ')}.")
    return web.back_to(order_id)


@router.post("/orders/{order_id}/accept-as-read")
def accept_as_read(request: Request, web: Web, order_id: OrderId, form: FormData = Depends(posted_form)) -> Response:
    """Issue 20: the CSR checked the doubtful values against the document; they are right as read."""
    user = web.current_user(request, form)
    with web.session_factory() as s:
        try:
            claims.start_editing(s, order_id, user.username, web.claim_minutes)
            order = actions.accept_as_read(s, order_id, user=user.username, revalidate=web.revalidate)
            s.commit()
        except actions.ReviewError as exc:
            s.rollback()
            return web.refuse(request, order_id, user, str(exc), review_error(exc))
        web.flash(request, f"Values accepted as read; order is now {order.state.replace('_', ' ')}.")
    return web.back_to(order_id)


@router.post("/orders/{order_id}/release")
def release(request: Request, web: Web, order_id: OrderId, form: FormData = Depends(posted_form)) -> Response:
    user = web.current_user(request, form)
    with web.session_factory() as s:
        try:
            actions.release(s, order_id, user.username)
            s.commit()
        except actions.ReviewError as exc:
            s.rollback()
            return web.refuse(request, order_id, user, str(exc), review_error(exc))
    web.flash(request, "Claim released.")
    return RedirectResponse("/", status_code=303)


@router.post("/orders/{order_id}/claim")
def claim(request: Request, web: Web, order_id: OrderId, form: FormData = Depends(posted_form)) -> Response:
    """Issue 23 item 5: the order form's first keystroke claims the order (app.js asks for JSON), so
    the others see it is being edited; viewing claims nothing."""
    user = web.current_user(request, form)
    wants_json = "application/json" in request.headers.get("accept", "")
    with web.session_factory() as s:
        try:
            order = claims.start_editing(s, order_id, user.username, web.claim_minutes)
            s.commit()
        except actions.ReviewError as exc:
            s.rollback()
            if wants_json:
                return JSONResponse({"ok": False, "error": f"Not claimed: {exc}"}, status_code=review_error(exc))
            return web.refuse(request, order_id, user, f"Not claimed: {exc}", review_error(exc))
        until = order.claim_expires_at
    if wants_json:
        return JSONResponse({"ok": True, "until": until.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
                             if until is not None else None})
    return web.back_to(order_id)


@router.post("/orders/{order_id}/take-over")
def take_over(request: Request, web: Web, order_id: OrderId, form: FormData = Depends(posted_form)) -> Response:
    """Issue 23 item 5: a lead or finance takes over a claim someone else holds (audited)."""
    user = web.current_user(request, form)
    with web.session_factory() as s:
        try:
            _, previous = claims.take_over(s, order_id, user=user.username, role=user.role, minutes=web.claim_minutes)
            s.commit()
        except actions.ReviewError as exc:
            s.rollback()
            return web.refuse(request, order_id, user, f"Not taken over: {exc}", review_error(exc))
    web.flash(request, f"You took over order {order_id} from {previous}." if previous else "Order claimed.")
    return web.back_to(order_id)
