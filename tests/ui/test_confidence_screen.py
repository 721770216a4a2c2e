"""Issue 20 in the browser: doubtful values are listed first and coloured, their page box is drawn
dashed, j/k walk them, and "Accept as read" clears them with an audit event."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from orderflow.canonical import Address, CanonicalOrder, Envelope, OrderLine, Party, Provenance, Source
from orderflow.store import repository as repo
from orderflow.validators.confidence import check_confidence
from orderflow.validators.totals import check_totals

pytestmark = pytest.mark.servers


def _pdf() -> bytes:
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=letter)
    c.setFont("Helvetica", 11)
    c.drawString(50, 730, "ACME Manufacturing")
    c.drawString(400, 730, "PO Number: PO-48230")
    for x, text in ((50, "1"), (80, "FAS-1001"), (160, "Hex bolt M8x40"), (330, "100"), (380, "EA"), (430, "0.25"),
                    (500, "35.00")):
        c.drawString(x, 650, text)
    c.showPage()
    c.save()
    return buf.getvalue()


def _box(words: list[dict], text: str) -> tuple[float, float, float, float]:
    w = next(w for w in words if w["text"] == text)
    return (float(w["x0"]), float(w["top"]), float(w["x1"]), float(w["bottom"]))


@pytest.fixture
def doubtful_order(ui_store) -> int:
    import pdfplumber

    pdf = _pdf()
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        words = doc.pages[0].extract_words()

    def prov(text: str, conf: float) -> Provenance:
        return Provenance(page=1, bbox=_box(words, text), raw=text, confidence=conf, extractor="pdf_text")

    order = CanonicalOrder(
        po_number="PO-48230", po_date=dt.date(2026, 11, 20), currency="USD", buyer=Party(name="ACME Manufacturing"),
        ship_to=Party(name="ACME Dallas Plant", ids={"92": "0042"},
                      address=Address(lines=["100 Industrial Way"], city="Dallas", region="TX", postal_code="75201")),
        lines=[OrderLine(line_no="1", sku="FAS-1001", description="Hex bolt M8x40", qty=Decimal("100"), uom="EA",
                         unit_price=Decimal("0.25"), amount=Decimal("35.00"))],
        source=Source(channel="imap", format="pdf_text", filename="PO-48230.pdf"),
        provenance={"po_number": prov("PO-48230", 0.97), "buyer.name": prov("ACME", 0.55),
                    "lines[0].sku": prov("FAS-1001", 0.95), "lines[0].qty": prov("100", 0.93),
                    "lines[0].unit_price": prov("0.25", 0.94), "lines[0].amount": prov("35.00", 0.45)},
    )
    issues = check_totals(order, severity="error") + check_confidence(order, 0.8)
    with ui_store.Session() as s:
        doc, _ = repo.save_document(s, Envelope(data=pdf, filename="PO-48230.pdf", channel="imap",
                                                sender="purchasing@acme-mfg.example"))
        repo.mark_document(s, doc, "processed", fmt="pdf_text")
        row = repo.save_order(s, doc, 0, order, state="needs_review", issues=issues, customer_id="ACME",
                              ship_to_id="ACME-DAL", resolved={"customer_id": "ACME", "approvals_required": []})
        s.commit()
        return row.id


def test_doubtful_fields_listed_first_coloured_and_walked_with_j_k(sign_in, ui_store, doubtful_order) -> None:
    page = sign_in("csr1")
    page.goto(f"/orders/{doubtful_order}")
    rows = page.locator(".doubts .doubtrow")
    # header first, then the line: the low-confidence buyer, then the line's three numbers (ARITHMETIC)
    assert [r.get_attribute("data-field") for r in rows.all()] == [
        "buyer.name", "lines[0].qty", "lines[0].unit_price", "lines[0].amount"]
    assert "45%" in rows.nth(3).inner_text()
    # the doubts come before the form in the page
    assert page.evaluate("document.querySelector('.doubts').compareDocumentPosition("
                         "document.querySelector('#order-form')) & Node.DOCUMENT_POSITION_FOLLOWING") != 0
    amount = page.locator('input[data-field="lines[0].amount"]')
    expect(amount).to_have_class(re.compile(r"\bdoubt\b"))
    assert amount.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(255, 233, 194)"
    sku = page.locator('input[data-field="lines[0].sku"]')
    assert "doubt" not in (sku.get_attribute("class") or "")
    box = page.locator('.box[data-field="lines[0].amount"]')
    assert "doubt" in box.get_attribute("class")
    assert box.evaluate("e => getComputedStyle(e).outlineStyle") == "dashed"
    assert page.locator('.box[data-field="lines[0].sku"]').evaluate("e => getComputedStyle(e).outlineStyle") != "dashed"

    page.locator("h1").click()  # focus outside any input
    page.keyboard.press("j")
    assert page.evaluate("document.activeElement.getAttribute('data-field')") == "buyer.name"
    page.keyboard.press("Escape")
    page.keyboard.press("j")
    assert page.evaluate("document.activeElement.getAttribute('data-field')") == "lines[0].qty"
    page.keyboard.press("Escape")
    page.keyboard.press("k")
    assert page.evaluate("document.activeElement.getAttribute('data-field')") == "buyer.name"
    page.keyboard.press("Escape")
    page.keyboard.press("k")  # wraps round to the last doubt
    assert page.evaluate("document.activeElement.getAttribute('data-field')") == "lines[0].amount"
    assert "current" in page.locator('.box[data-field="lines[0].amount"]').get_attribute("class")

    page.click("#accept-read-btn")
    expect(page.locator('[data-testid="order-state"]')).to_have_text("valid")
    with ui_store.Session() as s:
        row = repo.get_order(s, doubtful_order)
        assert not [i for i in row.issues if i.severity == "error"]
        events = [a for a in repo.audit_trail(s, "order", doubtful_order) if a.action == "accept_as_read"]
        assert len(events) == 1 and events[0].actor == "csr1"
        assert {a["field"] for a in events[0].after["accepted"]} >= {"buyer.name", "lines[0].amount"}
