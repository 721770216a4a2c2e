"""The header block: label/value pairs anywhere on the sheet.

A value sits in the same cell (``PO Number: 123``, ``PO Date\\n06-Aug-2025``), in the next
filled cell to the right, or in the cells below the label (address blocks). Each found
value keeps the cell it came from, so provenance can point at it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from orderflow.canonical import bounded_or_none
from orderflow.extractors.layout import revision as R
from orderflow.extractors.sheet.grid import Sheet, cell_ref
from orderflow.extractors.sheet.labels import HEADER_FIELDS, label_score

_SEP = re.compile(r"^(?P<label>[^:#=\n]{1,40}?)\s*(?::-?|#|=|\bno\.|\s[-–]\s)\s*(?P<value>.*)$", re.I | re.S)
# also "Date :-" (a colon-dash) and "Payment Terms - As decided …" (a dash between spaces)
ID_LINE = re.compile(
    r"^\s*(gstin|gst|pan|cin|tel|phone|ph|fax|mobile|contact|e-?mail|email|vat|tin|state code|fssai|website|www)\b",
    re.I,
)
EMAIL = re.compile(r"^\S+@\S+\.\S+$")
_SALUTATION = re.compile(r"^(?:m/s\.?|messrs\.?)\s*", re.I)
LABEL_PREFIX = re.compile(r"^\s*(address|addr|state|city|location|name)\s*:\s*", re.I)


@dataclass
class KV:
    field: str
    value: Any  # text of the value (may be several lines), or a typed cell value (date, number)
    row: int
    col: int
    score: float
    label: str

    @property
    def ref(self) -> str:
        return cell_ref(self.row, self.col)


def _label_field(text: str) -> tuple[str | None, float]:
    best: tuple[str | None, float] = (None, 0.0)
    t0 = text.strip().rstrip(":=-").strip()
    for t in {t0} if t0.endswith("#") else {t0, t0.rstrip("#").strip()}:  # "Vendor #" is a number, not a name
        if not t or len(t) > 40:
            continue
        for f in HEADER_FIELDS:
            s = label_score(t, f)
            if s > best[1]:
                best = (f, s)
    return best if best[1] >= 86 else (None, 0.0)


def is_label_text(text: str) -> bool:
    first = text.strip().split("\n", 1)[0]
    m = _SEP.match(first)
    return _label_field(m.group("label") if m else first)[0] is not None


def _block_below(sheet: Sheet, row: int, col: int, skip_rows: set[int]) -> tuple[str, int, int] | None:
    """Consecutive filled cells under a label (same column), stopping at a blank, an id line or a label."""
    r0 = row
    for mr0, mc0, mr1, _mc1 in sheet.merges:
        if mr0 == row and mc0 == col:
            r0 = mr1
    lines: list[str] = []
    start: tuple[int, int] | None = None
    r = r0 + 1
    while r < r0 + 12 and r not in skip_rows:
        c = sheet.get(r, col)
        if c is None or not c.text:
            if lines:
                break
            if r > r0 + 2:
                break
            r += 1
            continue
        if ID_LINE.match(c.text) or is_label_text(c.text):
            break
        if start is None:
            start = (r, col)
        lines.append(c.text)
        if "\n" in c.text:
            break
        r += 1
    if not lines or start is None:
        return None
    return "\n".join(lines), start[0], start[1]


def _value_right(sheet: Sheet, row: int, col: int) -> tuple[Any, int, int] | None:
    _, c1 = sheet.merge_span(row, col)
    for c in range(c1 + 1, c1 + 15):
        cell = sheet.get(row, c)
        if cell is None or not cell.text:
            continue
        if isinstance(cell.value, str) and (is_label_text(cell.text) or cell.text.rstrip().endswith(":")):
            return None
        return (cell.text if isinstance(cell.value, str) else cell.value), row, c
    return None


PARTY_FIELDS = ("ship_to", "buyer", "supplier")


def _continue_below(sheet: Sheet, lr: int, lc: int, vr: int, vc: int, value: str, skip_rows: set[int]) -> str:
    """``Ship To | Central DC`` with the street on the rows below the value (label column empty there)."""
    lines = [value]
    for r in range(vr + 1, vr + 6):
        cell = sheet.get(r, vc)
        if r in skip_rows or cell is None or not isinstance(cell.value, str) or not cell.text:
            break
        left = [sheet.get(r, cc) for cc in range(lc, vc)]
        if any(x is not None and x.text for x in left):
            break  # the next label/value pair, not a continuation
        if ID_LINE.match(cell.text) or is_label_text(cell.text) or cell.text.rstrip().endswith(":"):
            break
        lines.append(cell.text)
    return "\n".join(lines)


def find_header_values(sheet: Sheet, skip_rows: set[int] | None = None) -> list[KV]:
    """All label/value pairs on the sheet outside ``skip_rows`` (the line table)."""
    skip_rows = skip_rows or set()
    found: list[KV] = []
    cells = [(k, c) for k, c in sheet.cells.items() if k[0] not in skip_rows and isinstance(c.value, str)]
    for (r, c), cell in sorted(cells, key=lambda kc: kc[0]):
        text = cell.value.strip()
        if not text:
            continue
        first, _, rest = text.partition("\n")
        m = _SEP.match(first)
        label, inline = (m.group("label"), m.group("value").strip()) if m else (first, "")
        f, s = _label_field(label)
        if f is None and m and not inline and not rest.strip():
            label = first  # "Order No." is a label whole, not "Order" + separator
            f, s = _label_field(label)
        if f is None and m and first[len(m.group("label")):].lstrip().startswith("#"):
            label = m.group("label") + " #"  # "Order #: 123"
            f, s = _label_field(label)
            inline = inline.lstrip(":").strip()
        if f is None:
            continue
        value: Any = "\n".join(p for p in (inline, rest.strip()) if p)
        vr, vc = r, c
        if not value:
            right = _value_right(sheet, r, c)
            below = _block_below(sheet, r, c, skip_rows)
            pick = right or below
            if pick is None:
                continue
            value, vr, vc = pick
            if right and f in PARTY_FIELDS and isinstance(value, str) and "\n" not in value:
                value = _continue_below(sheet, r, c, vr, vc, value, skip_rows)
        found.append(KV(f, value, vr, vc, s, label.strip()))
    return found


def find_revision(sheet: Sheet, skip_rows: set[int] | None = None, *, before_row: int | None = None
                  ) -> list[tuple[R.Marker, int, int, Any]]:
    """Revision/change markers in the header block: a title cell ("Purchase Order Change", "CANCELLED"),
    a ``Revision: 2`` cell, or a ``Revision`` / ``Rev`` label with its number in the next cell right (or
    below). Only rows above ``before_row`` (the line table) count: a "Cancelled" note under the table or a
    status column is not the document's purpose. Returns (marker, row, col, raw value)."""
    skip_rows = skip_rows or set()
    out: list[tuple[R.Marker, int, int, Any]] = []
    cells = [(k, c) for k, c in sheet.cells.items() if k[0] not in skip_rows and isinstance(c.value, str)
             and (before_row is None or k[0] < before_row)]
    for (r, c), cell in sorted(cells, key=lambda kc: kc[0]):
        text = cell.value.strip()
        if not text or len(text) > 120:
            continue
        first = text.split("\n", 1)[0]
        mark = R.marker(first)
        if mark is not None:
            out.append((mark, r, c, text))
            continue
        if not R.is_revision_label(first):
            continue
        pick = _value_right(sheet, r, c) or _block_below(sheet, r, c, skip_rows)
        if pick is None:
            continue
        value, vr, vc = pick
        number = R.parse_revision_value(value if isinstance(value, str) else _plain_number(value))
        if number is not None:
            out.append((R.Marker(number, None, f"{first.strip()} {value}"), vr, vc, value))
    return out


def _plain_number(value: Any) -> str:
    """A numeric cell as text: 2 and 2.0 → "2" (a revision is a whole number; 2.5 is not one)."""
    try:
        d = bounded_or_none(Decimal(str(value)))  # int() of 1E+999999999 would write a billion digits
    except (InvalidOperation, ValueError):
        return str(value)
    return str(int(d)) if d is not None and d == d.to_integral_value() else str(value)


def clean_lines(text: str) -> list[str]:
    """Lines of a party block without id/contact lines and ``Address :`` prefixes, cut at ``Phone :``."""
    out: list[str] = []
    for line in str(text).split("\n"):
        line = re.split(r"\s+(?:phone|tel|ph|mobile|contact|gstin|email)\s*:", line, maxsplit=1, flags=re.I)[0]
        line = LABEL_PREFIX.sub("", line)
        line = " ".join(line.split()).strip(" ,;")
        if not line or ID_LINE.match(line) or EMAIL.match(line):
            continue
        out.append(line)
    return out


def split_party(text: str) -> tuple[str | None, str | None]:
    """(name, one-line address) of a party block: first line is the name; one line splits at its first comma."""
    lines = clean_lines(text)
    if lines:
        lines[0] = _SALUTATION.sub("", lines[0]).strip() or lines[0]  # "M/s. xyz pvt ltd": the name after M/s.
    if not lines:
        return None, None
    if len(lines) == 1:
        name, _, addr = lines[0].partition(",")
        return name.strip() or None, (addr.strip() or None)
    return lines[0], ", ".join(lines[1:]) or None


def company_name(text: str) -> str | None:
    """A party's name: the first line, without a leading vendor code or a truncated ``- Xyz`` tail."""
    name, _ = split_party(text)
    if not name:
        return None
    parts = [p.strip() for p in re.split(r"\s+-\s+", name) if p.strip()]
    named = [p for p in parts if re.search(r"[A-Za-z]{2}", p)]
    if len(named) > 1 or (named and len(named) < len(parts)):
        name = max(named, key=len)
    return name


__all__ = ["KV", "clean_lines", "company_name", "find_header_values", "find_revision", "is_label_text",
           "split_party"]
