"""An order's versions (changes and revisions): the chain of revisions, each with an old → new diff per
field and line, as the order screen and the change notices show it."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from orderflow.canonical import CanonicalOrder
from orderflow.review import present
from orderflow.review.present import value_text as _text
from orderflow.store import repository as repo
from orderflow.store.models import Order

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
        was, now = before.get(no), after.get(no)
        brief = lambda ln: f"{_text(ln.qty)} {ln.uom or ''} {ln.sku or ln.customer_part or ''} @ {_text(ln.unit_price)}"  # noqa: E731
        if now is None:
            out.append({"field": f"line {no}", "old": brief(was), "new": "removed"})
        elif was is None:
            out.append({"field": f"line {no}", "old": "added", "new": brief(now)})
        else:
            for col in _VERSION_LINE_COLS:
                x, y = _text(getattr(was, col)), _text(getattr(now, col))
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
