"""Simple CSV order files: one column-title row, one order line per row.

PO-level columns (po_number, customer, po_date, ship_to …) repeat on every row, so a file
may carry several POs: rows are grouped by PO number, one order each. A CSV that is really
a form (header block, then a table, no PO-number column) goes to the spreadsheet engine.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from orderflow.canonical import (
    Address,
    CanonicalOrder,
    Extraction,
    Issue,
    IssueCode,
    OrderLine,
    Party,
    Provenance,
    Severity,
)
from orderflow.canonical.tax import tax_rate_between
from orderflow.extractors import limits
from orderflow.extractors.base import ExtractContext
from orderflow.extractors.sheet.build import clean_description, decimal_comma_of
from orderflow.extractors.sheet.grid import Sheet, SheetError, cell_ref
from orderflow.extractors.sheet.keyvalue import split_party
from orderflow.extractors.sheet.labels import HEADER_FIELDS, LINE_FIELDS
from orderflow.extractors.sheet.loaders import load_csv
from orderflow.extractors.sheet.table import assign_columns, sequence_as_line_no
from orderflow.extractors.spreadsheet import extract_grid_orders, looks_like_delimited_text
from orderflow.extractors.values import detect_currency, guess_day_first, parse_date, parse_decimal

NAME = "csv"
CSV_FIELDS = LINE_FIELDS + [f for f in HEADER_FIELDS if f not in LINE_FIELDS] + ["ship_to_address", "total"]
ITEM_FIELDS = ("sku", "customer_part", "code", "gtin", "description")
SHEET = "csv"


def find_title_row(sheet: Sheet) -> tuple[int, dict[str, int]] | None:
    """The first row (of the first ten) whose labels name a quantity and two more fields."""
    rows = sheet.rows()
    for r in list(rows)[:10]:
        labels = {c.col: c.text for c in rows[r] if isinstance(c.value, str) and parse_decimal(c.text) is None}
        if len(labels) < 3:
            continue
        cols, _ = assign_columns(labels, CSV_FIELDS)
        cols, _ = sequence_as_line_no(sheet, r, labels, cols, 0.0, CSV_FIELDS)
        if len(cols) >= 3 and any(f in cols for f in ITEM_FIELDS) and ("qty" in cols or "po_number" in cols
                                                                       or len(cols) >= 4):
            return r, {f: c.col for f, c in cols.items()}
    return None


class CsvExtractor:
    """Tabular CSV order exports (one line per row)."""

    name = NAME

    def sniff(self, data: bytes, filename: str | None) -> float:
        if not looks_like_delimited_text(data):
            return 0.0
        try:
            sheet = load_csv(data[:65536].rsplit(b"\n", 1)[0] if len(data) > 65536 else data)[0]
        except SheetError:
            return 0.0
        found = find_title_row(sheet)
        if found is None:
            return 0.0
        _, cols = found
        return 0.8 if "po_number" in cols and "qty" in cols else 0.62

    def extract(self, data: bytes, ctx: ExtractContext) -> Extraction:
        try:
            sheet = load_csv(data, SHEET)[0]
        except SheetError as exc:
            return _error(str(exc))
        if not sheet.cells:
            return _error("The CSV file has no data.")
        found = find_title_row(sheet)
        if found is None:
            form = extract_grid_orders(data, NAME)
            if form.orders:
                return form
            return _error("The CSV has no column-title row naming order columns (PO number, qty, SKU, …).")
        title, cols = found
        if "po_number" not in cols:
            form = extract_grid_orders(data, NAME)
            if form.orders and any(o.po_number for o in form.orders):
                return form
        _place_code(cols)
        missing = [f for f in ("po_number", "qty") if f not in cols]
        if not any(f in cols for f in ITEM_FIELDS):
            missing.append("sku/customer_part/description")
        if missing:
            form = extract_grid_orders(data, NAME)
            if form.orders and all(o.po_number for o in form.orders):
                return form
            return _error(
                f"The CSV lacks required column(s): {', '.join(missing)} "
                f"(found: {', '.join(sheet.text(title, c) for c in sorted(cols.values()))}).",
                missing=missing,
            )
        return build_flat_orders(sheet, title, cols)


def _error(message: str, missing: list[str] | None = None) -> Extraction:
    return Extraction(
        format=NAME,
        issues=[Issue(code=IssueCode.PARSE_ERROR, message=message, expected=missing or None)],
    )


def _place_code(cols: dict[str, int]) -> None:
    """An item code whose owner the label does not say: the buyer's, unless the buyer's column exists."""
    if "code" in cols:
        if "sku" not in cols:
            cols["sku" if "customer_part" in cols else "customer_part"] = cols.pop("code")
        else:
            cols["customer_part"] = cols.pop("code")


def build_flat_orders(sheet: Sheet, title: int, cols: dict[str, int], sheet_name: str = SHEET) -> Extraction:
    """One order per PO number from a one-line-per-row table (CSV file or a workbook sheet)."""
    _place_code(cols)
    rows = sheet.rows()
    data_rows = sum(1 for r in rows if r > title)
    if data_rows > limits.cap("rows"):  # counted before a single order is built
        return _error(str(limits.over_cap("rows", f"The {sheet_name} table", data_rows)))
    day_first = guess_day_first([sheet.text(r, cols["po_date"]) for r in rows if "po_date" in cols] +
                                [sheet.text(r, cols["requested_date"]) for r in rows if "requested_date" in cols])
    dec_comma = decimal_comma_of([sheet.text(r, cols[f]) for r in rows if r > title
                                  for f in ("qty", "unit_price", "amount", "total") if f in cols])
    orders: dict[str, CanonicalOrder] = {}
    issues: list[Issue] = []
    total_lines = 0

    def text(r: int, f: str) -> str:
        return sheet.text(r, cols[f]) if f in cols else ""

    def prov(o: CanonicalOrder, path: str, r: int, f: str, conf: float = 0.95) -> None:
        o.provenance[path] = Provenance(sheet=sheet_name, cell=cell_ref(r, cols[f]), raw=text(r, f), confidence=conf,
                                        extractor=NAME)

    ship = party_columns(sheet, title, "ship to")
    if "name" in ship:
        cols["ship_to"] = ship["name"]  # "Ship To Name" names the party; "Ship To Location" is a code
    for f, pat in (("payment_terms", _TERMS_TEXT), ("total", _TOTAL_TEXT)):
        col = next((c.col for c in rows.get(title, []) if pat.fullmatch(" ".join(c.text.lower().split()))), None)
        if col is not None:
            cols[f] = col

    for r in [r for r in rows if r > title]:
        po = text(r, "po_number")
        qty = parse_decimal(text(r, "qty"), decimal_comma=dec_comma)
        if not po and qty is None:
            continue
        if not po:
            issues.append(Issue(code=IssueCode.MISSING_FIELD, severity=Severity.WARNING, field="po_number",
                                message=f"CSV row {r + 1} has a quantity but no PO number; row skipped."))
            continue
        order = orders.get(po)
        if order is None:
            if len(orders) >= limits.cap("orders"):  # counted as the rows are read: stop before building more
                return _error(str(limits.over_cap("orders", f"The {sheet_name} table")))
            order = orders[po] = CanonicalOrder(po_number=po)
            prov(order, "po_number", r, "po_number")
            _header(order, r, text, prov, day_first, dec_comma)
            address = party_address(sheet, r, ship)
            if address and order.ship_to is not None:
                order.ship_to.address = Address(text=address)
        if qty is None and not any(text(r, f) for f in ITEM_FIELDS + ("unit_price", "line_no")):
            continue  # a header / allowance / note record of a flat file (Record Type H, C, I, O): no line
        i = len(order.lines)
        if i >= limits.cap("lines"):
            return _error(str(limits.over_cap("lines", f"PO {po}")))
        total_lines += 1
        if total_lines > limits.cap("rows"):
            return _error(str(limits.over_cap("rows", f"The {sheet_name} table")))
        values: dict[str, Any] = {}
        for f in ("qty", "unit_price", "amount"):
            v = parse_decimal(text(r, f), decimal_comma=dec_comma) if text(r, f) else None
            if v is not None:
                values[f] = v
                prov(order, f"lines[{i}].{f}", r, f)
        for f in ("line_no", "sku", "customer_part", "gtin", "uom"):
            if text(r, f):
                values[f] = text(r, f)
                prov(order, f"lines[{i}].{f}", r, f, 0.9)
        if text(r, "description"):
            values["description"] = clean_description(text(r, "description"))
            prov(order, f"lines[{i}].description", r, "description", 0.9)
        if text(r, "requested_date"):
            d = parse_date(text(r, "requested_date"), day_first=day_first)
            if d:
                values["requested_date"] = d
        if not values.get("sku") and values.get("gtin"):
            values["sku"] = values["gtin"]
        if "qty" not in values:
            issues.append(Issue(code=IssueCode.PARSE_ERROR, severity=Severity.WARNING, field=f"lines[{i}].qty",
                                message=f"PO {po}, CSV row {r + 1}: quantity {text(r, 'qty')!r} is not a number."))
        order.lines.append(OrderLine(**values))
        if not order.currency and text(r, "currency"):
            order.currency = detect_currency(text(r, "currency")) or text(r, "currency").upper()[:3]
            prov(order, "currency", r, "currency")
    if not orders:
        return _error("The CSV has a column-title row but no order rows.")
    table_currency: list[str | None] = []  # read once, not once per order (40,000 orders × all rows)
    for order in orders.values():
        if not order.currency:  # "Unit Cost (USD)" in the title row, else "$12.50" in the first money cells
            if not table_currency:
                texts = [text(title, f) for f in ("unit_price", "amount")]
                texts += [text(r, f) for r in [r for r in rows if r > title][:5] for f in ("unit_price", "amount")]
                table_currency.append(next((detect_currency(t) for t in texts if t and detect_currency(t)), None))
            order.currency = table_currency[0]
        issues.extend(_checks(order))
    return Extraction(format=NAME, orders=list(orders.values()), issues=issues,
                      metadata={"kind": "csv", "orders": len(orders)})


_TERMS_TEXT = re.compile(r"payment\s+terms?\s+(?:desc(?:ription)?|text)|terms\s+desc(?:ription)?")
_TOTAL_TEXT = re.compile(r"(?:po|order)\s+total\s+(?:amount|value)|total\s+po\s+amount")
_PARTY_PART = {"name": r"name", "address1": r"address\s*1?|street(?:\s*1)?|address\s+line\s*1",
               "address2": r"address\s*2|street\s*2|address\s+line\s*2", "city": r"city|town",
               "state": r"state|province|region", "zip": r"zip|postal\s+code|postcode|zip\s+code"}


def party_columns(sheet: Sheet, title: int, prefix: str) -> dict[str, int]:
    """The columns of one party spread over a flat file's titles ("Ship To Name", "Ship To Address 1",
    "Ship to City", "Ship To State", "Ship to Zip") by part."""
    out: dict[str, int] = {}
    for c in sheet.rows().get(title, []):
        t = " ".join(c.text.lower().split())
        if not t.startswith(prefix + " "):
            continue
        rest = t[len(prefix) + 1:]
        for part, pat in _PARTY_PART.items():
            if part not in out and re.fullmatch(pat, rest):
                out[part] = c.col
    return out


def party_address(sheet: Sheet, r: int, cols: dict[str, int]) -> str | None:
    """'500 Kapik Road, Hernando, MS 38632' from the party's street, city, state and zip cells."""
    def val(part: str) -> str:
        return " ".join(sheet.text(r, cols[part]).split()) if part in cols else ""

    if not val("address1") or not (val("city") or val("zip")):
        return None
    tail = " ".join(x for x in (val("state"), val("zip")) if x)
    return ", ".join(x for x in (val("address1"), val("address2"), val("city"), tail) if x)


def _header(order: CanonicalOrder, r: int, text: Any, prov: Any, day_first: bool | None,
            dec_comma: bool | None) -> None:
    if text(r, "po_date"):
        d = parse_date(text(r, "po_date"), day_first=day_first)
        if isinstance(d, dt.date):
            order.po_date = d
            prov(order, "po_date", r, "po_date", 0.9)
    if text(r, "buyer"):
        order.buyer = Party(name=text(r, "buyer"))
        prov(order, "buyer.name", r, "buyer")
    if text(r, "supplier") and not re.fullmatch(r"[A-Z0-9_-]{1,8}", text(r, "supplier")):  # not a vendor code
        order.supplier = Party(name=text(r, "supplier"))
        prov(order, "supplier.name", r, "supplier")
    if text(r, "payment_terms"):
        order.payment_terms = text(r, "payment_terms")
        prov(order, "payment_terms", r, "payment_terms")
    name, addr = text(r, "ship_to"), text(r, "ship_to_address")
    if name and not addr and ("," in name or "\n" in name):
        name, addr = split_party(name)
    elif addr and not name:
        name, addr = split_party(addr)
    if name or addr:
        order.ship_to = Party(name=name or None, address=Address(text=" ".join(addr.split())) if addr else None)
        if text(r, "ship_to"):
            prov(order, "ship_to.name", r, "ship_to", 0.9)
        if text(r, "ship_to_address"):
            prov(order, "ship_to.address", r, "ship_to_address", 0.9)
    if text(r, "total"):
        total = parse_decimal(text(r, "total"), decimal_comma=dec_comma)
        if total is not None:
            order.declared_total = total
            prov(order, "declared_total", r, "total")
    if text(r, "currency"):
        order.currency = detect_currency(text(r, "currency")) or text(r, "currency").upper()[:3]
        prov(order, "currency", r, "currency")


def _checks(order: CanonicalOrder) -> list[Issue]:
    out: list[Issue] = []
    for i, ln in enumerate(order.lines):
        if ln.qty is not None and ln.unit_price is not None and ln.amount is not None:
            expect = ln.qty * ln.unit_price
            if abs(expect - ln.amount) > max(Decimal("0.02"), abs(ln.amount) * Decimal("0.001")):
                out.append(Issue(
                    code=IssueCode.ARITHMETIC, severity=Severity.WARNING, field=f"lines[{i}].amount",
                    message=(f"PO {order.po_number} line {ln.line_no or i + 1}: qty × unit_price = "
                             f"{ln.qty} × {ln.unit_price} = {expect.normalize():f}, but amount is {ln.amount}."),
                    expected=format(expect, "f"), actual=format(ln.amount, "f"),
                ))
    amounts = [ln.amount for ln in order.lines if ln.amount is not None]
    if order.declared_total is not None and amounts and len(amounts) == len(order.lines):
        s = sum(amounts, Decimal(0))
        if abs(s - order.declared_total) > Decimal("0.05") and not tax_rate_between(s, order.declared_total):
            out.append(Issue(
                code=IssueCode.TOTAL_MISMATCH, severity=Severity.WARNING, field="declared_total",
                message=(f"PO {order.po_number}: sum of line amounts {s.normalize():f} differs from the "
                         f"declared total {order.declared_total}."),
                expected=format(s, "f"), actual=format(order.declared_total, "f"),
            ))
    return out
