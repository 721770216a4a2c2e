"""Line-item tables without templates: find the header row, infer columns from x alignment, read rows.

Columns come from the whitespace gutters of the body rows (works with and without rulings);
header words name them. A row is "anchored" by a number in the quantity (or money) column;
text-only lines around it are wrapped description lines and join the nearest anchor.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from decimal import Decimal

from orderflow.extractors.layout import arithmetic
from orderflow.extractors.layout.hints import Hints
from orderflow.extractors.layout.lexicon import COLUMN_ROLES, HEADER_WORDS, PAGE_FOOTER, STOP_ROW
from orderflow.extractors.layout.lines import Line, Word, phrase_text
from orderflow.extractors.values import parse_decimal

_ROLE_RE = [(role, re.compile(p, re.IGNORECASE)) for role, p in COLUMN_ROLES]
_ROLE_RE.insert(0, ("uom", re.compile(r"\b(?:q\s?ty|quantity)\s+unit$", re.IGNORECASE)))
# the brand printed in a column of its own ("Brand | Product Description"): an attribute, never the item's name
_ROLE_RE.insert(0, ("brand", re.compile(r"^(?:brand|marke|marca|marque)(?:\s+name)?$", re.IGNORECASE)))
_ROLE_RE.insert(0, ("price_basis", re.compile(r"base\s+q\s?ty|^per$|price\s+unit$|preiseinheit|^pe$", re.IGNORECASE)))
_NUMERIC = re.compile(r"^[-+(]?[$€£₹¥]?\s?[\d.,'’ ]*\d[)]?(?:\s?[A-Za-z]{0,3})?$")
_BREAKUP = re.compile(r"break\s*-?\s*up|breakdown", re.IGNORECASE)
_LABELS = re.compile(r"\w\s?:(?:\s|$)")
_PER_PACK = re.compile(r"\b(?:per|to|in|inner|pack|case|carton)\b", re.IGNORECASE)
_VARIANT = re.compile(r"^(?:size|colou?r|style|variant|flavou?r)$", re.IGNORECASE)
_KEYVAL = re.compile(r"^[A-Za-z][\w ,/()&-]{1,40}:\s|\b(?:QUOT ID|Q_LINE|DEL_START|DEL_END)\b")


@dataclass
class Column:
    x0: float
    x1: float
    header: str = ""
    role: str | None = None
    left: float = -1e9
    right: float = 1e9
    hint: str | None = None  # id of the column_map hint that named it
    role2: str | None = None  # the role on a record's second row, under a two-tier header
    lead: tuple[float, float] | None = None  # x-range of a line-number label sharing this column ("Sl | Description")


@dataclass
class Row:
    anchor: Line
    cells: dict[str, list[Word]] = field(default_factory=dict)
    extra: list[Line] = field(default_factory=list)  # wrapped lines (above/below)
    extra_cells: list[dict[str, list[Word]]] = field(default_factory=list)  # their cells, same order
    page: int = 0
    roles: frozenset[str] = frozenset()  # the roles the table's columns carry
    hints: dict[str, str] = field(default_factory=dict)  # role → id of the column_map hint behind it
    allowances: list[dict[str, list[Word]]] = field(default_factory=list)  # "Less …" sub-rows: cells each
    merged: set[int] = field(default_factory=set)  # ids of extra lines whose cells are merged into ``cells``


@dataclass
class Table:
    columns: list[Column]
    rows: list[Row]
    header_lines: list[Line]
    total_line: Line | None = None  # unlabelled numbers-only row closing the table


def _is_numberish(text: str) -> bool:
    return bool(_NUMERIC.match(text.strip()))


_ANCHOR_ROLES = {"qty", "unit_price", "amount"}


def is_header_line(line: Line, hints: Hints | None = None) -> bool:
    """Three or more header words and at most one value. Headers a column_map hint names count too
    (the partner's labels may be words no lexicon knows): two mapped labels, one of them a quantity or
    money column that can anchor rows, also make a header row."""
    words = line.words
    if len(words) < 3:
        return False
    hits = len(HEADER_WORDS.findall(line.text))
    if hits >= 3 and _values(line) <= 1:
        return True
    if not hints or not hints.columns:
        return False
    roles, rest = hints.header_cells(line.text)
    if not roles:
        return False
    known = len(roles) + len(HEADER_WORDS.findall(rest))
    anchored = len(roles) >= 2 and bool(_ANCHOR_ROLES & set(roles))
    return (known >= 3 or anchored) and _values(line) <= 1


def stacked_header(lines: list[Line], i: int) -> bool:
    """A header printed over two lines, neither enough alone ("Pos | Unsere Nr. | Ihre Nummer | Menge" over
    "Artikelbezeichnung | Preis / Einheit | Termin"): both lines hold header words and no values, sit right
    on top of each other, and name at least three columns together, a quantity or money one among them."""
    if i + 1 >= len(lines):
        return False
    a, b = lines[i], lines[i + 1]
    if a.page != b.page or b.top - a.bottom > 1.2 * a.height or _values(a) or _values(b) or _sentence(a):
        return False
    ha, hb = HEADER_WORDS.findall(a.text), HEADER_WORDS.findall(b.text)
    if not ha or not hb or len(ha) + len(hb) < 3 or len(a.phrases) < 2 and len(b.phrases) < 2:
        return False
    text = " ".join(phrase_text(ph) for ln in (a, b) for ph in ln.phrases)
    return any(rx.search(text) for r, rx in _ROLE_RE if r in ("qty", "unit_price", "amount"))


def _sentence(line: Line) -> bool:
    """Prose over a table ("Please supply the following items strictly …"): a long run of words or a line
    of mostly non-header words. It may name an item, but it labels no column."""
    return any(len(ph) >= 8 for ph in line.phrases) or len(line.words) >= 10 and \
        4 * len(HEADER_WORDS.findall(line.text)) < len(line.words) and len(line.words) >= 3 * len(line.phrases)


def _known_header(line: Line, hints: Hints | None) -> bool:
    """Some header word in the line: the lexicon's or a label a column_map hint names."""
    return bool(HEADER_WORDS.search(line.text)) or bool(hints and hints.columns and hints.header_cells(line.text)[0])


def _values(line: Line) -> int:
    """Words carrying numbers: in a long line, stray single digits are not values (OCR reads an "&" or
    a table rule as "8" or "1" inside a header row)."""
    need = 2 if len(line.words) >= 8 else 1
    return sum(1 for w in line.words if sum(c.isdigit() for c in w.text) >= need)


def _numbered_labels(line: Line) -> bool:
    """A header line naming numbered columns ("Pack Size Code Units DC# 891 DC# 894"): two header words or
    more, and the numbers a third of its words at most (an item row is mostly values)."""
    return len(HEADER_WORDS.findall(line.text)) >= 2 and 3 * _values(line) <= len(line.words) \
        and not any(_is_decimal(w.text) for w in line.words)


def _is_decimal(text: str) -> bool:
    return bool(re.fullmatch(r"[-+]?[$€£]?\d[\d.,']*[.,]\d{1,4}", text))


def _header_block(lines: list[Line], i: int, hints: Hints | None = None) -> list[Line]:
    """The header line plus stacked header lines right above/below it (two-level headers)."""
    block = [lines[i]]
    j = i + 1
    while j < len(lines) and len(block) < 4:
        ln = lines[j]
        if ln.top - block[-1].bottom > 0.9 * block[-1].height or _values(ln) and not _numbered_labels(ln):
            break
        if len(_LABELS.findall(ln.text)) >= 2:
            break  # "Pre Prod Sample: | Prod Sample:": a record's key/value sub-row continued from the last page
        if not _known_header(ln, hints) and len(ln.words) < 2:
            break
        block.append(ln)
        j += 1
    k = i - 1
    while k >= 0 and len(block) < 5:
        ln = lines[k]
        if block[0].top - ln.bottom > 0.9 * ln.height or _values(ln) and not _numbered_labels(ln):
            break
        if not _known_header(ln, hints) or ln.x1 - ln.x0 < 0.3 * (lines[i].x1 - lines[i].x0) and len(ln.words) > 6:
            break
        if _sentence(ln):
            break  # "Please supply the following items …": a sentence over the table, no column label
        block.insert(0, ln)
        k -= 1
    return block


def _gutters(body: list[Line], head: list[Line]) -> list[Column]:
    """Column x-ranges: runs of x covered by enough body rows, split at empty gutters."""
    x_min = min(w.x0 for ln in body + head for w in ln.words)
    x_max = max(w.x1 for ln in body + head for w in ln.words)
    size = int(x_max - x_min) + 3
    cover = [0] * size
    picked = [_after_label(ln) if _KEYVAL.match(ln.text) and len(_LABELS.findall(ln.text)) < 2 else ln for ln in body
              if sum(1 for w in ln.words if _is_numberish(w.text)) >= 2 and len(_LABELS.findall(ln.text)) < 2
              and not _SPEC_ROW.match(ln.text)]
    rows: list[Line] = [ln for ln in picked if ln is not None] or body
    # a dimension sub-row inside the description cell ("60 x 0,20 x 007 x 1,3mm", indented, no value out at
    # the right of the table) has numbers too, and would bridge the gutters between the columns
    reach = x_min + 0.75 * (x_max - x_min)
    left = min(ln.words[0].x0 for ln in rows)
    rows = [ln for ln in rows if any(_is_numberish(w.text) and w.x1 >= reach for w in ln.words)
            or ln.words[0].x0 < left + 3 * ln.height] or rows
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
    return _merge_text_runs(cols, rows)


def _after_label(ln: Line) -> Line | None:
    """A record's second row opened by a labelled value ("Date de livraison: 09.10.2025 | 234 PCE EUR 3,85
    900,90"): its words after that phrase still show where the value columns are; the label is no column."""
    if len(ln.phrases) < 2:
        return None
    first = {id(w) for w in ln.phrases[0]}
    rest = [w for w in ln.words if id(w) not in first]
    if sum(1 for w in rest if _is_numberish(w.text)) < 2:
        return None
    return Line(rest, ln.page, ln.index, ln.phrases[1:])


def _text_columns(cols: list[Column], body: list[Line], head: list[Line]) -> list[Column]:
    """A header label over no value column (a description printed on the lines above and below the
    numbers, vertically centred in a tall cell) gets the column its text lines fill under it."""
    if not cols:
        return cols
    out = list(cols)
    for ln in head:
        for ph in ln.phrases:
            x0, x1 = ph[0].x0, ph[-1].x1
            if not _DESC_HEAD.search(phrase_text(ph)) or any(min(c.x1, x1) - max(c.x0, x0) > -0.5 for c in out):
                continue
            left = max((c.x1 for c in out if c.x1 < x0), default=-1e9)
            right = min((c.x0 for c in out if c.x0 > x1), default=1e9)
            ws = [w for b in body for w in b.words if left < w.x0 and w.x1 < right]
            near = [w for w in ws if min(w.x1, x1) - max(w.x0, x0) > -2 * w.height]
            if not near:
                _widen_text_column(out, body, x0, x1, ph[0].height)
                continue
            lo, hi = min(w.x0 for w in near), max(w.x1 for w in near)
            out.append(Column(max(lo, left + 1), min(hi, right - 1)))
    out.sort(key=lambda c: c.x0)
    return out


def _widen_text_column(cols: list[Column], body: list[Line], x0: float, x1: float, height: float) -> None:
    """A description label centred over a wide cell whose text is left-aligned ("Description" printed
    60 pt right of "W 8x10 A992"): the nearest text-only column within a few letters takes the label's
    extent, so the label names it."""
    def gap(c: Column) -> float:
        return max(c.x0 - x1, x0 - c.x1)

    near = [c for c in cols if gap(c) < 6 * height]
    if not near:
        return
    c = min(near, key=gap)
    ws = [w for ln in body for w in ln.words if c.x0 - 1 <= w.xc <= c.x1 + 1]
    if not ws or sum(_is_numberish(w.text) for w in ws) > 0.2 * len(ws):
        return
    if any(o is not c and min(o.x1, max(x1, c.x1)) - max(o.x0, min(x0, c.x0)) > 0 for o in cols):
        return  # widening would swallow another column
    c.x0, c.x1 = min(c.x0, x0), max(c.x1, x1)


_DESC_HEAD = re.compile(dict(COLUMN_ROLES)["description"], re.IGNORECASE)
_ITEM_CODE = re.compile(dict(COLUMN_ROLES)["item_code"], re.IGNORECASE)
_SUPPLIER_CODE = re.compile(dict(COLUMN_ROLES)["sku"], re.IGNORECASE)
_ITEM_NO = re.compile(r"^\d{4,14}$")
_CODE = re.compile(r"^(?=.*\d)(?=.*[A-Za-z])[A-Za-z0-9][\w./-]{3,}$")


def _unheaded_codes(cols: list[Column], body: list[Line], own: str = "customer_part") -> None:
    """Columns left of the values whose header was lost (white on a dark band) or not understood: item
    codes are the issuer's item number (``own``) when no column carries one; the widest text column is the
    description when none does."""
    first_value = min((c.x0 for c in cols if c.role in ("qty", "unit_price", "amount")), default=1e9)

    def values(c: Column) -> list[str]:
        return [w.text for b in body if sum(1 for w in b.words if _is_numberish(w.text)) >= 2
                for w in b.words if c.x0 - 1 <= w.xc <= c.x1 + 1]

    if not any(c.role in ("sku", "customer_part", "gtin") for c in cols):
        for c in cols:
            if c.role or c.x1 > first_value:
                continue
            vals = values(c)
            if vals and sum(bool(_CODE.match(v) or _ITEM_NO.match(v)) for v in vals) >= 0.8 * len(vals):
                c.role = own
                break
    for c in cols:  # a size column of bare numbers ("20") is no item name: look for a text column instead
        if c.role == "description" and _VARIANT.search(c.header) and not any(
                ch.isalpha() for v in values(c) for ch in v):
            c.role = None
    if not any(c.role == "uom" for c in cols):
        for i, c in enumerate(cols[1:], 1):  # "46 | CSE": unit words in an unheaded column right of the quantity
            # (or under a label read as nothing else: "Einh", a second "Units" beside "Quantity")
            if c.role is None and _label_role(c.header) in (None, "qty", "uom") and cols[i - 1].role == "qty":
                vals = values(c)
                if vals and all(re.fullmatch(r"[A-Za-z]{1,4}\.?", v) for v in vals):
                    c.role = "uom"
                break
    if not any(c.role == "line_no" for c in cols) and cols and cols[0].role is None and not cols[0].header:
        vals = values(cols[0])  # "1." "2." "3." in an unheaded first column: the line numbers
        if vals == ["1"] or vals == ["1."]:
            cols[0].role = "line_no"  # one item, numbered 1 in a narrow column of its own
        elif len(vals) >= 2 and all(re.fullmatch(r"\d{1,3}[.)]?", v) for v in vals):
            nums = [int(v.rstrip(".)")) for v in vals]
            if nums == sorted(nums) and len(set(nums)) == len(nums):
                cols[0].role = "line_no"
    if not any(c.role == "description" for c in cols):
        for c in cols:  # a bare "Item" header over the item's name ("JERSEY MANCHESTER UNITED"): the description
            if c.role == own and _GENERIC_ITEM.match(c.header.strip()):
                ws = [w for b in body for w in b.words if c.x0 - 1 <= w.xc <= c.x1 + 1]
                cells = [[w for w in b.words if c.x0 - 1 <= w.xc <= c.x1 + 1] for b in body
                         if sum(1 for w in b.words if _is_numberish(w.text)) >= 2]
                cells = [cell for cell in cells if cell]
                # words without a digit on most item rows ("ATK", "HOISTING MOTOR") name the item: codes hold digits
                named = bool(cells) and 2 * sum(1 for cell in cells if not any(
                    ch.isdigit() for w in cell for ch in w.text)) >= len(cells) and any(
                    any(ch.isalpha() for ch in w.text) for cell in cells for w in cell)
                if named or ws and sum(1 for w in ws if w.text.isalpha()) >= 0.7 * len(ws) and len(ws) >= 2 * max(
                        1, sum(1 for b in body if any(c.x0 - 1 <= w.xc <= c.x1 + 1 for w in b.words))) * 0.75:
                    c.role = "description"
                    break
    if not any(c.role == "description" for c in cols):  # the widest unread text column left of the values
        text_cols = [c for c in cols if c.role is None and c.x1 <= first_value
                     and (vals := values(c)) and sum(v.isalpha() for v in vals) >= 0.6 * len(vals)]
        if text_cols:
            max(text_cols, key=lambda c: c.x1 - c.x0).role = "description"


_LINE_NO = re.compile(r"^\d+(?:\.0{1,3})?[.)]?$|^\d{1,3}-\d{1,4}$")  # "3", "3.", "3)", JDE "3.000", page-line "1-4"


_GENERIC_ITEM = re.compile(r"^(?:item|items|pos\.?|position|#|no\.?|nr\.?)(?:\s*(?:#|no\.?|nr\.?))?$", re.IGNORECASE)


def _column_values(c: Column, body: list[Line]) -> list[str]:
    """The words of ``c`` on the body's value rows (rows with at least two numbers)."""
    return [w.text for b in body if sum(1 for w in b.words if _is_numberish(w.text)) >= 2
            for w in b.words if c.left <= w.xc < c.right]


def _numbered_items(cols: list[Column], body: list[Line]) -> None:
    """SAP-style item numbers (00010, 00020 ...), JDE line numbers (1.000, 2.000), or 1, 2, 3 under a bare
    "Item" header: a column whose values rise in steady steps is the line number, not an item code. The
    code role it held goes to a code column the lexicon had to leave unread ("Item | Part Number")."""
    if any(c.role == "line_no" for c in cols):
        return
    for c in cols:
        if c.role not in ("sku", "customer_part", None):
            continue
        vals = _column_values(c, body)
        if len(vals) == 1 and c.role and _GENERIC_ITEM.match(c.header.strip()) and re.fullmatch(r"0*\d{1,3}", vals[0]) \
                and any(x.role in ("sku", "customer_part") for x in cols if x is not c):
            c.role = "line_no"  # one row: a bare "Item" holding "10" beside a code column counts lines
            return
        merged_label = c.role and any(_GENERIC_ITEM.match(t.strip("()[].:")) for t in c.header.split()) \
            and len(c.header.split()) > 1
        nums = [v for v in vals if re.fullmatch(r"\d{1,3}", v)]  # the record's text rows hold words, not numbers
        if merged_label and nums and c is min(cols, key=lambda x: x.x0) and len(nums) >= len(vals) / 3 \
                and (len(nums) == 1 or not {int(b) - int(a) for a, b in zip(nums, nums[1:], strict=False)} - {1, 10}):
            c.role = "line_no"  # "Ptda. Código / (Item) (Code)" over 10, 20, 30: two labels, the left-most holds lines
            return
        if len(vals) < 2:
            continue
        sap = [v for v in vals if re.fullmatch(r"0\d{3,5}|\d{1,4}\.0{3}", v)]
        if len(sap) >= 2 and all(v in sap or not any(ch.isdigit() for ch in v) for v in vals):
            vals = sap  # "00010" … "00020" with a label word of each record's sub-row ("Date de livraison")
            steps_allowed: tuple[int, ...] = (1, 10)
        elif c.role and _GENERIC_ITEM.match(c.header.strip()) and all(re.fullmatch(r"\d{1,3}[.)]?", v) for v in vals):
            steps_allowed = (1, 10)  # 1, 2, 3 or SAP's 10, 20, 30 under a bare "Item"
        else:
            continue
        numbers = [Decimal(v.rstrip(".)")) for v in vals]
        steps = {b - a for a, b in zip(numbers, numbers[1:], strict=False)}
        if len(steps) == 1 and next(iter(steps)) in steps_allowed:
            freed, c.role = c.role, "line_no"
            if freed:
                _give_role(cols, freed)
            return


def _give_role(cols: list[Column], role: str) -> None:
    """Hand ``role`` to the first unread column whose header the lexicon reads as that role (or as an item
    code), e.g. "Part Number" beside an "Item" column that turned out to count the lines."""
    if any(c.role == role for c in cols):
        return
    wanted = [rx for r, rx in _ROLE_RE if r in (role, "sku", "item_code")]
    for c in cols:
        if c.role is None and c.header and any(rx.search(c.header) for rx in wanted):
            c.role = role
            return
    if role in ("sku", "customer_part"):  # "Item | Part Number": the unqualified code took the other role
        for c in cols:
            if c.role == _other(role) and c.header and _ITEM_CODE.search(c.header.lower()) \
                    and not _SUPPLIER_CODE.search(c.header.lower()) and not _YOUR_CODE.search(c.header):
                c.role = role
                return


def _barcodes_are_barcodes(cols: list[Column], body: list[Line]) -> None:
    """A column the header calls a barcode ("Cod/Ean/Dun14") whose values are no GTINs (``156557-5``: not 8,
    12, 13 or 14 digits) holds the buyer's own item code."""
    for c in cols:
        if c.role != "gtin":
            continue
        vals = _column_values(c, body)
        if vals and sum(1 for v in vals if re.fullmatch(r"\d{8}|\d{12,14}", v)) < 0.5 * len(vals):
            taken = {x.role for x in cols}
            c.role = "customer_part" if "customer_part" not in taken else ("sku" if "sku" not in taken else None)


_DATE_CELL = re.compile(r"^\d{1,4}[./-]\d{1,2}[./-]\d{2,4}$")


def _dates_not_values(cols: list[Column], body: list[Line]) -> None:
    """A quantity or money column whose values are dates ("Importo | Consegna" over one column of delivery
    dates, the amount left empty) is a date column."""
    for c in cols:
        if c.role not in ("qty", "unit_price", "amount"):
            continue
        vals = [w.text for b in body for w in b.words if c.left <= w.xc < c.right and any(ch.isdigit() for ch in w.text)]
        if vals and sum(1 for v in vals if _DATE_CELL.match(v)) >= 0.8 * len(vals):
            c.role = "date"


def _units_not_quantities(cols: list[Column], body: list[Line]) -> None:
    """A quantity header over unit words ("Quantità" over ``NR``, the numbers printed just right of it under
    no header) names two cells: the unit column, and the unheaded numeric column beside it is the quantity."""
    for i, c in enumerate(cols):
        if c.role != "qty":
            continue
        vals = _column_values(c, body)
        if not vals or sum(1 for v in vals if re.fullmatch(r"[A-Za-z]{1,4}\.?", v)) < 0.8 * len(vals):
            return
        for j in (i + 1, i - 1):
            if 0 <= j < len(cols) and cols[j].role is None and not cols[j].header:
                nums = _column_values(cols[j], body)
                if nums and sum(1 for v in nums if parse_decimal(v) is not None) >= 0.8 * len(nums):
                    c.role = "uom" if not any(x.role == "uom" for x in cols) else None
                    cols[j].role = "qty"
                    return
        return


def _brand_alone_is_the_name(cols: list[Column], body: list[Line]) -> None:
    """A Brand column beside a description column is an attribute of the item; when no other column names
    the item in words ("CASES | NUMBER | BRAND | SIZE | QUANTITY": "MARL LT REG 100 HP" under BRAND, "20"
    under SIZE) the brand is how the item is named."""
    def wordy(c: Column) -> bool:
        cells = [[w.text for w in b.words if c.left <= w.xc < c.right] for b in body
                 if sum(1 for w in b.words if _is_numberish(w.text)) >= 2]
        cells = [ws for ws in cells if ws]
        return bool(cells) and sum(1 for ws in cells if any(ch.isalpha() for t in ws for ch in t)) >= 0.5 * len(cells)

    brand = next((c for c in cols if c.role == "brand"), None)
    if brand is None or any(c.role == "description" and wordy(c) for c in cols) or not wordy(brand):
        return
    for c in cols:
        if c.role == "description":
            c.role = None
    brand.role = "description"


def _sizes_not_units(cols: list[Column], body: list[Line]) -> None:
    """A unit column whose cells print a number with the unit ("7.9 FZ" under "Pack U/M": the pack's size)
    holds no order unit: the quantity's unit is a word alone."""
    for c in cols:
        if c.role != "uom":
            continue
        rows = [[w.text for w in b.words if c.left <= w.xc < c.right] for b in body
                if sum(1 for w in b.words if _is_numberish(w.text)) >= 2]
        cells = [ws for ws in rows if ws]
        if len(cells) >= 2 and sum(1 for ws in cells if any(ch.isdigit() for t in ws for ch in t)) >= 0.8 * len(cells):
            c.role = None


def _codes_not_names(cols: list[Column], body: list[Line], own: str = "customer_part") -> None:
    """A bare "Product" header is read as the item's name; when its values are codes (``AB-100``) and an
    unread column beside it holds words, the codes are the issuer's item number (``own``) and the words the
    description."""
    desc = next((c for c in cols if c.role == "description"), None)
    if desc is None or any(c.role == own for c in cols):
        return
    vals = _column_values(desc, body)
    if not vals or sum(bool(_CODE.match(v)) for v in vals) < 0.8 * len(vals):
        return
    for c in cols:
        if c.role is None and c.header and _DESC_HEAD.search(c.header):
            words = _column_values(c, body)
            if words and sum(any(ch.isalpha() for ch in w) for w in words) >= 0.8 * len(words):
                desc.role, c.role = own, "description"
                return


def _codes_not_line_numbers(cols: list[Column], body: list[Line], own: str = "customer_part") -> None:
    """A column headed like a line number ("Item #", "No.") whose values are item codes (``BR-4118-XL``)
    holds the issuer's item number (``own``; the other code role when that is taken)."""
    for c in cols:
        if c.role != "line_no":
            continue
        vals = [w.text for b in body if sum(1 for w in b.words if _is_numberish(w.text)) >= 2
                for w in b.words if c.left <= w.xc < c.right]
        if vals and sum(1 for v in vals if not _LINE_NO.match(v)) > len(vals) / 2:
            taken = {x.role for x in cols}
            c.role = own if own not in taken else (_other(own) if _other(own) not in taken else None)


def _merge_text_runs(cols: list[Column], rows: list[Line]) -> list[Column]:
    """A narrow gutter between two text-only columns is a word gap inside one text column (a long
    description pushing past the common right edge), not a column break."""
    if len(cols) < 2:
        return cols
    hs = sorted(w.height for ln in rows for w in ln.words)
    h = hs[len(hs) // 2] if hs else 8.0

    def text_only(c: Column) -> bool:
        ws = [w for ln in rows for w in ln.words if c.x0 - 1 <= w.xc <= c.x1 + 1]
        return bool(ws) and not any(_is_numberish(w.text) for w in ws)

    out = [cols[0]]
    for c in cols[1:]:
        prev = out[-1]
        if c.x0 - prev.x1 < 0.5 * h and text_only(c) and text_only(prev):
            prev.x1 = c.x1
        else:
            out.append(c)
    return out


_JOINED_LABEL = re.compile(r"^\w+\s*(?:/|\bper\b|\bpro\b|\bje\b)\s*\w+$", re.IGNORECASE)


def _header_pieces(head: list[Line], cols: list[Column], near_flag: list[bool] | None = None
                   ) -> list[tuple[Column, str]]:
    """(column, text) for every header phrase: a phrase goes to the body column it overlaps; a phrase
    spanning several columns is split by word; a phrase over no column (an empty column, like a gross
    price or discount printed on other rows only) is dropped unless a column sits right beside it
    (``near_flag`` gets True for those pieces, False for the others)."""
    out: list[tuple[Column, str]] = []
    flags = near_flag if near_flag is not None else []

    def overlapping(x0: float, x1: float) -> list[Column]:
        return [c for c in cols if min(c.x1, x1) - max(c.x0, x0) > -0.5]

    for ln in head:
        for ph in ln.phrases:
            hits = overlapping(ph[0].x0, ph[-1].x1)
            if len(hits) > 1 and _JOINED_LABEL.search(phrase_text(ph)):
                hits = hits[:1]  # "Preis / Einheit", "Price per Unit": one label over a value and its basis
            elif len(hits) > 1 and _label_role(phrase_text(ph)) == "brand":  # "Brand Name": one label, not a
                hits = [max(hits, key=lambda c: min(c.x1, ph[-1].x1) - max(c.x0, ph[0].x0))]  # brand and a "Name"
            if len(hits) <= 1:
                target = hits[0] if hits else _near(cols, ph[0].x0, ph[-1].x1, ph[0].height)
                if target is not None:
                    out.append((target, phrase_text(ph)))
                    flags.append(not hits)
                continue
            picks: list[Column | None] = []
            for w in ph:
                wh = overlapping(w.x0, w.x1)
                if len(wh) > 1:
                    wh = [min(wh, key=lambda c: (-round(min(c.x1, w.x1) - max(c.x0, w.x0)), abs((c.x0 + c.x1) / 2 - w.xc)))]
                picks.append(wh[0] if wh else _near(cols, w.x0, w.x1, w.height))
            for k, w in enumerate(ph):  # a word of a multi-column phrase over no column: the nearest one
                col = picks[k] or min(cols, key=lambda c: max(c.x0 - w.x1, w.x0 - c.x1))
                if col is not None:
                    out.append((col, w.text))
                    flags.append(False)
    return out


def _near(cols: list[Column], x0: float, x1: float, height: float) -> Column | None:
    if not cols:
        return None
    near = min(cols, key=lambda c: max(c.x0 - x1, x0 - c.x1))
    return near if max(near.x0 - x1, x0 - near.x1) < 1.5 * height else None


def _split_by_header(cols: list[Column], head: list[Line]) -> list[Column]:
    """A body column under two separate header labels (a description overflowing into the part-number
    cell merges their gutters) is split where the second label starts."""
    out: list[Column] = []
    for c in cols:
        starts = sorted({round(ph[0].x0) for ln in head for ph in ln.phrases
                         if c.x0 - 2 <= ph[0].x0 and ph[-1].x1 <= c.x1 + 2})
        labels = [ph for ln in head for ph in ln.phrases if c.x0 - 2 <= ph[0].x0 and ph[-1].x1 <= c.x1 + 2]
        if len(starts) >= 2 and len(head) >= 1 and c.x1 - c.x0 > 120:
            labels.sort(key=lambda ph: ph[0].x0)
            first, second = labels[0], labels[-1]
            if second[0].x0 - first[-1].x1 > 40:
                cut = (first[-1].x1 + second[0].x0) / 2
                out += [Column(c.x0, cut - 1), Column(cut + 1, c.x1)]
                continue
        out.append(c)
    return out


def _label_role(text: str) -> str | None:
    t = re.sub(r"(?<=[a-z])[-_](?=[a-z])", " ", text.lower()).strip()
    return next((r for r, rx in _ROLE_RE if rx.search(t)), None)


def _split_at_labels(cols: list[Column], head: list[Line], body: list[Line]) -> list[Column]:
    """Header-cell extents are column boundaries even where the values nearly touch. A column under two
    labels side by side is split between them when the item rows' words part cleanly under each: numbers
    ("Rate | Dis. %" over ``80750 -5.00%``, "HSN / Quantity" over ``84311090 6.000`` on a cramped scan, "Menge |
    Preis/PE" whose gutter a totals row bridges), or a brand and the item's name ("Brand | Product
    Description" over ``CUCAMO PESTO,GENOVESE``, one phrase on every row)."""
    rows = [ln for ln in body if sum(1 for w in ln.words if _is_numberish(w.text)) >= 2]
    edge = min((ln.x0 for ln in rows), default=0.0)
    rows = [ln for ln in rows if ln.x0 < edge + 2 * ln.height]  # item rows open at the table's left edge; the
    # indented sub-rows under them (an allowance, a schedule, a tax line) may run across the columns
    out: list[Column] = []
    todo = list(cols)
    while todo:
        c = todo.pop(0)
        cut = _label_cut(c, head, rows)
        if cut is None:
            out.append(c)
        else:
            out.append(Column(c.x0, cut - 1))
            todo.insert(0, Column(cut + 1, c.x1))
    return out


def _number_cell(text: str) -> bool:
    """A number, an amount or a percentage ("-5.00%") printed in a value cell."""
    return _is_numberish(text) or bool(re.fullmatch(r"[-+]?\d[\d.,]*\s?%", text))


def _label_cut(c: Column, head: list[Line], rows: list[Line]) -> float | None:
    """Where to split ``c`` between two of its header labels (see ``_split_at_labels``), else None."""
    units: list[list[Word]] = []  # the labels over c: phrases, or the words of a phrase running past c
    for ln in head:
        for ph in ln.phrases:
            h = ph[0].height
            if c.x0 - h <= ph[0].x0 and ph[-1].x1 <= c.x1 + h or not any(w.x1 > c.x1 + h or w.x0 < c.x0 - h
                                                                          for w in ph):
                if c.x0 <= (ph[0].x0 + ph[-1].x1) / 2 <= c.x1:
                    units.append(ph)
            else:
                units += [[w] for w in ph if c.x0 <= w.xc <= c.x1]
    groups: list[list[float]] = []  # x-extents of the labels over c, labels stacked over each other joined
    for ph in sorted(units, key=lambda ph: ph[0].x0):
        if groups and ph[0].x0 < groups[-1][1]:
            groups[-1][1] = max(groups[-1][1], ph[-1].x1)
            groups[-1][2] += 1
            groups[-1][3] = groups[-1][3] or ph[0].height
        else:
            groups.append([ph[0].x0, ph[-1].x1, 1, ph[0].height])
    texts = [" ".join(phrase_text(ph) for ph in units if g[0] <= (ph[0].x0 + ph[-1].x1) / 2 <= g[1]) for g in groups]
    per_row = [[w for w in ln.words if c.x0 - 1 <= w.xc <= c.x1 + 1] for ln in rows]
    per_row = [ws for ws in per_row if ws]
    for k in range(len(groups) - 1):
        a, b = groups[k], groups[k + 1]
        if b[0] - a[1] < 0.5 * b[3]:
            continue
        ra, rb = _label_role(texts[k]), _label_role(texts[k + 1])
        if ra is not None and ra == rb:
            continue
        brand = "brand" in (ra, rb) and ra is not None and rb is not None
        left_ws, right_ws, both = [], [], 0
        for ws in per_row:
            lw = [w for w in ws if max(a[0] - w.xc, w.xc - a[1], 0) < max(b[0] - w.xc, w.xc - b[1], 0)]
            rw = [w for w in ws if w not in lw]
            if lw and rw:  # rows with words under one label only (a requisition sub-row) tell nothing
                left_ws += lw
                right_ws += rw
                both += 1
        if not left_ws or not right_ws or 2 * both < len(per_row):
            continue
        numbers = all(_number_cell(w.text) for w in left_ws) and all(_number_cell(w.text) for w in right_ws)
        # "Item No. | Description" over ``120GS1016 GT Economy Landscape Seed``: one code, then the words
        coded = ra in ("line_no", "item_code", "customer_part", "sku", "gtin") and rb == "description" \
            and len(left_ws) == both and all(any(ch.isdigit() for ch in w.text) for w in left_ws) \
            and sum(1 for w in right_ws if any(ch.isalpha() for ch in w.text)) >= 0.6 * len(right_ws)
        if not (brand or numbers or coded):
            continue
        lo, hi = max(w.x1 for w in left_ws), min(w.x0 for w in right_ws)
        if lo < hi:
            return (lo + hi) / 2
    return None


def _other(own: str) -> str:
    return "sku" if own == "customer_part" else "customer_part"


def _assign_headers(cols: list[Column], head: list[Line], buyer_words: set[str], hints: Hints | None = None,
                    refine: bool = True, own: str = "customer_part", supplier_words: set[str] | None = None) -> None:
    """Column roles from the header words. An unqualified item-code column ("Item Code", "Part Number",
    "Codice") holds the issuer's own item number: ``own`` is "customer_part" on a buyer's PO, "sku" on a
    seller's document; only a column qualified as the supplier's ("Vendor Item #", "Your material number")
    is the sku on a PO, as is a code column named after the supplier ("SDS Art.-Nr.": ``supplier_words``)."""
    for i, c in enumerate(cols):
        c.left = (cols[i - 1].x1 + c.x0) / 2 if i else -1e9
        c.right = (c.x1 + cols[i + 1].x0) / 2 if i + 1 < len(cols) else 1e9
    pieces: dict[int, list[str]] = {}
    for k, ln in enumerate(head):
        near: list[bool] = []
        got = _header_pieces([ln], cols, near)
        over = {id(c) for (c, _), n in zip(got, near, strict=True) if not n}
        for (c, text), n in zip(got, near, strict=True):
            if not n or id(c) not in over:
                # a label beside a column that has its own label on this header line ("Nest Code" left of
                # "Total Units") names an empty column, not this one
                c.header = (c.header + " " + text).strip()
            pieces.setdefault(id(c), []).append(text)
            pieces.setdefault(-id(c) - k, []).append(text)  # per header line: side-by-side labels
    used: dict[str, Column] = {}
    generic_cols: set[int] = set()
    stacked = _stacked_labels(cols, head, pieces)
    for c in cols:
        h = re.sub(r"(?<=[a-z])[-_](?=[a-z])", " ", stacked.get(id(c), c.header).lower())  # "Unit-price", "Our-item-#"
        if not h:
            continue
        role = None
        generic = False  # an unqualified code column: may fall back to the other code role
        mapped = hints.column_role(c.header) if hints else None
        if mapped:
            role, c.hint = mapped
            if role == "ignore":
                role = None
        elif buyer_words and any(b in h.split() for b in buyer_words) and re.search(r"item|part|code|no", h):
            role = "customer_part"
        elif supplier_words and any(b in re.split(r"[\s.\-/]+", h) for b in supplier_words) \
                and re.search(r"item|part|code|no\b|nr|art|mat", h):
            role = "sku"  # "SDS Art.-Nr.": the item number of the supplier named on the PO
        elif _BREAKUP.search(h):
            role = "breakup"
        elif _YOUR_CODE.search(h):
            role = "sku"  # "Your item #", "Ihre Materialnummer": the supplier's own code (addressed to it)
        elif _MATERIAL_TEXT.search(h):
            role = "description"  # "Material Description": the text, not the material number
        else:
            for r, rx in _ROLE_RE:
                if rx.search(h):
                    role = r
                    break
            if role == "item_code":
                role, generic = own, True
            side = next((pieces[-id(c) - k] for k in range(len(head)) if len(pieces.get(-id(c) - k, [])) > 1), None)
            if role is None and side:
                # two labels over one value column (an empty column's label given to its neighbour,
                # "Preco | Preco TR"): the left label, when it names a price or amount alone
                role = next((r for t in side[:1] for r, rx in _ROLE_RE if r in ("unit_price", "amount")
                             and rx.search(re.sub(r"(?<=[a-z])[-_](?=[a-z])", " ", t.lower()))), None)
            if role is None and "(" in h and any(dict(_ROLE_RE)["uom"].search(part.strip()) for part in
                                                 re.split(r"[()]", h) if part.strip()):
                role = "uom"  # "Unidad (Unit)": a bilingual label, each language alone names the unit
            if role is None and re.search(r"\bitem\b", h):
                role, generic = own, True
            if role is None and re.fullmatch(r"[a-z]{3}", h.strip()) and h.strip().upper() in _CURRENCIES:
                role = "amount"  # a column headed just "EUR": the line value in that currency
        if role == "line_no" and "line_no" in used and re.search(r"\bitem\b", h):
            role = own if own not in used else _other(own)  # "Item No." beside a "Line" column
            generic = True
        if role in used and role not in ("date",):
            prev = used[role]
            if c.hint and not prev.hint:
                prev.role = None  # a partner's column mapping beats the lexicon's guess
            elif prev.hint:
                role = None
            elif generic and _other(role) not in used:
                role = _other(role)  # a second unqualified code column ("Material | Item code"): the other code
            elif role == "sku" and _GENERIC_ITEM.match(prev.header.strip()) and not _GENERIC_ITEM.match(h.strip()):
                # "Item | Vendor Part": the named code is the item code; a bare "Item" before it is the
                # buyer's own number (or counts the lines: _numbered_items looks at the values)
                prev.role = "customer_part" if "customer_part" not in used else None
                if prev.role:
                    used["customer_part"] = prev
            elif not generic and id(prev) in generic_cols:
                # a qualified column ("Vendor Item #", "Customer Part") beats an unqualified one taking its role;
                # that one keeps the other code role when free (or counts the lines: _numbered_items)
                prev.role = _other(role) if _other(role) not in used else None
                if prev.role:
                    used[prev.role] = prev
            elif role == "amount":  # the right-most money column is the line amount
                prev.role = None
            elif role == "unit_price" and re.search(r"\bnet\b", h) and not re.search(r"\bnet\b", prev.header.lower()):
                prev.role = None  # net price beats a gross/list price column
            elif role == "unit_price" and _GROSS.search(prev.header) and not _GROSS.search(h):
                prev.role = None  # "Rate Before Disc." then "Basic Rate": the price after the discount is the net one
            elif role == "qty" and _PER_PACK.search(prev.header) and not _PER_PACK.search(h):
                prev.role = None  # "quantity to case" / "qty per pack" is packing, the plain quantity is ordered
            elif role == "unit_price" and "amount" not in used and _UNIT.search(prev.header) \
                    and not _UNIT.search(h):
                role = "amount"  # "Unit Price … Price" (Odoo, many invoices): the plain price right of it is the total
            else:
                role = None
        if role:
            used[role] = c
            if generic:
                generic_cols.add(id(c))
        c.role = role
    if not refine:
        return
    _lead_numbers(cols, head)
    _price_between(cols)
    _qty_before_uom(cols)
    if not any(c.role == "description" for c in cols):  # no description column: a variant column names the item
        for c in cols:
            if c.role is None and _VARIANT.search(c.header):
                c.role = "description"
                break
    for i, c in enumerate(cols):  # an unheaded column right of the description holds its overflow ...
        if not c.header and i and cols[i - 1].role == "description":
            # ... unless it sits closer to the next column (a cell like "PT 500ML CX/00012" split at its spaces)
            if i + 1 < len(cols) and cols[i + 1].x0 - c.x1 < c.x0 - cols[i - 1].x1:
                continue
            c.role = "description"


def _stacked_labels(cols: list[Column], head: list[Line], pieces: dict[int, list[str]]) -> dict[int, str]:
    """Headers of three or more lines that label the sub-rows of every record ("Item id / Rev No / HSN Code /
    Delivery date", "Qty / Unit", "Rate (Rs) / per Qty"): where a column's lines name different roles each on
    its own, the top one names the value on the item's row (a label wrapped over lines, "Rate / Before /
    Disc.", names one role at most and is read whole)."""
    out: dict[int, str] = {}
    if len(head) < 3:
        return out
    top = {next((r for r, rx in _ROLE_RE if rx.search(phrase_text(ph).lower())), None) for ph in head[0].phrases}
    if "qty" not in top or not top & {"unit_price", "amount"}:
        return out  # the top line must be a whole header by itself (else its labels are wrapped over the lines)
    for c in cols:
        texts = [" ".join(pieces[-id(c) - k]) for k in range(len(head)) if pieces.get(-id(c) - k)]
        roles = [next((r for r, rx in _ROLE_RE if rx.search(t.lower())), None) for t in texts]
        named = [(t, r) for t, r in zip(texts, roles, strict=True) if r]
        if len({r for _, r in named}) >= 2:
            out[id(c)] = named[0][0]
    return out


def _two_tier(cols: list[Column], head: list[Line], body: list[Line], buyer_words: set[str],
              hints: Hints | None, own: str = "customer_part", supplier_words: set[str] | None = None) -> None:
    """A two-line header whose lines each name a column ("Your-item-# / Our-item-#", "Qty/Unit / Unit-price")
    labels the two rows of every record: the first line the row with the quantity, the second the row
    printed under it. Read each header line alone; when both name roles and differ somewhere, the second
    line's roles go to ``role2`` (a column the second line leaves unlabelled continues its first-row role
    when that is text, e.g. the description wrapping onto the second row)."""
    if len(head) != 2 or any(c.hint for c in cols):
        return
    tiers = []
    for ln in head:
        copy = [Column(c.x0, c.x1) for c in cols]
        _assign_headers(copy, [ln], buyer_words, hints, refine=False, own=own, supplier_words=supplier_words)
        tiers.append(copy)
    one, two = tiers
    differ = [i for i, (a, b) in enumerate(zip(one, two, strict=True)) if a.role and b.role and a.role != b.role]
    if not differ or sum(1 for c in two if c.role) < 2 or sum(1 for c in one if c.role) < 2:
        return
    if not any(c.role in _ANCHOR_ROLES for c in one + two):
        return
    # the body must alternate: a row with identity, and under it the row that completes the quantity/price
    pairs = 0
    under: list[Line] = []
    firsts = [Column(c.x0, c.x1, role=o.role, left=c.left, right=c.right) for c, o in zip(cols, one, strict=True)]
    seconds = [Column(c.x0, c.x1, role=o.role, left=c.left, right=c.right) for c, o in zip(cols, two, strict=True)]
    for a, b in zip(body, body[1:], strict=False):
        if a.page != b.page or b.top - a.bottom > 1.2 * a.height:
            continue
        if any(STOP_ROW.match(phrase_text(ph)) for ph in a.phrases):
            continue  # "Payment Terms … Total Basic Amount 17,500.00" over "P & F Charges": the totals box
        first, second = _cells(a, firsts), _cells(b, seconds)
        if any(first.get(r) for r in _IDENT) and _anchor_value(first | {r: first.get(r, []) + ws for r, ws in second.items()}):
            pairs += 1
            under.append(b)
    if not pairs:
        return
    joined = [c.role for c in cols]  # the labels read whole, over both header lines
    for c, top, low, whole in zip(cols, one, two, joined, strict=True):
        if not top.header and not low.header and whole in ("uom", "line_no"):
            continue  # an unheaded column the values named ("46 | CSE"): its role holds on the item's row
        filled = sum(1 for ln in under if any(c.left <= w.xc < c.right for w in ln.words))
        if whole and top.header and low.header and 2 * filled < len(under) and (top.role or low.role) and (
                whole not in (top.role, low.role) or not (top.role and low.role)):
            # "Vendor / Item #", "Unit / Price" over a column the records' second rows leave empty: one label
            # wrapped over the two lines, not two labels
            c.role, c.role2 = whole, None
            continue
        c.role = top.role
        c.role2 = low.role if low.header else (top.role if top.role not in _STRICT else None)


_YOUR_CODE = re.compile(r"\byour\s+(?:item|part|article|material|art)|\bihre?\s+(?:material|artikel|art|nummer|nr)"
                        r"|\bvotre\s+(?:r[ée]f|article|code)", re.IGNORECASE)
_MATERIAL_TEXT = re.compile(r"\b(?:material|item|article|product)\s+(?:desc|text|name)|bezeichnung|beschreibung",
                            re.IGNORECASE)
_CURRENCIES = {"EUR", "USD", "CHF", "GBP", "INR", "AED", "SAR", "KWD", "IDR", "BRL", "MXN", "CAD", "PLN", "SEK",
               "NOK", "DKK", "CZK", "JPY", "CNY", "AUD"}
_GROSS = re.compile(r"before\s+disc|\bgross\b|\blist\b|\bmrp\b|\bbrut|\blordo\b|\bbruto\b", re.IGNORECASE)
_UNIT = re.compile(r"\bunit\b|/\s*unit|\beach\b|\bper\b|単価", re.IGNORECASE)


def _lead_numbers(cols: list[Column], head: list[Line]) -> None:
    """"Sl | Description of Goods", "# | Descripción" over one body column (the numbers sit too close to the
    text for a gutter): the numbers printed under the line-number label are the line numbers."""
    if any(c.role == "line_no" for c in cols):
        return
    rx = dict(_ROLE_RE)["line_no"]
    for c in cols:
        if c.role != "description":
            continue
        phs = sorted((ph for ln in head for ph in ln.phrases if c.left <= (ph[0].x0 + ph[-1].x1) / 2 < c.right),
                     key=lambda ph: ph[0].x0)
        if len(phs) >= 2 and rx.search(phrase_text(phs[0]).lower()) and _DESC_HEAD.search(phrase_text(phs[1])):
            c.lead = (phs[0][0].x0, phs[0][-1].x1)
        elif len(phs) == 1 and len(phs[0]) >= 2 and rx.search(phs[0][0].text.lower()) \
                and _DESC_HEAD.search(phrase_text(phs[0][1:])):
            c.lead = (phs[0][0].x0, phs[0][0].x1)


def _price_between(cols: list[Column]) -> None:
    """A headed column whose header was not understood (misread by OCR: "Einzelprefs"), sitting between
    the quantity and the amount, is the unit price when no column claimed that role."""
    roles = [c.role for c in cols]
    if "unit_price" in roles or "qty" not in roles or "amount" not in roles:
        return
    q, a = roles.index("qty"), roles.index("amount")
    between = [c for c in cols[q + 1:a] if c.role is None and c.header]
    if len(between) == 1:
        between[0].role = "unit_price"


def _qty_before_uom(cols: list[Column]) -> None:
    """No quantity column understood: a headed column right before the unit of measure holds it
    (quantities are printed with their unit; OCR garbles small headers like "(A)greed Qty")."""
    roles = [c.role for c in cols]
    if "qty" in roles or "uom" not in roles:
        return
    u = roles.index("uom")
    if u and cols[u - 1].role is None and cols[u - 1].header:
        cols[u - 1].role = "qty"


_STRICT = {"qty", "unit_price", "amount", "uom", "price_basis", "line_no"}


def _cells(line: Line, cols: list[Column], second: bool = False) -> dict[str, list[Word]]:
    """Words by column role (``second``: the roles of a record's second row under a two-tier header).
    Numeric/code columns take only words over (or just beside) their extent, so a value printed between
    columns (an allowance under an unread header) is not misread."""
    out: dict[str, list[Word]] = {}
    for w in line.words:
        for c in cols:
            if c.left <= w.xc < c.right:
                role = c.role2 if second else c.role
                if role in _STRICT:
                    tol = w.height
                    if w.x1 < c.x0 - tol or w.x0 > c.x1 + tol:
                        break
                if c.lead and not second and "line_no" not in out and re.fullmatch(r"\d{1,3}[.)]?", w.text) \
                        and c.lead[0] - w.height <= w.xc <= c.lead[1] + w.height:
                    out["line_no"] = [w]  # "1" under "Sl" in a "Sl Description" column
                    break
                if role:
                    out.setdefault(role, []).append(w)
                break
    return out


_CLEAN_NUM = re.compile(r"^(?:[A-Z]{3}\s?)?[-+(]?[$€£₹¥]?\s?[\d.,'’ ]*\d\)?-?(?:\s*/?\s*[^\W\d_]{1,5}\.?)?$")  # "500,000 Stück"
_DATEISH = re.compile(r"\d{1,4}[-/.]\d{1,2}[-/.]\d{2,4}|\d{1,2}:\d{2}")


def _anchor_value(cells: dict[str, list[Word]]) -> bool:
    for role in ("qty", "amount", "unit_price"):
        ws = cells.get(role)
        if ws:
            text = phrase_text(ws)
            if _DATEISH.search(text):
                continue
            if not _CLEAN_NUM.match(text):
                continue
            first = re.split(r"\s*/\s*(?=[A-Za-z])|\s+(?=[A-Za-z]{2,})", text)[0]
            if parse_decimal(first) is not None or parse_decimal(text) is not None:
                return role == "qty" or "qty" not in cells
    return False


# closing rows the lexicon's STOP_ROW leaves out: French "Montant total H.T", German "Gesamtsumme Netto",
# "Mehrwertsteuer 19,00 %", "Endsumme", "Nettosumme"
_STOP_MORE = re.compile(r"^(?:montant\s+total|gesamtsumme|mehrwertsteuer|endsumme|nettosumme|warenwert)\b", re.IGNORECASE)


def _is_stop(line: Line) -> bool:
    """A subtotal/tax/total row (or 'Total:' label) ends the table body."""
    texts = [phrase_text(p) for p in line.phrases]
    if not texts:
        return False
    if STOP_ROW.match(texts[0]) or STOP_ROW.match(texts[0].split(":")[0]) or _STOP_MORE.match(texts[0]):
        return True
    # right-aligned 'Subtotal $x' with nothing in the left columns
    return len(texts) <= 3 and any(STOP_ROW.match(t) for t in texts) and not _is_numberish(texts[0])


def read_tables(pages: list[list[Line]], heights: dict[int, float], buyer_words: set[str],
                hints: Hints | None = None, kind: str = "purchase", supplier_words: set[str] | None = None
                ) -> list[Table]:
    """The item tables of the pages. ``kind`` ("purchase" / "sales") says whose item number an unqualified
    code column holds: the buyer's (customer_part) on a PO, the seller's (sku) on a sales document."""
    own = "sku" if kind == "sales" else "customer_part"
    # a supplier called "Parts & Code Ltd" names no column: only its distinctive words ("SDS") qualify a code
    sw = {w for w in supplier_words or set() if not HEADER_WORDS.search(w) and not _ITEM_CODE.search(w)
          and not any(rx.search(w) for _, rx in _ROLE_RE)}
    tables: list[Table] = []
    carry: tuple[list[Column], list[Line]] | None = None
    footers = _recurring_footers(pages, heights)
    seen_sig: tuple = ()  # the last table's header (_signature) and columns
    seen_cols: list[Column] = []
    for lines in pages:
        if not lines:
            continue
        page_h = heights.get(lines[0].page, max(ln.bottom for ln in lines))
        i = 0
        started = False
        while i < len(lines):
            ln = lines[i]
            if is_header_line(ln, hints):
                head = _header_block(lines, i, hints)
                i = lines.index(head[-1]) + 1
            elif stacked_header(lines, i):
                head = [lines[i], lines[i + 1]]
                i += 2
            elif carry is not None and not started:
                again = next((j for j in range(i, len(lines)) if is_header_line(lines[j], hints)), None)
                if again is not None and _same_header(_signature(_header_block(lines, again, hints)),
                                                      _signature(carry[1])):
                    i = again  # the page's top above the reprinted header is its letterhead, not items
                    continue
                head = []
            else:
                i += 1
                continue
            started = True
            body, i, why = _take(lines, i, page_h, hints, footers)
            if not body:
                continue
            if head and seen_cols and _same_header(_signature(head), seen_sig):
                cols = [replace(c) for c in seen_cols]  # the page's repeated header: the columns read before
            elif head:
                cols = _split_at_labels(_split_by_header(_text_columns(_gutters(body, head), body, head), head), head,
                                        body)
                _assign_headers(cols, head, buyer_words, hints, own=own, supplier_words=sw)
                _brand_alone_is_the_name(cols, body)
                _unheaded_codes(cols, body, own)
                _codes_not_line_numbers(cols, body, own)
                _numbered_items(cols, body)
                _codes_not_names(cols, body, own)
                _barcodes_are_barcodes(cols, body)
                _dates_not_values(cols, body)
                _units_not_quantities(cols, body)
                _sizes_not_units(cols, body)
                _two_tier(cols, head, body, buyer_words, hints, own, sw)
                arithmetic.resolve(cols, [ln.words for ln in body if not _is_stop(ln)
                                          and sum(1 for w in ln.words if _is_numberish(w.text)) >= 3])
            elif carry:
                cols = carry[0]
                head = carry[1]
            else:
                continue
            if not any(r in ("qty", "amount") for c in cols for r in (c.role, c.role2)):
                tiered = _tiered(head, body, buyer_words, hints, own, sw)
                if tiered:
                    tables.append(Table(tiered[0], tiered[1], head))
                    carry = None
                continue
            if head:
                seen_sig, seen_cols = _signature(head), cols
            while why == "gap":  # records spaced far apart: the table goes on while the next chunk has rows
                chunk, j, why2 = _take(lines, i, page_h, hints, footers)
                more = _rows(chunk, cols)[0] if chunk else []
                if not more or (any(c.role == "qty" for c in cols) and not any(r.cells.get("qty") for r in more)):
                    break  # a note or a payment box under the items carries no quantity: the table has ended
                body += chunk
                i, why = j, why2
            ended = why in ("gap", "stop")
            rows, total_line = _rows(body, cols)
            # two-row records: per-line label columns read them whole (sub-rows included) when they find as
            # many records as the gutter columns do
            if (not rows or any(c.role2 for c in cols)) and (tiered := _tiered(head, body, buyer_words, hints, own,
                                                                               sw)) and len(tiered[1]) >= len(rows):
                cols, rows = tiered
                if why == "gap":  # a scan's record text printed a few blank rows under its values
                    from orderflow.extractors.layout.tiers import sub_rows  # noqa: PLC0415
                    i = sub_rows(rows[-1], lines, i, 6)
            if rows:
                tables.append(Table(cols, rows, head, total_line))
            carry = None if ended else (cols, head)
        # a table running off the page bottom continues on the next page
    return tables or _card_table(pages)


def _card_table(pages: list[list[Line]]) -> list[Table]:
    """No item table: items printed as key/value cards (cards.py), one record each."""
    from orderflow.extractors.layout.cards import read_cards, wrapped_text  # noqa: PLC0415

    rows: list[Row] = []
    flat = [ln for lines in pages for ln in lines]
    for first, cells, used in read_cards(pages):
        roles = frozenset(cells) | {"description"}
        row = Row(first, cells, page=first.page, roles=roles)
        for ln in used[1:]:
            row.extra.append(ln)
            row.extra_cells.append({})
            row.merged.add(id(ln))
        for ln in wrapped_text(used, flat, cells):
            row.extra.append(ln)
            row.extra_cells.append({"description": list(ln.words)})
        rows.append(row)
    return [Table([], rows, [])] if rows else []


def _tiered(head: list[Line], body: list[Line], buyer_words: set[str], hints: Hints | None, own: str,
            sw: set[str]) -> tuple[list[Column], list[Row]] | None:
    """Two-row records under a two-line header (tiers.py), tried when the gutter columns read no items."""
    from orderflow.extractors.layout.tiers import tier_rows  # noqa: PLC0415  (tiers imports this module)

    return tier_rows(head, body, buyer_words, hints, own, sw) if len(head) == 2 else None


def _signature(head: list[Line]) -> tuple:
    """A header block's labels and their x positions: a header reprinted on the next page looks the same, and
    its columns are those read under the first copy (a page holding one item shows too few rows to find
    every column)."""
    return tuple((phrase_text(ph).lower(), ph[0].x0) for ln in head for ph in ln.phrases)


def _same_header(a: tuple, b: tuple) -> bool:
    return len(a) == len(b) and all(p == q and abs(x - y) <= 3 for (p, x), (q, y) in zip(a, b, strict=True))


def _recurring_footers(pages: list[list[Line]], heights: dict[int, float]) -> set[int]:
    """Ids of the lines in the bottom fifth of a page that recur, page numbers aside, at the same height on
    most pages (the issuer's address and "Printed:" stamp under every page's items): never item rows."""
    if len(pages) < 2:
        return set()
    seen: dict[tuple[str, int], list[Line]] = {}
    for lines in pages:
        if not lines:
            continue
        page_h = heights.get(lines[0].page, max(ln.bottom for ln in lines))
        for ln in lines:
            if ln.top > 0.8 * page_h:
                key = (PAGE_FOOTER.sub("#", " ".join(ln.text.split()).lower()), round(ln.top / 3))
                seen.setdefault(key, []).append(ln)
    need = max(2, (len(pages) + 1) // 2)
    return {id(ln) for lns in seen.values() if len({x.page for x in lns}) >= need for ln in lns}


def _take(lines: list[Line], i: int, page_h: float, hints: Hints | None = None,
          footers: set[int] | None = None) -> tuple[list[Line], int, str]:
    """Body lines from ``i`` up to a header, a stop row, a wide gap or the page end (footers dropped)."""
    body: list[Line] = []
    while i < len(lines):
        b = lines[i]
        if is_header_line(b, hints):
            return body, i, "header"
        if footers and id(b) in footers:
            i += 1
            continue
        if PAGE_FOOTER.search(b.text) and (b.top > 0.85 * page_h or len(b.words) < 12):
            i += 1
            continue
        if _is_stop(b) and not body and not any(_is_numberish(w.text) for w in b.words):
            # "Shipping Instructions: Use UPS Account …" between the header and the first item: a note
            # (and its wrapped lines), not the table's closing total, which carries a number
            i += 1
            while i < len(lines) and not any(_is_numberish(w.text) for w in lines[i].words) \
                    and not is_header_line(lines[i], hints) and lines[i].top - lines[i - 1].bottom < lines[i].height:
                i += 1
            continue
        if _is_stop(b):
            return body, i + 1, "stop"
        if body and b.top - body[-1].bottom > 4 * body[-1].height:
            return body, i, "gap"
        body.append(b)
        i += 1
    return body, i, "end"


_IDENT = ("description", "sku", "customer_part", "line_no", "gtin")
_ALLOWANCE_WORDS = re.compile(r"^\s*(?:less\b|discount|allowance|rebate|deduction|remise|rabatt|descuento|korting)",
                              re.IGNORECASE)
_NEGATIVE = re.compile(r"^\s*(?:[A-Z]{3}\s?)?(?:-|\(|[$€£₹¥]\s?-)|\d-\s*$|\)\s*$")


_SPEC_ROW = re.compile(r"^\s*(?:[^\W\d_][^\W\d_]{0,11}\s?[.:]\s*[-+]?\d[\d.,']*(?:\s?[a-z]{1,3}\b)?\s*){2,}$")
_TAX_ROW = re.compile(r"^\W*(?:[A-Z]{2}\s*:\s*)?(?:integrated\s+|central\s+|state\s+|output\s+|input\s+)?"
                      r"(?:GST|IGST|CGST|SGST|UTGST|VAT|MwSt|USt|IVA|PPN|TVA|HST|PST|sales\s+tax|tax)\b",
                      re.IGNORECASE)


def _is_tax_row(cells: dict[str, list[Word]]) -> bool:
    """A row naming a tax ("VAT@5%", "CGST 9%", "IN: Integrated GST") in its text cells, with no line number
    and no item code, carries the tax of the items above: not an item (a PO that numbers its tax row
    keeps it as a line)."""
    if any(cells.get(r) for r in ("line_no", "gtin")):
        return False
    text = " ".join(phrase_text(cells.get(r, [])) for r in ("customer_part", "sku", "description") if cells.get(r))
    return bool(text) and len(text.split()) <= 6 and bool(_TAX_ROW.match(text.replace("@", " ")))


_TAX_RATE = re.compile(r"^(?:I|C|S|UT)?GST\b|^(?:VAT|IVA|TVA|PPN|MwSt|USt)\b", re.IGNORECASE)


def _tax_subrow(line: Line, cells: dict[str, list[Word]]) -> bool:
    """A record's sub-row carrying its tax ("00 | IGST 18.00% | 2,268.00" under the item, in the columns of a
    stacked header): a phrase opening with a tax name and a rate, and no quantity on the row."""
    if cells.get("qty") and parse_decimal(phrase_text(cells["qty"]).split()[0]) not in (None, 0):
        return False
    return any(_TAX_RATE.match(phrase_text(ph)) and "%" in phrase_text(ph) for ph in line.phrases)


def _is_allowance(cells: dict[str, list[Word]]) -> bool:
    """A sub-row with no quantity whose money is negative ("1,269.12-", "(50.00)") or whose text names a
    discount ("Less …", "Discount 5%") is an allowance on the item above, not an item of its own."""
    qty = phrase_text(cells.get("qty", []))
    if qty and parse_decimal(qty.split()[0]) not in (None, 0):
        return False
    money = [phrase_text(cells[r]) for r in ("amount", "unit_price") if cells.get(r)]
    if not money or not any(re.search(r"\d", m) for m in money):
        return False
    desc = phrase_text(cells.get("description", []))
    first = phrase_text(next((ws for r, ws in cells.items() if r not in ("unit_price", "amount")), []))
    return any(_NEGATIVE.search(m) for m in money) or bool(_ALLOWANCE_WORDS.match(desc)) \
        or bool(re.match(r"^(?:allowance|discount|rebate)\b", first, re.IGNORECASE))  # "ALLOWANCE - DISC: 10.0%"


def _rows(body: list[Line], cols: list[Column]) -> tuple[list[Row], Line | None]:
    """Anchored rows, and the numbers-only line that closes the table (an unlabelled total), if any.

    A numbers-only line right below identity lines that no row has claimed (a stacked cell: line
    number and codes on the lines above the quantities, as in Order-X) anchors that record."""
    anchors: list[Row] = []
    loose: list[Line] = []
    pending: list[Line] = []  # identity lines since the last anchor
    total_line: Line | None = None
    roles = frozenset(c.role for c in cols if c.role) | ({"line_no"} if any(c.lead for c in cols) else set())
    col_hints = {c.role: c.hint for c in cols if c.role and c.hint}
    tiered = any(c.role2 for c in cols)
    second_rows: set[int] = set()
    for k, ln in enumerate(body):
        if id(ln) in second_rows:
            continue
        nxt = body[k + 1] if k + 1 < len(body) else None
        if tiered and nxt is not None and nxt.page == ln.page and nxt.top - ln.bottom < 1.2 * ln.height:
            first, second = _cells(ln, cols), _cells(nxt, cols, second=True)
            merged = {r: list(ws) for r, ws in first.items()}
            for role, ws in second.items():
                merged.setdefault(role, []).extend(ws)
            if any(first.get(r) for r in _IDENT) and _anchor_value(merged) and (
                    first.get("line_no") or not any(c.role == "line_no" for c in cols)):
                row = Row(ln, merged, page=ln.page, roles=roles | {c.role2 for c in cols if c.role2}, hints=col_hints)
                row.extra.append(nxt)  # the record's second row: its cells are merged above
                row.extra_cells.append({})
                row.merged.add(id(nxt))
                anchors.append(row)
                second_rows.add(id(nxt))
                pending, total_line = [], None
                continue
        cells = _cells(ln, cols)
        ident = any(cells.get(r) for r in _IDENT)
        if len(re.findall(r"\w\s:\s", ln.text)) >= 2 or (
                len(re.findall(r"[A-Za-z]{3,}\s?:(?:\s|$)", ln.text)) >= 2 and re.match(r"^[A-Za-z][\w .]{2,20}:", ln.text)):
            continue  # a key : value strip inside the table area ("Pedido: 455340-3  Secao: 099"), not a line item
        if _SPEC_ROW.match(ln.text):
            continue  # "Alt. 20,00 Larg. 184,00 Prof. 120,00": a dimension sub-row, neither a line nor its text
        if _is_tax_row(cells) or _tax_subrow(ln, cells):
            continue  # "VAT@5%", "IN: Integrated GST 18.00 7623.72": a tax row, not an item
        if anchors and _net_row(anchors[-1], ln, cells):
            continue  # "ALLOWANCE - DISC: 10.0% … 1.35 12.15 1,458.00": the record's net price and value
        if anchors and _is_allowance(cells) and ln.page == anchors[-1].page and ln.top - max(
                [anchors[-1].anchor.bottom] + [x.bottom for x in anchors[-1].extra]) < 2.5 * ln.height:
            anchors[-1].allowances.append(cells)  # "Less Comp Cigs … 1,269.12-" under an item: its allowance
            continue
        if _anchor_value(cells) and anchors and "qty" in roles and not cells.get("qty") \
                and not cells.get("line_no") and _zero_amount(cells):
            continue  # "P & F Charges 0.00" under the items: a charge box with nothing charged, no item
        if (_anchor_value(cells) or _qty_unread(cells)) and ident:
            row = Row(ln, cells, page=ln.page, roles=roles, hints=col_hints)
            if anchors and _split_baseline(anchors[-1], row):
                prev = anchors.pop()  # one printed row the OCR set on two baselines a few points apart
                merged = dict(row.cells)
                for role, ws in prev.cells.items():  # "INR" under the rate on the quantity's baseline: the rate above
                    merged[role] = ws + row.cells.get(role, []) if role == "description" else ws
                row = Row(prev.anchor, merged, page=ln.page, roles=roles, hints=col_hints)
                row.extra.append(ln)
                row.extra_cells.append({})
                row.merged.add(id(ln))
            anchors.append(row)
            pending, total_line = [], None
        elif _anchor_value(cells):
            near = [p for p in pending if ln.top - p.bottom < 3.5 * ln.height]
            if near and any(_cells(p, cols).get(r) for p in near for r in ("line_no", "sku", "customer_part", "gtin")):
                row = Row(ln, cells, page=ln.page, roles=roles, hints=col_hints)
                _lead_identity(row, near, cols)
                anchors.append(row)
                pending, total_line = [], None
            elif anchors:
                total_line = ln  # numbers with no identity after the rows: a subtotal/carry-over row
        else:
            loose.append(ln)
            if any(cells.get(r) for r in _IDENT):
                pending.append(ln)
    if not anchors:
        return [], None
    claimed = {id(x) for r in anchors for x in r.extra}
    loose = _pair_line_numbers(anchors, [ln for ln in loose if id(ln) not in claimed], cols)
    for ln in loose:
        if not any(ch.isalnum() for ch in ln.text):
            continue  # a rule typed as "*****" or "-----": no row's text
        mid = (ln.top + ln.bottom) / 2
        below = [r for r in anchors if r.page == ln.page and (r.anchor.top + r.anchor.bottom) / 2 > mid]
        above = [r for r in anchors if r.page == ln.page and (r.anchor.top + r.anchor.bottom) / 2 <= mid]
        # a row whose description cell is empty has it printed around it (vertically centred): nearest
        # row wins; otherwise wrapped lines hang below their row, chained to the row above
        split_below = bool(below) and not below[0].cells.get("description")
        if not above and below and below[0].anchor.top - ln.bottom > 1.2 * ln.height:
            continue  # a note block above the first row, set off by a blank line: not that row's text
        if above:
            best = above[-1]
            last = max([best.anchor.bottom] + [x.bottom for x in best.extra])
            gap_above = ln.top - last
            # a line hanging right under the row above, with a clearly wider gap to the next printed line,
            # is that row's wrapped text even when the next row's description is printed around it
            nxt = next((b for b in body if b.page == ln.page and b.top > ln.bottom - 0.5), None)
            gap_below = nxt.top - ln.bottom if nxt is not None else 1e9
            if gap_above < 1.2 * ln.height and (not split_below or gap_above < 0.6 * gap_below):
                best.extra.append(ln)
                best.extra_cells.append(_cells(ln, cols))
                continue
        best = min(anchors, key=lambda r: abs((r.anchor.top + r.anchor.bottom) / 2 - mid))
        dist = abs((best.anchor.top + best.anchor.bottom) / 2 - mid)
        if dist < 3.2 * ln.height:
            best.extra.append(ln)
            best.extra_cells.append(_cells(ln, cols))
    return anchors, total_line


_CODE_ROLES = ("line_no", "sku", "customer_part", "gtin")


def _qty_unread(cells: dict[str, list[Word]]) -> bool:
    """A numbered item row whose quantity cell holds no readable number (a scan's OCR kept "NOS" of "5 NOS")
    but whose price divides its amount into a whole quantity: the row is an item (``arithmetic.whole_qty``)."""
    if not cells.get("line_no") or not cells.get("qty") or arithmetic.cell_number(cells["qty"]) is not None:
        return False
    return arithmetic.whole_qty(cells.get("unit_price", []), cells.get("amount", [])) is not None


def _net_row(row: Row, ln: Line, cells: dict[str, list[Word]]) -> bool:
    """A sub-row right under an item that prints no line value of its own, carrying the value the item's
    quantity closes with one of the sub-row's prices (qty × net price = amount: the net price after an
    allowance, printed under the gross one): those are the item's price and amount. The sub-row is merged
    into the record; returns False (nothing changed) when the arithmetic does not close."""
    if ln.page != row.page or row.cells.get("amount") or not cells.get("amount") or not row.cells.get("qty"):
        return False
    if ln.top - max([row.anchor.bottom] + [x.bottom for x in row.extra]) > 1.5 * ln.height:
        return False
    q, a = arithmetic.cell_number(row.cells["qty"]), arithmetic.cell_number(cells["amount"])
    if cells.get("qty") and arithmetic.cell_number(cells["qty"]) not in (None, q):
        return False  # a quantity of its own: an item, not the record's second row (which may repeat it)
    if not q or not a:
        return False
    repeated = bool(cells.get("qty")) and arithmetic.cell_number(cells["qty"]) == q
    amount = {id(w) for w in cells["amount"]}
    tol = max(Decimal("0.011"), abs(a) * Decimal("0.001"))
    for w in ln.words:
        p = arithmetic.cell_number([w]) if id(w) not in amount and re.search(r"\d[.,]\d", w.text) else None
        # one piece proves nothing by arithmetic (price = amount): the row must repeat the quantity
        if p and abs(q * p - a) <= tol and (q != 1 or repeated):
            row.cells["unit_price"], row.cells["amount"] = [w], list(cells["amount"])
            row.extra.append(ln)
            row.extra_cells.append({})
            row.merged.add(id(ln))
            return True
    return False


def _zero_amount(cells: dict[str, list[Word]]) -> bool:
    """The row's money is printed and is zero (amount, else price)."""
    money = phrase_text(cells.get("amount") or cells.get("unit_price") or [])
    return bool(money) and parse_decimal(money.split()[0]) == 0


def _split_baseline(prev: Row, row: Row) -> bool:
    """``prev`` is the upper half of ``row``: it touches it (no line gap), has no quantity while ``row`` has
    one, and the two fill different value cells (the rate set a few points above the quantity)."""
    if prev.page != row.page or prev.extra or prev.cells.get("qty") or not row.cells.get("qty"):
        return False
    if row.anchor.top - prev.anchor.bottom > 0.1 * row.anchor.height:
        return False
    shared = {r for r in set(prev.cells) & set(row.cells) - {"description"}
              if any(ch.isdigit() for w in row.cells[r] for ch in w.text)}
    return not shared and any(r in prev.cells for r in ("unit_price", "amount"))


def _lead_identity(row: Row, near: list[Line], cols: list[Column]) -> None:
    """A record whose identity opens it and whose numbers close it (Bestell-Nr / Artikel-Nr / text on the
    first baseline, the wrapped text under it, "16 Stück 37,68 602,88" last): the lines from the first one
    holding a code are this record's, its codes the row's own, not wrapped text of the record above."""
    start = next(k for k, p in enumerate(near) if any(_cells(p, cols).get(r) for r in _CODE_ROLES))
    for p in near[start:]:
        pc = _cells(p, cols)
        for role in _CODE_ROLES:
            if pc.get(role) and not row.cells.get(role):
                row.cells[role] = list(pc[role])
        row.extra.append(p)
        row.extra_cells.append(pc)


def _pair_line_numbers(anchors: list[Row], loose: list[Line], cols: list[Column]) -> list[Line]:
    """Line numbers printed alone, vertically centred in a tall record (TJX "1-1" between the item row and
    its sub-rows), one per record that has none on its row: the k-th such number belongs to the k-th record
    without one. Returns the loose lines left."""
    if not any(c.role == "line_no" for c in cols):
        return loose
    lone = [ln for ln in loose if len(ln.words) == 1 and set(_cells(ln, cols)) == {"line_no"}
            and _LINE_NO.match(ln.words[0].text)]
    bare = [r for r in anchors if not r.cells.get("line_no")]
    if not lone or len(lone) != len(bare):
        return loose
    for ln, row in zip(lone, bare, strict=True):
        if ln.page != row.page or ln.top < row.anchor.top:
            return loose  # a number above its record: not this layout
    for ln, row in zip(lone, bare, strict=True):
        row.cells["line_no"] = list(ln.words)
        row.extra.append(ln)
        row.extra_cells.append({})
        row.merged.add(id(ln))
    taken = {id(ln) for ln in lone}
    return [ln for ln in loose if id(ln) not in taken]
