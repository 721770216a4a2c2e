"""Issue 23 item 10 in a real browser: rows picked in the queue (checkbox, shift-click range, ``x``) are
approved / rejected with one reason / sent to a role / assigned at once, each order through its own
button's code with its own audit entries; the orders an action cannot apply to are listed with the reason."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from ui.conftest import GLOVE_ROWS, _save, pdf_order, po_pdf, sku_issue

from orderflow.canonical import Issue
from orderflow.review import actions
from orderflow.store import repository as repo

pytestmark = pytest.mark.servers

CLEAN_ROWS = [r if r[0] != "AC-778" else (r[0], "GLV-NIT-L", *r[2:]) for r in GLOVE_ROWS]


def make_order(ui_store, po: str, issues: list[Issue], *, steps: list[str] | None = None, hours: float = 1.0,
               clean: bool = True) -> int:
    """A PDF order of ACME. ``clean``: every line's SKU known; else line 2 has an unknown SKU under a buyer
    part of its own (a cross-reference learned elsewhere never reaches it)."""
    rows = CLEAN_ROWS if clean else [r if r[0] != "AC-778" else (f"AC-{po[-5:]}", *r[1:]) for r in GLOVE_ROWS]
    pdf = po_pdf(po, rows)
    with ui_store.Session() as s:
        order_id = _save(s, pdf, f"{po}.pdf", pdf_order(po, rows, pdf), issues, received_hours_ago=hours,
                         resolved={"customer_id": "ACME", "approvals_required": steps or []})
        s.commit()
    return order_id


def steps_issue(steps: list[str]) -> Issue:
    return Issue(code="APPROVAL_REQUIRED", severity="warning", field=None, expected=steps, actual="375.00",
                 message=f"Order needs {' and '.join(steps)} approval.")


def audit(ui_store, order_id: int, action: str) -> list:
    with ui_store.Session() as s:
        return [e for e in repo.audit_trail(s, "order", order_id) if e.action == action]


def row_of(ui_store, order_id: int):
    with ui_store.Session() as s:
        return repo.get_order(s, order_id)


def outcome(page, order_id: int):
    return page.locator(f'[data-testid="bulk-result"] li[data-order-id="{order_id}"]')


def test_ten_orders_approved_in_one_action(sign_in, ui_url, ui_store):
    """The "Done when" line: a bulk approve of 10 orders → 10 pushed orders, 10 audit entries, 10 ERP files."""
    ids = [make_order(ui_store, f"PO-4849{k:02d}", [], hours=40 - k) for k in range(10)]
    assert {row_of(ui_store, i).state for i in ids} == {"valid"}
    page = sign_in("csr1")
    page.set_default_timeout(5000)
    page.goto("/?state=valid&q=PO-4849")
    rows = page.locator("tr.qrow")
    expect(rows).to_have_count(10)
    assert [r.get_attribute("data-order-id") for r in rows.all()] == [str(i) for i in ids]
    boxes = page.locator('tr.qrow input[name="ids"]')
    count = page.locator('[data-testid="bulk-count"]')
    expect(count).to_have_text("0 selected")
    expect(page.locator("#bulk-approve")).to_be_disabled()

    boxes.nth(0).click()
    boxes.nth(9).click(modifiers=["Shift"])  # the range from the last box clicked
    expect(count).to_have_text("10 selected")
    assert all(b.is_checked() for b in boxes.all())
    rows.nth(3).locator("td.total").click()  # focus row 4 (a click on the row does not tick it)
    page.keyboard.press("x")
    expect(count).to_have_text("9 selected")
    assert not boxes.nth(3).is_checked() and "picked" not in rows.nth(3).get_attribute("class")
    page.keyboard.press("j")  # keys still walk the rows after a tick
    page.keyboard.press("k")
    page.keyboard.press("x")
    expect(count).to_have_text("10 selected")

    with page.expect_response("**/queue/bulk") as resp:
        page.click("#bulk-approve")
    assert resp.value.status == 200
    expect(page.locator('[data-testid="bulk-summary"]')).to_have_text("Approve: 10 of 10 order(s) done.")
    for i in ids:
        expect(outcome(page, i)).to_contain_text("Approved and pushed: ERP order FILE-")
    expect(rows).to_have_count(0)  # none left in "valid"
    assert re.search(r"/\?q=PO-4849&state=valid$", page.url), page.url  # a refresh shows the queue again

    erp_ids = set()
    for i in ids:
        row = row_of(ui_store, i)
        assert row.state == "pushed" and row.erp_order_id and row.claimed_by is None
        erp_ids.add(row.erp_order_id)
        (approved,) = audit(ui_store, i, "approve")  # each order its own audit entry
        assert approved.actor == "csr1" and approved.after == {"state": "approved"}
        assert len(audit(ui_store, i, "pushed")) == 1
    assert len(erp_ids) == 10
    pushed = {p.name for p in ui_store.outbox.glob("*.json") if "PO-4849" in p.read_text()}
    assert len(pushed) == 10


def test_a_mixed_selection_reports_each_refused_order_with_its_reason(sign_in, ui_url, ui_store):
    """Blocked, a step the role cannot sign, claimed by someone else, changed since the queue was shown:
    each is listed with its reason and stays selected; the others are done; nothing fails the whole batch."""
    blocked = make_order(ui_store, "PO-484800", [sku_issue(1, "WID-999")], clean=False, hours=30)
    finance = make_order(ui_store, "PO-484801", [steps_issue(["finance"])], steps=["finance"], hours=29)
    claimed = make_order(ui_store, "PO-484802", [steps_issue(["lead"])], steps=["lead"], hours=28)
    lead_only = make_order(ui_store, "PO-484803", [steps_issue(["lead"])], steps=["lead"], hours=27)
    two_steps = make_order(ui_store, "PO-484804", [steps_issue(["lead", "finance"])], steps=["lead", "finance"],
                           hours=26)
    changed = make_order(ui_store, "PO-484805", [steps_issue(["lead"])], steps=["lead"], hours=25)
    ids = [blocked, finance, claimed, lead_only, two_steps, changed]
    with ui_store.Session() as s:
        actions.claim(s, claimed, "csr1")
        s.commit()

    page = sign_in("lead1")
    page.set_default_timeout(5000)
    page.goto("/?q=PO-48480")
    rows = page.locator("tr.qrow")
    expect(rows).to_have_count(6)
    assert [r.get_attribute("data-order-id") for r in rows.all()] == [str(i) for i in ids]
    page.locator("#bulk-all").click()
    expect(page.locator('[data-testid="bulk-count"]')).to_have_text("6 selected")
    with ui_store.Session() as s:  # someone edits one order while the lead looks at the queue
        row = repo.get_order(s, changed)
        row.canonical = {**row.canonical, "payment_terms": "Net 90"}
        s.commit()

    page.fill('input[name="reason"]', "typed for a reject")  # a bulk approve never takes it as an override
    page.click("#bulk-approve")
    expect(page.locator('[data-testid="bulk-summary"]')).to_have_text(
        "Approve: 2 of 6 order(s) done, 4 refused (listed first, still selected).")
    expect(outcome(page, blocked)).to_contain_text("still has blocking issues (SKU_UNKNOWN)")
    expect(outcome(page, finance)).to_contain_text("needs finance approval")
    expect(outcome(page, finance)).to_contain_text("A lead cannot give it")
    expect(outcome(page, claimed)).to_contain_text("being worked on by csr1")
    expect(outcome(page, changed)).to_contain_text("was changed after the queue was shown")
    expect(outcome(page, lead_only)).to_contain_text("Approved and pushed: ERP order FILE-")
    expect(outcome(page, two_steps)).to_contain_text("lead approval recorded; waiting for finance approval")
    for refused in (blocked, finance, claimed, changed):
        assert outcome(page, refused).get_attribute("data-kind") == "refused"
    # the refused ones stay selected, ready for the next action; the done ones left the list or are unticked
    expect(page.locator('[data-testid="bulk-count"]')).to_have_text("4 selected")
    checked = [int(v.split(":")[0]) for v in page.locator('tr.qrow input[name="ids"]:checked').evaluate_all(
        "bs => bs.map(b => b.value)")]
    assert sorted(checked) == sorted([blocked, finance, claimed, changed])

    assert row_of(ui_store, lead_only).state == "pushed"
    assert [e.after["step"] for e in audit(ui_store, lead_only, "approval_step")] == ["lead"]
    two = row_of(ui_store, two_steps)
    assert two.state == "needs_review" and [a["step"] for a in two.approvals] == ["lead"]
    for refused in (blocked, finance, claimed, changed):
        row = row_of(ui_store, refused)
        assert row.state == "needs_review" and not row.approvals and not row.erp_order_id
        assert audit(ui_store, refused, "approve") == [] and audit(ui_store, refused, "approval_step") == []
    assert row_of(ui_store, claimed).claimed_by == "csr1"  # the other user's claim is untouched


def test_reject_with_one_reason_send_to_a_role_and_assign(sign_in, ui_url, ui_store):
    price = Issue(code="PRICE_MISMATCH", field="lines[1].unit_price", message="Price 12.50 is not the contract's.")
    credit = Issue(code="CREDIT_HOLD", field=None, message="ACME is on credit hold.")
    r1, r2 = (make_order(ui_store, f"PO-48479{n}", [sku_issue(1, "WID-999")], clean=False, hours=20 - n)
              for n in range(2))
    s1, s2 = (make_order(ui_store, f"PO-48478{n}", [price], hours=20 - n) for n in range(2))
    s3 = make_order(ui_store, "PO-484782", [credit], hours=17)
    page = sign_in("csr2")
    page.set_default_timeout(5000)
    count = page.locator('[data-testid="bulk-count"]')

    # reject: no reason → nothing done, said once, the selection kept
    page.goto("/?q=PO-48479")
    expect(page.locator("tr.qrow")).to_have_count(2)
    page.locator("#bulk-all").click()
    with page.expect_response("**/queue/bulk") as resp:
        page.click("#bulk-reject")
    assert resp.value.status == 400
    expect(page.locator('[data-testid="bulk-error"]')).to_have_text(
        "Nothing done: a reason is required to reject an order.")
    expect(count).to_have_text("2 selected")
    assert {row_of(ui_store, r).state for r in (r1, r2)} == {"needs_review"}
    page.fill('input[name="reason"]', "buyer cancelled the whole batch by phone")
    page.click("#bulk-reject")
    expect(page.locator('[data-testid="bulk-summary"]')).to_have_text("Reject: 2 of 2 order(s) done.")
    for r in (r1, r2):
        assert row_of(ui_store, r).state == "rejected"
        (event,) = audit(ui_store, r, "reject")
        assert (event.actor, event.reason) == ("csr2", "buyer cancelled the whole batch by phone")

    # send to the lead with a note: the credit hold is finance's, so that one is refused
    page.goto("/?q=PO-48478")
    expect(page.locator("tr.qrow")).to_have_count(3)
    page.locator("#bulk-all").click()
    page.fill('input[name="reason"]', "Buyer says the 2025 prices still apply")
    page.select_option('select[name="to"]', "lead")
    page.click("#bulk-send")
    expect(page.locator('[data-testid="bulk-summary"]')).to_have_text(
        "Send: 2 of 3 order(s) done, 1 refused (listed first, still selected).")
    expect(outcome(page, s3)).to_contain_text("cannot be sent to 'lead': send it to finance")
    for s in (s1, s2):
        expect(page.locator(f'tr[data-order-id="{s}"] [data-testid="waiting-for"]')).to_have_text("waiting for lead")
        (event,) = audit(ui_store, s, "escalated")
        assert event.after == {"to": "lead", "role": "csr", "note": "Buyer says the 2025 prices still apply"}
    assert audit(ui_store, s3, "escalated") == []

    # the refused one is still selected: assign it to a colleague
    expect(count).to_have_text("1 selected")
    page.select_option('select[name="assignee"]', "csr1")
    page.click("#bulk-assign")
    expect(page.locator('[data-testid="bulk-summary"]')).to_have_text("Assign: 1 of 1 order(s) done.")
    expect(page.locator(f'tr[data-order-id="{s3}"] [data-testid="assigned-to"]')).to_have_text("assigned to csr1")
    (event,) = audit(ui_store, s3, "assigned")
    assert (event.actor, event.after) == ("csr2", {"to": "csr1"})
    assert row_of(ui_store, s3).claimed_by is None  # an assignment is not a lock
