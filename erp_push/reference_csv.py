"""Load reference data from a folder of CSV files (the demo ERP's export format).

Why CSV: the embedded demo and tests need reference data without an ERP. Every malformed
value is reported with file, row and column so a person can fix the file; nothing is guessed.
Money and quantities are parsed straight to ``Decimal``.

Files (only ``items.csv`` and ``customers.csv`` are required; list columns use ``|``):

- items.csv: sku, description, gtin, base_uom, sellable_uoms, case_pack, min_order_qty, active, lead_time_days
- uom_conversions.csv: sku (blank = all items), from_uom, to_uom, factor   (1 from_uom = factor to_uom)
- customers.csv: id, name, parent_id, email_domains, emails, edi_ids, currency, active, ship_policy
- ship_tos.csv: customer_id, id, name, address1, address2, city, region, postal_code, country,
  ids ("92:0042|9:GLN")
- cross_references.csv: customer_id, customer_part, sku, uom, source
- price_agreements.csv: id, customer_id, sku, price, uom, currency, min_qty, valid_from, valid_to
- credit.csv: customer_id, limit, open_receivables, open_orders, hold, as_of
- stock.csv: sku, warehouse, on_hand, committed
- incoming.csv: sku, warehouse, qty, expected_date
- quotes.csv: number, customer_id, valid_to; quote_lines.csv: quote_number, sku, qty, price, uom
- lead_times.csv: customer_id, sku (blank = all the customer's items), days
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Iterator
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from orderflow.canonical import (
    Address,
    CreditRecord,
    CrossReference,
    Customer,
    CustomerLeadTime,
    IncomingSupply,
    Item,
    PriceAgreement,
    Quote,
    QuoteLine,
    ReferenceData,
    ShipTo,
    StockRecord,
    UomConversion,
)
from orderflow.canonical.uom import normalize_uom


class ReferenceCsvError(ValueError):
    """A reference CSV cannot be used; the message names file, row and column."""

    def __init__(self, file: str, message: str, row: int | None = None, column: str | None = None):
        self.file, self.row, self.column = file, row, column
        where = file + (f", row {row}" if row is not None else "") + (f", column '{column}'" if column else "")
        super().__init__(f"{where}: {message}")


class _Row:
    """One CSV row with typed getters that raise ``ReferenceCsvError`` pointing at the cell."""

    def __init__(self, file: str, lineno: int, data: dict[str, str | None]):
        self.file, self.lineno, self.data = file, lineno, data

    def _fail(self, column: str, message: str) -> ReferenceCsvError:
        return ReferenceCsvError(self.file, message, self.lineno, column)

    def text(self, column: str, required: bool = False) -> str | None:
        value = (self.data.get(column) or "").strip()
        if not value:
            if required:
                raise self._fail(column, "a value is required")
            return None
        return value

    def req(self, column: str) -> str:
        value = self.text(column, required=True)
        assert value is not None
        return value

    def dec(self, column: str, required: bool = False, positive: bool = False) -> Decimal | None:
        raw = self.text(column, required)
        if raw is None:
            return None
        try:
            value = Decimal(raw.replace(",", ""))
        except InvalidOperation:
            raise self._fail(column, f"'{raw}' is not a number") from None
        if not value.is_finite():
            raise self._fail(column, f"'{raw}' is not a finite number")
        if positive and value <= 0:
            raise self._fail(column, f"'{raw}' must be greater than zero")
        if value < 0:
            raise self._fail(column, f"'{raw}' must not be negative")
        return value

    def int(self, column: str) -> int | None:
        raw = self.text(column)
        if raw is None:
            return None
        try:
            return int(raw)
        except ValueError:
            raise self._fail(column, f"'{raw}' is not a whole number") from None

    def flag(self, column: str, default: bool) -> bool:
        raw = self.text(column)
        if raw is None:
            return default
        low = raw.lower()
        if low in {"true", "yes", "y", "1", "t"}:
            return True
        if low in {"false", "no", "n", "0", "f"}:
            return False
        raise self._fail(column, f"'{raw}' is not true/false")

    def date(self, column: str) -> dt.date | None:
        raw = self.text(column)
        if raw is None:
            return None
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            raise self._fail(column, f"'{raw}' is not a date (YYYY-MM-DD)") from None

    def datetime(self, column: str) -> dt.datetime | None:
        raw = self.text(column)
        if raw is None:
            return None
        try:
            value = dt.datetime.fromisoformat(raw)
        except ValueError:
            raise self._fail(column, f"'{raw}' is not a date-time (ISO 8601)") from None
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)

    def list(self, column: str) -> list[str]:
        raw = self.text(column)
        return [p.strip() for p in raw.split("|") if p.strip()] if raw else []

    def uom(self, column: str, required: bool = False, default: str | None = None) -> str | None:
        raw = self.text(column, required)
        if raw is None:
            return default
        code = normalize_uom(raw)
        if code is None:
            raise self._fail(column, f"'{raw}' is not a known unit of measure")
        return code

    def pairs(self, column: str) -> dict[str, str]:
        out: dict[str, str] = {}
        for part in self.list(column):
            qualifier, sep, value = part.partition(":")
            if not sep or not qualifier.strip() or not value.strip():
                raise self._fail(column, f"'{part}' is not QUALIFIER:VALUE")
            out[qualifier.strip()] = value.strip()
        return out


def _rows(folder: Path, name: str, required_columns: list[str], required: bool) -> Iterator[_Row]:
    path = folder / name
    if not path.exists():
        if required:
            raise ReferenceCsvError(name, f"file is missing in {folder}")
        return
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ReferenceCsvError(name, f"cannot be read as UTF-8 text ({exc})") from None
    reader = csv.DictReader(text.splitlines())
    header = [h.strip() for h in (reader.fieldnames or [])]
    if not header:
        raise ReferenceCsvError(name, "file is empty (a header row is required)", 1)
    reader.fieldnames = header
    missing = [c for c in required_columns if c not in header]
    if missing:
        raise ReferenceCsvError(name, "header lacks required column(s)", 1, ", ".join(missing))
    for lineno, data in enumerate(reader, start=2):
        if None in data:  # more cells than header columns
            raise ReferenceCsvError(name, f"{len(header) + len(data[None])} cells but the header has {len(header)}", lineno)
        if not any((v or "").strip() for v in data.values()):
            continue
        yield _Row(name, lineno, data)


def _build(row: _Row, factory: Callable[..., Any], **kwargs: Any) -> Any:
    try:
        return factory(**kwargs)
    except ValidationError as exc:
        first = exc.errors()[0]
        column = ".".join(str(p) for p in first.get("loc", ()))
        raise ReferenceCsvError(row.file, first.get("msg", "invalid value"), row.lineno, column or None) from None


def _unique(row: _Row, seen: set[Any], key: Any, column: str) -> None:
    if key in seen:
        raise ReferenceCsvError(row.file, f"duplicate {column} '{key}'", row.lineno, column)
    seen.add(key)


def load_reference_csv(folder: Path) -> ReferenceData:
    """Read every reference CSV in ``folder``; raise ``ReferenceCsvError`` on the first bad cell."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ReferenceCsvError(str(folder), "is not a folder")

    items: list[Item] = []
    seen: set[Any] = set()
    for r in _rows(folder, "items.csv", ["sku"], True):
        _unique(r, seen, r.req("sku").upper(), "sku")
        sellable: list[str] = []
        for raw in r.list("sellable_uoms"):
            code = normalize_uom(raw)
            if code is None:
                raise ReferenceCsvError(r.file, f"'{raw}' is not a known unit of measure", r.lineno, "sellable_uoms")
            sellable.append(code)
        base = r.uom("base_uom", default="EA") or "EA"
        items.append(
            _build(
                r, Item, sku=r.req("sku"), description=r.text("description") or "", gtin=r.text("gtin"),
                base_uom=base, sellable_uoms=sellable or [base], case_pack=r.dec("case_pack", positive=True),
                min_order_qty=r.dec("min_order_qty"), active=r.flag("active", True),
                lead_time_days=r.int("lead_time_days"),
            )
        )

    conversions = [
        _build(
            r, UomConversion, sku=r.text("sku"), from_uom=r.uom("from_uom", True), to_uom=r.uom("to_uom", True),
            factor=r.dec("factor", True, positive=True),
        )
        for r in _rows(folder, "uom_conversions.csv", ["from_uom", "to_uom", "factor"], False)
    ]

    customers: list[Customer] = []
    seen = set()
    for r in _rows(folder, "customers.csv", ["id", "name"], True):
        _unique(r, seen, r.req("id"), "id")
        customers.append(
            _build(
                r, Customer, id=r.req("id"), name=r.req("name"), parent_id=r.text("parent_id"),
                email_domains=[d.lower() for d in r.list("email_domains")],
                emails=[e.lower() for e in r.list("emails")], edi_ids=r.list("edi_ids"),
                currency=(r.text("currency") or "USD").upper(), active=r.flag("active", True),
                ship_policy=r.text("ship_policy") or "partial",
            )
        )

    ship_tos = []
    for r in _rows(folder, "ship_tos.csv", ["customer_id", "id", "name"], False):
        lines = [v for v in (r.text("address1"), r.text("address2")) if v]
        address = Address(
            lines=lines, city=r.text("city"), region=r.text("region"), postal_code=r.text("postal_code"),
            country=r.text("country"),
        )
        ship_tos.append(
            _build(r, ShipTo, customer_id=r.req("customer_id"), id=r.req("id"), name=r.req("name"),
                   address=address, ids=r.pairs("ids"))
        )

    xrefs = [
        _build(
            r, CrossReference, customer_id=r.req("customer_id"), customer_part=r.req("customer_part"),
            sku=r.req("sku"), uom=r.uom("uom"), source=r.text("source") or "erp",
            created_by=r.text("created_by"), created_at=r.datetime("created_at"),
        )
        for r in _rows(folder, "cross_references.csv", ["customer_id", "customer_part", "sku"], False)
    ]

    agreements = []
    for r in _rows(folder, "price_agreements.csv", ["id", "customer_id", "sku", "price"], False):
        valid_from, valid_to = r.date("valid_from"), r.date("valid_to")
        if valid_from and valid_to and valid_to < valid_from:
            raise ReferenceCsvError(r.file, "valid_to is before valid_from", r.lineno, "valid_to")
        agreements.append(
            _build(
                r, PriceAgreement, id=r.req("id"), customer_id=r.req("customer_id"), sku=r.req("sku"),
                price=r.dec("price", True), uom=r.uom("uom", default="EA"),
                currency=(r.text("currency") or "USD").upper(), min_qty=r.dec("min_qty") or Decimal(0),
                valid_from=valid_from, valid_to=valid_to,
            )
        )

    credit = [
        _build(
            r, CreditRecord, customer_id=r.req("customer_id"), limit=r.dec("limit", True),
            open_receivables=r.dec("open_receivables") or Decimal(0), open_orders=r.dec("open_orders") or Decimal(0),
            hold=r.flag("hold", False), as_of=r.datetime("as_of"),
        )
        for r in _rows(folder, "credit.csv", ["customer_id", "limit"], False)
    ]

    stock = [
        _build(r, StockRecord, sku=r.req("sku"), warehouse=r.text("warehouse") or "MAIN",
               on_hand=r.dec("on_hand") or Decimal(0), committed=r.dec("committed") or Decimal(0))
        for r in _rows(folder, "stock.csv", ["sku"], False)
    ]

    incoming = [
        _build(r, IncomingSupply, sku=r.req("sku"), warehouse=r.text("warehouse") or "MAIN",
               qty=r.dec("qty", True), expected_date=r.date("expected_date"))
        for r in _rows(folder, "incoming.csv", ["sku", "qty", "expected_date"], False)
    ]

    quote_lines: dict[str, list[QuoteLine]] = {}
    for r in _rows(folder, "quote_lines.csv", ["quote_number", "sku", "qty", "price"], False):
        quote_lines.setdefault(r.req("quote_number"), []).append(
            _build(r, QuoteLine, sku=r.req("sku"), qty=r.dec("qty", True), price=r.dec("price", True),
                   uom=r.uom("uom", default="EA"))
        )
    quotes = [
        _build(r, Quote, number=r.req("number"), customer_id=r.req("customer_id"), valid_to=r.date("valid_to"),
               lines=quote_lines.get(r.req("number"), []))
        for r in _rows(folder, "quotes.csv", ["number", "customer_id"], False)
    ]

    lead_times = []
    for r in _rows(folder, "lead_times.csv", ["customer_id", "days"], False):
        days = r.int("days")
        if days is None or days < 0:
            raise ReferenceCsvError(r.file, "days must be a whole number of days, 0 or more", r.lineno, "days")
        lead_times.append(_build(r, CustomerLeadTime, customer_id=r.req("customer_id"), sku=r.text("sku"), days=days))

    return ReferenceData(
        items=items, uom_conversions=conversions, customers=customers, ship_tos=ship_tos,
        cross_references=xrefs, price_agreements=agreements, credit=credit, stock=stock,
        incoming=incoming, quotes=quotes, lead_times=lead_times, source=f"csv:{folder}",
    )
