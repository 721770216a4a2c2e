"""Issue 23, "The CSR's day", in a real browser: errors stay on the order page with what was typed,
a bad field does not throw the other edits away, next/previous order and keys, queue search and sort."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from ui.conftest import (
    GLOVE_ROWS,
    PASSWORD,
    UNKNOWN_SKU,
    _save,
    pdf_order,
    po_pdf,
    release_landing,
    sku_issue,
)

from orderflow.store import repository as repo

pytestmark = pytest.mark.servers


@pytest.fixture
def fresh_order(ui_store):
    """``fresh_order(po)`` → the id of a new PDF order in review (unknown SKU on line 2), for one test only:
    line 2's buyer part is the order's own, so a cross-reference learned here changes no other order."""

    def make(po: str, rows=None, *, hours: float = 1.0, issues=None) -> int:
        rows = rows or [r if r[0] != "AC-778" else (f"AC-{po[-5:]}", *r[1:]) for r in GLOVE_ROWS]
        pdf = po_pdf(po, rows)
        with ui_store.Session() as s:
            order_id = _save(s, pdf, f"{po}.pdf", pdf_order(po, rows, pdf),
                             [sku_issue(1, UNKNOWN_SKU)] if issues is None else issues, received_hours_ago=hours)
            s.commit()
        return order_id

    return make


def state_of(ui_store, order_id: int) -> str:
    with ui_store.Session() as s:
        return repo.get_order(s, order_id).state


# ----------------------------------------------------------------------------- item 7


def test_refused_approve_is_shown_on_the_order_page_with_the_typed_reason(sign_in, ui_url, ui_store, fresh_order):
    """Item 7: ``a`` on a blocked order was a full-page 409 at /orders/N/approve (405 on refresh) and the
    typed override reason was gone."""
    order_id = fresh_order("PO-48240")
    page = sign_in("csr1")
    page.set_default_timeout(5000)
    page.goto(f"/orders/{order_id}")
    page.fill('input[name="payment_terms"]', "Net 60")  # typed, not saved yet

    page.locator("h1").click()
    with page.expect_response(f"**/orders/{order_id}/approve") as resp:
        page.keyboard.press("a")
    assert resp.value.status == 409
    error = page.locator('[data-testid="error"]')
    expect(error).to_contain_text("unsaved edits (payment_terms)")  # approving would open the next order
    assert page.url == f"{ui_url}/orders/{order_id}"
    assert page.locator("#order-form").count() == 1 and page.locator("#approve-btn").count() == 1
    assert page.locator('input[name="payment_terms"]').input_value() == "Net 60"  # the unsaved edit is kept
    assert state_of(ui_store, order_id) == "needs_review"

    page.reload()  # drop the edit: now the blocking issues are what stops the approval
    page.locator("h1").click()
    with page.expect_response(f"**/orders/{order_id}/approve") as resp:
        page.keyboard.press("a")
    assert resp.value.status == 409
    expect(error).to_contain_text("blocking issues")

    # A CSR may not override: refused, but the reason they typed is still in the box.
    page.fill('input[name="override_reason"]', "buyer confirmed the part by phone")
    with page.expect_response(f"**/orders/{order_id}/approve") as resp:
        page.click("#approve-btn")
    assert resp.value.status == 403
    expect(error).to_contain_text("cannot override")
    assert page.url == f"{ui_url}/orders/{order_id}"
    assert page.locator('input[name="override_reason"]').input_value() == "buyer confirmed the part by phone"

    reloaded = page.reload()
    assert reloaded.status == 200 and page.locator("#order-form").count() == 1
    assert state_of(ui_store, order_id) == "needs_review"


def test_without_javascript_errors_are_inline_and_approve_reject_work(chromium, ui_url, ui_store, fresh_order):
    order_id = fresh_order("PO-48241")
    context = chromium.new_context(java_script_enabled=False, base_url=ui_url)
    try:
        page = context.new_page()
        page.set_default_timeout(5000)
        page.goto("/login")
        page.fill("input[name=username]", "csr2")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.goto(f"/orders/{order_id}")
        page.fill('input[name="override_reason"]', "agreed with the buyer")
        page.click("#approve-btn")
        assert "cannot override" in page.locator('[data-testid="error"]').inner_text()
        assert page.locator('input[name="override_reason"]').input_value() == "agreed with the buyer"
        # the action's address, opened again (refresh after the POST, a bookmark): the order, not a 405
        page.goto(f"/orders/{order_id}/approve")
        assert page.url == f"{ui_url}/orders/{order_id}"
        page.fill('input[name="reason"]', "duplicate of PO-48240")
        page.click("#reject-btn")  # on to the next order in the queue (item 9), or the queue
        assert f"Order {order_id} rejected." in page.locator('[data-testid="flash"]').inner_text()
        assert not page.url.endswith(f"/orders/{order_id}")
        release_landing(page)
    finally:
        context.close()
    assert state_of(ui_store, order_id) == "rejected"


# ----------------------------------------------------------------------------- item 8


def test_a_bad_field_keeps_the_other_edits_and_is_marked_with_its_reason(sign_in, ui_url, ui_store, fresh_order):
    """Item 8: saving with qty "abc" threw every edit away. Now the edits that fit are saved, the bad
    field keeps what was typed, is marked and says why."""
    order_id = fresh_order("PO-48242")
    page = sign_in("lead1")
    page.set_default_timeout(5000)
    page.goto(f"/orders/{order_id}")
    page.fill('input[name="payment_terms"]', "Net 45")
    page.fill('input[name="lines[0].qty"]', "abc")
    page.fill('input[name="lines[1].sku"]', "GLV-NIT-M")
    page.fill('input[name="lines[2].description"]', "Paper towel 2-ply, case")
    page.click("#save-btn")

    error = page.locator('[data-testid="error"]')
    expect(error).to_contain_text("Saved 3 change(s)")
    expect(error).to_contain_text("'abc' is not a number")
    assert page.url == f"{ui_url}/orders/{order_id}"
    qty = page.locator('input[name="lines[0].qty"]')
    assert qty.input_value() == "abc"
    assert "bad" in qty.locator("xpath=..").get_attribute("class")
    assert qty.evaluate("e => getComputedStyle(e).borderTopColor") == "rgb(198, 40, 40)"  # drawn red
    beside = page.locator('.lineissues .issue[data-issue-field="lines[0].qty"]')
    expect(beside).to_contain_text("is not a number")
    assert page.locator('input[name="payment_terms"]').input_value() == "Net 45"
    assert page.locator('input[name="lines[1].sku"]').input_value() == "GLV-NIT-M"
    with ui_store.Session() as s:
        co = repo.order_canonical(repo.get_order(s, order_id))
    assert (co.payment_terms, co.lines[1].sku, co.lines[2].description, str(co.lines[0].qty)) == (
        "Net 45", "GLV-NIT-M", "Paper towel 2-ply, case", "100")

    # The CSR corrects the one field and saves again.
    qty.fill("110")
    page.click("#save-btn")
    expect(page.locator('[data-testid="flash"]')).to_contain_text("Saved 1 change(s)")
    with ui_store.Session() as s:
        assert str(repo.order_canonical(repo.get_order(s, order_id)).lines[0].qty) == "110"


# ----------------------------------------------------------------------------- item 9


def test_approve_and_reject_go_on_to_the_next_order_in_the_filter_with_keys(sign_in, ui_url, ui_store, fresh_order):
    """Item 9: after approve/reject the CSR went back to the queue and pressed Enter. Now the next order
    in the current filter opens; n/p walk the filter, j/k the issues, 1-3 pick a suggestion, Esc goes back."""
    a, b, c = (fresh_order(f"PO-4825{n}", hours=50 - n) for n in range(3))
    page = sign_in("csr2")
    page.set_default_timeout(5000)
    page.goto("/?q=PO-4825")
    rows = page.locator("tr.qrow")
    expect(rows).to_have_count(3)
    assert [r.get_attribute("data-order-id") for r in rows.all()] == [str(a), str(b), str(c)]
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/orders/{a}")
    nav = page.locator('[data-testid="order-nav"]')
    expect(nav).to_contain_text("1 of 3")

    page.keyboard.press("n")
    page.wait_for_url(f"**/orders/{b}")
    expect(nav).to_contain_text("2 of 3")
    page.keyboard.press("p")
    page.wait_for_url(f"**/orders/{a}")

    # j goes to the issue; 1 picks its first suggestion (shown with its key)
    sugg = page.locator('.issue[data-issue-code="SKU_UNKNOWN"] [data-testid="suggestion"]')
    assert sugg.first.locator("kbd").inner_text() == "1"
    page.keyboard.press("j")
    assert page.evaluate("document.activeElement.getAttribute('data-issue-field')") == "lines[1].sku"
    page.keyboard.press("1")
    expect(page.locator('[data-testid="order-state"]')).to_have_text("valid")
    assert page.locator('input[name="lines[1].sku"]').input_value() == "GLV-NIT-L"

    page.locator("h1").click()
    page.keyboard.press("a")
    page.wait_for_url(f"**/orders/{b}")
    expect(page.locator('[data-testid="flash"]')).to_contain_text(f"Order {a}: Approved and pushed: ERP order FILE-")
    assert state_of(ui_store, a) == "pushed"

    page.fill('input[name="reason"]', "buyer cancelled by phone")
    page.click("#reject-btn")
    page.wait_for_url(f"**/orders/{c}")
    expect(page.locator('[data-testid="flash"]')).to_contain_text(f"Order {b} rejected")
    assert state_of(ui_store, b) == "rejected"

    page.locator("h1").click()
    page.keyboard.press("Escape")
    page.wait_for_url(re.compile(r"/\?q=PO-4825$"))
    expect(rows).to_have_count(1)
    assert rows.first.get_attribute("data-order-id") == str(c)


# ----------------------------------------------------------------------------- item 12


def test_queue_search_finds_parts_skus_descriptions_and_sorts(sign_in, ui_store, fresh_order):
    """Item 12: the search box looked at PO, customer and file only; the queue had one order (oldest first)."""
    one = [("BR-7734", "GLV-LAT-L", "Brass elbow fitting", "10", "BX", "9.75", "97.50")]
    two = [("ZN-5120", "FAS-1001", "Zinc anchor bolt", "4000", "EA", "0.25", "1000.00")]
    three = [("CU-0911", "JAN-TOW-2", "Copper washer kit", "12", "EA", "25.00", "300.00")]
    ids = {}
    for po, rows, hours, customer in (("PO-48260", one, 20, "ALPHA"), ("PO-48261", two, 10, "CHARLIE"),
                                      ("PO-48262", three, 5, "BETA")):
        ids[po] = fresh_order(po, rows, hours=hours, issues=[sku_issue(0, "WID-999")])
        with ui_store.Session() as s:
            repo.get_order(s, ids[po]).customer_id = customer
            s.commit()
    page = sign_in("csr1")
    page.set_default_timeout(5000)
    rows = page.locator("tr.qrow")

    def search(text: str) -> list[str]:
        page.fill("#search", "")
        page.locator("#search").press_sequentially(text)  # the queue asks as the CSR types (keyup)
        expect(page).to_have_url(re.compile(r"q=" + re.escape(text.replace(" ", "%20")) + "(&|$)"))
        expect(page.locator("#search")).to_have_value(text)
        return [r.get_attribute("data-order-id") for r in rows.all()]

    assert search("brass elbow") == [str(ids["PO-48260"])]  # description
    assert search("ZN-5120") == [str(ids["PO-48261"])]  # the buyer's part number
    assert search("GLV-LAT-L") == [str(ids["PO-48260"])]  # SKU
    assert search("PO-4826") == [str(ids[p]) for p in ("PO-48260", "PO-48261", "PO-48262")]  # oldest first

    def sorted_by(value: str) -> list[str]:
        page.select_option('select[name="sort"]', value)
        expect(page).to_have_url(re.compile(r"sort=" + value))
        return [r.locator("td").nth(4).inner_text() for r in rows.all()]

    assert sorted_by("total") == ["CHARLIE", "BETA", "ALPHA"]
    assert [t.inner_text() for t in page.locator("tr.qrow td.total").all()] == [
        "1000.00 USD", "300.00 USD", "97.50 USD"]
    assert sorted_by("customer") == ["ALPHA", "BETA", "CHARLIE"]
    assert sorted_by("newest") == ["BETA", "CHARLIE", "ALPHA"]
    # the order screen walks the queue in the sort the CSR chose
    page.keyboard.press("Escape")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/orders/{ids['PO-48262']}")
    page.keyboard.press("n")
    page.wait_for_url(f"**/orders/{ids['PO-48261']}")


# ----------------------------------------------------------------------------- wrong on screen


def test_a_finding_stated_twice_is_shown_once(sign_in, fresh_order):
    """The scan order showed TOTAL_MISMATCH and ARITHMETIC twice, in the extractor's and the rules' words."""
    from orderflow.canonical import Issue

    rules = [Issue(code="ARITHMETIC", field="lines[0].amount", expected="25", actual="26",
                   message="Line 1: 100 x 0.25 = 25.00, but the document says 26.00. Check quantity and price."),
             Issue(code="TOTAL_MISMATCH", field="declared_total", expected="375", actual="380",
                   message="The document total is 380.00 but the lines add up to 375.00.")]
    engine = [Issue(code="ARITHMETIC", severity="warning", field="lines[0].amount", expected="25", actual="26",
                    message="Line 1: qty × unit price = 25.00 but the amount printed is 26.00."),
              Issue(code="TOTAL_MISMATCH", severity="warning", field="orders[0].declared_total",
                    message="The lines add up to 375.00 but the document's total is 380.00.")]
    order_id = fresh_order("PO-48270", issues=[*rules, *engine, sku_issue(1, UNKNOWN_SKU)])
    page = sign_in("lead1")
    page.goto(f"/orders/{order_id}")
    for code in ("ARITHMETIC", "TOTAL_MISMATCH"):
        shown = page.locator(f'.work .issue[data-issue-code="{code}"]')
        expect(shown).to_have_count(1)
        assert "sev-error" in shown.get_attribute("class")
    assert "the document says 26.00" in page.locator('.issue[data-issue-code="ARITHMETIC"]').inner_text()
    expect(page.locator('.work .issue[data-issue-code="SKU_UNKNOWN"]')).to_have_count(1)


def test_audit_timeline_is_written_in_sentences(sign_in, fresh_order):
    """The timeline showed raw dicts (``correction_evidence … candidates: []``)."""
    order_id = fresh_order("PO-48271")
    page = sign_in("lead1")
    page.set_default_timeout(5000)
    page.goto(f"/orders/{order_id}")
    page.locator('.issue[data-issue-code="SKU_UNKNOWN"] [data-testid="suggestion"]').first.click()
    expect(page.locator('[data-testid="order-state"]')).to_have_text("valid")
    timeline = page.locator('[data-testid="audit"]')
    evidence = timeline.locator('li[data-action="correction_evidence"] .change').inner_text()
    assert evidence.startswith("Kept the correction of lines[1].sku (WID-999 → GLV-NIT-L) for learning")
    assert "Claimed until" in timeline.locator('li[data-action="claim"] .change').inner_text()
    assert "State needs review → valid." in timeline.locator('li[data-action="revalidate"] .change').inner_text()
    for text in timeline.locator(".change").all_inner_texts():
        assert not re.search(r"[\[\]{}]|candidates|: None\b|\bnull\b", re.sub(r"lines\[\d+\]", "", text)), text


def test_times_are_shown_in_local_time_with_utc_on_hover(chromium, ui_url, fresh_order):
    """Times were UTC only; a CSR in Chicago reads them in Chicago time, UTC on hover."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    order_id = fresh_order("PO-48272")
    context = chromium.new_context(base_url=ui_url, timezone_id="America/Chicago")
    try:
        page = context.new_page()
        page.set_default_timeout(5000)
        page.goto("/login")
        page.fill("input[name=username]", "lead1")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{ui_url}/")
        page.goto(f"/orders/{order_id}")
        page.fill('input[name="payment_terms"]', "Net 30")  # the first edit claims the order (issue 23 item 5)
        expect(page.locator('[data-testid="claim"]')).to_have_text("Claimed by you (editing)")
        page.reload()
        times = page.locator('[data-testid="audit"] time')
        expect(times.first).to_have_class(re.compile(r"\blocal\b"))
        for t in times.all() + [page.locator('[data-testid="claim"] time')]:
            at = dt.datetime.fromisoformat(t.get_attribute("datetime").replace("Z", "+00:00"))
            assert t.inner_text() == at.astimezone(ZoneInfo("America/Chicago")).strftime("%Y-%m-%d %H:%M")
            assert t.get_attribute("title") == at.strftime("%Y-%m-%d %H:%M UTC")
        release_landing(page)
    finally:
        context.close()


def test_the_lock_icon_is_drawn_not_a_missing_glyph_box(sign_in, ui_store, fresh_order):
    """The queue's lock was U+1F512, which the CSRs' fonts lack: it rendered as an empty box."""
    import io

    from PIL import Image

    order_id = fresh_order("PO-48273")
    with ui_store.Session() as s:
        from orderflow.review import actions

        actions.claim(s, order_id, "csr2")
        s.commit()
    page = sign_in("csr1")
    page.goto("/?q=PO-48273")
    lock = page.locator(f'tr.qrow[data-order-id="{order_id}"] .lock')
    assert lock.inner_text().strip() == "csr2"  # no character left to fall back to a box
    icon = lock.locator("svg")
    box = icon.bounding_box()
    assert box["width"] >= 10 and box["height"] >= 10
    img = Image.open(io.BytesIO(icon.screenshot())).convert("L")
    dark = sum(1 for p in img.getdata() if p < 160)
    assert dark > 0.3 * img.width * img.height  # a filled padlock body, not an outline box


def test_line_values_fit_their_inputs_on_a_1366_screen(sign_in, fresh_order):
    """At 1366×768 a quantity of 900000 showed as 90000 and SKUs were clipped."""
    rows = [("AC-1001Z", "FAS-1001", "Hex bolt M8x40", "900000", "EA", "0.25", "225000.00"),
            ("AC-48274", "GLV-NIT-L", "Nitrile glove large, box of 100", "20", "BX", "12.50", "250.00")]
    order_id = fresh_order("PO-48274", rows, issues=[sku_issue(1, "GLV-NIT-L")])
    page = sign_in("lead1", width=1366, height=768)
    page.goto(f"/orders/{order_id}")
    assert page.locator('input[name="lines[0].qty"]').input_value() == "900000"
    work = page.locator(".work").bounding_box()
    for cell in page.locator("table.lines td:not(.c-description) input").all():
        name = cell.get_attribute("name")
        fits = cell.evaluate("e => e.scrollWidth <= e.clientWidth")
        assert fits, (name, cell.input_value())
        box = cell.bounding_box()
        assert box["x"] + box["width"] <= work["x"] + work["width"], name  # not hidden off the pane's right


def test_duplicate_issue_names_the_other_order_as_it_is_now_and_links_it(sign_in, ui_url, ui_store, fresh_order):
    """The duplicate message said "order 1 (approved)" when order 1 was pushed, showed the id as "actual"
    and did not link to it."""
    from orderflow.canonical import Issue

    first = fresh_order("PO-48275", issues=[])
    with ui_store.Session() as s:
        row = repo.get_order(s, first)
        row.state, row.erp_order_id = "pushed", "FILE-0000ABCD"
        s.commit()
    dup = Issue(code="DUPLICATE_PO", field="po_number", expected="a new PO number", actual=str(first),
                message=f"PO PO-48275 from customer ACME is already in the system as order {first} (approved). "
                        "Reject this copy, or treat it as a change if it differs.")
    second = fresh_order("PO-48275", GLOVE_ROWS[:1], issues=[dup])  # the buyer's resend, another file
    page = sign_in("lead1")
    page.set_default_timeout(5000)
    page.goto(f"/orders/{second}")
    issue = page.locator('.issue[data-issue-code="DUPLICATE_PO"]')
    text = issue.inner_text()
    assert f"already order {first} (pushed, ERP order FILE-0000ABCD)" in text
    assert "approved" not in text and "actual" not in text
    issue.locator('[data-testid="issue-link"]').click()
    page.wait_for_url(f"{ui_url}/orders/{first}")


def test_lines_grid_shows_the_sku_the_engine_resolved_and_how(sign_in, ui_store):
    """The lines grid left SKU empty for lines resolved automatically (from the buyer's part number)."""
    pdf = po_pdf("PO-48276", GLOVE_ROWS)
    co = pdf_order("PO-48276", GLOVE_ROWS, pdf)
    co.lines[0].sku = None  # the buyer printed only their part number
    co.provenance.pop("lines[0].sku")
    resolved = {"customer_id": "ACME", "approvals_required": [], "lines": [
        {"index": 0, "sku": "FAS-1001", "resolved_by": "xref"}, {"index": 1, "sku": None},
        {"index": 2, "sku": "JAN-TOW-2", "resolved_by": "exact"}]}
    with ui_store.Session() as s:
        order_id = _save(s, pdf, "PO-48276.pdf", co, [sku_issue(1, UNKNOWN_SKU)], resolved=resolved)
        s.commit()
    page = sign_in("lead1")
    page.goto(f"/orders/{order_id}")
    assert page.locator('input[name="lines[0].sku"]').input_value() == ""
    found = page.locator('tr.line[data-line="0"] [data-testid="resolved-sku"]')
    expect(found).to_be_visible()
    assert found.inner_text() == "= FAS-1001 customer's cross-reference"
    assert page.locator('tr.line[data-line="2"] [data-testid="resolved-sku"]').count() == 0  # it says so already
    assert page.locator('tr.line[data-line="1"] [data-testid="resolved-sku"]').count() == 0  # nothing found


def test_approve_with_unsaved_edits_is_refused_and_keeps_them(sign_in, ui_url, ui_store, fresh_order):
    """Approve opens the next order: with edits typed but not saved, they were silently dropped (and the
    order approved as stored). Approve (and reject) now refuse and say so; saved, the approval goes through."""
    order_id = fresh_order("PO-48291", issues=[])
    page = sign_in("lead1")
    page.set_default_timeout(5000)
    page.goto(f"/orders/{order_id}")
    page.fill('input[name="payment_terms"]', "Net 75")
    page.locator("h1").click()
    with page.expect_response(f"**/orders/{order_id}/approve") as resp:
        page.keyboard.press("a")
    assert resp.value.status == 409
    expect(page.locator('[data-testid="error"]')).to_contain_text("unsaved edits (payment_terms)")
    assert page.url == f"{ui_url}/orders/{order_id}" and state_of(ui_store, order_id) != "pushed"
    assert page.locator('input[name="payment_terms"]').input_value() == "Net 75"

    page.fill('input[name="reason"]', "wrong customer")
    with page.expect_response(f"**/orders/{order_id}/reject") as resp:
        page.click("#reject-btn")
    assert resp.value.status == 409 and state_of(ui_store, order_id) != "rejected"

    page.click("#save-btn")
    expect(page.locator('[data-testid="flash"]')).to_contain_text("Saved 1 change(s)")
    page.locator("h1").click()
    page.keyboard.press("a")
    page.wait_for_url(lambda url: url != f"{ui_url}/orders/{order_id}")
    with ui_store.Session() as s:
        row = repo.get_order(s, order_id)
        assert row.state == "pushed" and row.canonical["payment_terms"] == "Net 75"
    release_landing(page)
