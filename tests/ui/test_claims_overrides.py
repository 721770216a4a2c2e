"""Issue 23 items 5 and 6 in a real browser.

5: opening an order claimed it for 15 minutes, so finance could not act on an order a CSR only looked at,
and a lead who signed kept the lock. Now the first edit claims, a decision releases, a lead or finance
takes over (audited), and the buttons that would answer 409 are disabled with the reason on the page.
6: a lead could release a credit hold. Now CREDIT_* is finance's; the override reason is a standard
reason plus words, and the timeline names the codes overridden.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from ui.conftest import GLOVE_ROWS, UNKNOWN_SKU, _save, pdf_order, po_pdf, release_landing, sku_issue

from orderflow.canonical import Issue
from orderflow.store import repository as repo

pytestmark = pytest.mark.servers


def new_order(ui_store, po: str, issues: list[Issue], *, resolved: dict | None = None) -> int:
    """A PDF order of its own (its buyer part is the PO's, so what one test teaches reaches no other)."""
    rows = [r if r[0] != "AC-778" else (f"AC-{po[-5:]}", *r[1:]) for r in GLOVE_ROWS]
    if not any(i.code == "SKU_UNKNOWN" for i in issues):
        rows = [r if r[1] != UNKNOWN_SKU else (r[0], "GLV-NIT-L", *r[2:]) for r in rows]
    pdf = po_pdf(po, rows)
    with ui_store.Session() as s:
        order_id = _save(s, pdf, f"{po}.pdf", pdf_order(po, rows, pdf), issues, resolved=resolved)
        s.commit()
    return order_id


def credit_hold() -> Issue:
    return Issue(code="CREDIT_HOLD", message="ACME is on credit hold.")


def stored(ui_store, order_id: int):
    """(order row, audit events) as the store has them now."""
    with ui_store.Session() as s:
        row = repo.get_order(s, order_id)
        s.expunge(row)
        return row, repo.audit_trail(s, "order", order_id)


def actions_of(ui_store, order_id: int, action: str) -> list:
    return [e for e in stored(ui_store, order_id)[1] if e.action == action]


# ----------------------------------------------------------------------------- item 5


def test_looking_claims_nothing_so_finance_releases_a_credit_hold_a_csr_looked_at(sign_in, ui_store):
    order_id = new_order(ui_store, "PO-48480", [credit_hold()])
    csr = sign_in("csr1")
    csr.set_default_timeout(5000)
    csr.goto(f"/orders/{order_id}")
    expect(csr.locator('[data-testid="order-state"]')).to_have_text("needs review")
    assert csr.locator('[data-testid="claim"]').count() == 0
    row, _ = stored(ui_store, order_id)
    assert row.claimed_by is None and actions_of(ui_store, order_id, "claim") == []

    fin = sign_in("fin1")
    fin.set_default_timeout(5000)
    fin.goto(f"/orders/{order_id}")
    assert fin.locator('[data-testid="lock-reason"]').count() == 0
    expect(fin.locator("#approve-btn")).to_be_enabled()
    # item 6: a standard reason plus words
    choices = fin.locator("#override-choice option").evaluate_all("os => os.map(o => o.value)")
    assert choices[0] == "" and {"payment_received", "other"} <= set(choices)
    fin.select_option("#override-choice", "payment_received")
    fin.fill('input[name="override_reason"]', "cheque 4471 cleared today")
    fin.click("#approve-btn")
    expect(fin.locator('[data-testid="flash"]')).to_contain_text(f"Order {order_id}: Approved and pushed")
    release_landing(fin)

    row, _ = stored(ui_store, order_id)
    assert row.state == "pushed" and row.erp_order_id
    approval = row.approvals[-1]
    assert (approval["user"], approval["role"], approval["overridden_codes"], approval["reason_code"]) == (
        "fin1", "finance", ["CREDIT_HOLD"], "payment_received")
    assert approval["reason"] == "Payment received / account cleared: cheque 4471 cleared today"
    (event,) = actions_of(ui_store, order_id, "override")
    assert (event.actor, event.after) == ("fin1", {"codes": ["CREDIT_HOLD"], "role": "finance",
                                                   "reason_key": "payment_received"})
    # the timeline lists the codes that were overridden, and why
    fin.goto(f"/orders/{order_id}")
    line = fin.locator('[data-testid="audit"] li[data-action="override"]')
    expect(line.locator(".change")).to_have_text("Overrode CREDIT_HOLD (as finance).")
    expect(line.locator(".reason")).to_have_text("“Payment received / account cleared: cheque 4471 cleared today”")


def test_the_first_edit_claims_others_see_why_buttons_are_off_and_a_lead_takes_over(sign_in, ui_url, ui_store):
    order_id = new_order(ui_store, "PO-48481", [sku_issue(1, UNKNOWN_SKU)])
    csr1 = sign_in("csr1")
    csr1.set_default_timeout(5000)
    csr1.goto(f"/orders/{order_id}")
    assert csr1.locator('[data-testid="claim"]').count() == 0
    csr1.fill('input[name="payment_terms"]', "Net 45")  # starts editing: the order is claimed at once
    expect(csr1.locator('[data-testid="claim"]')).to_have_text("Claimed by you (editing)")
    row, _ = stored(ui_store, order_id)
    assert row.claimed_by == "csr1" and [e.actor for e in actions_of(ui_store, order_id, "claim")] == ["csr1"]

    # another CSR: read-only, every decision button off, the reason on the page, no take-over
    csr2 = sign_in("csr2")
    csr2.set_default_timeout(5000)
    csr2.goto(f"/orders/{order_id}")
    reason = csr2.locator('[data-testid="lock-reason"]')
    expect(reason).to_contain_text("csr1 is editing this order until")
    expect(reason).to_contain_text("Approve, reject and send are off")
    for button in ("#approve-btn", "#reject-btn", "#send-lead-btn"):
        expect(csr2.locator(button)).to_be_disabled()
        assert csr2.locator(button).get_attribute("aria-describedby") == "lock-reason"
    assert csr2.locator("#take-over-btn").count() == 0
    csr2.locator("h1").click()
    csr2.keyboard.press("a")  # the key does not press a disabled button
    assert csr2.url == f"{ui_url}/orders/{order_id}" and csr2.locator('[data-testid="error"]').count() == 0
    token = csr2.locator('input[name="csrf_token"]').first.input_value()
    refused = csr2.request.post(f"/orders/{order_id}/take-over", form={"csrf_token": token})
    assert refused.status == 403 and "cannot take over" in refused.text()
    assert stored(ui_store, order_id)[0].claimed_by == "csr1"

    # the lead sees the same, and may take it over: audited, shown in the timeline
    lead = sign_in("lead1")
    lead.set_default_timeout(5000)
    lead.goto(f"/orders/{order_id}")
    expect(lead.locator("#approve-btn")).to_be_disabled()
    expect(lead.locator('[data-testid="lock-reason"]')).to_contain_text("or you take it over")
    lead.click("#take-over-btn")
    expect(lead.locator('[data-testid="flash"]')).to_have_text(f"You took over order {order_id} from csr1.")
    expect(lead.locator('[data-testid="claim"]')).to_contain_text("Claimed by you until")
    assert lead.locator('[data-testid="lock-reason"]').count() == 0
    expect(lead.locator("#approve-btn")).to_be_enabled()
    (event,) = actions_of(ui_store, order_id, "take_over")
    assert (event.actor, event.before["claimed_by"], event.after["claimed_by"], event.after["role"]) == (
        "lead1", "csr1", "lead1", "lead")
    expect(lead.locator('[data-testid="audit"] li[data-action="take_over"] .change')).to_contain_text(
        "Took over csr1's claim (as lead)")

    # csr1's save is refused on the page, the typed value kept, nothing stored
    with csr1.expect_response(f"**/orders/{order_id}/save") as resp:
        csr1.click("#save-btn")
    assert resp.value.status == 409
    expect(csr1.locator('[data-testid="error"]')).to_contain_text("being worked on by lead1")
    assert csr1.locator('input[name="payment_terms"]').input_value() == "Net 45"
    row, _ = stored(ui_store, order_id)
    assert row.claimed_by == "lead1" and row.canonical.get("payment_terms") != "Net 45"

    # the lead approves (a lead may override an unknown SKU): the claim goes with the decision
    lead.select_option("#override-choice", "customer_confirmed")
    lead.click("#approve-btn")
    expect(lead.locator('[data-testid="flash"]')).to_contain_text(f"Order {order_id}: Approved and pushed")
    release_landing(lead)
    row, _ = stored(ui_store, order_id)
    assert (row.state, row.claimed_by, row.approvals[-1]["reason"]) == (
        "pushed", None, "Customer confirmed the order as sent")


def test_a_signed_lead_step_releases_the_claim_so_finance_can_approve(sign_in, ui_store):
    approval = Issue(code="APPROVAL_REQUIRED", severity="warning",
                     message="Order total above 50000: lead and finance approval required.",
                     expected=["lead", "finance"])
    order_id = new_order(ui_store, "PO-48482", [approval],
                         resolved={"customer_id": "ACME", "approvals_required": ["lead", "finance"]})
    lead = sign_in("lead1")
    lead.set_default_timeout(5000)
    lead.goto(f"/orders/{order_id}")
    lead.fill('input[name="payment_terms"]', "Net 30")  # the lead starts editing, then thinks better of it
    expect(lead.locator('[data-testid="claim"]')).to_have_text("Claimed by you (editing)")
    lead.reload()
    assert stored(ui_store, order_id)[0].claimed_by == "lead1"
    lead.click("#approve-btn")
    expect(lead.locator('[data-testid="flash"]')).to_have_text("Lead approval recorded; waiting for finance approval.")
    row, _ = stored(ui_store, order_id)
    assert [a["step"] for a in row.approvals] == ["lead"] and row.claimed_by is None

    fin = sign_in("fin1")
    fin.set_default_timeout(5000)
    fin.goto(f"/orders/{order_id}")
    assert fin.locator('[data-testid="lock-reason"]').count() == 0
    fin.click("#approve-btn")
    expect(fin.locator('[data-testid="flash"]')).to_contain_text(f"Order {order_id}: Approved and pushed")
    release_landing(fin)
    row, _ = stored(ui_store, order_id)
    assert row.state == "pushed" and [a.get("step") for a in row.approvals][:2] == ["lead", "finance"]


# ----------------------------------------------------------------------------- item 6


def test_a_lead_cannot_release_a_credit_hold_and_sends_it_to_finance(sign_in, ui_store):
    order_id = new_order(ui_store, "PO-48483", [credit_hold()])
    lead = sign_in("lead1")
    lead.set_default_timeout(5000)
    lead.goto(f"/orders/{order_id}")
    # not offered: no override box, approve off with who decides
    assert lead.locator("#override-choice").count() == 0
    assert lead.locator('input[name="override_reason"]').count() == 0
    expect(lead.locator("#approve-btn")).to_be_disabled()
    expect(lead.locator('[data-testid="approve-refused"]')).to_have_text(
        "A lead cannot override CREDIT_HOLD: only finance may decide it — send the order to finance.")
    assert lead.locator("#approve-btn").get_attribute("aria-describedby") == "approve-refused"
    assert lead.locator("#send-lead-btn").count() == 0

    # and refused when asked anyway
    token = lead.locator('input[name="csrf_token"]').first.input_value()
    refused = lead.request.post(f"/orders/{order_id}/approve", form={
        "csrf_token": token, "override_choice": "payment_received", "override_reason": "they paid"})
    assert refused.status == 403 and "cannot override CREDIT_HOLD: only finance may decide it" in refused.text()
    row, _ = stored(ui_store, order_id)
    assert (row.state, row.approvals or []) == ("needs_review", [])
    assert actions_of(ui_store, order_id, "override") == []

    # the lead, having started to edit it (a claim), sends it on to finance: sending releases the claim
    lead.fill('input[name="payment_terms"]', "Net 30")
    expect(lead.locator('[data-testid="claim"]')).to_have_text("Claimed by you (editing)")
    assert stored(ui_store, order_id)[0].claimed_by == "lead1"
    lead.fill('input[name="note"]', "Buyer says the invoice was paid last week")
    lead.click("#send-finance-btn")
    expect(lead.locator('[data-testid="flash"]')).to_contain_text(f"Order {order_id} sent to finance")
    assert stored(ui_store, order_id)[0].claimed_by is None
    (sent,) = actions_of(ui_store, order_id, "escalated")
    assert (sent.actor, sent.after["to"], sent.after["role"]) == ("lead1", "finance", "lead")
    fin = sign_in("fin1")
    fin.goto("/awaiting")
    expect(fin.locator(f'#awaiting tr[data-order-id="{order_id}"]')).to_have_count(1)


def test_an_other_reason_needs_words(sign_in, ui_url, ui_store):
    order_id = new_order(ui_store, "PO-48484", [credit_hold()])
    fin = sign_in("fin1")
    fin.set_default_timeout(5000)
    fin.goto(f"/orders/{order_id}")
    fin.select_option("#override-choice", "other")
    with fin.expect_response(f"**/orders/{order_id}/approve") as resp:
        fin.click("#approve-btn")
    assert resp.value.status == 400
    expect(fin.locator('[data-testid="error"]')).to_contain_text("'Other' needs the reason in words")
    assert fin.url == f"{ui_url}/orders/{order_id}"
    assert fin.locator("#override-choice").input_value() == "other"  # the choice is kept
    assert stored(ui_store, order_id)[0].state == "needs_review"
