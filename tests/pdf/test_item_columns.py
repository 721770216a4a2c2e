"""An "Item" column may count the lines or hold the item code; a bare "Product" column may hold the code or
the name. The values decide, not the header alone (US and Brazilian POs often print "Item | Part Number")."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from reportlab.pdfgen import canvas

from orderflow.extractors import ExtractContext, extract

ROWS = [("1", "AB-100", "Hex bolt M8", "10", "1.50", "15.00"),
        ("2", "AB-200", "Nut M8 zinc", "20", "0.20", "4.00"),
        ("3", "CD-300", "Washer M8", "5", "0.10", "0.50")]


def _po(headers: tuple[str, ...], rows: list[tuple[str, ...]], xs: tuple[int, ...], title: str = "PURCHASE ORDER",
        supplier: str | None = None) -> bytes:
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.drawString(72, 760, title)
    if supplier:
        c.drawString(320, 740, f"Supplier: {supplier}")
    c.drawString(72, 740, "PO Number: 4500001234")
    c.drawString(72, 725, "PO Date: 2026-03-15")
    for x, h in zip(xs, headers, strict=True):
        c.drawString(x, 680, h)
    for n, row in enumerate(rows):
        for x, v in zip(xs, row, strict=True):
            c.drawString(x, 660 - 18 * n, v)
    c.showPage()
    c.save()
    return buf.getvalue()


def _lines(headers, rows=ROWS, xs=(72, 110, 220, 380, 430, 500), title="PURCHASE ORDER", supplier=None):
    (order,) = extract(_po(headers, rows, xs, title, supplier), ExtractContext(filename="po.pdf", ocr=False)).orders
    return order.lines


@pytest.mark.parametrize("headers, code_field", [
    # unqualified code columns on a buyer's PO hold the buyer's own item number (docs/real/po README)
    (("Item", "Part Number", "Description", "Qty", "Unit Price", "Amount"), "customer_part"),
    (("Item", "Code", "Description", "Qty", "Price", "Total"), "customer_part"),
    (("Item", "Product", "Description", "Qty", "Unit Price", "Amount"), "customer_part"),
    (("Line", "Product", "Description", "Qty", "Unit Price", "Amount"), "customer_part"),
    (("Item", "Vendor Item #", "Description", "Qty", "Unit Price", "Amount"), "sku"),
    (("Item #", "Customer Part", "Description", "Qty", "Unit Price", "Amount"), "customer_part"),
])
def test_item_column_counting_lines_is_the_line_number(headers, code_field):
    lines = _lines(headers)
    assert [ln.line_no for ln in lines] == ["1", "2", "3"]
    assert [getattr(ln, code_field) for ln in lines] == ["AB-100", "AB-200", "CD-300"]
    assert [ln.description for ln in lines] == ["Hex bolt M8", "Nut M8 zinc", "Washer M8"]
    assert [ln.qty for ln in lines] == [Decimal(10), Decimal(20), Decimal(5)]


def test_item_column_with_codes_beside_a_vendor_part_is_the_buyers_number():
    rows = [("4711", "AB-100", "Hex bolt M8", "10", "1.50", "15.00"),
            ("5120", "AB-200", "Nut M8 zinc", "20", "0.20", "4.00")]
    lines = _lines(("Item", "Vendor Part", "Description", "Qty", "Unit Price", "Amount"), rows)
    assert [ln.line_no for ln in lines] == [None, None]
    assert [(ln.customer_part, ln.sku) for ln in lines] == [("4711", "AB-100"), ("5120", "AB-200")]


def test_item_column_alone_holds_the_item_code():
    rows = [("AB-100", "Hex bolt M8", "10", "EA", "1.50", "15.00"),
            ("AB-200", "Nut M8 zinc", "20", "EA", "0.20", "4.00")]
    lines = _lines(("Item", "Description", "Qty", "UOM", "Unit Price", "Amount"), rows, (72, 140, 300, 350, 420, 500))
    assert [(ln.customer_part, ln.sku) for ln in lines] == [("AB-100", None), ("AB-200", None)]
    assert [ln.description for ln in lines] == ["Hex bolt M8", "Nut M8 zinc"]


@pytest.mark.parametrize("header", ["Item Code", "Part Number", "Codice"])
def test_unqualified_code_column_is_the_issuers_item_number(header):
    """The same unqualified column is the buyer's part on a PO and the seller's sku on its sales order."""
    rows = [("AB-100", "Hex bolt M8", "10", "EA", "1.50", "15.00"),
            ("AB-200", "Nut M8 zinc", "20", "EA", "0.20", "4.00")]
    heads = (header, "Description", "Qty", "UOM", "Unit Price", "Amount")
    xs = (72, 170, 300, 350, 420, 500)
    po = _lines(heads, rows, xs)
    assert [(ln.customer_part, ln.sku) for ln in po] == [("AB-100", None), ("AB-200", None)]
    so = _lines(heads, rows, xs, title="SALES ORDER")
    assert [(ln.customer_part, ln.sku) for ln in so] == [(None, "AB-100"), (None, "AB-200")]


@pytest.mark.parametrize("header", ["Vendor Item #", "Supplier Ref.", "Your Item No."])
def test_code_column_qualified_as_the_suppliers_is_the_sku(header):
    rows = [("AB-100", "Hex bolt M8", "10", "EA", "1.50", "15.00")]
    lines = _lines((header, "Description", "Qty", "UOM", "Unit Price", "Amount"), rows, (72, 170, 300, 350, 420, 500))
    assert [(ln.customer_part, ln.sku) for ln in lines] == [(None, "AB-100")]


def test_code_column_named_after_the_supplier_is_the_sku():
    """"SDS Art.-Nr." on a PO to SDS GmbH: the supplier's article number (a bare "Art.-Nr." is the buyer's)."""
    rows = [("SDS2884", "Etiketten weiss", "10", "EA", "1.50", "15.00")]
    xs = (72, 170, 330, 380, 430, 500)
    lines = _lines(("SDS Art.-Nr.", "Bezeichnung", "Menge", "ME", "Preis", "Betrag"), rows, xs,
                   title="BESTELLUNG", supplier="SDS GmbH")
    assert [(ln.customer_part, ln.sku) for ln in lines] == [(None, "SDS2884")]
    lines = _lines(("Art.-Nr.", "Bezeichnung", "Menge", "ME", "Preis", "Betrag"), rows, xs,
                   title="BESTELLUNG", supplier="SDS GmbH")
    assert [(ln.customer_part, ln.sku) for ln in lines] == [("SDS2884", None)]
