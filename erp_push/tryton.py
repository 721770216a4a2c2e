"""Tryton as the ERP, behind the ``ErpAdapter`` protocol, through proteus.

Exactly once: a sale carries the customer's PO number in ``reference`` and the idempotency key
on a ``orderflow-key: KEY`` line of ``comment``. ``push`` first looks the sale up (party +
reference, then the key); only when none exists does it create one. Creating (draft) and moving
to the target state are separate ERP transactions, so a sale found in draft on a retry is simply
moved on: a crash anywhere leaves at most one sale per key.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from orderflow.canonical import ReferenceData
from orderflow.canonical.uom import normalize_uom
from orderflow.erp_push.base import ErpOrderStatus, PermanentERPError, PushRequest, PushResult
from orderflow.erp_push.tryton_config import (
    CANONICAL_TO_TRYTON_UOM,
    KEY_PREFIX,
    TrytonConfig,
    key_from_comment,
    key_line,
    tryton_quantity,
)
from orderflow.erp_push.tryton_conn import connect, point_trytond_at, translate_errors

_STATE_RANK = {"draft": 0, "quotation": 1, "confirmed": 2, "processing": 3, "done": 4}

# Tryton 8.2's sale line has no writable date (its ``shipping_date`` is computed from the moves), so
# the buyer's requested date and our promised date go on the line's ``note`` as ``key: ISO date``
# lines; the sale's own ``shipping_date`` ("when shipping should start") gets the earliest promise.
REQUESTED_PREFIX = "requested-date: "
PROMISED_PREFIX = "promised-date: "


def line_dates(line: Any, order: Any) -> tuple[dt.date | None, dt.date | None]:
    """(requested, promised) for one order line; the order's delivery date stands in for the line's."""
    return line.requested_date or order.requested_delivery_date, line.promised_date


def dates_note(requested: dt.date | None, promised: dt.date | None) -> str | None:
    parts = [f"{REQUESTED_PREFIX}{requested.isoformat()}" if requested else None,
             f"{PROMISED_PREFIX}{promised.isoformat()}" if promised else None]
    return "\n".join(p for p in parts if p) or None


def dates_from_note(note: str | None) -> dict[str, dt.date]:
    """The dates a sale line's note carries: {"requested": date, "promised": date} (those present)."""
    out: dict[str, dt.date] = {}
    for raw in (note or "").splitlines():
        for name, prefix in (("requested", REQUESTED_PREFIX), ("promised", PROMISED_PREFIX)):
            if raw.startswith(prefix):
                try:
                    out[name] = dt.date.fromisoformat(raw[len(prefix):].strip())
                except ValueError:
                    pass
    return out


def set_line_dates(sale_line: Any, line: Any, order: Any) -> None:
    """Write the requested/promised dates on a (new) sale line's note, keeping any other note text."""
    note = dates_note(*line_dates(line, order))
    if note is None:
        return
    keep = [ln for ln in (sale_line.note or "").splitlines()
            if not ln.startswith((REQUESTED_PREFIX, PROMISED_PREFIX))]
    sale_line.note = "\n".join([note, *keep])


def set_shipping_date(sale: Any, order: Any) -> None:
    """The earliest promised date (else requested date) as the sale's shipping date, when not past:
    Tryton requires shipping_date >= sale_date, and the sale date becomes today on confirmation."""
    promised = [d for ln in order.lines if (d := line_dates(ln, order)[1])]
    requested = [d for ln in order.lines if (d := line_dates(ln, order)[0])]
    chosen = min(promised) if promised else (min(requested) if requested else None)
    if chosen is not None and chosen >= dt.date.today():
        sale.shipping_date = chosen


def _dec(value: Any) -> Decimal | None:
    if value is None:
        return None
    return value if isinstance(value, Decimal) else Decimal(str(value))


class TrytonAdapter:
    """One Tryton database, in-process (SQLite/PostgreSQL via trytond) or remote (XML-RPC)."""

    name = "tryton"
    carries_charges = False  # the sale is built from product lines only: charges/allowances are refused in validation

    def __init__(self, config: TrytonConfig) -> None:
        self.config = config
        self._conn: Any = None

    # -- plumbing -------------------------------------------------------------------------

    def _connection(self) -> Any:
        if self._conn is None:
            self._conn = connect(self.config)
        elif self.config.config_file is not None:
            point_trytond_at(str(self.config.config_file))
        return self._conn

    def _model(self, name: str) -> Any:
        from proteus import Model

        try:
            return Model.get(name, config=self._connection())
        except Exception:
            self._conn = None  # e.g. an expired session: log in again next time
            raise

    # -- lookups --------------------------------------------------------------------------

    def _party(self, customer_id: str) -> Any:
        Party = self._model("party.party")
        found = Party.find([("code", "=", customer_id), ("active", "in", [True, False])], limit=1)
        if not found:
            raise PermanentERPError(f"customer {customer_id} does not exist in Tryton", field="buyer")
        party = found[0]
        if not party.active:
            raise PermanentERPError(f"customer {customer_id} ({party.name}) is closed in Tryton", field="buyer")
        return party

    def _sales_for_key(self, key: str, customer_id: str | None = None, po_number: str | None = None) -> list[Any]:
        Sale = self._model("sale.sale")
        domain: list[Any] = [("comment", "like", f"%{key_line(key)}%")]
        if customer_id:
            domain.append(("party.code", "=", customer_id))
        if po_number:
            domain.append(("reference", "=", po_number))
        sales = Sale.find(domain, order=[("id", "ASC")])
        # ``like`` is a substring match: keep exact key lines only (KEY vs KEY-2).
        return [s for s in sales if key_from_comment(s.comment) == key]

    @staticmethod
    def _order_id(sale: Any) -> str:
        return sale.number or f"sale-{sale.id}"

    def find_order(self, key: str, customer_id: str, po_number: str | None) -> PushResult | None:
        with translate_errors():
            sales = self._sales_for_key(key, customer_id, po_number)
            if not sales and po_number:  # PO number corrected since the push: the key still decides
                sales = self._sales_for_key(key)
            if not sales:
                return None
            sale = sales[0]
            return PushResult(erp_order_id=self._order_id(sale), created=False, state=sale.state,
                              detail={"sale_id": sale.id, "duplicates": len(sales) - 1})

    # -- push -----------------------------------------------------------------------------

    def apply_change(self, request: PushRequest, sale_ref: str, old_order: Any = None) -> PushResult:
        """``SupportsChanges``: a change version updates the existing sale (``tryton_changes.py``)."""
        from orderflow.erp_push.tryton_changes import apply_change

        return apply_change(self, request, sale_ref, old_order)

    def push(self, request: PushRequest) -> PushResult:
        with translate_errors():
            order = request.order
            sales = self._sales_for_key(request.key, request.customer_id, order.po_number) or \
                self._sales_for_key(request.key)
            if sales:
                sale = sales[0]
                self._advance(sale, created=False)
                return PushResult(erp_order_id=self._order_id(sale), created=False, state=sale.state,
                                  detail={"sale_id": sale.id, "total": str(_dec(sale.untaxed_amount))})
            sale = self._build_sale(request)
            sale.save()  # committed: from here on the key is in the ERP
            self._advance(sale, created=True)
            return PushResult(erp_order_id=self._order_id(sale), created=True, state=sale.state,
                              detail={"sale_id": sale.id, "total": str(_dec(sale.untaxed_amount))})

    def _build_sale(self, request: PushRequest) -> Any:
        order = request.order
        party = self._party(request.customer_id)
        Sale = self._model("sale.sale")
        sale = Sale()
        sale.party = party
        ship = self._ship_address(party, request.ship_to_id)
        if ship is not None:
            sale.shipment_address = ship
        sale.reference = order.po_number
        sale.description = f"PO {order.po_number}" if order.po_number else None
        comment = [key_line(request.key)]
        comment += [n for n in order.notes if n and not n.startswith(KEY_PREFIX)]
        sale.comment = "\n".join(comment)
        if not order.lines:
            raise PermanentERPError("the order has no lines")
        for i, line in enumerate(order.lines):
            label = line.line_no or str(i + 1)
            sku = (request.resolved_skus[i] if i < len(request.resolved_skus) else None) or line.sku
            if not sku:
                raise PermanentERPError(f"line {label}: no item resolved", field=f"lines[{i}].sku")
            product = self._product(sku, label, field=f"lines[{i}].sku")
            if line.qty is None or line.qty <= 0:
                raise PermanentERPError(f"line {label}: quantity missing or not positive", field=f"lines[{i}].qty")
            code = (request.uoms[i] if i < len(request.uoms) else None) or normalize_uom(line.uom)
            new = sale.lines.new()
            new.product = product
            new.unit = self._unit(product, sku, code, label, field=f"lines[{i}].uom")
            new.quantity = tryton_quantity(line.qty)
            if line.unit_price is not None:
                new.unit_price = line.unit_price
            if line.description:
                new.description = line.description
            set_line_dates(new, line, order)
        set_shipping_date(sale, order)
        return sale

    def _ship_address(self, party: Any, ship_to_id: str | None) -> Any | None:
        if ship_to_id:
            Identifier = self._model("party.identifier")
            found = Identifier.find([("party", "=", party.id), ("code", "=", f"shipto:{ship_to_id}"),
                                     ("address", "!=", None)], limit=1)
            if found:
                return found[0].address
            raise PermanentERPError(f"ship-to {ship_to_id} is not an address of {party.code} in Tryton", field="ship_to")
        return None  # Tryton's default delivery address

    def _product(self, sku: str, label: str, *, field: str | None = None) -> Any:
        Product = self._model("product.product")
        found = Product.find([("code", "=", sku), ("active", "in", [True, False])], limit=1)
        if not found:
            raise PermanentERPError(f"line {label}: product {sku} does not exist in Tryton", field=field)
        product = found[0]
        if not (product.active and product.template.active and product.template.salable):
            raise PermanentERPError(f"line {label}: product {sku} is not sold any more in Tryton", field=field)
        return product

    def _unit(self, product: Any, sku: str, code: str | None, label: str, *, field: str | None = None) -> Any:
        base = product.default_uom
        if not code:
            return product.sale_uom or base
        if base.name == f"{code}:{sku}" or (":" not in base.name and CANONICAL_TO_TRYTON_UOM.get(code) == base.symbol):
            return base
        Uom = self._model("product.uom")
        for name in (f"{code}:{sku}", f"{code}:*"):
            found = Uom.find([("name", "=", name), ("category", "=", base.category.id)], limit=1)
            if found:
                return found[0]
        raise PermanentERPError(f"line {label}: product {sku} is not sold in {code} in Tryton", field=field)

    def _advance(self, sale: Any, *, created: bool) -> None:
        """Move the sale to the configured state; undo a just-created sale Tryton refuses."""
        target = _STATE_RANK[self.config.target_state]
        try:
            with translate_errors():
                if sale.state == "draft" and target >= 1:
                    sale.click("quote")
                if sale.state == "quotation" and target >= 2:
                    sale.click("confirm")
        except PermanentERPError as exc:
            if created:
                label = self._order_id(sale)
                self._discard(sale)
                raise PermanentERPError(f"{exc} (sale {label} withdrawn)") from exc
            raise

    def _discard(self, sale: Any) -> None:
        with translate_errors():
            sale.reload()
            if sale.state == "quotation":
                sale.click("draft")
            if sale.state == "draft":
                sale.delete()

    # -- status ---------------------------------------------------------------------------

    def _status(self, sale: Any) -> ErpOrderStatus:
        shipments = [
            {"number": s.number, "state": s.state,
             "planned_date": s.planned_date.isoformat() if s.planned_date else None,
             "effective_date": s.effective_date.isoformat() if s.effective_date else None}
            for s in sale.shipments
        ]
        return ErpOrderStatus(key=key_from_comment(sale.comment) or "", erp_order_id=self._order_id(sale),
                              state=sale.state, total=_dec(sale.untaxed_amount), shipments=shipments)

    def order_status(self, key: str) -> ErpOrderStatus | None:
        with translate_errors():
            sales = self._sales_for_key(key)
            return self._status(sales[0]) if sales else None

    def list_orders(self) -> list[ErpOrderStatus]:
        """Every sale orderflow created (with a key line), cancelled ones included."""
        with translate_errors():
            Sale = self._model("sale.sale")
            sales = Sale.find([("comment", "like", f"%{KEY_PREFIX}%")], order=[("id", "ASC")])
            return [self._status(s) for s in sales if key_from_comment(s.comment)]

    # -- cross-references -----------------------------------------------------------------

    def add_cross_reference(self, customer_id: str, customer_part: str, sku: str) -> bool:
        """Optional capability: the party's product code for ``sku`` (True when Tryton changed)."""
        from orderflow.erp_push.tryton_xref import add_cross_reference

        return add_cross_reference(self, customer_id, customer_part, sku)

    # -- reference data and credit ----------------------------------------------------------

    def pull_reference_data(self) -> ReferenceData:
        from orderflow.erp_push.tryton_pull import pull_reference_data

        with translate_errors():
            return pull_reference_data(self._connection())

    def credit_exposure(self, customer_id: str) -> Decimal | None:
        """Tryton's ``credit_amount``: receivables plus confirmed, not yet invoiced sales."""
        with translate_errors():
            Party = self._model("party.party")
            found = Party.find([("code", "=", customer_id), ("active", "in", [True, False])], limit=1)
            if not found:
                return None
            return _dec(found[0].credit_amount)
