"""Arithmetic the document states about itself: line amounts, line count, order total.

Issue 20: these block (``ValidationConfig.arithmetic_severity``, "error" by default). On the real
corpus a line whose qty × price ≈ amount closes has right numbers 45 times in 46; one that does not
close is a misread far more often than a buyer's typo, so the order goes to a person, not the ERP.
A price per 100 or per 1000 (or the line's own price basis) is no mismatch, nor a printed total that is
the lines plus one standard tax rate (``canonical/tax.py``: the gross total of a GST/VAT order).
"""

from __future__ import annotations

import re
from decimal import Decimal

from orderflow.canonical import CanonicalOrder, Issue, IssueCode
from orderflow.canonical.tax import tax_rate_between, total_tolerance
from orderflow.validators.model import fmt, make_issue

RULE = "totals"


def _line_tolerance(amount: Decimal, tolerance: Decimal) -> Decimal:
    return max(tolerance, Decimal("0.02"), abs(amount) * Decimal("0.005"))


def closing_basis(line, tolerance: Decimal = Decimal("0.01")) -> Decimal | None:
    """The price basis (1, 100, 1000 or the printed one) under which qty × unit price ≈ amount, or None."""
    if line.qty is None or line.unit_price is None or line.amount is None:
        return None
    computed = line.qty * line.unit_price
    tol = _line_tolerance(line.amount, tolerance)
    bases = [Decimal(1), Decimal(100), Decimal(1000)]
    m = re.search(r"\d[\d.]*", str(line.price_basis or ""))
    if m:
        try:
            if Decimal(m.group(0)) > 0:
                bases.append(Decimal(m.group(0)))
        except ArithmeticError:
            pass
    return next((n for n in bases if abs(computed / n - line.amount) <= tol), None)


def line_closes(line, tolerance: Decimal = Decimal("0.01")) -> bool | None:
    """qty × unit price ≈ amount (per 1, 100, 1000 or the printed price basis); None when a number is missing."""
    if line.qty is None or line.unit_price is None or line.amount is None:
        return None
    return closing_basis(line, tolerance) is not None


def line_charges_total(order: CanonicalOrder) -> Decimal:
    return sum(((-c.amount if c.kind == "allowance" else c.amount) for ln in order.lines for c in ln.charges
                if c.amount is not None), Decimal(0))


def check_totals(order: CanonicalOrder, tolerance: Decimal = Decimal("0.01"), severity: str = "warning"
                 ) -> list[Issue]:
    issues: list[Issue] = []
    for i, line in enumerate(order.lines):
        if line_closes(line, tolerance) is not False or line.qty is None or line.unit_price is None:
            continue  # closes, or cannot be checked
        computed = line.qty * line.unit_price
        issues.append(make_issue(
            IssueCode.ARITHMETIC,
            f"Line {line.line_no or i + 1}: {fmt(line.qty)} x {fmt(line.unit_price)} = {fmt(computed)}, "
            f"but the document says {fmt(line.amount)}. Check quantity and price against the document "
            f"(lines[{i}].qty, lines[{i}].unit_price, lines[{i}].amount).",
            severity=severity, field=f"lines[{i}].amount", expected=computed, actual=line.amount, rule=RULE))
    if order.declared_line_count is not None and order.declared_line_count != len(order.lines):
        issues.append(make_issue(
            IssueCode.LINE_COUNT_MISMATCH,
            f"The document declares {order.declared_line_count} line(s) but {len(order.lines)} were read: "
            "look for a missed or extra line.",
            severity=severity, field="lines", expected=order.declared_line_count, actual=len(order.lines),
            rule=RULE))
    if order.declared_total is not None:
        computed_total = order.computed_total()
        if computed_total is not None:
            with_line_charges = computed_total + line_charges_total(order)
            tol = total_tolerance(order.declared_total, tolerance)
            sums = (computed_total, with_line_charges)
            if min(abs(s - order.declared_total) for s in sums) > tol \
                    and not any(tax_rate_between(s, order.declared_total, tolerance) for s in sums):
                issues.append(make_issue(
                    IssueCode.TOTAL_MISMATCH,
                    f"The document total is {fmt(order.declared_total)} but the lines add up to "
                    f"{fmt(computed_total)}.",
                    severity=severity, field="declared_total", expected=computed_total,
                    actual=order.declared_total, rule=RULE))
    return issues
