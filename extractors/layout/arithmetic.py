"""Column roles checked by arithmetic: qty × unit price ≈ amount on the value rows.

Header words are priors, not proof. A column headed "Subtotal" the lexicon cannot read, a tax-inclusive
"Total" right of the pre-tax amount, or an HSN code column read as the quantity all show up in the
numbers: the (qty, price, amount) triple whose product closes on the most rows is the right one
(on the real corpus, lines whose arithmetic closes are right 45 times in 46).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from itertools import permutations
from typing import Protocol

from orderflow.extractors.values import parse_decimal

_TOKEN = re.compile(r"\d[\d.,'’]*\d|\d")
_TAXISH = re.compile(r"%|\b(?:tax(?!able)|vat|gst|igst|cgst|sgst|mwst|ust|iva|tva|ppn|disc|discount|rabatt|sconto|remise)",
                    re.IGNORECASE)  # a rate column (amount × 5 % = tax) closes a product that is no line; India's
# "Taxable Value" is the pre-tax line value
_MONEY_ROLES = ("qty", "unit_price", "amount")
_FREE_ROLES = (None, "qty", "unit_price", "amount")


class _Col(Protocol):
    role: str | None
    left: float
    right: float


class _W(Protocol):
    @property
    def text(self) -> str: ...
    @property
    def xc(self) -> float: ...


def cell_number(words: Sequence[_W]) -> Decimal | None:
    """The first number printed in a cell ("48 CS", "$12.15", "2.150 KD", "16Stück"); None when the cell
    holds no number or holds a date/code (letters glued in front of the digits)."""
    text = " ".join(w.text for w in words).strip()
    if not text or re.search(r"\d[-/.:]\d{1,2}[-/.:]\d", text) and text.count("/") + text.count("-") >= 2:
        return None
    m = _TOKEN.search(text)
    if not m or re.match(r"[A-Za-z]", text[: m.start()][-1:] or " ") and len(text[: m.start()].strip()) > 3:
        return None
    try:
        return parse_decimal(m.group(0))
    except (InvalidOperation, ValueError):
        return None


def _closes(q: Decimal, p: Decimal, a: Decimal, basis: Decimal | None) -> bool:
    if not a or not q or not p or 1 in (q, p) or a in (q, p):
        return False  # quantity 1 (price = amount) proves nothing: any two equal columns would close
    tol = max(Decimal("0.011"), abs(a) * Decimal("0.005"))
    calc = q * p
    return any(abs(calc / n - a) <= tol for n in {Decimal(1), Decimal(100), Decimal(1000), basis or Decimal(1)} if n)


def resolve(cols: Sequence[_Col], value_rows: Sequence[Sequence[_W]]) -> bool:
    """Re-assign qty / unit_price / amount when another triple of numeric columns closes qty × price =
    amount on more rows than the header words' choice. Returns True when roles changed."""
    # a column the header words gave a money role stays a candidate ("Rate / Item Discount": a price whose
    # label ran on over the discount column beside it)
    cand = [c for c in cols if c.role in _FREE_ROLES
            and (c.role in _MONEY_ROLES or not _TAXISH.search(getattr(c, "header", "") or ""))]
    if len(cand) < 3 or not value_rows:
        return False
    basis_col = next((c for c in cols if c.role == "price_basis"), None)
    table: list[dict[int, Decimal]] = []
    bases: list[Decimal | None] = []
    for words in value_rows:
        row: dict[int, Decimal] = {}
        for i, c in enumerate(cand):
            v = cell_number([w for w in words if c.left <= w.xc < c.right])
            if v is not None:
                row[i] = v
        table.append(row)
        bases.append(cell_number([w for w in words if basis_col.left <= w.xc < basis_col.right])
                     if basis_col else None)

    def score(q: int, p: int, a: int) -> int:
        return sum(1 for row, b in zip(table, bases, strict=True)
                   if q in row and p in row and a in row and _closes(row[q], row[p], row[a], b))

    def contradicted(q: int, p: int, a: int) -> int:
        """Rows the triple fails on: a quantity over one whose product misses the amount, or a quantity of
        one whose price is not the amount (those prove nothing when they agree)."""
        bad = 0
        for row, b in zip(table, bases, strict=True):
            if q in row and p in row and a in row and row[q] and row[p] and row[a]:
                if row[q] == 1:
                    bad += abs(row[p] - row[a]) > max(Decimal("0.011"), abs(row[a]) * Decimal("0.005")) \
                        and not b
                else:
                    bad += not _closes(row[q], row[p], row[a], b) and row[a] not in (row[q], row[p])
        return bad

    idx = {c.role: i for i, c in enumerate(cand) if c.role in _MONEY_ROLES}
    current = score(idx["qty"], idx["unit_price"], idx["amount"]) if len(idx) == 3 else 0
    best, best_triple = current, None
    for q, p, a in permutations(range(len(cand)), 3):
        if len(idx) < 3 and any(idx.get(r, i) != i for r, i in zip(_MONEY_ROLES, (q, p, a), strict=True)):
            continue  # an incomplete triple is only completed: the roles the header words gave stay
        s = score(q, p, a)
        # ties between new triples: the right-most amount (forms print the line value last)
        if s > best or (best_triple and s == best and a > best_triple[2]):
            best, best_triple = s, (q, p, a)
    need = max(1, (len(value_rows) + 1) // 2) if len(value_rows) <= 3 else max(2, int(0.6 * len(value_rows)))
    if best_triple is not None and best < need and len(idx) == 3 and best >= 1 and not contradicted(*best_triple) \
            and current == 0 and contradicted(idx["qty"], idx["unit_price"], idx["amount"]):
        need = best  # few rows prove much (quantity 1 proves nothing), but the header's triple fails where this holds
    if (best_triple is None or best < need) and len(idx) < 3:
        # the header words named part of the triple and nothing completes it; a triple that moves one of
        # them ("EK-Preis nettoBetrag" read as the amount over the price) is taken when it closes on every
        # value row and fails on none
        # the header's quantity stays (5 × 24 = 120 is a pack breakdown closing on every row, not a price)
        # and the amount is right of the price, as every form prints it
        keep_q = idx.get("qty")
        free = max((t for t in permutations(range(len(cand)), 3) if t[2] > t[1] and keep_q in (None, t[0])),
                   key=lambda t: (score(*t), t[2]), default=None)
        rows_all = sum(1 for row in table if len(row) >= 3)
        if free is not None and score(*free) >= max(2, need) and score(*free) == rows_all and not contradicted(*free):
            best, best_triple = score(*free), free
    if best_triple is None or best < need:
        return False
    q, p, a = best_triple
    for i, c in enumerate(cand):
        if c.role in _MONEY_ROLES and i not in best_triple:
            c.role = None
    cand[q].role, cand[p].role, cand[a].role = "qty", "unit_price", "amount"
    return True


def whole_qty(price: Sequence[_W], amount: Sequence[_W]) -> Decimal | None:
    """amount ÷ price when it is a whole number of at least 2 (the quantity an OCR lost from its cell)."""
    p, a = cell_number(price), cell_number(amount)
    if not p or not a or p <= 0 or a <= 0:
        return None
    q = a / p
    return q if q == q.to_integral_value() and q >= 2 else None
