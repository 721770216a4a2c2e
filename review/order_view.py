"""What the order screen shows, built from the stored order: the form's values, the issues beside their
fields, the source document's view, claims, approval steps, pushes, audit, versions, availability
and the engine's doubts. Pure reading: no route, no request; ``review.routes`` render it."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from orderflow.canonical import CanonicalOrder, Issue, Provenance
from orderflow.review import (
    actions,
    claims,
    escalation,
    learning,
    navigation,
    overrides,
    present,
    render,
    search,
)
from orderflow.review.auth import CurrentUser, approvals_done, approvals_required, can_sign, pending_steps
from orderflow.review.present import value_text as _text
from orderflow.review.versions import version_history
from orderflow.store import repository as repo
from orderflow.store.models import Document, Order
from orderflow.store.types import utcnow

MAX_ID = 2**31 - 1  # store ids are 32-bit integers (PostgreSQL ``integer``)

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



def order_version(order: Order) -> str:
    """A fingerprint of what the order says (canonical + ship policy): the approve form carries the
    one the approver saw, so a signature never lands on an order edited meanwhile."""
    policy = (order.resolved or {}).get("ship_policy") if isinstance(order.resolved, dict) else None
    text = json.dumps([order.canonical, policy], sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:20]



def _at(path: str, *, nested: bool = False) -> Callable[[str], bool]:
    """Whether an issue's field is ``path`` (``nested``: or a field under it)."""
    if nested:
        return lambda f: f == path or f.startswith((f"{path}.", f"{path}["))
    return lambda f: f == path


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
                       "issues": take(_at(path))})
    parties = []
    for key, label in PARTIES:
        party = getattr(co, key)
        parties.append({
            "key": key, "label": label, "name_path": f"{key}.name", "name": values[f"{key}.name"],
            "address_path": f"{key}.address.text", "address": values[f"{key}.address.text"],
            "ids": ", ".join(f"{k}:{v}" for k, v in (party.ids if party else {}).items()),
            "issues": take(_at(key, nested=True)),
        })
    lines, found = [], present.resolved_lines(order.resolved)
    for n in range(len(co.lines)):
        prefix = f"lines[{n}]"
        line_issues = take(_at(prefix, nested=True))
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
