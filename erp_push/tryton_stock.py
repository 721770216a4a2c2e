"""Stock for availability, read from Tryton itself (trytond-stock, trytond-purchase, trytond-sale).

Per warehouse and product, in the product's default unit:

- **on hand**: ``product.product.quantity`` with context ``locations=[warehouse]``,
  ``stock_date_end=today`` (what Tryton has physically received and not shipped);
- **incoming**: open stock moves (draft / staging / assigned) into the warehouse from outside
  it — receipts of open purchases and planned moves — with their planned date
  (``internal_quantity`` is already in the product's unit); an overdue move counts as today;
- **committed**: what Tryton's own forecast says leaves before the horizon:
  ``on hand + incoming − forecast_quantity(stock_date_end=horizon)`` — open sales and other
  planned outgoing moves, as Tryton counts them, without a second copy of its rules.

Lead times come with the rest of the catalogue (``tryton_pull``: the template's sale
``lead_time``). Everything is read with ``search_read`` in a few calls per warehouse.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from orderflow.canonical import IncomingSupply, ReferenceData, StockRecord
from orderflow.erp_push.tryton_conn import translate_errors

OPEN_MOVE_STATES = ("draft", "staging", "assigned")
_ZERO = Decimal(0)


def _dec(value: Any) -> Decimal:
    """Tryton floats → Decimal through their shortest repr (0.1 stays 0.1), trimmed of noise."""
    d = Decimal(repr(float(value or 0)))
    return d.quantize(Decimal("0.0001")).normalize() if d != d.to_integral_value() else d.quantize(Decimal(1))


def _call(conn: Any, model: str, domain: list[Any], fields: list[str], context: dict[str, Any] | None = None
          ) -> list[dict[str, Any]]:
    proxy = conn.get_proxy(model)
    ctx = {**conn.context, **(context or {})}
    return proxy.search_read(domain, 0, None, [("id", "ASC")], fields, ctx)


def pull_stock(
    conn: Any,
    *,
    today: dt.date | None = None,
    horizon_days: int = 366,
    warehouses: list[str] | None = None,
) -> tuple[list[StockRecord], list[IncomingSupply]]:
    """Stock and incoming supply per (SKU, warehouse code) from a proteus connection."""
    today = today or dt.date.today()
    horizon = today + dt.timedelta(days=horizon_days)
    with translate_errors():
        whs = _call(conn, "stock.location", [("type", "=", "warehouse")], ["code", "name"])
        if warehouses is not None:
            wanted = {w.upper() for w in warehouses}
            whs = [w for w in whs if (w["code"] or w["name"] or "").upper() in wanted]
        products = {p["id"]: p["code"] for p in _call(conn, "product.product", [("type", "in", ["goods", "assets"])],
                                                      ["code"]) if p["code"]}
        ids = list(products)
        stock: list[StockRecord] = []
        incoming: list[IncomingSupply] = []
        for wh in whs:
            code = wh["code"] or wh["name"]
            on_hand = {r["id"]: _dec(r["quantity"]) for r in _call(
                conn, "product.product", [("id", "in", ids)], ["quantity"],
                {"locations": [wh["id"]], "stock_date_end": today})}
            forecast = {r["id"]: _dec(r["forecast_quantity"]) for r in _call(
                conn, "product.product", [("id", "in", ids)], ["forecast_quantity"],
                {"locations": [wh["id"]], "stock_date_end": horizon})}
            moves = _call(conn, "stock.move", [
                ("state", "in", list(OPEN_MOVE_STATES)),
                ("to_location", "child_of", [wh["id"]], "parent"),
                ("from_location", "not child_of", [wh["id"]], "parent"),
                ("product", "in", ids),
            ], ["product", "internal_quantity", "planned_date"])
            planned: dict[tuple[int, dt.date], Decimal] = {}
            total_in: dict[int, Decimal] = {}
            for m in moves:
                day = m["planned_date"] or today
                day = day if isinstance(day, dt.date) else dt.date.fromisoformat(str(day))
                if day > horizon:
                    continue
                day = max(day, today)
                qty = _dec(m["internal_quantity"])
                planned[(m["product"], day)] = planned.get((m["product"], day), _ZERO) + qty
                total_in[m["product"]] = total_in.get(m["product"], _ZERO) + qty
            for pid, sku in products.items():
                have = on_hand.get(pid, _ZERO)
                committed = max(have + total_in.get(pid, _ZERO) - forecast.get(pid, have), _ZERO)
                if have or committed:
                    stock.append(StockRecord(sku=sku, warehouse=code, on_hand=have, committed=committed))
            incoming += [IncomingSupply(sku=products[pid], warehouse=code, qty=qty, expected_date=day)
                         for (pid, day), qty in sorted(planned.items(), key=lambda kv: (kv[0][1], kv[0][0]))
                         if qty > 0]
    return stock, incoming


def with_tryton_stock(conn: Any, ref: ReferenceData, **kwargs: Any) -> ReferenceData:
    """``ref`` with its stock and incoming replaced by Tryton's live figures (a new snapshot)."""
    stock, incoming = pull_stock(conn, **kwargs)
    return ref.model_copy(update={"stock": stock, "incoming": incoming})
