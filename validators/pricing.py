"""Contract pricing: does the PO price match what we agreed with this customer?

The agreement is looked up for the customer, then its parent account (group prices); it
must be valid on the PO date (or today) and in the order currency; among quantity breaks
the highest ``min_qty`` not above the ordered quantity wins. The price is converted to the
ordered UOM before comparing with a tolerance (absolute or percent, whichever is larger).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from orderflow.canonical import CanonicalOrder, Issue, IssueCode, PriceAgreement, ReferenceData, Suggestion
from orderflow.validators.cache import customer_chain, customer_index, item_index, price_index
from orderflow.validators.model import ResolvedLine, ValidationConfig, ValidationContext, fmt, make_issue

RULE = "pricing"
_CENT = Decimal("0.0001")


def find_agreement(
    ref: ReferenceData, customer_id: str, sku: str, base_qty: Decimal | None, on: dt.date, currency: str | None
) -> tuple[PriceAgreement, Decimal] | None:
    """The applicable agreement and its price per base UOM, or None."""
    prices = price_index(ref).by_customer_sku
    idx = item_index(ref)
    item = idx.by_code.get(sku.upper())
    base = item.base_uom if item else "EA"
    for cid in customer_chain(ref, customer_id):
        applicable: list[tuple[tuple[Decimal, bool, dt.date], PriceAgreement, Decimal]] = []
        for a in prices.get((cid, sku.upper()), []):
            if (a.valid_from and on < a.valid_from) or (a.valid_to and on > a.valid_to):
                continue
            if currency and a.currency.upper() != currency.upper():
                continue
            per = idx.factor(sku, a.uom, base)  # base units in one agreement UOM
            if not per:
                continue
            qty_in_agreement_uom = base_qty / per if base_qty is not None else Decimal(0)
            if a.min_qty > qty_in_agreement_uom:
                continue
            # Highest break wins; at an equal break a date-bound (promotional) price beats an open one.
            rank = (a.min_qty * per, a.valid_to is not None, a.valid_from or dt.date.min)
            applicable.append((rank, a, a.price / per))
        if applicable:
            _rank, agreement, per_base = max(applicable, key=lambda t: t[0])
            return agreement, per_base
    return None


def check_prices(
    order: CanonicalOrder,
    lines: list[ResolvedLine],
    ref: ReferenceData,
    customer_id: str | None,
    ctx: ValidationContext,
    config: ValidationConfig,
) -> list[Issue]:
    """Fill contract price / effective price / amount per line; return pricing issues."""
    issues: list[Issue] = []
    customer = customer_index(ref).customers.get(customer_id) if customer_id else None
    currency = (order.currency or (customer.currency if customer else None) or "").upper() or None
    if customer and order.currency and order.currency.upper() != customer.currency.upper():
        issues.append(make_issue(
            IssueCode.CURRENCY_MISMATCH,
            f"The order is in {order.currency.upper()} but customer {customer.id} is billed in "
            f"{customer.currency}: confirm the currency with the customer.",
            field="currency", expected=customer.currency, actual=order.currency.upper(), rule=RULE))
    on = order.po_date or config.current_date()
    for rl in lines:
        line = order.lines[rl.index]
        label = f"Line {line.line_no or rl.index + 1}"
        rl.unit_price, rl.price_source = (line.unit_price, "po") if line.unit_price is not None else (None, None)
        if customer_id and rl.sku and rl.factor is not None:
            found = find_agreement(ref, customer_id, rl.sku, rl.base_qty, on, currency)
            if found is None:
                issues.append(make_issue(
                    IssueCode.NO_CONTRACT_PRICE,
                    f"{label}: no contract price for {rl.sku} for customer {customer_id} on {on.isoformat()}; "
                    "the PO price will be used." if line.unit_price is not None else
                    f"{label}: no contract price for {rl.sku} for customer {customer_id} on {on.isoformat()} "
                    "and no price on the PO; the ERP list price will apply.",
                    severity="warning", field=f"lines[{rl.index}].unit_price", actual=line.unit_price, rule=RULE))
            else:
                agreement, per_base = found
                expected = per_base * rl.factor
                rl.contract_price, rl.agreement_id = expected, agreement.id
                shown = expected.quantize(_CENT)
                if line.unit_price is None:
                    rl.unit_price, rl.price_source = expected, "contract"
                    issues.append(make_issue(
                        IssueCode.PRICE_MISSING,
                        f"{label}: the PO has no price; filled with the contract price {fmt(shown)} "
                        f"{currency or ''}/{rl.uom} (agreement {agreement.id}).",
                        severity="warning", field=f"lines[{rl.index}].unit_price", expected=shown,
                        suggestions=[Suggestion(value=fmt(shown), label=f"agreement {agreement.id}")], rule=RULE))
                else:
                    allowed = max(config.price_tolerance_abs, abs(expected) * config.price_tolerance_pct / 100)
                    if abs(line.unit_price - expected) > allowed:
                        if rl.index in ctx.price_overrides:
                            rl.price_override = True
                        else:
                            direction = "above" if line.unit_price > expected else "below"
                            issues.append(make_issue(
                                IssueCode.PRICE_MISMATCH,
                                f"{label}: PO price {fmt(line.unit_price)} is {direction} the contract price "
                                f"{fmt(shown)} {currency or ''}/{rl.uom} (agreement {agreement.id}). Use the "
                                "contract price, or accept the PO price as an override (needs lead approval).",
                                field=f"lines[{rl.index}].unit_price", expected=shown, actual=line.unit_price,
                                suggestions=[Suggestion(value=fmt(shown), label=f"contract price, agreement {agreement.id}")],
                                rule=RULE))
        elif line.unit_price is None and line.qty is not None and rl.sku:
            issues.append(make_issue(
                IssueCode.PRICE_MISSING, f"{label}: the PO has no price and none could be looked up.",
                severity="warning", field=f"lines[{rl.index}].unit_price", rule=RULE))
        if line.qty is not None and rl.unit_price is not None:
            rl.amount = line.qty * rl.unit_price
        elif line.amount is not None:
            rl.amount = line.amount
    return issues
