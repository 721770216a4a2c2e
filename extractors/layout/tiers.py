"""Two-row records under a two-line header whose lines label the two rows (SAP MEDRUCK-style forms).

"Pos. | Material | Bezeichnung" over "Bestellmenge | Einheit | Preis pro Einheit | Nettowert": each item is
printed as a row of identity under the first header line and, right under it, a row of values under the
second. The values are right-aligned far from their left-aligned labels, so the body's whitespace gutters
do not meet the labels; here each label instead owns the x-range from its start to the next label's start,
per header line. Used when the gutter columns found no item rows.
"""

from __future__ import annotations

import re

from orderflow.extractors.layout.hints import Hints
from orderflow.extractors.layout.lines import Line, phrase_text

_CODE = re.compile(r"^(?=.*\d)(?=.*[A-Za-z])[A-Za-z0-9][\w./-]{3,}$")
_SUBROW = re.compile(r"^\s*[A-Za-z][\w .,/()-]{0,30}\s?:(?:\s|$)|^\s*HS[- ]?Code\b", re.IGNORECASE)


def _label_columns(line: Line, buyer_words: set[str], hints: Hints | None, own: str,
                   supplier_words: set[str]) -> list:
    from orderflow.extractors.layout.table import Column, _assign_headers  # noqa: PLC0415

    phs = sorted(line.phrases, key=lambda ph: ph[0].x0)
    h = line.height
    cols = [Column(ph[0].x0 - h, (phs[k + 1][0].x0 - h - 1) if k + 1 < len(phs) else 1e9)
            for k, ph in enumerate(phs)]
    _assign_headers(cols, [line], buyer_words, hints, refine=False, own=own, supplier_words=supplier_words)
    for c in cols:  # each label owns its whole slot: a right-aligned value sits far right of its label
        c.x0, c.x1 = c.left, c.right
    return cols


def tier_rows(head: list[Line], body: list[Line], buyer_words: set[str], hints: Hints | None, own: str,
              supplier_words: set[str]) -> tuple[list, list] | None:
    """(columns, rows) of a body of two-row records, or None when the body does not read that way: every
    record is a first row with an identity (a position or code) under the first header line, and right
    under it a row with two of quantity, price and amount under the second."""
    from orderflow.extractors.layout.table import _IDENT, Row, _anchor_value, _cells  # noqa: PLC0415

    if len(head) != 2 or len(head[0].phrases) < 2 or len(head[1].phrases) < 2:
        return None
    firsts = _label_columns(head[0], buyer_words, hints, own, supplier_words)
    seconds = _label_columns(head[1], buyer_words, hints, own, supplier_words)
    if not any(c.role in _IDENT for c in firsts) or not any(c.role in ("qty", "amount") for c in seconds):
        return None
    rows: list = []
    done: set[int] = set()  # records whose name text has ended
    roles = frozenset(c.role for c in firsts + seconds if c.role)
    k = 0
    while k + 1 < len(body):
        a, b = body[k], body[k + 1]
        first, second = _cells(a, firsts), _cells(b, seconds)
        # the value row follows its identity row, at most a blank row below (scans print them further apart)
        if a.page == b.page and 0 <= b.top - a.bottom < 3.5 * a.height and any(first.get(r) for r in _IDENT) \
                and _anchor_value(second) and sum(1 for r in ("qty", "unit_price", "amount") if second.get(r)) >= 2:
            merged = {r: list(ws) for r, ws in first.items()}
            for r, ws in second.items():
                merged.setdefault(r, []).extend(ws)
            row = Row(a, merged, page=a.page, roles=roles)
            row.extra.append(b)
            row.extra_cells.append({})
            row.merged.add(id(b))
            rows.append(row)
            k += 2
            continue
        if rows and a.page == rows[-1].page:
            _sub_row(rows[-1], a, done)
        k += 1
    if k < len(body) and rows and body[k].page == rows[-1].page:
        _sub_row(rows[-1], body[k], done)
    return (firsts + seconds, rows) if rows else None


def _sub_row(row, ln: Line, done: set[int]) -> None:
    """A line under a record belongs to it. Its text is the item's name only while the record has no short
    text of its own and no labelled or spec row ("Breite: 50 mm", "HS-Code …") came before it: what follows
    those is notes. (Labelled id rows, "Ihre Materialnummer …", are read by the engine either way.)"""
    row.extra.append(ln)
    row.extra_cells.append({})
    if len(ln.words) == 1 and _CODE.match(ln.words[0].text) and not row.cells.get("sku") \
            and id(row) not in done and len(row.extra) <= 3:
        row.cells["sku"] = list(ln.words)  # "G-40-20-RPE" alone above the name: the supplier's code
        row.merged.add(id(ln))
        return
    if _SUBROW.match(phrase_text(ln.words)):
        done.add(id(row))
    if id(row) in done or row.cells.get("description"):
        row.merged.add(id(ln))  # not description text


def sub_rows(row, lines: list[Line], i: int, rows_down: float) -> int:
    """The text block starting at ``lines[i]`` within ``rows_down`` rows under the record: its sub-rows
    (a supplier code and the item name printed after a gap). Returns the index after them."""
    last = max([row.anchor] + row.extra, key=lambda x: x.bottom)
    done: set[int] = set()
    if i < len(lines) and lines[i].page == last.page and lines[i].top - last.bottom < rows_down * last.height:
        prev = None
        while i < len(lines) and lines[i].page == last.page and (
                prev is None or lines[i].top - prev.bottom < 1.5 * prev.height) and len(lines[i].phrases) == 1:
            _sub_row(row, lines[i], done)
            prev = lines[i]
            i += 1
    return i
