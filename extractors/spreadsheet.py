"""Spreadsheet order forms: XLSX, XLS (BIFF and Excel 2003 XML) and CSV laid out as a form.

The template-free engine lives in ``extractors/sheet``: header block anywhere, line table by
header-row detection with fuzzy column synonyms. A workbook whose sheets carry different PO
numbers gives one order per sheet; otherwise the sheets are one order (header on one sheet,
lines on others).
"""

from __future__ import annotations

import re

from orderflow.canonical import CanonicalOrder, Extraction, Issue, IssueCode, Severity
from orderflow.extractors.base import ExtractContext
from orderflow.extractors.sheet.build import SheetOrder, build_sheet_order
from orderflow.extractors.sheet.grid import Sheet, SheetError
from orderflow.extractors.sheet.loaders import is_biff, is_spreadsheetml, is_zip, load_any

NAME = "spreadsheet"
_LINE_PATH = re.compile(r"^lines\[(\d+)\]")


def looks_like_delimited_text(data: bytes) -> bool:
    head = data[:8192]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel "Unicode text": UTF-16 with a BOM
        head = head[: len(head) // 2 * 2].decode("utf-16", errors="replace").encode("utf-8")
    if b"\x00" in head:
        return False
    s = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if s[:1] in (b"{", b"[", b"<", b"%") or s[:3] in (b"ISA", b"UNA", b"UNB"):
        return False
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        text = head.decode("cp1252", errors="replace")
    lines = [ln for ln in text.splitlines() if ln.strip()][:10]
    return len(lines) >= 2 and any(ln.count(d) >= 2 for ln in lines for d in (",", ";", "\t", "|"))


def merge_sheet_orders(parts: list[SheetOrder]) -> tuple[list[CanonicalOrder], list[Issue]]:
    """One order per distinct PO number among sheets with lines; header-only sheets fill gaps."""
    with_lines = [p for p in parts if p.has_lines]
    issues = [i for p in parts for i in p.issues]
    if not with_lines:
        return [], issues
    pos = {p.order.po_number for p in with_lines if p.order.po_number}
    if len(pos) > 1:
        return [p.order for p in with_lines], issues
    main = with_lines[0].order
    for p in with_lines[1:]:
        offset = len(main.lines)
        main.lines.extend(p.order.lines)
        for path, prov in p.order.provenance.items():
            m = _LINE_PATH.match(path)
            if m:
                main.provenance[_LINE_PATH.sub(f"lines[{int(m.group(1)) + offset}]", path)] = prov
    for p in parts:  # header fields from any sheet
        for name in ("po_number", "po_date", "buyer", "supplier", "ship_to", "payment_terms", "currency",
                     "declared_total"):
            if getattr(main, name) is None and getattr(p.order, name) is not None:
                setattr(main, name, getattr(p.order, name))
                for path, prov in p.order.provenance.items():
                    if path == name or path.startswith(name + "."):
                        main.provenance[path] = prov
    for p in parts:  # a revision or cancel marker on any sheet (e.g. a cover sheet) marks the order
        if p.order.revision > main.revision:
            main.revision = p.order.revision
        if p.order.purpose != "original" and (main.purpose == "original" or p.order.purpose == "cancel"):
            main.purpose = p.order.purpose
    return [main], issues


def flat_export_orders(sheets: list[Sheet], extractor: str) -> Extraction | None:
    """A portal export on one sheet: a PO-number column with several POs, one row per line → one order per PO."""
    from orderflow.extractors.csv_orders import build_flat_orders, find_title_row

    if len([s for s in sheets if s.cells]) != 1:
        return None
    sheet = next(s for s in sheets if s.cells)
    found = find_title_row(sheet)
    if found is None or "po_number" not in found[1] or "qty" not in found[1]:
        return None
    title, cols = found
    pos = {sheet.text(r, cols["po_number"]) for r in sheet.rows() if r > title} - {""}
    if len(pos) < 2:
        return None
    ext = build_flat_orders(sheet, title, cols, sheet.name)
    ext.format = extractor
    for o in ext.orders:
        o.source.format = extractor
        for p in o.provenance.values():
            p.extractor = extractor
    return ext


def extract_grid_orders(data: bytes, extractor: str) -> Extraction:
    """Load any spreadsheet bytes and build its orders; bad input → PARSE_ERROR, never an exception."""
    try:
        kind, sheets = load_any(data)
    except SheetError as exc:
        return Extraction(format=extractor, issues=[Issue(code=IssueCode.PARSE_ERROR, message=str(exc))])
    visible = [s for s in sheets if not s.hidden]
    flat = flat_export_orders(visible, extractor)
    if flat is not None:
        return flat
    parts = [build_sheet_order(s, extractor) for s in visible]
    if not any(p.has_lines for p in parts) and len(visible) < len(sheets):
        parts = [build_sheet_order(s, extractor) for s in sheets]  # the order lives on a hidden sheet
    orders, issues = merge_sheet_orders(parts)
    if not orders:
        return Extraction(
            format=extractor,
            issues=[Issue(code=IssueCode.PARSE_ERROR, severity=Severity.ERROR, message=(
                f"No order line table found in the {kind.upper()} file: no header row naming quantity, "
                "description, price or amount columns with rows of numbers below it."))],
            metadata={"kind": kind, "sheets": [s.name for s in sheets]},
        )
    for o in orders:
        o.source.format = extractor
    return Extraction(format=extractor, orders=orders, issues=issues,
                      metadata={"kind": kind, "sheets": [s.name for s in sheets]})


class SpreadsheetExtractor:
    """XLSX / XLS / SpreadsheetML workbooks and CSV files laid out as forms."""

    name = NAME

    def sniff(self, data: bytes, filename: str | None) -> float:
        fn = (filename or "").lower()
        if is_zip(data):
            head = data[:65536]
            if b"xl/" in head or fn.endswith((".xlsx", ".xlsm")):
                return 0.95
            return 0.1
        if is_biff(data):
            return 0.9 if not fn.endswith((".doc", ".ppt", ".msg")) else 0.1
        if is_spreadsheetml(data):
            return 0.95
        if looks_like_delimited_text(data):
            return 0.6 if fn.endswith((".csv", ".tsv", ".txt")) else 0.35
        return 0.0

    def extract(self, data: bytes, ctx: ExtractContext) -> Extraction:
        return extract_grid_orders(data, NAME)
