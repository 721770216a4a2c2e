"""The CSR review web app: FastAPI + Jinja2 templates + htmx, no JavaScript build step.

One screen per exception: the source document on the left (page image with a box per
extracted field, the sheet grid, or the EDI segments), the order form on the right with
each issue beside its field. State changes go through ``review.actions`` (which audits
them); the routes (``review.routes``, one module per screen or kind of action) add sign-in,
CSRF, claim locks on the first edit (``review.claims``), approval steps per role and the ERP
push after the final approval. This module wires them: the app's ``WebContext``
(``review.web``), error pages, security headers and the session cookie.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session, sessionmaker
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from orderflow.review import inline, learning
from orderflow.review.routes import decisions, documents, learned, order, queue, signin
from orderflow.review.web import Push, Revalidate, SignInFirst, WebContext, web_context

HERE = Path(__file__).resolve().parent
CLAIM_MINUTES = 15
ROUTERS = (signin.router, queue.router, order.router, decisions.router, learned.router, documents.router)
ERROR_TITLES = {400: "Bad request", 401: "Not signed in", 403: "Not allowed", 404: "Not found", 409: "Conflict"}
CONTENT_SECURITY_POLICY = ("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                           "script-src 'self'; frame-ancestors 'none'; form-action 'self'")
NO_STORE_PREFIXES = ("/orders", "/documents", "/login", "/learned", "/queue")


def create_review_app(
    session_factory: sessionmaker[Session],
    *,
    revalidate: Revalidate,
    push: Push,
    secret_key: str,
    secure_cookies: bool = True,
    claim_minutes: int = CLAIM_MINUTES,
    learner: learning.Learner | None = None,
    on_pushed: Callable[[int], Any] | None = None,
    is_transient: Callable[[BaseException], bool] = lambda exc: isinstance(exc, ConnectionError | TimeoutError),
    erp_name: str | None = None,
) -> FastAPI:
    """The review web app. ``push(session, order)`` returns the ERP order id or raises with the reason.

    ``is_transient(exc)`` classifies a failure the push callable did not record itself, by type
    (``erp_push.base.is_transient`` in the product; ``review/`` does not import the adapters).

    ``on_pushed(order_id)`` runs after a push is committed (e.g. ``flows.notify.order_pushed``: the
    buyer's confirmation mail); it must not raise, and a failure there is only logged.

    ``learner`` (``flows.learning_wiring.make_learner()``) is how corrections teach extraction
    hints; without it the text layer is read and candidate hints are not verified.

    ``erp_name`` (``flows.erp.describe_erp``) is shown in the header: the ERP an approval pushes to."""
    app = FastAPI(title="orderflow review", docs_url=None, redoc_url=None, openapi_url=None)
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.globals["erp_name"] = erp_name  # the header names the ERP approvals push to
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    app.state.web = WebContext(
        session_factory=session_factory, templates=templates, revalidate=revalidate, push=push,
        secure_cookies=secure_cookies, claim_minutes=claim_minutes, learner=learner, on_pushed=on_pushed,
        is_transient=is_transient)
    app.add_exception_handler(SignInFirst, _sign_in_first)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _bad_request)
    app.middleware("http")(_security_headers)
    # Added last so it wraps everything: request.session is there for handlers and middleware.
    app.add_middleware(
        SessionMiddleware,
        secret_key=secret_key,
        session_cookie="orderflow_session",
        max_age=12 * 3600,
        same_site="lax",
        https_only=secure_cookies,
    )
    for router in ROUTERS:
        app.include_router(router)
    inline.add_action_redirects(app)
    return app


# Starlette types a handler as taking any Exception; each is registered for one class, which it asserts.
async def _sign_in_first(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, SignInFirst)
    if request.headers.get("hx-request"):
        return Response(status_code=204, headers={"HX-Redirect": exc.url})
    return RedirectResponse(exc.url, status_code=303)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    back = request.headers.get("referer") if request.method == "POST" else "/"
    return web_context(request).page(request, "error.html", {
        "status": exc.status_code, "title": ERROR_TITLES.get(exc.status_code, "Error"), "message": exc.detail,
        "back": back}, status=exc.status_code)


async def _bad_request(request: Request, exc: Exception) -> Response:
    """A path id out of range (``/orders/<24 digits>``) is a page that does not exist, not a crash."""
    assert isinstance(exc, RequestValidationError)
    in_path = all((e.get("loc") or ("",))[0] == "path" for e in exc.errors())
    status = 404 if in_path else 422
    message = "No such page." if in_path else "; ".join(
        f"{'.'.join(str(x) for x in e.get('loc', ())[1:])}: {e.get('msg')}" for e in exc.errors())
    return web_context(request).page(request, "error.html", {
        "status": status, "title": "Not found" if in_path else "Bad request", "message": message, "back": "/"},
        status=status)


async def _security_headers(request: Request, call_next: Callable) -> Response:
    response = await call_next(request)
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    if request.url.path.startswith(NO_STORE_PREFIXES) or request.url.path == "/":
        response.headers.setdefault("Cache-Control", "no-store")
    return response
