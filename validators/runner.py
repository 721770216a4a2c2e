"""The rule runner: one call validates one order against one reference-data snapshot.

Rules run in dependency order (customer → ship-to → SKU → UOM → price → quotes → availability →
totals → charges → credit → duplicates → approvals; credit and approvals weigh the gross total) and each is isolated: a rule that crashes on odd input becomes a
RULE_ERROR issue naming the rule, never an exception out of ``validate``.
"""

from __future__ import annotations

import logging
import re
import traceback
from collections.abc import Callable
from decimal import Decimal
from typing import TypeVar

from orderflow.canonical import CanonicalOrder, Issue, ReferenceData, Severity
from orderflow.validators.approvals import required_approvals
from orderflow.validators.availability import check_availability
from orderflow.validators.charges import check_charges
from orderflow.validators.completeness import check_completeness
from orderflow.validators.confidence import check_confidence, confirmed_by_reference
from orderflow.validators.credit import check_credit
from orderflow.validators.customer import resolve_customer
from orderflow.validators.duplicates import check_duplicates
from orderflow.validators.model import (
    ResolvedLine,
    ValidationConfig,
    ValidationContext,
    ValidationResult,
    make_issue,
)
from orderflow.validators.pricing import check_prices
from orderflow.validators.quotes import check_quotes
from orderflow.validators.ship_to import resolve_ship_to
from orderflow.validators.sku import resolve_skus
from orderflow.validators.totals import check_totals
from orderflow.validators.uom import check_uoms

log = logging.getLogger(__name__)
T = TypeVar("T")


def _guard(name: str, issues: list[Issue], fn: Callable[[], T], fallback: T) -> T:
    try:
        return fn()
    except Exception as exc:  # a rule bug must not lose the order
        log.error("validation rule %s failed: %s", name, traceback.format_exc())
        issues.append(make_issue(
            "RULE_ERROR", f"The {name} check could not run ({type(exc).__name__}: {exc}); check this part by hand.",
            rule=name))
        return fallback


_LINE = re.compile(r"^lines\[(\d+)\]")


def _line_index(field: str | None) -> int | None:
    m = _LINE.match(field or "")
    return int(m.group(1)) if m else None


def order_total(order: CanonicalOrder, lines: list[ResolvedLine]) -> Decimal | None:
    """Sum of effective line amounts (PO price, or contract fill) plus charges less allowances."""
    total = Decimal(0)
    seen = False
    for rl in lines:
        if rl.amount is not None:
            total += rl.amount
            seen = True
    for charge in order.charges:
        if charge.amount is not None:
            total += -charge.amount if charge.kind == "allowance" else charge.amount
    return total if seen else None


def gross_total(order: CanonicalOrder, lines: list[ResolvedLine]) -> Decimal | None:
    """What credit and approvals weigh: the gross of the lines plus charges. Allowances never lower it:
    an allowance of 359,000 on 360,000 of lines must not turn a finance-sized order into a small one."""
    total = Decimal(0)
    seen = False
    for rl in lines:
        if rl.amount is not None:
            total += rl.amount
            seen = True
    charges = [*order.charges, *(c for line in order.lines for c in line.charges)]
    for charge in charges:
        if charge.amount is not None and charge.kind != "allowance" and charge.amount > 0:
            total += charge.amount
    return total if seen else None


def validate(
    order: CanonicalOrder,
    ref: ReferenceData,
    ctx: ValidationContext | None = None,
    config: ValidationConfig | None = None,
) -> ValidationResult:
    """Check one order; return issues plus the enrichment (customer, ship-to, per-line resolution)."""
    ctx = ctx or ValidationContext()
    config = config or ValidationConfig()
    issues: list[Issue] = []
    result = ValidationResult(issues=issues)

    issues += _guard("completeness", issues, lambda: check_completeness(order), [])
    match = _guard("customer", issues, lambda: resolve_customer(order, ref, ctx, config), None)
    if match is not None:
        result.customer_id = match.customer_id
        issues += match.issues
    cid = result.customer_id
    ship = _guard("ship_to", issues, lambda: resolve_ship_to(order, ref, cid, config, ctx.ship_to_id), None)
    if ship is not None:
        result.ship_to_id = ship.ship_to_id
        issues += ship.issues

    default_lines = [ResolvedLine(index=i, line_no=line.line_no) for i, line in enumerate(order.lines)]
    none: list[Issue] = []  # a guarded rule that failed adds only its RULE_ERROR
    lines, sku_issues = _guard("sku", issues, lambda: resolve_skus(order, ref, cid, config), (default_lines, none))
    result.lines = lines
    issues += sku_issues
    issues += _guard("uom", issues, lambda: check_uoms(order, lines, ref, config), [])
    issues += _guard("pricing", issues, lambda: check_prices(order, lines, ref, cid, ctx, config), [])
    unquoted: set[int] = set()
    quote_issues, quoted = _guard("quotes", issues, lambda: check_quotes(order, lines, ref, cid, config), (none, unquoted))
    if quoted:  # a valid quote prices these lines: contract-price findings no longer apply
        issues[:] = [i for i in issues if not (i.rule == "pricing" and _line_index(i.field) in quoted)]
    issues += quote_issues
    issues += _guard("availability", issues, lambda: check_availability(order, lines, ref, cid, ctx, config), [])
    issues += [i.model_copy(update={"severity": Severity(config.arithmetic_severity)}) for i in
               _guard("totals", issues, lambda: check_totals(order, config.total_tolerance), none)]
    issues += _guard("confidence", issues, lambda: check_confidence(
        order, config.review_confidence, confirmed_by_reference(order, result, ref)), [])
    result.order_total = order_total(order, lines)
    result.gross_total = gross_total(order, lines)
    total = result.gross_total
    issues += _guard("charges", issues, lambda: check_charges(order, config), [])
    issues += _guard("credit", issues, lambda: check_credit(order, total, ref, cid, ctx, config), [])
    issues += _guard("duplicates", issues, lambda: check_duplicates(order, cid, ctx), [])
    no_roles: list[str] = []
    roles, approval_issues = _guard(
        "approvals", issues, lambda: required_approvals(total, lines, ctx, config), (no_roles, none)
    )
    result.approvals_required = roles
    issues += approval_issues
    return result
