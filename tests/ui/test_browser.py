"""The review UI in a real browser (Debian's Chromium under Playwright) against uvicorn on 127.0.0.1."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect
from ui.conftest import release_landing

from orderflow.store import repository as repo

pytestmark = pytest.mark.servers

SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "order-screen.png"


def wait_for_images(page, timeout: float = 10.0) -> None:
    """Poll (the app's CSP forbids the eval behind wait_for_function) until every image has loaded."""
    deadline = time.monotonic() + timeout
    while not page.evaluate("[...document.images].every(i => i.complete && i.naturalWidth > 0)"):
        assert time.monotonic() < deadline, "page images did not load"
        time.sleep(0.05)


def test_csr_picks_suggested_sku_approves_and_sees_erp_number(sign_in, ui_store):
    page = sign_in("csr1", width=1366, height=768)  # the README's screenshot: a common laptop screen
    order_id = ui_store.orders["glove"]

    # Queue: counts per code, SLA badge (received 30 h ago → late), keyboard search and open.
    with ui_store.Session() as s:
        unknown = len(repo.list_queue(s, code="SKU_UNKNOWN"))
    assert unknown >= 4
    assert page.locator('.codecounts [data-code="SKU_UNKNOWN"] b').inner_text() == str(unknown)
    row = page.locator(f'tr.qrow[data-order-id="{order_id}"]')
    assert row.locator(".sla").get_attribute("class") == "sla sla-late"
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "search"
    page.keyboard.type("PO-48213")
    expect(page.locator("tr.qrow")).to_have_count(1)
    page.keyboard.press("Escape")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/orders/{order_id}")

    # The order screen: the issue beside its field, three suggested SKUs with scores.
    sku = page.locator('input[name="lines[1].sku"]')
    assert sku.input_value() == "WID-999"
    issue = page.locator('.issue[data-issue-code="SKU_UNKNOWN"]')
    assert "not in the catalog" in issue.inner_text()
    buttons = issue.locator('[data-testid="suggestion"]')
    assert [b.get_attribute("data-value") for b in buttons.all()] == ["GLV-NIT-L", "GLV-NIT-M", "GLV-LAT-L"]
    assert "91" in buttons.first.inner_text()

    # Focusing the field lights up its box on the page image.
    sku.focus()
    box = page.locator('.box[data-field="lines[1].sku"]')
    assert "active" in box.get_attribute("class")
    wait_for_images(page)
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT))

    # Pick the top suggestion → re-validated by the real validators → valid.
    buttons.first.click()
    page.wait_for_selector('[data-testid="order-state"]:has-text("valid")')
    assert page.locator('input[name="lines[1].sku"]').input_value() == "GLV-NIT-L"
    assert page.locator('.issue[data-issue-code="SKU_UNKNOWN"]').count() == 0

    # "a" approves; the file ERP adapter gives the sale number, and the next order in the queue opens.
    page.locator("h1").click()
    page.keyboard.press("a")
    flash = page.locator('[data-testid="flash"]')
    expect(flash).to_contain_text(f"Order {order_id}: Approved and pushed: ERP order FILE-")
    erp_id = re.search(r"FILE-[0-9A-F]{8}", flash.inner_text()).group(0)
    assert not page.url.endswith(f"/orders/{order_id}")
    release_landing(page)
    page.goto(f"/orders/{order_id}")
    assert page.locator('[data-testid="erp-order-id"]').inner_text() == f"ERP {erp_id}"
    assert page.locator('[data-testid="order-state"]').inner_text() == "pushed"
    pushed = [json.loads(p.read_text()) for p in ui_store.outbox.glob("*.json")]
    assert [p["lines"][1]["sku"] for p in pushed if p["erp_order_id"] == erp_id] == ["GLV-NIT-L"]

    # The audit timeline shows who changed what, before and after.
    fix = page.locator('.timeline li[data-action="fix"]')
    assert "csr1" in fix.inner_text() and "lines[1].sku: WID-999 → GLV-NIT-L" in fix.inner_text()
    assert page.locator('.timeline li[data-action="approve"]').count() == 1
    row, _, codes, audit = ui_store.order("glove")
    assert (row.state, row.erp_order_id, codes) == ("pushed", erp_id, [])
    with ui_store.Session() as s:
        learned = [(x.customer_part, x.sku, x.created_by) for x in repo.learned_cross_references(s)]
    assert ("AC-778", "GLV-NIT-L", "csr1") in learned


def test_highlight_box_is_drawn_at_the_field_coordinates(sign_in, ui_store):
    page = sign_in("lead1")
    page.goto(f"/orders/{ui_store.orders['boxes']}")
    wait_for_images(page)
    _, co, _, _ = ui_store.order("boxes")
    pg = page.locator('.page[data-page="1"]')
    width_pt = float(pg.get_attribute("data-width-pt"))
    img = pg.locator("img").bounding_box()
    scale = img["width"] / width_pt
    for field in ("po_number", "lines[1].sku", "lines[2].amount"):
        x0, top, x1, bottom = co.provenance[field].bbox
        got = page.locator(f'.box[data-field="{field}"]').bounding_box()
        assert got["x"] == pytest.approx(img["x"] + x0 * scale, abs=1.5), field
        assert got["y"] == pytest.approx(img["y"] + top * scale, abs=1.5), field
        assert got["width"] == pytest.approx((x1 - x0) * scale, abs=1.5), field
        assert got["height"] == pytest.approx((bottom - top) * scale, abs=1.5), field

    # Hovering a form field highlights its box; clicking a box focuses its field.
    page.hover('input[name="lines[1].qty"]')
    assert "active" in page.locator('.box[data-field="lines[1].qty"]').get_attribute("class")
    page.locator('.box[data-field="po_number"]').click()
    assert page.evaluate("document.activeElement.name") == "po_number"


def test_post_without_csrf_token_is_refused(sign_in, ui_store):
    page = sign_in("csr1")
    order_id = ui_store.orders["csrf"]
    page.goto(f"/orders/{order_id}")
    token = page.locator('#order-form input[name="csrf_token"]').input_value()
    no_token = page.request.post(f"/orders/{order_id}/reject", form={"reason": "forged"})
    assert no_token.status == 403 and "security token" in no_token.text()
    wrong = page.request.post(f"/orders/{order_id}/reject", form={"reason": "forged", "csrf_token": token[::-1]})
    assert wrong.status == 403
    assert ui_store.order("csrf")[0].state == "needs_review"


def test_csr_is_refused_finance_approval_and_finance_approves(sign_in, ui_store):
    order_id = ui_store.orders["finance"]
    csr = sign_in("csr1")
    csr.goto(f"/orders/{order_id}")
    assert "finance" in csr.locator('[data-testid="approval-steps"]').inner_text()
    with csr.expect_response(f"**/orders/{order_id}/approve") as resp:
        csr.click("#approve-btn")
    assert resp.value.status == 403
    assert "needs finance approval" in csr.locator('[data-testid="error"]').inner_text()
    assert ui_store.order("finance")[0].state == "needs_review"

    csr.goto(f"/orders/{order_id}")
    csr.click("#send-approval-btn")
    csr.wait_for_url("**/")
    assert "Sent for finance approval" in csr.locator('[data-testid="flash"]').inner_text()

    fin = sign_in("fin1")
    fin.goto(f"/orders/{order_id}")
    fin.click("#approve-btn")
    expect(fin.locator('[data-testid="flash"]')).to_contain_text(f"Order {order_id}: Approved and pushed")
    release_landing(fin)
    row, _, _, audit = ui_store.order("finance")
    fin.goto(f"/orders/{order_id}")
    assert row.state == "pushed" and fin.locator('[data-testid="erp-order-id"]').inner_text() == f"ERP {row.erp_order_id}"
    steps = [(a["step"], a["user"]) for a in row.approvals if "step" in a]
    assert steps == [("finance", "fin1")]
    assert [e.actor for e in audit if e.action == "sent_for_approval"] == ["csr1"]


def test_second_csr_sees_the_claim_lock(sign_in, ui_store):
    order_id = ui_store.orders["claim"]
    first = sign_in("csr1")
    first.goto(f"/orders/{order_id}")
    assert first.locator('[data-testid="claim"]').count() == 0  # looking claims nothing (issue 23 item 5)
    first.fill('input[name="payment_terms"]', "Net 30")  # the first keystroke does
    expect(first.locator('[data-testid="claim"]')).to_have_text("Claimed by you (editing)")
    first.reload()
    assert "Claimed by you" in first.locator('[data-testid="claim"]').inner_text()

    second = sign_in("csr2")
    assert "csr1" in second.locator(f'tr.qrow[data-order-id="{order_id}"] .lock').inner_text()
    second.goto(f"/orders/{order_id}")
    assert "Locked: csr1 is working on this" in second.locator('[data-testid="claim"]').inner_text()
    assert second.locator('input[name="lines[1].sku"]').is_disabled()
    assert second.locator('[data-testid="suggestion"]').count() == 0  # shown read-only, not as buttons
    assert second.locator(".sugg.off").count() == 3
    assert second.locator("#save-btn").count() == 0
    token = second.locator('#order-form input[name="csrf_token"]').input_value()
    refused = second.request.post(f"/orders/{order_id}/fix",
                                  form={"path": "lines[1].sku", "value": "GLV-NIT-M", "csrf_token": token})
    assert refused.status == 409 and "csr1" in refused.text()
    row = ui_store.order("claim")[0]
    assert (row.claimed_by, repo.order_canonical(row).lines[1].sku) == ("csr1", "WID-999")


def test_edi_field_marks_the_segment_it_came_from(sign_in, ui_store):
    """The X12 reader's per-segment provenance (a ``lines`` column entry, no raw text) drives the
    segment highlight: hovering a line field lights its PO1, a header field its BEG."""
    page = sign_in("lead1")
    page.goto(f"/orders/{ui_store.orders['edi']}")
    beg, po1 = page.locator('li.seg[data-seg="3"]'), page.locator('li.seg[data-seg="4"]')
    expect(po1.locator("code")).to_have_text("PO1*1*10*BX*12.50**BP*AC-790*VN*WID-998")
    active = re.compile(r"\bactive\b")
    idle = po1.evaluate("el => getComputedStyle(el).backgroundColor")

    page.hover('input[name="lines[0].qty"]')
    expect(po1).to_have_class(active)
    expect(beg).not_to_have_class(active)
    assert po1.evaluate("el => getComputedStyle(el).backgroundColor") != idle  # drawn, not only a class

    page.hover('input[name="lines[0].unit_price"]')
    expect(po1).to_have_class(active)
    page.hover('input[name="po_number"]')
    expect(beg).to_have_class(active)
    expect(po1).not_to_have_class(active)

    # clicking the segment focuses a field read from it
    po1.click()
    assert page.evaluate("document.activeElement.name").startswith("lines[0].")
