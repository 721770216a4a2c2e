"""A saved version's lines teach the sender's line-table layout (the ``table_layout`` hint).

Where a CSR's saved lines are printed on the first document tells what the template-free table reader got
wrong at the level it went wrong: each saved line's quantity is looked for on the page in order (with its
price/amount on the same row when the line has them): those rows are the records' anchors. Around each
anchor (between the neighbouring anchors) the line's other saved values are found word by word; their
boxes give each field's x-range and the rows of a record it sits on (``dy``: item text above or below the
numbers). Words printed on a record's rows that are no saved value become ``ignore`` boxes (order-no and
schedule sub-rows, tax columns). A value a line repeats from the line above without printing it again is
``carry``; quantity rows the CSR deleted that add up the lines before them make ``skip: "subtotal"``.
A code field (sku, customer_part) whose saved values are all one token with a digit is learned with
``shape: "code"`` (the reader then takes other text printed there as item text). Quotes around printed
item text are no part of it (matched and read without them).
The hint is only kept when re-extracting the document with it gives more saved values
(``learning.learn_from_version`` checks). Applied by ``extractors/layout/records.py``.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from orderflow.review.learning import PageText, _lines, _norm, _text, _to_decimal

TEXT_FIELDS = ("line_no", "sku", "customer_part", "description", "uom")
CODE_FIELDS = ("sku", "customer_part")
CODE = re.compile(r"[\w./#-]*\d[\w./#-]*")  # one token with a digit: an article or part number
NUMBER_FIELDS = ("unit_price", "amount")
MAX_RUN = 12

Row = list[dict[str, Any]]


def _dec(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value)) if value not in (None, "") else None
    except (InvalidOperation, ValueError):
        return None


def _is(word: dict[str, Any], want: Decimal) -> bool:
    text = str(word["text"]).strip()
    if not re.fullmatch(r"[-(]?[$€£₹]?[\d.,']*\d\)?", text):
        return False
    return any(_to_decimal(text, decimal_comma=c) == want for c in (False, True))


def _numbers_at(row: Row, want: Decimal | None) -> list[dict[str, Any]]:
    return [w for w in row if want is not None and _is(w, want)]


def _anchor_rows(rows: list[tuple[int, Row]], lines: list[dict[str, Any]]) -> list[tuple[int, dict[str, Any]]] | None:
    """(row index, qty word) per saved line, in order; None when a line's quantity is not found."""
    out: list[tuple[int, dict[str, Any]]] = []
    cursor = 0
    for ln in lines:
        qty = _dec(ln.get("qty"))
        if qty is None:
            return None
        others = [v for v in (_dec(ln.get(k)) for k in NUMBER_FIELDS) if v is not None]
        found = None
        for i in range(cursor, len(rows)):
            hits = _numbers_at(rows[i][1], qty)
            if hits and all(_numbers_at(rows[i][1], v) for v in others):
                found = (i, hits[-1] if len(hits) == 1 or not others else hits[0])
                break
        if found is None:
            return None
        out.append(found)
        cursor = found[0] + 1
    return out


_QUOTES = re.compile(r'(^|\s)["“”„«»]+|["“”„«»]+(?=\s|$)')


def _cmp(text: str) -> str:
    """Text as compared with a saved value: normalised, without the quotes around printed item text
    ('"CONSULTORIA IT-FR 27088 …' is the saved 'CONSULTORIA IT-FR 27088 …'; the reader drops them too)."""
    return re.sub(r"\s+", " ", _QUOTES.sub(r"\1", _norm(text))).strip()


def _runs(row: Row, value: str) -> list[Row]:
    """Runs of consecutive words of the row whose text is a whole-word part of the value."""
    want = " " + _cmp(value) + " "
    out = []
    for i in range(len(row)):
        for j in range(min(len(row), i + MAX_RUN), i, -1):
            got = _cmp(_text(row[i:j]))
            if got and " " + got + " " in want:
                out.append(row[i:j])
                break
    return out


def _find_text(window: list[tuple[int, Row]], value: str, anchor: int) -> list[tuple[int, Row]] | None:
    """The rows (and runs) that print the value, top to bottom, nearest the anchor first; None if not found."""
    want = _cmp(value)
    for i, row in sorted(window, key=lambda r: abs(r[0] - anchor)):  # whole on one row
        for run in _runs(row, value):
            if _cmp(_text(run)) == want:
                return [(i, run)]
    # split over rows (item text wrapped above and below the numbers): a prefix chain, top to bottom
    cands = [(i, run) for i, row in window for run in _runs(row, value)]

    def chain(pos: str, start: int) -> list[tuple[int, Row]] | None:
        if not pos:
            return []
        for k in range(start, len(cands)):
            i, run = cands[k]
            t = _cmp(_text(run))
            if pos == t or pos.startswith(t + " "):
                rest = chain(pos[len(t):].strip(), next((m for m in range(k + 1, len(cands)) if cands[m][0] > i),
                                                        len(cands)))
                if rest is not None:
                    return [(i, run)] + rest
        return None

    return chain(want, 0)


def _merge(boxes: list[tuple[float, float]]) -> list[tuple[float, float]]:
    out: list[tuple[float, float]] = []
    for x0, x1 in sorted(boxes):
        if out and x0 <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(out[-1][1], x1))
        else:
            out.append((x0, x1))
    return out


def derive_table_layout(pages: list[PageText], lines: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The ``table_layout`` hint the saved lines explain on these pages; None when they cannot be placed."""
    if not pages or not lines:
        return None
    rows: list[tuple[int, Row]] = []  # (page, words of one printed row), pages in order
    for p in pages:
        rows += [(p.number, ln) for ln in _lines(p.words)]
    anchors = _anchor_rows(rows, lines)
    if not anchors:
        return None
    first = anchors[0][0]
    top = next((i for i in range(first - 1, max(first - 12, -1), -1)
                if rows[i][0] == rows[first][0] and len(rows[i][1]) >= 3
                and sum(1 for w in rows[i][1] if re.search(r"\d", str(w["text"]))) <= 1), None)
    if top is None:
        return None
    header = rows[top][1]
    found: dict[str, list[tuple[float, float, int]]] = {"qty": []}
    used: set[int] = set()
    carry: set[str] = set()
    anchor_rows = [i for i, _ in anchors]
    for n, ((ai, qword), ln) in enumerate(zip(anchors, lines, strict=True)):
        page = rows[ai][0]
        lo = anchor_rows[n - 1] + 1 if n else top + 1
        hi = anchor_rows[n + 1] if n + 1 < len(anchors) else len(rows)
        window = [(i, rows[i][1]) for i in range(lo, hi) if rows[i][0] == page]
        found["qty"].append((float(qword["x0"]), float(qword["x1"]), 0))
        used.add(id(qword))
        for key in TEXT_FIELDS + NUMBER_FIELDS:
            value = ln.get(key)
            if value in (None, ""):
                continue
            if key in NUMBER_FIELDS:
                hits = [w for w in _numbers_at(rows[ai][1], _dec(value)) if id(w) not in used]
                spots = [(ai, hits[:1])] if hits else None
            else:
                spots = _find_text(window, str(value), ai)
            if not spots:
                if n and lines[n - 1].get(key) == value:
                    carry.add(key)
                continue
            for i, run in spots:
                found.setdefault(key, []).append((float(run[0]["x0"]), float(run[-1]["x1"]), i - ai))
                used.update(id(w) for w in run)
    fields = {k: {"x0": round(min(b[0] for b in v), 1), "x1": round(max(b[1] for b in v), 1),
                  "dy": [min(b[2] for b in v), max(b[2] for b in v)]} for k, v in found.items() if v}
    for key in CODE_FIELDS:
        values = [str(ln[key]) for ln in lines if ln.get(key) not in (None, "")]
        if key in fields and values and all(CODE.fullmatch(v.strip()) for v in values):
            fields[key]["shape"] = "code"
    ignore: dict[int, list[tuple[float, float]]] = {}
    skip = False
    for n, (ai, _) in enumerate(anchors):
        nxt = anchor_rows[n + 1] if n + 1 < len(anchors) else min(len(rows), ai + 4)
        for i in range(top + 1 if n == 0 else ai, nxt):
            if rows[i][0] != rows[ai][0]:
                continue
            if i != ai and _subtotal(rows[i][1], lines[: n + 1], fields["qty"]):
                skip = True
                continue
            below, above = i - ai, i - nxt
            dy = below if below >= 0 and (n + 1 >= len(anchors) or below <= -above) else above if below >= 0 else below
            ignore.setdefault(dy, []).extend((float(w["x0"]), float(w["x1"])) for w in rows[i][1]
                                             if id(w) not in used)
    signature = sorted(k for k, v in found.items() if k != "qty" and sum(1 for b in v if b[2] == 0) == len(lines))
    hint: dict[str, Any] = {"kind": "table_layout", "header": _text(header), "anchor": "qty", "fields": fields,
                            "header_words": [[str(w["text"]), round(float(w["x0"]), 1), round(float(w["x1"]), 1)]
                                             for w in header],
                            "ignore": [{"x0": round(a, 1), "x1": round(b, 1), "dy": dy}
                                       for dy, boxes in sorted(ignore.items()) for a, b in _merge(boxes)],
                            "carry": sorted(carry), "signature": signature}
    unplaced = sorted(k for k in TEXT_FIELDS + NUMBER_FIELDS if k not in found and any(ln.get(k) for ln in lines))
    if unplaced:  # saved but not found as printed (a misread scan): the template-free reader keeps them
        hint["unplaced"] = unplaced
    if skip:
        hint["skip"] = "subtotal"
    return hint


def _subtotal(row: Row, before: list[dict[str, Any]], qty: dict[str, Any]) -> bool:
    """A deleted quantity row that adds up the saved lines above it (a group's or the whole table's)."""
    sums = set()
    acc = Decimal(0)
    for ln in reversed(before):
        acc += _dec(ln.get("qty")) or Decimal(0)
        sums.add(acc)
    return any(_is(w, s) for w in row for s in sums
               if float(qty["x0"]) - 4 <= (float(w["x0"]) + float(w["x1"])) / 2 <= float(qty["x1"]) + 4)


# --------------------------------------------------------------------------- party blocks

PARTY_PATHS = {"buyer.name": "buyer", "supplier.name": "supplier", "ship_to.name": "ship_to",
               "ship_to.address.text": "ship_to_address"}


def _label_of(row: Row, run: Row) -> Row | None:
    """The label-like phrase just left of the run on its row ("Ship to:"), if any."""
    left = [w for w in row if float(w["x1"]) <= float(run[0]["x0"]) + 0.5 and w not in run]
    if not left:
        return None
    phrase = [left[-1]]
    for w in reversed(left[:-1]):
        if float(phrase[0]["x0"]) - float(w["x1"]) > 8:
            break
        phrase.insert(0, w)
    text = _text(phrase)
    ok = 0 < len(phrase) <= 4 and re.search(r"[A-Za-zÀ-ÿ]{2}", text) and not re.search(r"\d", text) and len(text) <= 30
    return phrase if ok else None


def derive_party_regions(pages: list[PageText], saved: dict[str, Any]) -> list[dict[str, Any]]:
    """``region`` hints for the saved parties printed as a block on page 1 (a name over its address, the
    buyer in the letterhead): the box around the value's rows, placed from a label on one of those rows
    ("Ship to:") or else from the page's corner. Only useful once verified (``learn_from_version``)."""
    if not pages:
        return []
    page = pages[0]
    rows = [(i, ln) for i, ln in enumerate(_lines(page.words))]
    out = []
    for path, fld in PARTY_PATHS.items():
        cur: Any = saved
        for key in path.split("."):
            cur = cur.get(key) if isinstance(cur, dict) else None
        if not isinstance(cur, str) or not cur.strip():
            continue
        spots = _find_text(rows, cur, 0)
        if not spots or len(spots) > 6:
            continue
        words = [w for _, run in spots for w in run]
        x0, x1 = min(float(w["x0"]) for w in words), max(float(w["x1"]) for w in words)
        top, bottom = min(float(w["top"]) for w in words), max(float(w["bottom"]) for w in words)
        label = next((lb for i, run in spots if (lb := _label_of(rows[i][1], run))), None)
        if label is None:  # a label on the row just above or below the block's first row
            label = next((lb for i, run in spots[:1] for j in (i - 1, i + 1) if 0 <= j < len(rows)
                          for lb in [_label_of(rows[j][1] + run, run)] if lb and lb[0] in rows[j][1]), None)
        hint: dict[str, Any] = {"kind": "region", "field": fld}
        if label:
            lx, ltop = float(label[0]["x0"]), min(float(w["top"]) for w in label)
            hint["anchor_label"] = _text(label).strip().rstrip(":").strip()
        else:
            lx, ltop = 0.0, 0.0
            hint["page"] = 1
        hint |= {"dx": round(x0 - lx - 2, 1), "dy": round(top - ltop - 2, 1), "w": round(x1 - x0 + 4, 1),
                 "h": round(bottom - top + 4, 1)}
        out.append(hint)
    return out
