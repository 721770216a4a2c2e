"""How the order screen words what the store holds (issue 23, "wrong on screen"): one line per finding,
audit events as sentences, times for the CSR's clock."""

from __future__ import annotations

import re
from typing import Any

_ORDER_PREFIX = re.compile(r"^orders\[\d+\]\.")
_SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}


def _target(issue: dict[str, Any]) -> str:
    """What a finding is about: TOTAL_MISMATCH is about the order's total whatever field it names."""
    if issue["code"] == "TOTAL_MISMATCH":
        return "declared_total"
    return _ORDER_PREFIX.sub("", issue.get("field") or "")


def one_per_finding(issues: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The same finding stated twice (the extractor's check and the validators' rule, in two wordings) is
    shown once, as the most severe statement says it; order kept."""
    best: dict[tuple[str, str], int] = {}
    for n, issue in enumerate(issues):
        key = (issue["code"], _target(issue))
        if key not in best or _SEVERITY_RANK.get(issue["severity"], 3) < _SEVERITY_RANK.get(
                issues[best[key]]["severity"], 3):
            best[key] = n
    keep = set(best.values())
    return [i for n, i in enumerate(issues) if n in keep]
