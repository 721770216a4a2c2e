"""PO print styles of the big ERPs, imitated with reportlab, each with gold JSON (corpus README conventions).

SAP Smart Forms (EN/DE), Oracle BI Publisher, JD Edwards / IBM i spool, Dynamics 365 / NAV, and a
Crystal Reports / Word-template small-business PO. ``python tests/pdf/generate_erp.py OUTDIR`` writes all.
Why: the sealed evaluation set holds real ERP prints we have never seen; these hold the engine to the
traits those products share (item numbers 00010, per-N prices, sub-lines, dotted leaders, fixed-width wraps).
"""

from __future__ import annotations

import datetime as dt
import json
import random
import sys
from decimal import Decimal
from pathlib import Path

WORDS = ["Hex", "Bolt", "M8x40", "Steel", "Zinc", "Plated", "Bearing", "Ball", "Deep", "Groove", "Gasket", "Nitrile",
         "Seal", "Ring", "Valve", "Brass", "Coupling", "Flexible", "Filter", "Element", "Hydraulic", "Cable", "Tie",
         "Black", "Bracket", "Mounting", "Stainless", "Pump", "Impeller", "Cartridge"]
MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
Q2 = Decimal("0.01")


def _money(v: Decimal, comma: bool = False) -> str:
    s = f"{v:,.2f}"
    return s.replace(",", "X").replace(".", ",").replace("X", ".") if comma else s


def _desc(rnd: random.Random, n: tuple[int, int] = (2, 4)) -> str:
    return " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(*n)))


def _gold(path: Path, **g) -> dict:
    keys = ["po_number", "po_date", "buyer", "supplier", "ship_to", "currency", "payment_terms", "lines", "total"]
    gold = {k: g.get(k) for k in keys}
    path.with_suffix(".expected.json").write_text(json.dumps(gold, indent=1, ensure_ascii=False))
    return gold


def _line(line_no, sku, cpart, desc, qty, uom, price, amount) -> dict:
    return dict(line_no=line_no, sku=sku, customer_part=cpart, description=desc, qty=str(qty), uom=uom,
                unit_price=None if price is None else f"{price:.2f}",
                amount=None if amount is None else f"{amount:.2f}")


# ---------------------------------------------------------------- SAP Smart Forms (ME9F / MEDRUCK)
def make_sap(path: Path, seed: int, *, german: bool = False, n_lines: int = 4) -> dict:
    """SAP purchase order: window address (vendor), info box on the right, items 00010.. with the
    material, "price / per unit" and delivery date sub-lines, "Total net value excl. tax"."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    rnd = random.Random(100 + seed)
    W, H = A4
    po = f"45{rnd.randint(10000000, 99999999)}"
    date = dt.date(2026, rnd.randint(1, 12), rnd.randint(13, 28))
    buyer = rnd.choice(["Nordwerk Maschinenbau GmbH", "Kessler Antriebstechnik AG", "Brandt Industrieservice GmbH"])
    vendor = rnd.choice(["Schraubenwerk Rhein GmbH", "Hydrotec Komponenten KG", "Lagerhaus Weber GmbH"])
    vno = str(rnd.randint(100000, 199999))
    ship_name = "Werk 1000 Wareneingang" if german else "Plant 1000 Goods Receipt"
    ship_addr = ["Industriestraße 12", "70565 Stuttgart"]
    terms = "30 Tage netto" if german else "Within 30 days due net"
    L = dict(title="Bestellung" if german else "Purchase Order",
             pono="Bestellnummer/Datum" if german else "Purchase order No./Date",
             vno="Lieferantennummer" if german else "Vendor number",
             contact="Ansprechpartner" if german else "Contact person",
             tel="Telefon" if german else "Telephone",
             deliver="Bitte liefern Sie an:" if german else "Please deliver to:",
             terms="Zahlungsbedingungen:" if german else "Terms of payment:",
             cols=(["Pos.", "Material", "Bezeichnung", "Menge", "ME", "Preis pro Einheit", "Nettowert"] if german
                   else ["Item", "Material", "Description", "Quantity", "Unit", "Price per unit", "Net value"]),
             ddate="Liefertermin:" if german else "Delivery date:",
             yours="Ihre Materialnummer:" if german else "Your material number:",
             total="Gesamtnettowert ohne Mwst" if german else "Total net value excl. tax",
             page="Seite" if german else "Page")
    dfmt = "%d.%m.%Y"
    lines, total = [], Decimal(0)
    for i in range(n_lines):
        qty = Decimal(rnd.choice([1, 5, 10, 24, 100, 250, 1200]))
        per = rnd.choice([1, 1, 1, 10, 100])
        price_per = Decimal(rnd.randint(50, 90000)) / 100 * (per if per > 1 else 1)
        unit = (price_per / per).quantize(Decimal("0.0001")).normalize()
        amt = (qty * price_per / per).quantize(Q2)
        total += amt
        uom = rnd.choice(["PC", "EA", "KG", "M"]) if not german else rnd.choice(["ST", "KG", "M", "PAK"])
        mat = f"{rnd.choice(['100', '200', '300'])}{rnd.randint(1000, 9999)}"
        yours = f"{rnd.choice(['SW', 'HT', 'LW'])}-{rnd.randint(100, 999)}-{rnd.randint(10, 99)}" if seed % 2 == 0 \
            else None
        ln = _line(f"{(i + 1) * 10:05d}", yours, mat, _desc(rnd), qty, uom, None, amt)
        ln["unit_price"] = f"{unit:.2f}"
        ln["_per"] = (price_per, per)
        ln["_ddate"] = date + dt.timedelta(days=rnd.randint(10, 60))
        lines.append(ln)
    c = canvas.Canvas(str(path), pagesize=A4)
    comma = german

    def page_head(first: bool) -> float:
        c.setFont("Helvetica-Bold", 14)
        c.drawString(300, H - 60, L["title"])
        c.setFont("Helvetica", 8)
        c.drawRightString(W - 40, H - 40, f"{L['page']} {c.getPageNumber()}")
        # the info box (right)
        c.rect(300, H - 175, W - 340, 100)
        rows = [(L["pono"], f"{po} / {date.strftime(dfmt)}"), (L["vno"], vno),
                (L["contact"], rnd_contact), (L["tel"], "+49 711 4455-120")]
        y = H - 90
        for lab, val in rows:
            c.setFont("Helvetica", 7)
            c.drawString(305, y, lab)
            c.setFont("Helvetica", 9)
            c.drawString(305, y - 10, val)
            y -= 22
        if first:
            c.setFont("Helvetica", 6)
            c.drawString(50, H - 100, f"{buyer} · Postfach 1120 · 70001 Stuttgart")
            c.setFont("Helvetica", 10)
            for k, t in enumerate([vendor, "Hafenstraße 8", "68159 Mannheim"]):
                c.drawString(50, H - 118 - 13 * k, t)
            c.setFont("Helvetica-Bold", 16)
            c.drawString(50, H - 50, buyer)
        return H - 200

    rnd_contact = rnd.choice(["Mr. Hoffmann", "Ms. Becker", "Herr Wagner"])
    y = page_head(True)
    c.setFont("Helvetica", 9)
    c.drawString(50, y, L["deliver"])
    for k, t in enumerate([ship_name, *ship_addr]):
        c.drawString(50, y - 12 * (k + 1), t)
    c.drawString(300, y, L["terms"])
    c.drawString(300, y - 12, terms)
    y -= 70
    xs = [50, 90, 150, 350, 395, 470, W - 45]

    def header(y: float) -> float:
        c.setFont("Helvetica-Bold", 8)
        h = L["cols"]
        c.drawString(xs[0], y, h[0])
        c.drawString(xs[1], y, h[1])
        c.drawString(xs[2], y, h[2])
        c.drawRightString(xs[3] + 30, y, h[3])
        c.drawString(xs[4], y, h[4])
        c.drawRightString(xs[5] + 15, y, h[5])
        c.drawRightString(xs[6], y, h[6])
        c.line(45, y - 4, W - 40, y - 4)
        c.setFont("Helvetica", 8)
        return y - 16

    y = header(y)
    for ln in lines:
        need = 40 if ln["sku"] else 28
        if y - need < 80:
            c.showPage()
            y = header(page_head(False) + 40)
        price_per, per = ln["_per"]
        c.drawString(xs[0], y, ln["line_no"])
        c.drawString(xs[1], y, ln["customer_part"])
        c.drawString(xs[2], y, ln["description"])
        c.drawRightString(xs[3] + 30, y, _money(Decimal(ln["qty"]), comma).rsplit("," if comma else ".", 1)[0])
        c.drawString(xs[4], y, ln["uom"])
        c.drawRightString(xs[5] + 15, y, f"{_money(price_per, comma)} / {per} {ln['uom']}")
        c.drawRightString(xs[6], y, _money(Decimal(ln["amount"]), comma))
        y -= 11
        if ln["sku"]:
            c.drawString(xs[2], y, f"{L['yours']} {ln['sku']}")
            y -= 11
        c.drawString(xs[2], y, f"{L['ddate']} {ln['_ddate'].strftime(dfmt)}")
        y -= 16
    c.line(45, y + 6, W - 40, y + 6)
    c.setFont("Helvetica-Bold", 9)
    c.drawString(xs[2], y - 8, L["total"])
    c.drawString(xs[5], y - 8, "EUR")
    c.drawRightString(xs[6], y - 8, _money(total, comma))
    c.save()
    for ln in lines:
        ln.pop("_per")
        ln.pop("_ddate")
    return _gold(path, po_number=po, po_date=date.isoformat(), buyer=buyer, supplier=vendor,
                 ship_to=dict(name=ship_name, address=", ".join(ship_addr)), currency="EUR",
                 payment_terms=terms, lines=lines, total=f"{total:.2f}")


# ---------------------------------------------------------------- Oracle E-Business Suite / BI Publisher
def make_oracle(path: Path, seed: int, *, n_lines: int = 4) -> dict:
    """Oracle "Standard Purchase Order": repeated page header grid (Order, Revision, Order Date, Created By),
    Supplier / Ship To / Bill To boxes, Part Number over a multi-line description, "Total:" on the last page."""
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas

    rnd = random.Random(200 + seed)
    W, H = letter
    po = str(rnd.randint(100000, 999999))
    date = dt.date(2026, rnd.randint(1, 12), rnd.randint(13, 28))
    odate = f"{date.day:02d}-{MONTHS[date.month - 1]}-{date.year}"
    buyer = rnd.choice(["Vision Operations", "Pacific Coast Manufacturing Inc.", "Summit Aerospace Corp."])
    vendor = rnd.choice(["Advanced Network Devices", "Allied Industrial Supply Co.", "Westgate Components Inc."])
    ship_name = rnd.choice(["V1- New York City", "Dock 4 Receiving", "Seattle Distribution Center"])
    ship_addr = ["90 Fifth Avenue", "New York, NY 10011"]
    terms = rnd.choice(["Net 30", "45 Net (terms date + 45)", "2/10 Net 30"])
    lines, total = [], Decimal(0)
    for i in range(n_lines):
        qty = Decimal(rnd.choice([1, 2, 10, 25, 100, 500]))
        price = Decimal(rnd.randint(100, 500000)) / 100
        amt = (qty * price).quantize(Q2)
        total += amt
        part = f"{rnd.choice(['AS', 'CM', 'PN'])}{rnd.randint(10000, 99999)}"
        desc = _desc(rnd, (5, 9))
        ln = _line(str(i + 1), None, part, desc, qty, rnd.choice(["Each", "Box", "Dozen"]), price, amt)
        ln["_dd"] = date + dt.timedelta(days=rnd.randint(5, 40))
        lines.append(ln)
    c = canvas.Canvas(str(path), pagesize=letter)
    xs = dict(line=40, part=70, dd=290, qty=405, uom=415, price=500, tax=520, amt=W - 40)
    pages_holder = {"n": 0}

    def page_head() -> float:
        pages_holder["n"] += 1
        c.setFont("Helvetica-Bold", 12)
        c.drawString(40, H - 45, buyer)
        c.setFont("Helvetica", 8)
        c.drawString(40, H - 57, "200 Oracle Parkway, Redwood Shores, CA 94065")
        c.setFont("Helvetica-Bold", 13)
        c.drawRightString(W - 40, H - 45, "Standard Purchase Order")
        # header grid: labels row, values row
        gx = [330, 400, 450, 520]
        c.rect(325, H - 100, W - 365, 32)
        c.setFont("Helvetica-Bold", 7)
        for x, lab in zip(gx, ["Order", "Revision", "Order Date", "Page"], strict=True):
            c.drawString(x, H - 78, lab)
        c.setFont("Helvetica", 8)
        for x, val in zip(gx, [po, "0", odate, f"{pages_holder['n']}"], strict=True):
            c.drawString(x, H - 92, val)
        c.setFont("Helvetica-Bold", 7)
        c.drawString(330, H - 112, "Created By:")
        c.setFont("Helvetica", 8)
        c.drawString(385, H - 112, "Stock, Pat")
        return H - 130

    def col_head(y: float) -> float:
        c.setFont("Helvetica-Bold", 7.5)
        c.drawString(xs["line"], y, "Line")
        c.drawString(xs["part"], y, "Part Number / Description")
        c.drawString(xs["dd"], y, "Delivery Date/Time")
        c.drawRightString(xs["qty"], y, "Quantity")
        c.drawString(xs["uom"], y, "UOM")
        c.drawRightString(xs["price"], y, "Unit Price (USD)")
        c.drawString(xs["tax"], y, "Tax")
        c.drawRightString(xs["amt"], y, "Amount")
        c.line(38, y - 4, W - 38, y - 4)
        c.setFont("Helvetica", 8)
        return y - 15

    y = page_head()
    c.setFont("Helvetica-Bold", 8)
    for x, lab in ((40, "Supplier:"), (220, "Ship To:"), (400, "Bill To:")):
        c.drawString(x, y, lab)
    c.setFont("Helvetica", 8)
    blocks = [[vendor, "1200 Technology Way", "San Jose, CA 95134"], [ship_name, *ship_addr],
              [buyer, "Accounts Payable", "PO Box 5510", "Redwood Shores, CA 94065"]]
    for x, blk in zip((40, 220, 400), blocks, strict=True):
        for k, t in enumerate(blk):
            c.drawString(x, y - 11 * (k + 1), t)
    y -= 62
    c.setFont("Helvetica-Bold", 7)
    for x, lab in ((40, "Customer Account No."), (160, "Supplier No."), (260, "Payment Terms"), (400, "Freight Terms"),
                   (480, "FOB")):
        c.drawString(x, y, lab)
    c.setFont("Helvetica", 8)
    for x, val in ((40, "C-1001"), (160, str(rnd.randint(1000, 9999))), (260, terms), (400, "Due"),
                   (480, "Origin")):
        c.drawString(x, y - 11, val)
    y = col_head(y - 34)
    for ln in lines:
        words = ln["description"].split()
        wrapped, cur = [], ""
        for w in words:
            if len(cur) + len(w) + 1 > 34:
                wrapped.append(cur)
                cur = w
            else:
                cur = f"{cur} {w}".strip()
        wrapped.append(cur)
        need = 11 * (len(wrapped) + 1) + 6
        if y - need < 60:
            c.setFont("Helvetica", 7)
            c.drawString(40, 30, "Continued on next page")
            c.showPage()
            y = col_head(page_head())
        c.drawString(xs["line"], y, ln["line_no"])
        c.drawString(xs["part"], y, ln["customer_part"])
        d = ln["_dd"]
        c.drawString(xs["dd"], y, f"{d.day:02d}-{MONTHS[d.month - 1]}-{d.year} 00:00:00")
        c.drawRightString(xs["qty"], y, str(ln["qty"]))
        c.drawString(xs["uom"], y, ln["uom"])
        c.drawRightString(xs["price"], y, _money(Decimal(ln["unit_price"])))
        c.drawRightString(xs["amt"], y, _money(Decimal(ln["amount"])))
        for t in wrapped:
            y -= 11
            c.drawString(xs["part"], y, t)
        y -= 17
    c.line(38, y + 8, W - 38, y + 8)
    c.setFont("Helvetica-Bold", 9)
    c.drawRightString(xs["price"], y - 6, "Total:")
    c.drawRightString(xs["amt"], y - 6, _money(total))
    c.save()
    for ln in lines:
        ln.pop("_dd")
    return _gold(path, po_number=po, po_date=date.isoformat(), buyer=buyer, supplier=vendor,
                 ship_to=dict(name=ship_name, address=", ".join(ship_addr)), currency="USD",
                 payment_terms=terms, lines=lines, total=f"{total:.2f}")


# ---------------------------------------------------------------- JD Edwards World / IBM i spool file
def make_jde(path: Path, seed: int, *, n_lines: int = 5) -> dict:
    """Courier 10-pitch spool: dashes as rules, dotted-leader header fields, right-aligned numbers,
    JDE line numbers ``1.000``, descriptions hard-wrapped mid-word at a fixed width, PAGE n headers."""
    from reportlab.lib.pagesizes import landscape, letter
    from reportlab.pdfgen import canvas

    rnd = random.Random(300 + seed)
    W, H = landscape(letter)
    po = str(rnd.randint(4500000, 4599999))
    date = dt.date(2026, rnd.randint(1, 12), rnd.randint(13, 28))
    buyer = rnd.choice(["MIDWEST FOODS DISTRIBUTION", "GREAT LAKES PAPER CO", "PRAIRIE STATE UTILITIES"])
    vendor = rnd.choice(["CENTRAL STATES PACKAGING", "ACME INDUSTRIAL SUPPLY", "TRI-COUNTY ELECTRIC SUPPLY"])
    ship_name = rnd.choice(["DC 20 - JOLIET", "PLANT 10 RECEIVING"])
    ship_addr = ["1500 CHANNAHON RD", "JOLIET IL 60436"]
    terms = rnd.choice(["NET 30 DAYS", "2% 10 NET 30"])
    DW = 24  # description field width (characters)
    lines, total = [], Decimal(0)
    for i in range(n_lines):
        qty = Decimal(rnd.choice([1, 12, 48, 100, 2400]))
        price = Decimal(rnd.randint(10, 200000)) / 1000 if i % 3 == 1 else Decimal(rnd.randint(100, 90000)) / 100
        amt = (qty * price).quantize(Q2)
        total += amt
        desc = _desc(rnd, (3, 6)).upper()
        ln = _line(f"{i + 1}.000", None, str(rnd.randint(100000, 999999)), desc, qty,
                   rnd.choice(["EA", "CS", "BX", "LB"]), price, amt)
        ln["unit_price"] = f"{price:.4f}"  # JDE prints unit cost with four decimals
        lines.append(ln)
    c = canvas.Canvas(str(path), pagesize=(W, H))
    fs, lh = 9, 10.5
    state = {"y": 0.0, "page": 0}

    def put(text: str = "") -> None:
        c.drawString(30, state["y"], text)
        state["y"] -= lh

    def head() -> None:
        state["page"] += 1
        c.setFont("Courier", fs)
        state["y"] = H - 36
        put(f"{'R43500':<12}{buyer:^80}{'PAGE':>12}{state['page']:>6}")
        put(f"{'':<12}{'PURCHASE ORDER':^80}{'DATE':>12}{date.strftime('%m/%d/%y'):>10}")
        put("-" * 120)

    def col_head() -> None:
        put(f"{'LINE':>7}  {'ITEM NUMBER':<12}{'DESCRIPTION':<{DW + 2}}{'QUANTITY':>10} {'UM':<3}"
            f"{'UNIT COST':>14}{'EXTENDED COST':>16}  {'PROMISED':<8}")
        put("-" * 120)

    head()
    put()
    put(f"ORDER NUMBER ........ {po:<20}ORDER DATE ........ {date.strftime('%m/%d/%y')}")
    put(f"SUPPLIER ............ {vendor:<40}")
    put("                      1400 INDUSTRIAL PKWY")
    put("                      ROCKFORD IL 61109")
    put(f"SHIP TO ............. {ship_name}")
    for a in ship_addr:
        put(f"                      {a}")
    put(f"PAYMENT TERMS ....... {terms}")
    put("CURRENCY ............ USD")
    put()
    col_head()
    for ln in lines:
        chunks = [ln["description"][k:k + DW] for k in range(0, len(ln["description"]), DW)]
        if state["y"] - lh * len(chunks) < 50:
            c.showPage()
            head()
            col_head()
        prom = (date + dt.timedelta(days=14)).strftime("%m/%d/%y")
        put(f"{ln['line_no']:>7}  {ln['customer_part']:<12}{chunks[0]:<{DW + 2}}{ln['qty']:>10} {ln['uom']:<3}"
            f"{Decimal(ln['unit_price']):>14,.4f}"
            f"{_money(Decimal(ln['amount'])):>16}  {prom:<8}")
        for ch in chunks[1:]:
            put(f"{'':>7}  {'':<12}{ch}")
    put("-" * 120)
    put(f"{'':>7}  {'':<12}{'ORDER TOTAL':<{DW + 2}}{'':>10} {'':<3}{'':>14}{_money(total):>16}")
    c.save()
    return _gold(path, po_number=po, po_date=date.isoformat(), buyer=buyer, supplier=vendor,
                 ship_to=dict(name=ship_name, address=", ".join(ship_addr)), currency="USD",
                 payment_terms=terms, lines=lines, total=f"{total:.2f}")


# ---------------------------------------------------------------- Microsoft Dynamics 365 Business Central / NAV
def make_dynamics(path: Path, seed: int, *, n_lines: int = 4) -> dict:
    """NAV/BC report 405 "Order": "Order No.", "Buy-from Vendor No.", "Expected Receipt Date", line columns
    "No. / Description / Quantity / Unit of Measure / Direct Unit Cost Excl. VAT / Line Amount Excl. VAT",
    totals "Total USD Excl. VAT", "VAT Amount", "Total USD Incl. VAT"."""
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas

    rnd = random.Random(400 + seed)
    W, H = letter
    po = f"{rnd.choice(['106', '1060', 'PO-'])}{rnd.randint(100, 999)}"
    date = dt.date(2026, rnd.randint(1, 12), rnd.randint(13, 28))
    buyer = rnd.choice(["CRONUS USA, Inc.", "Fabrikam Industries Inc.", "Contoso Outdoor Ltd."])
    vendor = rnd.choice(["Fabrikam, Inc.", "First Up Consultants", "Graphic Design Institute", "London Postmaster"])
    ship_name = buyer
    ship_addr = ["7122 South Ashford Street", "Atlanta, GA 31772"]
    terms = rnd.choice(["1 Month/2% 8 days", "Net 30 days", "14 days"])
    lines, total = [], Decimal(0)
    for i in range(n_lines):
        qty = Decimal(rnd.choice([1, 2, 8, 20, 150]))
        price = Decimal(rnd.randint(100, 250000)) / 100
        amt = (qty * price).quantize(Q2)
        total += amt
        item = rnd.choice(["1896-S", "1900-S", "1906-S", "1920-S", "70000", "70010", "LS-75", "LS-MAN-10"]) + \
            ("" if i < 8 else f"-{i}")
        lines.append(_line(None, None, item, _desc(rnd, (2, 4)), qty, rnd.choice(["Piece", "Box", "Set"]),
                           price, amt))
    vat = (total * Decimal("0.08")).quantize(Q2)
    c = canvas.Canvas(str(path), pagesize=letter)
    xs = dict(no=40, desc=110, qty=350, uom=360, price=490, amt=W - 40)

    def page_head(first: bool) -> float:
        c.setFont("Helvetica-Bold", 14)
        c.drawRightString(W - 40, H - 45, "Order")
        c.setFont("Helvetica", 8)
        c.drawRightString(W - 40, H - 58, f"Page {c.getPageNumber()}")
        if not first:
            c.drawString(40, H - 45, f"Order No. {po}")
            return H - 80
        c.setFont("Helvetica", 9)
        for k, t in enumerate([vendor, "Attn: Sales Department", "10 North Lake Avenue", "Miami, FL 37125"]):
            c.drawString(40, H - 90 - 11 * k, t)
        for k, t in enumerate([buyer, "7122 South Ashford Street", "Atlanta, GA 31772"]):
            c.drawString(360, H - 90 - 11 * k, t)
        info = [("Phone No.", "+1 425 555 0100"), ("VAT Registration No.", "US-777777777"),
                ("Buy-from Vendor No.", str(rnd.randint(10000, 49999))), ("Order No.", po),
                ("Document Date", date.strftime("%B %d, %Y").replace(" 0", " ")),
                ("Expected Receipt Date", (date + dt.timedelta(days=7)).strftime("%B %d, %Y").replace(" 0", " ")),
                ("Purchaser", "Annette Hill"), ("Payment Terms", terms), ("Prices Including VAT", "No")]
        y = H - 140
        for lab, val in info:
            c.drawString(360, y, lab)
            c.drawString(470, y, val)
            y -= 11
        c.setFont("Helvetica-Bold", 9)
        c.drawString(40, H - 150, "Ship-to Address")
        c.setFont("Helvetica", 9)
        for k, t in enumerate([ship_name, *ship_addr]):
            c.drawString(40, H - 162 - 11 * k, t)
        return y - 20

    def col_head(y: float) -> float:
        c.setFont("Helvetica-Bold", 8)
        c.drawString(xs["no"], y, "No.")
        c.drawString(xs["desc"], y, "Description")
        c.drawRightString(xs["qty"], y, "Quantity")
        c.drawString(xs["uom"], y, "Unit of Measure")
        c.drawRightString(xs["price"], y + 9, "Direct Unit Cost")
        c.drawRightString(xs["price"], y, "Excl. VAT")
        c.drawRightString(xs["amt"], y + 9, "Line Amount")
        c.drawRightString(xs["amt"], y, "Excl. VAT")
        c.line(38, y - 4, W - 38, y - 4)
        c.setFont("Helvetica", 8.5)
        return y - 15

    y = col_head(page_head(True))
    for ln in lines:
        if y < 70:
            c.showPage()
            y = col_head(page_head(False))
        c.drawString(xs["no"], y, ln["customer_part"])
        c.drawString(xs["desc"], y, ln["description"])
        c.drawRightString(xs["qty"], y, ln["qty"])
        c.drawString(xs["uom"], y, ln["uom"])
        c.drawRightString(xs["price"], y, _money(Decimal(ln["unit_price"])))
        c.drawRightString(xs["amt"], y, _money(Decimal(ln["amount"])))
        y -= 13
    c.line(300, y + 5, W - 38, y + 5)
    c.setFont("Helvetica", 8.5)
    for lab, val, bold in (("Total USD Excl. VAT", total, False), ("8% VAT", vat, False),
                           ("Total USD Incl. VAT", total + vat, True)):
        c.setFont("Helvetica-Bold" if bold else "Helvetica", 8.5)
        c.drawString(300, y - 8, lab)
        c.drawRightString(xs["amt"], y - 8, _money(val))
        y -= 12
    c.save()
    return _gold(path, po_number=po, po_date=date.isoformat(), buyer=buyer, supplier=vendor,
                 ship_to=dict(name=ship_name, address=", ".join(ship_addr)), currency="USD",
                 payment_terms=terms, lines=lines, total=f"{total + vat:.2f}")


# ---------------------------------------------------------------- Crystal Reports / Word template small business
def make_smallbiz(path: Path, seed: int, *, n_lines: int = 5) -> dict:
    """Word/Crystal template: logo text, "P.O. #" and "DATE" top right, VENDOR and SHIP TO boxes side by side,
    QTY | ITEM # | DESCRIPTION | UNIT PRICE | TOTAL grid, SUBTOTAL / TAX / SHIPPING / TOTAL stack."""
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas

    rnd = random.Random(500 + seed)
    W, H = letter
    po = rnd.choice(["", "PO-", "2026-"]) + str(rnd.randint(1000, 9999))
    date = dt.date(2026, rnd.randint(1, 12), rnd.randint(13, 28))
    buyer = rnd.choice(["Blue Heron Bakery", "Maple Street Dental Group", "Riverside Print Shop LLC"])
    vendor = rnd.choice(["Restaurant Depot Supply", "Office Essentials Inc.", "Valley Paper & Packaging"])
    ship_name = rnd.choice(["Blue Heron Bakery - Kitchen", "Back Office", "Main Store"])
    ship_addr = ["418 Maple Street", "Portland, OR 97205"]
    lines, sub = [], Decimal(0)
    for _i in range(n_lines):
        qty = Decimal(rnd.choice([1, 2, 3, 6, 10, 24]))
        price = Decimal(rnd.randint(199, 40000)) / 100
        amt = (qty * price).quantize(Q2)
        sub += amt
        # an unqualified "ITEM #" on the buyer's PO: the buyer's own item number (docs/real/po README)
        lines.append(_line(None, None, f"{rnd.choice(['A', 'B', 'OE', 'VP'])}{rnd.randint(100, 9999)}",
                           _desc(rnd, (2, 4)), qty, None, price, amt))
    tax = (sub * Decimal("0.0725")).quantize(Q2)
    ship = Decimal(rnd.choice(["15.00", "0.00", "27.50"]))
    total = sub + tax + ship
    c = canvas.Canvas(str(path), pagesize=letter)
    c.setFont("Helvetica-Bold", 20)
    c.drawString(40, H - 55, buyer)
    c.setFont("Helvetica", 9)
    for k, t in enumerate(["418 Maple Street", "Portland, OR 97205", "Phone: (503) 555-0142"]):
        c.drawString(40, H - 72 - 11 * k, t)
    c.setFont("Helvetica-Bold", 22)
    c.drawRightString(W - 40, H - 55, "PURCHASE ORDER")
    c.setFont("Helvetica-Bold", 9)
    c.drawRightString(W - 130, H - 80, "DATE")
    c.drawRightString(W - 130, H - 94, "P.O. #")
    c.setFont("Helvetica", 9)
    c.rect(W - 125, H - 98, 85, 28)
    c.drawString(W - 120, H - 80, date.strftime("%m/%d/%Y"))
    c.drawString(W - 120, H - 94, po)
    # two boxes side by side
    by = H - 130
    for x, title, blk in ((40, "VENDOR", [vendor, "Attn: Order Desk", "2200 Commerce Blvd", "Salem, OR 97301"]),
                          (320, "SHIP TO", [ship_name, *ship_addr])):
        c.setFillGray(0.2)
        c.rect(x, by - 2, 250, 14, fill=1)
        c.setFillGray(1)
        c.setFont("Helvetica-Bold", 9)
        c.drawString(x + 4, by + 1, title)
        c.setFillGray(0)
        c.setFont("Helvetica", 9)
        for k, t in enumerate(blk):
            c.drawString(x + 4, by - 14 - 11 * k, t)
    y = by - 80
    cols = [(40, 80, "QTY"), (80, 160, "ITEM #"), (160, 400, "DESCRIPTION"), (400, 480, "UNIT PRICE"),
            (480, W - 40, "TOTAL")]

    def grid_head(y: float) -> float:
        c.setFillGray(0.2)
        c.rect(40, y - 3, W - 80, 14, fill=1)
        c.setFillGray(1)
        c.setFont("Helvetica-Bold", 8.5)
        for a, b, t in cols:
            c.drawCentredString((a + b) / 2, y + 1, t)
        c.setFillGray(0)
        c.setFont("Helvetica", 9)
        return y - 16

    y = grid_head(y)
    for ln in lines:
        if y < 130:
            c.showPage()
            y = grid_head(H - 60)
        c.rect(40, y - 4, W - 80, 15)
        c.drawRightString(75, y, ln["qty"])
        c.drawString(84, y, ln["customer_part"])
        c.drawString(164, y, ln["description"])
        c.drawRightString(476, y, _money(Decimal(ln["unit_price"])))
        c.drawRightString(W - 44, y, _money(Decimal(ln["amount"])))
        y -= 15
    y -= 10
    for lab, val in (("SUBTOTAL", sub), ("TAX", tax), ("SHIPPING", ship), ("TOTAL", total)):
        c.setFont("Helvetica-Bold" if lab == "TOTAL" else "Helvetica", 9)
        c.drawRightString(476, y, lab)
        c.drawRightString(W - 44, y, f"$ {_money(val)}")
        y -= 14
    c.setFont("Helvetica", 8)
    c.drawString(40, y - 10, "Please send two copies of your invoice. Notify us immediately if unable to ship.")
    c.drawString(40, y - 22, "Authorized by ____________________  Date __________")
    c.save()
    return _gold(path, po_number=po, po_date=date.isoformat(), buyer=buyer, supplier=vendor,
                 ship_to=dict(name=ship_name, address=", ".join(ship_addr)), currency="USD",
                 payment_terms=None, lines=lines, total=f"{total:.2f}")


STYLES = {
    "sap": [lambda p: make_sap(p, 0, n_lines=4), lambda p: make_sap(p, 1, german=True, n_lines=5),
            lambda p: make_sap(p, 2, n_lines=24)],
    "oracle": [lambda p: make_oracle(p, 0, n_lines=3), lambda p: make_oracle(p, 1, n_lines=16)],
    "jde": [lambda p: make_jde(p, 0, n_lines=5), lambda p: make_jde(p, 1, n_lines=40)],
    "dynamics": [lambda p: make_dynamics(p, 0, n_lines=4), lambda p: make_dynamics(p, 1, n_lines=45)],
    "smallbiz": [lambda p: make_smallbiz(p, 0, n_lines=3), lambda p: make_smallbiz(p, 1, n_lines=38)],
}


def make_all(out: Path) -> list[Path]:
    """Write every style's documents as ``STYLE_K.pdf`` + gold into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for style, makers in STYLES.items():
        for k, mk in enumerate(makers):
            p = out / f"{style}_{k}.pdf"
            mk(p)
            paths.append(p)
    return paths


if __name__ == "__main__":
    for p in make_all(Path(sys.argv[1] if len(sys.argv) > 1 else "erp_out")):
        print(p)
