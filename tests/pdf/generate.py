"""Reportlab PO generator with gold JSON: varied layouts (ruled/unruled, multi-page, landscape,
decimal comma, EN/DE/FR/ES/NL labels). ``python tests/pdf/generate.py OUTDIR N`` writes N pairs."""

from __future__ import annotations

import json
import random
import sys
from decimal import Decimal
from pathlib import Path

LANGS = {
    "en": dict(title="PURCHASE ORDER", po="PO Number:", date="PO Date:", terms="Payment Terms:", vendor="Vendor:",
               ship="Ship To", cols=["Line", "Item Code", "Description", "Qty", "UOM", "Unit Price", "Amount"],
               total="TOTAL", terms_v="Net 30", comma=False, fmt="%m/%d/%Y"),
    "de": dict(title="BESTELLUNG", po="Bestellnummer:", date="Bestelldatum:", terms="Zahlungsbedingungen:",
               vendor="Lieferant:", ship="Lieferadresse", cols=["Pos", "Artikelnummer", "Bezeichnung", "Menge",
                                                                "Einheit", "Einzelpreis", "Betrag"],
               total="Gesamtbetrag", terms_v="30 Tage netto", comma=True, fmt="%d.%m.%Y"),
    "fr": dict(title="BON DE COMMANDE", po="N° de commande :", date="Date de commande :",
               terms="Conditions de paiement :", vendor="Fournisseur :", ship="Adresse de livraison",
               cols=["N°", "Référence", "Désignation", "Quantité", "Unité", "Prix unitaire", "Montant"],
               total="Total TTC", terms_v="30 jours fin de mois", comma=True, fmt="%d/%m/%Y"),
    "es": dict(title="ORDEN DE COMPRA", po="Número de pedido:", date="Fecha del pedido:", terms="Condiciones de pago:",
               vendor="Proveedor:", ship="Dirección de entrega", cols=["Nº", "Código", "Descripción", "Cantidad",
                                                                       "Unidad", "Precio unitario", "Importe"],
               total="Importe total", terms_v="60 días", comma=True, fmt="%d/%m/%Y"),
    "nl": dict(title="INKOOPORDER", po="Bestelnummer:", date="Besteldatum:", terms="Betalingsvoorwaarden:",
               vendor="Leverancier:", ship="Afleveradres", cols=["Nr", "Artikel", "Omschrijving", "Aantal",
                                                                 "Eenheid", "Prijs per eenheid", "Bedrag"],
               total="Totaal", terms_v="30 dagen netto", comma=True, fmt="%d-%m-%Y"),
}
WORDS = ["Hex", "Cap", "Screw", "Flat", "Washer", "Nylon", "Bracket", "Steel", "Zinc", "Plated", "Hose", "Coupler", "Valve", "Brass", "Fitting", "Gasket", "Seal"]
UOMS = ["EA", "CS", "BX", "PK", "RL"]


def money(v: Decimal, comma: bool) -> str:
    s = f"{v:,.2f}"
    return s.replace(",", " ").replace(".", ",") if comma else s


def make(path: Path, seed: int) -> dict:
    import datetime as dt

    from reportlab.lib.pagesizes import A4, landscape, letter
    from reportlab.pdfgen import canvas

    rnd = random.Random(seed)
    lang = rnd.choice(list(LANGS))
    L = LANGS[lang]
    size = rnd.choice([letter, A4, landscape(A4)])
    ruled = rnd.random() < 0.5
    n_lines = rnd.choice([2, 5, 9, 30, 45])
    po = f"PO-{rnd.randint(10000, 99999)}"
    date = dt.date(2026, rnd.randint(1, 12), rnd.randint(13, 28))
    buyer = rnd.choice(["Acme Industrial Supply Inc.", "Nordwerk GmbH", "Durand & Fils SARL", "Hortus BV"])
    vendor = rnd.choice(["Grafton-Reese MRO", "Boltcraft Ltd", "Fixations Martin SA"])
    lines, total = [], Decimal(0)
    for i in range(n_lines):
        qty = Decimal(rnd.choice([1, 5, 12, 40, 150, 1200]))
        price = Decimal(rnd.randint(5, 250000)) / 100
        amt = (qty * price).quantize(Decimal("0.01"))
        total += amt
        desc = " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(2, 4)))
        lines.append(dict(line_no=str(i + 1), sku=f"SK-{rnd.randint(1000, 9999)}-{i}", customer_part=None,
                          description=desc, qty=str(qty), uom=rnd.choice(UOMS), unit_price=f"{price:.2f}",
                          amount=f"{amt:.2f}"))
    c = canvas.Canvas(str(path), pagesize=size)
    W, H = size
    c.setFont("Helvetica-Bold", 16)
    c.drawString(40, H - 50, buyer)
    c.setFont("Helvetica-Bold", 13)
    c.drawString(W - 250, H - 50, L["title"])
    c.setFont("Helvetica", 9)
    y = H - 90
    for label, value in ((L["po"], po), (L["date"], date.strftime(L["fmt"])), (L["terms"], L["terms_v"]),
                         (L["vendor"], vendor)):
        c.drawString(40, y, label)
        c.drawString(160, y, value)
        y -= 14
    c.drawString(40, y - 6, L["ship"])
    ship_name, ship_addr = "Main Warehouse", ["12 Harbour Road", "Springfield 40110"]
    c.drawString(40, y - 20, ship_name)
    for k, a in enumerate(ship_addr):
        c.drawString(40, y - 32 - 12 * k, a)
    y -= 80
    xs = [40, 70, 150, 0.5 * W, 0.5 * W + 45, 0.5 * W + 110, W - 60]

    def header(y: float) -> float:
        c.setFont("Helvetica-Bold", 8.5)
        for x, name in zip(xs, L["cols"], strict=True):
            (c.drawRightString if x >= xs[5] else c.drawString)(x + (40 if x >= xs[5] else 0), y, name)
        if ruled:
            c.line(35, y - 4, W - 20, y - 4)
        c.setFont("Helvetica", 8.5)
        return y - 18

    y = header(y)
    for ln in lines:
        if y < 70:
            c.drawString(40, 30, f"Page {c.getPageNumber()}")
            c.showPage()
            y = header(H - 50)
        vals = [ln["line_no"], ln["sku"], ln["description"], ln["qty"], ln["uom"],
                money(Decimal(ln["unit_price"]), L["comma"]), money(Decimal(ln["amount"]), L["comma"])]
        for x, v in zip(xs, vals, strict=True):
            (c.drawRightString if x >= xs[5] else c.drawString)(x + (40 if x >= xs[5] else 0), y, v)
        if ruled:
            c.line(35, y - 4, W - 20, y - 4)
        y -= 15
    c.setFont("Helvetica-Bold", 9)
    c.drawString(xs[5] - 30, y - 10, L["total"])
    c.drawRightString(xs[6] + 40, y - 10, money(total, L["comma"]))
    c.save()
    gold = dict(po_number=po, po_date=date.isoformat(), buyer=buyer, supplier=vendor,
                ship_to=dict(name=ship_name, address=", ".join(ship_addr)), currency=None,
                payment_terms=L["terms_v"], lines=lines, total=f"{total:.2f}")
    path.with_suffix(".expected.json").write_text(json.dumps(gold, indent=1, ensure_ascii=False))
    return gold


HARD_WORDS = ["Stainless", "Socket", "Head", "Cap", "Screw", "Metric", "Thread", "Assortment", "Heavy", "Duty",
              "Cable", "Tie", "Black", "UV", "Resistant", "Pneumatic", "Quick", "Release", "Coupling", "Female"]


def make_hard(path: Path, seed: int, *, po_label: str = "PO Number", part_header: str = "Our Part",
              sku_header: str = "Vendor Part") -> dict:
    """Harder English layouts: labels above values, Ship To / Bill To side by side, buyer part + vendor
    part + UOM columns, $ prices, descriptions wrapped over 2-3 lines, subtotal/tax/total rows, no rulings."""
    import datetime as dt

    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas

    rnd = random.Random(1000 + seed)
    W, H = letter
    po = f"{rnd.choice(['45', '77', 'PO'])}{rnd.randint(100000, 999999)}"
    date = dt.date(2026, rnd.randint(1, 12), rnd.randint(1, 12))  # ambiguous day/month…
    due = dt.date(2026, rnd.randint(1, 12), rnd.randint(13, 28))  # …resolved by a day > 12 (US: MM/DD)
    buyer = rnd.choice(["Keystone Fabrication LLC", "Harborline Marine Corp.", "Pinecrest Foods Inc."])
    vendor = rnd.choice(["Allied Fastener Supply", "Midwest Industrial Parts Co.", "Summit Tooling Ltd"])
    ship = (rnd.choice(["Plant 2 Receiving", "Dock 4"]), ["1800 Industrial Pkwy", "Dayton, OH 45414"])
    bill = ("Accounts Payable", ["PO Box 5521", "Dayton, OH 45401"])
    c = canvas.Canvas(str(path), pagesize=letter)
    c.setFont("Helvetica-Bold", 18)
    c.drawString(40, H - 48, buyer)
    c.setFont("Helvetica-Bold", 14)
    c.drawRightString(W - 40, H - 48, "PURCHASE ORDER")
    # labels above values (value-below-label), four boxes in a row
    c.setFont("Helvetica-Bold", 8)
    heads = [(po_label, po), ("Order Date", date.strftime("%m/%d/%Y")), ("Required Date", due.strftime("%m/%d/%Y")),
             ("Payment Terms", "2% 10 Net 30")]
    for k, (lab, val) in enumerate(heads):
        x = 40 + k * 135
        c.setFont("Helvetica-Bold", 8)
        c.drawString(x, H - 80, lab)
        c.setFont("Helvetica", 9)
        c.drawString(x, H - 92, val)
    c.setFont("Helvetica-Bold", 8)
    c.drawString(40, H - 116, "Vendor:")
    c.setFont("Helvetica", 9)
    c.drawString(80, H - 116, vendor)
    # Ship To / Bill To side by side
    for x, title, (name, addr) in ((40, "Ship To:", ship), (320, "Bill To:", bill)):
        c.setFont("Helvetica-Bold", 9)
        c.drawString(x, H - 140, title)
        c.setFont("Helvetica", 9)
        for k, t in enumerate([name, *addr]):
            c.drawString(x, H - 152 - 11 * k, t)
    cols = [(40, "Line", "l"), (68, part_header, "l"), (130, sku_header, "l"), (200, "Description", "l"),
            (400, "Qty", "r"), (412, "UOM", "l"), (505, "Unit Price", "r"), (572, "Extended", "r")]

    def header(y: float) -> float:
        c.setFont("Helvetica-Bold", 8)
        for x, name, al in cols:
            (c.drawRightString if al == "r" else c.drawString)(x, y, name)
        c.setFont("Helvetica", 8)
        return y - 16

    y = header(H - 215)
    lines, sub = [], Decimal(0)
    for i in range(rnd.choice([3, 6, 12, 24])):
        qty = Decimal(rnd.choice([2, 10, 24, 100, 250, 1500]))
        price = Decimal(rnd.randint(50, 90000)) / 100
        amt = (qty * price).quantize(Decimal("0.01"))
        sub += amt
        n = rnd.choice([3, 4, 7, 10, 13])
        desc = " ".join(rnd.choice(HARD_WORDS) for _ in range(n))
        wrapped, cur = [], ""
        for w in desc.split():  # word-wrap at ~34 characters: 1-3 printed lines
            if cur and len(cur) + 1 + len(w) > 34:
                wrapped.append(cur)
                cur = w
            else:
                cur = f"{cur} {w}".strip()
        wrapped.append(cur)
        need = 12 * len(wrapped) + 4
        if y - need < 60:
            c.drawString(40, 30, f"Page {c.getPageNumber()}")
            c.showPage()
            y = header(H - 50)
        ln = dict(line_no=str(i + 1), sku=f"{rnd.choice(['AF', 'MW', 'ST'])}-{rnd.randint(10000, 99999)}",
                  customer_part=f"{rnd.randint(100000, 999999)}", description=desc, qty=str(qty),
                  uom=rnd.choice(["EA", "BX", "CS", "FT"]), unit_price=f"{price:.2f}", amount=f"{amt:.2f}")
        lines.append(ln)
        vals = [ln["line_no"], ln["customer_part"], ln["sku"], wrapped[0], f"{qty:,}", ln["uom"], f"${price:,.2f}",
                f"${amt:,.2f}"]
        for (x, _, al), v in zip(cols, vals, strict=True):
            (c.drawRightString if al == "r" else c.drawString)(x, y, v)
        for k, extra in enumerate(wrapped[1:], 1):
            c.drawString(200, y - 11 * k, extra)
        y -= need
    tax = (sub * Decimal("0.0725")).quantize(Decimal("0.01"))
    total = sub + tax
    if y < 110:
        c.showPage()
        y = H - 60
    c.setFont("Helvetica", 9)
    for k, (lab, val) in enumerate((("Subtotal", sub), ("Sales Tax 7.25%", tax), ("Total", total))):
        c.drawRightString(505, y - 14 - 13 * k, lab)
        c.drawRightString(572, y - 14 - 13 * k, f"${val:,.2f}")
    c.save()
    gold = dict(po_number=po, po_date=date.isoformat(), buyer=buyer, supplier=vendor,
                ship_to=dict(name=ship[0], address=", ".join(ship[1])), currency="USD",
                payment_terms="2% 10 Net 30", lines=lines, total=f"{total:.2f}")
    path.with_suffix(".expected.json").write_text(json.dumps(gold, indent=1, ensure_ascii=False))
    return gold


VARIED_PO = ["P.O. #", "Order No.", "Purchase Order No", "PO Number", "P.O. No.", "Order Number"]
VARIED_DATE = ["Date Ordered", "Order Date", "PO Date", "Date"]
VARIED_SHIP = ["Deliver To", "Ship-To Address", "Ship To", "Delivery Address"]
VARIED_TOTAL = ["Grand Total", "Order Total", "Total Due", "Total Amount"]
VARIED_COLS = [  # (header, role) left to right; roles name the gold field
    [("Line", "line_no"), ("Item No.", "sku"), ("Description", "description"), ("Qty Ordered", "qty"),
     ("UOM", "uom"), ("Unit Price", "unit_price"), ("Amount", "amount")],
    [("Item #", "sku"), ("Description", "description"), ("Quantity", "qty"), ("Unit", "uom"),
     ("Price", "unit_price"), ("Ext. Price", "amount")],
    [("Ln", "line_no"), ("Part Number", "sku"), ("Item Description", "description"), ("Qty", "qty"),
     ("U/M", "uom"), ("Unit Cost", "unit_price"), ("Extended", "amount")],
    [("Line", "line_no"), ("Our Item", "customer_part"), ("Vendor Item No.", "sku"), ("Description", "description"),
     ("Ordered", "qty"), ("UOM", "uom"), ("Price", "unit_price"), ("Line Total", "amount")],
]
VARIED_UOMS = [["Each", "Case", "Box"], ["EA", "CS", "PK"], ["each", "case", "roll"]]


def make_varied(path: Path, seed: int) -> dict:
    """Unseen-layout variety (English): other labels for the PO number, date, ship-to and total,
    header fields in ruled key/value boxes or as ``label: value`` text, other column sets (an
    "Item No." beside a "Line" column), UOM words, ``$`` prices with thousands separators."""
    import datetime as dt

    from reportlab.lib.pagesizes import A4, letter
    from reportlab.pdfgen import canvas

    rnd = random.Random(7000 + seed)
    size = rnd.choice([letter, A4])
    W, H = size
    po_label, date_label = VARIED_PO[seed % len(VARIED_PO)], VARIED_DATE[seed % len(VARIED_DATE)]
    ship_label, total_label = VARIED_SHIP[seed % len(VARIED_SHIP)], VARIED_TOTAL[(seed // 2) % len(VARIED_TOTAL)]
    cols = VARIED_COLS[seed % len(VARIED_COLS)]
    uoms = VARIED_UOMS[seed % len(VARIED_UOMS)]
    boxed = seed % 2 == 0
    po = f"{rnd.choice(['', 'PO-', '45'])}{rnd.randint(100000, 999999)}"
    date = dt.date(2026, rnd.randint(1, 12), rnd.randint(13, 28))
    buyer = rnd.choice(["Cascade Hardware Inc.", "Riverbend Foods LLC", "Northgate Electric Corp."])
    vendor = rnd.choice(["Fastenal Supply Co.", "Apex Packaging Ltd", "Brightway Components Inc."])
    ship_name = rnd.choice(["Warehouse 3", "Receiving Dock B", "Main Plant"])
    ship_addr = ["2250 Commerce Drive", "Columbus, OH 43219"]
    terms = rnd.choice(["Net 30", "Net 45", "2% 10 Net 30"])
    c = canvas.Canvas(str(path), pagesize=size)
    c.setFont("Helvetica-Bold", 17)
    c.drawString(40, H - 50, buyer)
    c.setFont("Helvetica", 9)
    c.drawString(40, H - 64, "100 Main Street, Springfield, IL 62701")
    c.setFont("Helvetica-Bold", 15)
    c.drawRightString(W - 40, H - 50, "PURCHASE ORDER")
    fields = [(po_label, po), (date_label, date.strftime("%m/%d/%Y")), ("Payment Terms", terms), ("Vendor", vendor)]
    y = H - 100
    if boxed:  # a key/value table with boxes, right half of the page
        x0, kw, vw, rh = W - 300, 100, 160, 16
        for k, (lab, val) in enumerate(fields):
            top = y - k * rh
            c.rect(x0, top - rh, kw, rh)
            c.rect(x0 + kw, top - rh, vw, rh)
            c.setFont("Helvetica-Bold", 8)
            c.drawString(x0 + 4, top - 11, lab)
            c.setFont("Helvetica", 9)
            c.drawString(x0 + kw + 4, top - 11, val)
    else:
        for k, (lab, val) in enumerate(fields):
            c.setFont("Helvetica-Bold", 9)
            c.drawString(40, y - 14 * k, f"{lab}:")
            c.setFont("Helvetica", 9)
            c.drawString(150, y - 14 * k, val)
    y = H - 100 - 14 * 4 - 24 if not boxed else H - 100
    sx = 40
    c.setFont("Helvetica-Bold", 9)
    c.drawString(sx, y, f"{ship_label}:")
    c.setFont("Helvetica", 9)
    for k, t in enumerate([ship_name, *ship_addr]):
        c.drawString(sx, y - 12 * (k + 1), t)
    y -= 12 * 4 + 30
    # line table
    width = W - 80
    weights = {"line_no": 0.6, "sku": 1.3, "customer_part": 1.1, "description": 3.4, "qty": 1.0, "uom": 0.7,
               "unit_price": 1.2, "amount": 1.3}
    tot_w = sum(weights[r] for _, r in cols)
    xs, x = [], 40.0
    for _, r in cols:
        w = width * weights[r] / tot_w
        xs.append((x, x + w, r))
        x += w
    right = {"qty", "unit_price", "amount"}
    c.setFont("Helvetica-Bold", 8)
    for (h, _), (a, b, r) in zip(cols, xs, strict=True):
        (c.drawRightString(b - 4, y, h) if r in right else c.drawString(a + 2, y, h))
    c.line(40, y - 4, W - 40, y - 4)
    y -= 18
    c.setFont("Helvetica", 8)
    lines, total = [], Decimal(0)
    for i in range(rnd.choice([3, 4, 6, 8])):
        qty = Decimal(rnd.choice([1, 6, 24, 100, 1200, 2500]))
        price = Decimal(rnd.randint(99, 450000)) / 100
        amt = (qty * price).quantize(Decimal("0.01"))
        total += amt
        ln = dict(line_no=str(i + 1) if any(r == "line_no" for _, r in cols) else None,
                  sku=f"{rnd.choice(['HX', 'BR', 'PL'])}-{rnd.randint(1000, 9999)}{rnd.choice(['', '-A', '-XL'])}",
                  customer_part=f"C{rnd.randint(10000, 99999)}" if any(r == "customer_part" for _, r in cols) else None,
                  description=" ".join(rnd.choice(HARD_WORDS) for _ in range(rnd.randint(2, 4))),
                  qty=str(qty), uom=rnd.choice(uoms), unit_price=f"{price:.2f}", amount=f"{amt:.2f}")
        if not any(r == "sku" for _, r in cols):
            ln["sku"] = None
        lines.append(ln)
        text = {"line_no": ln["line_no"], "sku": ln["sku"], "customer_part": ln["customer_part"],
                "description": ln["description"], "qty": f"{qty:,}", "uom": ln["uom"],
                "unit_price": f"${price:,.2f}", "amount": f"${amt:,.2f}"}
        for a, b, r in xs:
            (c.drawRightString(b - 4, y, text[r]) if r in right else c.drawString(a + 2, y, text[r] or ""))
        y -= 14
    c.line(40, y + 6, W - 40, y + 6)
    c.setFont("Helvetica-Bold", 9)
    c.drawRightString(xs[-1][0] - 6, y - 10, f"{total_label}:")
    c.drawRightString(W - 44, y - 10, f"${total:,.2f}")
    c.save()
    gold = dict(po_number=po, po_date=date.isoformat(), buyer=buyer, supplier=vendor,
                ship_to=dict(name=ship_name, address=", ".join(ship_addr)), currency="USD",
                payment_terms=terms, lines=lines, total=f"{total:.2f}")
    path.with_suffix(".expected.json").write_text(json.dumps(gold, indent=1, ensure_ascii=False))
    return gold


def make_scan(src: Path, dst: Path, seed: int, *, dpi: int = 200, max_angle: float = 1.0) -> None:
    """A simulated scan of a generated PO: every page rasterised at ``dpi``, turned up to ±``max_angle``°,
    salt-and-pepper noise, bilevel, saved as an image-only PDF; the gold JSON is copied beside it."""
    import io
    import shutil

    import pypdfium2 as pdfium
    from PIL import Image

    rnd = random.Random(5000 + seed)
    doc = pdfium.PdfDocument(src.read_bytes())
    images = []
    for page in doc:
        img = page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
        angle = rnd.uniform(-max_angle, max_angle)
        img = img.rotate(angle, resample=Image.BICUBIC, expand=False, fillcolor=255)
        px = img.load()
        for _ in range(img.width * img.height // 500):
            px[rnd.randrange(img.width), rnd.randrange(img.height)] = rnd.choice((0, 255))
        images.append(img.point(lambda v: 255 if v > 150 else 0).convert("1"))
        page.close()
    doc.close()
    buf = io.BytesIO()
    images[0].save(buf, format="PDF", resolution=dpi, save_all=True, append_images=images[1:])
    dst.write_bytes(buf.getvalue())
    shutil.copy(src.with_suffix(".expected.json"), dst.with_suffix(".expected.json"))


if __name__ == "__main__":
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    for s in range(int(sys.argv[2]) if len(sys.argv) > 2 else 20):
        make(out / f"gen_{s:03d}.pdf", s)
    for s in range(int(sys.argv[3]) if len(sys.argv) > 3 else 0):
        make_hard(out / f"hard_{s:03d}.pdf", s)
    if "--scans" in sys.argv:  # an image-only twin of every PO written above
        for pdf in sorted(out.glob("*.pdf")):
            if not pdf.stem.endswith("_scan"):
                make_scan(pdf, pdf.with_name(pdf.stem + "_scan.pdf"), int(pdf.stem.split("_")[-1]))
