"""The CSR review web app: FastAPI + Jinja2 templates + htmx, no JavaScript build step.

One screen per exception: the source document on the left (page image with a box per
extracted field, the sheet grid, or the EDI segments), the order form on the right with
each issue beside its field. State changes go through ``review.actions`` (which audits
them); this module adds sign-in, CSRF, claim locks on the first edit (``review.claims``), approval
steps per role and the ERP push after the final approval.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import re
import unicodedata
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi import Path as PathParam
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware

from orderflow.canonical import CanonicalOrder, Issue, Provenance
from orderflow.canonical.states import OrderState
from orderflow.review import (
    actions,
    approving,
    assign,
    bulk,
    claims,
    escalation,
    inline,
    learning,
    navigation,
    overrides,
    present,
    render,
    search,
)
from orderflow.review.auth import (
    CurrentUser,
    approvals_done,
    approvals_required,
    authenticate,
    can_sign,
    clear_login_failures,
    close_web_session,
    csrf_ok,
    locked_until,
    new_csrf_token,
    open_web_session,
    pending_steps,
    record_login_failure,
    session_user,
)
from orderflow.store import repository as repo
from orderflow.store.models import Document, Order
from orderflow.store.types import utcnow

log = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
CLAIM_MINUTES = 15
QUEUE_STATES = search.QUEUE_STATES

FLASH_MAX = 600  # characters of a flash message; the session cookie must stay far below 4 KB
MAX_ID = 2**31 - 1  # store ids are 32-bit integers (PostgreSQL ``integer``)
# Ids in paths are range-checked: /orders/<24 digits> is "no such page" (404), never a driver overflow.
OrderId = Annotated[int, PathParam(ge=1, le=MAX_ID)]
RowId = Annotated[int, PathParam(ge=1, le=MAX_ID)]

Revalidate = Callable[[CanonicalOrder, Order], tuple[list[Issue], dict]]
Push = Callable[[Session, Order], str]

HEADER_FIELDS = [
    ("po_number", "PO number", None),
    ("po_date", "PO date", "date"),
    ("purpose", "Purpose", None),
    ("currency", "Currency", None),
    ("payment_terms", "Payment terms", None),
    ("requested_delivery_date", "Requested delivery", "date"),
    ("declared_total", "Declared total", None),
]
PARTIES = [("buyer", "Buyer"), ("bill_to", "Bill to"), ("ship_to", "Ship to")]
LINE_COLS = [
    ("line_no", "#"),
    ("customer_part", "Customer part"),
    ("sku", "SKU"),
    ("description", "Description"),
    ("qty", "Qty"),
    ("uom", "UOM"),
    ("unit_price", "Unit price"),
    ("amount", "Amount"),
]


FAVICON_SVG = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" '
               'fill="#1f4e79"/><path d="M4 5h8M4 8h8M4 11h5" stroke="#fff" stroke-width="1.6"/></svg>')


async def posted_form(request: Request) -> FormData:
    """The posted form, read here (async) so that routes can be plain ``def``: FastAPI runs those in
    its thread pool, and blocking work (store, argon2, rendering, ERP pushes) never stalls the loop."""
    return await request.form() if request.method == "POST" else FormData()


class _Redirect(Exception):
    def __init__(self, url: str) -> None:
        self.url = url


# ------------------------------------------------------------------------- helpers


def content_disposition(filename: str | None, doc_id: int) -> str:
    """``inline`` with an ASCII ``filename`` for old clients and the real name as RFC 5987
    ``filename*`` (UTF-8, percent-encoded): HTTP headers are Latin-1, a file name is not."""
    name = filename or f"document-{doc_id}"
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    ascii_name = re.sub(r'[\x00-\x1f\x7f"\\;]', "", ascii_name).strip() or f"document-{doc_id}"
    if ascii_name == name:
        return f'inline; filename="{ascii_name}"'
    return f"inline; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if hasattr(value, "value"):
        return str(value.value)
    return str(value)


def _when(value: dt.datetime | None) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M") if value else ""


# --- order versions (changes): the chain of revisions with an old → new diff per field and line
_VERSION_FIELDS = ("purpose", "po_date", "currency", "payment_terms", "requested_delivery_date")
_VERSION_LINE_COLS = ("sku", "customer_part", "qty", "uom", "unit_price", "requested_date", "description")


def _party_text(party: Any) -> str:
    if party is None:
        return ""
    ids = " ".join(f"{k}:{v}" for k, v in party.ids.items())
    return " ".join(x for x in (party.name or "", f"[{ids}]" if ids else "") if x)


def version_diff(old: CanonicalOrder, new: CanonicalOrder) -> list[dict[str, str]]:
    """What a new version changed: header fields and parties, then lines (added, removed, changed)."""
    out = []
    for name in _VERSION_FIELDS:
        a, b = _text(getattr(old, name)), _text(getattr(new, name))
        if a != b:
            out.append({"field": name, "old": a, "new": b})
    for name in ("buyer", "bill_to", "ship_to"):
        a, b = _party_text(getattr(old, name)), _party_text(getattr(new, name))
        if a != b:
            out.append({"field": name, "old": a, "new": b})
    before = {ln.line_no or str(i + 1): ln for i, ln in enumerate(old.lines)}
    after = {ln.line_no or str(i + 1): ln for i, ln in enumerate(new.lines)}
    for no in [*before, *(n for n in after if n not in before)]:
        a, b = before.get(no), after.get(no)
        brief = lambda ln: f"{_text(ln.qty)} {ln.uom or ''} {ln.sku or ln.customer_part or ''} @ {_text(ln.unit_price)}"  # noqa: E731
        if b is None:
            out.append({"field": f"line {no}", "old": brief(a), "new": "removed"})
        elif a is None:
            out.append({"field": f"line {no}", "old": "added", "new": brief(b)})
        else:
            for col in _VERSION_LINE_COLS:
                x, y = _text(getattr(a, col)), _text(getattr(b, col))
                if x != y:
                    out.append({"field": f"line {no} {col}", "old": x, "new": y})
    return out


def version_history(s: Session, order: Order) -> list[dict[str, Any]]:
    """Every version of this order (newest first) with its document and diff to the one before;
    empty when the order never changed."""
    rows = {r.id: r for r in repo.find_orders(s, customer_id=order.customer_id, po_number=order.po_number)} \
        if order.po_number else {}
    rows[order.id] = order
    newer = {r.previous_order_id: r for r in rows.values() if r.previous_order_id}
    head, seen = order, {order.id}
    while head.id in newer and newer[head.id].id not in seen:
        head = newer[head.id]
        seen.add(head.id)
    chain = repo.order_history(s, head)
    if len(chain) < 2:
        return []
    out = []
    for i, row in enumerate(chain):
        older = chain[i + 1] if i + 1 < len(chain) else None
        diff = version_diff(repo.order_canonical(older), repo.order_canonical(row)) if older is not None else []
        doc = row.document
        out.append({"id": row.id, "revision": row.revision, "state": row.state, "purpose": row.purpose,
                    "document": (doc.filename if doc is not None else None) or f"document {row.document_id}",
                    "at": present.time_html(row.created_at), "current": row.id == order.id, "diff": diff})
    return out
# --- end order versions


def order_version(order: Order) -> str:
    """A fingerprint of what the order says (canonical + ship policy): the approve form carries the
    one the approver saw, so a signature never lands on an order edited meanwhile."""
    policy = (order.resolved or {}).get("ship_policy") if isinstance(order.resolved, dict) else None
    text = json.dumps([order.canonical, policy], sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:20]


_ISO = re.compile(r"(\d{4}-\d\d-\d\d)T(\d\d:\d\d)(:\d\d(\.\d+)?)?(\+00:00|Z)?")


def _brief(value: Any, limit: int = 80) -> str:
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    text = _ISO.sub(r"\1 \2", text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _issue_view(row: Any) -> dict[str, Any]:
    def show(v: Any) -> str:
        return v if isinstance(v, str) else json.dumps(v, default=str)

    return {
        "code": row.code,
        "severity": row.severity,
        "field": row.field,
        "message": row.message,
        "expected": row.expected,
        "actual": row.actual,
        "expected_text": show(row.expected),
        "actual_text": show(row.actual),
        "suggestions": [s for s in (row.suggestions or []) if isinstance(s, dict) and s.get("value") is not None],
    }


def form_changes(co: CanonicalOrder, form: Any) -> list[tuple[str, str]]:
    """(path, typed text) of the order form's fields that differ from the order: what a save applies,
    and what approve/reject refuse to drop."""
    before = form_values(co)
    return [(p, str(form.get(p))) for p in before if p in form and str(form.get(p)).strip() != before[p]]


def form_values(co: CanonicalOrder) -> dict[str, str]:
    """Every editable path → its current text, as the form shows it (save compares against this)."""
    values = {path: _text(getattr(co, path)) for path, _, _ in HEADER_FIELDS}
    for key, _ in PARTIES:
        party = getattr(co, key)
        values[f"{key}.name"] = _text(party.name) if party else ""
        values[f"{key}.address.text"] = party.address.one_line() if party and party.address else ""
    for i, line in enumerate(co.lines):
        for col, _ in LINE_COLS:
            values[f"lines[{i}].{col}"] = _text(getattr(line, col))
    return values


# --- availability (issue 12): what each line ships now, when the rest follows, and the order's policy
SHIP_POLICY_LABELS = {
    "": "the customer default",
    "partial": "partial (ship what is in stock, backorder the rest)",
    "complete": "complete (ship everything together)",
    "reject_short": "reject short lines",
}
ACK_WORDS = {"IA": "accepted", "IB": "backordered", "IQ": "quantity reduced", "IR": "rejected",
             "DR": "date moved"}


def _positive(value: Any) -> bool:
    try:
        return value is not None and Decimal(str(value)) > 0
    except ArithmeticError:
        return False


def availability_view(co: CanonicalOrder, order: Order) -> dict[str, Any] | None:
    """Per-line availability from the stored validation payload; None when availability was not checked."""
    resolved = order.resolved if isinstance(order.resolved, dict) else {}
    by_index = {ln.get("index", n): ln for n, ln in enumerate(resolved.get("lines") or []) if isinstance(ln, dict)}
    rows = []
    for n, line in enumerate(co.lines):
        info = by_index.get(n) or {}
        if not any(info.get(k) is not None for k in ("promised_date", "ship_now_qty", "ack_status")):
            continue
        uom = info.get("uom") or line.uom or ""
        back = info.get("backorder_qty")
        rows.append({
            "index": n, "line_no": line.line_no or str(n + 1), "sku": info.get("sku") or line.sku or "",
            "qty": _text(line.qty), "uom": uom, "requested": info.get("requested_date") or "",
            "available": _text(info.get("available_now")),
            "now_qty": _text(info.get("ship_now_qty")), "now_date": info.get("ship_date") or "",
            "back_qty": _text(back) if _positive(back) else "",
            "back_date": info.get("backorder_date") or "",
            "promised": info.get("promised_date") or "", "status": info.get("ack_status") or "",
            "status_text": ACK_WORDS.get(info.get("ack_status") or "", ""),
            "short": info.get("ack_status") in ("IB", "IQ", "IR"),
        })
    if not rows:
        return None
    policy = actions.ship_policy_of(order) or ""
    return {"rows": rows, "policy": policy, "policy_label": SHIP_POLICY_LABELS[policy],
            "choices": list(SHIP_POLICY_LABELS.items())}


def doubts_view(co: CanonicalOrder, issues: list[dict[str, Any]]) -> dict[str, Any]:
    """Issue 20: the fields a person must check (low confidence or put in doubt by the document's
    arithmetic), header first then lines, each with what was read and how sure the engine is."""
    from orderflow.validators.confidence import DOUBT_CODES, named_by, sort_paths  # noqa: PLC0415

    reasons: dict[str, list[str]] = {}
    for i in issues:
        if i["code"] == "LOW_CONFIDENCE" and i["field"]:
            reasons.setdefault(i["field"], []).append("low confidence" if i["severity"] == "error" else "accepted")
        elif i["code"] in DOUBT_CODES:
            for path in named_by(Issue.model_validate({k: i[k] for k in ("code", "severity", "field", "message")})):
                reasons.setdefault(path, []).append(i["code"].lower().replace("_", " "))
    rows = []
    for path in sort_paths(reasons):
        prov = co.provenance.get(path)
        rows.append({"path": path, "raw": prov.raw if prov else None,
                     "confidence": prov.confidence if prov else None, "reasons": ", ".join(dict.fromkeys(reasons[path])),
                     "accepted": all(r == "accepted" for r in reasons[path])})
    open_rows = [r for r in rows if not r["accepted"]]
    return {"doubts": rows, "doubt_fields": {r["path"] for r in open_rows},
            "can_accept": any(i["severity"] == "error" and i["code"] in {"LOW_CONFIDENCE", *DOUBT_CODES} for i in issues)}


# ------------------------------------------------------------------------- the app


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

    # ---------------------------------------------------------------- plumbing

    def csrf_token(request: Request) -> str:
        token = request.session.get("csrf")
        if not token:
            token = request.session["csrf"] = new_csrf_token()
        return token

    def flash(request: Request, text: str, kind: str = "ok") -> None:
        """A one-time message in the (cookie) session: kept short, since a cookie over 4 KB is dropped
        by the browser and with it the whole session. Values a user typed are cut to a preview."""
        if len(text) > FLASH_MAX:
            text = text[: FLASH_MAX - 1] + "…"
        request.session["flash"] = {"text": text, "kind": kind}

    def page(request: Request, name: str, ctx: dict[str, Any], status: int = 200) -> HTMLResponse:
        user = getattr(request.state, "user", None)
        if user is not None and "awaiting_count" not in ctx and user.role != "csr":
            with session_factory() as s:  # issue 23 item 4: the header's "Awaiting my approval (N)"
                ctx = {**ctx, "awaiting_count": escalation.awaiting_count(s, user.role)}
        ctx = {"user": user, "csrf_token": csrf_token(request),
               "flash": request.session.pop("flash", None), **ctx}
        return templates.TemplateResponse(request, name, ctx, status_code=status)

    def check_csrf(request: Request, form: FormData | None) -> None:
        given = request.headers.get("x-csrf-token") or (form.get("csrf_token") if form is not None else None)
        if not csrf_ok(request.session.get("csrf"), given):  # type: ignore[arg-type]
            if secure_cookies and request.url.scheme == "http" and not request.session:
                # the browser keeps Secure cookies from plain-HTTP pages on a host name: no reload helps
                raise HTTPException(403, "Signing in needs HTTPS: this server's cookies are Secure, and the browser "
                                    f"does not send them over plain http://{request.url.hostname}. Serve the app behind "
                                    "HTTPS, or start it with `orderflow ui --insecure-cookies` on a trusted network.")
            raise HTTPException(403, "The form's security token is missing or out of date. Reload the page and try again.")

    def current_user(request: Request, form: FormData | None = None) -> CurrentUser:
        """Signed-in user or a redirect to sign-in; POSTs must carry the session's CSRF token.

        The cookie names a server-side session (``web_sessions``): signed out or revoked is signed out.
        Runs in the thread pool (routes are plain ``def``): it reads the store."""
        with session_factory() as s:
            user = session_user(s, request.session.get("sid"))
        if user is None:
            request.session.pop("sid", None)
            if request.method == "GET":
                raise _Redirect(f"/login?next={quote(str(request.url.path))}")
            raise HTTPException(401, "Sign in first.")
        if request.method == "POST":
            check_csrf(request, form)
        request.state.user = user
        return user

    def back_to(order_id: int) -> RedirectResponse:
        return RedirectResponse(f"/orders/{order_id}", status_code=303)

    @app.exception_handler(_Redirect)
    async def _redirect(request: Request, exc: _Redirect) -> Response:
        if request.headers.get("hx-request"):
            return Response(status_code=204, headers={"HX-Redirect": exc.url})
        return RedirectResponse(exc.url, status_code=303)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        titles = {400: "Bad request", 401: "Not signed in", 403: "Not allowed", 404: "Not found", 409: "Conflict"}
        back = request.headers.get("referer") if request.method == "POST" else "/"
        return page(request, "error.html", {"status": exc.status_code, "title": titles.get(exc.status_code, "Error"),
                                            "message": exc.detail, "back": back}, status=exc.status_code)

    @app.exception_handler(RequestValidationError)
    async def _bad_request(request: Request, exc: RequestValidationError) -> Response:
        """A path id out of range (``/orders/<24 digits>``) is a page that does not exist, not a crash."""
        in_path = all((e.get("loc") or ("",))[0] == "path" for e in exc.errors())
        status = 404 if in_path else 422
        message = "No such page." if in_path else "; ".join(
            f"{'.'.join(str(x) for x in e.get('loc', ())[1:])}: {e.get('msg')}" for e in exc.errors())
        return page(request, "error.html", {"status": status, "title": "Not found" if in_path else "Bad request",
                                            "message": message, "back": "/"}, status=status)

    @app.middleware("http")
    async def _headers(request: Request, call_next: Callable) -> Response:
        response = await call_next(request)
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; "
            "frame-ancestors 'none'; form-action 'self'",
        )
        if request.url.path.startswith(("/orders", "/documents", "/login", "/learned", "/queue")) or request.url.path == "/":
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    # Added last so it wraps everything: request.session is there for handlers and middleware.
    app.add_middleware(
        SessionMiddleware,
        secret_key=secret_key,
        session_cookie="orderflow_session",
        max_age=12 * 3600,
        same_site="lax",
        https_only=secure_cookies,
    )

    # ---------------------------------------------------------------- sign-in

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> PlainTextResponse:
        return PlainTextResponse("ok")

    @app.get("/favicon.ico", include_in_schema=False)
    async def favicon() -> Response:
        """Browsers ask for it on every page: an icon, not a 404 in every log line (issue 23)."""
        return Response(FAVICON_SVG, media_type="image/svg+xml", headers={"Cache-Control": "max-age=86400"})

    @app.get("/login")
    async def login_form(request: Request, next: str = "/") -> HTMLResponse:
        return page(request, "login.html", {"next": next if next.startswith("/") else "/", "user": None})

    @app.post("/login")
    def login(request: Request, form: FormData = Depends(posted_form)) -> Response:
        """Sign in (argon2 runs in the thread pool). Throttled per username + client address."""
        check_csrf(request, form)
        username, password = str(form.get("username") or "")[:200], str(form.get("password") or "")
        target = str(form.get("next") or "/")
        if not target.startswith("/") or target.startswith("//"):
            target = "/"
        address = request.client.host if request.client else "?"
        with session_factory() as s:
            until = locked_until(s, username, address)
            if until is not None:
                return locked_page(request, until, target)
            user = authenticate(s, username, password)
            if user is None:
                until = record_login_failure(s, username, address)
                s.commit()
                log.info("failed sign-in for %r from %s", username, address)
                if until is not None:
                    return locked_page(request, until, target)
                return page(request, "login.html", {"error": "Wrong username or password.", "next": target,
                                                    "user": None}, status=401)
            clear_login_failures(s, username, address)
            sid = open_web_session(s, user.username)
            s.commit()
        request.session.clear()
        request.session["sid"] = sid
        request.session["csrf"] = new_csrf_token()
        return RedirectResponse(target, status_code=303)

    def locked_page(request: Request, until: dt.datetime, target: str) -> HTMLResponse:
        wait = max(int((until - utcnow()).total_seconds()) + 1, 1)
        text = f"{wait} seconds" if wait < 120 else f"{(wait + 59) // 60} minutes"
        return page(request, "login.html", {"error": f"Too many failed sign-ins. Try again in {text}.",
                                            "next": target, "user": None}, status=429)

    @app.post("/logout")
    def logout(request: Request, form: FormData = Depends(posted_form)) -> Response:
        """Sign out: the server-side session is deleted, so the old cookie no longer works anywhere."""
        current_user(request, form)
        with session_factory() as s:
            close_web_session(s, request.session.get("sid"))
            s.commit()
        request.session.clear()
        return RedirectResponse("/login", status_code=303)

    # ---------------------------------------------------------------- queue

    @app.get("/")
    def queue(request: Request) -> HTMLResponse:
        """The queue in the CSR's filter, search and sort (``review.search``); the filter is remembered
        for next/previous on the order screens (``review.navigation``)."""
        current_user(request)
        f = search.QueueFilter.from_params(request.query_params)
        navigation.remember(request.session, f)
        return queue_page(request, f)

    def queue_page(request: Request, f: search.QueueFilter, extra: dict[str, Any] | None = None,
                   status: int = 200) -> HTMLResponse:
        now = utcnow()
        with session_factory() as s:
            base = search.in_state(s, f)
            channels = sorted({o.channel for o in base if o.channel})
            customers = sorted({o.customer_id for o in base if o.customer_id})
            counts: dict[str, int] = {}
            for o in base:
                for c in {i.code for i in o.issues}:
                    counts[c] = counts.get(c, 0) + 1
            shown = search.matching(base, f, now)
            sent = escalation.latest(s, [o.id for o in shown])  # issue 23 item 3: "waiting for lead"
            given = assign.assigned(s, [o.id for o in shown])  # issue 23 item 10: whose work it is
            rows = [{**search.queue_row(o, now), "waiting": escalation.waiting_for(o, sent.get(o.id)),
                     "assigned": given.get(o.id) if o.state in actions.EDITABLE_STATES else None,
                     "seen": order_version(o)} for o in shown]
            users = assign.assignees(s)
        return page(request, "queue.html", {
            "rows": rows, "f": f.as_dict(), "channels": channels, "customers": customers,
            "all_codes": sorted(counts), "counts": sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])),
            "ages": search.AGE_FILTERS, "states": QUEUE_STATES, "sorts": search.SORTS, "nav": "queue",
            "assignees": users, "send_targets": escalation.TARGETS, "checked": set(), "typed": {}, **(extra or {}),
        }, status=status)

    @app.post("/queue/bulk")
    def queue_bulk(request: Request, form: FormData = Depends(posted_form)) -> Response:
        """Issue 23 item 10: approve / reject / assign / send the selected orders at once (``review.bulk``:
        each order through its own button's code); the queue again, with what was done and what was refused."""
        user = current_user(request, form)
        f = navigation.current(request.session)
        action = str(form.get("action") or "")
        selected = bulk.selection(form.getlist("ids"))
        typed = {"reason": str(form.get("reason") or "")[:FLASH_MAX], "to": str(form.get("to") or ""),
                 "assignee": str(form.get("assignee") or "")}
        to = typed["assignee"] if action == "assign" else typed["to"]
        try:
            outcomes = bulk.apply(session_factory, selected, action, user, text=typed["reason"], to=to,
                                  push=run_push, version=order_version)
        except bulk.InputError as exc:
            response = queue_page(request, f, {"bulk_error": f"Nothing done: {exc}.", "typed": typed,
                                               "checked": {i for i, _ in selected}}, status=400)
        else:
            result = bulk.summary(action, outcomes)
            response = queue_page(request, f, {"bulk": result, "checked": set(result["refused"]),
                                               "typed": typed if result["refused"] else {}})
        response.headers["HX-Replace-Url"] = f.query()  # a refresh shows the queue, it does not post again
        return response

    @app.get("/queue/bulk", include_in_schema=False)
    def queue_bulk_again() -> RedirectResponse:
        return RedirectResponse("/", status_code=303)

    # ---------------------------------------------------------------- order screen

    def source_view(doc: Document, co: CanonicalOrder, order: Order) -> dict[str, Any]:
        kind = render.document_kind(doc.data or b"", doc.filename, doc.format)
        prov: dict[str, Provenance] = co.provenance
        view: dict[str, Any] = {"kind": kind, "doc_id": doc.id, "filename": doc.filename, "channel": doc.channel,
                                "format": doc.format or co.source.format, "sender": doc.sender}
        if kind in ("pdf", "image"):
            view["pages"] = render.page_views(doc.data, kind, prov, sha256=doc.sha256)
            view["words"] = (render.LAYOUT_CACHE.get(("words", doc.sha256), lambda: page_words(doc))
                             if kind == "pdf" else {})
        elif kind == "sheet":
            view["grids"] = render.sheet_grids(doc.data, doc.filename, prov)
        elif kind == "edi":
            diags = (order.resolved or {}).get("diagnostics") or (doc.meta or {}).get("diagnostics") or []
            view["segments"] = render.edi_segments(doc.data, prov, diags if isinstance(diags, list) else [])
        else:
            raw = (doc.data or b"")[:200_000].decode("utf-8", "replace")
            if kind == "json":
                try:
                    raw = json.dumps(json.loads(raw), indent=2)
                except ValueError:
                    pass
            view["text"] = raw
        return view

    def page_words(doc: Document) -> dict[int, list[dict[str, Any]]]:
        """Clickable words over the page image (percent boxes + PDF-point boxes), so a CSR can point at
        the right value ("the right value is here") for the field being corrected. Scanned pages use the
        OCR words the extractor kept (``Document.meta["ocr_words"]``): no OCR in the request."""
        out: dict[int, list[dict[str, Any]]] = {}
        for p in learning.document_words(doc.data or b"", doc.meta, max_pages=10):  # scans: stored OCR words
            ws = []
            for w in p.words[:3000]:
                x0, top, x1, bottom = (float(w[k]) for k in ("x0", "top", "x1", "bottom"))
                ws.append({"text": w["text"], "box": f"{x0:.1f},{top:.1f},{x1:.1f},{bottom:.1f}",
                           "left": round(100 * x0 / p.width, 4), "top": round(100 * top / p.height, 4),
                           "width": round(100 * max(x1 - x0, 1) / p.width, 4),
                           "height": round(100 * max(bottom - top, 1) / p.height, 4)})
            out[p.number] = ws
        return out

    def order_context(s: Session, order: Order, user: CurrentUser,
                      queue_filter: search.QueueFilter | None = None) -> dict[str, Any]:
        co = repo.order_canonical(order)
        now = utcnow()
        f = queue_filter or search.QueueFilter()
        issues = present.one_per_finding([_issue_view(r) for r in order.issues])
        for i in issues:  # issue 23: the other order as it is now, linked
            if i["code"] == "DUPLICATE_PO" and str(i["actual"] or "").isdigit() and int(i["actual"]) <= MAX_ID:
                present.live_duplicate(i, repo.get_order(s, int(i["actual"])))
        used: set[int] = set()

        def take(match: Callable[[str], bool]) -> list[dict[str, Any]]:
            out = []
            for n, i in enumerate(issues):
                if n not in used and i["field"] and match(i["field"]):
                    used.add(n)
                    out.append(i)
            return out

        values = form_values(co)
        header = []
        for path, label, typ in HEADER_FIELDS:
            header.append({"path": path, "label": label, "value": values[path], "type": typ,
                           "choices": ["original", "change", "cancel"] if path == "purpose" else None,
                           "issues": take(lambda f, p=path: f == p)})
        parties = []
        for key, label in PARTIES:
            party = getattr(co, key)
            parties.append({
                "key": key, "label": label, "name_path": f"{key}.name", "name": values[f"{key}.name"],
                "address_path": f"{key}.address.text", "address": values[f"{key}.address.text"],
                "ids": ", ".join(f"{k}:{v}" for k, v in (party.ids if party else {}).items()),
                "issues": take(lambda f, k=key: f == k or f.startswith((f"{k}.", f"{k}["))),
            })
        lines, found = [], present.resolved_lines(order.resolved)
        for n in range(len(co.lines)):
            prefix = f"lines[{n}]"
            line_issues = take(lambda f, p=prefix: f == p or f.startswith((f"{p}.", f"{p}[")))
            bad = {i["field"] for i in line_issues if i["severity"] == "error"}
            warn = {i["field"] for i in line_issues}
            cells = [{"key": col, "path": f"{prefix}.{col}", "value": values[f"{prefix}.{col}"],
                      "mark": "bad" if f"{prefix}.{col}" in bad else "warn" if f"{prefix}.{col}" in warn else ""}
                     for col, _ in LINE_COLS]
            present.mark_resolved(cells, found.get(n))  # issue 23: the SKU the engine found, and how
            lines.append({"index": n, "cells": cells, "issues": line_issues})
        general = [i for n, i in enumerate(issues) if n not in used]

        claim_live = bool(order.claimed_by and order.claim_expires_at and order.claim_expires_at > now)
        lock = claims.lock_for(order, user.username, user.role)  # issue 23 item 5: someone else is editing
        claim = {"by": order.claimed_by if claim_live else None, "mine": claim_live and order.claimed_by == user.username,
                 "until": present.time_html(order.claim_expires_at) if claim_live else "",
                 "locked": lock is not None, "can_take_over": bool(lock and lock.can_take_over)}
        editable = order.state in actions.EDITABLE_STATES and not (claim_live and not claim["mine"])

        attempts = repo.push_attempts(s, order)
        push_error = None
        if attempts and not attempts[-1].ok and not order.erp_order_id:
            push_error = attempts[-1].error
        required, done = approvals_required(order), approvals_done(order)
        pending = pending_steps(order)
        if pending:
            approve_label = f"Approve for {pending[0]}" if can_sign(user.role, pending[0]) else "Approve"
        else:
            approve_label = "Approve & push"
        audit = [{"at": present.time_html(e.at), "actor": e.actor, "action": e.action, "change": present.audit_sentence(e.action, e.before, e.after),
                  "reason": e.reason} for e in reversed(repo.audit_trail(s, "order", order.id))]
        return {
            "order": order, "co": co, "header": header, "parties": parties, "lines": lines, "line_cols": LINE_COLS,
            "col_ch": present.column_widths(lines),  # issue 23: values fit their inputs
            "general_issues": general, "issue_fields": {i["field"] for i in issues if i["field"]},
            "error_fields": {i["field"] for i in issues if i["field"] and i["severity"] == "error"},
            "source": source_view(order.document, co, order), "claim": claim, "editable": editable,
            "blocking": any(i["severity"] == "error" for i in issues),
            "steps": {"required": required, "done": done, "done_names": {a["step"] for a in done}, "pending": pending},
            "approve_label": approve_label, "attempts": [
                {"at": present.time_html(a.at), "adapter": a.adapter, "ok": a.ok, "transient": a.transient,
                 "erp_order_id": a.erp_order_id, "error": a.error} for a in attempts],
            "push_error": push_error, "audit": audit, "total": _text(co.computed_total()) or None,
            "versions": version_history(s, order),
            **escalation_view(s, order, user),  # issue 23 item 3: send to lead / finance, waiting for
            "seen": order_version(order),
            "around": navigation.neighbours(s, f, order.id, user.username, now),  # issue 23: previous / next
            "availability": availability_view(co, order),  # issue 12: now / promised / backorder per line
            **doubts_view(co, issues),  # issue 20: the values the engine doubts, listed first, walked with j/k
        }

    def escalation_view(s: Session, order: Order, user: CurrentUser) -> dict[str, Any]:
        sent = escalation.latest(s, [order.id]).get(order.id)
        elsewhere = escalation.decided_elsewhere(order, user.role)  # issue 23 item 6: a credit hold is finance's
        codes = {i.code for i in order.issues if i.severity == "error"}
        pending = pending_steps(order)
        signs_step = bool(pending) and can_sign(user.role, pending[0])  # Approve signs a step, decides no code
        return {"send_to": escalation.targets(order, user.role), "waiting_for": escalation.waiting_for(order, sent),
                "escalated": sent, "hide_override": bool(elsewhere) or (
                    user.role not in actions.OVERRIDE_ROLES and escalation.only_decisions(order)),
                "approve_refused": overrides.refusal(user.role, codes) if elsewhere and not signs_step else None,
                "override_reasons": overrides.REASONS}

    def load_order(s: Session, order_id: int) -> Order:
        order = repo.get_order(s, order_id)
        if order is None:
            raise HTTPException(404, f"Order {order_id} does not exist.")
        return order

    @app.get("/orders/{order_id}")
    def order_screen(request: Request, order_id: OrderId) -> HTMLResponse:
        user = current_user(request)
        with session_factory() as s:  # looking claims nothing (issue 23 item 5): the first edit does
            order = load_order(s, order_id)
            ctx = order_context(s, order, user, navigation.current(request.session))
            return page(request, "order.html", ctx)

    def review_error(exc: actions.ReviewError) -> int:
        return 404 if isinstance(exc, actions.OrderNotFound) else 409 if isinstance(
            exc, actions.ClaimedByOther | actions.BlockingIssues) else 403 if isinstance(
            exc, actions.NotAllowed) else 400

    def refuse(request: Request, order_id: int, user: CurrentUser, message: str, status: int,
               form: FormData | dict[str, str] | None = None, field_errors: dict[str, str] | None = None) -> Response:
        """Issue 23: a refused action is the order screen with the reason inline and what was typed kept
        (``form``: the posted form, or path → typed text); htmx is told the address is the order's (a
        refresh shows the order, not a 405)."""
        with session_factory() as s:
            ctx = order_context(s, load_order(s, order_id), user, navigation.current(request.session))
        typed = form if isinstance(form, dict) else inline.typed_values(form)
        inline.keep_typed(ctx, typed, field_errors)
        response = page(request, "order.html", {**ctx, "error": message}, status=status)
        response.headers["HX-Replace-Url"] = f"/orders/{order_id}"
        return response

    @app.post("/orders/{order_id}/fix")
    def fix(request: Request, order_id: OrderId, form: FormData = Depends(posted_form)) -> Response:
        """One field from a suggestion button: path + value."""
        user = current_user(request, form)
        path, value = str(form.get("path") or ""), form.get("value")
        with session_factory() as s:
            try:
                claims.start_editing(s, order_id, user.username, claim_minutes)
                order = actions.fix_field(s, order_id, path, None if value is None else str(value),
                                          user=user.username, revalidate=revalidate, learner=learner)
                learned = learned_text(order)
                s.commit()
            except actions.ReviewError as exc:
                s.rollback()
                return refuse(request, order_id, user, f"Not saved: {exc}", review_error(exc))
            flash(request, f"{path} set to {_brief('' if value is None else str(value), 60)}; order is now {order.state.replace('_', ' ')}.{learned}")
        return back_to(order_id)

    @app.post("/orders/{order_id}/pick")
    def pick(request: Request, order_id: OrderId, form: FormData = Depends(posted_form)) -> Response:
        """Issue 23: the customer / ship-to picker (a scored suggestion of CUSTOMER_UNKNOWN / SHIP_TO_UNKNOWN,
        or an id typed): sets the id the order is pushed with, re-validated against the reference data."""
        user = current_user(request, form)
        what = str(form.get("what") or "")
        value = str(form.get("value") or form.get(f"pick_{what}") or "").strip()  # a suggestion, else the typed id
        with session_factory() as s:
            try:
                order = actions.pick(s, order_id, what, value, user=user.username, revalidate=revalidate)
                s.commit()
            except actions.ReviewError as exc:
                s.rollback()
                return refuse(request, order_id, user, f"Not picked: {exc}", review_error(exc))
            label = "Customer" if what == "customer" else "Ship-to"
            now = order.customer_id if what == "customer" else order.ship_to_id
            flash(request, f"{label} {_brief(value, 60) or 'from the document'} picked"
                           + ("" if now else " but it is not known to the ERP")
                           + f"; order is now {order.state.replace('_', ' ')}.", "ok" if now else "warn")
        return back_to(order_id)

    @app.post("/orders/{order_id}/save")
    def save(request: Request, order_id: OrderId, form: FormData = Depends(posted_form)) -> Response:
        """The whole form: every changed field that fits is applied (each re-validates), in one transaction;
        a field that does not fit is shown back with its reason and the text typed (issue 23)."""
        user = current_user(request, form)
        with session_factory() as s:
            order = load_order(s, order_id)
            current = repo.order_canonical(order)
            changed = form_changes(current, form)
            if not changed:
                flash(request, "No changes to save.", "warn")
                return back_to(order_id)
            bad = {p: msg for p, v in changed if (msg := actions.field_error(current, p, v))}
            good = [(p, v) for p, v in changed if p not in bad]
            done = ""
            try:  # the first edit claims the order (issue 23 item 5)
                claims.start_editing(s, order_id, user.username, claim_minutes)
                s.commit()
            except actions.ReviewError as exc:
                s.rollback()
                return refuse(request, order_id, user, f"Not saved: {exc}", review_error(exc), dict(changed))
            if good:
                try:
                    order, taught = actions.save_changes(
                        s, order_id, good, user=user.username, revalidate=revalidate, learner=learner,
                        evidence={path: click_evidence(form.get(f"evidence:{path}")) for path, _ in good})
                    learned = "".join(f" Learned: {d}" for d in taught) + requeued_text(order)
                    s.commit()
                except actions.ReviewError as exc:
                    s.rollback()
                    return refuse(request, order_id, user, f"Not saved: {exc}", 200, dict(changed))
                done = f"Saved {len(good)} change(s); order is now {order.state.replace('_', ' ')}.{learned}"
        if bad:
            return refuse(request, order_id, user, " ".join(x for x in (done, f"Not saved: {'; '.join(bad.values())}") if x),
                          200, {p: v for p, v in changed if p in bad}, field_errors=bad)
        flash(request, done)
        return back_to(order_id)

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

    # ---------------------------------------------------------------- learned hints

    @app.get("/learned")
    def learned_page(request: Request, retired: int = 0) -> HTMLResponse:
        current_user(request)
        with session_factory() as s:
            rows = learning.list_hints(s, include_retired=bool(retired))
        for r in rows:
            r["when"] = present.time_html(r["created_at"])
        return page(request, "learned.html", {"hints": rows, "nav": "learned", "show_retired": bool(retired)})

    @app.post("/learned/{hint_id}/undo")
    def learned_undo(request: Request, hint_id: RowId, form: FormData = Depends(posted_form)) -> Response:
        user = current_user(request, form)
        with session_factory() as s:
            found = learning.get_hint(s, hint_id)
            if found is None or not learning.delete_hint(s, hint_id, user=user.username):
                raise HTTPException(404, f"Learned hint {hint_id} does not exist.")
            s.commit()
        flash(request, f"Undone: {found['description']}")
        return RedirectResponse("/learned", status_code=303)

    @app.post("/orders/{order_id}/approve")
    def approve(request: Request, order_id: OrderId, form: FormData = Depends(posted_form)) -> Response:
        user = current_user(request, form)
        override = str(form.get("override_reason") or "").strip() or None
        reason_code = str(form.get("override_choice") or "").strip() or None  # issue 23 item 6: a standard reason
        seen = str(form.get("seen") or "")
        with session_factory() as s:
            order = load_order(s, order_id)
            around = navigation.neighbours(s, navigation.current(request.session), order_id, user.username, utcnow())
            if unsaved := unsaved_edits(order, form):  # the next order would open and the typing be lost
                return refuse(request, order_id, user, f"Not approved: you have unsaved edits ({', '.join(unsaved)}). "
                                                       "Save them first, or reload the page to drop them.", 409, form)
            if seen and seen != order_version(order):  # signed what the approver saw, nothing else
                return refuse(request, order_id, user, f"Order {order_id} was changed after you opened it. "
                                                       "Look at it again before approving.", 409, form)
            try:  # the one approve policy (review.approving): steps, roles, blocking issues, claims
                done = approving.approve(s, order_id, user, override_reason=override, reason_code=reason_code)
                s.commit()
            except actions.ReviewError as exc:
                s.rollback()
                return refuse(request, order_id, user, f"Not approved: {exc}", review_error(exc), form)
            if not done.final:
                flash(request, f"{str(done.signed).title()} approval recorded; waiting for {done.waiting} approval.")
                return back_to(order_id)
        text, kind = run_push(order_id)
        if kind != "ok":
            flash(request, text, kind)
            return back_to(order_id)
        flash(request, f"Order {order_id}: {text}")
        return go_on(around)

    def unsaved_edits(order: Order, form: FormData) -> list[str]:
        """Fields of the order form (sent along with approve/reject) that differ from the stored order."""
        return [p for p, _ in form_changes(repo.order_canonical(order), form)]

    def go_on(around: navigation.Neighbours) -> RedirectResponse:
        """Issue 23: after a final approve or a reject, the next order in the CSR's filter (or the queue)."""
        return RedirectResponse(f"/orders/{around.next}" if around.next else around.queue_url, status_code=303)

    def run_push(order_id: int) -> tuple[str, str]:
        """Push the approved order; record the outcome unless the push callable already did."""
        with session_factory() as s:
            order = load_order(s, order_id)
            seen = len(repo.push_attempts(s, order))
            try:
                erp_id = push(s, order)
            except Exception as exc:  # the adapter's reason is what the CSR needs to see
                s.rollback()
                order = load_order(s, order_id)
                if len(repo.push_attempts(s, order)) == seen:
                    repo.record_push_attempt(s, order, adapter="erp", ok=False, error=str(exc) or type(exc).__name__,
                                             transient=is_transient(exc))
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
        if on_pushed is not None:  # the buyer's confirmation mail (issue 12)
            try:
                on_pushed(order_id)
            except Exception:
                log.exception("after-push hook failed for order %s", order_id)
        return f"Approved and pushed: ERP order {erp_id}.", "ok"

    @app.post("/orders/{order_id}/push")
    def retry_push(request: Request, order_id: OrderId, form: FormData = Depends(posted_form)) -> Response:
        """Push again an approved order whose earlier push failed (the adapter is idempotent)."""
        user = current_user(request, form)
        with session_factory() as s:
            order = load_order(s, order_id)
            if order.state != OrderState.APPROVED.value or order.erp_order_id:
                return refuse(request, order_id, user,
                              f"Order {order_id} is '{order.state}'; only approved, unpushed orders are pushed.", 409)
            repo.add_audit(s, entity="order", entity_id=order.id, action="push_retry", actor=user.username)
            s.commit()
        flash(request, *run_push(order_id))
        return back_to(order_id)

    @app.post("/orders/{order_id}/send-for-approval")
    def send_for_approval(request: Request, order_id: OrderId, form: FormData = Depends(posted_form)) -> Response:
        user = current_user(request, form)
        with session_factory() as s:
            order = load_order(s, order_id)
            pending = pending_steps(order)
            if not pending:
                return refuse(request, order_id, user, "This order needs no further approval.", 409)
            if order.state not in actions.EDITABLE_STATES:
                return refuse(request, order_id, user, f"Order {order_id} is '{order.state}'.", 409)
            try:
                claims.check_free(order, user.username)
            except actions.ClaimedByOther as exc:
                return refuse(request, order_id, user, f"Not sent: {exc}", 409)
            repo.add_audit(s, entity="order", entity_id=order.id, action="sent_for_approval", actor=user.username,
                           after={"steps": pending})
            try:
                actions.release(s, order_id, user.username)
            except actions.ReviewError as exc:
                s.rollback()
                return refuse(request, order_id, user, str(exc), review_error(exc))
            s.commit()
        flash(request, f"Sent for {' + '.join(pending)} approval.")
        return RedirectResponse("/", status_code=303)

    @app.post("/orders/{order_id}/escalate")
    def escalate(request: Request, order_id: OrderId, form: FormData = Depends(posted_form)) -> Response:
        """Issue 23 item 3: a CSR sends the order to the role that may decide, with a note."""
        user = current_user(request, form)
        to = str(form.get("to") or "")
        with session_factory() as s:
            try:
                escalation.send(s, order_id, user=user.username, role=user.role, to=to, note=str(form.get("note") or ""))
                s.commit()
            except actions.ReviewError as exc:
                s.rollback()
                return refuse(request, order_id, user, f"Not sent: {exc}", review_error(exc), form)
        flash(request, f"Order {order_id} sent to {to}; it waits for them.")
        return RedirectResponse("/", status_code=303)

    @app.get("/awaiting")
    def awaiting_page(request: Request) -> HTMLResponse:
        """Issue 23 item 4: leads and finance see what waits for them; a CSR sees what they sent."""
        user = current_user(request)
        now = utcnow()
        with session_factory() as s:
            if user.role == "csr":
                rows = [{**search.queue_row(o, now), "sent": sent, "waiting": waiting}
                        for o, sent, waiting in escalation.sent_by(s, user.username)]
                title = "Sent by me"
            else:
                rows = [{**search.queue_row(o, now), "sent": sent, "waiting": waiting}
                        for o, sent, waiting in escalation.awaiting(s, user.role)]
                title = "Awaiting my approval"
        return page(request, "awaiting.html", {"rows": rows, "title": title, "nav": "awaiting"})

    @app.post("/orders/{order_id}/ship-policy")
    def ship_policy(request: Request, order_id: OrderId, form: FormData = Depends(posted_form)) -> Response:
        """Issue 12: the CSR chooses how this one order ships when stock is short; promises are re-computed."""
        user = current_user(request, form)
        policy = str(form.get("ship_policy") or "").strip() or None
        with session_factory() as s:
            try:
                claims.start_editing(s, order_id, user.username, claim_minutes)
                order = actions.set_ship_policy(s, order_id, policy, user=user.username, revalidate=revalidate)
                s.commit()
            except actions.ReviewError as exc:
                s.rollback()
                return refuse(request, order_id, user, str(exc), review_error(exc))
            flash(request, f"Ship policy set to {SHIP_POLICY_LABELS.get(policy or '', 'the customer default')}; "
                           f"order is now {order.state.replace('_', ' ')}.")
        return back_to(order_id)

    @app.post("/orders/{order_id}/accept-as-read")
    def accept_as_read(request: Request, order_id: OrderId, form: FormData = Depends(posted_form)) -> Response:
        """Issue 20: the CSR checked the doubtful values against the document; they are right as read."""
        user = current_user(request, form)
        with session_factory() as s:
            try:
                claims.start_editing(s, order_id, user.username, claim_minutes)
                order = actions.accept_as_read(s, order_id, user=user.username, revalidate=revalidate)
                s.commit()
            except actions.ReviewError as exc:
                s.rollback()
                return refuse(request, order_id, user, str(exc), review_error(exc))
            flash(request, f"Values accepted as read; order is now {order.state.replace('_', ' ')}.")
        return back_to(order_id)

    @app.post("/orders/{order_id}/reject")
    def reject(request: Request, order_id: OrderId, form: FormData = Depends(posted_form)) -> Response:
        user = current_user(request, form)
        with session_factory() as s:
            around = navigation.neighbours(s, navigation.current(request.session), order_id, user.username, utcnow())
            if unsaved := unsaved_edits(load_order(s, order_id), form):
                return refuse(request, order_id, user, f"Not rejected: you have unsaved edits ({', '.join(unsaved)}). "
                                                       "Save them first, or reload the page to drop them.", 409, form)
            try:
                actions.reject(s, order_id, user=user.username, reason=str(form.get("reason") or ""))
                s.commit()
            except actions.ReviewError as exc:
                s.rollback()
                return refuse(request, order_id, user, f"Not rejected: {exc}", review_error(exc), form)
        flash(request, f"Order {order_id} rejected.")
        return go_on(around)

    @app.post("/orders/{order_id}/release")
    def release(request: Request, order_id: OrderId, form: FormData = Depends(posted_form)) -> Response:
        user = current_user(request, form)
        with session_factory() as s:
            try:
                actions.release(s, order_id, user.username)
                s.commit()
            except actions.ReviewError as exc:
                s.rollback()
                return refuse(request, order_id, user, str(exc), review_error(exc))
        flash(request, "Claim released.")
        return RedirectResponse("/", status_code=303)

    @app.post("/orders/{order_id}/claim")
    def claim(request: Request, order_id: OrderId, form: FormData = Depends(posted_form)) -> Response:
        """Issue 23 item 5: the order form's first keystroke claims the order (app.js asks for JSON), so
        the others see it is being edited; viewing claims nothing."""
        user = current_user(request, form)
        wants_json = "application/json" in request.headers.get("accept", "")
        with session_factory() as s:
            try:
                order = claims.start_editing(s, order_id, user.username, claim_minutes)
                s.commit()
            except actions.ReviewError as exc:
                s.rollback()
                if wants_json:
                    return JSONResponse({"ok": False, "error": f"Not claimed: {exc}"}, status_code=review_error(exc))
                return refuse(request, order_id, user, f"Not claimed: {exc}", review_error(exc))
            until = order.claim_expires_at
        if wants_json:
            return JSONResponse({"ok": True, "until": until.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")})
        return back_to(order_id)

    @app.post("/orders/{order_id}/take-over")
    def take_over(request: Request, order_id: OrderId, form: FormData = Depends(posted_form)) -> Response:
        """Issue 23 item 5: a lead or finance takes over a claim someone else holds (audited)."""
        user = current_user(request, form)
        with session_factory() as s:
            try:
                _, previous = claims.take_over(s, order_id, user=user.username, role=user.role, minutes=claim_minutes)
                s.commit()
            except actions.ReviewError as exc:
                s.rollback()
                return refuse(request, order_id, user, f"Not taken over: {exc}", review_error(exc))
        flash(request, f"You took over order {order_id} from {previous}." if previous else "Order claimed.")
        return back_to(order_id)

    # ---------------------------------------------------------------- documents

    def load_document(s: Session, doc_id: int) -> Document:
        doc = s.scalar(select(Document).where(Document.id == doc_id))
        if doc is None:
            raise HTTPException(404, f"Document {doc_id} does not exist.")
        return doc

    @app.get("/documents/{doc_id}/pages/{number}.png")
    def page_image(request: Request, doc_id: RowId, number: int) -> Response:
        current_user(request)
        with session_factory() as s:
            doc = load_document(s, doc_id)
            kind = render.document_kind(doc.data, doc.filename, doc.format)
            if kind not in ("pdf", "image"):
                raise HTTPException(404, "This document has no pages.")
            try:
                png = render.page_png(doc.sha256, doc.data, kind, number)
            except (IndexError, ValueError, OSError, RuntimeError) as exc:
                raise HTTPException(404, f"Page {number} cannot be drawn: {exc}") from None
        return Response(png, media_type="image/png", headers={"Cache-Control": "private, max-age=3600"})

    @app.get("/documents/{doc_id}/raw")
    def raw_document(request: Request, doc_id: RowId) -> Response:
        current_user(request)
        with session_factory() as s:
            doc = load_document(s, doc_id)
            kind = render.document_kind(doc.data, doc.filename, doc.format)
            media = {"pdf": "application/pdf"}.get(kind, "application/octet-stream")
            return Response(doc.data, media_type=media,
                            headers={"Content-Disposition": content_disposition(doc.filename, doc.id)})

    inline.add_action_redirects(app)
    return app
