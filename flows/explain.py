"""``orderflow extract FILE --json --explain``: what routing would do with an extraction, per order.

One object per order: the canonical order, the issues extraction and the document's own checks
raise (the confidence and arithmetic rules as routing runs them), and ``review_fields``, exactly
the fields a person would be sent to check from extraction alone.
"""

from __future__ import annotations

from typing import Any

from orderflow.canonical import Extraction, Issue
from orderflow.flows.pipeline import issues_per_order
from orderflow.validators.confidence import check_confidence, merge_extraction_issues, review_fields
from orderflow.validators.totals import check_totals


def order_findings(order: Any, extraction_issues: list[Issue], threshold: float) -> list[Issue]:
    """The rules' findings first; extraction's own issues after, minus the ones the rules restate."""
    ruled = check_totals(order, severity="error") + check_confidence(order, threshold)
    return ruled + merge_extraction_issues(order, ruled, extraction_issues)


def explain_extraction(result: Extraction, threshold: float) -> list[dict[str, Any]]:
    out = []
    for order, extra in zip(result.orders, issues_per_order(result), strict=True):
        issues = order_findings(order, extra, threshold)
        out.append({
            "order": order.to_json_dict(),
            "issues": [{"code": i.code, "severity": str(i.severity), "field": i.field, "message": i.message}
                       for i in issues],
            "review_fields": review_fields(order, issues, threshold),
        })
    return out
