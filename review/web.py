"""What every route of the review app shares: the store, the templates, sign-in and CSRF, one-time
messages, the order screen with a refusal on it, and the push after the final approval.

One ``WebContext`` per app lives on ``app.state.web``; a route asks for it as ``web: Web``
(a FastAPI dependency), so the routes are plain module functions in ``review.routes``."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, HTTPException, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session, sessionmaker
from starlette.datastructures import FormData

from orderflow.canonical import CanonicalOrder, Issue
from orderflow.canonical.states import OrderState
from orderflow.review import actions, escalation, inline, learning, navigation
from orderflow.review.auth import CurrentUser, csrf_ok, new_csrf_token, session_user
from orderflow.review.order_view import MAX_ID, order_context
from orderflow.store import repository as repo
from orderflow.store.models import Order

log = logging.getLogger(__name__)

FLASH_MAX = 600  # characters of a flash message; the session cookie must stay far below 4 KB
# Ids in paths are range-checked: /orders/<24 digits> is "no such page" (404), never a driver overflow.
OrderId = Annotated[int, PathParam(ge=1, le=MAX_ID)]
RowId = Annotated[int, PathParam(ge=1, le=MAX_ID)]

Revalidate = Callable[[CanonicalOrder, Order], tuple[list[Issue], dict]]
Push = Callable[[Session, Order], str]


async def posted_form(request: Request) -> FormData:
    """The posted form, read here (async) so that routes can be plain ``def``: FastAPI runs those in
    its thread pool, and blocking work (store, argon2, rendering, ERP pushes) never stalls the loop."""
    return await request.form() if request.method == "POST" else FormData()


class SignInFirst(Exception):
    """A GET without a signed-in user: answered with a redirect to the sign-in page."""

    def __init__(self, url: str) -> None:
        self.url = url


def review_error(exc: actions.ReviewError) -> int:
    """The HTTP status of a refused review action."""
    return 404 if isinstance(exc, actions.OrderNotFound) else 409 if isinstance(
        exc, actions.ClaimedByOther | actions.BlockingIssues) else 403 if isinstance(
        exc, actions.NotAllowed) else 400


def go_on(around: navigation.Neighbours) -> RedirectResponse:
    """Issue 23: after a final approve or a reject, the next order in the CSR's filter (or the queue)."""
    return RedirectResponse(f"/orders/{around.next}" if around.next else around.queue_url, status_code=303)


@dataclass
class WebContext:
    """The app's wiring (see ``create_review_app`` for what each callable does)."""

    session_factory: sessionmaker[Session]
    templates: Jinja2Templates
    revalidate: Revalidate
    push: Push
    secure_cookies: bool
    claim_minutes: int
    learner: learning.Learner | None
    on_pushed: Callable[[int], Any] | None
    is_transient: Callable[[BaseException], bool]

    # ------------------------------------------------------------ sessions, CSRF, pages

    def csrf_token(self, request: Request) -> str:
        token = request.session.get("csrf")
        if not token:
            token = request.session["csrf"] = new_csrf_token()
        return token

    def flash(self, request: Request, text: str, kind: str = "ok") -> None:
        """A one-time message in the (cookie) session: kept short, since a cookie over 4 KB is dropped
        by the browser and with it the whole session. Values a user typed are cut to a preview."""
        if len(text) > FLASH_MAX:
            text = text[: FLASH_MAX - 1] + "…"
        request.session["flash"] = {"text": text, "kind": kind}

    def page(self, request: Request, name: str, ctx: dict[str, Any], status: int = 200) -> HTMLResponse:
        user = getattr(request.state, "user", None)
        if user is not None and "awaiting_count" not in ctx and user.role != "csr":
            with self.session_factory() as s:  # issue 23 item 4: the header's "Awaiting my approval (N)"
                ctx = {**ctx, "awaiting_count": escalation.awaiting_count(s, user.role)}
        ctx = {"user": user, "csrf_token": self.csrf_token(request),
               "flash": request.session.pop("flash", None), **ctx}
        return self.templates.TemplateResponse(request, name, ctx, status_code=status)

    def check_csrf(self, request: Request, form: FormData | None) -> None:
        given = request.headers.get("x-csrf-token") or (form.get("csrf_token") if form is not None else None)
        if not csrf_ok(request.session.get("csrf"), given):  # type: ignore[arg-type]
            if self.secure_cookies and request.url.scheme == "http" and not request.session:
                # the browser keeps Secure cookies from plain-HTTP pages on a host name: no reload helps
                raise HTTPException(403, "Signing in needs HTTPS: this server's cookies are Secure, and the browser "
                                    f"does not send them over plain http://{request.url.hostname}. Serve the app behind "
                                    "HTTPS, or start it with `orderflow ui --insecure-cookies` on a trusted network.")
            raise HTTPException(403, "The form's security token is missing or out of date. Reload the page and try again.")

    def current_user(self, request: Request, form: FormData | None = None) -> CurrentUser:
        """Signed-in user or a redirect to sign-in; POSTs must carry the session's CSRF token.

        The cookie names a server-side session (``web_sessions``): signed out or revoked is signed out.
        Runs in the thread pool (routes are plain ``def``): it reads the store."""
        with self.session_factory() as s:
            user = session_user(s, request.session.get("sid"))
        if user is None:
            request.session.pop("sid", None)
            if request.method == "GET":
                raise SignInFirst(f"/login?next={quote(str(request.url.path))}")
            raise HTTPException(401, "Sign in first.")
        if request.method == "POST":
            self.check_csrf(request, form)
        request.state.user = user
        return user

    # ------------------------------------------------------------ orders

    @staticmethod
    def back_to(order_id: int) -> RedirectResponse:
        return RedirectResponse(f"/orders/{order_id}", status_code=303)

    @staticmethod
    def load_order(s: Session, order_id: int) -> Order:
        order = repo.get_order(s, order_id)
        if order is None:
            raise HTTPException(404, f"Order {order_id} does not exist.")
        return order

    def refuse(self, request: Request, order_id: int, user: CurrentUser, message: str, status: int,
               form: FormData | dict[str, str] | None = None, field_errors: dict[str, str] | None = None) -> Response:
        """Issue 23: a refused action is the order screen with the reason inline and what was typed kept
        (``form``: the posted form, or path → typed text); htmx is told the address is the order's (a
        refresh shows the order, not a 405)."""
        with self.session_factory() as s:
            ctx = order_context(s, self.load_order(s, order_id), user, navigation.current(request.session))
        typed = form if isinstance(form, dict) else inline.typed_values(form)
        inline.keep_typed(ctx, typed, field_errors)
        response = self.page(request, "order.html", {**ctx, "error": message}, status=status)
        response.headers["HX-Replace-Url"] = f"/orders/{order_id}"
        return response

    def run_push(self, order_id: int) -> tuple[str, str]:
        """Push the approved order; record the outcome unless the push callable already did.
        Returns the message for the CSR and its kind ("ok" or "error")."""
        with self.session_factory() as s:
            order = self.load_order(s, order_id)
            seen = len(repo.push_attempts(s, order))
            try:
                erp_id = self.push(s, order)
            except Exception as exc:  # the adapter's reason is what the CSR needs to see
                s.rollback()
                order = self.load_order(s, order_id)
                if len(repo.push_attempts(s, order)) == seen:
                    repo.record_push_attempt(s, order, adapter="erp", ok=False, error=str(exc) or type(exc).__name__,
                                             transient=self.is_transient(exc))
                repo.add_audit(s, entity="order", entity_id=order.id, action="push_failed", actor="system",
                               reason=str(exc))
                s.commit()
                if order.state in actions.EDITABLE_STATES:  # the push path sent a refusal back to review
                    return (f"The ERP refused the order: {exc}. It is back in review: fix what the ERP names, "
                            "then approve again."), "error"
                return f"Approved, but the ERP push failed: {exc}", "error"
            if len(repo.push_attempts(s, order)) == seen:
                repo.record_push_attempt(s, order, adapter="erp", ok=True, erp_order_id=erp_id)
            order.erp_order_id = erp_id
            if order.state == OrderState.APPROVED.value:
                repo.set_order_state(s, order, OrderState.PUSHED.value, actor="system", action="pushed",
                                     reason=f"ERP order {erp_id}")
            s.commit()
        if self.on_pushed is not None:  # the buyer's confirmation mail (issue 12)
            try:
                self.on_pushed(order_id)
            except Exception:
                log.exception("after-push hook failed for order %s", order_id)
        return f"Approved and pushed: ERP order {erp_id}.", "ok"


def web_context(request: Request) -> WebContext:
    return request.app.state.web


Web = Annotated[WebContext, Depends(web_context)]
