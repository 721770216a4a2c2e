"""Availability from a real Tryton: stock received by stock moves, an open purchase with a planned
date (bought by the case: UOM conversion), an open sale committing stock, then two orders
competing for what is left."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from orderflow.canonical import CanonicalOrder, OrderLine, Party
from orderflow.erp_push.tryton_conn import connect
from orderflow.erp_push.tryton_pull import pull_reference_data
from orderflow.erp_push.tryton_stock import pull_stock, with_tryton_stock
from orderflow.flows.pipeline import resolved_payload
from orderflow.validators import ValidationConfig, ValidationContext, validate
from orderflow.validators.availability import reserved_quantities

D = Decimal
TODAY = dt.date.today()
IN_10 = TODAY + dt.timedelta(days=10)


def _model(conn: Any, name: str) -> Any:
    from proteus import Model

    return Model.get(name, config=conn)


def _receive(conn: Any, sku: str, qty: int) -> None:
    """A real receipt: a supplier → storage stock move, done."""
    location = _model(conn, "stock.location")
    wh = location.find([("type", "=", "warehouse")])[0]
    supplier = location.find([("type", "=", "supplier")])[0]
    product = _model(conn, "product.product").find([("code", "=", sku)])[0]
    company = _model(conn, "company.company").find([])[0]
    move = _model(conn, "stock.move")(
        product=product, quantity=qty, unit=product.default_uom, from_location=supplier,
        to_location=wh.storage_location, unit_price=D("1.00"), currency=company.currency,
        effective_date=TODAY, planned_date=TODAY)
    move.save()
    move.click("do")
    assert move.state == "done"


def _purchase(conn: Any, sku: str, qty: int, unit_symbol: str, delivery: dt.date) -> None:
    """An open (confirmed, not received) purchase: Tryton plans the receipt move for ``delivery``."""
    product = _model(conn, "product.product").find([("code", "=", sku)])[0]
    template = product.template
    template.purchasable = True
    template.purchase_uom = product.default_uom
    template.save()
    supplier = _model(conn, "party.party")(name="Bolt & Widget Mills")
    supplier.save()
    purchase = _model(conn, "purchase.purchase")(party=supplier, delivery_date=delivery)
    line = purchase.lines.new(product=product, quantity=qty)
    line.unit = _model(conn, "product.uom").find([("name", "=", unit_symbol)])[0]  # orderflow names units CODE:SKU
    line.unit_price = D("20.00")
    purchase.save()
    purchase.click("quote")
    purchase.click("confirm")
    assert purchase.state == "processing"


def _sale(conn: Any, party_code: str, sku: str, qty: int) -> None:
    """An open (confirmed, not shipped) sale: stock Tryton has committed."""
    product = _model(conn, "product.product").find([("code", "=", sku)])[0]
    party = _model(conn, "party.party").find([("code", "=", party_code)])[0]
    sale = _model(conn, "sale.sale")(party=party)
    line = sale.lines.new(product=product, quantity=qty)
    line.unit_price = D("2.50")
    sale.save()
    sale.click("quote")
    sale.click("confirm")
    assert sale.state == "processing"


def _order(po: str, qty: str, uom: str) -> CanonicalOrder:
    o = CanonicalOrder(po_number=po, po_date=TODAY, requested_delivery_date=TODAY + dt.timedelta(days=2),
                       ship_to=Party(name="Acme DC 1", ids={"92": "0042"}),
                       lines=[OrderLine(line_no="1", sku="WID-100", qty=D(qty), uom=uom, unit_price=D("30.00"))])
    o.source.sender = "po@acme.example"
    return o


def test_tryton_stock_gives_quantities_dates_and_splits(stock_db):
    conn = connect(stock_db)
    conn.skip_warning = True  # a bare receipt move has no origin document: Tryton only warns
    _receive(conn, "WID-100", 100)
    _purchase(conn, "WID-100", 10, "CA:WID-100", IN_10)  # 10 cases = 120 units
    _sale(conn, "C001", "WID-100", 30)

    stock, incoming = pull_stock(conn, today=TODAY)
    wid = [s for s in stock if s.sku == "WID-100"]
    assert [(s.warehouse, s.on_hand, s.committed) for s in wid] == [("WH", D(100), D(30))]
    assert [(i.sku, i.qty, i.expected_date) for i in incoming] == [("WID-100", D(120), IN_10)]
    assert all(s.sku == "WID-100" for s in stock)  # nothing else was ever received

    ref = with_tryton_stock(conn, pull_reference_data(conn), today=TODAY)
    config = ValidationConfig(today=TODAY)

    # 15 cases = 180 units asked for in 2 days: 70 units free → 5 cases now, 10 cases when the purchase lands
    first = validate(_order("P-1", "15", "CA"), ref, ValidationContext(sender="po@acme.example"), config)
    rl = first.lines[0]
    assert first.customer_id == "C001"
    assert (rl.factor, rl.base_qty, rl.available_now) == (D(12), D(180), D(5))
    assert (rl.ship_now_qty, rl.backorder_qty, rl.backorder_date, rl.ack_status) == (
        D(5), D(10), IN_10.isoformat(), "IB")
    assert "AVAILABILITY_SHORT" in first.codes()

    # a second order competes for what is left: 70 + 120 − 180 = 10 units, only once the purchase lands
    reserved = reserved_quantities([resolved_payload(first)])
    assert reserved == {"WID-100": D(180)}
    second = validate(_order("P-2", "10", "EA"), ref,
                      ValidationContext(sender="po@acme.example", reserved=reserved), config)
    rl = second.lines[0]
    assert (rl.available_now, rl.ship_now_qty, rl.backorder_qty, rl.backorder_date, rl.ack_status) == (
        D(0), D(0), D(10), IN_10.isoformat(), "IB")
    reserved = reserved_quantities([resolved_payload(first), resolved_payload(second)])
    third = validate(_order("P-3", "1", "EA"), ref,
                     ValidationContext(sender="po@acme.example", reserved=reserved), config)
    assert (third.lines[0].ack_status, third.lines[0].backorder_date) == ("IR", None)


def test_warehouse_filter_and_empty_stock(stock_db):
    conn = connect(stock_db)
    stock, incoming = pull_stock(conn, today=TODAY)
    assert (stock, incoming) == ([], [])  # no moves yet: nothing on hand, nothing committed
    conn.skip_warning = True
    _receive(conn, "BOLT-M8", 40)
    stock, _ = pull_stock(conn, today=TODAY, warehouses=["wh"])
    assert [(s.sku, s.warehouse, s.on_hand, s.committed) for s in stock] == [("BOLT-M8", "WH", D(40), D(0))]
    assert pull_stock(conn, today=TODAY, warehouses=["NOPE"]) == ([], [])
