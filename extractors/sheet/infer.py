"""A line table with no column-title row: columns named by the types of their values.

Some exports are pure data rows (``AB-1001,Hex bolt M8,100,0.25,25.00``). When no header row
is found, the longest run of rows with the same filled columns is read as the table: the
numeric column triple where ``a × b = c`` holds is qty / unit price / amount, the column of
longest spaced text is the description, a short token column with digits is the item code,
and a column of unit words is the UOM. Two numeric columns at least, or no table is inferred; the
builder flags the order LOW_CONFIDENCE so a person checks the guess.
"""

from __future__ import annotations

from decimal import Decimal
from itertools import permutations

from orderflow.canonical.uom import normalize_uom
from orderflow.extractors.sheet.grid import Cell, Sheet, stored_decimal
from orderflow.extractors.sheet.table import Column, Table
from orderflow.extractors.values import parse_decimal

MIN_ROWS = 2


def _num(cell: Cell | None, decimal_comma: bool | None) -> Decimal | None:
    if cell is None:
        return None
    d = stored_decimal(cell.value)
    if d is not None:
        return d
    if isinstance(cell.value, str):
        return parse_decimal(cell.text, decimal_comma=decimal_comma)
    return None


def _runs(sheet: Sheet) -> list[list[int]]:
    """Runs of consecutive rows that fill the same set of columns (three or more columns)."""
    runs: list[list[int]] = []
    prev_shape: tuple[int, ...] | None = None
    prev_row = -2
    for r, cells in sheet.rows().items():
        shape = tuple(c.col for c in cells)
        if len(shape) >= 3 and shape == prev_shape and r == prev_row + 1:
            runs[-1].append(r)
        elif len(shape) >= 3:
            runs.append([r])
        prev_shape, prev_row = shape, r
    return [run for run in runs if len(run) >= MIN_ROWS]


def _known_uom(text: str) -> bool:
    t = text.strip()
    return bool(t) and len(t) <= 12 and not any(ch.isdigit() for ch in t) and normalize_uom(t) is not None


def infer_table(sheet: Sheet, decimal_comma: bool | None = None) -> Table | None:
    """A ``Table`` for header-less data rows, or None when the rows do not look like order lines."""
    runs = _runs(sheet)
    if not runs:
        return None
    rows = max(runs, key=len)
    cols = [c.col for c in sheet.rows()[rows[0]]]
    numeric: list[int] = []
    texts: dict[int, list[str]] = {}
    for col in cols:
        values = [sheet.get(r, col) for r in rows]
        if all(_num(v, decimal_comma) is not None for v in values):
            numeric.append(col)
        else:
            texts[col] = [v.text if v else "" for v in values]
    if not numeric or not texts:
        return None
    columns: dict[str, Column] = {}

    def put(field: str, col: int) -> None:
        columns[field] = Column(col, field, 90.0)

    if len(numeric) >= 3:
        best = None
        for a, b, c in permutations(numeric, 3):
            ok = 0
            for r in rows:
                qa, pb, ac = (_num(sheet.get(r, x), decimal_comma) for x in (a, b, c))
                if qa is not None and pb is not None and ac is not None and abs(qa * pb - ac) <= Decimal("0.011"):
                    ok += 1
            ints_a = sum(1 for r in rows if (_num(sheet.get(r, a), decimal_comma) or Decimal("0.5")) % 1 == 0)
            key = (ok, ints_a, -a)
            if ok >= max(2, len(rows) * 0.6) and (best is None or key > best[0]):
                best = (key, a, b, c)
        if best is None:
            return None
        _, qty_col, price_col, amount_col = best
        put("qty", qty_col)
        put("unit_price", price_col)
        put("amount", amount_col)
    elif len(numeric) == 2:
        a, b = numeric
        ints = {x: sum(1 for r in rows if (_num(sheet.get(r, x), decimal_comma) or Decimal("0.5")) % 1 == 0)
                for x in numeric}
        qty = a if ints[a] >= ints[b] else b
        put("qty", qty)
        put("unit_price", b if qty == a else a)
    else:
        return None  # one number per row is too little evidence of an order line
    # text columns: description = most spaced/longest; code = short tokens with digits; uom = unit words
    desc = max(texts, key=lambda c: sum(len(t) + 5 * t.count(" ") for t in texts[c]))
    put("description", desc)
    for col, vals in texts.items():
        if col == desc:
            continue
        if all(_known_uom(v) for v in vals if v) and any(vals):
            put("uom", col)
        elif "code" not in columns and all(v and " " not in v.strip() and any(ch.isdigit() for ch in v) for v in vals):
            put("code", col)
    table = Table(sheet, rows[0] - 1, rows[0], columns, {c.col: f for f, c in columns.items()}, 0.0)
    return table


__all__ = ["infer_table"]
