"""The queue (filter, search, sort), its bulk bar, and the "Awaiting my approval" / "Sent by me" views."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from orderflow.review import actions, assign, bulk, escalation, navigation, search
from orderflow.review.order_view import order_version
from orderflow.review.web import FLASH_MAX, Web, WebContext, posted_form
from orderflow.store.types import utcnow

router = APIRouter()


@router.get("/")
def queue(request: Request, web: Web) -> HTMLResponse:
    """The queue in the CSR's filter, search and sort (``review.search``); the filter is remembered
    for next/previous on the order screens (``review.navigation``)."""
    web.current_user(request)
    f = search.QueueFilter.from_params(request.query_params)
    navigation.remember(request.session, f)
    return queue_page(request, web, f)


def queue_page(request: Request, web: WebContext, f: search.QueueFilter, extra: dict[str, Any] | None = None,
               status: int = 200) -> HTMLResponse:
    now = utcnow()
    with web.session_factory() as s:
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
    return web.page(request, "queue.html", {
        "rows": rows, "f": f.as_dict(), "channels": channels, "customers": customers,
        "all_codes": sorted(counts), "counts": sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])),
        "ages": search.AGE_FILTERS, "states": search.QUEUE_STATES, "sorts": search.SORTS, "nav": "queue",
        "assignees": users, "send_targets": escalation.TARGETS, "checked": set(), "typed": {}, **(extra or {}),
    }, status=status)


@router.post("/queue/bulk")
def queue_bulk(request: Request, web: Web, form: FormData = Depends(posted_form)) -> Response:
    """Issue 23 item 10: approve / reject / assign / send the selected orders at once (``review.bulk``:
    each order through its own button's code); the queue again, with what was done and what was refused."""
    user = web.current_user(request, form)
    f = navigation.current(request.session)
    action = str(form.get("action") or "")
    selected = bulk.selection(form.getlist("ids"))
    typed = {"reason": str(form.get("reason") or "")[:FLASH_MAX], "to": str(form.get("to") or ""),
             "assignee": str(form.get("assignee") or "")}
    to = typed["assignee"] if action == "assign" else typed["to"]
    try:
        outcomes = bulk.apply(web.session_factory, selected, action, user, text=typed["reason"], to=to,
                              push=web.run_push, version=order_version)
    except bulk.InputError as exc:
        response = queue_page(request, web, f, {"bulk_error": f"Nothing done: {exc}.", "typed": typed,
                                           "checked": {i for i, _ in selected}}, status=400)
    else:
        result = bulk.summary(action, outcomes)
        response = queue_page(request, web, f, {"bulk": result, "checked": set(result["refused"]),
                                           "typed": typed if result["refused"] else {}})
    response.headers["HX-Replace-Url"] = f.query()  # a refresh shows the queue, it does not post again
    return response


@router.get("/queue/bulk", include_in_schema=False)
def queue_bulk_again() -> RedirectResponse:
    return RedirectResponse("/", status_code=303)


@router.get("/awaiting")
def awaiting_page(request: Request, web: Web) -> HTMLResponse:
    """Issue 23 item 4: leads and finance see what waits for them; a CSR sees what they sent."""
    user = web.current_user(request)
    now = utcnow()
    with web.session_factory() as s:
        if user.role == "csr":
            rows = [{**search.queue_row(o, now), "sent": sent, "waiting": waiting}
                    for o, sent, waiting in escalation.sent_by(s, user.username)]
            title = "Sent by me"
        else:
            rows = [{**search.queue_row(o, now), "sent": sent, "waiting": waiting}
                    for o, sent, waiting in escalation.awaiting(s, user.role)]
            title = "Awaiting my approval"
    return web.page(request, "awaiting.html", {"rows": rows, "title": title, "nav": "awaiting"})
