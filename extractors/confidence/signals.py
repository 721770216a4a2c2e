"""Evidence per extracted field: the numbers the confidence model turns into P(value is right).

Every feature is computed from what extraction already produced — the canonical order, its
provenance (OCR word confidence, hint applied), the document's own arithmetic and a second
reading of the page where there is one — so the model can be re-fitted after the engine changes
without touching the engine. Features are floats in [0, 1]; 0.5 means "no evidence either way".
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from orderflow.canonical import CanonicalOrder
from orderflow.canonical.tax import tax_rate_between
from orderflow.canonical.uom import normalize_uom

# field kind → model group; the kinds share features but not weights
KINDS: dict[str, str] = {
    "po_number": "code", "po_date": "date", "requested_delivery_date": "date", "currency": "code",
    "payment_terms": "text", "declared_total": "number",
    "buyer.name": "party", "supplier.name": "party", "ship_to.name": "party", "bill_to.name": "party",
    "ship_to.address": "text", "bill_to.address": "text",
    "line_no": "line_code", "sku": "line_code", "customer_part": "line_code", "gtin": "line_code",
    "description": "text", "uom": "line_code", "qty": "number", "unit_price": "number", "amount": "number",
    "requested_date": "date", "lines": "lines",
    "absent.buyer": "absent", "absent.ship_to": "absent", "absent.po_number": "absent",
}
# fields a purchase order nearly always carries: their absence gets an entry of its own (path = the field,
# kind ``absent.*``), whose confidence is P(the document really has none)
ABSENT = {"po_number": "absent.po_number", "buyer": "absent.buyer", "ship_to": "absent.ship_to"}
HEADER_SCALARS = ("po_number", "po_date", "requested_delivery_date", "currency", "payment_terms", "declared_total")
PARTIES = ("buyer", "supplier", "ship_to", "bill_to")
LINE_FIELDS = ("line_no", "sku", "customer_part", "gtin", "description", "uom", "qty", "unit_price", "amount",
               "requested_date")
LINE_NUMBERS = ("qty", "unit_price", "amount")

FEATURES = ("ocr", "word_conf", "hint", "has_box", "valid", "raw_has_value", "line_arith", "line_complete",
            "doc_arith", "total_closes", "count_ok", "second_reading", "multi_line", "sheet", "doc_valid",
            "agree", "desc_clean", "label_seen", "seq_ok", "glyph_ok")

_CURRENCY_CODES = (
    "USD EUR GBP INR JPY CNY CHF CAD AUD NZD SEK NOK DKK PLN CZK HUF RON BGN HRK TRY RUB BRL MXN ARS CLP COP "
    "PEN ZAR AED SAR QAR KWD BHD OMR EGP NGN KES SGD HKD TWD KRW THB MYR IDR PHP VND PKR BDT LKR ILS")
_CURRENCIES = frozenset(_CURRENCY_CODES.split())
_LEGAL = re.compile(r"\b(gmbh|ag|ltd|limited|inc|llc|l\.?l\.?c|corp|corporation|co|company|s\.?a|s\.?r\.?l|spa|"
                    r"s\.?p\.?a|b\.?v|n\.?v|pvt|private|plc|kg|oy|ab|as|srl|sas|sarl|pty|ltda|industries|group|"
                    r"enterprises?|trading|manufacturing|services|solutions|sp\.?\s?z\s?o\.?\s?o|"
                    r"llp|w\.?l\.?l|pte|bhd|sdn|tbk|s\.?a\.?s|(?-i:SE|O[UÜ]|PT|S\.?L|K\.?K|L\.?P))\b\.?|株式会社|有限会社",
                    re.IGNORECASE)
_DATEISH = re.compile(r"\b\d{1,4}[-/.]\d{1,2}[-/.]\d{2,4}\b")
_TRUNCATED = re.compile(r"[,&/(:+–-]\s*$")
_SALUTATION = re.compile(r"^(?:mr|mrs|ms|miss|dr|herr|frau|sr|sra|m|mme)\.?\s+[A-Z]", re.IGNORECASE)
_ADDRESS_WORDS = re.compile(r"\b(?:floor|street|road|avenue|suite|unit\s+no|p\.?\s?o\.?\s+box|stra(?:ss|ß)e|"
                            r"str\.|postfach|rue|via|calle|rua)\b|^\d+(?:st|nd|rd|th)?\b", re.IGNORECASE)
_CONNECTORS = frozenset({"&", "and", "und", "et", "y", "e", "-", "+"})
_TERMS = re.compile(r"\d|net|days?|tage|giorni|d[ií]as|jours|immediate|advance|prepa|cod|c\.o\.d|cash|due|"
                    r"receipt|eom|month|zahlbar|pagamento|pago|paiement|vorkasse|skonto|credit|against",
                    re.IGNORECASE)


@dataclass
class FieldEvidence:
    """One field's features and what the model needs to place it."""

    path: str
    kind: str
    features: dict[str, float] = field(default_factory=dict)

    @property
    def group(self) -> str:
        return KINDS.get(self.kind, "text")


def _close(a: Decimal, b: Decimal) -> bool:
    tol = max(Decimal("0.02"), abs(b) * Decimal("0.005"))
    return abs(a - b) <= tol


def line_arithmetic(line: Any) -> float:
    """1 when qty × unit price ≈ amount (price per 1, 100 or 1000 / price basis), 0 when it disagrees,
    0.5 when it cannot be checked (a number is missing)."""
    if line.qty is None or line.unit_price is None or line.amount is None:
        return 0.5
    calc = line.qty * line.unit_price
    bases = [Decimal(1), Decimal(100), Decimal(1000)]
    try:
        if line.price_basis:
            m = re.search(r"\d[\d.]*", str(line.price_basis))
            if m and Decimal(m.group(0)) > 0:
                bases.append(Decimal(m.group(0)))
    except ArithmeticError:
        pass
    return 1.0 if any(_close(calc / n, line.amount) for n in bases) else 0.0


def total_closes(order: CanonicalOrder) -> float:
    """1 when Σ line amounts (± charges, ± line charges) ≈ the declared total, or that sum plus one standard
    tax rate (a gross GST/VAT total), 0 when not, 0.5 unknown."""
    if order.declared_total is None or not order.lines:
        return 0.5
    amounts = [ln.amount if ln.amount is not None else (ln.qty * ln.unit_price if ln.qty is not None
               and ln.unit_price is not None else None) for ln in order.lines]
    known = [a for a in amounts if a is not None]
    if len(known) != len(amounts):
        return 0.5
    base = sum(known, Decimal(0))
    charges = sum(((-c.amount if c.kind == "allowance" else c.amount) for c in order.charges
                   if c.amount is not None), Decimal(0))
    line_ch = sum(((-c.amount if c.kind == "allowance" else c.amount) for ln in order.lines for c in ln.charges
                   if c.amount is not None), Decimal(0))
    candidates = {base, base + charges, base + line_ch, base + charges + line_ch}
    return 1.0 if any(_close(c, order.declared_total) or tax_rate_between(c, order.declared_total)
                      for c in candidates) else 0.0


def sequence_ok(order: CanonicalOrder) -> float:
    """Printed line numbers run without a gap from the first step (1, 2, 3 / 10, 20, 30 / 132001, 132002):
    1; a gap, or a first number past the first step (a lone line 40), means rows were missed: 0;
    0.5 when the lines carry no plain numbers."""
    nums: list[int] = []
    for line in order.lines:
        text = (line.line_no or "").strip()
        if not re.fullmatch(r"\d{1,7}", text):
            return 0.5
        nums.append(int(text))
    if not nums:
        return 0.5
    steps = [b - a for a, b in zip(nums, nums[1:], strict=False)]
    if steps:
        step = min(steps)
        if step <= 0 or any(s != step for s in steps):
            return 0.0
    else:
        step = nums[0] if nums[0] in (1, 10, 100) else 0
        if not step:
            return 0.0
    return 1.0 if nums[0] <= step or nums[0] % (step * 10) in (0, 1, step) and nums[0] > 1000 else 0.0


def count_ok(order: CanonicalOrder) -> float:
    if order.declared_line_count is None:
        return 0.5
    return 1.0 if order.declared_line_count == len(order.lines) else 0.0


def _looks_code(value: str) -> bool:
    v = value.strip()
    return bool(v) and len(v) <= 40 and v.count(" ") <= 2 and bool(re.search(r"[\dA-Z]", v)) \
        and not _DATEISH.fullmatch(v)


def validate_value(kind: str, value: Any, order: CanonicalOrder, line: Any = None) -> float:
    """Does the value look like what the field holds? 1 yes, 0 no, 0.5 cannot tell."""
    if value is None or value == "":
        return 0.0
    text = str(value).strip()
    if kind == "po_number":
        return 1.0 if _looks_code(text) and re.search(r"\d", text) and len(text) >= 3 else 0.0
    if kind in ("po_date", "requested_delivery_date", "requested_date"):
        if not isinstance(value, dt.date):
            return 0.0
        return 1.0 if dt.date(2000, 1, 1) <= value <= dt.date.today() + dt.timedelta(days=800) else 0.0
    if kind == "currency":
        return 1.0 if text.upper() in _CURRENCIES else 0.0
    if kind == "payment_terms":
        return 1.0 if _TERMS.search(text) and len(text) <= 120 else 0.0
    if kind.endswith(".name"):
        if _DATEISH.search(text) or not re.search(r"[A-Za-z]{2}", text) or len(text) > 80:
            return 0.0
        if order.po_number and order.po_number in text:
            return 0.0
        words = text.split()
        lower = sum(1 for w in words if w[:1].islower())
        if text.endswith(".") and not _LEGAL.search(text) or lower > max(1, len(words) // 2):
            return 0.0
        if _TRUNCATED.search(text) or _SALUTATION.match(text):  # cut off mid-name; a person, not an organisation
            return 0.0
        if all(_LEGAL.fullmatch(w) or w.lower() in _CONNECTORS for w in words):  # "PRIVATE LIMITED": no name left
            return 0.0
        if _ADDRESS_WORDS.search(text) and not _LEGAL.search(text):  # "6TH FLOOR, UNIT NO.": an address line
            return 0.0
        return 1.0 if _LEGAL.search(text) else 0.5
    if kind.endswith(".address"):
        if "!" in text or sum(1 for w in text.split() if w[:1].islower() and len(w) > 3) >= 4:
            return 0.0  # a notice or a sentence ran into the address block
        return 1.0 if re.search(r"\d", text) and re.search(r"[A-Za-z]{3}", text) and len(text) <= 250 else 0.0
    if kind == "line_no":
        return 1.0 if re.fullmatch(r"\d{1,6}(\.\d{1,3})?", text) else 0.0
    if kind in ("sku", "customer_part"):
        if line is not None and line.line_no and text == str(line.line_no).strip():
            return 0.0
        if re.fullmatch(r"\d{1,2}", text) or len(text) <= 3:  # "10", "3M", "ATK", '40"': a fragment, no code
            return 0.0
        return 1.0 if _looks_code(text) and re.search(r"\d", text) else 0.5 if _looks_code(text) else 0.0
    if kind == "gtin":
        return 1.0 if re.fullmatch(r"\d{8}|\d{12,14}", text) else 0.0
    if kind == "uom":
        return 1.0 if normalize_uom(text) else 0.0
    if kind == "description":
        return 1.0 if re.search(r"[A-Za-z]{3}", text) and 3 <= len(text) <= 300 else 0.0
    if kind in ("qty", "unit_price", "amount", "declared_total"):
        try:
            d = Decimal(str(value))
        except ArithmeticError:
            return 0.0
        if kind == "qty":
            return 1.0 if 0 < d < 10_000_000 else 0.0
        return 1.0 if d >= 0 else 0.5
    return 0.5


_DESC_DATE = re.compile(r"\b\d{1,2}([./-])\d{1,2}\1(?:19|20)?\d{2}\b|\b\d{1,2}/\d{1,2}-\d{1,2}/\d{1,2}\b")
_DECIMAL = re.compile(r"(?<![\w.,'’/])\d+(?:[.,'’]\d{3})*[.,]\d{2,3}(?![\w.,'’/])")


_PACK_TAIL = re.compile(r"\b\d+\s?[xX×]\s?\d+(?:[.,]\d+)?\s*$")  # "… 22x16": a case-pack / size cell


def pack_column(order: CanonicalOrder) -> bool:
    """Most descriptions (3 or more) end with a pack-size token: a Pack/Size column read into them."""
    descs = [ln.description for ln in order.lines if ln.description]
    hits = sum(1 for d in descs if _PACK_TAIL.search(d))
    return hits >= 3 and hits >= 0.6 * len(descs)


def absorption(text: str, pack: bool = False) -> str | None:
    """Why a description looks like it swallowed something else (None: it does not)."""
    if _DESC_DATE.search(text):
        return "date"
    if len(_DECIMAL.findall(text)) >= 3:
        return "numbers"
    if pack and _PACK_TAIL.search(text):
        return "pack column"
    return None


def description_clean(text: str, pack: bool = False) -> float:
    """1 when the description reads as one cell's text, 0 when it absorbed a date, a run of numbers
    (another column's cells: a delivery date, qty/price/amount) or, on most lines of the document, a
    pack-size cell. A shared word tail across lines (a brand) was measured too and is no evidence: real
    descriptions share tails as often."""
    return 0.0 if absorption(text, pack) else 1.0


# OCR glyph pairs a scan confuses: a digit in one code where another code of the column has the letter
_CONFUSABLE = {"8": "B", "0": "OD", "1": "IL", "5": "S", "2": "Z", "6": "G"}


def glyph_doubt(value: str, column: list[str]) -> bool:
    """An OCR-read code with a digit where a code of the same column and length has its look-alike letter
    (``34108`` beside ``3439B``): the scan's B/8, O/0, I/1, S/5 can have been read either way."""
    v = value.upper()
    for other in column:
        o = other.upper()
        if o == v or len(o) != len(v):
            continue
        if any(a in _CONFUSABLE and b in _CONFUSABLE[a] or b in _CONFUSABLE and a in _CONFUSABLE[b]
               for a, b in zip(v, o, strict=True)):
            return True
    return False


def _norm(s: str) -> str:
    return re.sub(r"[\s,.'’]", "", s).lower()


def raw_has_value(value: Any, raw: str | None) -> float:
    """The words the value came from contain it (a code copied whole), or not (pieced together)."""
    if raw is None or value is None:
        return 0.5
    v, r = _norm(str(value)), _norm(raw)
    if not v:
        return 0.5
    if isinstance(value, Decimal):
        v = _norm(format(value.normalize(), "f")).rstrip("0") or "0"
        return 1.0 if v.split("-")[-1][:6] in r else 0.0
    if isinstance(value, dt.date):
        return 0.5
    return 1.0 if v in r else 0.0


def party_agreement(order: CanonicalOrder, party: str) -> float:
    """Two readings of one organisation: this party's name starts another party's name (buyer "ACME
    Manufacturing", ship-to "ACME Manufacturing Plant 1") or is it — 1; else no evidence (0.5)."""
    mine = getattr(order, party)
    name = _norm(mine.name) if mine is not None and mine.name else ""
    if len(name) < 4:
        return 0.5
    for other in PARTIES:
        p = getattr(order, other)
        if other != party and p is not None and p.name and (_norm(p.name).startswith(name)
                                                            or name.startswith(_norm(p.name))):
            return 1.0
    return 0.5


def field_values(order: CanonicalOrder) -> dict[str, tuple[str, Any, Any]]:
    """path → (kind, value, line or None) for every canonical field the confidence covers that has a value."""
    out: dict[str, tuple[str, Any, Any]] = {}
    for name in HEADER_SCALARS:
        v = getattr(order, name)
        if v not in (None, ""):
            out[name] = (name, v, None)
    for party in PARTIES:
        p = getattr(order, party)
        if p is None:
            continue
        if p.name:
            out[f"{party}.name"] = (f"{party}.name", p.name, None)
        text = p.address.text if p.address is not None else None
        if text:
            out[f"{party}.address"] = (f"{party}.address", text, None)
    for i, line in enumerate(order.lines):
        values = line.__dict__  # plain attribute reads: 50,000-line EDI files pass through here
        prefix = f"lines[{i}]."
        for name in LINE_FIELDS:
            v = values.get(name)
            if v is not None and v != "" if v.__class__ is str else v is not None:
                out[prefix + name] = (name, v, line)
    return out


def kind_of(path: str) -> str:
    """``lines[3].qty`` → ``qty``; ``ship_to.name`` stays; ``lines`` → ``lines``."""
    m = re.match(r"^lines\[\d+\]\.(\w+)$", path)
    return m.group(1) if m else path


def group_of(path: str) -> str:
    k = kind_of(path)
    if k in KINDS:
        return KINDS[k]
    return "party" if k.endswith(".name") else "text"


def evidence(order: CanonicalOrder, *, sheet: bool = False, second: dict[str, float] | None = None,
             seen: dict[str, bool] | None = None) -> list[FieldEvidence]:
    """Features for every field with a value, plus the ``lines`` pseudo-field (is the line set complete?)
    and an ``absent.*`` entry for a buyer or ship-to the engine did not find (``seen``: labels printed in
    the text layer, None when there is none)."""
    second = second or {}
    arith = [line_arithmetic(ln) for ln in order.lines]
    checked = [a for a in arith if a != 0.5]
    doc_arith = (sum(checked) / len(checked)) if checked else 0.5
    closes = total_closes(order)
    pack = pack_column(order)
    columns = {k: [str(getattr(ln, k)) for ln in order.lines if getattr(ln, k)] for k in ("sku", "customer_part")}
    cnt = count_ok(order)
    out: list[FieldEvidence] = []
    for path, (kind, value, line) in field_values(order).items():
        prov = order.provenance.get(path)
        f: dict[str, float] = dict.fromkeys(FEATURES, 0.5)
        f["sheet"] = 1.0 if sheet else 0.0
        if prov is not None:
            f["ocr"] = 1.0 if (prov.extractor or "") == "pdf_ocr" else 0.0
            f["word_conf"] = max(0.0, min(1.0, float(prov.confidence)))
            f["hint"] = 1.0 if prov.hint else 0.0
            f["has_box"] = 1.0 if (prov.bbox or prov.cell) else 0.0
            f["raw_has_value"] = raw_has_value(value, prov.raw)
            f["multi_line"] = 1.0 if prov.raw and "\n" in prov.raw else 0.0
        else:
            f["ocr"], f["hint"], f["has_box"], f["word_conf"] = 0.0, 0.0, 0.0, 0.5
        f["valid"] = validate_value(kind, value, order, line)
        if line is not None and (at := re.match(r"^lines\[(\d+)\]", path)) is not None:
            idx = int(at.group(1))
            f["line_arith"] = arith[idx]
            present = [getattr(line, k) is not None for k in ("qty", "unit_price", "amount", "description")]
            f["line_complete"] = sum(present) / len(present)
        else:
            f["line_arith"] = doc_arith if kind == "declared_total" else 0.5
            f["line_complete"] = 0.5
        f["doc_arith"] = doc_arith
        f["total_closes"] = closes
        f["count_ok"] = cnt
        if path in second:
            f["second_reading"] = second[path]
        if kind.endswith(".name"):
            f["agree"] = party_agreement(order, kind.split(".")[0])
        if kind == "description":
            f["desc_clean"] = description_clean(str(value), pack)
        if kind in columns and f["ocr"] == 1.0:
            f["glyph_ok"] = 0.0 if glyph_doubt(str(value), columns[kind]) else 1.0
        out.append(FieldEvidence(path, kind, f))
    known = [ev.features["valid"] for ev in out if ev.features["valid"] != 0.5]
    doc_valid = sum(known) / len(known) if known else 0.5
    for ev in out:  # how much of the whole document reads as what it should be
        ev.features["doc_valid"] = doc_valid
    f = dict.fromkeys(FEATURES, 0.5)
    f.update(doc_valid=doc_valid, doc_arith=doc_arith, total_closes=closes, count_ok=cnt, sheet=1.0 if sheet else 0.0,
             line_complete=(sum(1 for ln in order.lines if ln.qty is not None and ln.description) / len(order.lines))
             if order.lines else 0.0,
             valid=1.0 if order.lines else 0.0, seq_ok=sequence_ok(order),
             ocr=1.0 if any((p.extractor or "") == "pdf_ocr" for p in order.provenance.values()) else 0.0)
    out.append(FieldEvidence("lines", "lines", f))
    for party, kind in ABSENT.items():
        p = getattr(order, party)
        if party == "po_number" and p or party != "po_number" and p is not None and (
                p.name or (p.address is not None and p.address.text)):
            continue
        if party == "ship_to" and sheet:  # a sheet's cells are read by their labels: no ship-to cell, no ship-to
            continue
        f = dict.fromkeys(FEATURES, 0.5)
        f.update(doc_valid=doc_valid, doc_arith=doc_arith, total_closes=closes, sheet=1.0 if sheet else 0.0,
                 valid=0.0)
        if party in ("buyer", "po_number"):  # every order has them: their absence is a miss, whatever the labels say
            f["label_seen"] = 1.0
        elif seen is not None and party in seen:
            f["label_seen"] = 1.0 if seen[party] else 0.0
        out.append(FieldEvidence(party if party == "po_number" else f"{party}.name", kind, f))
    return out
