"""A sender's learned line-table layout (``table_layout`` hint): column boundaries, record shape, rows to skip.

A CSR's saved version of a sender's first document teaches what the template-free table reader could not
see (``review/learn_table.py`` derives it from where the saved values are printed): which x-range holds
each line field, on which printed rows of a record it may sit (``dy`` from the record's anchor row, the
row that prints its quantity: item text above or below the numbers), which words are printed but belong to
no field (``ignore`` boxes per row offset: order-no / schedule sub-rows, tax columns), which fields a
record without its own text takes from the record above (``carry``: one item printed once over several
delivery rows), and which quantity rows are subtotals to drop (``skip: "subtotal"``).

Spec (the hint's keys): ``header`` (the column header row's text; the table starts below it on each
page), ``anchor`` ("qty"), ``fields`` ({field: {"x0", "x1", "dy": [min, max]}}), ``ignore``
([{"x0", "x1", "dy"}]), ``carry`` ([field]), ``skip`` ("subtotal" or absent), ``signature`` (fields one of
which a quantity row must also print to be a record). A field may carry ``"shape": "code"`` (every saved
value was one token with a digit): words in its range that are no code are item text (the description). Positions are PDF points; the hint is
layout-fingerprinted, so it only meets documents of the same template.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from orderflow.extractors.layout.lines import Line, Word

CODE = re.compile(r"[\w./#-]*\d[\w./#-]*")  # one token with a digit (review/learn_table.py's)
TOLERANCE = 4.0  # points a word's centre may lie outside a learned range (right-aligned numbers grow left)
HEADER_MATCH = 0.6

Record = dict[str, list[Word]]


def _tokens(text: str) -> set[str]:
    return {t for t in re.split(r"[^\w%]+", text.lower()) if t}


def _header_index(lines: list[Line], header: str) -> int | None:
    want = _tokens(header)
    if not want:
        return None
    for i, ln in enumerate(lines):
        got = _tokens(ln.text)
        if got and len(want & got) / len(want | got) >= HEADER_MATCH:
            return i
    return None


def _placed(spec: dict[str, Any], header: Line) -> dict[str, Any] | None:
    """The spec with its x-ranges moved onto this page's header (a scan of the same form is shifted and
    scaled: the header words printed in both fit x' = a·x + b); None when the header words do not fit."""
    learned = [(str(t).lower(), (float(a) + float(b)) / 2) for t, a, b in spec.get("header_words") or []]
    if not learned:
        return spec
    pairs, used = [], set()
    for w in header.words:
        hit = next((k for k, (t, _) in enumerate(learned) if k not in used and t == w.text.lower()), None)
        if hit is not None:
            used.add(hit)
            pairs.append((learned[hit][1], w.xc))
    if len(pairs) < 2:
        return None
    n = len(pairs)
    mx, my = sum(p[0] for p in pairs) / n, sum(p[1] for p in pairs) / n
    var = sum((p[0] - mx) ** 2 for p in pairs)
    a = sum((p[0] - mx) * (p[1] - my) for p in pairs) / var if var else 1.0
    b = my - a * mx
    if not 0.8 <= a <= 1.25 or max(abs(a * x + b - y) for x, y in pairs) > 3 * TOLERANCE:
        return None
    if abs(a - 1) < 0.01 and abs(b) < 1:
        return spec

    def move(r: dict[str, Any]) -> dict[str, Any]:
        return {**r, "x0": a * float(r["x0"]) + b, "x1": a * float(r["x1"]) + b}

    return {**spec, "fields": {k: move(r) for k, r in spec["fields"].items()},
            "ignore": [move(r) for r in spec.get("ignore") or []]}


def _in_range(w: Word, r: dict[str, Any]) -> float | None:
    """Distance of the word's centre from the range (0 inside), None when beyond the tolerance."""
    x0, x1 = float(r["x0"]), float(r["x1"])
    d = max(x0 - w.xc, w.xc - x1, 0.0)
    return d if d <= TOLERANCE else None


def _number(words: list[Word], parse: Callable[[str], Decimal | None]) -> Decimal | None:
    for w in words:
        v = parse(w.text)
        if v is not None:
            return v
    return None


def _field_words(line: Line, spec: dict[str, Any], name: str) -> list[Word]:
    r = spec["fields"].get(name)
    return [w for w in line.words if r and _in_range(w, r) is not None] if r else []


def _anchors(body: list[Line], spec: dict[str, Any], parse: Callable[[str], Decimal | None]) -> list[int]:
    anchor = spec.get("anchor", "qty")
    signature = [f for f in spec.get("signature") or [] if f != anchor]
    out = []
    for i, ln in enumerate(body):
        if _number(_field_words(ln, spec, anchor), parse) is None:
            continue
        if signature and not any(_field_words(ln, spec, f) for f in signature):
            continue
        out.append(i)
    return out


def _skip_subtotals(body: list[Line], anchors: list[int], spec: dict[str, Any],
                    parse: Callable[[str], Decimal | None]) -> list[int]:
    """Quantity rows that add up the records before them (since the last such row, or all) are subtotals."""
    anchor = spec.get("anchor", "qty")
    kept: list[int] = []
    since: list[tuple[Decimal, int]] = []
    total: list[Decimal] = []
    for i in anchors:
        q = _number(_field_words(body[i], spec, anchor), parse)
        if q is not None and total:
            s = sum((v for v, _ in since), Decimal(0))
            fewer = bool(since) and len(body[i].words) < min(n for _, n in since)
            if (since and q == s and (len(since) >= 2 or fewer)) or (len(total) >= 2 and q == sum(total, Decimal(0))):
                since = []
                continue
        kept.append(i)
        if q is not None:
            since.append((q, len(body[i].words)))
            total.append(q)
    return kept


def _assign(word: Word, offsets: list[tuple[int, int]], spec: dict[str, Any]) -> tuple[int, str] | None:
    """(record, field) for a word of a row at the given (record, row offset) pairs; field "" for a word in
    an ignored box; None when it is in no learned box at all."""
    best: tuple[tuple[float, float, int], int, str | None] | None = None
    for rec, dy in offsets:
        cands: list[tuple[dict[str, Any], str | None]] = [
            (r, name) for name, r in spec["fields"].items() if int(r["dy"][0]) <= dy <= int(r["dy"][1])]
        cands += [(r, None) for r in spec.get("ignore") or [] if int(r.get("dy", 0)) == dy]
        for r, name in cands:
            d = _in_range(word, r)
            if d is None:
                continue
            key = (d, float(r["x1"]) - float(r["x0"]), abs(dy))
            if best is None or key < best[0]:
                best = (key, rec, name)
    if best is None:
        return None
    return best[1], best[2] or ""  # "": an ignored word of that record


def _is_code(words: list[Word]) -> bool:
    return len(words) == 1 and CODE.fullmatch(words[0].text) is not None


def _text_in_code_column(rec: dict[str, list[tuple[int, Word]]], spec: dict[str, Any],
                         loose: dict[int, list[Word]]) -> None:
    """A field learned as a code (``shape: "code"``: every saved value one token with a digit) that prints
    words on a row is item text there, not a code: an ERP prints an item without an article number with its
    short text in the number's column ("Consultoría - FR 21924 -" under "Código"). Those words, and the
    loose words running on from them on that row, become the record's description on that row."""
    for name, r in spec["fields"].items():
        if not isinstance(r, dict) or r.get("shape") != "code" or not rec.get(name):
            continue
        rows: dict[int, list[Word]] = {}
        for i, w in rec[name]:
            rows.setdefault(i, []).append(w)
        for i, words in rows.items():
            if _is_code(words):
                continue
            run = sorted(words, key=lambda w: w.x0)
            for w in sorted(loose.get(i, []), key=lambda w: w.x0):
                if w.x0 >= run[-1].x1 and w.x0 - run[-1].x1 <= 2 * w.height:
                    run.append(w)
            rec[name] = [(j, w) for j, w in rec[name] if j != i]
            rec.setdefault("description", []).extend((i, w) for w in run)
            loose[i] = [w for w in loose.get(i, []) if w not in run]
        if not rec[name]:
            del rec[name]


def read_records(page_lines: list[list[Line]], spec: dict[str, Any],
                 parse: Callable[[str], Decimal | None], covered: set[int] | None = None) -> list[Record]:
    """The line records of every page with the learned header, per the spec; [] when none is found.
    ``covered`` gets the ids of the printed lines the table spans (header to the last record's learned
    rows): item sub-rows ("PROVEEDOR: ISITA") are no header fields."""
    out: list[Record] = []
    reach = max([int(r["dy"][1]) for r in spec.get("fields", {}).values() if isinstance(r, dict)]
                + [int(r.get("dy", 0)) for r in spec.get("ignore") or []] + [0])
    if not isinstance(spec.get("fields"), dict) or spec.get("anchor", "qty") not in spec["fields"]:
        return out
    for lines in page_lines:
        start = _header_index(lines, str(spec.get("header") or ""))
        placed = _placed(spec, lines[start]) if start is not None else None
        if start is None or placed is None:
            continue
        body = lines[start + 1:]
        anchors = _anchors(body, placed, parse)
        if spec.get("skip") == "subtotal":
            skipped = set(anchors)
            anchors = _skip_subtotals(body, anchors, placed, parse)
            skipped -= set(anchors)
        else:
            skipped = set()
        if not anchors:
            continue
        if covered is not None:
            end = start + 1 + anchors[-1] + reach + 1
            starts = [float(r["x0"]) for r in placed.get("ignore") or [] if int(r.get("dy", 0)) >= 1] + \
                [float(r["x0"]) for r in placed["fields"].values() if int(r["dy"][1]) >= 1]
            while starts and end < len(lines) and abs(lines[end].x0 - min(starts)) <= 3:
                end += 1  # the last record's sub-rows go on from the left edge its learned sub-rows start at
            covered.update(id(ln) for ln in lines[start:end])
        records: list[dict[str, list[tuple[int, Word]]]] = [{} for _ in anchors]
        loose: dict[int, list[Word]] = {}  # row → its words in no learned box
        for i, ln in enumerate(body):
            if i in skipped:
                continue
            prev = max((k for k, a in enumerate(anchors) if a <= i), default=None)
            nxt = min((k for k, a in enumerate(anchors) if a > i), default=None)
            offsets = [(k, i - anchors[k]) for k in (prev, nxt) if k is not None]
            for w in ln.words:
                hit = _assign(w, offsets, placed)
                if hit is None:
                    loose.setdefault(i, []).append(w)
                elif hit[1]:
                    records[hit[0]].setdefault(hit[1], []).append((i, w))
        for rec in records:
            _text_in_code_column(rec, placed, loose)
        out += [{k: [w for _, w in sorted(v, key=lambda iw: (iw[0], iw[1].x0))] for k, v in rec.items()}
                for rec in records]
    carry = [f for f in spec.get("carry") or [] if isinstance(f, str)]
    for prev_rec, this_rec in zip(out, out[1:], strict=False):
        for f in carry:
            if not this_rec.get(f) and prev_rec.get(f):
                this_rec[f] = list(prev_rec[f])
    return out
