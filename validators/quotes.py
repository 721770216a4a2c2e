"""Quotes: a PO that cites our quotation is priced from it, and held to its terms.

Where the quote number comes from (first hit wins), ``CanonicalOrder.references`` keys,
compared case-insensitively:

- ``quote`` / ``quotation`` / ``quote_number`` / ``quote_no``: portal JSON
  (``"references": {"quote": "Q-2026-0107"}``), spreadsheets and PDFs that label a
  "Quote"/"Quotation" reference;
- ``PR`` (X12 REF01 "Price Quote Number"), ``QT`` (quote in some partner guides);
- ``AAG`` (EDIFACT RFF 1153 "Offer number").

Failing those, a note such as "Quote No: Q-2026-0107" or "Quotation Q-2026-0107" is read.

A cited quote must exist, belong to the customer (or its parent account), and be valid on the
PO date (else QUOTE_EXPIRED). Each order line whose SKU is on the quote is priced from it
(converted to the ordered UOM): a missing PO price is filled, a different one or a quantity
above the quoted one is QUOTE_MISMATCH with the quote's values as suggestions. Lines priced
from a valid quote no longer carry contract-price issues (the runner drops those).
"""

from __future__ import annotations

import re
from decimal import Decimal

from orderflow.canonical import CanonicalOrder, Issue, IssueCode, Quote, ReferenceData, Suggestion
from orderflow.validators.cache import customer_chain, item_index
from orderflow.validators.model import ResolvedLine, ValidationConfig, fmt, make_issue

RULE = "quotes"
_CENT = Decimal("0.01")
QUOTE_KEYS = ("quote", "quotation", "quote_number", "quote_no", "pr", "qt", "aag")
_NOTE = re.compile(r"\bquot(?:e|ation)\b\s*(?:no\.?|number|nr\.?|#|ref\.?)?\s*[:#]?\s*([A-Z0-9][A-Z0-9/_.-]{2,})", re.I)


def quote_reference(order: CanonicalOrder) -> str | None:
    """The quote number the order cites, by the convention in this module's docstring."""
    refs = {k.lower(): v for k, v in order.references.items() if v and v.strip()}
    for key in QUOTE_KEYS:
        if key in refs:
            return refs[key].strip()
    for note in order.notes:
        m = _NOTE.search(note or "")
        if m:
            return m.group(1).rstrip(".")
    return None


def find_quote(ref: ReferenceData, number: str) -> Quote | None:
    wanted = number.strip().upper()
    return next((q for q in ref.quotes if q.number.strip().upper() == wanted), None)


def check_quotes(
    order: CanonicalOrder,
    lines: list[ResolvedLine],
    ref: ReferenceData,
    customer_id: str | None,
    config: ValidationConfig,
) -> tuple[list[Issue], set[int]]:
    """Price lines from the cited quote; return (issues, indexes of lines priced from it)."""
    number = quote_reference(order)
    if not number:
        return [], set()
    sev = config.quote_severity
    quote = find_quote(ref, number)
    if quote is None:
        return [make_issue(
            IssueCode.QUOTE_MISMATCH, f"The PO cites quote {number}, which the ERP does not know; "
            "check the number with the buyer (lines are priced by contract meanwhile).",
            severity=sev, field="references.quote", actual=number, rule=RULE)], set()
    if customer_id and quote.customer_id not in customer_chain(ref, customer_id):
        return [make_issue(
            IssueCode.QUOTE_MISMATCH, f"Quote {quote.number} was made for customer {quote.customer_id}, "
            f"not {customer_id}; it cannot price this order.",
            severity=sev, field="references.quote", expected=quote.customer_id, actual=customer_id, rule=RULE)], set()
    on = order.po_date or config.current_date()
    issues: list[Issue] = []
    if quote.valid_to is not None and on > quote.valid_to:
        issues.append(make_issue(
            IssueCode.QUOTE_EXPIRED,
            f"Quote {quote.number} expired on {quote.valid_to.isoformat()} (PO dated {on.isoformat()}); "
            "re-quote, or honour it as an exception.",
            severity=sev, field="references.quote", expected=quote.valid_to, actual=on,
            suggestions=[Suggestion(value=f"{q.sku} {fmt(q.qty)} {q.uom} @ {fmt(q.price)}", label="quoted")
                         for q in quote.lines], rule=RULE))
        return issues, set()
    idx = item_index(ref)
    by_sku = {q.sku.upper(): q for q in quote.lines}
    priced: set[int] = set()
    for rl in lines:
        line = order.lines[rl.index]
        q = by_sku.get(rl.sku.upper()) if rl.sku else None
        item = idx.by_code.get(rl.sku.upper()) if rl.sku else None
        if q is None or item is None or rl.factor is None:
            continue
        per = idx.factor(item.sku, q.uom, item.base_uom)  # base units in one quoted UOM
        if not per:
            continue
        label = f"Line {line.line_no or rl.index + 1}"
        price = q.price / per * rl.factor
        rl.quote_number, rl.quote_price = quote.number, price
        priced.add(rl.index)
        shown = price.quantize(_CENT) if price != price.quantize(_CENT) else price
        if rl.base_qty is not None and rl.base_qty > q.qty * per:
            quoted_qty = q.qty * per / rl.factor
            issues.append(make_issue(
                IssueCode.QUOTE_MISMATCH,
                f"{label}: {fmt(line.qty)} {rl.uom} of {rl.sku} is more than the {fmt(quoted_qty)} {rl.uom} "
                f"quoted on {quote.number}; reduce it, or price the excess separately.",
                severity=sev, field=f"lines[{rl.index}].qty", expected=quoted_qty, actual=line.qty,
                suggestions=[Suggestion(value=fmt(quoted_qty), label=f"quoted quantity ({quote.number})")], rule=RULE))
        if line.unit_price is None:
            rl.unit_price, rl.price_source = price, "quote"
        else:
            rl.unit_price, rl.price_source = line.unit_price, "quote"
            if abs(line.unit_price - price) > max(config.price_tolerance_abs, abs(price) * config.price_tolerance_pct / 100):
                issues.append(make_issue(
                    IssueCode.QUOTE_MISMATCH,
                    f"{label}: PO price {fmt(line.unit_price)} differs from the quoted {fmt(shown)}/{rl.uom} "
                    f"on {quote.number}.",
                    severity=sev, field=f"lines[{rl.index}].unit_price", expected=shown, actual=line.unit_price,
                    suggestions=[Suggestion(value=fmt(shown), label=f"quoted price ({quote.number})")], rule=RULE))
        rl.contract_price, rl.agreement_id, rl.price_override = None, None, False
        if line.qty is not None and rl.unit_price is not None:
            rl.amount = line.qty * rl.unit_price
    return issues, priced

