"""Revised-PO documents for the tests: a reportlab PDF PO and an openpyxl order form, ACME's catalogue."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

ACME_SENDER = "purchasing@acme-mfg.example"
LINES = [("FAS-1001", "Hex bolt M8 x 40 zinc", "1000", "EA", "0.15"), ("FAS-1003", "Flat washer M8 zinc", "500",
                                                                        "EA", "0.06")]


def _amount(qty: str, price: str) -> str:
    return f"{Decimal(qty) * Decimal(price):,.2f}"


def pdf_po(path: Path, *, po: str = "5601", title: str = "PURCHASE ORDER", header: tuple[tuple[str, str], ...] = (),
           lines: list[tuple[str, str, str, str, str]] = LINES, invariant: bool = True) -> Path:
    """ACME's PO as a text PDF: letterhead left, title right, labelled header fields, ship-to, ruled table.
    ``header`` adds label/value rows under the PO number ("Revision:", "1"); ``invariant=False`` gives
    different bytes for the same content (a re-sent email)."""
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=letter, invariant=int(invariant))
    w, h = letter
    c.setFont("Helvetica-Bold", 15)
    c.drawString(40, h - 50, "ACME Manufacturing")
    c.setFont("Helvetica", 9)
    c.drawString(40, h - 64, "100 Industrial Way")
    c.drawString(40, h - 75, "Springfield, IL 62701")
    c.setFont("Helvetica-Bold", 16)
    c.drawRightString(w - 40, h - 50, title)
    c.setFont("Helvetica", 10)
    rows = (("PO Number:", po), ("PO Date:", "11/18/2026"), *header, ("Payment Terms:", "Net 45"))
    for i, (label, value) in enumerate(rows):
        c.drawRightString(w - 150, h - 75 - 14 * i, label)
        c.drawString(w - 140, h - 75 - 14 * i, value)
    top = h - 160 - 14 * len(header)
    c.setFont("Helvetica-Bold", 10)
    c.drawString(40, top, "Vendor:")
    c.drawString(300, top, "Ship To:")
    c.setFont("Helvetica", 10)
    for i, text in enumerate(["Northwind Industrial Supply", "800 Distribution Pkwy", "Dayton, OH 45414"]):
        c.drawString(40, top - 14 - 12 * i, text)
    for i, text in enumerate(["ACME Manufacturing Plant 1", "100 Industrial Way, Dock 4", "Springfield, IL 62701"]):
        c.drawString(300, top - 14 - 12 * i, text)
    top -= 80
    cols = [(40, "Line"), (75, "Part No."), (160, "Description"), (390, "Qty"), (430, "UOM"), (470, "Unit Price"),
            (535, "Amount")]
    c.setFont("Helvetica-Bold", 9)
    for x, label in cols:
        c.drawString(x, top, label)
    c.line(38, top - 4, w - 38, top - 4)
    c.setFont("Helvetica", 9)
    y = top - 18
    total = Decimal(0)
    for n, (item, desc, qty, uom, price) in enumerate(lines, start=1):
        amount = _amount(qty, price)
        total += Decimal(qty) * Decimal(price)
        for (x, _), v in zip(cols, [str(n), item, desc, qty, uom, price, amount], strict=True):
            c.drawString(x, y, v)
        y -= 15
    c.line(38, y + 6, w - 38, y + 6)
    c.setFont("Helvetica-Bold", 10)
    c.drawString(470, y - 10, "Total:")
    c.drawString(535, y - 10, f"{total:,.2f}")
    c.setFont("Helvetica", 8)
    c.drawString(40, 60, "Questions: purchasing@acme-mfg.example. Form PO-7 Rev. 4")
    c.save()
    return path


def xlsx_po(path: Path, *, po: str = "5602", title: str = "ACME Manufacturing — Purchase Order",
            header: tuple[tuple[str, object], ...] = (), lines: list[tuple[str, str, str, str, str]] = LINES) -> Path:
    """ACME's order form as a workbook: a title row, a label/value header block, the line table."""
    from decimal import Decimal

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Order"
    ws["A1"] = title
    rows = (("PO Number", po), ("Order Date", "2026-11-19"), *header,
            ("Ship To", "ACME Manufacturing Plant 1, 100 Industrial Way, Dock 4, Springfield IL 62701"),
            ("Currency", "USD"))
    for i, (label, value) in enumerate(rows, start=3):
        ws.cell(i, 1, label)
        ws.cell(i, 2, value)
    ws.append([])
    ws.append(["Line", "Part Number", "Description", "Qty", "UOM", "Unit Price", "Amount"])
    total = Decimal(0)
    for n, (item, desc, qty, uom, price) in enumerate(lines, start=1):
        amount = Decimal(qty) * Decimal(price)
        total += amount
        ws.append([n, item, desc, int(qty), uom, Decimal(price), amount])  # openpyxl writes Decimal as a number
    ws.append([])
    ws.append(["", "", "", "", "", "Total", total])
    wb.save(path)
    return path
