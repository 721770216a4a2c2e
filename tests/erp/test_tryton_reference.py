"""Reference data pulled back out of Tryton matches what the demo set-up put in."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from fixtures.tryton import demo_reference


def test_pull_returns_the_erp_catalogue_customers_prices_and_credit(tryton) -> None:
    ref = tryton.pull_reference_data()
    src = demo_reference()
    assert ref.source == "tryton"
    assert sorted(i.sku for i in ref.items) == sorted(i.sku for i in src.items)
    wid = ref.item("WID-100")
    assert wid.gtin == "04006381333931" and wid.base_uom == "EA" and wid.sellable_uoms == ["EA", "CA"]
    assert ref.item("GRS-1KG").base_uom == "KG"
    assert ref.item("OLD-1").active is False
    convs = {(c.from_uom, c.to_uom, c.sku): c.factor for c in ref.uom_conversions}
    assert convs[("CA", "EA", "WID-100")] == Decimal(12)
    assert convs[("BX", "EA", "BOLT-M8")] == Decimal(100)
    assert convs[("BX", "EA", None)] == Decimal(100)

    acme = ref.customer("C001")
    assert acme.name == "Acme Retail" and acme.emails == ["po@acme.example"] and acme.edi_ids == ["ACMEEDI"]
    assert ref.customer("C003").active is False
    ships = {(s.customer_id, s.id): s for s in ref.ship_tos}
    assert set(ships) == {("C001", "ACME-DC1"), ("C001", "ACME-DC2"), ("C002", "GLX-HQ")}
    assert ships[("C001", "ACME-DC1")].ids == {"92": "0042"}
    assert ships[("C001", "ACME-DC1")].address.city == "Springfield"

    assert {(x.customer_id, x.customer_part, x.sku) for x in ref.cross_references} == {
        ("C001", "ACME-W1", "WID-100"), ("C002", "GX-BOLT", "BOLT-M8")}

    prices = {(p.customer_id, p.sku, p.min_qty): p for p in ref.price_agreements}
    year = dt.date.today().year
    assert prices[("C001", "WID-100", Decimal(0))].price == Decimal("2.5")
    assert prices[("C001", "WID-100", Decimal(100))].price == Decimal("2.25")
    assert prices[("C001", "WID-100", Decimal(100))].valid_to == dt.date(year + 1, 12, 31)
    assert prices[("C002", "GRS-1KG", Decimal(0))].valid_from is None

    credit = ref.credit_by_customer
    assert credit["C001"].limit == Decimal(10000) and credit["C002"].limit == Decimal(50)
    assert credit["C001"].exposure == Decimal(0)


def test_quantity_break_price_list_prices_the_sale(tryton) -> None:
    from erp_helpers import order_request

    pushed = tryton.push(order_request("PO-2001", lines=[("WID-100", "120", "EA", None)]))
    status = tryton.order_status("C001|PO-2001|original|0")
    assert pushed.created and status.total == Decimal("270.00")  # 120 x 2.25 (break at 100)
