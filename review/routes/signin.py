"""Sign-in and sign-out (argon2 in the thread pool, throttled, server-side sessions), the health
probe and the favicon."""

from __future__ import annotations

import datetime as dt
import logging

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from orderflow.review.auth import (
    authenticate,
    clear_login_failures,
    close_web_session,
    locked_until,
    new_csrf_token,
    open_web_session,
    record_login_failure,
)
from orderflow.review.web import Web, WebContext, posted_form
from orderflow.store.types import utcnow

log = logging.getLogger(__name__)

FAVICON_SVG = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" '
               'fill="#1f4e79"/><path d="M4 5h8M4 8h8M4 11h5" stroke="#fff" stroke-width="1.6"/></svg>')

router = APIRouter()


@router.get("/healthz", include_in_schema=False)
async def healthz() -> PlainTextResponse:
    return PlainTextResponse("ok")


@router.get("/favicon.ico", include_in_schema=False)
async def favicon() -> Response:
    """Browsers ask for it on every page: an icon, not a 404 in every log line (issue 23)."""
    return Response(FAVICON_SVG, media_type="image/svg+xml", headers={"Cache-Control": "max-age=86400"})


@router.get("/login")
async def login_form(request: Request, web: Web, next: str = "/") -> HTMLResponse:
    return web.page(request, "login.html", {"next": next if next.startswith("/") else "/", "user": None})


@router.post("/login")
def login(request: Request, web: Web, form: FormData = Depends(posted_form)) -> Response:
    """Sign in (argon2 runs in the thread pool). Throttled per username + client address."""
    web.check_csrf(request, form)
    username, password = str(form.get("username") or "")[:200], str(form.get("password") or "")
    target = str(form.get("next") or "/")
    if not target.startswith("/") or target.startswith("//"):
        target = "/"
    address = request.client.host if request.client else "?"
    with web.session_factory() as s:
        until = locked_until(s, username, address)
        if until is not None:
            return locked_page(request, web, until, target)
        user = authenticate(s, username, password)
        if user is None:
            until = record_login_failure(s, username, address)
            s.commit()
            log.info("failed sign-in for %r from %s", username, address)
            if until is not None:
                return locked_page(request, web, until, target)
            return web.page(request, "login.html", {"error": "Wrong username or password.", "next": target,
                                                "user": None}, status=401)
        clear_login_failures(s, username, address)
        sid = open_web_session(s, user.username)
        s.commit()
    request.session.clear()
    request.session["sid"] = sid
    request.session["csrf"] = new_csrf_token()
    return RedirectResponse(target, status_code=303)


def locked_page(request: Request, web: WebContext, until: dt.datetime, target: str) -> HTMLResponse:
    wait = max(int((until - utcnow()).total_seconds()) + 1, 1)
    text = f"{wait} seconds" if wait < 120 else f"{(wait + 59) // 60} minutes"
    return web.page(request, "login.html", {"error": f"Too many failed sign-ins. Try again in {text}.",
                                        "next": target, "user": None}, status=429)


@router.post("/logout")
def logout(request: Request, web: Web, form: FormData = Depends(posted_form)) -> Response:
    """Sign out: the server-side session is deleted, so the old cookie no longer works anywhere."""
    web.current_user(request, form)
    with web.session_factory() as s:
        close_web_session(s, request.session.get("sid"))
        s.commit()
    request.session.clear()
    return RedirectResponse("/login", status_code=303)
