"""The Learned page: the extraction hints corrections taught, and their undo."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from orderflow.review import learning, present
from orderflow.review.web import RowId, Web, posted_form

router = APIRouter()


@router.get("/learned")
def learned_page(request: Request, web: Web, retired: int = 0) -> HTMLResponse:
    web.current_user(request)
    with web.session_factory() as s:
        rows = learning.list_hints(s, include_retired=bool(retired))
    for r in rows:
        r["when"] = present.time_html(r["created_at"])
    return web.page(request, "learned.html", {"hints": rows, "nav": "learned", "show_retired": bool(retired)})


@router.post("/learned/{hint_id}/undo")
def learned_undo(request: Request, web: Web, hint_id: RowId, form: FormData = Depends(posted_form)) -> Response:
    user = web.current_user(request, form)
    with web.session_factory() as s:
        found = learning.get_hint(s, hint_id)
        if found is None or not learning.delete_hint(s, hint_id, user=user.username):
            raise HTTPException(404, f"Learned hint {hint_id} does not exist.")
        s.commit()
    web.flash(request, f"Undone: {found['description']}")
    return RedirectResponse("/learned", status_code=303)
