"""Ship-to resolution among the customer's delivery addresses.

Location codes (N1*ST*..*92*0042, NAD+DP GLN) decide first; otherwise name + address are
scored against each ship-to. A weak or ambiguous match is not guessed: SHIP_TO_UNKNOWN
offers the closest addresses.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rapidfuzz import fuzz

from orderflow.canonical import CanonicalOrder, Issue, IssueCode, ReferenceData, ShipTo, Suggestion
from orderflow.validators.cache import customer_index
from orderflow.validators.model import ValidationConfig, make_issue
from orderflow.validators.text import norm_code, norm_text

RULE = "ship_to"


@dataclass
class ShipToMatch:
    ship_to_id: str | None
    how: str | None = None  # id | only | address
    issues: list[Issue] = field(default_factory=list)


def _text(ship: ShipTo) -> str:
    return norm_text(" ".join([ship.name, ship.address.one_line() if ship.address else ""]))


def resolve_ship_to(
    order: CanonicalOrder, ref: ReferenceData, customer_id: str | None, config: ValidationConfig,
    chosen: str | None = None,
) -> ShipToMatch:
    """``chosen``: the ship-to a person picked in review (``ValidationContext.ship_to_id``); it decides when it
    is one of the customer's delivery addresses."""
    if not customer_id:
        return ShipToMatch(None)  # CUSTOMER_UNKNOWN already says what to do
    candidates = customer_index(ref).ship_tos.get(customer_id, [])
    party = order.ship_to
    if not candidates:
        return ShipToMatch(None, issues=[make_issue(
            IssueCode.SHIP_TO_UNKNOWN, f"Customer {customer_id} has no delivery address in the ERP: add one.",
            field="ship_to", rule=RULE)])
    if chosen:
        picked = [s for s in candidates if s.id == chosen or norm_code(s.id) == norm_code(chosen)]
        if picked:
            return ShipToMatch(picked[0].id, "csr")
        return ShipToMatch(None, issues=[make_issue(
            IssueCode.SHIP_TO_UNKNOWN, f"Ship-to '{chosen}' chosen in review is not a delivery address of customer "
            f"{customer_id}: pick one of its addresses.", field="ship_to", actual=chosen,
            suggestions=[Suggestion(value=s.id, label=_label(s)) for s in candidates[:5]], rule=RULE)])
    if party is None or (not party.ids and not party.name and not party.address):
        if len(candidates) == 1:
            return ShipToMatch(candidates[0].id, "only")
        return ShipToMatch(None, issues=[make_issue(
            IssueCode.SHIP_TO_UNKNOWN, "The order has no ship-to and the customer has several: pick one.",
            field="ship_to", suggestions=[Suggestion(value=s.id, label=_label(s)) for s in candidates[:5]],
            rule=RULE)])

    # 1. Location ids: same qualifier first, then any qualifier, then our own ship-to id.
    wanted = {(q.strip(), norm_code(v)) for q, v in party.ids.items() if v}
    values = {v for _q, v in wanted}
    for matcher in (
        lambda s: any((q, norm_code(v)) in wanted for q, v in s.ids.items()),
        lambda s: any(norm_code(v) in values for v in s.ids.values()),
        lambda s: norm_code(s.id) in values,
    ):
        hits = [s for s in candidates if matcher(s)]
        if len(hits) == 1:
            return ShipToMatch(hits[0].id, "id")

    # 2. Name and address, fuzzy; a matching postal code adds confidence.
    query = norm_text(" ".join(p for p in [party.name or "", party.address.one_line() if party.address else ""] if p))
    scored: list[tuple[float, ShipTo]] = []
    if query:
        postal = norm_code(party.address.postal_code) if party.address and party.address.postal_code else ""
        for s in candidates:
            score = float(fuzz.token_set_ratio(query, _text(s)))
            if postal and s.address and s.address.postal_code:
                score = min(100.0, score + 5) if norm_code(s.address.postal_code) == postal else score - 10
            scored.append((score, s))
        scored.sort(key=lambda t: -t[0])
        top = scored[0][0]
        runner_up = scored[1][0] if len(scored) > 1 else 0.0
        if top >= config.fuzzy_accept_score and top - runner_up >= config.fuzzy_accept_margin:
            return ShipToMatch(scored[0][1].id, "address")
    printed = party.name or (party.address.one_line() if party.address else None) or ", ".join(party.ids.values())
    return ShipToMatch(None, issues=[make_issue(
        IssueCode.SHIP_TO_UNKNOWN,
        f"Ship-to '{printed}' does not match any delivery address of customer {customer_id}: pick the right one "
        "or ask the ERP team to add it.",
        field="ship_to", actual=printed,
        suggestions=[Suggestion(value=s.id, label=_label(s), score=round(max(sc, 0.0), 1)) for sc, s in scored[:3]]
        or [Suggestion(value=s.id, label=_label(s)) for s in candidates[:3]],
        rule=RULE)])


def _label(ship: ShipTo) -> str:
    return f"{ship.name}, {ship.address.one_line()}" if ship.address else ship.name
