"""Issue 23 item 10, end to end on the product's own wiring (``orderflow ui``: the pipeline's validation
with learned cross-references, the learner, the one push path): ten orders of one customer arrive with
the same unknown part; the CSR maps it to a SKU on one order, and the other nine clear at once; one bulk
approve pushes all ten."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import expect
from ui.conftest import PASSWORD

from orderflow.canonical import Envelope
from orderflow.flows.cli import _revalidator
from orderflow.flows.learning_wiring import make_learner
from orderflow.flows.pipeline import ingest_and_process, push_in_session
from orderflow.flows.services import build_services
from orderflow.flows.settings import load_settings
from orderflow.review.app import create_review_app
from orderflow.review.auth import add_user
from orderflow.store import repository as repo

pytestmark = pytest.mark.servers

PART, SKU = "AC-40410", "FAS-1002"  # the buyer's part nobody mapped yet; the catalog's hex bolt M10x50
CSV = """po_number,po_date,line_no,customer_part,sku,description,qty,uom,unit_price,ship_to
{po},2026-11-20,1,AC-77813,,Hex nut M8 zinc plated,2000,EA,0.06,ACME Manufacturing Plant 1
{po},2026-11-20,2,{part},,Hex bolt M10 x 50mm zinc plated class 8.8,400,EA,0.32,ACME Manufacturing Plant 1
{po},2026-11-20,3,AC-77814,,Flat washer M8 zinc,1000,EA,0.03,ACME Manufacturing Plant 1
"""


def envelope(po: str) -> Envelope:
    return Envelope(data=CSV.format(po=po, part=PART).encode(), filename=f"acme-po-{po}.csv", channel="imap",
                    sender="purchasing@acme-mfg.example")


@pytest.fixture
def product_app(tmp_path: Path):
    """The review app exactly as ``orderflow ui`` builds it, on a fresh home (file ERP)."""
    from fixtures.browser import serve_app

    settings = load_settings(home=tmp_path / "var")
    services = build_services(settings)
    with services.session_factory() as s:
        add_user(s, "csr1", PASSWORD, "csr")
        s.commit()
    ids = [ingest_and_process(services, envelope(f"66{n:02d}")).orders[0].id for n in range(10)]
    app = create_review_app(services.session_factory, revalidate=_revalidator(services),
                            push=lambda s, row: push_in_session(services, s, row),
                            secret_key="bulk-xref-" + "y" * 32, secure_cookies=False,
                            learner=make_learner(hints_for=services.hints_for))
    with serve_app(app) as url:
        yield url, services, ids, settings.outbox


def test_one_learned_cross_reference_clears_the_customers_waiting_orders_then_one_bulk_approve(
        chromium, product_app):
    url, services, ids, outbox = product_app
    with services.session_factory() as s:
        for i in ids:
            row = repo.get_order(s, i)
            assert row.state == "needs_review" and row.customer_id
            assert [x.code for x in row.issues if x.severity == "error"] == ["SKU_UNKNOWN"], [x.code for x in row.issues]
    context = chromium.new_context(base_url=url, viewport={"width": 1366, "height": 768})
    try:
        page = context.new_page()
        page.set_default_timeout(8000)
        page.goto("/login")
        page.fill("input[name=username]", "csr1")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{url}/")
        expect(page.locator("tr.qrow")).to_have_count(10)

        first = ids[0]
        page.goto(f"/orders/{first}")
        page.fill('input[name="lines[1].sku"]', SKU)
        page.click("#save-btn")
        flash = page.locator('[data-testid="flash"]')
        expect(flash).to_contain_text("order is now valid")
        expect(flash).to_contain_text("9 other waiting order(s) re-checked")

        page.goto("/")
        expect(page.locator("tr.qrow")).to_have_count(0)  # nothing of the ten is left in review
        with services.session_factory() as s:
            for i in ids[1:]:
                row = repo.get_order(s, i)
                assert row.state == "valid" and not [x for x in row.issues if x.severity == "error"]
                line = row.resolved["lines"][1]
                assert (line["sku"], line["resolved_by"]) == (SKU, "learned")
                assert any(a.action == "revalidate" and a.actor == "csr1" for a in repo.audit_trail(s, "order", i))

        page.goto("/?state=valid")
        expect(page.locator("tr.qrow")).to_have_count(10)
        page.locator("#bulk-all").click()
        expect(page.locator('[data-testid="bulk-count"]')).to_have_text("10 selected")
        page.click("#bulk-approve")
        expect(page.locator('[data-testid="bulk-summary"]')).to_have_text("Approve: 10 of 10 order(s) done.")
        expect(page.locator("tr.qrow")).to_have_count(0)
    finally:
        context.close()

    with services.session_factory() as s:
        rows = [repo.get_order(s, i) for i in ids]
        assert {r.state for r in rows} == {"pushed"} and len({r.erp_order_id for r in rows}) == 10
        for r in rows:
            assert [a.actor for a in repo.audit_trail(s, "order", r.id) if a.action == "approve"] == ["csr1"]
    files = [json.loads(p.read_text()) for p in outbox.glob("*.json")]
    assert len(files) == 10  # what the ERP got: the learned SKU on every order's line 2
    assert all(json.dumps(f).count(SKU) >= 1 for f in files)
