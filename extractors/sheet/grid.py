"""A format-neutral grid of cells, so XLSX, XLS, SpreadsheetML and CSV share one reader.

Every loader returns ``list[Sheet]``; cells keep the stored value (int/float/str/datetime)
and the text a person sees, so numbers can be read "as stored" (float noise included) and
every extracted value can name its sheet and cell.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from orderflow.canonical.bounded import MAX_INTEGER_DIGITS, bounded_or_none

MAX_CELLS = 2_000_000  # above this a sheet is treated as hostile


class SheetError(Exception):
    """The workbook cannot be read; the message is shown to a person."""


@dataclass(slots=True)
class Cell:
    row: int  # 0-based
    col: int  # 0-based
    value: Any  # str | int | float | Decimal | datetime | date | bool
    number_format: str | None = None
    _text: str | None = field(default=None, repr=False, compare=False)

    @property
    def text(self) -> str:
        """The shown text, computed once (every pass over the sheet asks for it)."""
        if self._text is None:
            self._text = cell_text(self.value)
        return self._text


def col_letter(col: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    out = ""
    n = col + 1
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


def cell_ref(row: int, col: int) -> str:
    return f"{col_letter(col)}{row + 1}"


def cell_text(value: Any) -> str:
    """The text of a stored value; floats keep their shortest round-trip form (float noise kept)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def stored_decimal(value: Any) -> Decimal | None:
    """A numeric cell's value as a Decimal exactly as stored (no rounding); None for non-numbers
    and for numbers outside the bounds of ``canonical.bounded`` (1E+308 is no quantity)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, Decimal):
        return bounded_or_none(value)
    if isinstance(value, int):
        return Decimal(value) if abs(value) < 10**MAX_INTEGER_DIGITS else None
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return None
        try:
            return bounded_or_none(Decimal(repr(value)) if not value.is_integer() else Decimal(int(value)))
        except InvalidOperation:
            return None
    return None


@dataclass
class Sheet:
    """One sheet: sparse cells plus merged ranges (r0, c0, r1, c1 inclusive)."""

    name: str
    cells: dict[tuple[int, int], Cell] = field(default_factory=dict)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    hidden: bool = False  # hidden sheets hold lookups and old data, not the order
    _rows: dict[int, list[Cell]] | None = field(default=None, repr=False)
    _rows_n: int = field(default=-1, repr=False)

    def put(self, row: int, col: int, value: Any, number_format: str | None = None) -> None:
        if value is None or (isinstance(value, str) and not value.strip()):
            return
        if len(self.cells) >= MAX_CELLS:
            raise SheetError(f"Sheet {self.name!r} has more than {MAX_CELLS:,} cells; refusing to read it.")
        self.cells[(row, col)] = Cell(row, col, value, number_format)

    def get(self, row: int, col: int) -> Cell | None:
        return self.cells.get((row, col))

    def text(self, row: int, col: int) -> str:
        c = self.cells.get((row, col))
        return c.text if c else ""

    @property
    def nrows(self) -> int:
        return max((r for r, _ in self.cells), default=-1) + 1

    @property
    def ncols(self) -> int:
        return max((c for _, c in self.cells), default=-1) + 1

    def row_cells(self, row: int) -> list[Cell]:
        return sorted((c for (r, _), c in self.cells.items() if r == row), key=lambda c: c.col)

    def rows(self) -> dict[int, list[Cell]]:
        """Row index → its cells in column order (empty rows absent); cached until the next put."""
        if self._rows is not None and self._rows_n == len(self.cells):
            return self._rows
        out: dict[int, list[Cell]] = {}
        for (r, _), c in self.cells.items():
            out.setdefault(r, []).append(c)
        for cells in out.values():
            cells.sort(key=lambda c: c.col)
        self._rows, self._rows_n = dict(sorted(out.items())), len(self.cells)
        return self._rows

    def merge_span(self, row: int, col: int) -> tuple[int, int]:
        """Columns (c0, c1) covered by the merged range whose top-left is (row, col)."""
        for r0, c0, r1, c1 in self.merges:
            if r0 <= row <= r1 and c0 <= col <= c1:
                return c0, c1
        return col, col
