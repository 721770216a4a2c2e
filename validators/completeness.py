"""Completeness: the fields without which an order cannot be entered at all."""

from __future__ import annotations

from orderflow.canonical import CanonicalOrder, Issue, IssueCode, Purpose
from orderflow.validators.model import make_issue

RULE = "completeness"


def check_completeness(order: CanonicalOrder) -> list[Issue]:
    issues: list[Issue] = []
    if not (order.po_number or "").strip():
        issues.append(make_issue(
            IssueCode.MISSING_FIELD, "The order has no PO number: read it from the document or ask the buyer.",
            field="po_number", rule=RULE))
    if not order.lines:
        if order.purpose != Purpose.CANCEL:  # a cancellation needs no lines
            issues.append(make_issue(
                IssueCode.MISSING_FIELD, "The order has no lines: add them from the document.",
                field="lines", rule=RULE))
        return issues
    for i, line in enumerate(order.lines):
        label = f"Line {line.line_no or i + 1}"
        deleting = order.purpose != Purpose.ORIGINAL and (line.change_code or "").upper() in {"DI", "CA", "D", "3"}
        if line.qty is None:
            issues.append(make_issue(
                IssueCode.MISSING_FIELD, f"{label}: quantity is missing.", field=f"lines[{i}].qty", rule=RULE))
        elif line.qty <= 0 and not deleting:
            issues.append(make_issue(
                IssueCode.MISSING_FIELD, f"{label}: quantity {line.qty} is not a positive number.",
                field=f"lines[{i}].qty", actual=str(line.qty), rule=RULE))
        if not (line.sku or line.customer_part or line.gtin or (line.description or "").strip() or line.ids):
            issues.append(make_issue(
                IssueCode.MISSING_FIELD, f"{label}: no item number, part number or description.",
                field=f"lines[{i}].sku", rule=RULE))
    return issues
