"""Real PDFs for the confidence tests: a clean text PO, one whose line arithmetic disagrees, and a scan
whose invisible text layer disagrees with what the image shows (reportlab + a rendered page image)."""

from __future__ import annotations

import io
from decimal import Decimal

from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

LINES = [
    ("1", "HX-4410", "Hex Cap Screw M8 Zinc Plated", Decimal("120"), "EA", Decimal("0.85")),
    ("2", "WS-2208", "Flat Washer Steel 8mm", Decimal("500"), "EA", Decimal("0.12")),
    ("3", "VB-7731", "Brass Ball Valve 1/2 inch", Decimal("24"), "EA", Decimal("14.50")),
]


def _draw(c: canvas.Canvas, *, po: str, lines: list[tuple], amounts: list[Decimal], total: Decimal,
          mode: int = 0) -> None:
    """One PO page; ``mode`` 3 draws the text invisible (an OCR layer over a scan)."""
    def text(x: float, y: float, s: str, size: int = 10, right: bool = False) -> None:
        t = c.beginText()
        t.setTextRenderMode(mode)
        t.setFont("Helvetica", size)
        width = c.stringWidth(s, "Helvetica", size)
        t.setTextOrigin(x - width if right else x, y)
        t.textOut(s)
        c.drawText(t)

    text(50, 800, "Northwind Industrial Supply Ltd", 14)
    text(50, 784, "12 Harbour Road, Leeds LS1 4AB")
    text(400, 800, "PURCHASE ORDER", 14)
    text(400, 780, f"PO Number: {po}")
    text(400, 766, "PO Date: 03/14/2026")
    text(400, 752, "Currency: USD")
    text(50, 740, "Vendor:")
    text(50, 726, "Acme Fasteners Inc")
    text(300, 740, "Ship To")
    text(300, 726, "Northwind Industrial Supply Ltd")
    text(300, 712, "45 Dock Street, Leeds LS2 7QA")
    text(50, 690, "Payment Terms: Net 30")
    y = 650
    cols = [(50, "Line"), (90, "Item Code"), (170, "Description"), (380, "Qty"), (420, "UOM"), (470, "Unit Price"),
            (540, "Amount")]
    for x, h in cols:
        text(x, y, h)
    for (no, code, desc, qty, uom, price), amount in zip(lines, amounts, strict=True):
        y -= 18
        text(50, y, no)
        text(90, y, code)
        text(170, y, desc)
        text(400, y, f"{qty}", right=True)
        text(420, y, uom)
        text(515, y, f"{price:,.2f}", right=True)
        text(575, y, f"{amount:,.2f}", right=True)
    y -= 30
    text(470, y, "TOTAL")
    text(575, y, f"{total:,.2f}", right=True)


def clean_po(*, po: str = "4500012345", bad_line: int | None = None) -> bytes:
    """A text PDF; with ``bad_line`` that line's printed amount is not qty × price (and the total follows it)."""
    amounts = [q * p for _, _, _, q, _, p in LINES]
    if bad_line is not None:
        amounts[bad_line] = amounts[bad_line] + Decimal("100")
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    _draw(c, po=po, lines=LINES, amounts=amounts, total=sum(amounts, Decimal(0)))
    c.showPage()
    c.save()
    return buf.getvalue()


def scan_with_wrong_layer(*, shown_po: str = "4500012345", layer_po: str = "4508812846") -> bytes:
    """A scanned page (the clean PO rendered to an image) with an invisible text layer that reads the PO
    number wrong — what a scanner's own OCR leaves behind."""
    from orderflow.extractors.pdf_ocr import render_page

    image, _ = render_page(clean_po(po=shown_po), 0, 200)
    amounts = [q * p for _, _, _, q, _, p in LINES]
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    width, height = A4
    png = io.BytesIO()
    image.convert("L").save(png, format="PNG")
    c.drawImage(ImageReader(io.BytesIO(png.getvalue())), 0, 0, width=width, height=height)
    _draw(c, po=layer_po, lines=LINES, amounts=amounts, total=sum(amounts, Decimal(0)), mode=3)
    c.showPage()
    c.save()
    return buf.getvalue()
