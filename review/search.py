"""The review queue's filters, search and sort (issue 23 item 12), in one place: the queue page lists
with them and the order screen's next/previous walk the same list (``review.navigation``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import select
from sqlalchemy.orm import Session, defer, selectinload

from orderflow.store import repository as repo
from orderflow.store.models import Document, Order

QUEUE_STATES = ("needs_review", "valid", "approved", "pushed", "rejected", "failed")
SORTS = [("", "oldest first"), ("newest", "newest first"), ("customer", "customer"), ("total", "total, largest first")]
Q_MAX = 200  # characters of a search: it is kept in the session cookie for next/previous
SLA_WARN_HOURS = 4
SLA_LATE_HOURS = 24
AGE_FILTERS = [(1, "1 h"), (4, "4 h"), (24, "24 h"), (72, "3 days")]


@dataclass(frozen=True)
class QueueFilter:
    """What the CSR narrowed the queue to; empty strings mean "any"."""

    channel: str = ""
    customer: str = ""
    code: str = ""
    age: str = ""
    q: str = ""
    state: str = "needs_review"
    sort: str = ""

    @classmethod
    def from_params(cls, params: Mapping[str, Any] | None) -> QueueFilter:
        p = {k: str(v or "")[:Q_MAX] for k, v in (params or {}).items() if k in cls.__dataclass_fields__}
        if p.get("state") not in QUEUE_STATES:
            p["state"] = "needs_review"
        if p.get("sort") not in dict(SORTS):
            p["sort"] = ""
        return cls(**p)

    def as_dict(self) -> dict[str, str]:
        return asdict(self)

    def query(self) -> str:
        """The queue's address for this filter (defaults left out)."""
        keep = {k: v for k, v in self.as_dict().items() if v and not (k == "state" and v == "needs_review")}
        return "/" + (f"?{urlencode(keep)}" if keep else "")


def _received(o: Order) -> dt.datetime | None:
    doc = o.document
    return doc.received_at if doc is not None and doc.received_at else o.created_at


def _buyer(co: dict[str, Any]) -> str | None:
    buyer = co.get("buyer")
    return buyer.get("name") if isinstance(buyer, dict) else None


def total_of(o: Order) -> Decimal | None:
    """The order's total: the validators' figure when stored, else the lines' amounts (or qty × price)."""
    resolved = o.resolved if isinstance(o.resolved, dict) else {}
    value = resolved.get("order_total")
    if value is not None:
        try:
            return Decimal(str(value))
        except ArithmeticError:
            pass
    try:
        return repo.order_canonical(o).computed_total()
    except (ValueError, ArithmeticError):
        return None


def search_text(o: Order) -> str:
    """Everything the search box looks in: PO, customer, buyer, file, sender, id, and per line the
    buyer's part number, the SKU (as read and as resolved) and the description."""
    co = o.canonical if isinstance(o.canonical, dict) else {}
    doc = o.document
    parts: list[Any] = [o.po_number, o.customer_id, _buyer(co), doc.filename if doc else "", doc.sender if doc else "",
                        o.id]
    for line in co.get("lines") or []:
        if isinstance(line, dict):
            parts += [line.get("customer_part"), line.get("sku"), line.get("description")]
    resolved = o.resolved if isinstance(o.resolved, dict) else {}
    parts += [ln.get("sku") for ln in resolved.get("lines") or [] if isinstance(ln, dict)]
    return " ".join(str(x) for x in parts if x).lower()


def _keep(o: Order, f: QueueFilter, now: dt.datetime) -> bool:
    if f.channel and o.channel != f.channel:
        return False
    if f.customer and o.customer_id != f.customer:
        return False
    if f.code and f.code not in {i.code for i in o.issues}:
        return False
    received = _received(o)
    hours = (now - received).total_seconds() / 3600 if received else 0.0
    if f.age and f.age.isdigit() and hours < int(f.age):
        return False
    words = f.q.lower().split()
    if words:
        text = search_text(o)
        return all(w in text for w in words)
    return True


def _sort_key(f: QueueFilter) -> Any:
    epoch = dt.datetime.min.replace(tzinfo=dt.UTC)
    if f.sort == "newest":
        return lambda o: (-(_received(o) or epoch).timestamp(), -o.id)
    if f.sort == "customer":
        return lambda o: ((o.customer_id or _buyer(o.canonical or {}) or "\uffff").lower(), (_received(o) or epoch), o.id)
    if f.sort == "total":
        return lambda o: (-(total_of(o) or Decimal(-1)), o.id)
    return lambda o: ((_received(o) or epoch), o.id)


def in_state(s: Session, f: QueueFilter) -> list[Order]:
    """Every order in the filter's state, oldest first (the channel/customer/code menus come from these);
    documents without their bytes, issues in one query: the order screen lists this on every view."""
    q = (select(Order).where(Order.state == f.state)
         .options(selectinload(Order.document).options(defer(Document.data)), selectinload(Order.issues))
         .order_by(Order.created_at, Order.id))
    return list(s.scalars(q).all())


def matching(orders: list[Order], f: QueueFilter, now: dt.datetime) -> list[Order]:
    """The orders the filter keeps, in its sort order."""
    return sorted((o for o in orders if _keep(o, f, now)), key=_sort_key(f))


def age(received: dt.datetime | None, now: dt.datetime) -> tuple[str, str, float]:
    """Human age, SLA class (ok|warn|late) and hours."""
    if received is None:
        return "?", "ok", 0.0
    hours = max((now - received).total_seconds() / 3600, 0)
    label = f"{int(hours * 60)}m" if hours < 1 else f"{hours:.0f}h" if hours < 48 else f"{hours / 24:.0f}d"
    sla = "late" if hours >= SLA_LATE_HOURS else "warn" if hours >= SLA_WARN_HOURS else "ok"
    return label, sla, hours


def _utc(value: dt.datetime | None) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M") if value else ""


def queue_row(o: Order, now: dt.datetime) -> dict[str, Any]:
    """One queue row as the page shows it."""
    doc = o.document
    received = doc.received_at if doc is not None else o.created_at
    label, sla, _ = age(received, now)
    co = o.canonical or {}
    claimed = o.claimed_by if o.claim_expires_at and o.claim_expires_at > now else None
    codes: dict[str, str] = {}
    for i in o.issues:
        if codes.get(i.code) != "error":
            codes[i.code] = i.severity
    total = total_of(o)
    return {
        "id": o.id, "po": o.po_number, "customer": o.customer_id or _buyer(co), "channel": o.channel,
        "format": (doc.format if doc else None) or (co.get("source") or {}).get("format"),
        "state": o.state, "codes": sorted(codes.items(), key=lambda kv: (kv[1] != "error", kv[0])), "age": label,
        "sla": sla, "received": _utc(received), "claimed_by": claimed, "claim_until": _utc(o.claim_expires_at),
        "total": format(total, "f") if total is not None else "", "currency": co.get("currency") or "",
    }
