"""Approval routing: which people must sign off before the push, in order.

Thresholds are cumulative steps (above 25,000 → lead; above 100,000 → lead, then finance);
a CSR's price override needs the lead. The issue is a warning: it routes, it does not reject.
"""

from __future__ import annotations

from decimal import Decimal

from orderflow.canonical import Issue, IssueCode
from orderflow.validators.model import ResolvedLine, ValidationConfig, ValidationContext, fmt, make_issue

RULE = "approvals"


def required_approvals(
    order_total: Decimal | None, lines: list[ResolvedLine], ctx: ValidationContext, config: ValidationConfig
) -> tuple[list[str], list[Issue]]:
    steps: list[str] = []
    reasons: list[str] = []
    for threshold, role in sorted(config.approval_thresholds, key=lambda t: t[0]):
        if order_total is not None and order_total > threshold:
            if role not in steps:
                steps.append(role)
            reasons.append(f"total {fmt(order_total)} above {fmt(threshold)} needs {role}")
    overrides = [rl for rl in lines if rl.price_override]
    if overrides:
        role = sorted(config.approval_thresholds, key=lambda t: t[0])[0][1] if config.approval_thresholds else "lead"
        if role not in steps:
            steps.insert(0, role)
        numbers = ", ".join(str(rl.line_no or rl.index + 1) for rl in overrides)
        reasons.append(f"price override on line(s) {numbers} needs {role}")
    pending = [s for s in steps if s not in ctx.approvals_granted]
    if not pending:
        return [], []
    issue = make_issue(
        IssueCode.APPROVAL_REQUIRED,
        f"Approval needed before the push: {' -> '.join(pending)} ({'; '.join(reasons)}).",
        severity="warning", field="approvals", expected=pending, rule=RULE)
    return pending, [issue]
