"""Units of measure: recognise the code, check the item is sold in it, convert to base.

Conversions follow chains (1 PL = 40 CA, 1 CA = 12 RL → 1 PL = 480 RL), per item first,
then catalog-wide ones. Case-pack multiples and minimum order quantities are checked in the
base UOM; their severity is policy (config).
"""

from __future__ import annotations

from decimal import Decimal

from orderflow.canonical import CanonicalOrder, Issue, IssueCode, ReferenceData, Suggestion
from orderflow.canonical.uom import CANONICAL_UOMS, normalize_uom
from orderflow.validators.cache import item_index
from orderflow.validators.model import ResolvedLine, ValidationConfig, fmt, make_issue

RULE = "uom"


def check_uoms(
    order: CanonicalOrder, lines: list[ResolvedLine], ref: ReferenceData, config: ValidationConfig
) -> list[Issue]:
    """Fill uom/factor/base_qty on each resolved line; return UOM, CASE_PACK and MOQ issues."""
    idx = item_index(ref)
    issues: list[Issue] = []
    for rl in lines:
        line = order.lines[rl.index]
        label = f"Line {line.line_no or rl.index + 1}"
        field = f"lines[{rl.index}].uom"
        item = idx.by_code.get(rl.sku.upper()) if rl.sku else None
        if line.uom:
            code = normalize_uom(line.uom)
            if code is None:
                issues.append(make_issue(
                    IssueCode.UOM_UNKNOWN, f"{label}: unit of measure '{line.uom}' is not recognised.",
                    field=field, actual=line.uom,
                    suggestions=[Suggestion(value=u, label=CANONICAL_UOMS.get(u)) for u in item.sellable_uoms]
                    if item else [], rule=RULE))
                continue
            rl.uom = code
        elif rl.uom is None and item is not None:
            rl.uom = item.base_uom  # no UOM printed: the item's base unit (EDI always states one)
        if item is None or rl.uom is None:
            continue
        sellable = [normalize_uom(u) or u for u in item.sellable_uoms]
        factor = idx.factor(item.sku, rl.uom, item.base_uom)
        if rl.uom not in sellable:
            suggestions = []
            for u in sellable:
                f = idx.factor(item.sku, u, item.base_uom)
                extra = f" (1 {u} = {fmt(f)} {item.base_uom})" if f is not None and u != item.base_uom else ""
                suggestions.append(Suggestion(value=u, label=f"{CANONICAL_UOMS.get(u, u)}{extra}"))
            issues.append(make_issue(
                IssueCode.UOM_NOT_SOLD,
                f"{label}: {item.sku} is not sold by the {CANONICAL_UOMS.get(rl.uom, rl.uom)} ({rl.uom}); "
                f"it is sold in {', '.join(sellable)}. Change the unit and quantity with the customer's agreement.",
                field=field, expected=sellable, actual=rl.uom, suggestions=suggestions, rule=RULE))
            if factor is None:
                continue
        if factor is None:
            issues.append(make_issue(
                IssueCode.UOM_UNKNOWN,
                f"{label}: no conversion from {rl.uom} to {item.base_uom} is set up for {item.sku}; "
                "ask the ERP team to add it.",
                field=field, expected=item.base_uom, actual=rl.uom, rule=RULE))
            continue
        rl.factor = factor
        if line.qty is None:
            continue
        rl.base_qty = line.qty * factor
        issues.extend(_pack_rules(rl, item.case_pack, item.min_order_qty, item.base_uom, label, config))
    return issues


def _pack_rules(
    rl: ResolvedLine, case_pack: Decimal | None, moq: Decimal | None, base: str, label: str, config: ValidationConfig
) -> list[Issue]:
    out: list[Issue] = []
    qty = rl.base_qty
    if qty is None or qty <= 0:
        return out
    field = f"lines[{rl.index}].qty"
    if case_pack and case_pack > 0 and qty % case_pack != 0:
        up = (qty / case_pack).to_integral_value(rounding="ROUND_CEILING") * case_pack
        ordered = up / rl.factor if rl.factor else up
        out.append(make_issue(
            IssueCode.CASE_PACK,
            f"{label}: {fmt(qty)} {base} is not a multiple of the case pack of {fmt(case_pack)} {base}; "
            f"round up to {fmt(up)} {base}.",
            severity=config.case_pack_severity, field=field, expected=f"multiple of {fmt(case_pack)} {base}",
            actual=f"{fmt(qty)} {base}", suggestions=[Suggestion(value=fmt(ordered), label=f"{fmt(up)} {base}")],
            rule=RULE))
    if moq and qty < moq:
        ordered = moq / rl.factor if rl.factor else moq
        out.append(make_issue(
            IssueCode.MIN_ORDER_QTY,
            f"{label}: {fmt(qty)} {base} is below the minimum order quantity of {fmt(moq)} {base}.",
            severity=config.moq_severity, field=field, expected=f">= {fmt(moq)} {base}", actual=f"{fmt(qty)} {base}",
            suggestions=[Suggestion(value=fmt(ordered), label=f"{fmt(moq)} {base}")], rule=RULE))
    return out
