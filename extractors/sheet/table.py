"""Find the line table on a sheet: the header row (one or two rows deep), its columns, its rows.

The header row is the row whose labels name the most line fields (qty, description, price,
amount …) and that has numbers below it; a second label row under merged group headers
(``CGST`` over ``Rate`` / ``Amt``) is folded into the labels.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from orderflow.extractors.sheet.grid import Cell, Sheet, stored_decimal
from orderflow.extractors.sheet.labels import LINE_FIELDS, label_score
from orderflow.extractors.values import parse_decimal

WEIGHTS = {"qty": 3, "description": 2, "unit_price": 2, "amount": 2, "code": 1, "sku": 1, "customer_part": 1,
           "gtin": 1, "line_no": 1, "uom": 1, "requested_date": 0.5, "currency": 0.5}
MIN_SCORE = 4.0
TOTAL_RE = re.compile(
    r"\b(grand\s*total|sub\s*-?\s*total|total|totale|totaal|summe|gesamt|gesamtsumme|gesamtbetrag|endsumme|"
    r"zwischensumme|importe total|montant total|suma|subtotaal)\b", re.I)


@dataclass
class Column:
    col: int
    label: str
    score: float


@dataclass
class Table:
    sheet: Sheet
    header_row: int  # last label row
    first_header_row: int
    columns: dict[str, Column] = field(default_factory=dict)
    labels: dict[int, str] = field(default_factory=dict)  # every header column → its label
    score: float = 0.0


def is_number(cell: Cell | None) -> bool:
    if cell is None:
        return False
    if stored_decimal(cell.value) is not None:
        return True
    return isinstance(cell.value, str) and parse_decimal(cell.value) is not None


def _is_label(cell: Cell) -> bool:
    return isinstance(cell.value, str) and not is_number(cell) and 0 < len(cell.text) <= 60


def assign_columns(labels: dict[int, str], fields: list[str] | None = None) -> tuple[dict[str, Column], float]:
    """Pick the best column for every field (each column used once); also a score for the row."""
    cand: list[tuple[float, str, int]] = []
    for col, label in labels.items():
        for f in fields or LINE_FIELDS:
            s = label_score(label, f)
            if s >= 84:
                cand.append((s, f, col))
    # highest score first; for amount prefer the right-most column, for the rest the left-most
    cand.sort(key=lambda t: (-t[0], -t[2] if t[1] == "amount" else t[2]))
    columns: dict[str, Column] = {}
    used: set[int] = set()
    for s, f, col in cand:
        if f in columns or col in used:
            continue
        columns[f] = Column(col, labels[col], s)
        used.add(col)
    score = sum(WEIGHTS.get(f, 0) for f in columns)
    return columns, score


def _row_labels(sheet: Sheet, row: int, cells: list[Cell]) -> dict[int, str]:
    return {c.col: " ".join(c.text.split()) for c in cells if _is_label(c)}


def _fold_subheader(sheet: Sheet, row: int, top: dict[int, str], sub_cells: list[Cell]) -> dict[int, str] | None:
    """Labels of a two-row header, or None when the next row is not a sub-header."""
    if not sub_cells or any(not _is_label(c) for c in sub_cells):
        return None
    merged = dict(top)
    for c in sub_cells:
        parent = None
        for pcol, plabel in top.items():
            c0, c1 = sheet.merge_span(row, pcol)
            if c0 <= c.col <= c1:
                parent = plabel
                break
        merged[c.col] = f"{parent} {c.text}".strip() if parent else c.text
    return merged


def _is_sequence(sheet: Sheet, header_row: int, col: int) -> bool:
    """1, 2, 3 … or 10, 20, 30 … down the column: line numbers, whatever the label says."""
    rows = [r for r in sheet.rows() if r > header_row][:30]
    nums: list[int] = []
    for r in rows:
        c = sheet.get(r, col)
        if c is None:
            continue
        d = stored_decimal(c.value) if not isinstance(c.value, str) else parse_decimal(c.text)
        if d is None or d != d.to_integral_value() or not re.fullmatch(r"\d{1,5}(\.0)?", c.text.strip()):
            break
        nums.append(int(d))
    if len(nums) < 2 or nums[0] not in (1, 10, 100):
        return False
    step = nums[1] - nums[0]
    return step in (1, 10, 100) and all(b - a == step for a, b in zip(nums, nums[1:], strict=False))


def sequence_as_line_no(sheet: Sheet, header_row: int, labels: dict[int, str], columns: dict[str, Column],
                        score: float, fields: list[str] | None = None) -> tuple[dict[str, Column], float]:
    """SAP's "Item" (10, 20, 30) is the line number: when the item-code column counts up and no line-number
    column was found, it becomes line_no and the code is looked for again among the other labels."""
    code = columns.get("code")
    if code is None or "line_no" in columns or not _is_sequence(sheet, header_row, code.col):
        return columns, score
    others = {c: t for c, t in labels.items() if c != code.col}
    again, _ = assign_columns(others, fields)
    again = {f: c for f, c in again.items() if f not in columns or f == "code"}
    merged = {f: c for f, c in columns.items() if f != "code"}
    if "code" in again and again["code"].col not in {c.col for c in merged.values()}:
        merged["code"] = again["code"]
    merged["line_no"] = Column(code.col, code.label, code.score)
    return merged, sum(WEIGHTS.get(f, 0) for f in merged)


def find_tables(sheet: Sheet) -> list[Table]:
    """Every line table on the sheet, top to bottom (usually one)."""
    rows = sheet.rows()
    order = list(rows)
    tables: list[Table] = []
    skip_until = -1
    for i, r in enumerate(order):
        if r <= skip_until:
            continue
        labels = _row_labels(sheet, r, rows[r])
        if len(labels) < 2 or len(labels) < len(rows[r]) // 2 or any(is_number(c) for c in rows[r]):
            continue  # a header row is labels, not data
        columns, score = assign_columns(labels)
        header_row = r
        nxt = order[i + 1] if i + 1 < len(order) else None
        if nxt is not None:
            folded = _fold_subheader(sheet, r, labels, rows[nxt])
            if folded is not None:
                cols2, score2 = assign_columns(folded)
                _, alone = assign_columns(_row_labels(sheet, nxt, rows[nxt]))
                if alone >= score2 and alone > score:
                    continue  # the next row is the real header; this one is a title line
                if score2 >= score:
                    labels, columns, score, header_row = folded, cols2, score2, nxt
        if score < MIN_SCORE or ("qty" not in columns and "amount" not in columns and "unit_price" not in columns):
            continue
        columns, score = sequence_as_line_no(sheet, header_row, labels, columns, score)
        below = [rr for rr in order if rr > header_row][:4]
        if not any(is_number(c) for rr in below for c in rows[rr]):
            continue
        tables.append(Table(sheet, header_row, r, columns, labels, score))
        skip_until = header_row
    return tables


def is_total_row(cells: list[Cell], table: Table) -> bool:
    keyed = {table.columns[f].col for f in ("line_no", "code", "sku", "customer_part") if f in table.columns}
    if any(c.col in keyed and c.text and not TOTAL_RE.search(c.text) for c in cells):
        return False
    return any(isinstance(c.value, str) and TOTAL_RE.search(c.text) and len(c.text) < 60 for c in cells)
