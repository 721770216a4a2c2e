"""Turn sheets (grids) into canonical orders: header block + line table + totals + checks.

Shared by the spreadsheet extractor (XLSX/XLS/SpreadsheetML/CSV forms). Every value set on
the order gets a Provenance naming its sheet and cell.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from orderflow.canonical import (
    Address,
    CanonicalOrder,
    Issue,
    IssueCode,
    OrderLine,
    Party,
    Provenance,
    Purpose,
    Severity,
)
from orderflow.canonical.uom import normalize_uom
from orderflow.extractors import limits
from orderflow.extractors.layout import revision as R
from orderflow.extractors.sheet.grid import Cell, Sheet, cell_ref, stored_decimal
from orderflow.extractors.sheet.infer import infer_table
from orderflow.extractors.sheet.keyvalue import (
    KV,
    company_name,
    find_header_values,
    find_revision,
    split_party,
)
from orderflow.extractors.sheet.labels import best_field
from orderflow.extractors.sheet.table import TOTAL_RE, Table, find_tables, is_total_row
from orderflow.extractors.values import detect_currency, guess_day_first, parse_date, parse_decimal

SUBLINE = re.compile(r"^\s*(colou?r|size|brand|batch|lot|hsn|mrp|ean|style|variant|pack size)\s*:", re.I)
GRAND_TOTAL = re.compile(
    r"grand\s*total|order\s*total|po\s*total|total\s*payable|net\s*payable|total\s*due|gesamtsumme|endsumme|"
    r"gesamtbetrag|total\s*ttc|totaal\s*incl|total\s*general|importe\s*total|total\s*pedido|total\s*commande", re.I)
SUBTOTAL = re.compile(r"^\s*(sub\s*-?\s*total|zwischensumme|subtotaal|sous[\s-]total|total\s*ht|net\s*total|"
                      r"total\s*(before|excl\.?|excluding)\s*(tax|vat|gst)|base\s*imponible|nettobetrag)\b", re.I)
PLAIN_TOTAL = re.compile(r"^\s*(total|total\s*amount|total\s*value|total\s*order|totaal|gesamt|gesamtbetrag|"
                         r"amount\s*due|balance\s*due|total\s*due|total\s*ttc|total\s*a\s*pagar|"
                         r"total\s*(incl\.?|including)\s*(tax|vat|gst)|bruttobetrag|total\s*(usd|eur|gbp|inr))"
                         r"\s*[:.]?\s*(\(\w{3}\))?\s*$", re.I)
DISCOUNT_LABEL = re.compile(r"\b(disc|discount|dto|descuento|rabatt|remise|korting|sconto)\b", re.I)
TAX_LABEL = re.compile(r"\b(tax|gst|cgst|sgst|igst|vat|mwst|iva|tva)\b", re.I)
EXCEL_EPOCH = dt.date(1899, 12, 30)
_QTY_UNIT = re.compile(r"^\s*([\d][\d.,' ]*?)\s*([A-Za-z]{1,10}\.?)\s*$")


@dataclass
class SheetOrder:
    """What one sheet contributed: an order draft plus its issues."""

    order: CanonicalOrder
    issues: list[Issue] = field(default_factory=list)
    has_lines: bool = False


class _Builder:
    def __init__(self, sheet: Sheet, extractor: str):
        self.sheet = sheet
        self.extractor = extractor
        self.order = CanonicalOrder()
        self.issues: list[Issue] = []
        self.skip: set[int] = set()  # rows of the line tables
        self.line_rows: list[int] = []
        self.subtotal: Decimal | None = None  # the table's "Subtotal" when charges/tax follow it
        self.decimal_comma = decimal_comma_of(
            [c.text for c in sheet.cells.values() if isinstance(c.value, str) and len(c.text) < 30]
        )
        self.day_first = guess_day_first(
            [c.text for c in sheet.cells.values() if isinstance(c.value, str) and len(c.text) < 40]
        )
        if self.day_first is None:
            self.day_first = _day_first_hint(sheet)

    def prov(self, path: str, row: int, col: int, raw: Any, confidence: float = 0.9) -> None:
        self.order.provenance[path] = Provenance(
            sheet=self.sheet.name, cell=cell_ref(row, col), raw=str(raw)[:500], confidence=round(confidence, 3),
            extractor=self.extractor,
        )

    # ------------------------------------------------------------------ values

    def number(self, cell: Cell | None) -> Decimal | None:
        if cell is None:
            return None
        d = stored_decimal(cell.value)
        if d is not None:
            return d
        return parse_decimal(cell.text, decimal_comma=self.decimal_comma) if isinstance(cell.value, str) else None

    def date(self, value: Any) -> dt.date | None:
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        d = stored_decimal(value)
        if d is not None:
            return EXCEL_EPOCH + dt.timedelta(days=int(d)) if 20000 <= d <= 80000 else None
        return parse_date(str(value), day_first=self.day_first)

    # ------------------------------------------------------------------ lines

    def lines(self, table: Table) -> tuple[int, int]:
        """Read the table's rows into order lines; returns (first, last) row used."""
        cols = {f: c.col for f, c in table.columns.items()}
        code_to = None
        if "code" in cols:
            if "sku" in cols and "customer_part" not in cols:
                code_to = "customer_part"
            elif "customer_part" in cols and "sku" not in cols:
                code_to = "sku"
            elif "sku" not in cols:
                code_to = "customer_part"
            if code_to:
                cols[code_to] = cols.pop("code")
        rows = self.sheet.rows()
        last = table.header_row
        misses = 0
        for r in [r for r in rows if r > table.header_row]:
            cells = rows[r]
            if is_total_row(cells, table):
                self.total_from_row(r, cells, cols)
                last = r
                break
            line, used = self.line_from_row(r, cols, len(self.order.lines))
            if line is None:
                misses += 1
                if misses >= 4:
                    break
                continue
            misses = 0
            if len(self.order.lines) >= limits.cap("rows"):  # counted as read: a PARSE_ERROR naming the cap
                raise limits.over_cap("rows", f"The table of sheet {self.sheet.name!r}")
            self.order.lines.append(line)
            self.line_rows.append(r)
            last = r
            for key, (cc, raw, conf) in used.items():
                self.prov(f"lines[{len(self.order.lines) - 1}].{key}", r, cc, raw, conf)
        return table.first_header_row, last

    def line_from_row(self, r: int, cols: dict[str, int], index: int) -> tuple[OrderLine | None, dict]:
        sheet = self.sheet
        used: dict[str, tuple[int, Any, float]] = {}
        values: dict[str, Any] = {}

        def cell(f: str) -> Cell | None:
            return sheet.get(r, cols[f]) if f in cols else None

        qty = self.number(cell("qty"))
        qty_uom = None
        if qty is None and cell("qty") is not None and isinstance(cell("qty").value, str):  # type: ignore[union-attr]
            qty, qty_uom = self.qty_with_unit(cell("qty").text)  # type: ignore[union-attr]
        price = self.number(cell("unit_price"))
        amount = self.number(cell("amount"))
        desc_cell = cell("description")
        desc = clean_description(desc_cell.text) if desc_cell else None
        codes = {f: got.text for f in ("sku", "customer_part", "gtin", "line_no") if (got := cell(f)) is not None}
        if qty is None and not (desc and (price is not None or amount is not None)) and not (
            qty is None and codes.get("sku") and amount is not None
        ):
            return None, {}
        if qty is None and not any(codes.get(f) for f in ("sku", "customer_part", "gtin")) and not desc:
            return None, {}
        for f, v in (("qty", qty), ("unit_price", price), ("amount", amount)):
            if v is not None:
                values[f] = v
                used[f] = (cols[f], cell(f).value, 0.95)  # type: ignore[union-attr]
        if desc:
            values["description"] = desc
            used["description"] = (cols["description"], desc_cell.text, 0.9)  # type: ignore[union-attr]
        for f, text in codes.items():
            if text:
                values[f] = _code_text(cell(f))  # type: ignore[arg-type]
                used[f] = (cols[f], text, 0.9)
        if "uom" in cols and cell("uom") is not None and cell("uom").text:  # type: ignore[union-attr]
            values["uom"] = cell("uom").text  # type: ignore[union-attr]
            used["uom"] = (cols["uom"], values["uom"], 0.9)
        if qty_uom and "uom" not in values:
            values["uom"] = qty_uom
            used["uom"] = (cols["qty"], cell("qty").text, 0.8)  # type: ignore[union-attr]
        if "requested_date" in cols and cell("requested_date") is not None:
            d = self.date(cell("requested_date").value)  # type: ignore[union-attr]
            if d:
                values["requested_date"] = d
                used["requested_date"] = (cols["requested_date"], cell("requested_date").text, 0.85)  # type: ignore[union-attr]
        if "currency" in cols and cell("currency") is not None and not self.order.currency:
            self.order.currency = detect_currency(cell("currency").text) or cell("currency").text.upper()[:3]  # type: ignore[union-attr]
        if not values.get("sku") and values.get("gtin"):
            values["sku"] = values["gtin"]
            used["sku"] = used["gtin"]
        return OrderLine(**values), used

    def qty_with_unit(self, text: str) -> tuple[Decimal | None, str | None]:
        """``250 CS`` / ``12 Each`` / ``4,5 kg`` → (number, unit as printed) when the unit is a known UOM word."""
        m = _QTY_UNIT.match(text)
        if not m or normalize_uom(m.group(2).rstrip(".")) is None:
            return None, None
        return parse_decimal(m.group(1), decimal_comma=self.decimal_comma), m.group(2).rstrip(".")

    def total_from_row(self, r: int, cells: list[Cell], cols: dict[str, int]) -> None:
        if self.order.declared_total is not None:
            return
        target = None
        if "amount" in cols:
            target = self.sheet.get(r, cols["amount"])
        if target is None or self.number(target) is None:
            nums = [c for c in cells if self.number(c) is not None]
            target = nums[-1] if nums else None
        if target is not None:
            self.order.declared_total = self.number(target)
            self.prov("declared_total", r, target.col, target.text, 0.85)

    def grand_total(self, after_row: int) -> None:
        """A ``Grand Total`` row below the table wins over the table's own total row."""
        rows = self.sheet.rows()
        if after_row in rows and any(SUBTOTAL.search(c.text) for c in rows[after_row] if isinstance(c.value, str)):
            self.subtotal = self.order.declared_total
        for r, cells in rows.items():
            if r <= after_row:
                continue
            for c in cells:
                if isinstance(c.value, str) and GRAND_TOTAL.search(c.text) and len(c.text) < 60:
                    nums = [x for x in cells if x.col > c.col and self.number(x) is not None]
                    if nums:
                        self.order.declared_total = self.number(nums[-1])
                        self.prov("declared_total", r, nums[-1].col, nums[-1].text, 0.9)
                        return
        self.total_after_subtotal(after_row)

    def total_after_subtotal(self, total_row: int) -> None:
        """``Subtotal / Freight / Tax / Total`` stacked under the table: the last plain total of that block is
        the order's total (charges included), not the subtotal the table's own total row gave."""
        rows = self.sheet.rows()
        if total_row not in rows or not any(SUBTOTAL.search(c.text) for c in rows[total_row]
                                            if isinstance(c.value, str)):
            return
        prev = total_row
        for r in [r for r in rows if r > total_row]:
            if r - prev > 2:
                break
            prev = r
            for c in rows[r]:
                if isinstance(c.value, str) and PLAIN_TOTAL.match(c.text):
                    nums = [x for x in rows[r] if x.col > c.col and self.number(x) is not None]
                    if nums:
                        self.order.declared_total = self.number(nums[-1])
                        self.prov("declared_total", r, nums[-1].col, nums[-1].text, 0.85)

    # ------------------------------------------------------------------ header

    def header(self, kvs: list[KV]) -> None:
        best: dict[str, KV] = {}
        for kv in kvs:
            if kv.field not in best or kv.score > best[kv.field].score:
                best[kv.field] = kv
        o = self.order
        if "po_number" in best:
            kv = best["po_number"]
            v = str(kv.value).strip().split("\n")[0].strip()
            v = v.split()[0] if v.split() else ""
            if v and re.search(r"\d", v):
                o.po_number = _code_text_value(kv.value) if not isinstance(kv.value, str) else v
                self.prov("po_number", kv.row, kv.col, kv.value, 0.9)
        if "po_date" in best:
            kv = best["po_date"]
            d = self.date(kv.value if not isinstance(kv.value, str) else kv.value.split("\n")[0])
            if d:
                o.po_date = d
                self.prov("po_date", kv.row, kv.col, kv.value, 0.85)
        if "payment_terms" in best:
            kv = best["payment_terms"]
            o.payment_terms = " ".join(str(kv.value).split())
            self.prov("payment_terms", kv.row, kv.col, kv.value, 0.85)
        if "supplier" in best:
            kv = best["supplier"]
            name = company_name(str(kv.value))
            if name:
                o.supplier = Party(name=name)
                self.prov("supplier.name", kv.row, kv.col, kv.value, 0.75)
        if "ship_to" in best:
            kv = best["ship_to"]
            name, addr = split_party(str(kv.value))
            if name:
                o.ship_to = Party(name=name, address=Address(text=addr) if addr else None)
                self.prov("ship_to.name", kv.row, kv.col, kv.value, 0.75)
                if addr:
                    self.prov("ship_to.address", kv.row, kv.col, kv.value, 0.75)
        if "buyer" in best:
            kv = best["buyer"]
            name, addr = split_party(str(kv.value))
            if name:
                o.buyer = Party(name=name)
                self.prov("buyer.name", kv.row, kv.col, kv.value, 0.7)
        if "currency" in best and not o.currency:
            cur = detect_currency(str(best["currency"].value))
            if cur:
                o.currency = cur
                self.prov("currency", best["currency"].row, best["currency"].col, best["currency"].value, 0.9)
        self.registered_buyer()
        if o.buyer is None:
            self.buyer_fallback()

    def revision(self, before_row: int | None) -> None:
        """A revised or cancelled order form says so above its line table ("Revision | 2", "Purchase Order
        Change", "CANCELLED"): set ``revision``/``purpose`` so the pipeline versions the order."""
        found = find_revision(self.sheet, self.skip, before_row=before_row)
        self.mark_revision([(m, r, c, raw, 0.9) for m, r, c, raw in found])

    def mark_revision(self, found: list[tuple[R.Marker, int, int, Any, float]]) -> None:
        verdict = R.combine([f[0] for f in found])
        if verdict is None:
            return
        if verdict.revision is not None:
            _, r, c, raw, conf = next(f for f in found if f[0].revision == verdict.revision)
            self.order.revision = verdict.revision
            self.prov("revision", r, c, raw, conf)
        if verdict.purpose is not None:
            _, r, c, raw, conf = next((f for f in found if f[0].purpose == verdict.purpose), found[0])
            self.order.purpose = Purpose(verdict.purpose)
            self.prov("purpose", r, c, verdict.raw, conf)

    def row_level_revision(self, table: Table) -> None:
        """A ``Revision`` column repeated on every line of a portal export: the order's revision."""
        if self.order.revision or not self.line_rows:
            return
        used = {c.col for c in table.columns.values()}
        for col, label in table.labels.items():
            if col in used or not R.is_revision_label(str(label)):
                continue
            values = {self.sheet.text(r, col).strip() for r in self.line_rows}
            number = R.parse_revision_value(next(iter(values))) if len(values) == 1 else None
            if number is not None:
                self.mark_revision([(R.Marker(number, None, f"{label} {number}"), self.line_rows[0], col, number,
                                     0.85)])
                return

    def row_level_fields(self, table: Table) -> None:
        """PO-level columns repeated on every line (``PO``, ``Vendor``, ``Order Date`` in a portal export):
        taken when every line row carries the same value."""
        used = {c.col for c in table.columns.values()}
        for col, label in table.labels.items():
            if col in used:
                continue
            f, score = best_field(label, ["po_number", "po_date", "supplier", "buyer", "currency", "payment_terms"],
                                  threshold=90)
            if f is None or getattr(self.order, f) is not None:
                continue
            values = {self.sheet.text(r, col) for r in self.line_rows}
            if len(values) != 1 or not next(iter(values)):
                continue
            value = next(iter(values))
            r = self.line_rows[0]
            cell = self.sheet.get(r, col)
            if f == "po_number" and re.search(r"\d", value):
                self.order.po_number = _code_text(cell) if cell else value
            elif f == "po_date":
                d = self.date(cell.value if cell else value)
                if d:
                    self.order.po_date = d
            elif f in ("supplier", "buyer"):
                if re.fullmatch(r"[A-Z0-9_-]{1,8}", value):
                    continue  # a vendor code ("ACMEV"), not a name
                setattr(self.order, f, Party(name=value))
                f = f + ".name"
            elif f == "currency":
                cur = detect_currency(value)
                if not cur:
                    continue
                self.order.currency = cur
            else:
                self.order.payment_terms = value
            self.prov(f, r, col, value, 0.85)

    def buyer_fallback(self) -> None:
        """No buyer label: the first company-looking name in an address block (top of the sheet)."""
        taken = {p.name.lower() for p in (self.order.supplier, self.order.ship_to) if p and p.name}
        cells = [(k, c) for k, c in self.sheet.cells.items() if isinstance(c.value, str) and k[0] not in self.skip]
        for (r, c), cell in sorted(cells, key=lambda kc: kc[0]):
            if len(cell.text) > 300:
                continue
            name = cell.text.split("\n")[0].split(",")[0].strip()
            if is_company(name) and name.lower() not in taken and len(name) < 80:
                self.order.buyer = Party(name=name)
                self.prov("buyer.name", r, c, cell.text, 0.5)
                return

    def registered_buyer(self) -> None:
        """The buyer's legal name from a footer: ``<Name>\\nRegistered Office: …`` or ``For <Name> … Authorised
        Signatory``. It wins over a branch-style bill-to name of the same organisation (first word shared)."""
        found = registered_name(self.sheet, self.skip)
        if found is None:
            return
        name, r, c, raw = found
        sup = (self.order.supplier.name or "").lower() if self.order.supplier else ""
        if sup and (_first_word(sup) == _first_word(name.lower())):
            return  # the supplier's own footer, not the buyer's
        cur = self.order.buyer.name if self.order.buyer else None
        if cur is None or (_first_word(cur.lower()) == _first_word(name.lower()) and cur != name):
            self.order.buyer = Party(name=name)
            self.prov("buyer.name", r, c, raw, 0.7)

    def currency(self, table: Table | None, skip: set[int]) -> None:
        """ISO code from the table's labels, its first money cells, then any short text off the table."""
        if self.order.currency:
            return
        texts: list[tuple[int, int, str]] = []
        if table:
            texts += [(table.header_row, col, label) for col, label in table.labels.items()]
            rows = [r for r in self.sheet.rows() if r > table.header_row][:5]
            for f in ("unit_price", "amount"):
                if f in table.columns:
                    texts += [(r, table.columns[f].col, self.sheet.text(r, table.columns[f].col)) for r in rows]
        cells = [(k, c) for k, c in self.sheet.cells.items() if k[0] not in skip and isinstance(c.value, str)]
        for (r, c), cell in sorted(cells, key=lambda kc: kc[0]):
            if len(cell.text) <= 400:
                texts.append((r, c, cell.text))
        for r, c, text in texts:
            cur = detect_currency(text)
            if cur:
                self.order.currency = cur
                self.prov("currency", r, c, text, 0.8)
                return

    # ------------------------------------------------------------------ checks

    def checks(self, table: Table | None) -> None:
        o = self.order
        taxed = bool(table) and any(TAX_LABEL.search(label) for label in table.labels.values())  # type: ignore[union-attr]
        discounted = bool(table) and any(DISCOUNT_LABEL.search(label) for label in table.labels.values())  # type: ignore[union-attr]
        for i, line in enumerate(o.lines):
            if line.qty is not None and line.unit_price is not None and line.amount is not None:
                expect = line.qty * line.unit_price
                tol = max(Decimal("0.02"), abs(line.amount) * Decimal("0.001"))
                if taxed and expect > 0 and Decimal(1) < line.amount / expect <= Decimal("1.35"):
                    continue  # the amount column includes the tax the table shows
                if discounted and expect > 0 and Decimal("0.3") <= line.amount / expect < 1:
                    continue  # the amount is net of the discount column
                if abs(expect - line.amount) > tol:
                    self.issues.append(Issue(
                        code=IssueCode.ARITHMETIC, severity=Severity.WARNING, field=f"lines[{i}].amount",
                        message=(f"Line {line.line_no or i + 1}: qty × unit_price = {line.qty} × {line.unit_price} = "
                                 f"{expect.normalize():f}, but amount is {line.amount}."),
                        expected=format(expect, "f"), actual=format(line.amount, "f"),
                    ))
        amounts = [ln.amount for ln in o.lines if ln.amount is not None]
        target = self.subtotal if self.subtotal is not None else o.declared_total
        if target is not None and amounts and len(amounts) == len(o.lines):
            s = sum(amounts, Decimal(0))
            if abs(s - target) > max(Decimal("0.05"), abs(target) * Decimal("0.0005")):
                self.issues.append(Issue(
                    code=IssueCode.TOTAL_MISMATCH, severity=Severity.WARNING, field="declared_total",
                    message=(f"Sum of line amounts {s.normalize():f} differs from the declared "
                             f"{'subtotal' if target is self.subtotal else 'total'} {target}."),
                    expected=format(s, "f"), actual=format(target, "f"),
                ))


_COMPANY_ANY = re.compile(
    r"(?<!\w)(private limited|pvt\.? ?ltd\.?|ltd\.?|limited|inc\.?|incorporated|llc|l\.l\.c\.|gmbh|corp\.?|"
    r"corporation|plc|llp|s\.a\.|s\.a\.s\.|s\.l\.|s\.r\.l\.|s\.p\.a\.|b\.v\.|n\.v\.)(?!\w)", re.I)
_COMPANY_END = re.compile(r"\s(ag|kg|sas|sarl|sa|sl|srl|spa|bv|nv|pty|co\.?|company|oy|ab|se|kgaa)\s*$", re.I)
_REGISTERED = re.compile(r"^\s*(registered\s+(office|address)|regd\.?\s+(office|address)|regd\.?\s+off\.?|"
                         r"si[eè]ge\s+social|sitz\s+der\s+gesellschaft|domicilio\s+social)\b\s*:?\s*(?P<rest>.*)$",
                         re.I)
_FOR_LINE = re.compile(r"^\s*for\s+(?:and\s+on\s+behalf\s+of\s+)?(?P<name>.{3,80}?)\s*[:,]?\s*$", re.I)
_SIGNATORY = re.compile(r"authori[sz]ed\s+signator|authorised\s+sign|signature", re.I)
_FORMERLY = re.compile(r"\s*\((formerly|previously|earlier)[^)]*\)?", re.I)


def is_company(name: str) -> bool:
    """A line that names a company by its legal-form suffix (Pvt Ltd, GmbH, S.A., B.V., Inc …)."""
    return bool(_COMPANY_ANY.search(name) or _COMPANY_END.search(name))


def _first_word(name: str) -> str:
    words = [w for w in re.findall(r"[a-z0-9]+", name.lower()) if w not in ("the", "m", "s", "ms")]
    return words[0] if words else ""


def registered_name(sheet: Sheet, skip: set[int]) -> tuple[str, int, int, str] | None:
    """(name, row, col, raw) of the company a footer declares as registered / signing for, if any."""
    cells = sorted(((k, c) for k, c in sheet.cells.items() if isinstance(c.value, str) and k[0] not in skip),
                   key=lambda kc: kc[0])
    for (r, c), cell in cells:
        lines = [ln.strip() for ln in cell.text.split("\n") if ln.strip()]
        for i, ln in enumerate(lines):
            m = _REGISTERED.match(ln)
            if m:
                before = _FORMERLY.sub("", lines[i - 1]).strip(" ,:") if i else ""
                if before and is_company(before):
                    return before, r, c, cell.text
                head = _FORMERLY.sub("", m.group("rest").split(",")[0]).strip(" ,:")
                if head and is_company(head):
                    return head, r, c, cell.text
            f = _FOR_LINE.match(ln)
            if f and is_company(f.group("name")):
                after = " ".join(lines[i + 1:i + 3])
                below = " ".join(sheet.text(rr, c) for rr in range(r + 1, r + 4))
                if _SIGNATORY.search(after) or _SIGNATORY.search(below):
                    return f.group("name").strip(" ,:"), r, c, cell.text
    return None


def _day_first_hint(sheet: Sheet) -> bool | None:
    """No date settles DD/MM vs MM/DD: dollars or US state + ZIP say month-first; rupees, euros, GSTIN say
    day-first."""
    text = " ".join(c.text for c in sheet.cells.values() if isinstance(c.value, str) and len(c.text) < 400)
    us = len(re.findall(r"\$\s?\d|\bUSD\b|,\s*[A-Z]{2}\s+\d{5}(?:-\d{4})?\b", text))
    other = len(re.findall(r"€|£|₹|\bINR\b|\bEUR\b|\bGBP\b|\bGSTIN\b|\bRs\.?\s?\d|\b\d{2}\.\d{2}\.\d{4}\b", text))
    if us > other:
        return False
    if other > us:
        return True
    return None


_COMMA_DEC = re.compile(r"\d,\d{1,2}$")
_POINT_DEC = re.compile(r"\d\.\d{1,2}$")


def decimal_comma_of(texts: list[str]) -> bool | None:
    """True when the document writes decimals with a comma (``0,25``), False with a point, None if unclear."""
    comma = sum(1 for t in texts if _COMMA_DEC.search(t.strip()))
    point = sum(1 for t in texts if _POINT_DEC.search(t.strip()))
    if comma and not point:
        return True
    if point and not comma:
        return False
    return None


def _code_text(cell: Cell) -> str:
    return _code_text_value(cell.value)


def _code_text_value(value: Any) -> str:
    """Codes stored as numbers lose nothing: 40304417.0 → '40304417'."""
    d = stored_decimal(value)
    if d is not None and d == d.to_integral_value():
        return str(int(d))
    return " ".join(str(value).split())


def clean_description(text: str) -> str | None:
    """Description without Colour:/Size:/Brand: sub-lines; fixed-width wraps joined without a space."""
    lines = [ln for ln in str(text).split("\n") if ln.strip() and not SUBLINE.match(ln)]
    if not lines:
        return None
    if len(lines) >= 2:
        widths = {len(ln) for ln in lines[:-1]}
        fixed = len(widths) == 1 and min(widths) >= 8 and len(lines[-1]) <= max(widths)
        joined = "".join(lines) if fixed else " ".join(ln.strip() for ln in lines)
    else:
        joined = lines[0]
    return " ".join(joined.split()) or None


def build_sheet_order(sheet: Sheet, extractor: str) -> SheetOrder:
    """One order draft from one sheet (lines may be empty when the sheet holds only a header block)."""
    b = _Builder(sheet, extractor)
    tables = find_tables(sheet)
    if not tables:
        inferred = infer_table(sheet, b.decimal_comma)
        tables = [inferred] if inferred else []
        if inferred:
            b.issues.append(Issue(
                code=IssueCode.LOW_CONFIDENCE, severity=Severity.WARNING, field="lines",
                message=(f"Sheet {sheet.name!r} has no column-title row; the line columns were inferred from "
                         "their values (" + ", ".join(f"{f}={cell_ref(inferred.first_header_row, c.col)[:-1]}"
                                                      for f, c in inferred.columns.items()) + ")."),
            ))
    table = tables[0] if tables else None
    skip: set[int] = set()
    last = -1
    for t in tables:
        if t.first_header_row <= last:
            continue  # a header repeated inside a table already read (print page breaks)
        first, last = b.lines(t)
        skip |= set(range(first, last + 1))
    b.skip = skip
    b.grand_total(last)
    b.header(find_header_values(sheet, skip))
    b.revision(min(t.first_header_row for t in tables) if tables else None)
    if table is not None:
        b.row_level_fields(table)
        b.row_level_revision(table)
    b.currency(table, skip)
    b.checks(table)
    return SheetOrder(b.order, b.issues, bool(b.order.lines))


__all__ = ["SheetOrder", "TOTAL_RE", "build_sheet_order", "clean_description", "decimal_comma_of"]
