"""Issue 23 "wrong on screen": the spreadsheet highlight sat off-screen. Focusing a field of an XLSX order
scrolls the rendered sheet (the source pane, not the page) so the highlighted cell is inside the pane's
visible part — across for a cell far right, down and across for one far down — in Chromium at 1366×768."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from playwright.sync_api import expect
from ui.conftest import _save

from orderflow.canonical import CanonicalOrder, Issue, OrderLine, Provenance, Source

pytestmark = pytest.mark.servers

WIDTH, HEIGHT = 26, 120  # columns A..Z, rows 1..120: far wider and longer than the pane


def wide_sheet(po: str) -> bytes:
    """A buyer's export: the PO number in A1, a long part list; the ordered line's SKU in Z2, its qty in Z110."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Order"
    for r in range(1, HEIGHT + 1):
        for c in range(1, WIDTH + 1):
            ws.cell(r, c, f"r{r}c{c} filler text")
    ws["A1"] = po
    ws["Z2"] = "WID-996"
    ws["Z110"] = 7
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def sheet_order_id(ui_store, po: str) -> int:
    order = CanonicalOrder(
        po_number=po, lines=[OrderLine(line_no="1", customer_part="AC-996", sku="WID-996", qty=Decimal(7), uom="EA")],
        source=Source(channel="imap", format="spreadsheet", filename=f"{po}.xlsx"),
        provenance={"po_number": Provenance(sheet="Order", cell="A1", raw=po),
                    "lines[0].sku": Provenance(sheet="Order", cell="Z2", raw="WID-996"),
                    "lines[0].qty": Provenance(sheet="Order", cell="Z110", raw="7")})
    issue = Issue(code="SKU_UNKNOWN", field="lines[0].sku", message="SKU WID-996 is not in the catalog.")
    with ui_store.Session() as s:
        order_id = _save(s, wide_sheet(po), f"{po}.xlsx", order, [issue])
        s.commit()
    return order_id


def visible_in_pane(page, cell: str) -> bool:
    """The cell lies inside the source pane's visible part (under its sticky header)."""
    return page.evaluate("""(cell) => {
        const el = document.querySelector(`.source td[data-cell="${cell}"]`), pane = document.querySelector('.source');
        const r = el.getBoundingClientRect(), p = pane.getBoundingClientRect();
        const head = pane.querySelector('.srchead');
        const top = p.top + pane.clientTop + (head ? head.offsetHeight : 0), left = p.left + pane.clientLeft;
        return r.top >= top && r.bottom <= p.top + pane.clientTop + pane.clientHeight
            && r.left >= left && r.right <= left + pane.clientWidth;
    }""", cell)


def test_focusing_a_field_scrolls_the_sheet_to_its_cell(sign_in, ui_store):
    order_id = sheet_order_id(ui_store, "PO-XLS-WIDE")
    page = sign_in("csr2", width=1366, height=768)
    page.set_default_timeout(5000)
    page.goto(f"/orders/{order_id}")
    expect(page.locator('.source td[data-cell="Z2"]')).to_have_count(1)
    assert not visible_in_pane(page, "Z2") and not visible_in_pane(page, "Z110")  # far right, far down

    page.click('.work input[data-field="lines[0].sku"]')  # near the top, far right: scrolled across
    expect(page.locator('.source td[data-cell="Z2"]')).to_have_class("src haserror active")
    assert visible_in_pane(page, "Z2")

    page.click('.work input[data-field="lines[0].qty"]')  # far down and right: scrolled both ways
    expect(page.locator('.source td[data-cell="Z110"]')).to_have_class("src active")
    assert visible_in_pane(page, "Z110")
    assert page.evaluate("window.scrollY") == 0  # the pane scrolled, not the page
    page.click('.work input[data-field="po_number"]')  # and back to A1
    assert visible_in_pane(page, "A1")
