"""Order changes against a real Tryton: 850 pushed → 860/ORDCHG → the sale edited (or a review item)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from changes_helpers import EDIFACT_SENDER, feed, read_865, replies, with_control
from proteus import Model

from orderflow.erp_push.tryton_changes import applied_changes
from orderflow.erp_push.tryton_conn import connect
from orderflow.flows.pipeline import push_approved
from orderflow.flows.settings import SAMPLES_DIR
from orderflow.store import repository as repo

PO = "GX-448300"


def sale_of(cfg, number: str):
    """Read the ERP directly, not through the code under test."""
    Sale = Model.get("sale.sale", config=connect(cfg))
    (sale,) = Sale.find([("number", "=", number)])
    return sale


def lines_of(sale) -> list[tuple[str, Decimal, Decimal]]:
    return [(ln.product.code, Decimal(str(ln.quantity)), ln.unit_price) for ln in sale.lines]


def _original(services) -> str:
    out = feed(services, f"globex-850-{PO}.edi")
    assert [o.state for o in out.orders] == ["approved"]
    (pushed,) = push_approved(services)
    assert pushed.ok, pushed.error
    return pushed.erp_order_id


ORIGINAL = [("JAN-3001", Decimal(240), Decimal("3.05")), ("JAN-3002", Decimal(120), Decimal("2.40")),
            ("SAF-2007", Decimal(30), Decimal("18.90"))]
EXPECT = {
    "quantity": ([("JAN-3001", Decimal(288), Decimal("3.05")), *ORIGINAL[1:]], ["IA"]),
    "add": ([*ORIGINAL, ("JAN-3003", Decimal(10), Decimal("42.00"))], ["IA"]),
    "delete": (ORIGINAL[:2], ["ID"]),
    "price": ([ORIGINAL[0], ("JAN-3002", Decimal(120), Decimal("2.39")), ORIGINAL[2]], ["IA"]),
    "replace-line": ([ORIGINAL[0], ("JAN-3002", Decimal(144), Decimal("2.40")), ORIGINAL[2]], ["IA"]),
    "unknown-line": ([("JAN-3001", Decimal(288), Decimal("3.05")), *ORIGINAL[1:]], ["IA", "IR"]),
}


@pytest.mark.parametrize("kind", [*EXPECT, "date", "ship-to", "cancel"])
def test_860_edits_the_quoted_tryton_sale_once(tryton_services, settings, kind) -> None:
    services, cfg = tryton_services
    number = _original(services)
    assert sale_of(cfg, number).state == "quotation"
    (o,) = feed(services, f"globex-860-{PO}-{kind}.edi").orders
    assert o.state == "approved", o.issues
    (pushed,) = push_approved(services)
    assert pushed.ok and pushed.erp_order_id == number, pushed.error
    sale = sale_of(cfg, number)
    key = f"GLOBEX|{PO}|{'cancel' if kind == 'cancel' else 'change'}|1"
    assert applied_changes(sale.comment) == [key]
    if kind == "cancel":
        assert sale.state == "cancelled"
        statuses = ["ID", "ID", "ID"]
    else:
        assert sale.state == "quotation"  # back where the push left it
        want, statuses = EXPECT.get(kind, (ORIGINAL, []))
        assert [(c, q, p.quantize(Decimal("0.01"))) for c, q, p in lines_of(sale)] == want
    if kind == "ship-to":
        assert sale.shipment_address.street.upper().startswith("4200 MARKET")
        statuses = []
    if kind == "date":
        statuses = ["IA"]
    (reply,) = replies(settings, f"865-{PO}-*.edi")
    assert read_865(reply.read_text())["ack"] == statuses
    with services.session_factory() as s:
        rows = {r.revision: r for r in repo.find_orders(s, customer_id="GLOBEX", po_number=PO)}
        assert (rows[0].state, rows[1].state) == ("superseded", "pushed")


def test_redelivered_860_changes_the_sale_only_once(tryton_services, settings) -> None:
    services, cfg = tryton_services
    number = _original(services)
    text = (SAMPLES_DIR / "changes" / f"globex-860-{PO}-add.edi").read_text()
    feed(services, "one.edi", data=text.encode())
    push_approved(services)
    feed(services, "one-again.edi", data=with_control(text, 998))
    assert push_approved(services) == []
    sale = sale_of(cfg, number)
    assert [c for c, _, _ in lines_of(sale)] == ["JAN-3001", "JAN-3002", "SAF-2007", "JAN-3003"]
    assert len(applied_changes(sale.comment)) == 1
    # the adapter itself is idempotent too: the same change key again edits nothing
    from orderflow.erp_push.tryton_changes import apply_change
    from orderflow.flows.pipeline import build_push_request

    with services.session_factory() as s:
        row = next(r for r in repo.find_orders(s, customer_id="GLOBEX", po_number=PO) if r.revision == 1)
        request = build_push_request(row)
    again = apply_change(services.adapter, request, number)
    assert again.created is False and again.detail["already_applied"]
    assert len(sale_of(cfg, number).lines) == 4


def test_change_to_a_confirmed_sale_goes_to_review_with_the_reason(tryton_services, settings) -> None:
    services, cfg = tryton_services
    number = _original(services)
    sale = sale_of(cfg, number)
    sale.click("confirm")
    assert sale.state in ("confirmed", "processing")
    (o,) = feed(services, f"globex-860-{PO}-quantity.edi").orders
    (pushed,) = push_approved(services)
    assert not pushed.ok and "cannot be changed automatically" in pushed.error
    with services.session_factory() as s:
        row = repo.get_order(s, o.id)
        assert row.state == "needs_review"
        (erp,) = [i for i in row.issues if i.code == "ERP_REJECTED"]
        assert number in erp.message and "confirmed" in erp.message or "processing" in erp.message
        assert repo.get_order(s, row.previous_order_id).state == "pushed"  # the ERP still has that one
    assert lines_of(sale_of(cfg, number))[0][1] == Decimal(240)  # untouched
    (reply,) = replies(settings, f"865-{PO}-*.edi")
    got = read_865(reply.read_text())
    assert got["ack"] == ["IR"] and got["bca"][2] == "RD" and "cannot be changed automatically" in got["msg"][0]


def test_ordchg_edits_the_sale_and_answers_with_ordrsp(tryton_services, settings) -> None:
    services, cfg = tryton_services
    feed(services, "globex-orders-GX-EU-5530.edi", sender=EDIFACT_SENDER)
    (first,) = push_approved(services)
    assert first.ok, first.error
    (o,) = feed(services, "globex-ordchg-GX-EU-5530.edi", sender=EDIFACT_SENDER).orders
    assert o.state == "approved", o.issues
    (pushed,) = push_approved(services)
    assert pushed.ok and pushed.erp_order_id == first.erp_order_id
    sale = sale_of(cfg, first.erp_order_id)
    assert [(c, q) for c, q, _ in lines_of(sale)] == [("JAN-3001", Decimal(144)), ("SAF-2007", Decimal(10))]
    *_, reply = replies(settings, "ORDRSP-GX-EU-5530-*.edi", EDIFACT_SENDER)
    assert "LIN+1+2" in reply.read_text() and "LIN+7+7" in reply.read_text()
