"""Line-item tables without templates: find the header row, infer columns from x alignment, read rows.

Columns come from the whitespace gutters of the body rows (works with and without rulings);
header words name them. A row is "anchored" by a number in the quantity (or money) column;
text-only lines around it are wrapped description lines and join the nearest anchor.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from orderflow.extractors.layout.lexicon import COLUMN_ROLES, HEADER_WORDS, PAGE_FOOTER, STOP_ROW
from orderflow.extractors.layout.lines import Line, Word, phrase_text
from orderflow.extractors.values import parse_decimal

_ROLE_RE = [(role, re.compile(p, re.IGNORECASE)) for role, p in COLUMN_ROLES]
_ROLE_RE.insert(0, ("price_basis", re.compile(r"base\s+qty|^per$|price\s+unit$|preiseinheit|^pe$", re.IGNORECASE)))
_NUMERIC = re.compile(r"^[-+(]?[$€£₹¥]?\s?[\d.,' ]*\d[)]?(?:\s?[A-Za-z]{0,3})?$")
_KEYVAL = re.compile(r"^[A-Za-z][\w ,/()&-]{1,40}:\s|\b(?:QUOT ID|Q_LINE|DEL_START|DEL_END)\b")


@dataclass
class Column:
    x0: float
    x1: float
    header: str = ""
    role: str | None = None
    left: float = -1e9
    right: float = 1e9


@dataclass
class Row:
    anchor: Line
    cells: dict[str, list[Word]] = field(default_factory=dict)
    extra: list[Line] = field(default_factory=list)  # wrapped lines (above/below)
    page: int = 0


@dataclass
class Table:
    columns: list[Column]
    rows: list[Row]
    header_lines: list[Line]


def _is_numberish(text: str) -> bool:
    return bool(_NUMERIC.match(text.strip()))


def is_header_line(line: Line) -> bool:
    words = line.words
    if len(words) < 3:
        return False
    hits = len(HEADER_WORDS.findall(line.text))
    nums = sum(1 for w in words if any(c.isdigit() for c in w.text))
    return hits >= 3 and nums <= 1


def _header_block(lines: list[Line], i: int) -> list[Line]:
    """The header line plus stacked header lines right above/below it (two-level headers)."""
    block = [lines[i]]
    j = i + 1
    while j < len(lines) and len(block) < 4:
        ln = lines[j]
        if ln.top - block[-1].bottom > 0.9 * block[-1].height or any(c.isdigit() for c in ln.text):
            break
        if not HEADER_WORDS.search(ln.text) and len(ln.words) < 2:
            break
        block.append(ln)
        j += 1
    k = i - 1
    while k >= 0 and len(block) < 5:
        ln = lines[k]
        if block[0].top - ln.bottom > 0.9 * ln.height or any(c.isdigit() for c in ln.text):
            break
        if not HEADER_WORDS.search(ln.text) or ln.x1 - ln.x0 < 0.3 * (lines[i].x1 - lines[i].x0) and len(ln.words) > 6:
            break
        block.insert(0, ln)
        k -= 1
    return block


def _gutters(body: list[Line], head: list[Line]) -> list[Column]:
    """Column x-ranges: runs of x covered by enough body rows, split at empty gutters."""
    x_min = min(w.x0 for ln in body + head for w in ln.words)
    x_max = max(w.x1 for ln in body + head for w in ln.words)
    size = int(x_max - x_min) + 3
    cover = [0] * size
    rows = [ln for ln in body if sum(1 for w in ln.words if _is_numberish(w.text)) >= 2] or body
    for ln in rows:
        seen = [False] * size
        for w in ln.words:
            for x in range(max(0, int(w.x0 - x_min) - 1), min(size, int(w.x1 - x_min) + 2)):
                seen[x] = True
        for x, s in enumerate(seen):
            if s:
                cover[x] += 1
    thr = max(0, int(0.12 * len(rows)))
    cols: list[Column] = []
    start = None
    for x in range(size + 1):
        on = x < size and cover[x] > thr
        if on and start is None:
            start = x
        elif not on and start is not None:
            cols.append(Column(start + x_min, x - 1 + x_min))
            start = None
    return cols


def _assign_headers(cols: list[Column], head: list[Line], buyer_words: set[str]) -> None:
    for i, c in enumerate(cols):
        c.left = (cols[i - 1].x1 + c.x0) / 2 if i else -1e9
        c.right = (c.x1 + cols[i + 1].x0) / 2 if i + 1 < len(cols) else 1e9
    for ln in head:
        for w in ln.words:
            for c in cols:
                if c.left <= w.xc < c.right:
                    c.header = (c.header + " " + w.text).strip()
                    break
    used: set[str] = set()
    for c in cols:
        h = c.header.lower()
        if not h:
            continue
        role = None
        if buyer_words and any(b in h.split() for b in buyer_words) and re.search(r"item|part|code|no", h):
            role = "customer_part"
        else:
            for r, rx in _ROLE_RE:
                if rx.search(h):
                    role = r
                    break
            if role is None and re.search(r"\bitem\b", h):
                role = "sku"
        if role in used and role not in ("date",):
            if role == "amount":  # the right-most money column is the line amount
                for other in cols:
                    if other.role == "amount":
                        other.role = None
            else:
                role = None
        if role:
            used.add(role)
        c.role = role


def _cells(line: Line, cols: list[Column]) -> dict[str, list[Word]]:
    out: dict[str, list[Word]] = {}
    for w in line.words:
        for c in cols:
            if c.left <= w.xc < c.right:
                if c.role:
                    out.setdefault(c.role, []).append(w)
                break
    return out


def _anchor_value(cells: dict[str, list[Word]]) -> bool:
    for role in ("qty", "amount", "unit_price"):
        ws = cells.get(role)
        if ws:
            text = phrase_text(ws)
            first = re.split(r"\s*/\s*|\s+(?=[A-Za-z]{2,})", text)[0]
            if parse_decimal(first) is not None or parse_decimal(text) is not None:
                return role == "qty" or "qty" not in cells
    return False


def _is_stop(line: Line) -> bool:
    """A subtotal/tax/total row (or 'Total:' label) ends the table body."""
    texts = [phrase_text(p) for p in line.phrases]
    if not texts:
        return False
    if STOP_ROW.match(texts[0]) or STOP_ROW.match(texts[0].split(":")[0]):
        return True
    # right-aligned 'Subtotal $x' with nothing in the left columns
    return len(texts) <= 3 and any(STOP_ROW.match(t) for t in texts) and not _is_numberish(texts[0])


def read_tables(pages: list[list[Line]], heights: dict[int, float], buyer_words: set[str]) -> list[Table]:
    tables: list[Table] = []
    carry: tuple[list[Column], list[Line]] | None = None
    for lines in pages:
        if not lines:
            continue
        page_h = heights.get(lines[0].page, max(ln.bottom for ln in lines))
        i = 0
        started = False
        while i < len(lines):
            ln = lines[i]
            if is_header_line(ln):
                head = _header_block(lines, i)
                i = lines.index(head[-1]) + 1
            elif carry is not None and not started:
                head = []
            else:
                i += 1
                continue
            started = True
            body: list[Line] = []
            ended = False
            while i < len(lines):
                b = lines[i]
                if is_header_line(b):
                    break
                if PAGE_FOOTER.search(b.text) and (b.top > 0.85 * page_h or len(b.words) < 12):
                    i += 1
                    continue
                if _is_stop(b):
                    ended = True
                    i += 1
                    break
                if body and b.top - body[-1].bottom > 4 * body[-1].height:
                    ended = True
                    break
                body.append(b)
                i += 1
            if not body:
                continue
            if head:
                cols = _gutters(body, head)
                _assign_headers(cols, head, buyer_words)
            elif carry:
                cols = carry[0]
                head = carry[1]
            else:
                continue
            if not any(c.role == "qty" for c in cols) and not any(c.role == "amount" for c in cols):
                continue
            rows = _rows(body, cols)
            if rows:
                tables.append(Table(cols, rows, head))
            carry = None if ended else (cols, head)
        # a table running off the page bottom continues on the next page
    return tables


def _rows(body: list[Line], cols: list[Column]) -> list[Row]:
    anchors: list[Row] = []
    loose: list[Line] = []
    for ln in body:
        cells = _cells(ln, cols)
        ident = any(cells.get(r) for r in ("description", "sku", "customer_part", "line_no", "gtin"))
        if len(re.findall(r"\w\s:\s", ln.text)) >= 2:
            continue  # a key : value strip inside the table area, not a line item
        if _anchor_value(cells) and ident:
            anchors.append(Row(ln, cells, page=ln.page))
        elif _anchor_value(cells):
            continue  # numbers with no identity: a subtotal/carry-over row
        else:
            loose.append(ln)
    if not anchors:
        return []
    for ln in loose:
        mid = (ln.top + ln.bottom) / 2
        best = min(anchors, key=lambda r: abs((r.anchor.top + r.anchor.bottom) / 2 - mid))
        dist = abs((best.anchor.top + best.anchor.bottom) / 2 - mid)
        if dist < 3.2 * ln.height and not _KEYVAL.search(ln.text):
            best.extra.append(ln)
    return anchors
