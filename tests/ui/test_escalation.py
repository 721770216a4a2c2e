"""Issue 23 items 3 and 4 in a real browser: a CSR sends an order they may not decide to the lead or
finance with a note; the lead sees it under "Awaiting my approval" (count in the header) and approves with
an override reason; the CSR's "Sent by me" shows its state."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from ui.conftest import GLOVE_ROWS, _save, pdf_order, po_pdf, release_landing

from orderflow.canonical import Issue
from orderflow.store import repository as repo

pytestmark = pytest.mark.servers


def blocked_order(ui_store, po: str, code: str) -> int:
    """A PDF order in review whose only blocking issue is one a CSR cannot clear by editing."""
    rows = [r if r[0] != "AC-778" else (f"AC-{po[-5:]}", "GLV-NIT-L", *r[2:]) for r in GLOVE_ROWS]
    pdf = po_pdf(po, rows)
    issue = Issue(code=code, field="lines[1].unit_price" if code == "PRICE_MISMATCH" else None,
                  message=f"{code}: a decision for someone with authority.")
    with ui_store.Session() as s:
        order_id = _save(s, pdf, f"{po}.pdf", pdf_order(po, rows, pdf), [issue])
        s.commit()
    return order_id


def escalations(ui_store, order_id: int) -> list:
    with ui_store.Session() as s:
        return [e for e in repo.audit_trail(s, "order", order_id) if e.action == "escalated"]


def awaiting_ids(page) -> list[int]:
    expect(page.locator('[data-testid="nav-awaiting"]')).to_have_attribute("href", "/awaiting")
    page.goto("/awaiting")
    return [int(x) for x in page.locator("#awaiting tr.qrow").evaluate_all("rs => rs.map(r => r.dataset.orderId)")]


def test_csr_sends_a_price_mismatch_to_the_lead_who_approves_it(sign_in, ui_url, ui_store):
    order_id = blocked_order(ui_store, "PO-48460", "PRICE_MISMATCH")
    csr = sign_in("csr1")
    csr.set_default_timeout(5000)
    csr.goto(f"/orders/{order_id}")
    # no override box that could only answer 403; the lead is who decides a price
    assert csr.locator('input[name="override_reason"]').count() == 0
    expect(csr.locator("#send-lead-btn")).to_be_visible()
    assert csr.locator("#send-finance-btn").count() == 0

    # the approve policy is unchanged: a CSR's override is refused
    token = csr.locator('input[name="csrf_token"]').first.input_value()
    refused = csr.request.post(f"{ui_url}/orders/{order_id}/approve",
                               form={"csrf_token": token, "override_reason": "buyer said so"})
    assert refused.status == 403 and "cannot override" in refused.text()

    # sending needs a note: refused inline, on the order's page
    with csr.expect_response(f"**/orders/{order_id}/escalate") as resp:
        csr.click("#send-lead-btn")
    assert resp.value.status == 400
    expect(csr.locator('[data-testid="error"]')).to_contain_text("write a note")
    assert csr.url == f"{ui_url}/orders/{order_id}" and escalations(ui_store, order_id) == []

    note = "Buyer quotes the 2025 price 12.50; please decide"
    csr.fill('input[name="note"]', note)
    csr.click("#send-lead-btn")
    csr.wait_for_url(f"{ui_url}/")
    expect(csr.locator('[data-testid="flash"]')).to_contain_text(f"Order {order_id} sent to lead")
    row = csr.locator(f'tr[data-order-id="{order_id}"]')
    expect(row.locator('[data-testid="waiting-for"]')).to_have_text("waiting for lead")
    (event,) = escalations(ui_store, order_id)
    assert (event.actor, event.after) == ("csr1", {"to": "lead", "role": "csr", "note": note})
    with ui_store.Session() as s:
        assert repo.get_order(s, order_id).claimed_by is None  # the CSR's claim is released

    # the CSR's "Sent by me" lists it with its state
    assert order_id in awaiting_ids(csr)
    expect(csr.locator('[data-testid="nav-awaiting"]')).to_have_text("Sent by me")
    sent_row = csr.locator(f'#awaiting tr[data-order-id="{order_id}"]')
    expect(sent_row.locator(".waiting-cell")).to_have_text("lead")
    expect(sent_row).to_contain_text("needs review")

    # the lead: "Awaiting my approval" with its count in the header
    lead = sign_in("lead1")
    lead.set_default_timeout(5000)
    count = int(lead.locator('[data-testid="awaiting-count"]').inner_text())
    ids = awaiting_ids(lead)
    assert order_id in ids and count == len(ids) >= 1
    expect(lead.locator(f'#awaiting tr[data-order-id="{order_id}"] .note')).to_have_text(note)
    lead.click(f'#awaiting tr[data-order-id="{order_id}"] a')
    lead.wait_for_url(f"**/orders/{order_id}")
    expect(lead.locator('[data-testid="waiting-for"]')).to_contain_text("Waiting for lead")
    expect(lead.locator('[data-testid="audit"]')).to_contain_text(f"Sent to lead (by a csr): {note}")
    assert lead.locator("#send-lead-btn").count() == 0  # the lead decides, it does not send on
    lead.fill('input[name="override_reason"]', "agreed price honoured for this PO")
    lead.click("#approve-btn")
    expect(lead.locator('[data-testid="flash"]')).to_contain_text(f"Order {order_id}: Approved and pushed")
    release_landing(lead)
    with ui_store.Session() as s:
        order = repo.get_order(s, order_id)
        assert order.state == "pushed" and order.erp_order_id
    assert order_id not in awaiting_ids(lead)
    assert int(lead.locator('[data-testid="awaiting-count"]').inner_text()) == count - 1

    # and the CSR sees what became of it
    awaiting_ids(csr)
    sent_row = csr.locator(f'#awaiting tr[data-order-id="{order_id}"]')
    expect(sent_row).to_contain_text("pushed")
    expect(sent_row.locator(".waiting-cell")).to_have_text("—")


def test_a_credit_hold_goes_to_finance_not_the_lead(sign_in, ui_url, ui_store):
    order_id = blocked_order(ui_store, "PO-48461", "CREDIT_HOLD")
    csr = sign_in("csr2")
    csr.set_default_timeout(5000)
    csr.goto(f"/orders/{order_id}")
    assert csr.locator("#send-lead-btn").count() == 0
    csr.fill('input[name="note"]', "Customer on credit hold; they say the invoice was paid")
    csr.click("#send-finance-btn")
    csr.wait_for_url(f"{ui_url}/")
    expect(csr.locator(f'tr[data-order-id="{order_id}"] [data-testid="waiting-for"]')).to_have_text(
        "waiting for finance")
    assert order_id in awaiting_ids(sign_in("fin1"))
    assert order_id not in awaiting_ids(sign_in("lead1"))
