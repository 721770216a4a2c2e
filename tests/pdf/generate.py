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


if __name__ == "__main__":
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    for s in range(int(sys.argv[2]) if len(sys.argv) > 2 else 20):
        make(out / f"gen_{s:03d}.pdf", s)
