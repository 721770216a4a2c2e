"""Regenerate the demo inbox's PDF and XLSX documents (the committed files are its output).

``python samples/build_inbox.py`` — needs reportlab and openpyxl (the [dev] extra).
Each document is written so that it ends in a known state against samples/reference/, as seen on the
manifest's ``sample_day`` (``orderflow demo`` moves every date to the day it runs: flows/demo_dates.py).
"""

from __future__ import annotations

from pathlib import Path

INBOX = Path(__file__).resolve().parent / "inbox"


def pdf_po(path: Path, *, buyer: str, buyer_addr: list[str], po: str, date: str, terms: str,
           ship_name: str, ship_addr: list[str], lines: list[tuple[str, str, str, str, str, str]],
           total: str, contact: str) -> None:
    """A plain US-style PO: letterhead, header labels on the right, ship-to block, ruled table."""
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=letter, invariant=1)
    w, h = letter
    c.setFont("Helvetica-Bold", 15)
    c.drawString(40, h - 50, buyer)
    c.setFont("Helvetica", 9)
    for i, line in enumerate(buyer_addr):
        c.drawString(40, h - 64 - 11 * i, line)
    c.setFont("Helvetica-Bold", 18)
    c.drawRightString(w - 40, h - 50, "PURCHASE ORDER")
    c.setFont("Helvetica", 10)
    for i, (label, value) in enumerate((("PO Number:", po), ("PO Date:", date), ("Payment Terms:", terms))):
        c.drawRightString(w - 150, h - 75 - 14 * i, label)
        c.drawString(w - 140, h - 75 - 14 * i, value)
    c.setFont("Helvetica-Bold", 10)
    c.drawString(40, h - 140, "Vendor:")
    c.drawString(300, h - 140, "Ship To:")
    c.setFont("Helvetica", 10)
    for i, line in enumerate(["Northwind Industrial Supply", "800 Distribution Pkwy", "Dayton, OH 45414"]):
        c.drawString(40, h - 154 - 12 * i, line)
    for i, line in enumerate([ship_name, *ship_addr]):
        c.drawString(300, h - 154 - 12 * i, line)
    top = h - 230
    cols = [(40, "Line"), (75, "Part No."), (160, "Description"), (390, "Qty"), (430, "UOM"), (470, "Unit Price"),
            (535, "Amount")]
    c.setFont("Helvetica-Bold", 9)
    for x, label in cols:
        c.drawString(x, top, label)
    c.line(38, top - 4, w - 38, top - 4)
    c.setFont("Helvetica", 9)
    y = top - 18
    for n, (item, desc, qty, uom, price, amount) in enumerate(lines, start=1):
        values = [str(n), item, desc, qty, uom, price, amount]
        for (x, _), v in zip(cols, values, strict=True):
            c.drawString(x, y, v)
        y -= 15
    c.line(38, y + 6, w - 38, y + 6)
    c.setFont("Helvetica-Bold", 10)
    c.drawString(470, y - 10, "Total:")
    c.drawString(535, y - 10, total)
    c.setFont("Helvetica", 8)
    c.drawString(40, 60, f"Questions: {contact}. Please confirm receipt of this order.")
    c.save()


def build() -> None:
    INBOX.mkdir(exist_ok=True)
    pdf_po(
        INBOX / "initech-po-77120.pdf",
        buyer="Initech Facilities",
        buyer_addr=["4120 Freidrich Lane, Suite 300", "Austin, TX 78744"],
        po="77120",
        date="11/16/2026",
        terms="Net 30",
        ship_name="Initech Facilities HQ",
        ship_addr=["4120 Freidrich Lane, Suite 300", "Austin, TX 78744"],
        lines=[
            ("IN-BOLT-M10", "Hex bolt M10 x 50mm zinc", "2000", "EA", "0.32", "640.00"),
            ("IN-TAPE-DUCT", "Duct tape 48mm x 55m silver", "240", "RL", "4.95", "1,188.00"),
            ("JAN-3005", "Industrial degreaser 5 gal pail", "12", "EA", "64.00", "768.00"),
        ],
        total="2,596.00",
        contact="facilities@initech.example",
    )
    pdf_po(
        INBOX / "acme-po-5531.pdf",
        buyer="ACME Manufacturing",
        buyer_addr=["100 Industrial Way", "Springfield, IL 62701"],
        po="5531",
        date="11/18/2026",
        terms="Net 45",
        ship_name="ACME Manufacturing Plant 1",
        ship_addr=["100 Industrial Way, Dock 4", "Springfield, IL 62701"],
        lines=[
            ("AC-77812", "Hex bolt M8 x 40 zinc", "1000", "EA", "0.15", "150.00"),
            ("AC-20110", "Nitrile gloves large blue 100/bx", "40", "BX", "7.25", "290.00"),
            ("AC-20111", "Safety glasses clear anti-fog", "120", "EA", "2.10", "252.00"),
        ],
        total="692.00",
        contact="purchasing@acme-mfg.example",
    )
    pdf_po(  # a first order from a company that is no customer yet: CUSTOMER_UNKNOWN
        INBOX / "wayne-po-WE-1187.pdf",
        buyer="Wayne Enterprises",
        buyer_addr=["1007 Mountain Drive", "Gotham, NJ 07001"],
        po="WE-1187",
        date="11/20/2026",
        terms="Net 30",
        ship_name="Wayne Enterprises Receiving",
        ship_addr=["1007 Mountain Drive", "Gotham, NJ 07001"],
        lines=[
            ("FAS-1002", "Hex bolt M10 x 50mm zinc plated", "500", "EA", "0.32", "160.00"),
            ("SAF-2004", "Safety glasses clear anti-fog", "48", "EA", "2.10", "100.80"),
        ],
        total="260.80",
        contact="purchasing@wayne-ent.example",
    )
    xlsx_po(INBOX / "hooli-po-HS-2291.xlsx")


def xlsx_po(path: Path) -> None:
    """A buyer's spreadsheet order form: header block at the top, a line table below."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Order"
    ws["A1"] = "Hooli Services — Purchase Order"
    ws["A3"], ws["B3"] = "PO Number", "HS-2291"
    ws["A4"], ws["B4"] = "Order Date", "2026-11-19"
    ws["A5"], ws["B5"] = "Ship To", "Hooli Services Campus, 1400 Amphitheatre Way, Building B, Mountain View CA 94043"
    ws["A6"], ws["B6"] = "Currency", "USD"
    ws.append([])
    ws.append(["Line", "Part Number", "Description", "Qty", "UOM", "Unit Price", "Amount"])
    ws.append([1, "HL-TOWEL-2P", "Paper towel roll 2-ply", 240, "RL", 3.10, 744.00])
    ws.append([2, "HL-SOAP-1L", "Foam hand soap refill 1L", 60, "EA", 5.25, 315.00])
    ws.append([3, "JAN-3006", "Microfiber cloth 12/pk", 20, "PK", 9.80, 196.00])
    ws.append([])
    ws.append(["", "", "", "", "", "Total", 1255.00])
    wb.save(path)


if __name__ == "__main__":
    build()
