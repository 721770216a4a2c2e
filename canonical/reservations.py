"""What an order's stored ``resolved`` payload takes from stock, per SKU, in base units.

The payload is the validators' enrichment kept beside the order (``flows.pipeline.resolved_payload``);
the store keeps one row per SKU of this figure (``store.models.Reservation``) so that checking the
next order's availability is one indexed query, not a read of every open order.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

ZERO = Decimal(0)


def reserved_quantities(resolved_payloads: Iterable[dict[str, Any] | None]) -> dict[str, Decimal]:
    """Base-UOM quantity per SKU (upper-cased) promised by the orders whose payloads are given.

    Counts what each line will take: ship-now plus a dated backorder (it consumes the incoming
    supply it waits for); rejected lines take nothing; lines checked before availability existed
    count their whole base quantity.
    """
    out: dict[str, Decimal] = defaultdict(Decimal)
    for payload in resolved_payloads:
        for ln in (payload or {}).get("lines") or []:
            sku = ln.get("sku")
            if not sku or ln.get("ack_status") == "IR":
                continue
            factor = _dec(ln.get("factor"))
            now, back = _dec(ln.get("ship_now_qty")), _dec(ln.get("backorder_qty"))
            if factor is not None and (now is not None or back is not None):
                qty = (now or ZERO) + ((back or ZERO) if ln.get("backorder_date") else ZERO)
                base = qty * factor
            else:
                base = _dec(ln.get("base_qty")) or ZERO
            if base > 0:
                out[str(sku).upper()] += base
    return dict(out)


def _dec(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except ArithmeticError:
        return None
