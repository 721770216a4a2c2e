"""Order changes applied to an existing Tryton sale (the adapter's optional ``apply_change``).

Tryton lets a sale be edited only in draft: a quotation is put back to draft, edited and quoted
again; a confirmed or processing sale (goods reserved, maybe shipped) is refused with a
``PermanentERPError`` so the change goes to a person with the reason.

Exactly once: each applied change writes a line ``orderflow-change: KEY`` (the change version's
idempotency key) on the sale's ``comment`` in the same save as the edit. Before editing, the sale
is checked for that line: a re-delivered change or a retry after a crash finds it and changes
nothing. The line edit rebuilds the sale's lines from the new version (the full order as it now
stands), so the sale always equals the latest version.
"""

from __future__ import annotations

from typing import Any

from orderflow.canonical.uom import normalize_uom
from orderflow.erp_push.base import PermanentERPError, PushRequest, PushResult
from orderflow.erp_push.tryton_config import KEY_PREFIX, tryton_quantity
from orderflow.erp_push.tryton_conn import translate_errors

CHANGE_PREFIX = "orderflow-change: "
EDITABLE = ("draft", "quotation")


def change_line(key: str) -> str:
    return f"{CHANGE_PREFIX}{key}"


def applied_changes(comment: str | None) -> list[str]:
    """The change keys already applied to a sale, oldest first."""
    return [ln[len(CHANGE_PREFIX):].strip() for ln in (comment or "").splitlines() if ln.startswith(CHANGE_PREFIX)]


def find_sale(adapter: Any, sale_ref: str) -> Any | None:
    """The sale by its number (or ``sale-ID`` for a sale without a number yet)."""
    Sale = adapter._model("sale.sale")
    if sale_ref.startswith("sale-") and sale_ref[5:].isdigit():
        found = Sale.find([("id", "=", int(sale_ref[5:]))], limit=1)
    else:
        found = Sale.find([("number", "=", sale_ref)], limit=1)
    return found[0] if found else None


def apply_change(adapter: Any, request: PushRequest, sale_ref: str, old_order: Any = None) -> PushResult:
    """Edit sale ``sale_ref`` to match ``request.order`` (or cancel it), once per ``request.key``."""
    with translate_errors():
        sale = find_sale(adapter, sale_ref)
        if sale is None:
            raise PermanentERPError(f"sale {sale_ref} is not in Tryton any more")
        label = adapter._order_id(sale)
        if request.key in applied_changes(sale.comment):  # re-delivery or retry: already done
            if sale.state == "draft" and str(request.order.purpose) != "cancel":
                adapter._advance(sale, created=False)
            return PushResult(erp_order_id=label, created=False, state=sale.state,
                              detail={"sale_id": sale.id, "already_applied": True})
        if sale.state not in EDITABLE:
            raise PermanentERPError(
                f"sale {label} is {sale.state} in Tryton, so it cannot be changed automatically "
                "(goods may be reserved or shipped); change it by hand or agree the change with the buyer")
        was = sale.state
        if was == "quotation":
            sale.click("draft")
        cancel = str(request.order.purpose) == "cancel"
        if not cancel:
            _rebuild(adapter, sale, request)
        sale.comment = "\n".join([*(sale.comment or "").splitlines(), change_line(request.key)])
        sale.save()  # one ERP transaction: the edit and the key line land together
        if cancel:
            sale.click("cancel")
        else:
            adapter._advance(sale, created=False)
        sale.reload()
        return PushResult(erp_order_id=label, created=True, state=sale.state,
                          detail={"sale_id": sale.id, "was": was, "total": str(sale.untaxed_amount)})


def _rebuild(adapter: Any, sale: Any, request: PushRequest) -> None:
    """Replace the sale's lines (and ship-to) with the new version's."""
    from orderflow.erp_push.tryton import set_line_dates, set_shipping_date

    order = request.order
    if not order.lines:
        raise PermanentERPError("the changed order has no lines left; send a cancellation instead")
    if request.ship_to_id:
        ship = adapter._ship_address(sale.party, request.ship_to_id)
        if ship is not None and (sale.shipment_address is None or sale.shipment_address.id != ship.id):
            sale.shipment_address = ship
    specs = []
    for i, line in enumerate(order.lines):  # resolve everything before touching the sale
        label = line.line_no or str(i + 1)
        sku = (request.resolved_skus[i] if i < len(request.resolved_skus) else None) or line.sku
        if not sku:
            raise PermanentERPError(f"line {label}: no item resolved")
        if line.qty is None or line.qty <= 0:
            raise PermanentERPError(f"line {label}: quantity missing or not positive")
        product = adapter._product(sku, label)
        code = (request.uoms[i] if i < len(request.uoms) else None) or normalize_uom(line.uom)
        specs.append((line, line.qty, product, adapter._unit(product, sku, code, label)))
    for old in list(sale.lines):
        sale.lines.remove(old)
    for line, qty, product, unit in specs:
        new = sale.lines.new()
        new.product = product
        new.unit = unit
        new.quantity = tryton_quantity(qty)
        if line.unit_price is not None:
            new.unit_price = line.unit_price
        if line.description:
            new.description = line.description
        set_line_dates(new, line, order)
    set_shipping_date(sale, order)
    sale.reference = order.po_number or sale.reference
    keep = [ln for ln in (sale.comment or "").splitlines() if ln.startswith((KEY_PREFIX, CHANGE_PREFIX))]
    sale.comment = "\n".join([*keep, *(n for n in order.notes if n and not n.startswith(KEY_PREFIX))])
