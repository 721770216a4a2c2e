"""Reconciliation: what we think we pushed against what the ERP actually holds.

Drift kinds: ``missing`` (we pushed it, the ERP has no sale for the key — e.g. deleted by hand),
``duplicated`` (more than one ERP sale carries the key), ``total_mismatch`` (same key, other
amount), ``number_mismatch`` (the key's sale has another number than the one we stored),
``unknown`` (an ERP sale with an orderflow key we have no record of).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from orderflow.erp_push.base import ErpAdapter, ErpOrderStatus

Pushed = tuple[str, str | None, Decimal | None]  # (key, erp_order_id, total)


@dataclass(frozen=True)
class Drift:
    kind: str  # missing | duplicated | total_mismatch | number_mismatch | unknown
    key: str
    erp_order_ids: list[str] = field(default_factory=list)
    ours: Decimal | None = None
    theirs: Decimal | None = None
    message: str = ""


@dataclass(frozen=True)
class ReconcileReport:
    checked: int
    matched: int
    drift: list[Drift] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.drift

    def of_kind(self, kind: str) -> list[Drift]:
        return [d for d in self.drift if d.kind == kind]


def reconcile(pushed: list[Pushed], adapter: ErpAdapter, *, tolerance: Decimal = Decimal("0.01"),
              include_unknown: bool = True, erp_orders: list[ErpOrderStatus] | None = None) -> ReconcileReport:
    """Compare ``pushed`` with ``adapter.list_orders()`` by idempotency key.

    Cancelled ERP sales still count as present (someone decided); their totals are not compared.
    """
    orders = adapter.list_orders() if erp_orders is None else erp_orders
    by_key: dict[str, list[ErpOrderStatus]] = {}
    for o in orders:
        if o.key:
            by_key.setdefault(o.key, []).append(o)
    drift: list[Drift] = []
    matched = 0
    ours_keys = set()
    for key, erp_id, total in pushed:
        ours_keys.add(key)
        found = by_key.get(key, [])
        if not found:
            drift.append(Drift("missing", key, [erp_id] if erp_id else [], ours=total,
                               message=f"{key}: pushed as {erp_id or '?'} but the ERP has no sale for it"))
            continue
        if len(found) > 1:
            ids = [o.erp_order_id for o in found]
            drift.append(Drift("duplicated", key, ids, ours=total,
                               message=f"{key}: {len(found)} ERP sales ({', '.join(ids)})"))
            continue
        erp = found[0]
        problems = 0
        if erp_id and erp.erp_order_id != erp_id:
            problems += 1
            drift.append(Drift("number_mismatch", key, [erp.erp_order_id], message=(
                f"{key}: we stored {erp_id}, the ERP sale is {erp.erp_order_id}")))
        if (total is not None and erp.total is not None and erp.state != "cancelled"
                and abs(erp.total - total) > tolerance):
            problems += 1
            drift.append(Drift("total_mismatch", key, [erp.erp_order_id], ours=total, theirs=erp.total,
                               message=f"{key}: total {total} here, {erp.total} in the ERP ({erp.erp_order_id})"))
        matched += problems == 0
    if include_unknown:
        for key in sorted(set(by_key) - ours_keys):
            ids = [o.erp_order_id for o in by_key[key]]
            drift.append(Drift("unknown", key, ids, message=f"{key}: ERP sale {', '.join(ids)} not in our records"))
    return ReconcileReport(checked=len(pushed), matched=matched, drift=drift)
