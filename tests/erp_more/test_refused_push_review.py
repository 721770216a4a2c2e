"""Issue 23 item 1(b): a push the ERP refuses for a reason a person can fix goes back to review, editable,
with the ERP's reason as an issue beside the field it concerns (audited); after the fix it is pushed.

Real Tryton (built from samples/reference), the review app as ``orderflow ui`` wires it (the product's
revalidator, ``push_in_session`` = the one push path), driven over HTTP. Tryton is changed after the
reference snapshot was taken — the product stopped being sold, the delivery address was removed — which
is how a CSR meets a refusal the validators could not foresee.
"""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from fastapi.testclient import TestClient
from proteus import Model

from orderflow.canonical import Envelope
from orderflow.erp_push.base import is_transient
from orderflow.erp_push.tryton_conn import connect
from orderflow.flows.cli import _revalidator
from orderflow.flows.pipeline import ingest_and_process, push_in_session
from orderflow.review.app import create_review_app
from orderflow.review.auth import add_user
from orderflow.store import repository as repo

PASSWORD = "refused push 42"
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
SEEN = re.compile(r'name="seen" value="([^"]*)"')


@pytest.fixture
def services(tryton_services):
    """The pipeline on Tryton; clean orders wait for a CSR (valid) instead of being pushed at once."""
    tryton_services.auto_approve = False
    with tryton_services.session_factory() as s:
        add_user(s, "csr1", PASSWORD, "csr")
        s.commit()
    return tryton_services


@pytest.fixture
def client(services):
    app = create_review_app(services.session_factory, revalidate=_revalidator(services),
                            push=lambda s, row: push_in_session(services, s, row),
                            secret_key="refused-push-" + "x" * 32, secure_cookies=False, is_transient=is_transient)
    client = TestClient(app)
    token = TOKEN.search(client.get("/login").text).group(1)
    r = client.post("/login", data={"username": "csr1", "password": PASSWORD, "csrf_token": token},
                    follow_redirects=False)
    assert r.status_code == 303, r.text
    return client


def dropped(services, po: str, lines: list[dict], ship_to: dict | None = None) -> int:
    body = {"po_number": po, "po_date": dt.date.today().isoformat(), "currency": "USD",
            "buyer": {"name": "ACME Manufacturing"}, "lines": lines,
            "ship_to": ship_to or {"name": "ACME Manufacturing Plant 1", "ids": {"92": "0001"}}}
    out = ingest_and_process(services, Envelope(data=json.dumps(body).encode(), filename=f"{po}.json",
                                                channel="folder"))
    assert out.state == "processed", out.reason
    [order] = out.orders
    assert order.state == "valid", order.issues
    return order.id


def post(client: TestClient, order_id: int, action: str, **data: str):
    page = client.get(f"/orders/{order_id}").text
    fields = {"csrf_token": TOKEN.search(page).group(1), **data}
    if action == "approve":
        fields["seen"] = SEEN.search(page).group(1)
    return client.post(f"/orders/{order_id}/{action}", data=fields)


def row_of(services, order_id: int):
    with services.session_factory() as s:
        row = repo.get_order(s, order_id)
        return row, list(row.issues), repo.audit_trail(s, "order", order_id)


def sale_for(cfg, po: str):
    Sale = Model.get("sale.sale", config=connect(cfg))
    return Sale.find([("reference", "=", po)])


def test_a_product_tryton_no_longer_sells_sends_the_order_back_to_review_then_the_fix_is_pushed(
        services, client, tryton_cfg):
    order_id = dropped(services, "RF-7001", [
        {"line_no": "1", "sku": "FAS-1001", "qty": "500", "uom": "EA", "unit_price": "0.18"},
        {"line_no": "2", "sku": "FAS-1003", "qty": "1000", "uom": "EA", "unit_price": "0.06"},
    ])
    conn = connect(tryton_cfg)  # since the snapshot, FAS-1003 is no longer sold
    [product] = Model.get("product.product", config=conn).find([("code", "=", "FAS-1003")])
    template = product.template
    template.salable = False
    template.save()

    r = post(client, order_id, "approve")
    assert r.status_code == 200
    assert "The ERP refused the order" in r.text and "FAS-1003 is not sold any more in Tryton" in r.text
    assert "back in review" in r.text
    row, issues, audit = row_of(services, order_id)
    assert row.state == "needs_review" and row.erp_order_id is None
    [refused] = [i for i in issues if i.code == "ERP_REJECTED"]
    assert refused.field == "lines[1].sku" and refused.severity == "error"
    assert "FAS-1003 is not sold any more in Tryton" in refused.message
    back = [a for a in audit if a.after == {"state": "needs_review"} and a.before == {"state": "approved"}]
    assert back and "ERP rejected" in back[-1].reason and "FAS-1003" in back[-1].reason
    assert sale_for(tryton_cfg, "RF-7001") == []  # nothing left in Tryton

    page = client.get(f"/orders/{order_id}").text  # editable again, the reason beside the line's SKU
    assert "<fieldset disabled" not in page and 'id="save-btn"' in page
    line_issues = page.split('data-line="1"', 1)[1].split("</tr>", 2)[1]
    assert "ERP_REJECTED" in line_issues and "FAS-1003" in line_issues

    r = post(client, order_id, "save", **{"lines[1].sku": "FAS-1005", "lines[1].unit_price": "0.03"})  # its successor
    assert r.status_code == 200 and "order is now valid" in r.text
    assert not [i for i in row_of(services, order_id)[1] if i.code == "ERP_REJECTED"]
    r = post(client, order_id, "approve")
    assert r.status_code == 200
    row, _, _ = row_of(services, order_id)
    assert row.state == "pushed" and row.erp_order_id
    [sale] = sale_for(tryton_cfg, "RF-7001")
    assert sale.number == row.erp_order_id and sale.party.code == "ACME"
    assert [ln.product.code for ln in sale.lines] == ["FAS-1001", "FAS-1005"]


def test_a_ship_to_tryton_no_longer_has_is_picked_again_in_review_and_pushed(services, client, tryton_cfg):
    order_id = dropped(services, "RF-7002", [{"line_no": "1", "sku": "FAS-1001", "qty": "500", "uom": "EA",
                                              "unit_price": "0.18"}],
                       ship_to={"name": "ACME Manufacturing Distribution Center", "ids": {"92": "0002"}})
    assert row_of(services, order_id)[0].ship_to_id == "ACME-DC"
    Identifier = Model.get("party.identifier", config=connect(tryton_cfg))  # the DC's address was removed
    Identifier.delete(Identifier.find([("code", "=", "shipto:ACME-DC")]))

    r = post(client, order_id, "approve")
    assert "The ERP refused the order" in r.text and "ship-to ACME-DC is not an address of ACME" in r.text
    row, issues, _ = row_of(services, order_id)
    assert row.state == "needs_review"
    [refused] = [i for i in issues if i.code == "ERP_REJECTED"]
    assert refused.field == "ship_to"
    assert [s["value"] for s in refused.suggestions] == ["ACME-PLANT1"]  # the customer's other address

    page = client.get(f"/orders/{order_id}").text  # the picker beside the ship-to, offering the other address
    assert 'data-pick="ship_to"' in page and 'data-value="ACME-PLANT1"' in page
    r = post(client, order_id, "pick", what="ship_to", value="ACME-PLANT1")
    assert r.status_code == 200 and "Ship-to ACME-PLANT1 picked; order is now valid" in r.text
    row, issues, audit = row_of(services, order_id)
    assert (row.ship_to_id, row.state) == ("ACME-PLANT1", "valid")
    assert [a.after["value"] for a in audit if a.action == "pick"] == ["ACME-PLANT1"]

    r = post(client, order_id, "approve")
    row, _, _ = row_of(services, order_id)
    assert row.state == "pushed"
    [sale] = sale_for(tryton_cfg, "RF-7002")
    assert sale.number == row.erp_order_id
    assert sale.shipment_address.party_name == "ACME Manufacturing Plant 1"
    assert sale.shipment_address.street.startswith("100 Industrial Way")


def test_the_customer_picked_in_review_is_the_party_of_the_tryton_sale(services, client, tryton_cfg):
    body = {"po_number": "RF-7003", "po_date": dt.date.today().isoformat(), "currency": "USD",
            "buyer": {"name": "Acme"}, "ship_to": {"name": "Plant 1", "ids": {"92": "0001"}},
            "lines": [{"line_no": "1", "sku": "FAS-1001", "qty": "500", "uom": "EA", "unit_price": "0.18"}]}
    out = ingest_and_process(services, Envelope(data=json.dumps(body).encode(), filename="RF-7003.json",
                                                channel="folder"))
    [order] = out.orders
    assert order.state == "needs_review" and "CUSTOMER_UNKNOWN" in order.issues
    r = post(client, order.id, "pick", what="customer", value="ACME")
    assert "Customer ACME picked" in r.text
    r = post(client, order.id, "approve")
    row, _, _ = row_of(services, order.id)
    assert row.state == "pushed", r.text[-2000:]
    [sale] = sale_for(tryton_cfg, "RF-7003")
    assert sale.party.code == "ACME" and sale.number == row.erp_order_id
