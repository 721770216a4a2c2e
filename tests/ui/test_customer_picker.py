"""Issue 23 item 1 in Chromium: an order whose customer cannot be told (CUSTOMER_UNKNOWN) is not a dead end.

The order comes through the real pipeline (a portal-JSON file dropped in a folder, which names no
sender, so the buyer name decides), the app is the one ``orderflow ui`` serves (the product's
revalidator, the one push path into the file outbox). The picker offers the closest customers with
their scores; picking one (key ``1``–``3`` or a click) sets the customer id the order is pushed with.
A name typed into the buyer field clears CUSTOMER_UNKNOWN only when it names a real customer — and
then that customer is the one pushed (it used to be left out of the push: "customer does not exist").
"""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect
from ui.conftest import PASSWORD

from orderflow.canonical import Envelope
from orderflow.erp_push.base import is_transient
from orderflow.flows.cli import _revalidator
from orderflow.flows.pipeline import ingest_and_process, push_in_session
from orderflow.flows.services import build_services
from orderflow.flows.settings import load_settings
from orderflow.review.app import create_review_app
from orderflow.review.auth import add_user
from orderflow.store import repository as repo

pytestmark = pytest.mark.servers


@pytest.fixture(scope="module")
def services(tmp_path_factory):
    """The pipeline on SQLite with the sample reference data (ACME, ACME-GROUP, GLOBEX …) and the file ERP."""
    services = build_services(load_settings(home=Path(tmp_path_factory.mktemp("picker")) / "var"))
    with services.session_factory() as s:
        add_user(s, "csr1", PASSWORD, "csr")
        s.commit()
    return services


@pytest.fixture(scope="module")
def picker_url(services):
    from fixtures.browser import serve_app

    app = create_review_app(services.session_factory, revalidate=_revalidator(services),
                            push=lambda s, row: push_in_session(services, s, row),
                            secret_key="picker-secret-" + "x" * 32, secure_cookies=False, is_transient=is_transient)
    with serve_app(app) as url:
        yield url


@pytest.fixture
def page(chromium, picker_url):
    context = chromium.new_context(viewport={"width": 1366, "height": 768}, base_url=picker_url)
    pg = context.new_page()
    pg.set_default_timeout(8000)
    pg.goto("/login")
    pg.fill("input[name=username]", "csr1")
    pg.fill("input[name=password]", PASSWORD)
    pg.click("button[type=submit]")
    pg.wait_for_url(f"{picker_url}/")
    yield pg
    context.close()


def dropped_order(services, po: str, buyer: str) -> int:
    """A portal-JSON order dropped in a folder (no sender): only the buyer's name says who it is from."""
    body = {
        "po_number": po, "po_date": dt.date.today().isoformat(), "currency": "USD",
        "buyer": {"name": buyer},
        "ship_to": {"name": "ACME Manufacturing Plant 1", "ids": {"92": "0001"},
                    "address": {"lines": ["100 Industrial Way"], "city": "Springfield", "postal_code": "62701"}},
        "lines": [{"line_no": "1", "sku": "FAS-1001", "description": "HEX BOLT M8 X 40MM", "qty": "500", "uom": "EA",
                   "unit_price": "0.18"}],
    }
    out = ingest_and_process(services, Envelope(data=json.dumps(body).encode(), filename=f"{po}.json",
                                                channel="folder"))
    assert out.state == "processed", out.reason
    [order] = out.orders
    return order.id


def stored(services, order_id: int):
    with services.session_factory() as s:
        row = repo.get_order(s, order_id)
        return row, [i for i in row.issues], repo.audit_trail(s, "order", order_id)


def pushed_row(services, order_id: int, timeout: float = 15.0):
    """The order once the approve's push has been recorded (the browser is sent on to the next order)."""
    deadline = time.monotonic() + timeout
    while True:
        row, _, _ = stored(services, order_id)
        if row.state not in ("valid", "approved") or time.monotonic() > deadline:
            return row
        time.sleep(0.1)


def outbox_file(services, po: str) -> dict:
    [path] = [p for p in services.adapter.outbox.glob("*.json") if json.loads(p.read_text())["po_number"] == po]
    return json.loads(path.read_text())


def test_customer_unknown_offers_scored_customers_and_a_pick_sets_the_id_that_is_pushed(services, page):
    order_id = dropped_order(services, "PK-5101", "Acme")
    row, issues, _ = stored(services, order_id)
    assert row.state == "needs_review" and row.customer_id is None
    assert sorted({i.code for i in issues if i.severity == "error"}) == ["CUSTOMER_UNKNOWN"]

    page.goto(f"/orders/{order_id}")
    issue = page.locator('.issue[data-issue-code="CUSTOMER_UNKNOWN"]')
    picker = issue.locator('[data-testid="picker"]')
    expect(picker).to_be_visible()
    buttons = picker.locator('[data-testid="suggestion"]')
    values = [buttons.nth(n).get_attribute("data-value") for n in range(buttons.count())]
    assert "ACME" in values[:3] and len(values) <= 3  # scored, the best first, at most three
    assert all(buttons.nth(n).locator("em").inner_text().isdigit() for n in range(buttons.count()))  # the score shown
    key = str(values.index("ACME") + 1)
    assert buttons.nth(int(key) - 1).locator("kbd").inner_text() == key

    page.locator("h1").click()  # not typing in a field: the key picks
    with page.expect_response(f"**/orders/{order_id}/pick"):
        page.keyboard.press(key)
    expect(page.locator('[data-testid="customer-id"]')).to_have_text("customer ACME")
    expect(page.locator('.issue[data-issue-code="CUSTOMER_UNKNOWN"]')).to_have_count(0)
    expect(page.locator('[data-testid="order-state"]')).to_have_text("valid")
    expect(page.locator('[data-testid="ship-to-id"]')).to_have_text("ship-to ACME-PLANT1")  # resolved for ACME now
    row, issues, audit = stored(services, order_id)
    assert (row.customer_id, row.ship_to_id, row.state) == ("ACME", "ACME-PLANT1", "valid")
    assert not [i for i in issues if i.severity == "error"]
    pick = [a for a in audit if a.action == "pick"]
    assert pick and pick[-1].actor == "csr1" and pick[-1].after["value"] == "ACME"
    expect(page.locator('[data-testid="audit"] li[data-action="pick"]')).to_contain_text("Customer picked")

    page.click("#approve-btn")
    row = pushed_row(services, order_id)
    assert row.state == "pushed" and row.erp_order_id
    pushed = outbox_file(services, "PK-5101")
    assert (pushed["customer_id"], pushed["ship_to_id"], pushed["erp_order_id"]) == ("ACME", "ACME-PLANT1",
                                                                                    row.erp_order_id)


def test_a_typed_name_clears_customer_unknown_only_when_it_names_a_real_customer(services, page):
    order_id = dropped_order(services, "PK-5102", "Acme")
    page.goto(f"/orders/{order_id}")

    page.fill('input[name="buyer.name"]', "Acme Widgets Intl")  # no such customer
    page.click("#save-btn")
    expect(page.locator('[data-testid="flash"]')).to_contain_text("needs review")
    expect(page.locator('.issue[data-issue-code="CUSTOMER_UNKNOWN"]')).to_have_count(1)
    row, _, _ = stored(services, order_id)
    assert row.customer_id is None and row.state == "needs_review"

    page.fill('input[name="buyer.name"]', "ACME Manufacturing")  # the customer's name in the ERP
    page.click("#save-btn")
    expect(page.locator('[data-testid="flash"]')).to_contain_text("valid")
    expect(page.locator('.issue[data-issue-code="CUSTOMER_UNKNOWN"]')).to_have_count(0)
    expect(page.locator('[data-testid="customer-id"]')).to_have_text("customer ACME")
    row, _, _ = stored(services, order_id)
    assert row.customer_id == "ACME"  # the push reads this column: it was left empty before

    page.click("#approve-btn")
    assert pushed_row(services, order_id).state == "pushed"
    assert outbox_file(services, "PK-5102")["customer_id"] == "ACME"


def test_an_id_typed_into_the_picker_must_be_a_real_customer(services, page):
    order_id = dropped_order(services, "PK-5103", "Acme")
    page.goto(f"/orders/{order_id}")
    picker = page.locator('.issue[data-issue-code="CUSTOMER_UNKNOWN"] [data-testid="picker"]')
    picker.locator('[data-testid="pick-input"]').fill("Acme Manufacturing Inc")  # a name, not an id
    with page.expect_response(f"**/orders/{order_id}/pick"):
        picker.locator('[data-testid="pick-input"]').press("Enter")
    expect(page.locator('[data-testid="flash"]')).to_contain_text("not known to the ERP")
    issue = page.locator('.issue[data-issue-code="CUSTOMER_UNKNOWN"]')
    expect(issue).to_contain_text("chosen in review is not in the ERP")
    row, _, _ = stored(services, order_id)
    assert row.customer_id is None and row.state == "needs_review"

    picker = issue.locator('[data-testid="picker"]')
    picker.locator('[data-testid="pick-input"]').fill("acme")  # the id, in any case
    with page.expect_response(f"**/orders/{order_id}/pick"):
        picker.locator('[data-testid="pick-typed"]').click()
    expect(page.locator('[data-testid="customer-id"]')).to_have_text("customer ACME")
    row, _, _ = stored(services, order_id)
    assert (row.customer_id, row.state) == ("ACME", "valid")


def test_a_pick_survives_later_edits_and_an_empty_pick_goes_back_to_the_document(services):
    from orderflow.review import actions

    order_id = dropped_order(services, "PK-5104", "Acme")
    reval = _revalidator(services)
    with services.session_factory() as s:
        actions.pick(s, order_id, "customer", "ACME", user="csr1", revalidate=reval)
        actions.pick(s, order_id, "ship_to", "ACME-DC", user="csr1", revalidate=reval)
        o = actions.fix_field(s, order_id, "payment_terms", "Net 45", user="csr1", revalidate=reval, learn=False)
        assert (o.customer_id, o.ship_to_id, o.state) == ("ACME", "ACME-DC", "valid")  # the picks still decide
        assert actions.picked_of(o) == {"customer_id": "ACME", "ship_to_id": "ACME-DC"}
        o = actions.pick(s, order_id, "customer", "", user="csr1", revalidate=reval)  # undo: the buyer name decides
        assert o.customer_id is None and o.ship_to_id is None and o.state == "needs_review"
        assert "CUSTOMER_UNKNOWN" in {i.code for i in o.issues}
        assert actions.picked_of(o) == {}  # the ship-to picked for that customer went with it
        s.commit()
    _, _, audit = stored(services, order_id)
    assert [(a.before["field"], a.after["value"]) for a in audit if a.action == "pick"] == [
        ("customer_id", "ACME"), ("ship_to_id", "ACME-DC"), ("customer_id", None)]
