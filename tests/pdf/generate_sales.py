"""Seller-side documents with gold JSON: sales orders, order confirmations, quotations, invoices.

The letterhead is the supplier, the customer sits in an address block (unlabelled window address,
"Bill To"/"Ship To" boxes or Odoo's "Invoice and shipping address:"), the document number is part of
the title ("Sales Order SO-1042", "Quotation # SQ0042", "Invoice No. INV-…"), the buyer's PO is quoted
("Customer PO: 4500012345"), amounts carry currency symbols or codes before or after the number,
discount sub-rows ("Less trade discount") hang under some items, and the date convention follows the
issuer's country (its phone code in the footer). ``python tests/pdf/generate_sales.py OUTDIR N``.

Gold follows the corpus README: for a sales order / confirmation / quotation ``po_number`` is the
document's own number as printed; on an invoice it is the buyer's PO number it quotes.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import sys
from decimal import Decimal
from pathlib import Path

SELLERS = [("Brightline Office Supply Inc.", "1725 Harbor Ave.", "Scranton, PA 18540", "+1 570 555 0143"),
           ("Kestrel Components Ltd", "14 Mill Lane", "Leeds LS1 4AP", "+44 113 496 0722"),
           ("Vogt Industrietechnik GmbH", "Hafenstraße 12", "20457 Hamburg", "+49 40 5550 1234")]
CUSTOMERS = [("Agrotech Farms", "69 rue de Namur", "1300 Wavre", "Belgium"),
             ("Harbor Marine Supply", "410 Pier Road", "Portland, ME 04101", "USA"),
             ("Delta Print House", "8 Canal Street", "Manchester M1 3HE", "United Kingdom")]
ITEMS = [("A1090", "Desk Lamp LED"), ("B2207", "Ergonomic Chair"), ("C3315", "Printer Paper A4"),
         ("D4410", "Whiteboard Marker Set"), ("E5562", "Filing Cabinet (3 drawer)"), ("F6671", "Stapler Heavy Duty")]
# (title text, gold po_number is the doc number?, number prefix, date label)
KINDS = [("Sales Order", True, "SO", "Order Date"), ("Order Confirmation No.", True, "OC-", "Date"),
         ("Quotation #", True, "SQ", "Quotation Date"), ("Order #", True, "SO", "Date Ordered"),
         ("Invoice No.", False, "INV-", "Invoice Date"), ("Sales Order", True, "S", "Date")]
CUST_PO_LABELS = ["Customer PO:", "Your Order:", "P.O. Number:", "Customer PO #:"]


def _money(v: Decimal, style: str, *, neg: bool = False) -> str:
    if neg:  # the sign goes where the style's invoicing software puts it
        text = _money(v, style)
        return f"USD -{text[4:]}" if style == "code_prefix" else f"-{text}"
    if style == "eur_comma":
        return f"{v:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".") + " €"
    if style == "eur_suffix":
        return f"{v:.2f} €"
    if style == "code_prefix":
        return f"USD {v:,.2f}"
    if style == "code_suffix":
        return f"{v:,.2f} GBP"
    return f"${v:,.2f}"


CURRENCY = {"eur_comma": "EUR", "eur_suffix": "EUR", "code_prefix": "USD", "code_suffix": "GBP", "dollar": "USD"}


def make_sales(path: Path, seed: int) -> dict:
    from reportlab.lib.pagesizes import A4, letter
    from reportlab.pdfgen import canvas

    rnd = random.Random(9100 + seed)
    W, H = rnd.choice([A4, letter])
    title, own_is_po, prefix, date_label = KINDS[seed % len(KINDS)]
    seller = SELLERS[seed % len(SELLERS)]
    customer = CUSTOMERS[(seed + 1) % len(CUSTOMERS)]
    party_style = ["window", "labels", "combined"][seed % 3]
    money_style = {0: "dollar", 1: "code_suffix", 2: "eur_comma"}[seed % 3]
    if seed % 6 == 3:
        money_style = "eur_suffix"
    if seed % 6 == 4:
        money_style = "code_prefix"
    code_column = seed % 2 == 1
    discounts = seed % 3 != 0
    doc_no = f"{prefix}{rnd.randint(10, 99999):05d}" if prefix != "S" else f"S{rnd.randint(100, 999)}"
    cust_po = f"45{rnd.randint(10000000, 99999999)}"
    day = rnd.randint(1, 12)  # ambiguous on purpose: the issuer's country settles it
    date = dt.date(2026, rnd.randint(1, 12), day)
    month_first = seller[3].startswith("+1 ")
    date_text = date.strftime("%m/%d/%Y" if month_first else ("%d.%m.%Y" if seller[3].startswith("+49") else
                                                                  "%d/%m/%Y"))
    terms = rnd.choice(["Net 30", "30 Net Days", "2% 10 Net 30", "Net 45"])
    c = canvas.Canvas(str(path), pagesize=(W, H))
    # letterhead: the seller's block, a tagline at the right
    c.setFont("Helvetica-Bold", 11)
    c.drawString(40, H - 52, seller[0])
    c.setFont("Helvetica", 9)
    c.drawString(40, H - 66, seller[1])
    c.drawString(40, H - 78, seller[2])
    c.setFont("Helvetica-Oblique", 9)
    c.drawRightString(W - 40, H - 36, "Quality you can count on")
    # the customer
    c.setFont("Helvetica", 9)
    y0 = H - 120
    ship = None
    if party_style == "window":
        for k, t in enumerate(customer):
            c.drawString(W / 2 + 40, y0 - 12 * k, t)
    elif party_style == "labels":
        c.setFont("Helvetica-Bold", 9)
        c.drawString(40, y0, "Bill To:")
        c.drawString(W / 2 + 20, y0, "Ship To:")
        c.setFont("Helvetica", 9)
        site = ("Receiving Dock 2", "77 Industrial Way", customer[2])
        for k, t in enumerate(customer[:3]):
            c.drawString(40, y0 - 12 * (k + 1), t)
        for k, t in enumerate(site):
            c.drawString(W / 2 + 20, y0 - 12 * (k + 1), t)
        ship = {"name": site[0], "address": ", ".join(site[1:])}
    else:
        c.setFont("Helvetica-Bold", 9)
        c.drawString(40, y0, "Invoice and shipping address:")
        c.setFont("Helvetica", 9)
        for k, t in enumerate(customer):
            c.drawString(40, y0 - 12 * (k + 1), t)
        c.drawString(40, y0 - 12 * (len(customer) + 1), "+32 10 588 558")
        ship = {"name": customer[0], "address": ", ".join(customer[1:])}
    # title with the document number
    y = H - 215
    c.setFont("Helvetica-Bold", 18)
    c.drawString(40, y, f"{title} {doc_no}")
    # key fields: labels on one line, values under them
    y -= 34
    po_label = CUST_PO_LABELS[seed % len(CUST_PO_LABELS)]
    fields = [(f"{date_label}:", date_text), (po_label, cust_po), ("Salesperson:", "Dana Whitfield"),
              ("Payment Terms:" if seed % 2 else "Payment Term:", terms)]
    boxed = seed % 6 == 4  # the date in three boxes (day, month, year), as on pre-printed invoice forms
    for k, (lab, val) in enumerate(fields):
        x = 40 + k * (W - 80) / 4
        c.setFont("Helvetica-Bold", 9)
        c.drawString(x, y, lab)
        c.setFont("Helvetica", 9)
        if boxed and k == 0:
            parts = [date.strftime(f) for f in (("%m", "%d", "%y") if month_first else ("%d", "%m", "%y"))]
            for j, part in enumerate(parts):
                c.rect(x + j * 22, y - 18, 22, 14)
                c.drawCentredString(x + j * 22 + 11, y - 14, str(int(part)) if j < 2 else part)
        else:
            c.drawString(x, y - 13, val)
    # the item table
    y -= 50
    cols = ([("Item", 40, "l"), ("Description", 110, "l"), ("Qty", W - 300, "r"), ("UOM", W - 280, "l"),
             ("Unit Price", W - 150, "r"), ("Total", W - 42, "r")] if code_column else
            [("Description", 40, "l"), ("Quantity", W - 260, "r"), ("Unit Price", W - 150, "r"),
             ("Price", W - 42, "r")])
    c.setFont("Helvetica-Bold", 9)
    for h, x, al in cols:
        (c.drawRightString if al == "r" else c.drawString)(x, y, h)
    c.line(40, y - 5, W - 40, y - 5)
    y -= 22
    c.setFont("Helvetica", 9)
    lines, total = [], Decimal(0)
    picks = rnd.sample(ITEMS, rnd.choice([3, 4, 5]))
    for i, (code, desc) in enumerate(picks):
        qty = Decimal(rnd.choice([2, 5, 12, 30, 45, 60, 150]))
        price = Decimal(rnd.randint(150, 250000)) / 100
        amt = (qty * price).quantize(Decimal("0.01"))
        total += amt
        uom = rnd.choice(["EA", "BOX", "PCE"]) if code_column else None
        qty_text = f"{qty}" if code_column else f"{qty:.3f}"
        lines.append(dict(line_no=None, sku=code, customer_part=None, description=desc,
                          qty=qty_text, uom=uom, unit_price=f"{price:.2f}", amount=f"{amt:.2f}"))
        if money_style == "eur_comma":
            qty_text = qty_text.replace(".", ",")  # a decimal-comma system prints 45,000 for 45.000
        if code_column:
            cells = [code, desc, qty_text, uom, _money(price, money_style), _money(amt, money_style)]
        else:
            cells = [f"[{code}] {desc}", qty_text, _money(price, money_style), _money(amt, money_style)]
        for (_, x, al), t in zip(cols, cells, strict=True):
            (c.drawRightString if al == "r" else c.drawString)(x, y, t)
        y -= 14
        if discounts and i % 2 == 0:  # an allowance sub-row: not a line
            off = (amt * Decimal("0.10")).quantize(Decimal("0.01"))
            total -= off
            c.drawString(cols[1][1] if code_column else 52, y, "Less trade discount 10%")
            c.drawRightString(W - 42, y, _money(off, money_style, neg=True))
            y -= 14
        y -= 6
    c.line(40, y + 8, W - 40, y + 8)
    y -= 10
    c.setFont("Helvetica", 9)
    c.drawString(W - 250, y, "Untaxed Amount")
    c.drawRightString(W - 42, y, _money(total, money_style))
    c.drawString(W - 250, y - 14, "Taxes")
    c.drawRightString(W - 42, y - 14, _money(Decimal("0.00"), money_style))
    c.setFont("Helvetica-Bold", 10)
    c.drawString(W - 250, y - 30, "Total")
    c.drawRightString(W - 42, y - 30, _money(total, money_style))
    c.setFont("Helvetica", 8)
    c.drawCentredString(W / 2, 40, f"Phone: {seller[3]}  \u2022  Email: sales@example.com  \u2022  Web: www.example.com")
    c.save()
    gold = dict(po_number=doc_no if own_is_po else cust_po, po_date=date.isoformat(), buyer=customer[0],
                supplier=seller[0], ship_to=ship or {"name": None, "address": None},
                currency=CURRENCY[money_style], payment_terms=terms, lines=lines, total=f"{total:.2f}")
    path.with_suffix(".expected.json").write_text(json.dumps(gold, indent=1, ensure_ascii=False))
    return gold


if __name__ == "__main__":
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    for s in range(int(sys.argv[2]) if len(sys.argv) > 2 else 8):
        make_sales(out / f"sales_{s:03d}.pdf", s)
