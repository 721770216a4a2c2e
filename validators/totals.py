"""Arithmetic the document states about itself: line amounts, line count, order total.

These are warnings: a mismatch usually means an extraction slip or a buyer's typo, and the
CSR compares with the document rather than the order being blocked outright.
"""

from __future__ import annotations

from decimal import Decimal

from orderflow.canonical import CanonicalOrder, Issue, IssueCode
from orderflow.validators.model import fmt, make_issue

RULE = "totals"


def check_totals(order: CanonicalOrder, tolerance: Decimal = Decimal("0.01")) -> list[Issue]:
    issues: list[Issue] = []
    for i, line in enumerate(order.lines):
        if line.qty is None or line.unit_price is None or line.amount is None:
            continue
        computed = line.qty * line.unit_price
        if abs(computed - line.amount) > tolerance:
            issues.append(make_issue(
                IssueCode.ARITHMETIC,
                f"Line {line.line_no or i + 1}: {fmt(line.qty)} x {fmt(line.unit_price)} = {fmt(computed)}, "
                f"but the document says {fmt(line.amount)}. Check quantity and price against the document.",
                severity="warning", field=f"lines[{i}].amount", expected=computed, actual=line.amount, rule=RULE))
    if order.declared_line_count is not None and order.declared_line_count != len(order.lines):
        issues.append(make_issue(
            IssueCode.LINE_COUNT_MISMATCH,
            f"The document declares {order.declared_line_count} line(s) but {len(order.lines)} were read: "
            "look for a missed or extra line.",
            severity="warning", field="lines", expected=order.declared_line_count, actual=len(order.lines), rule=RULE))
    if order.declared_total is not None:
        computed_total = order.computed_total()
        if computed_total is not None and abs(computed_total - order.declared_total) > tolerance:
            issues.append(make_issue(
                IssueCode.TOTAL_MISMATCH,
                f"The document total is {fmt(order.declared_total)} but the lines add up to {fmt(computed_total)}.",
                severity="warning", field="declared_total", expected=computed_total, actual=order.declared_total,
                rule=RULE))
    return issues
