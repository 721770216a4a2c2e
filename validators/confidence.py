"""Extraction confidence routes to a person: a value the engine is unsure of never goes to the ERP alone.

Each extracted field carries ``provenance[path].confidence``, the engine's calibrated estimate
that the value is right (``extractors/confidence``). A field under ``review_confidence`` becomes a
blocking LOW_CONFIDENCE issue naming it; ``review_fields`` is the full list a person is sent to
check from extraction alone (low-confidence fields plus what the document's own arithmetic puts in
doubt) — the CLI's ``extract --explain`` prints it, the review screen walks it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from orderflow.canonical import CanonicalOrder, Issue, IssueCode
from orderflow.validators.model import make_issue

RULE = "confidence"
DOUBT_CODES = frozenset({IssueCode.ARITHMETIC, IssueCode.TOTAL_MISMATCH, IssueCode.LINE_COUNT_MISMATCH})
_LINE = re.compile(r"^lines\[(\d+)\]")
_HEADER_ORDER = ("po_number", "po_date", "buyer.name", "supplier.name", "ship_to.name", "ship_to.address",
                 "bill_to.name", "bill_to.address", "currency", "payment_terms", "requested_delivery_date",
                 "declared_total", "lines")


_LINE_ORDER = ("line_no", "customer_part", "sku", "gtin", "description", "qty", "uom", "unit_price", "amount",
               "requested_date")


def _sort_key(path: str) -> tuple[int, int, int, str]:
    m = _LINE.match(path)
    if m:
        key = path[m.end():].lstrip(".")
        return (1, int(m.group(1)), _LINE_ORDER.index(key) if key in _LINE_ORDER else len(_LINE_ORDER), path)
    return (0, _HEADER_ORDER.index(path) if path in _HEADER_ORDER else len(_HEADER_ORDER), 0, path)


def sort_paths(paths: Iterable[str]) -> list[str]:
    """Header fields first (in reading order), then lines in order."""
    return sorted(set(paths), key=_sort_key)


# Read and shown, never pushed or used to resolve anything: the supplier is the company receiving the PO,
# the ERP applies the customer's own payment terms and bill-to. A doubt about these alone does not stop an
# order (their confidence is still shown; bench/calibration.py counts a wrong one as a silent error).
ROUTING_EXEMPT = frozenset({"supplier.name", "supplier.address", "payment_terms", "bill_to.name", "bill_to.address"})


def doubtful_fields(order: CanonicalOrder, threshold: float) -> list[str]:
    """Paths whose confidence is under the threshold (``lines`` when the line set itself is in doubt)."""
    return sort_paths(path for path, prov in order.provenance.items()
                      if prov.confidence is not None and prov.confidence < threshold and path not in ROUTING_EXEMPT)


def named_by(issue: Issue) -> list[str]:
    """The fields an arithmetic finding puts in doubt: a line's three numbers, the total, the line set."""
    field = re.sub(r"^orders\[\d+\]\.", "", issue.field or "")
    if issue.code == IssueCode.ARITHMETIC:
        m = _LINE.match(field)
        return [f"lines[{m.group(1)}].{k}" for k in ("qty", "unit_price", "amount")] if m else [field]
    if issue.code == IssueCode.LINE_COUNT_MISMATCH or field == "declared_line_count":
        return ["lines"]
    if issue.code == IssueCode.TOTAL_MISMATCH:
        return ["declared_total"]
    return [field] if field else []


def review_fields(order: CanonicalOrder, issues: Iterable[Issue], threshold: float) -> list[str]:
    """What routing sends a person to check from extraction alone."""
    paths = set(doubtful_fields(order, threshold))
    for issue in issues:
        if issue.code in DOUBT_CODES:
            paths.update(p for p in named_by(issue) if p)
    return sort_paths(paths)


def confirmed_by_reference(order: CanonicalOrder, result: Any, ref: Any) -> set[str]:
    """Fields a second, independent reading confirms: the ERP's own master data. A buyer name that is the
    resolved customer's name, the resolved ship-to's name and address, a line's item code that resolved
    exactly (or by cross-reference) to a catalogue item, a unit price equal to the contract price."""
    from rapidfuzz import fuzz  # noqa: PLC0415

    def same(a: str | None, b: str | None) -> bool:
        if not a or not b:
            return False
        return fuzz.token_set_ratio(a.lower(), b.lower()) >= 90

    out: set[str] = set()
    customer = ref.customer(result.customer_id) if result.customer_id else None
    if customer is not None and order.buyer is not None and same(order.buyer.name, customer.name):
        out.add("buyer.name")
    if customer is not None and (order.buyer is None or not order.buyer.name):
        out.add("buyer.name")  # no buyer printed, but the channel and the ERP know who ordered
    ship = next((st for st in ref.ship_tos if st.id == result.ship_to_id), None) if result.ship_to_id else None
    if ship is not None and order.ship_to is not None and same(order.ship_to.name, ship.name):
        out.update(("ship_to.name", "ship_to.address"))
    for rl in result.lines:
        if rl.sku and rl.resolved_by in ("exact", "xref", "learned", "gtin", "partner_qualifier"):
            out.update(f"lines[{rl.index}].{k}" for k in ("sku", "customer_part", "gtin", "description"))
        if rl.contract_price is not None and rl.index < len(order.lines) \
                and order.lines[rl.index].unit_price == rl.contract_price:
            out.add(f"lines[{rl.index}].unit_price")
    return out


def _absent(order: CanonicalOrder, path: str) -> bool:
    """A header field the engine found no value for (its entry is the doubt that one was missed)."""
    if path.startswith("lines"):
        return False
    head, _, attr = path.partition(".")
    value = getattr(order, head, None)
    if attr and value is not None:
        value = getattr(value, attr, None)
    return value in (None, "")


def check_confidence(order: CanonicalOrder, threshold: float, confirmed: set[str] | frozenset[str] = frozenset()
                     ) -> list[Issue]:
    """One blocking LOW_CONFIDENCE issue per field read with confidence under ``threshold`` (fields the
    reference data confirmed excepted)."""
    issues: list[Issue] = []
    for path in doubtful_fields(order, threshold):
        if path in confirmed:
            continue
        prov = order.provenance[path]
        if path == "lines":
            msg = (f"The engine is only {prov.confidence:.0%} sure it read every line (none missed, none "
                   "invented): compare the lines with the document.")
        elif _absent(order, path):
            msg = (f"{path}: nothing was read, and the engine is only {prov.confidence:.0%} sure the document "
                   "has none: read it from the document, or accept it as empty.")
        else:
            seen = f"'{prov.raw}'" if prov.raw else "This value"
            where = f" on page {prov.page}" if prov.page else ""
            msg = (f"{path}: {seen}{where} was read with {prov.confidence:.0%} confidence (under "
                   f"{threshold:.0%}): check it against the document, correct it or accept it as read.")
        issues.append(make_issue(IssueCode.LOW_CONFIDENCE, msg, field=path, actual=prov.raw, rule=RULE))
    return issues


def merge_extraction_issues(order: CanonicalOrder, ruled: list[Issue], extracted: Iterable[Issue]) -> list[Issue]:
    """Extraction's own issues that the rules do not restate: a finding the rules made again (same code
    and field, or the same arithmetic code) is kept once, as the rules say it (they block); the engine's
    raw word-confidence warning on a field gives way to the field's calibrated confidence."""
    seen = {(i.code, i.field) for i in ruled}
    codes = {i.code for i in ruled if i.code in DOUBT_CODES}
    kept: list[Issue] = []
    for issue in extracted:
        if (issue.code, issue.field) in seen or (issue.code in codes and issue.code != IssueCode.ARITHMETIC):
            continue
        if issue.code == IssueCode.LOW_CONFIDENCE and issue.field in order.provenance:
            continue
        kept.append(issue)
    return kept
