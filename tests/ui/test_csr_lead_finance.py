"""Issue 23 "Done when": one order, CSR → lead → finance, end to end in Chromium, pushed into a real Tryton.

A portal order from UMBRELLA (on credit hold in samples/reference) with one line above the contract price
arrives through the pipeline with PRICE_MISMATCH and CREDIT_HOLD (finance's, ``review.overrides``), and its
total needs the lead's then finance's approval (``approval_thresholds`` set low here). The CSR sends it to
the lead with a note; the lead finds it under "Awaiting my approval" and signs the lead step (Approve: it
releases no credit hold, so the order now waits for finance); finance overrides both codes with a standard
reason and gives the final approval; the review app (built by ``orderflow ui``'s own ``review_app`` on an
``erp = tryton`` configuration) pushes it into a copy of the samples' Tryton database and shows the sale
number. Tryton then holds exactly one sale for the order's key; the audit trail tells the whole story.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import expect
from proteus import Model

from orderflow.canonical import Envelope
from orderflow.erp_push.tryton_config import key_from_comment
from orderflow.erp_push.tryton_conn import connect
from orderflow.flows.settings import SAMPLES_DIR, load_settings
from orderflow.review.auth import add_user
from orderflow.store import repository as repo

pytestmark = pytest.mark.servers

PASSWORD = "correct horse 42"
PO = "UL-4410"


@pytest.fixture(scope="session")
def ui_samples_tryton(tmp_path_factory):
    """The samples/ catalogue in Tryton (the template tests/erp_more builds; once per test run)."""
    from fixtures.tryton import build_template

    from orderflow.erp_push.reference_csv import load_reference_csv

    return build_template(tmp_path_factory, load_reference_csv(SAMPLES_DIR / "reference"))


@pytest.fixture
def ui_tryton_app(ui_samples_tryton, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """``orderflow ui`` on erp = tryton (a fresh copy of that database), its store, users; yields (url, services, cfg)."""
    from fixtures.browser import serve_app

    from orderflow.flows.cli import _services, review_app

    cfg = ui_samples_tryton.copy()
    for k, v in {"ORDERFLOW_HOME": str(tmp_path / "var"), "ORDERFLOW_ERP": "tryton",
                 "ORDERFLOW_TRYTON__DATABASE": cfg.database, "ORDERFLOW_TRYTON__CONFIG_FILE": str(cfg.config_file),
                 "ORDERFLOW_TRYTON__DATA_DIR": str(ui_samples_tryton.db_dir),
                 "ORDERFLOW_VALIDATION__APPROVAL_THRESHOLDS": '[["10", "lead"], ["20", "finance"]]'}.items():
        monkeypatch.setenv(k, v)
    settings = load_settings()
    services = _services(settings)
    with services.session_factory() as s:
        for name, role in {"csr1": "csr", "lead1": "lead", "fin1": "finance"}.items():
            add_user(s, name, PASSWORD, role)
        s.commit()
    with serve_app(review_app(settings, secure_cookies=False)) as url:
        yield url, services, cfg
    ui_samples_tryton.drop(cfg)


def portal_order(services) -> int:
    """UMBRELLA's sample order with line 2 at 8.10 instead of the contract 7.40, through the real pipeline."""
    from orderflow.flows.pipeline import ingest_and_process

    doc = json.loads((SAMPLES_DIR / "inbox" / "umbrella-po-UL-3310.json").read_text())
    doc["po_number"], doc["lines"][1]["unit_price"] = PO, "8.10"
    out = ingest_and_process(services, Envelope(data=json.dumps(doc).encode(), filename=f"{PO}.json",
                                                channel="portal", sender="procurement@umbrella.example"))
    (order,) = out.orders
    assert order.state == "needs_review" and set(order.issues) == {"PRICE_MISMATCH", "CREDIT_HOLD",
                                                                    "APPROVAL_REQUIRED"}, order
    return order.id


def sign_in(chromium, url: str, username: str):
    context = chromium.new_context(viewport={"width": 1366, "height": 768}, base_url=url)
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto("/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{url}/")
    return page


def awaiting_ids(page) -> list[int]:
    page.goto("/awaiting")
    return [int(x) for x in page.locator("#awaiting tr.qrow").evaluate_all("rs => rs.map(r => r.dataset.orderId)")]


def test_csr_lead_finance_push_into_tryton(chromium, ui_tryton_app):
    url, services, cfg = ui_tryton_app
    order_id = portal_order(services)

    # the CSR: may decide neither the price nor the credit hold, sends the order to the lead with a note
    csr = sign_in(chromium, url, "csr1")
    csr.goto(f"/orders/{order_id}")
    assert csr.locator('input[name="override_reason"]').count() == 0
    csr_note = "Buyer says 8.10 was agreed on the phone for this PO"
    csr.fill('input[name="note"]', csr_note)
    csr.click("#send-lead-btn")
    csr.wait_for_url(f"{url}/")
    expect(csr.locator(f'tr[data-order-id="{order_id}"] [data-testid="waiting-for"]')).to_have_text(
        "waiting for lead")

    # the lead: under "Awaiting my approval"; the price is the lead's, the credit hold is not
    lead = sign_in(chromium, url, "lead1")
    assert order_id in awaiting_ids(lead)
    lead.click(f'#awaiting tr[data-order-id="{order_id}"] a')
    lead.wait_for_url(f"**/orders/{order_id}")
    expect(lead.locator('[data-testid="audit"]')).to_contain_text(csr_note)
    assert lead.locator('input[name="override_reason"]').count() == 0  # the credit hold is not the lead's
    expect(lead.locator("#approve-btn")).to_be_enabled()
    expect(lead.locator("#approve-btn")).to_contain_text("Approve for lead")
    lead.click("#approve-btn")
    expect(lead.locator('[data-testid="flash"]')).to_contain_text(
        "Lead approval recorded; waiting for finance approval")
    assert order_id not in awaiting_ids(lead)

    # finance: overrides both with a standard reason; the app pushes into Tryton and shows the sale
    fin = sign_in(chromium, url, "fin1")
    assert order_id in awaiting_ids(fin)
    fin.goto(f"/orders/{order_id}")
    expect(fin.locator('[data-testid="audit"]')).to_contain_text(csr_note)
    fin.select_option("#override-choice", "payment_received")
    fin.fill('input[name="override_reason"]', "invoice 4471 paid today")
    fin.click("#approve-btn")
    flash = fin.locator('[data-testid="flash"]')
    expect(flash).to_contain_text(f"Order {order_id}: Approved and pushed", timeout=90000)
    flashed = flash.inner_text()

    with services.session_factory() as s:
        row = repo.get_order(s, order_id)
        assert row.state == "pushed" and row.erp_order_id
        number, key = row.erp_order_id, row.idem_key
        trail = repo.audit_trail(s, "order", order_id)
    assert number in flashed
    fin.goto(f"/orders/{order_id}")
    expect(fin.locator('[data-testid="erp-order-id"]')).to_have_text(f"ERP {number}")
    expect(fin.locator('[data-testid="order-state"]')).to_have_text("pushed")

    # Tryton: exactly one sale for the PO's key, with that number
    Sale = Model.get("sale.sale", config=connect(cfg))
    sales = [sl for sl in Sale.find([("reference", "=", PO)]) if key_from_comment(sl.comment) == key]
    assert [sl.number for sl in sales] == [number]
    # the price finance let through (the PO's 8.10, not the contract's 7.40) is the sale's
    assert sorted(Decimal(ln.unit_price) for ln in sales[0].lines) == [Decimal("8.10"), Decimal("24.50")]

    # the audit trail: the escalation with its note, the lead's step, finance's override with its codes, the push
    by_action = {}
    for ev in trail:
        by_action.setdefault(ev.action, []).append(ev)
    assert [(e.actor, e.after["to"], e.after["note"]) for e in by_action["escalated"]] == [("csr1", "lead", csr_note)]
    assert [(e.actor, e.after) for e in by_action["approval_step"]] == [
        ("lead1", {"step": "lead", "role": "lead"}), ("fin1", {"step": "finance", "role": "finance"})]
    (override,) = by_action["override"]
    assert override.actor == "fin1" and override.after["codes"] == ["CREDIT_HOLD", "PRICE_MISMATCH"]
    assert override.after["reason_key"] == "payment_received" and "invoice 4471" in override.reason
    (approved,) = [e for e in trail if (e.after or {}).get("state") == "approved"]
    (pushed,) = [e for e in trail if (e.after or {}).get("state") == "pushed"]
    assert approved.actor == "fin1" and pushed.reason == f"ERP order {number}" and pushed.id > approved.id
