"""Errors on the order page (issue 23): a refused action or a value that does not fit its field is
shown on the order screen, beside the form, with everything the CSR typed put back, instead of an
error page of its own at the action's address (which a refresh turned into a 405)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import FastAPI
from fastapi import Path as PathParam
from fastapi.responses import RedirectResponse
from starlette.datastructures import FormData

# Typed in the action forms (approve's override reason, reject's reason), not fields of the order.
REASON_KEYS = ("override_reason", "override_choice", "reason")
# The order screen's POST-only addresses: opened with GET (a refresh, a bookmark, the back button after
# a no-JavaScript error page) they lead to the order, not to "405 Method Not Allowed".
ACTION_PATHS = ("approve", "reject", "save", "fix", "push", "release", "send-for-approval", "ship-policy",
                "accept-as-read", "claim", "take-over")


def typed_values(form: FormData | None) -> dict[str, str]:
    """What the user typed in the posted form (text values only; the CSRF token and version stamp left out)."""
    if form is None:
        return {}
    return {k: v for k, v in form.multi_items() if isinstance(v, str) and k not in ("csrf_token", "seen")}


def field_issue(path: str, message: str) -> dict[str, Any]:
    """A form error in the shape of an issue, so the screen marks the field and prints it beside it."""
    return {"code": "NOT_SAVED", "severity": "error", "field": path, "message": message, "expected": None,
            "actual": None, "expected_text": "", "actual_text": "", "suggestions": []}


def keep_typed(ctx: dict[str, Any], typed: dict[str, str], field_errors: dict[str, str] | None = None) -> None:
    """Put the typed values back into an order screen's context and mark the fields that were refused.

    ``typed`` holds form paths (``lines[0].qty``) → text; only paths of the screen's form are used,
    plus the action forms' reasons."""
    errors = field_errors or {}
    for f in ctx["header"]:
        _put(f, "value", f["path"], typed, errors)
    for p in ctx["parties"]:
        _put(p, "name", p["name_path"], typed, errors)
        _put(p, "address", p["address_path"], typed, errors)
    for line in ctx["lines"]:
        for cell in line["cells"]:
            if cell["path"] in typed:
                cell["value"] = typed[cell["path"]]
            if cell["path"] in errors:
                cell["mark"] = "bad"
                line["issues"].insert(0, field_issue(cell["path"], errors[cell["path"]]))
    ctx["typed"] = {k: typed[k] for k in REASON_KEYS if k in typed}
    ctx["error_fields"] = set(ctx.get("error_fields") or ()) | set(errors)


def _put(item: dict[str, Any], key: str, path: str, typed: dict[str, str], errors: dict[str, str]) -> None:
    if path in typed:
        item[key] = typed[path]
    if path in errors:
        item["issues"].insert(0, field_issue(path, errors[path]))


def add_action_redirects(app: FastAPI) -> None:
    """GET on an action's address goes to the order (see ``ACTION_PATHS``)."""
    for action in ACTION_PATHS:
        app.add_api_route(f"/orders/{{order_id}}/{action}", _to_order, methods=["GET"], include_in_schema=False)


def _to_order(order_id: Annotated[int, PathParam(ge=1, le=2**31 - 1)]) -> RedirectResponse:
    return RedirectResponse(f"/orders/{order_id}", status_code=303)
