"""Small builders shared by the ERP tests."""

from __future__ import annotations

from decimal import Decimal

from orderflow.canonical import CanonicalOrder, OrderLine
from orderflow.erp_push.base import PushRequest


def order_request(po: str = "PO-1001", *, customer: str = "C001", ship_to: str | None = "ACME-DC2",
                  lines: list[tuple[str, str, str, str | None]] | None = None) -> PushRequest:
    """lines: (sku, qty, uom, unit_price or None)."""
    lines = lines or [("WID-100", "10", "EA", None), ("WID-100", "2", "CA", "30.00")]
    order = CanonicalOrder(
        po_number=po,
        lines=[OrderLine(line_no=str(i + 1), sku=sku, qty=Decimal(q), uom=u,
                         unit_price=Decimal(p) if p is not None else None)
               for i, (sku, q, u, p) in enumerate(lines)],
        notes=["deliver to dock 4"],
    )
    return PushRequest(key=f"{customer}|{po}|original|0", order=order, customer_id=customer, ship_to_id=ship_to,
                       resolved_skus=[ln[0] for ln in lines], uoms=[ln[2] for ln in lines])
