"""Generator of realistic buyer order spreadsheets with gold answers (corpus gold format).

Why: the held-out set is real buyer spreadsheets we never saw, so the engine is tuned on many
layouts at once - marketplace POs (key/values scattered, merged cells, label+value in one cell,
two-row tax headers), distributor order forms, European forms (decimal comma, dd.mm.yyyy),
multi-sheet workbooks, and awkward CSV (no header row, other delimiters, UTF-16, multi-line
cells, error cells). Deterministic: ``documents()`` always returns the same files.

Run ``python tests/sheets/sheetgen.py [outdir]`` to print per-category accuracy (and write files).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import re
import sys
import zipfile
from dataclasses import dataclass
from decimal import Decimal

import openpyxl
import xlwt
from openpyxl.utils import get_column_letter

EPOCH = dt.date(1899, 12, 30)


@dataclass
class Doc:
    name: str
    category: str
    filename: str
    data: bytes
    gold: dict


# ----------------------------------------------------------------------------- data


@dataclass
class Item:
    line_no: str | None
    sku: str | None
    customer_part: str | None
    description: str
    qty: Decimal
    uom: str | None
    unit_price: Decimal
    amount: Decimal

    def gold(self, **over) -> dict:
        d = {"line_no": self.line_no, "sku": self.sku, "customer_part": self.customer_part,
             "description": self.description, "qty": _s(self.qty), "uom": self.uom,
             "unit_price": _s(self.unit_price), "amount": _s(self.amount)}
        d.update(over)
        return d


def _s(d: Decimal | None) -> str | None:
    return None if d is None else format(d, "f")


PRODUCTS = ["Sunflower Oil 1 L Pouch", "Basmati Rice Premium 5 kg", "Green Tea Bags 100 ct", "Hex Bolt M8 x 40 Zinc",
            "Nitrile Gloves Large Box/100", "Copy Paper A4 80gsm Ream", "LED Panel 600x600 40W", "Cable Tie 200mm Black",
            "Hand Sanitiser 500 ml", "Whole Wheat Atta 10 kg", "Stainless Hinge 100mm", "Safety Goggles Clear",
            "Olive Oil Extra Virgin 500 ml", "Masking Tape 48mm", "Dish Wash Gel 750 ml", "Almonds California 1 kg"]
DE_PRODUCTS = ["Schraube M6 x 20 verzinkt", "Mutter M6 DIN 934", "Unterlegscheibe 6,4 mm", "Kabelbinder 200 mm",
               "Arbeitshandschuhe Gr. 10", "Schutzbrille klar"]
FR_PRODUCTS = ["Vis à bois 4 x 40", "Cheville nylon 8 mm", "Gants de protection T9", "Ruban adhésif 50 mm",
               "Câble électrique 2,5 mm²", "Disjoncteur 16 A"]
ES_PRODUCTS = ["Tornillo hexagonal M8", "Tuerca M8 inox", "Guantes de nitrilo talla L", "Cinta americana gris",
               "Bombilla LED 9W", "Cable unipolar 1,5 mm"]
NL_PRODUCTS = ["Houtschroef 4 x 40", "Nylon plug 8 mm", "Werkhandschoenen maat 9", "Afplakband 50 mm",
               "Ledlamp 9W E27", "Kabelgoot 40 x 40"]
BUYERS = ["Innovative Retail Concepts Private Limited", "Bright Basket Retail Pvt Ltd", "Metro Fresh Marts Ltd",
          "Northwind Hardware Inc", "Acme Industrial Supply LLC", "Harbor Medical Distributors Inc"]
SUPPLIERS = ["Sustainquest Private Limited", "Golden Harvest Foods Pvt Ltd", "Precision Fasteners Ltd",
             "Summit Paper Co", "Delta Electricals Private Limited", "Blue River Trading LLC"]


def make_items(rng: random.Random, n: int, names: list[str], *, numbered: bool = True, sku_fmt: str = "SKU-{:05d}",
               cp_fmt: str | None = "{:06d}", uoms: list[str] | None = None, dp: int = 2) -> list[Item]:
    items = []
    picks = rng.sample(names, min(n, len(names)))
    while len(picks) < n:
        picks.append(rng.choice(names) + f" #{len(picks)}")
    for i, desc in enumerate(picks, 1):
        qty = Decimal(rng.choice([1, 2, 5, 10, 12, 24, 36, 48, 50, 100, 120, 250, 1200]))
        price = (Decimal(rng.randint(50, 250000)) / 100).quantize(Decimal(1) / (10 ** dp))
        items.append(Item(str(i) if numbered else None, sku_fmt.format(rng.randint(1, 99999)) if sku_fmt else None,
                          cp_fmt.format(rng.randint(100000, 999999)) if cp_fmt else None, desc, qty,
                          rng.choice(uoms) if uoms else None, price, qty * price))
    return items


def gold(po, date, buyer, supplier, ship, currency, terms, lines, total) -> dict:
    return {"po_number": po, "po_date": date, "buyer": buyer, "supplier": supplier,
            "ship_to": {"name": ship[0], "address": ship[1]} if ship else None, "currency": currency,
            "payment_terms": terms, "lines": lines, "total": _s(total) if isinstance(total, Decimal) else total}


def fmt_eu(d: Decimal, thousands: str = ".") -> str:
    s = f"{d:,.2f}"
    return s.replace(",", "\x00").replace(".", ",").replace("\x00", thousands)


def fmt_in(d: Decimal) -> str:
    """Indian digit grouping: 1,53,592.32."""
    whole, _, frac = f"{d:.2f}".partition(".")
    head, tail = whole[:-3], whole[-3:]
    groups = []
    while len(head) > 2:
        groups.insert(0, head[-2:])
        head = head[:-2]
    if head:
        groups.insert(0, head)
    return ",".join(groups + [tail]) + "." + frac


# ----------------------------------------------------------------------------- writers


def xlsx_bytes(wb: openpyxl.Workbook, cached: dict[tuple[str, str], object] | None = None) -> bytes:
    """Save; formulas get cached values (as Excel would store them) from ``cached[(sheet, ref)]``."""
    buf = io.BytesIO()
    wb.save(buf)
    if not cached:
        return buf.getvalue()
    zin = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    titles = [ws.title for ws in wb.worksheets]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            body = zin.read(info)
            m = re.match(r"xl/worksheets/sheet(\d+)\.xml$", info.filename)
            if m:
                title = titles[int(m.group(1)) - 1]
                text = body.decode()
                for (st, ref), v in cached.items():
                    if st != title:
                        continue
                    text = re.sub(rf'(<c r="{ref}"[^>]*>)(<f>[^<]*</f>)(<v\s*/>|<v>[^<]*</v>)?',
                                  lambda mm, v=v: f"{mm.group(1)}{mm.group(2)}<v>{v}</v>", text)
                body = text.encode()
            zout.writestr(info, body)
    return out.getvalue()


def csv_bytes(rows: list[list], delimiter: str = ",", encoding: str = "utf-8") -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
    for r in rows:
        w.writerow(["" if v is None else v for v in r])
    text = buf.getvalue()
    if encoding == "utf-16":
        return text.encode("utf-16")  # BOM + LE, as Excel "Unicode text"
    return text.encode(encoding)


def xls_bytes(sheets: list[tuple[str, list[tuple[int, int, object]], list[tuple[int, int, int, int]]]],
              hidden: set[str] | None = None) -> bytes:
    """Real BIFF8 via xlwt: sheets as (name, [(row, col, value)], [(r0, r1, c0, c1) merges])."""
    wb = xlwt.Workbook(encoding="utf-8")
    date_style = xlwt.easyxf(num_format_str="DD/MM/YYYY")
    wrap = xlwt.easyxf("alignment: wrap on")
    for name, cells, merges in sheets:
        ws = wb.add_sheet(name)
        if hidden and name in hidden:
            ws.visibility = 1
        merged_at = {(r0, c0): (r0, r1, c0, c1) for r0, r1, c0, c1 in merges}
        for r, c, v in cells:
            style = date_style if isinstance(v, (dt.date, dt.datetime)) else wrap
            if isinstance(v, Decimal):
                v = float(v)
            if (r, c) in merged_at:
                r0, r1, c0, c1 = merged_at.pop((r, c))
                ws.write_merge(r0, r1, c0, c1, v, style)
            else:
                ws.write(r, c, v, style)
        for r0, r1, c0, c1 in merged_at.values():
            ws.merge(r0, r1, c0, c1)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def grid_to_cells(grid: dict[tuple[int, int], object]) -> list[tuple[int, int, object]]:
    return [(r, c, v) for (r, c), v in sorted(grid.items())]


def grid_to_rows(grid: dict[tuple[int, int], object]) -> list[list]:
    nr = max(r for r, _ in grid) + 1
    nc = max(c for _, c in grid) + 1
    rows = [[None] * nc for _ in range(nr)]
    for (r, c), v in grid.items():
        rows[r][c] = v
    return rows


def grid_to_xlsx(sheets: list[tuple[str, dict]], merges: dict[str, list[str]] | None = None,
                 hidden: set[str] | None = None, formulas: dict[tuple[str, str], tuple[str, object]] | None = None,
                 formats: dict[tuple[str, str], str] | None = None, cache: bool = True) -> bytes:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    cached = {}
    for title, grid in sheets:
        ws = wb.create_sheet(title)
        for (r, c), v in grid.items():
            ws.cell(r + 1, c + 1, float(v) if isinstance(v, Decimal) else v)
        for rng in (merges or {}).get(title, []):
            ws.merge_cells(rng)
        if hidden and title in hidden:
            ws.sheet_state = "hidden"
    for (title, ref), (f, v) in (formulas or {}).items():
        wb[title][ref] = f
        cached[(title, ref)] = v
    for (title, ref), fmt in (formats or {}).items():
        wb[title][ref].number_format = fmt
    return xlsx_bytes(wb, cached if cache else None)


def ref(r: int, c: int) -> str:
    return f"{get_column_letter(c + 1)}{r + 1}"


# ----------------------------------------------------------------------------- marketplace


def bigbasket_like(seed: int, kind: str) -> Doc:
    """Header as free text in column A ("PO Number:IRA123"), GST columns, =SUM totals, no currency."""
    rng = random.Random(seed)
    po = f"IRA{rng.randint(10000000, 99999999)}"
    date = dt.date(2025, rng.randint(1, 12), rng.randint(1, 28))
    buyer, supplier = "Innovative Retail Concepts Private Limited", rng.choice(SUPPLIERS)
    items = make_items(rng, rng.randint(3, 7), PRODUCTS, sku_fmt="", cp_fmt="{:d}")
    g: dict = {}
    g[(0, 0)] = buyer.upper()
    g[(1, 0)] = "PURCHASE ORDER"
    g[(3, 0)] = f"PO Number:{po}"
    g[(4, 0)] = f"PO Date:{date.strftime('%d/%b/%Y')}"
    g[(5, 0)] = f"Payment Terms:{rng.choice(['45 Days', 'Net 30', '30 days from GRN'])}"
    g[(3, 7)] = "Supplier Details"
    g[(4, 7)] = f"{rng.randint(100000, 999999)} - {supplier}"
    g[(5, 7)] = "Plot 12, Industrial Area, Noida"
    g[(3, 12)] = "Delivery Address"
    ship_name, ship_addr = "BB Warehouse Bhiwandi", "Survey No 45, Vadpe Village, Bhiwandi, Thane 421302"
    g[(4, 12)] = ship_name
    g[(5, 12)] = ship_addr
    hdr = ["S.No", "SKU Code", "EAN/UPC Code", "Description", "HSN Code", "Qty", "MRP", "Basic Cost",
           "CGST %", "CGST Amt", "SGST %", "SGST Amt", "Total Value"]
    h = 8
    for c, t in enumerate(hdr):
        g[(h, c)] = t
    lines, total = [], Decimal(0)
    formulas = {}
    for i, it in enumerate(items):
        r = h + 1 + i
        ean = f"890{rng.randint(10**9, 10**10 - 1)}"
        tax = (it.amount * Decimal("0.025")).quantize(Decimal("0.01"))
        value = it.amount + 2 * tax
        total += value
        for c, v in enumerate([i + 1, int(it.customer_part), int(ean), it.description, "15079010", int(it.qty),
                               it.unit_price * 2, it.unit_price, 2.5, tax, 2.5, tax, value]):
            g[(r, c)] = v
        lines.append(it.gold(line_no=str(i + 1), sku=ean, amount=_s(value), uom=None))
    tr = h + 1 + len(items)
    g[(tr, 0)] = "Total"
    first, last = ref(h + 1, 12), ref(tr - 1, 12)
    formulas[("PO", ref(tr, 12))] = (f"=SUM({first}:{last})", total)
    g[(tr + 3, 0)] = "Terms & Conditions: 1. Goods must match the PO. 2. Invoice must quote the PO number."
    gd = gold(po, date.isoformat(), buyer, supplier, (ship_name, ship_addr), None,
              g[(5, 0)].split(":", 1)[1], lines, total)
    if kind == "xls":
        cells = grid_to_cells(g) + [(tr, 12, total)]
        return Doc(f"bigbasket_like_{seed}", "marketplace", "po.xls", xls_bytes([("PO", cells, [])]), gd)
    return Doc(f"bigbasket_like_{seed}", "marketplace", "po.xlsx", grid_to_xlsx([("PO", g)], formulas=formulas), gd)


def flipkart_like(seed: int) -> Doc:
    """CSV laid out as a form: key/values scattered over many columns, " INR" suffixes, DD-MM-YY dates."""
    rng = random.Random(seed)
    po = f"FDM{rng.choice('WXYZ')}G{rng.randint(10**7, 10**8 - 1)}"
    date = dt.date(2025, rng.randint(1, 12), rng.randint(1, 28))
    supplier = rng.choice(SUPPLIERS).upper()
    items = make_items(rng, rng.randint(2, 6), PRODUCTS, sku_fmt="", cp_fmt="GROE{:06d}XYZ")
    w = 26
    rows: list[list] = [[None] * w for _ in range(12 + len(items))]
    rows[0][0], rows[0][2] = "Flipkart", f"PURCHASE ORDER # {po}"
    rows[0][9], rows[0][12] = "Registered Address", "Flipkart India Private Limited, Koramangala, Bangalore-560034"
    rows[1][0], rows[1][1] = "PO#", po
    rows[1][14], rows[1][15], rows[1][18], rows[1][19] = "Nature Of Supply", "Goods", "PO Expiry", "12-12-25"
    rows[1][23], rows[1][24] = "ORDER DATE", date.strftime("%d-%m-%y")
    rows[2][0], rows[2][1] = "SUPPLIER NAME", supplier
    rows[2][3], rows[2][4] = "SUPPLIER ADDRESS", "Khasra No 10, Taoru, Nuh 122105, Haryana"
    rows[3][0], rows[3][2] = "BILLED TO ADDRESS", "Flipkart India Private Limited, Plot 23/5, Ballabhagarh, Haryana 121004"
    ship_name = "Flipkart India Pvt. Ltd."
    ship_addr = "Apeejay Logistics Park, Ballabhagarh, Haryana 121004"
    rows[3][14], rows[3][16] = "SHIPPED TO ADDRESS", f"{ship_name}, {ship_addr}"
    rows[4][0], rows[4][1] = "CREDIT TERM", "Net 30 Days"
    hdr = ["S. no.", "FSN/ISBN13", "HSN/SA Code", "Title", "Qty", "Supplier Price", "Tax Rate", "Total Amount"]
    for c, t in enumerate(hdr):
        rows[6][c] = t
    lines, total = [], Decimal(0)
    for i, it in enumerate(items):
        r = rows[7 + i]
        r[:8] = [i + 1, it.customer_part, "15121110", it.description, int(it.qty), f"{it.unit_price} INR", "5%",
                 f"{it.amount} INR"]
        total += it.amount
        lines.append(it.gold(line_no=str(i + 1), sku=None, uom=None))
    tr = rows[7 + len(items)]
    tr[0], tr[4], tr[7] = "Total", int(sum(it.qty for it in items)), f"{total} INR"
    rows[9 + len(items)][0] = "Important Notification\n1. Deliver between 9 AM and 5 PM.\n2. Quote the PO number."
    gd = gold(po, date.isoformat(), "Flipkart India Private Limited", supplier, (ship_name, ship_addr), "INR",
              "Net 30 Days", lines, total)
    return Doc(f"flipkart_like_{seed}", "marketplace", "po.csv", csv_bytes(rows), gd)


def swiggy_like(seed: int, kind: str) -> Doc:
    """Two-row header (CGST over Rate/Amt, merged), wrapped descriptions with Brand:/Size: sub-lines."""
    rng = random.Random(seed)
    po = f"JCNPO{rng.randint(100000, 999999)}"
    date = dt.datetime(2025, rng.randint(1, 12), rng.randint(1, 28), 10, 30)
    buyer, supplier = "Scootsy Logistics Private Limited", rng.choice(SUPPLIERS)
    items = make_items(rng, rng.randint(3, 6), PRODUCTS, sku_fmt="", cp_fmt="{:d}", uoms=["Nos", "Pcs"])
    g: dict = {}
    g[(0, 3)] = "PURCHASE ORDER"
    g[(2, 0)], g[(2, 2)] = "PO No :", po
    g[(3, 0)], g[(3, 2)] = "PO Date :", date
    g[(4, 0)], g[(4, 2)] = "Payment Terms :", "30 Days"
    g[(2, 7)] = "Buyer :"
    g[(3, 7)] = buyer
    g[(4, 7)] = "No. 55, Sy No. 8-14, Bangalore 560103"
    g[(6, 0)] = "Vendor Name :"
    g[(6, 2)] = supplier
    g[(6, 7)] = "Delivery Address :"
    ship = ("Swiggy Instamart DS Koramangala", "No 12, 5th Block, Koramangala, Bangalore 560095")
    g[(7, 7)] = ship[0]
    g[(8, 7)] = ship[1]
    top = ["S.No", "Item Code", "Item Description", "UOM", "Qty", "Unit Base Cost", "CGST", None, "SGST", None,
           "Total Amount (INR)"]
    sub = [None, None, None, None, None, None, "Rate", "Amt", "Rate", "Amt", None]
    h = 10
    for c, t in enumerate(top):
        if t:
            g[(h, c)] = t
    for c, t in enumerate(sub):
        if t:
            g[(h + 1, c)] = t
    merges = [(h, h, 6, 7), (h, h, 8, 9)]
    lines, total = [], Decimal(0)
    for i, it in enumerate(items):
        r = h + 2 + i
        d = it.description.upper()
        wrapped = "\n".join(d[k:k + 15] for k in range(0, len(d), 15)) + f"\nBrand: ACME\nSize: {rng.randint(1, 5)}"
        tax = (it.amount * Decimal("0.06")).quantize(Decimal("0.0001"))
        value = it.amount + 2 * tax
        total += value
        for c, v in enumerate([i + 1, int(it.customer_part), wrapped, it.uom, int(it.qty), it.unit_price, 6, tax, 6,
                               tax, value]):
            g[(r, c)] = v
        lines.append(it.gold(description=d, amount=_s(value)))
    tr = h + 2 + len(items)
    g[(tr, 4)], g[(tr, 10)] = "Total", total
    gd = gold(po, date.date().isoformat(), buyer, supplier, ship, "INR", "30 Days", lines, total)
    if kind == "xls":
        data = xls_bytes([("Report", grid_to_cells(g), merges)])
        return Doc(f"swiggy_like_{seed}", "marketplace", "po.xls", data, gd)
    mg = [f"{ref(r0, c0)}:{ref(r1, c1)}" for r0, r1, c0, c1 in merges]
    return Doc(f"swiggy_like_{seed}", "marketplace", "po.xlsx", grid_to_xlsx([("Report", g)], {"Report": mg}), gd)


def zomato_like(seed: int) -> Doc:
    """Label and value in one cell with a newline; Indian-grouped text amounts; registered name in the footer."""
    rng = random.Random(seed)
    po = f"ZHP{rng.choice(['GJ', 'MH', 'KA'])}26-PO-{rng.randint(10**6, 10**7 - 1)}"
    date = dt.date(2025, rng.randint(1, 12), rng.randint(1, 28))
    supplier = rng.choice(SUPPLIERS).upper()
    buyer = "ZOMATO HYPERPURE PRIVATE LIMITED"
    items = make_items(rng, rng.randint(3, 6), PRODUCTS, sku_fmt="", cp_fmt="{:d}", uoms=["Count", "Per piece"])
    g: dict = {}
    g[(0, 0)] = "INDENT"
    g[(1, 0)] = f"Purchase Order Number\n{po}"
    g[(1, 4)] = f"PO Date\n{date.strftime('%d-%b-%Y')}"
    g[(2, 0)] = f"Vendor Details\n{supplier}\nShop 4, Market Road, Ahmedabad\nGSTIN: 24AAACJ1234K1Z5"
    ship = ("Zomato Hyperpure Pvt. Ltd. (Ahmedabad)", "Naman Estate, Survey No. 527, Sanand, Ahmedabad, Gujarat-382220")
    g[(2, 4)] = f"Delivery Address\n{ship[0]}\n{ship[1]}"
    hdr = ["Product Number", "Product Description", "UoM", "Quantity", "Unit Price (INR)", "Tax %", "Total (INR)"]
    h = 4
    for c, t in enumerate(hdr):
        g[(h, c)] = t
    lines, total = [], Decimal(0)
    for i, it in enumerate(items):
        r = h + 1 + i
        amount_cell = fmt_in(it.amount) if i % 2 else it.amount
        for c, v in enumerate([int(it.customer_part), it.description, it.uom, int(it.qty), it.unit_price, "5%",
                               amount_cell]):
            g[(r, c)] = v
        total += it.amount
        lines.append(it.gold(line_no=None))
    tr = h + 1 + len(items)
    g[(tr, 0)], g[(tr, 6)] = "Grand Total", fmt_in(total)
    g[(tr + 2, 0)] = ("Registered Office: " + buyer + ", Ground Floor, 12A, 94 Meghdoot, Nehru Place, New Delhi 110019"
                      "\nCIN: U74110DL2015PTC279650")
    g[(tr + 3, 0)] = f"For {buyer}\nAuthorised Signatory"
    gd = gold(po, date.isoformat(), buyer, supplier, ship, "INR", None, lines, total)
    return Doc(f"zomato_like_{seed}", "marketplace", "po.xlsx", grid_to_xlsx([("Table 1", g)]), gd)


# ----------------------------------------------------------------------------- distributor


def distributor_form(seed: int, kind: str) -> Doc:
    """US order form: header block at odd positions, spacer columns, Each/Case, $ in cells, Subtotal/Grand Total."""
    rng = random.Random(seed)
    po = f"{rng.choice(['PO', 'P', 'NW'])}-{rng.randint(10000, 99999)}"
    date = dt.date(2026, rng.randint(1, 12), rng.randint(1, 28))
    buyer, supplier = rng.choice(BUYERS[3:]), rng.choice(SUPPLIERS[2:])
    items = make_items(rng, rng.randint(4, 9), PRODUCTS, sku_fmt="MFR-{:05d}", cp_fmt="{:05d}",
                       uoms=["Each", "Case", "Box", "EA", "CS"])
    off_r, off_c = rng.randint(1, 4), rng.randint(0, 2)
    g: dict = {}
    g[(off_r, off_c)] = buyer
    g[(off_r + 1, off_c)] = "1200 Commerce Blvd, Dayton OH 45402"
    g[(off_r, off_c + 6)] = "PURCHASE ORDER"
    date_style = rng.choice(["serial", "datetime", "text"])
    date_val = {"serial": (date - EPOCH).days, "datetime": dt.datetime.combine(date, dt.time()),
                "text": date.strftime("%m/%d/%Y")}[date_style]
    g[(off_r + 2, off_c + 6)], g[(off_r + 2, off_c + 8)] = "P.O. #", po
    g[(off_r + 3, off_c + 6)], g[(off_r + 3, off_c + 8)] = "Date", date_val
    g[(off_r + 4, off_c + 6)], g[(off_r + 4, off_c + 8)] = "Terms", rng.choice(["Net 30", "Net 45", "2% 10 Net 30"])
    g[(off_r + 6, off_c)] = "Vendor:"
    g[(off_r + 7, off_c)] = supplier
    g[(off_r + 8, off_c)] = "55 Industrial Way"
    g[(off_r + 9, off_c)] = "Cleveland, OH 44101"
    g[(off_r + 6, off_c + 4)] = "Ship To:"
    ship = (f"{buyer.split()[0]} Warehouse 3", "88 Dock Street, Columbus, OH 43215")
    g[(off_r + 7, off_c + 4)] = ship[0]
    g[(off_r + 8, off_c + 4)] = "88 Dock Street"
    g[(off_r + 9, off_c + 4)] = "Columbus, OH 43215"
    h = off_r + 12
    spacer = rng.random() < 0.5
    hdr = ["Line", "Item #", "Mfr Part", "Description", "Qty Ordered", "UOM", "Unit Cost", "Ext. Price"]
    cols = []
    c = off_c
    for t in hdr:
        cols.append(c)
        g[(h, c)] = t
        c += 2 if spacer else 1
    money_text = rng.random() < 0.5
    lines, sub = [], Decimal(0)
    formulas = {}
    for i, it in enumerate(items):
        r = h + 1 + i
        vals = [i + 1, it.customer_part, it.sku, it.description, int(it.qty), it.uom,
                f"${it.unit_price:,.2f}" if money_text else it.unit_price,
                f"${it.amount:,.2f}" if money_text else it.amount]
        for cc, v in zip(cols, vals, strict=True):
            g[(r, cc)] = v
        if not money_text and kind in ("xlsx", "xlsx_raw"):
            formulas[("Order", ref(r, cols[7]))] = (f"={ref(r, cols[4])}*{ref(r, cols[6])}", it.amount)
            del g[(r, cols[7])]
        sub += it.amount
        lines.append(it.gold(unit_price=_s(it.unit_price)))
    tax = (sub * Decimal("0.0725")).quantize(Decimal("0.01"))
    r = h + 2 + len(items)
    g[(r, cols[6])], g[(r, cols[7])] = "Subtotal", sub
    g[(r + 1, cols[6])], g[(r + 1, cols[7])] = "Sales Tax", tax
    g[(r + 2, cols[6])], g[(r + 2, cols[7])] = "Grand Total", sub + tax
    if money_text:
        g[(r, cols[7])], g[(r + 1, cols[7])], g[(r + 2, cols[7])] = (f"${sub:,.2f}", f"${tax:,.2f}",
                                                                      f"${sub + tax:,.2f}")
    g[(r + 4, off_c)] = "Please confirm receipt of this order within 24 hours. Reference the PO # on all invoices."
    gd = gold(po, date.isoformat(), buyer, supplier, ship, "USD" if money_text else None,
              g[(off_r + 4, off_c + 8)], lines, sub + tax)
    if kind == "xls":
        gd["currency"] = "USD"
        g[(h, cols[6])], g[(h, cols[7])] = "Unit Cost (USD)", "Ext. Price (USD)"
        cells = grid_to_cells(g)
        return Doc(f"distributor_{seed}", "distributor", "order.xls", xls_bytes([("Order", cells, [])]), gd)
    if kind == "csv":
        gd["currency"] = "USD" if money_text else None
        if date_style != "text":
            g[(off_r + 3, off_c + 8)] = date.strftime("%m/%d/%Y")
        return Doc(f"distributor_{seed}", "distributor", "order.csv", csv_bytes(grid_to_rows(g)), gd)
    fmts = {("Order", ref(off_r + 3, off_c + 8)): "mm/dd/yyyy"} if date_style == "serial" and seed % 2 else {}
    return Doc(f"distributor_{seed}", "distributor", "order.xlsx",
               grid_to_xlsx([("Order", g)], formulas=formulas, formats=fmts, cache=kind == "xlsx"), gd)


# ----------------------------------------------------------------------------- European


EU = {
    "de": dict(title="Bestellung", po="Bestellnummer:", date="Datum:", sup="Lieferant:", ship="Lieferanschrift:",
               terms="Zahlungsbedingungen:", terms_v="30 Tage netto", buyer="Müller Maschinenbau GmbH",
               supplier="Schmidt Industriebedarf GmbH", ship_v=("Müller Maschinenbau GmbH Werk 2",
                                                                "Industriestraße 12, 70565 Stuttgart"),
               hdr=["Pos.", "Artikel-Nr.", "Bezeichnung", "Menge", "ME", "Einzelpreis €", "Gesamtpreis €"],
               total="Gesamtsumme", uoms=["Stk", "Pck", "Karton"], products=DE_PRODUCTS, cur="EUR"),
    "fr": dict(title="Bon de commande", po="N° de commande :", date="Date :", sup="Fournisseur :",
               ship="Adresse de livraison :", terms="Conditions de paiement :", terms_v="30 jours fin de mois",
               buyer="Bâtiments Durand SAS", supplier="Quincaillerie Lefèvre SARL",
               ship_v=("Chantier Lyon Confluence", "12 quai Perrache, 69002 Lyon"),
               hdr=["Ligne", "Référence", "Désignation", "Quantité", "Unité", "Prix unitaire HT", "Montant HT (EUR)"],
               total="Total HT", uoms=["PCE", "BTE", "U"], products=FR_PRODUCTS, cur="EUR"),
    "es": dict(title="Pedido de compra", po="Nº Pedido:", date="Fecha:", sup="Proveedor:", ship="Dirección de entrega:",
               terms="Forma de pago:", terms_v="Transferencia 60 días", buyer="Construcciones García S.L.",
               supplier="Suministros Industriales Pérez S.A.",
               ship_v=("Almacén Central García", "Calle Mayor 45, 28013 Madrid"),
               hdr=["Línea", "Código", "Descripción", "Cantidad", "Unidad", "Precio unitario (EUR)", "Importe (EUR)"],
               total="Total pedido", uoms=["ud", "caja"], products=ES_PRODUCTS, cur="EUR"),
    "nl": dict(title="Inkooporder", po="Ordernummer:", date="Datum:", sup="Leverancier:", ship="Afleveradres:",
               terms="Betalingsvoorwaarden:", terms_v="30 dagen netto", buyer="De Vries Installatietechniek B.V.",
               supplier="Jansen Groothandel B.V.", ship_v=("De Vries Magazijn", "Havenweg 8, 3542 AB Utrecht"),
               hdr=["Regel", "Artikelnummer", "Omschrijving", "Aantal", "Eenheid", "Prijs", "Bedrag (EUR)"],
               total="Totaal", uoms=["st", "doos"], products=NL_PRODUCTS, cur="EUR"),
}


def european(seed: int, lang: str, kind: str) -> Doc:
    """Local labels, dd.mm.yyyy, decimal-comma text numbers (or real numbers), € in a header or in cells."""
    rng = random.Random(seed)
    L = EU[lang]
    po = f"{rng.choice(['B', 'BE', 'PO', 'CMD', 'PED'])}{rng.randint(2026000, 2026999)}"
    date = dt.date(2026, rng.randint(1, 12), rng.randint(13, 28))
    items = make_items(rng, rng.randint(3, 6), L["products"], sku_fmt="", cp_fmt="{:d}", uoms=L["uoms"])
    g: dict = {}
    g[(0, 0)] = L["buyer"]
    g[(1, 0)] = "Hauptstraße 1" if lang == "de" else "Siège social"
    g[(0, 4)] = L["title"]
    datestr = date.strftime("%d.%m.%Y" if lang in ("de", "nl") else "%d/%m/%Y")
    g[(2, 4)], g[(2, 5)] = L["po"], po
    g[(3, 4)], g[(3, 5)] = L["date"], datestr if rng.random() < 0.7 else dt.datetime.combine(date, dt.time())
    g[(4, 4)], g[(4, 5)] = L["terms"], L["terms_v"]
    g[(6, 0)] = L["sup"]
    g[(7, 0)] = L["supplier"]
    g[(8, 0)] = "Postfach 100"
    g[(6, 3)] = L["ship"]
    g[(7, 3)] = L["ship_v"][0]
    g[(8, 3)] = L["ship_v"][1]
    h = 11
    for c, t in enumerate(L["hdr"]):
        g[(h, c)] = t
    text_nums = kind == "csv" or rng.random() < 0.6
    lines, total = [], Decimal(0)
    for i, it in enumerate(items):
        r = h + 1 + i
        price = fmt_eu(it.unit_price, rng.choice([".", " "]) if lang == "fr" else ".") if text_nums else it.unit_price
        amt = fmt_eu(it.amount, "." if lang != "fr" else " ") if text_nums else it.amount
        if text_nums and lang in ("fr", "nl"):
            price, amt = (f"{price} €", f"{amt} €") if lang == "fr" else (f"€ {price}", f"€ {amt}")
        for c, v in enumerate([i + 1, it.customer_part, it.description, int(it.qty), it.uom, price, amt]):
            g[(r, c)] = v
        total += it.amount
        lines.append(it.gold(sku=None))
    tr = h + 2 + len(items)
    g[(tr, 5)], g[(tr, 6)] = L["total"], fmt_eu(total) if text_nums else total
    gd = gold(po, date.isoformat(), L["buyer"], L["supplier"], L["ship_v"], L["cur"], L["terms_v"], lines, total)
    name = f"eu_{lang}_{seed}"
    if kind == "csv":
        return Doc(name, "european", "bestellung.csv", csv_bytes(grid_to_rows(g), delimiter=";",
                                                                  encoding=rng.choice(["utf-8-sig", "cp1252"])), gd)
    if kind == "xls":
        return Doc(name, "european", "order.xls", xls_bytes([(L["title"][:31], grid_to_cells(g), [])]), gd)
    return Doc(name, "european", "order.xlsx", grid_to_xlsx([(L["title"][:31], g)]), gd)


# ----------------------------------------------------------------------------- multi-sheet


def multisheet(seed: int, kind: str) -> Doc:
    """Header on a cover sheet, lines on a second, a hidden lookup sheet and an instructions sheet."""
    rng = random.Random(seed)
    po = f"MS-{rng.randint(100000, 999999)}"
    date = dt.date(2026, rng.randint(1, 12), rng.randint(1, 28))
    buyer, supplier = rng.choice(BUYERS), rng.choice(SUPPLIERS)
    items = make_items(rng, rng.randint(4, 8), PRODUCTS, sku_fmt="V{:05d}", cp_fmt="C{:05d}", uoms=["EA", "BX"])
    cover: dict = {(0, 1): "Purchase Order", (2, 1): "PO Number", (2, 2): po, (3, 1): "Order Date",
                   (3, 2): dt.datetime.combine(date, dt.time()), (4, 1): "Supplier", (4, 2): supplier,
                   (5, 1): "Bill To", (5, 2): buyer, (6, 1): "Currency", (6, 2): "USD",
                   (7, 1): "Payment Terms", (7, 2): "Net 60",
                   (8, 1): "Ship To", (8, 2): "Central DC", (9, 2): "400 Logistics Pkwy, Memphis, TN 38118"}
    lines_g: dict = {}
    hdr = ["Line No", "Vendor Part No", "Customer Part No", "Description", "Order Qty", "Unit", "Unit Price",
           "Line Total"]
    for c, t in enumerate(hdr):
        lines_g[(0, c)] = t
    lines, total = [], Decimal(0)
    for i, it in enumerate(items):
        for c, v in enumerate([i + 1, it.sku, it.customer_part, it.description, int(it.qty), it.uom, it.unit_price,
                               it.amount]):
            lines_g[(1 + i, c)] = v
        total += it.amount
        lines.append(it.gold())
    lines_g[(2 + len(items), 6)], lines_g[(2 + len(items), 7)] = "Order Total", total
    lookup: dict = {(0, 0): "Code", (0, 1): "Qty", (0, 2): "Price"}
    for i in range(5):
        lookup[(1 + i, 0)], lookup[(1 + i, 1)], lookup[(1 + i, 2)] = f"X{i}", i * 10, 1.5 * i
    instr: dict = {(0, 0): "How to fill this form", (1, 0): "Enter quantities in column E of the Lines sheet."}
    gd = gold(po, date.isoformat(), buyer, supplier, ("Central DC", "400 Logistics Pkwy, Memphis, TN 38118"), "USD",
              "Net 60", lines, total)
    sheets = [("Instructions", instr), ("Cover", cover), ("Lines", lines_g), ("Lookup", lookup)]
    if kind == "xls":
        data = xls_bytes([(t, grid_to_cells(g), []) for t, g in sheets], hidden={"Lookup"})
        return Doc(f"multisheet_{seed}", "multisheet", "po.xls", data, gd)
    return Doc(f"multisheet_{seed}", "multisheet", "po.xlsx", grid_to_xlsx(sheets, hidden={"Lookup"}), gd)


# ----------------------------------------------------------------------------- robustness


def headerless_csv(seed: int) -> Doc:
    """Pure data rows, no title row: sku, description, qty, unit price, amount."""
    rng = random.Random(seed)
    items = make_items(rng, rng.randint(4, 8), PRODUCTS, numbered=False, sku_fmt="AB-{:04d}", cp_fmt="")
    rows = [[it.sku, it.description, int(it.qty), f"{it.unit_price}", f"{it.amount}"] for it in items]
    gd = gold(None, None, None, None, None, None, None, [it.gold(customer_part=it.sku, sku=None) for it in items], None)
    return Doc(f"headerless_{seed}", "robustness", "lines.csv", csv_bytes(rows), gd)


def flat_csv(seed: int, delimiter: str, encoding: str) -> Doc:
    """Export with one row per line and PO columns repeated; odd delimiter/encoding; multi-line quoted cell."""
    rng = random.Random(seed)
    po = f"{rng.randint(4500000000, 4599999999)}"
    date = dt.date(2026, rng.randint(1, 12), rng.randint(13, 28))
    buyer, supplier = rng.choice(BUYERS), rng.choice(SUPPLIERS)
    items = make_items(rng, rng.randint(3, 6), PRODUCTS, sku_fmt="{:08d}", cp_fmt="", uoms=["EA", "PC"])
    rows: list[list] = [["PO Number", "PO Date", "Customer", "Vendor", "Line", "Vendor Item", "Description",
                         "Quantity", "UOM", "Unit Price", "Net Value", "Currency"]]
    lines = []
    for i, it in enumerate(items):
        desc = it.description
        cell_desc = desc if i != 1 else desc.replace(" ", "\n", 1)
        rows.append([po, date.strftime("%d.%m.%Y"), buyer, supplier, (i + 1) * 10, it.sku, cell_desc, int(it.qty),
                     it.uom, str(it.unit_price), str(it.amount), "EUR"])
        lines.append(it.gold(line_no=str((i + 1) * 10), customer_part=None))
    gd = gold(po, date.isoformat(), buyer, supplier, None, "EUR", None, lines, None)
    return Doc(f"flatcsv_{seed}_{ord(delimiter)}_{encoding}", "robustness", "export.csv",
               csv_bytes(rows, delimiter=delimiter, encoding=encoding), gd)


def messy_workbook(seed: int) -> Doc:
    """Error cells, a very wide table, a totals row then a second notes table, a hidden sheet."""
    rng = random.Random(seed)
    po = f"WX{rng.randint(10000, 99999)}"
    date = dt.date(2026, rng.randint(1, 12), rng.randint(1, 28))
    buyer, supplier = rng.choice(BUYERS), rng.choice(SUPPLIERS)
    items = make_items(rng, rng.randint(4, 7), PRODUCTS, sku_fmt="S{:05d}", cp_fmt="", uoms=["EA"])
    g: dict = {(0, 0): f"Purchase Order {po}"}
    g[(1, 0)], g[(1, 1)] = "PO #", po
    g[(2, 0)], g[(2, 1)] = "PO Date", dt.datetime.combine(date, dt.time())
    g[(3, 0)], g[(3, 1)] = "Supplier", supplier
    g[(4, 0)], g[(4, 1)] = "Buyer", buyer
    hdr = ["Line", "Supplier SKU", "Description", "Qty", "UOM", "Unit Price", "Amount", "Lead Time", "Weight kg",
           "Volume m3", "Country of Origin", "HS Code", "Pallet", "Colour"]
    hdr += [f"Attr {k}" for k in range(1, 40)]
    h = 6
    for c, t in enumerate(hdr):
        g[(h, c)] = t
    lines, total = [], Decimal(0)
    for i, it in enumerate(items):
        r = h + 1 + i
        row = [i + 1, it.sku, it.description, int(it.qty), it.uom, it.unit_price, it.amount,
               "#N/A" if i % 2 else 14, "#REF!", 0.5, "IN", "#VALUE!", 1, "Blue"]
        row += [f"v{k}" for k in range(1, 40)]
        for c, v in enumerate(row):
            g[(r, c)] = v
        total += it.amount
        lines.append(it.gold(customer_part=None))
    tr = h + 1 + len(items)
    g[(tr, 5)], g[(tr, 6)] = "Total", total
    g[(tr + 2, 0)], g[(tr + 2, 1)], g[(tr + 2, 2)] = "Note No", "Note", "Qty of pallets"
    g[(tr + 3, 0)], g[(tr + 3, 1)], g[(tr + 3, 2)] = 1, "Deliver to dock 4", 3
    g[(tr + 4, 0)], g[(tr + 4, 1)], g[(tr + 4, 2)] = 2, "Call before delivery", 1
    hidden: dict = {(0, 0): "Description", (0, 1): "Qty", (0, 2): "Price", (1, 0): "old row", (1, 1): 5, (1, 2): 9.5}
    gd = gold(po, date.isoformat(), buyer, supplier, None, None, None, lines, total)
    return Doc(f"messy_{seed}", "robustness", "po.xlsx", grid_to_xlsx([("PO", g), ("Old", hidden)], hidden={"Old"}),
               gd)


def amazon_vc(seed: int, kind: str) -> Doc:
    """Vendor-portal export: one row per line, PO columns repeated, ASIN / external id / model number."""
    rng = random.Random(seed)
    po = f"{rng.choice('23456789')}{rng.choice('ABCDEFGH')}{rng.randint(100000, 999999)}"
    items = make_items(rng, rng.randint(3, 7), PRODUCTS, sku_fmt="MDL-{:04d}", cp_fmt="B0{:08d}")
    hdr = ["PO", "Vendor", "Ship to location", "ASIN", "External Id", "External Id Type", "Model Number", "Title",
           "Availability", "Window start", "Window end", "Expected date", "Quantity Requested", "Accepted quantity",
           "Quantity received", "Quantity outstanding", "Unit Cost", "Total cost"]
    rows: list[list] = [hdr]
    lines, total = [], Decimal(0)
    for it in items:
        ean = f"0{rng.randint(10**11, 10**12 - 1)}"
        rows.append([po, "ACMEV", "MDW2 - Joliet, IL", it.customer_part, ean, "UPC", it.sku, it.description,
                     "AC - Accepted: In stock", "3/1/2026", "3/8/2026", "3/8/2026", int(it.qty), int(it.qty), 0,
                     int(it.qty), f"${it.unit_price}", f"${it.amount}"])
        total += it.amount
        lines.append(it.gold(line_no=None))
    gd = gold(po, None, None, None, ("MDW2", "Joliet, IL"), "USD", None, lines, None)
    gd["ship_to"] = None  # a location code only: scored leniently below
    if kind == "xlsx":
        g = {(r, c): v for r, row in enumerate(rows) for c, v in enumerate(row)}
        return Doc(f"amazon_vc_{seed}", "portal", "po.xlsx", grid_to_xlsx([("PO", g)]), gd)
    return Doc(f"amazon_vc_{seed}", "portal", "po.csv", csv_bytes(rows), gd)


def horizontal_header(seed: int, kind: str) -> Doc:
    """Header as a small table: a row of labels with the values in the row below; ISO or long text dates;
    qty with its unit in one cell ("10 CS"); section rows and a repeated table header inside the lines."""
    rng = random.Random(seed)
    po = f"{rng.randint(700000, 799999)}"
    date = dt.date(2026, rng.randint(1, 12), rng.randint(1, 28))
    buyer, supplier = rng.choice(BUYERS), rng.choice(SUPPLIERS)
    items = make_items(rng, 6, PRODUCTS, sku_fmt="{:d}", cp_fmt="", uoms=["CS", "EA", "BX"])
    g: dict = {(0, 0): buyer, (1, 0): "Purchase Order"}
    labels = ["PO Number", "Order Date", "Supplier", "Payment Terms", "Currency"]
    datev = date.isoformat() if seed % 2 else date.strftime("%B %d, %Y")
    values = [po, datev, supplier, "Net 30", "USD"]
    for c, (lab, v) in enumerate(zip(labels, values, strict=True)):
        g[(3, c + 1)] = lab
        g[(4, c + 1)] = v
    g[(6, 1)], g[(7, 1)], g[(8, 1)] = "Deliver To", "Store 118", "900 Main St, Austin, TX 78701"
    h = 10
    hdr = ["#", "Vendor Item", "Description", "Qty", "Unit Price", "Extended"]
    for c, t in enumerate(hdr):
        g[(h, c)] = t
    r = h + 1
    lines, total = [], Decimal(0)
    for i, it in enumerate(items):
        if i in (0, 3):
            g[(r, 2)] = "DRY GOODS" if i == 0 else "CLEANING"
            r += 1
        if i == 3:
            for c, t in enumerate(hdr):
                g[(r, c)] = t
            r += 1
        for c, v in enumerate([i + 1, it.sku, it.description, f"{int(it.qty)} {it.uom}", it.unit_price, it.amount]):
            g[(r, c)] = v
        r += 1
        total += it.amount
        lines.append(it.gold())
    g[(r, 4)], g[(r, 5)] = "TOTAL", total
    gd = gold(po, date.isoformat(), buyer, supplier, ("Store 118", "900 Main St, Austin, TX 78701"), "USD", "Net 30",
              lines, total)
    if kind == "csv":
        return Doc(f"horizontal_{seed}", "layout", "po.csv", csv_bytes(grid_to_rows(g)), gd)
    return Doc(f"horizontal_{seed}", "layout", "po.xlsx", grid_to_xlsx([("Sheet1", g)]), gd)


def rupee_discount(seed: int) -> Doc:
    """Indian distributor PO: ₹ in cells, MRP/discount/net rate columns, amounts incl. GST, serial delivery dates."""
    rng = random.Random(seed)
    po = f"PO/{rng.randint(2025, 2026)}/{rng.randint(1000, 9999)}"
    date = dt.date(2025, rng.randint(1, 12), rng.randint(13, 28))
    buyer, supplier = "Metro Fresh Marts Ltd", rng.choice(SUPPLIERS)
    items = make_items(rng, rng.randint(3, 6), PRODUCTS, sku_fmt="", cp_fmt="MF{:d}", uoms=["PCS", "BOX"])
    g: dict = {(0, 2): buyer, (1, 2): "Plot 4, MIDC Andheri East, Mumbai 400093", (2, 2): "GSTIN: 27AAACM1234F1Z5"}
    g[(4, 0)], g[(4, 1)] = "Order No.", po
    g[(4, 5)], g[(4, 6)] = "Date", date.strftime("%d-%m-%Y")
    g[(5, 0)], g[(5, 1)] = "Party Name", supplier
    g[(6, 0)], g[(6, 1)] = "Delivery At", "Metro Fresh DC Bhiwandi, Gala 7, Bhiwandi 421302"
    h = 8
    hdr = ["Sr.", "Item Code", "Item Name", "MRP", "Disc %", "Rate", "Qty", "UOM", "GST %", "Amount",
           "Delivery Date"]
    for c, t in enumerate(hdr):
        g[(h, c)] = t
    lines, total = [], Decimal(0)
    for i, it in enumerate(items):
        amount = (it.amount * Decimal("1.18")).quantize(Decimal("0.01"))
        total += amount
        for c, v in enumerate([i + 1, it.customer_part, it.description, f"₹{it.unit_price * 2}", "10%",
                               f"₹{it.unit_price}", int(it.qty), it.uom, "18%", f"₹{fmt_in(amount)}",
                               (date - EPOCH).days + 7]):
            g[(h + 1 + i, c)] = v
        lines.append(it.gold(amount=_s(amount)))
    g[(h + 2 + len(items), 8)], g[(h + 2 + len(items), 9)] = "Net Payable", f"₹{fmt_in(total)}"
    g[(h + 4 + len(items), 0)] = "For Metro Fresh Marts Ltd"
    g[(h + 6 + len(items), 0)] = "Authorised Signatory"
    gd = gold(po, date.isoformat(), buyer, supplier, ("Metro Fresh DC Bhiwandi", "Gala 7, Bhiwandi 421302"), "INR",
              None, lines, total)
    return Doc(f"rupee_{seed}", "layout", "po.xlsx", grid_to_xlsx([("PO", g)]), gd)


def sap_export(seed: int, kind: str) -> Doc:
    """ERP list export (SAP ME2N style): "Item" 10/20/30 is the line number, "Material" the buyer's code."""
    rng = random.Random(seed)
    po = f"45{rng.randint(10**7, 10**8 - 1)}"
    date = dt.date(2026, rng.randint(1, 12), rng.randint(13, 28))
    supplier = rng.choice(SUPPLIERS)
    items = make_items(rng, rng.randint(3, 6), PRODUCTS, sku_fmt="", cp_fmt="{:d}", uoms=["PC", "KG", "CS"])
    hdr = ["Purchasing Document", "Item", "Document Date", "Vendor", "Material", "Short Text", "PO Quantity",
           "Order Unit", "Net Price", "Net Order Value", "Currency", "Deliv. Date"]
    rows: list[list] = [hdr]
    lines = []
    for i, it in enumerate(items):
        n = str((i + 1) * 10)
        if kind == "csv":
            rows.append([po, n, date.strftime("%d.%m.%Y"), supplier, it.customer_part, it.description, str(it.qty),
                         it.uom, fmt_eu(it.unit_price, ""), fmt_eu(it.amount, ""), "EUR", "30.12.2026"])
        else:
            rows.append([int(po), (i + 1) * 10, dt.datetime.combine(date, dt.time()), supplier, int(it.customer_part),
                         it.description, int(it.qty), it.uom, it.unit_price, it.amount, "EUR",
                         dt.datetime(2026, 12, 30)])
        lines.append(it.gold(line_no=n))
    gd = gold(po, date.isoformat(), None, supplier, None, "EUR", None, lines, None)
    if kind == "csv":
        return Doc(f"sap_{seed}", "portal", "ME2N.csv", csv_bytes(rows, ";"), gd)
    g = {(r, c): v for r, row in enumerate(rows) for c, v in enumerate(row)}
    return Doc(f"sap_{seed}", "portal", "ME2N.xlsx", grid_to_xlsx([("Sheet1", g)]), gd)


def fixed_forms() -> list[Doc]:
    """Three hand-made forms: a UK wholesaler's order form (£ in text cells), a Spanish .xls pedido with a
    discount column, and a US PO with Subtotal / Freight / Total under the table."""
    def ln(no, sku, cp, desc, qty, uom, price, amount):
        return {"line_no": no, "sku": sku, "customer_part": cp, "description": desc, "qty": qty, "uom": uom,
                "unit_price": price, "amount": amount}

    uk = {(0, 1): "ORDER FORM", (0, 4): "Harrow Wholesale Ltd", (2, 0): "Account No", (2, 1): "HW-00412",
          (3, 0): "Customer Name", (3, 1): "The Corner Deli Ltd", (4, 0): "Order Ref", (4, 1): "CD/2026/118",
          (5, 0): "Date Required", (5, 1): dt.datetime(2026, 4, 2), (6, 0): "Order Date", (6, 1): "28/03/2026",
          (2, 3): "Delivery Address", (3, 3): "The Corner Deli\n14 High Street\nHarrow HA1 1AA",
          (9, 0): "Product Code", (9, 1): "Product Description", (9, 2): "Pack Size", (9, 3): "Qty", (9, 4): "Price",
          (9, 5): "Total", (10, 0): "BK101", (10, 1): "Sourdough Loaf", (10, 2): "1 x 800g", (10, 3): 12,
          (10, 4): "£2.40", (10, 5): "£28.80", (11, 0): "CH220", (11, 1): "Mature Cheddar", (11, 2): "1 x 2.5kg",
          (11, 3): 2, (11, 4): "£18.50", (11, 5): "£37.00", (13, 4): "Order Total", (13, 5): "£65.80"}
    uk_gold = gold("CD/2026/118", "2026-03-28", "The Corner Deli Ltd", "Harrow Wholesale Ltd",
                   ("The Corner Deli", "14 High Street, Harrow HA1 1AA"), "GBP", None,
                   [ln(None, None, "BK101", "Sourdough Loaf", "12", None, "2.40", "28.80"),
                    ln(None, None, "CH220", "Mature Cheddar", "2", None, "18.50", "37.00")], "65.80")
    es = {(0, 0): "PEDIDO", (1, 0): "Nº Pedido", (1, 1): "P-2026-0042", (2, 0): "Fecha", (2, 1): "05/03/2026",
          (3, 0): "Cliente", (3, 1): "Hostelería Sol S.L.", (4, 0): "Proveedor", (4, 1): "Distribuciones Norte S.A.",
          (6, 0): "Nº", (6, 1): "Artículo", (6, 2): "Descripción", (6, 3): "Uds.", (6, 4): "Precio €",
          (6, 5): "Dto. %", (6, 6): "Importe €", (7, 0): 1, (7, 1): "A-55", (7, 2): "Aceite de oliva 5L", (7, 3): 4,
          (7, 4): 31.5, (7, 5): 5, (7, 6): 119.7, (8, 0): 2, (8, 1): "B-12", (8, 2): "Vinagre 1L", (8, 3): 10,
          (8, 4): 1.2, (8, 5): 0, (8, 6): 12, (10, 5): "TOTAL", (10, 6): 131.7}
    es_gold = gold("P-2026-0042", "2026-03-05", "Hostelería Sol S.L.", "Distribuciones Norte S.A.", None, "EUR", None,
                   [ln("1", None, "A-55", "Aceite de oliva 5L", "4", None, "31.5", "119.7"),
                    ln("2", None, "B-12", "Vinagre 1L", "10", None, "1.2", "12")], "131.7")
    us = {(0, 0): "PO Number", (0, 1): "NW-5521", (1, 0): "Date", (1, 1): dt.datetime(2026, 5, 7), (2, 0): "Vendor",
          (2, 1): "Blue River Trading LLC\n12 Canal St\nNew Orleans, LA 70112", (3, 0): "Ship To",
          (3, 1): "Northwind DC 2\n500 Freight Rd\nReno, NV 89502", (4, 0): "Terms", (4, 1): "Net 30",
          (5, 0): "Buyer", (5, 1): "Jane Miller", (7, 0): "Qty", (7, 1): "Item", (7, 2): "Description",
          (7, 3): "Unit Price", (7, 4): "Total", (8, 0): 10, (8, 1): "BR-1", (8, 2): "Pallet wrap", (8, 3): 12.5,
          (8, 4): 125, (9, 0): 3, (9, 1): "BR-2", (9, 2): "Tape gun", (9, 3): 8.99, (9, 4): 26.97,
          (11, 3): "Subtotal", (11, 4): 151.97, (12, 3): "Freight", (12, 4): 20, (13, 3): "Total", (13, 4): 171.97}
    us_gold = gold("NW-5521", "2026-05-07", None, "Blue River Trading LLC",
                   ("Northwind DC 2", "500 Freight Rd, Reno, NV 89502"), None, "Net 30",
                   [ln(None, None, "BR-1", "Pallet wrap", "10", None, "12.5", "125"),
                    ln(None, None, "BR-2", "Tape gun", "3", None, "8.99", "26.97")], "171.97")
    return [Doc("uk_order_form", "layout", "order.xlsx", grid_to_xlsx([("Order Form", uk)]), uk_gold),
            Doc("es_pedido_discount", "layout", "pedido.xls", xls_bytes([("Pedido", grid_to_cells(es), [])]), es_gold),
            Doc("us_subtotal_freight", "layout", "po.xlsx", grid_to_xlsx([("PO", us)]), us_gold)]


def documents() -> list[Doc]:
    docs = [bigbasket_like(1, "xlsx"), bigbasket_like(2, "xls"), flipkart_like(3), flipkart_like(4),
            swiggy_like(5, "xls"), swiggy_like(6, "xlsx"), zomato_like(7), zomato_like(8),
            distributor_form(11, "xlsx"), distributor_form(12, "xlsx"), distributor_form(13, "xls"),
            distributor_form(14, "csv"), distributor_form(15, "xlsx"), distributor_form(16, "csv"),
            distributor_form(17, "xlsx_raw"), distributor_form(18, "xlsx_raw"),
            european(21, "de", "xlsx"), european(22, "fr", "xlsx"), european(23, "es", "xls"),
            european(24, "nl", "csv"), european(25, "de", "csv"), european(26, "fr", "csv"),
            multisheet(31, "xlsx"), multisheet(32, "xls"),
            headerless_csv(41), headerless_csv(42), flat_csv(43, ";", "utf-8"), flat_csv(44, "\t", "utf-16"),
            flat_csv(45, "|", "utf-8"), messy_workbook(46), messy_workbook(47),
            amazon_vc(51, "csv"), amazon_vc(52, "xlsx"), horizontal_header(53, "xlsx"), horizontal_header(54, "csv"),
            rupee_discount(55), rupee_discount(56), sap_export(57, "csv"), sap_export(58, "xlsx")]
    docs += fixed_forms()
    return docs


def main(argv: list[str]) -> None:
    from collections import defaultdict

    sys.path.insert(0, __file__.rsplit("/", 1)[0])
    from sheets_conf import score_order

    from orderflow.extractors import ExtractContext, extract

    out = argv[1] if len(argv) > 1 else None
    per: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for d in documents():
        if out:
            import json
            import pathlib
            p = pathlib.Path(out)
            p.mkdir(parents=True, exist_ok=True)
            ext = d.filename.rsplit(".", 1)[1]
            (p / f"{d.name}.{ext}").write_bytes(d.data)
            (p / f"{d.name}.expected.json").write_text(json.dumps(d.gold, indent=2, ensure_ascii=False))
        res = extract(d.data, ExtractContext(filename=d.filename))
        if not res.orders:
            n = 10 + 8 * len(d.gold["lines"])
            per[d.category][1] += n
            print(f"{d.name:28s} NO ORDER {[i.message for i in res.issues][:1]}")
            continue
        sc = score_order(res.orders[0], d.gold)
        ok = sum(sc.values())
        per[d.category][0] += ok
        per[d.category][1] += len(sc)
        wrong = [k for k, v in sc.items() if not v]
        print(f"{d.name:28s} {res.format:11s} {ok}/{len(sc)} {wrong[:8]}")
    tot = [sum(v[0] for v in per.values()), sum(v[1] for v in per.values())]
    for cat, (ok, n) in sorted(per.items()):
        print(f"{cat:12s} {ok}/{n} = {ok / n:.3f}")
    print(f"{'ALL':12s} {tot[0]}/{tot[1]} = {tot[0] / tot[1]:.3f}")


if __name__ == "__main__":
    main(sys.argv)
