"""How the order screen words what the store holds (issue 23, "wrong on screen"): one line per finding,
audit events as sentences, times for the CSR's clock."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from markupsafe import Markup

from orderflow.review import overrides

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


_ISO = re.compile(r"(\d{4}-\d\d-\d\d)T(\d\d:\d\d)(:\d\d(\.\d+)?)?(\+00:00|Z)?")


def value_text(value: Any) -> str:
    """A value as the order form shows it and a save compares it: Decimal in plain notation (no
    exponent), dates in ISO, enums by their value, nothing as the empty string."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if hasattr(value, "value"):
        return str(value.value)
    return str(value)


def show(value: Any, limit: int = 60) -> str:
    """A stored value in words: empty, a list joined, a mapping as "key value" pairs, never raw JSON."""
    if value is None or value == "":
        return "empty"
    if isinstance(value, list | tuple):
        return ", ".join(show(v, 30) for v in value) if value else "none"
    if isinstance(value, dict):
        return ", ".join(f"{k.replace('_', ' ')} {show(v, 30)}" for k, v in value.items()) or "none"
    text = _ISO.sub(r"\1 \2", str(value))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _words(state: Any) -> str:
    return str(state or "?").replace("_", " ")


def audit_sentence(action: str, before: Any, after: Any) -> str:
    """One audit event's change as a sentence a CSR can read (the raw before/after stays in the store)."""
    if not isinstance(before, dict | None) or not isinstance(after, dict | None):
        return f"{show(before)} → {show(after)}"
    b, a = before or {}, after or {}
    if action == "fix" and "field" in a:
        return f"{a['field']}: {show(b.get('value'))} → {show(a.get('value'))}"
    if action == "correction_evidence":
        n = len(a.get("candidates") or [])
        text = f"Kept the correction of {a.get('field')} ({show(a.get('wrong'))} → {show(a.get('right'))}) for learning"
        click = a.get("click")
        if isinstance(click, dict):
            text += f", with the word clicked on page {click.get('page') or 1}"
        return text + (f"; the page suggested {n} way(s) to read it next time." if n
                       else "; the page gave no rule for reading it next time.")
    if set(a) == {"state"}:
        return f"State {_words(b.get('state'))} → {_words(a['state'])}."
    if action == "issues":
        return f"Raised {show(a.get('raised'))}."
    if action == "created":
        raised = f"; raised {show(a.get('raised'))}" if a.get("raised") else ""
        return f"Read as PO {show(a.get('po_number'))} for {show(a.get('customer_id'))}, {_words(a.get('state'))}{raised}."
    if action == "claim":
        return f"Claimed until {show(a.get('claim_expires_at'))} UTC."
    if action == "release":
        return "Claim released."
    if action == "take_over":  # issue 23 item 5
        return f"Took over {show(b.get('claimed_by'))}'s claim (as {a.get('role')}), until {show(a.get('claim_expires_at'))} UTC."
    if action == "override":  # issue 23 item 6: which codes were overridden
        return overrides.sentence(a)
    if action == "approvals_reset":
        return f"Approvals given before ({show(b.get('steps'))}, by {show(b.get('signed_by'))}) no longer count."
    if action == "accept_as_read":
        fields = [x.get("field") for x in a.get("accepted") or [] if isinstance(x, dict)]
        return f"Accepted as read: {show(fields)}."
    if action == "pick":  # issue 23: the customer / ship-to picker
        what = "Customer" if a.get("field") == "customer_id" else "Ship-to"
        got = "" if a.get("resolved") == a.get("value") else f" (the order is for {show(a.get('resolved'))})"
        return f"{what} picked: {show(b.get('value'))} → {show(a.get('value') or 'from the document')}{got}."
    if action == "ship_policy":
        return f"Ship policy {show(b.get('ship_policy'))} → {show(a.get('ship_policy'))}."
    if action == "approval_step":
        return f"Signed the {a.get('step')} approval (as {a.get('role')})."
    if action == "sent_for_approval":
        return f"Sent for {' + '.join(str(x) for x in a.get('steps') or [])} approval."
    if action == "escalated":
        return f"Sent to {a.get('to')} (by a {a.get('role')}): {show(a.get('note'), 200)}"
    keys = [k for k in (*a, *(k for k in b if k not in a)) if k != "canonical" and b.get(k) != a.get(k)]
    return "; ".join(f"{k.replace('_', ' ')}: {show(b.get(k))} → {show(a.get(k))}" if k in b
                     else f"{k.replace('_', ' ')}: {show(a.get(k))}" for k in keys) + ("." if keys else "")


def time_html(value: dt.datetime | None) -> Markup:
    """A time for the screen: UTC in the page (what a page without JavaScript shows) and on hover; app.js
    rewrites the text to the CSR's local time."""
    if value is None:
        return Markup("")
    utc = value.astimezone(dt.UTC)
    text = utc.strftime("%Y-%m-%d %H:%M")
    return Markup('<time class="utc" datetime="{}" title="{} UTC">{} UTC</time>').format(
        utc.strftime("%Y-%m-%dT%H:%M:%SZ"), text, text)


_WIDE_COLUMNS = frozenset({"customer_part", "sku", "uom"})  # capitals and dashes: wider than a digit


def column_widths(lines: list[dict[str, Any]]) -> dict[str, int]:
    """Per line column, the width (in ``ch``, the width of a digit) its longest value needs, so that
    a quantity of 900000 or a whole SKU is seen in its input; the description takes what is left."""
    widths: dict[str, int] = {}
    for line in lines:
        for cell in line["cells"]:
            if cell["key"] == "description":
                continue
            n = len(cell["value"] or "")
            need = (n * 6 + 4) // 5 if cell["key"] in _WIDE_COLUMNS else n
            widths[cell["key"]] = max(widths.get(cell["key"], 3), need + 2)
    return widths


def live_duplicate(issue: dict[str, Any], other: Any | None) -> None:
    """A DUPLICATE_PO issue says the other order's state as it was when this one was validated ("order 1
    (approved)"), and its id as the "actual" value. Shown instead: that order as it is now, linked."""
    if other is None:
        return
    erp = f", ERP order {other.erp_order_id}" if other.erp_order_id else ""
    issue["message"] = (f"This PO is already order {other.id} ({_words(other.state)}{erp}). "
                        "Reject this copy, or treat it as a change if it differs.")
    issue["expected"] = issue["actual"] = None
    issue["link"] = {"href": f"/orders/{other.id}", "text": f"Open order {other.id}"}


RESOLVED_BY = {"exact": "catalogue SKU", "xref": "customer's cross-reference", "learned": "learned from a correction",
               "gtin": "by GTIN", "partner_qualifier": "by the partner's item code", "fuzzy": "closest description"}


def resolved_lines(resolved: Any) -> dict[int, dict[str, Any]]:
    """The validators' per-line enrichment (``Order.resolved["lines"]``) by line index."""
    rows = resolved.get("lines") if isinstance(resolved, dict) else None
    return {ln.get("index", n): ln for n, ln in enumerate(rows or []) if isinstance(ln, dict)}


def mark_resolved(cells: list[dict[str, Any]], line: dict[str, Any] | None) -> None:
    """The SKU cell of a line the engine resolved itself (from the buyer's part, a GTIN, a description)
    carries the SKU it found and how, when that is not what the SKU field already says."""
    if not line or not line.get("sku"):
        return
    cell = next(c for c in cells if c["key"] == "sku")
    if (cell["value"] or "").strip().upper() == str(line["sku"]).upper():
        return
    how = RESOLVED_BY.get(line.get("resolved_by") or "", line.get("resolved_by") or "")
    if line.get("resolved_by") == "fuzzy" and line.get("match_score") is not None:
        how += f" ({float(line['match_score']):.0f}%)"
    cell["resolved"] = {"sku": str(line["sku"]), "how": how}
