"""Corrections that teach the extractor: a CSR's fix becomes a sender-scoped extraction hint.

When a field of a PDF order is corrected, the document's words are read again and the right value
is looked for on the page (or taken where the CSR clicked). What printed it decides the hint, in the
format hand-written partner hints use (``extractors/layout/hints.py``):

* a date whose day and month were swapped → ``date_order``; a number off by the decimal-comma
  factor → ``number_format``;
* a line cell → ``column_map`` (the column header above it names the field);
* a header value → ``label_alias`` (the phrase left of it, or above it, is its label), else a
  ``region`` relative to the nearest label.

Layout fingerprint: the label-like words of page 1 (no digits, above the first numeric row) as
``word`` and ``word@column,row`` tokens on a coarse 8×16 grid. A learned hint applies to a new
document of its sender when the Jaccard similarity of the two fingerprints is at least
``LAYOUT_MIN_SIMILARITY`` (0.5). Retire rule: a learned hint whose value is corrected again counts a
``corrected``; it is retired when ``corrected >= 2`` or ``2 * corrected > uses`` (it made more than
half of the documents it was applied to worse). A newer hint for the same sender, kind and field on a
similar layout supersedes (retires) the older one.

Review may not import extractors, so the words come from pdfplumber here, and for scanned pages from the
OCR words the extractor kept in ``Document.meta["ocr_words"]`` (``document_words``); ``Learner`` lets the
caller (flows) inject an OCR-aware word reader (used for documents stored without OCR words) and a
``verify`` that re-extracts with a candidate hint, so only a hint that really yields the corrected value
is kept.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from orderflow.canonical import CanonicalOrder
from orderflow.store import repository as repo
from orderflow.store.models import ExtractionHint, Order

log = logging.getLogger(__name__)

LAYOUT_MIN_SIMILARITY = 0.5
GRID = (8, 16)
RETIRE_AFTER_CORRECTIONS = 2
FREE_MAIL = {"gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "yahoo.com", "icloud.com", "aol.com",
             "gmx.de", "gmx.net", "web.de", "proton.me", "protonmail.com", "live.com", "msn.com"}

# canonical path → hint field name (layout/hints.py vocabulary)
HEADER_FIELDS = {"po_number": "po_number", "po_date": "po_date", "requested_delivery_date": "delivery_date",
                 "payment_terms": "payment_terms", "currency": "currency", "declared_total": "total",
                 "buyer.name": "buyer", "supplier.name": "supplier", "ship_to.name": "ship_to",
                 "bill_to.name": "bill_to"}
LINE_FIELDS = {"sku", "customer_part", "gtin", "description", "qty", "uom", "unit_price", "amount", "line_no"}
REGION_FIELDS = {"po_number", "po_date", "delivery_date", "payment_terms", "currency", "total", "buyer", "supplier"}
DATE_PATHS = {"po_date", "requested_delivery_date"}
NUMBER_KEYS = {"declared_total", "qty", "unit_price", "amount"}
FIELD_WORDS = {"po_number": "the PO number", "po_date": "the PO date", "delivery_date": "the delivery date",
               "payment_terms": "the payment terms", "currency": "the currency", "total": "the order total",
               "buyer": "the buyer", "supplier": "the supplier", "ship_to": "the ship-to address",
               "bill_to": "the bill-to address", "sku": "our SKU", "customer_part": "the customer's part number",
               "gtin": "the GTIN", "description": "the description", "qty": "the quantity", "uom": "the unit",
               "unit_price": "the unit price", "amount": "the line amount", "line_no": "the line number",
               "ignore": "nothing (ignored)"}

_LINE_PATH = re.compile(r"^lines\[(\d+)\]\.([a-z_]+)$")
_HAS_DIGIT = re.compile(r"\d")
_DATE = re.compile(r"(\d{1,4})[-/.](\d{1,2})[-/.](\d{2,4})")


# ----------------------------------------------------------------------------- words and layout


@dataclass
class PageText:
    """One page's words in pdfplumber's format (PDF points, y down)."""

    number: int
    width: float
    height: float
    words: list[dict[str, Any]]


WordsReader = Callable[[bytes], list[PageText]]
Reapply = Callable[[Session, Order], CanonicalOrder | None]
Verify = Callable[[bytes, list[dict[str, Any]], str | None], dict[str, Any] | None]


def pdf_words(data: bytes, max_pages: int = 5) -> list[PageText]:
    """The text layer's words (same tolerances as the PDF extractor); [] when it is not a readable PDF."""
    import pdfplumber  # noqa: PLC0415 - only when a correction is learned

    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            return [PageText(i + 1, float(p.width), float(p.height),
                             p.extract_words(x_tolerance=1.5, y_tolerance=2, keep_blank_chars=False))
                    for i, p in enumerate(pdf.pages[:max_pages])]
    except Exception as exc:  # a broken file teaches nothing, but the fix itself must go through
        log.info("no words for learning: %s", exc)
        return []


def stored_ocr_words(meta: dict[str, Any] | None) -> dict[int, list[dict[str, Any]]]:
    """The OCR words the extractor kept for a scanned document (``Document.meta["ocr_words"]``, written by
    the pipeline from ``Extraction.metadata``) as pdfplumber-style words per page number; {} when there
    are none or they are malformed (an old or hand-edited row must not break the order screen)."""
    raw = (meta or {}).get("ocr_words") if isinstance(meta, dict) else None
    out: dict[int, list[dict[str, Any]]] = {}
    if not isinstance(raw, dict):
        return out
    for key, rows in raw.items():
        try:
            number = int(key)
            words = [{"text": str(r[0]), "x0": float(r[1]), "top": float(r[2]), "x1": float(r[3]),
                      "bottom": float(r[4]), "conf": float(r[5]) if len(r) > 5 else -1.0} for r in rows]
        except (TypeError, ValueError, IndexError):
            log.info("stored OCR words of page %r are malformed; ignored", key)
            continue
        out[number] = [w for w in words if w["text"]]
    return out


def document_words(data: bytes, meta: dict[str, Any] | None, max_pages: int = 5) -> list[PageText]:
    """A stored document's words without OCR-ing again: the text layer, and for the pages the extractor
    OCR'd (missing or garbage text layer), the OCR words it kept in ``meta`` — boxes on the page as
    scanned, sized by the page's own width/height."""
    pages = pdf_words(data, max_pages=max_pages)
    stored = stored_ocr_words(meta)
    if not stored:
        return pages
    return [PageText(p.number, p.width, p.height, stored[p.number]) if p.number in stored else p for p in pages]


def _lines(words: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Words grouped into printed lines (tops within 3 pt), each sorted left to right."""
    out: list[list[dict[str, Any]]] = []
    for w in sorted(words, key=lambda w: (round(float(w["top"])), float(w["x0"]))):
        if out and abs(float(out[-1][0]["top"]) - float(w["top"])) < 3:
            out[-1].append(w)
        else:
            out.append([w])
    return [sorted(ln, key=lambda w: float(w["x0"])) for ln in out]


def _phrases(line: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Runs of words separated by less than ~1.2 character widths."""
    out: list[list[dict[str, Any]]] = []
    for w in line:
        size = float(w["bottom"]) - float(w["top"])
        if out and float(w["x0"]) - float(out[-1][-1]["x1"]) < max(size * 1.2, 6):
            out[-1].append(w)
        else:
            out.append([w])
    return out


def _text(words: list[dict[str, Any]]) -> str:
    return " ".join(str(w["text"]) for w in words)


def fingerprint(pages: list[PageText]) -> list[str]:
    """Layout tokens of page 1 (see the module docstring); sorted, for storing."""
    if not pages:
        return []
    p = pages[0]
    tokens: set[str] = set()
    for line in _lines(p.words):
        if sum(1 for w in line if _HAS_DIGIT.search(str(w["text"]))) >= 2:
            break  # the first numeric row: line items (which vary per document) start here
        for w in line:
            word = re.sub(r"[^\w.#-]+", "", str(w["text"]).lower()).strip(".")
            if len(word) < 2 or _HAS_DIGIT.search(word) or "@" in str(w["text"]):
                continue
            col = int(float(w["x0"]) / max(p.width, 1) * GRID[0])
            row = int(float(w["top"]) / max(p.height, 1) * GRID[1])
            tokens |= {word, f"{word}@{col},{row}"}
    return sorted(tokens)


def similarity(a: list[str] | set[str], b: list[str] | set[str]) -> float:
    """Jaccard similarity of two fingerprints (0 when either is empty)."""
    sa, sb = set(a), set(b)
    return len(sa & sb) / len(sa | sb) if sa and sb else 0.0


def fingerprint_key(tokens: list[str]) -> str:
    return hashlib.sha1("\n".join(tokens).encode()).hexdigest()[:16]


def sender_scope(sender: str | None) -> str | None:
    """``@domain`` for a company address, the full address at a free-mail provider, an EDI id as is."""
    if not sender or not sender.strip():
        return None
    s = sender.strip().lower()
    m = re.search(r"<([^>]+)>", s)
    if m:
        s = m.group(1).strip()
    if "@" not in s:
        return s
    domain = s.rsplit("@", 1)[1]
    return s if domain in FREE_MAIL else "@" + domain


# ----------------------------------------------------------------------------- values


def _norm(text: Any) -> str:
    return re.sub(r"\s+", " ", str(text or "")).strip().strip(":#").lower()


def _to_decimal(text: str, *, decimal_comma: bool) -> Decimal | None:
    t = re.sub(r"[^\d,.\-]", "", text or "")
    if not t:
        return None
    t = t.replace(".", "").replace(",", ".") if decimal_comma else t.replace(",", "")
    try:
        return Decimal(t)
    except InvalidOperation:
        return None


# month names as printed on European and American POs (their first letters, in EN/DE/FR/ES/IT/PT)
_MONTHS = {
    1: ("jan", "ene", "gen"), 2: ("feb", "fev", "fév"), 3: ("mar", "mär", "mrz"), 4: ("apr", "abr", "avr"),
    5: ("may", "mai", "mag"), 6: ("jun", "juin", "giu"), 7: ("jul", "juil", "lug"),
    8: ("aug", "ago", "aoû", "aou"), 9: ("sep", "set"), 10: ("oct", "okt", "ott", "out"), 11: ("nov",),
    12: ("dec", "dez", "dic", "déc"),
}
_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})[\s.\-/]*([A-Za-zÀ-ÿ]{3,10})\.?[\s.\-/,]*(\d{4}|\d{2})")
_MONTH_DAY_YEAR = re.compile(r"([A-Za-zÀ-ÿ]{3,10})\.?[\s.\-/]*(\d{1,2}),?[\s.\-/]*(\d{4})")


def _month(name: str) -> int | None:
    low = name.lower()
    for number, prefixes in _MONTHS.items():
        if low.startswith(prefixes):
            return number
    return None


def _named_date(text: str) -> dt.date | None:
    """A date printed with its month's name ("12 Nov 2025", "Nov 12, 2025", "12-déc-25")."""
    t = (text or "").strip(" :")
    for rx, order in ((_DAY_MONTH_YEAR, "dmy"), (_MONTH_DAY_YEAR, "mdy")):
        m = rx.fullmatch(t)
        if not m:
            continue
        d, name, y = (m.group(1), m.group(2), m.group(3)) if order == "dmy" else (m.group(2), m.group(1), m.group(3))
        month = _month(name)
        if month is None:
            continue
        year = int(y) + 2000 if len(y) == 2 else int(y)
        try:
            return dt.date(year, month, int(d))
        except ValueError:
            return None
    return None


def _to_date(text: str) -> list[dt.date]:
    """Every reading of a printed date (ISO, day-first, month-first, month by name)."""
    named = _named_date(text)
    if named is not None:
        return [named]
    m = _DATE.search(text or "")
    if not m:
        return []
    a, b, c = (int(x) for x in m.groups())
    out = []
    if a > 31:
        cands = [(a, b, c)]
    else:
        year = c + 2000 if c < 100 else c
        cands = [(year, b, a), (year, a, b)]
    for y, mo, d in cands:
        try:
            out.append(dt.date(y, mo, d))
        except ValueError:
            pass
    return out


def _matches(path: str, printed: str, value: str) -> bool:
    """Does the printed text show the corrected value (in any of its usual spellings)?"""
    key = path.rsplit(".", 1)[-1]
    if path in DATE_PATHS or key == "requested_date":
        try:
            want = dt.date.fromisoformat(value)
        except ValueError:
            return False
        return want in _to_date(printed) and (bool(_DATE.fullmatch(printed.strip(" :")))
                                              or _named_date(printed) is not None)
    if key in NUMBER_KEYS:
        try:
            amount = Decimal(value)
        except InvalidOperation:
            return False
        return any(_to_decimal(printed, decimal_comma=c) == amount for c in (False, True)) and \
            bool(re.fullmatch(r"[-(]?[$€£]?[\d.,' ]+\)?", printed.strip()))
    return _norm(printed) == _norm(value)


def _find_value(page: PageText, path: str, value: str) -> list[list[dict[str, Any]]]:
    """Runs of 1-12 consecutive words on a line that print the value, top to bottom."""
    out = []
    for line in _lines(page.words):
        for i in range(len(line)):
            for j in range(i + 1, min(i + 13, len(line) + 1)):
                if _matches(path, _text(line[i:j]), value):
                    out.append(line[i:j])
                    break
    return out


def _at_click(page: PageText, click: dict[str, Any]) -> list[dict[str, Any]]:
    """The word(s) the CSR clicked: every word whose box overlaps the clicked box (or contains the point)."""
    x0 = float(click.get("x0", click.get("x", 0)))
    top = float(click.get("top", click.get("y", 0)))
    x1 = float(click.get("x1", x0))
    bottom = float(click.get("bottom", top))
    hit = [w for w in page.words if float(w["x0"]) - 1 <= x1 and x0 <= float(w["x1"]) + 1
           and float(w["top"]) - 1 <= bottom and top <= float(w["bottom"]) + 1]
    return sorted(hit, key=lambda w: float(w["x0"]))


# ----------------------------------------------------------------------------- deriving


@dataclass
class Correction:
    """One fix with its evidence."""

    path: str
    old: Any
    new: Any
    sender: str | None = None
    raw: str | None = None  # printed text the wrong value came from (provenance)
    page: int | None = None
    bbox: tuple[float, float, float, float] | None = None  # where the wrong value came from
    first_row_top: float | None = None  # top of line 1 (line-cell fixes: the table's first row)
    click: dict[str, Any] | None = None  # {"page", "x0", "top", "x1", "bottom"} in PDF points
    produced_by: str | None = None  # hint id named in the wrong value's provenance


def _date_swap(c: Correction) -> dict[str, Any] | None:
    try:
        old, new = dt.date.fromisoformat(str(c.old)), dt.date.fromisoformat(str(c.new))
    except (TypeError, ValueError):
        return None
    if old == new or (old.year, old.month, old.day) != (new.year, new.day, new.month):
        return None
    m = _DATE.search(c.raw or "")
    first = int(m.group(1)) if m else None
    day_first = first == new.day if first is not None and first <= 31 else old.day == new.month
    return {"kind": "date_order", "day_first": bool(day_first)}


def _decimal_shift(c: Correction) -> dict[str, Any] | None:
    try:
        old, new = Decimal(str(c.old)), Decimal(str(c.new))
    except (InvalidOperation, TypeError, ValueError):
        return None
    if not old or not new or old == new:
        return None
    for c_ in (True, False):
        if c.raw and _to_decimal(c.raw, decimal_comma=c_) == new:
            return {"kind": "number_format", "decimal_comma": c_}
    ratio = abs(new / old)
    if ratio in (Decimal("0.01"), Decimal("0.001")):
        return {"kind": "number_format", "decimal_comma": True}
    if ratio in (Decimal(100), Decimal(1000)):
        return {"kind": "number_format", "decimal_comma": False}
    return None


def _label_left(line: list[dict[str, Any]], value: list[dict[str, Any]]) -> list[dict[str, Any]] | None:
    """The phrase just left of the value on its line, when it reads like a label (letters, ≤ 5 words)."""
    left = [w for w in line if float(w["x1"]) <= float(value[0]["x0"]) + 0.5 and w not in value]
    if not left:
        return None
    phrase = _phrases(left)[-1]
    if any(str(w["text"]).endswith(":") for w in phrase[:-1]):
        return None  # "Entregar en: CADI MONTERREY": another label with its value, not this value's label
    return phrase if _labelish(phrase) else None


def _labelish(phrase: list[dict[str, Any]]) -> bool:
    text = _text(phrase)
    return (0 < len(phrase) <= 5 and bool(re.search(r"[A-Za-zÀ-ÿ]{2}", text))
            and sum(c.isdigit() for c in text) <= 2 and len(text) <= 40)


def _label_above(lines: list[list[dict[str, Any]]], value: list[dict[str, Any]]) -> list[dict[str, Any]] | None:
    top, x0, x1 = float(value[0]["top"]), float(value[0]["x0"]), float(value[-1]["x1"])
    above = [ln for ln in lines if float(ln[0]["bottom"]) <= top + 0.5 and top - float(ln[0]["top"]) < 40]
    for ln in reversed(above):
        for ph in _phrases(ln):
            if float(ph[0]["x0"]) - 5 <= x1 and float(ph[-1]["x1"]) + 5 >= x0:
                return ph if _labelish(ph) else None
    return None


def _header_above(lines: list[list[dict[str, Any]]], cell: list[dict[str, Any]],
                  first_row_top: float | None) -> list[dict[str, Any]] | None:
    """The column header over a line cell: on the nearest line above the table's first row, the phrase
    overlapping the cell horizontally."""
    top = first_row_top if first_row_top is not None else float(cell[0]["top"])
    x0, x1 = float(cell[0]["x0"]), float(cell[-1]["x1"])
    for ln in reversed([ln for ln in lines if float(ln[0]["bottom"]) <= top + 0.5]):
        if sum(1 for w in ln if _HAS_DIGIT.search(str(w["text"]))) > 1:
            continue  # an earlier line row
        hits = [ph for ph in _phrases(ln) if float(ph[0]["x0"]) - 3 <= x1 and float(ph[-1]["x1"]) + 3 >= x0]
        if hits:
            best = min(hits, key=lambda ph: abs(float(ph[0]["x0"]) - x0))
            return best if _labelish(best) else None
    return None


def derive_hints(pages: list[PageText], c: Correction) -> list[dict[str, Any]]:
    """Candidate hints (best first) that explain the correction; [] when the page cannot tell."""
    m = _LINE_PATH.match(c.path)
    hint_field = HEADER_FIELDS.get(c.path)
    if not m and hint_field is None:
        return []
    if c.new in (None, ""):
        return []
    out: list[dict[str, Any]] = []
    if c.path in DATE_PATHS and (h := _date_swap(c)):
        out.append(h)
    if (m and m.group(2) in NUMBER_KEYS or c.path == "declared_total") and (h := _decimal_shift(c)):
        out.append(h)
    if out:
        return out
    if m and m.group(2) not in LINE_FIELDS:
        return []
    # where is the right value printed?
    spots: list[tuple[PageText, list[dict[str, Any]]]] = []
    if c.click:
        page = next((p for p in pages if p.number == int(c.click.get("page") or 1)), None)
        words = _at_click(page, c.click) if page else []
        if page is not None and words:
            spots.append((page, words))
    for p in pages:
        for ws in _find_value(p, c.path, str(c.new)):
            if not m or c.first_row_top is None or float(ws[0]["top"]) >= c.first_row_top - 2:
                spots.append((p, ws))
    if m and c.bbox is not None:  # a line cell: prefer the match on the corrected line's row
        row_top = c.bbox[1]
        spots.sort(key=lambda sp: abs(float(sp[1][0]["top"]) - row_top) if sp[0].number == (c.page or 1) else 1e6)
    for page, words in spots:
        lines = _lines(page.words)
        line = next((ln for ln in lines if words[0] in ln), words)
        if m:
            head = _header_above(lines, words, c.first_row_top)
            if head:
                out.append({"kind": "column_map", "header": _text(head).strip(" :"), "field": m.group(2)})
        else:
            # the phrase left of the value, then the one above it: the first may be another field's value
            # printed beside it ("Entregar en: CADI MONTERREY   dentro de los 90 días"), verifying picks
            labels = [lb for lb in (_label_left(line, words), _label_above(lines, words)) if lb]
            for label in labels[:1] + [lb for lb in labels[1:] if lb != labels[0]]:
                text = _text(label).strip().rstrip(":").strip()
                out.append({"kind": "label_alias", "field": hint_field, "label": text})
                if hint_field in REGION_FIELDS:
                    lx, ltop = float(label[0]["x0"]), min(float(w["top"]) for w in label)
                    vx0, vtop = float(words[0]["x0"]), min(float(w["top"]) for w in words)
                    vx1, vbot = float(words[-1]["x1"]), max(float(w["bottom"]) for w in words)
                    out.append({"kind": "region", "field": hint_field, "anchor_label": text,
                                "dx": round(vx0 - lx - 2, 1), "dy": round(vtop - ltop - 2, 1),
                                "w": round(vx1 - vx0 + 4, 1), "h": round(vbot - vtop + 4, 1)})
        if out:
            break
    unique: list[dict[str, Any]] = []
    for h in out:
        if h not in unique:
            unique.append(h)
    return unique


def describe(hint: dict[str, Any], scope: str | None = None) -> str:
    """The hint in plain words, e.g. "For mail from @acme.com, 'Cust. Ord. Ref' is the PO number"."""
    who = f"For mail from {scope}" if scope and "@" in scope else f"For {scope}" if scope else "For every sender"
    kind = hint.get("kind")
    if kind == "label_alias":
        return f"{who}, '{hint['label']}' is {FIELD_WORDS.get(hint['field'], hint['field'])}."
    if kind == "column_map":
        return f"{who}, the column '{hint['header']}' holds {FIELD_WORDS.get(hint['field'], hint['field'])}."
    if kind == "date_order":
        return f"{who}, dates are written {'day first (31/12/2026)' if hint['day_first'] else 'month first (12/31/2026)'}."
    if kind == "number_format":
        return f"{who}, numbers use {'a decimal comma (1.234,56)' if hint['decimal_comma'] else 'a decimal point (1,234.56)'}."
    if kind == "table_layout":
        cols = ", ".join(f"{FIELD_WORDS.get(k, k)}" for k in hint.get("fields") or {})
        codes = [FIELD_WORDS.get(k, k) for k, r in (hint.get("fields") or {}).items()
                 if isinstance(r, dict) and r.get("shape") == "code"]
        extra = [w for w, on in (("item text carried down to the rows under it", hint.get("carry")),
                                 ("subtotal rows skipped", hint.get("skip") == "subtotal"),
                                 (f"only codes as {' and '.join(codes)} (other text there is the description)",
                                  codes)) if on]
        return (f"{who}, the line table under '{str(hint.get('header'))[:40]}' is read by its learned columns "
                f"({cols}) and record shape{'; ' + ', '.join(extra) if extra else ''}.")
    if kind == "region":
        where = f"next to '{hint['anchor_label']}'" if hint.get("anchor_label") else "on page 1 (no label)"
        what = {"ship_to": "the ship-to name", "ship_to_address": "the ship-to address"}.get(
            hint["field"], FIELD_WORDS.get(hint["field"], hint["field"]))
        return f"{who}, {what} is printed at a fixed spot {where}."
    return f"{who}: {kind} hint."


# ----------------------------------------------------------------------------- the store


@dataclass
class Learner:
    """How to read a stored document's words and (optionally) check a candidate hint by re-extracting.

    Both are memoised per document (sha256) and hint bundle: a whole-order save fixes dozens of fields
    of one document, and re-extracting with the same candidate gives the same order whichever field
    asked. The memo is small and bounded (a long-lived review app keeps one Learner)."""

    read_words: WordsReader = pdf_words
    verify: Verify | None = None
    min_similarity: float = LAYOUT_MIN_SIMILARITY
    reapply: Reapply | None = None  # re-extract a waiting order with its sender's hints as they are now
    memo: dict[tuple[str, str], Any] = field(default_factory=dict, repr=False)

    def _memo(self, key: tuple[str, str], compute: Callable[[], Any]) -> Any:
        if key not in self.memo:
            if len(self.memo) >= 64:
                self.memo.clear()
            self.memo[key] = compute()
        return self.memo[key]

    def words(self, data: bytes) -> list[PageText]:
        return self._memo((hashlib.sha256(data).hexdigest(), "words"), lambda: self.read_words(data))

    def check(self, data: bytes, hints: list[dict[str, Any]], sender: str | None) -> dict[str, Any] | None:
        verify = self.verify
        assert verify is not None
        key = (hashlib.sha256(data).hexdigest(), repr((sorted(repr(sorted(h.items())) for h in hints), sender)))
        return self._memo(key, lambda: verify(data, hints, sender))


@dataclass
class Learned:
    """What one correction taught: the hint rows added, reused or retired."""

    added: list[int] = field(default_factory=list)
    reused: list[int] = field(default_factory=list)
    retired: list[int] = field(default_factory=list)
    descriptions: list[str] = field(default_factory=list)
    candidates: list[dict[str, Any]] = field(default_factory=list)  # what the page suggested, verified or not


def hint_id(row_id: int) -> str:
    return f"learned-{row_id}"


def _row_of(s: Session, hid: str | None) -> ExtractionHint | None:
    m = re.fullmatch(r"learned-(\d+)", hid or "")
    return s.get(ExtractionHint, int(m.group(1))) if m else None


def _key(h: dict[str, Any]) -> tuple:
    return (h.get("kind"), h.get("field"), _norm(h.get("header")) if h.get("kind") == "column_map" else None)


def _set_payload(row: ExtractionHint, **changes: Any) -> None:
    row.payload = {**(row.payload or {}), **changes}  # a new dict, so the JSON column sees the change


def note_correction_of(s: Session, hid: str | None, *, user: str, order_id: int, path: str) -> int | None:
    """A value a learned hint produced was corrected: count it and retire the hint per the retire rule."""
    row = _row_of(s, hid)
    if row is None or row.retired:
        return None
    corrected = int((row.payload or {}).get("corrected", 0)) + 1
    _set_payload(row, corrected=corrected)
    if corrected >= RETIRE_AFTER_CORRECTIONS or 2 * corrected > row.uses:
        row.retired = True
        _set_payload(row, retired_reason=f"its value for {path} was corrected on order {order_id} "
                                         f"({corrected} correction(s) in {row.uses} use(s))")
        repo.add_audit(s, entity="extraction_hint", entity_id=row.id, action="retired", actor=user,
                       reason=row.payload["retired_reason"])
        return row.id
    return None


def learn_from_fix(s: Session, order: Order, before: CanonicalOrder, path: str, old: Any, new: Any, *,
                   user: str, evidence: dict[str, Any] | None = None, learner: Learner | None = None) -> Learned:
    """Keep the correction's evidence and derive/store sender-scoped hints; never raises (learning is a
    by-product of fixing, not a reason for the fix to fail)."""
    out = Learned()
    try:
        with s.begin_nested():
            _learn(s, order, before, path, old, new, user=user, evidence=evidence or {},
                   learner=learner or Learner(), out=out)
    except Exception:
        log.exception("learning from the fix of %s on order %s failed", path, order.id)
        return Learned()
    return out


def _learn(s: Session, order: Order, before: CanonicalOrder, path: str, old: Any, new: Any, *, user: str,
           evidence: dict[str, Any], learner: Learner, out: Learned) -> None:
    doc = order.document
    prov = before.provenance.get(path)
    line0 = next((p for k, p in before.provenance.items() if k.startswith("lines[0].") and p.bbox), None)
    c = Correction(path=path, old=old, new=new, sender=doc.sender if doc else None,
                   raw=prov.raw if prov else None, page=prov.page if prov else None,
                   bbox=prov.bbox if prov else None,
                   first_row_top=line0.bbox[1] if line0 and line0.bbox else None,
                   click=evidence.get("click") if isinstance(evidence.get("click"), dict) else None,
                   produced_by=prov.hint if prov else None)
    retired = note_correction_of(s, c.produced_by, user=user, order_id=order.id, path=path)
    if retired:
        out.retired.append(retired)
    scope = sender_scope(c.sender)
    is_pdf = bool(doc and doc.data and doc.data.lstrip()[:1024].count(b"%PDF-"))
    pages = _document_pages(learner, doc) if is_pdf else []
    tokens = fingerprint(pages)
    candidates = derive_hints(pages, c) if pages or path in DATE_PATHS else []
    record = {"field": path, "wrong": old, "right": new, "sender": c.sender, "scope": scope,
              "document_id": doc.id if doc else None, "layout": fingerprint_key(tokens) if tokens else None,
              "raw": c.raw, "click": c.click, "produced_by": c.produced_by,
              "candidates": candidates}
    repo.add_audit(s, entity="order", entity_id=order.id, action="correction_evidence", actor=user, after=record)
    out.candidates = list(candidates)
    if not scope or not candidates:
        return
    bundles = [[cand] for cand in candidates]
    order_hint = _printed_date_order(pages, c) if path in DATE_PATHS else None
    if order_hint and all(cand["kind"] != "date_order" for cand in candidates):
        bundles += [[cand, order_hint] for cand in candidates]
    chosen = bundles[0]
    if learner.verify is not None:
        verified: list[dict[str, Any]] | None = None
        for bundle in bundles:
            trial = [{**h, "id": f"candidate-{i}", "scope": {"sender": scope}} for i, h in enumerate(bundle)]
            got = learner.check(doc.data, trial, c.sender)
            if got is not None and _value_at(got, path) is not None and _same(path, _value_at(got, path), new):
                verified = bundle
                break
        if verified is None:
            return
        chosen = verified
    existing = [r for r in repo.extraction_hints(s, sender_scope=scope)
                if similarity((r.payload or {}).get("layout") or [], tokens) >= learner.min_similarity or not tokens]
    for hint in chosen:
        _store(s, hint, existing, scope=scope, tokens=tokens, record=record, order=order, path=path, user=user,
               out=out)


def learn_from_version(s: Session, order: Order, paths: list[str], candidates: list[dict[str, Any]], *,
                       user: str, learner: Learner | None) -> Learned:
    """A whole saved version teaches together what single fixes cannot: a line table whose columns were
    mis-assigned is only right once every column role is known, so each ``column_map`` alone fails its
    check. The candidates the save's fixes found on the page (one per hint key, the most frequent) are
    re-extracted together with the sender's active hints; kept when the saved version's values (every field
    it holds, not only the changed ``paths``: a hint that fixes one field and breaks another is no gain) come
    out more often right than without them, then each is dropped again unless it helps. A save that changed
    one field still teaches the line table's layout: the first document may be read right where the next
    one will not be. Never raises."""
    out = Learned()
    if learner is None or learner.verify is None or order.document is None:
        return out
    try:
        with s.begin_nested():
            _learn_version(s, order, paths, candidates, user=user, learner=learner, out=out)
    except Exception:
        log.exception("learning from the saved version of order %s failed", order.id)
        return Learned()
    return out


def _learn_version(s: Session, order: Order, paths: list[str], candidates: list[dict[str, Any]], *, user: str,
                   learner: Learner, out: Learned) -> None:
    doc = order.document
    scope = sender_scope(doc.sender)
    if not scope:
        return
    tokens = fingerprint(_document_pages(learner, doc))
    existing = [r for r in repo.extraction_hints(s, sender_scope=scope)
                if similarity((r.payload or {}).get("layout") or [], tokens) >= learner.min_similarity or not tokens]
    active = [dict((r.payload or {}).get("hint") or {}) for r in existing if not r.retired]
    known = [{k: v for k, v in h.items() if k not in ("id", "scope")} for h in active]
    counts: dict[tuple, dict[str, Any]] = {}
    tally: dict[str, int] = {}
    for cand in candidates:
        if cand in known:
            continue
        text = repr(sorted(cand.items()))
        tally[text] = tally.get(text, 0) + 1
        leader = counts.get(_key(cand))
        if leader is None or tally[text] > tally[repr(sorted(leader.items()))]:
            counts[_key(cand)] = cand
    fields_of: dict[str, set[str]] = {}
    for cand in counts.values():
        if cand.get("kind") == "column_map":
            fields_of.setdefault(_norm(cand.get("header")), set()).add(cand["field"])  # every column_map names one
    # one header claimed for two fields ("UNIT PRICE AMOUNT": two columns under one run of words) names neither
    bundle = [c for c in counts.values() if c.get("kind") != "column_map" or len(fields_of[_norm(c.get("header"))]) == 1]
    layout = _table_layout(learner, doc, order.canonical or {})
    bundle += [h for h in layout if h not in known and _key(h) not in {_key(b) for b in bundle}]
    if not bundle:
        return
    saved = order.canonical or {}
    paths = sorted(set(paths) | set(saved_paths(saved)))

    def score(hints: list[dict[str, Any]]) -> int:
        trial = active + [{**h, "id": f"candidate-{i}", "scope": {"sender": scope}} for i, h in enumerate(hints)]
        got = learner.check(doc.data, trial, doc.sender)
        if got is None:
            return -1
        extra = abs(len(got.get("lines") or []) - len(saved.get("lines") or []))  # lines cut wrong or missed
        return sum(1 for p in paths if _same(p, _value_at(got, p), _value_at(saved, p))
                   or (_value_at(got, p) in (None, "") and _value_at(saved, p) in (None, ""))) - extra

    base, best = score([]), score(bundle)
    log.debug("order %s: version candidates %s score %s vs %s without", order.id, bundle, best, base)
    if best <= base:
        return
    for hint in list(bundle):
        if len(bundle) > 1:
            without = [h for h in bundle if h is not hint]
            points = score(without)
            if points >= best:
                bundle, best = without, points
    record = {"field": "version", "wrong": None, "right": None, "sender": doc.sender, "document_id": doc.id,
              "raw": None, "click": None}
    for hint in bundle:
        _store(s, hint, existing, scope=scope, tokens=tokens, record=record, order=order, path="the saved version",
               user=user, out=out)


VERSION_HEADER_PATHS = ("po_number", "po_date", "requested_delivery_date", "currency", "payment_terms",
                        "declared_total", "buyer.name", "supplier.name", "ship_to.name", "ship_to.address.text")
VERSION_LINE_KEYS = ("line_no", "sku", "customer_part", "description", "qty", "uom", "unit_price", "amount")


def saved_paths(saved: dict[str, Any]) -> list[str]:
    """The paths a saved version answers: its header fields and each line's fields (empty ones too: a
    value the CSR left empty is as much the answer as a filled one)."""
    got = saved.get("lines")
    lines = got if isinstance(got, list) else []
    return list(VERSION_HEADER_PATHS) + [f"lines[{i}].{k}" for i in range(len(lines)) for k in VERSION_LINE_KEYS]


def _table_layout(learner: Learner, doc: Any, saved: dict[str, Any]) -> list[dict[str, Any]]:
    """What the saved version's placement on the page teaches beyond single fixes (``review/learn_table.py``):
    the line table's layout and the party blocks' regions; [] when nothing can be placed."""
    from orderflow.review.learn_table import derive_party_regions, derive_table_layout  # noqa: PLC0415

    pages = _document_pages(learner, doc)
    layout = derive_table_layout(pages, saved.get("lines") or [])
    return ([layout] if layout else []) + derive_party_regions(pages, saved)


def _document_pages(learner: Learner, doc: Any) -> list[PageText]:
    """A scan's words as the extractor read them (stored OCR words: no second OCR run in a web request),
    else what the learner's reader gives (text layer, or OCR for documents stored before words were kept)."""
    if stored_ocr_words(doc.meta):
        return document_words(doc.data, doc.meta)
    return learner.words(doc.data)


def _printed_date_order(pages: list[PageText], c: Correction) -> dict[str, Any] | None:
    """A date_order hint when the corrected date is printed ambiguously (03/04/2026) on the page."""
    try:
        new = dt.date.fromisoformat(str(c.new))
    except ValueError:
        return None
    for p in pages:
        for ws in _find_value(p, c.path, str(c.new)):
            m = _DATE.search(_text(ws))
            if m and int(m.group(1)) <= 12 and int(m.group(2)) <= 12 and int(m.group(1)) != int(m.group(2)):
                return {"kind": "date_order", "day_first": int(m.group(1)) == new.day}
    return None


def _store(s: Session, chosen: dict[str, Any], existing: list[ExtractionHint], *, scope: str, tokens: list[str],
           record: dict[str, Any], order: Order, path: str, user: str, out: Learned) -> None:
    for r in existing:
        h = (r.payload or {}).get("hint") or {}
        if not r.retired and {k: v for k, v in h.items() if k not in ("id", "scope")} == chosen:
            out.reused.append(r.id)
            return
    for r in existing:
        h = (r.payload or {}).get("hint") or {}
        if not r.retired and _key(h) == _key(chosen):
            r.retired = True
            _set_payload(r, retired_reason=f"superseded by a correction of {path} on order {order.id}")
            out.retired.append(r.id)
    text = describe(chosen, scope)
    row = repo.add_extraction_hint(s, kind=chosen["kind"], payload={}, sender_scope=scope,
                                   fingerprint=fingerprint_key(tokens) if tokens else None, created_by=user)
    hint = {"id": hint_id(row.id), "scope": {"sender": scope}, **chosen}
    row.payload = {"hint": hint, "description": text, "layout": tokens, "corrected": 0,
                   "evidence": {k: record[k] for k in ("field", "wrong", "right", "sender", "document_id", "raw",
                                                        "click")} | {"order_id": order.id}}
    repo.add_audit(s, entity="extraction_hint", entity_id=row.id, action="learned", actor=user, after=hint,
                   reason=f"fix of {path} on order {order.id}")
    out.added.append(row.id)
    out.descriptions.append(text)


def _value_at(data: dict[str, Any], path: str) -> Any:
    cur: Any = data
    for tok in re.findall(r"[A-Za-z_]+|\d+", path):
        if isinstance(cur, list):
            i = int(tok)
            cur = cur[i] if i < len(cur) else None
        elif isinstance(cur, dict):
            cur = cur.get(tok)
        if cur is None:
            return None
    return cur


def _same(path: str, got: Any, want: Any) -> bool:
    key = path.rsplit(".", 1)[-1]
    if key in NUMBER_KEYS:
        try:
            return Decimal(str(got)) == Decimal(str(want))
        except (InvalidOperation, ValueError):
            return False
    return _norm(got) == _norm(want)


# ----------------------------------------------------------------------------- listing, undo


def hint_view(row: ExtractionHint) -> dict[str, Any]:
    p = row.payload or {}
    return {"id": row.id, "hint_id": hint_id(row.id), "kind": row.kind, "scope": row.sender_scope,
            "description": p.get("description") or describe(p.get("hint") or {"kind": row.kind}, row.sender_scope),
            "created_by": row.created_by, "created_at": row.created_at, "uses": row.uses,
            "corrected": int(p.get("corrected", 0)), "retired": row.retired, "retired_reason": p.get("retired_reason"),
            "hint": p.get("hint") or {}, "evidence": p.get("evidence") or {}, "layout_tokens": len(p.get("layout") or [])}


def list_hints(s: Session, *, include_retired: bool = True, scope: str | None = None) -> list[dict[str, Any]]:
    """Learned hints, newest first, as plain dicts for the CLI and the review app."""
    rows = repo.extraction_hints(s, sender_scope=scope, include_retired=include_retired)
    return [hint_view(r) for r in sorted(rows, key=lambda r: r.id, reverse=True)]


def get_hint(s: Session, row_id: int) -> dict[str, Any] | None:
    row = s.get(ExtractionHint, row_id)
    return hint_view(row) if row else None


def delete_hint(s: Session, row_id: int, *, user: str) -> bool:
    """Undo: the hint is removed (the audit trail keeps what it was); False when there is no such hint."""
    row = s.get(ExtractionHint, row_id)
    if row is None:
        return False
    repo.add_audit(s, entity="extraction_hint", entity_id=row.id, action="deleted", actor=user,
                   before=(row.payload or {}).get("hint"))
    s.delete(row)
    s.flush()
    return True


def active_hint_rows(s: Session) -> list[ExtractionHint]:
    return list(s.scalars(select(ExtractionHint).where(ExtractionHint.retired.is_(False))
                          .order_by(ExtractionHint.id)).all())
