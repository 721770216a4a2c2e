"""Availability: can we ship what the line asks, when it asks? Tell the truth before accepting.

Available-to-promise for one SKU at a date D (base UOM, summed over the counted warehouses):

    ATP(D) = on hand − committed (ERP open sales) − reserved (our own open orders not yet in the
             ERP's committed figure, ``ValidationContext.reserved``) − earlier lines of this order
             + incoming (open purchases, planned moves) expected on or before D

The line ships no earlier than today + lead time (the customer's own lead time for the SKU,
then the customer's general one, then its parent account's, then the item's). A requested date
before that gets LEAD_TIME. When ATP at the ship date is below the line's quantity the line is
short (AVAILABILITY_SHORT, with the quantity available, the earliest date the full quantity can
ship, and the split); the customer's ``ship_policy`` (or the one a CSR chose for this order,
``ValidationContext.ship_policy``) decides what we promise:

- ``partial`` (default): ship what is available now, backorder the rest for the date incoming
  supply covers it (ack IB); no such date → ship what we have, the rest is cancelled (IQ);
- ``complete``: the whole order ships together on the latest line's full date (IB for short
  lines, DR for lines whose date moved);
- ``reject_short``: short lines are rejected (IR).

A snapshot without any stock or incoming record (no stock data at all) skips the shortage part:
"unknown" is never reported as "short". A SKU missing from a snapshot that has stock data has
nothing on hand.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal
from typing import Any

from orderflow.canonical import CanonicalOrder, Issue, IssueCode, ReferenceData, Suggestion
from orderflow.canonical.reservations import reserved_quantities as reserved_quantities  # re-exported
from orderflow.validators.cache import _section, customer_chain, customer_index, item_index
from orderflow.validators.model import ResolvedLine, ValidationConfig, ValidationContext, fmt, make_issue

RULE = "availability"
ZERO = Decimal(0)


@dataclass
class SkuSupply:
    """One SKU's supply: net stock now and incoming as (sorted dates, cumulative quantities)."""

    net_now: Decimal
    dates: list[dt.date]
    cumulative: list[Decimal]

    def incoming_by(self, day: dt.date) -> Decimal:
        n = bisect.bisect_right(self.dates, day)
        return self.cumulative[n - 1] if n else ZERO

    def date_covering(self, missing: Decimal) -> dt.date | None:
        """First date by which incoming adds up to ``missing`` (None if it never does)."""
        if missing <= 0:
            return None
        n = bisect.bisect_left(self.cumulative, missing)
        return self.dates[n] if n < len(self.dates) else None


@dataclass
class AvailabilityIndex:
    has_data: bool
    supply: dict[str, SkuSupply]
    lead_times: dict[tuple[str, str | None], int]  # (customer_id, SKU upper | None) → days


_EMPTY = SkuSupply(ZERO, [], [])


def availability_index(ref: ReferenceData, warehouses: Iterable[str] | None = None) -> AvailabilityIndex:
    """Per-SKU supply and lead-time lookups, built once per snapshot (and warehouse selection)."""
    wanted = frozenset(w.upper() for w in warehouses) if warehouses is not None else None

    def build() -> AvailabilityIndex:
        net: dict[str, Decimal] = defaultdict(Decimal)
        for s in ref.stock:
            if wanted is None or s.warehouse.upper() in wanted:
                net[s.sku.upper()] += s.on_hand - s.committed
        moves: dict[str, dict[dt.date, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
        for m in ref.incoming:
            if m.qty > 0 and (wanted is None or m.warehouse.upper() in wanted):
                moves[m.sku.upper()][m.expected_date] += m.qty
        supply: dict[str, SkuSupply] = {}
        for sku in net.keys() | moves.keys():
            by_date = moves.get(sku) or {}
            dates = sorted(by_date)
            cumulative: list[Decimal] = []
            running = ZERO
            for day in dates:
                running += by_date[day]
                cumulative.append(running)
            supply[sku] = SkuSupply(net.get(sku, ZERO), dates, cumulative)
        lead = {(x.customer_id, x.sku.upper() if x.sku else None): x.days for x in ref.lead_times}
        return AvailabilityIndex(bool(ref.stock or ref.incoming), supply, lead)

    name = "availability" if wanted is None else "availability:" + ",".join(sorted(wanted))
    return _section(ref, name, (ref.stock, ref.incoming, ref.lead_times), build)


def lead_time_days(ref: ReferenceData, customer_id: str | None, sku: str, index: AvailabilityIndex | None = None) -> int:
    """Days from order to shipment: customer+SKU, customer, parent accounts, then the item's own."""
    index = index or availability_index(ref)
    key = sku.upper()
    if customer_id and index.lead_times:
        for cid in customer_chain(ref, customer_id):
            for probe in ((cid, key), (cid, None)):
                if probe in index.lead_times:
                    return index.lead_times[probe]
    item = item_index(ref).by_code.get(key)
    return (item.lead_time_days or 0) if item else 0


def _whole(qty: Decimal, ordered: Decimal) -> Decimal:
    """A quantity in the ordered UOM, floored to whole units when the order itself is whole."""
    if ordered == ordered.to_integral_value():
        return qty.to_integral_value(rounding=ROUND_FLOOR)
    return qty


def _reserved_for(reserved: Any, keys: set[str]) -> dict[str, Decimal]:
    """What other orders already took of the SKUs in ``keys`` (see ``ValidationContext.reserved``)."""
    if not keys:
        return {}
    fetch = getattr(reserved, "for_skus", None)
    if fetch is not None:
        return dict(fetch(keys))
    out: dict[str, Decimal] = defaultdict(Decimal)
    for sku, qty in reserved.items():
        if sku.upper() in keys:
            out[sku.upper()] += qty
    return out


def check_availability(
    order: CanonicalOrder,
    lines: list[ResolvedLine],
    ref: ReferenceData,
    customer_id: str | None,
    ctx: ValidationContext,
    config: ValidationConfig,
) -> list[Issue]:
    """Fill the availability fields of each resolved line; return LEAD_TIME / AVAILABILITY_SHORT issues."""
    index = availability_index(ref, config.availability_warehouses)
    customer = customer_index(ref).customers.get(customer_id) if customer_id else None
    policy = ctx.ship_policy or (customer.ship_policy if customer else "partial") or "partial"
    today = config.current_date()
    taken: dict[str, Decimal] = defaultdict(Decimal, _reserved_for(ctx.reserved, {
        rl.sku.upper() for rl in lines if rl.sku}))
    issues: list[Issue] = []
    for rl in lines:
        line = order.lines[rl.index]
        requested = line.requested_date or order.requested_delivery_date
        rl.requested_date = requested.isoformat() if requested else None
        if not rl.sku or rl.factor is None or rl.base_qty is None or line.qty is None or line.qty <= 0:
            continue
        label = f"Line {line.line_no or rl.index + 1}"
        key = rl.sku.upper()
        earliest = today + dt.timedelta(days=lead_time_days(ref, customer_id, key, index))
        ship_on = earliest if requested is None or requested < earliest else requested
        if requested is not None and requested < earliest:
            issues.append(make_issue(
                IssueCode.LEAD_TIME,
                f"{label}: {rl.sku} requested for {requested.isoformat()}, but the earliest it can ship is "
                f"{earliest.isoformat()} (lead time {(earliest - today).days} days).",
                severity=config.lead_time_severity, field=f"lines[{rl.index}].requested_date",
                expected=earliest, actual=requested,
                suggestions=[Suggestion(value=earliest.isoformat(), label="earliest possible date")], rule=RULE))
        rl.ship_now_qty, rl.ship_date, rl.backorder_qty = line.qty, ship_on.isoformat(), ZERO
        rl.promised_date = ship_on.isoformat()
        rl.ack_status = "DR" if requested is not None and ship_on > requested else "IA"
        if not index.has_data:
            continue
        supply = index.supply.get(key, _EMPTY)
        start = supply.net_now - taken[key]
        atp = start + supply.incoming_by(ship_on)
        available = max(atp, ZERO)
        rl.available_now = _whole(available / rl.factor, line.qty)
        if atp >= rl.base_qty:
            taken[key] += rl.base_qty
            continue
        covered = supply.date_covering(rl.base_qty - start)
        full_date = max(covered, ship_on) if covered else None
        issues.append(_short(order, rl, label, policy, available, full_date, taken, config))
    if policy == "complete":
        _ship_complete(lines)
    return issues


def _short(
    order: CanonicalOrder, rl: ResolvedLine, label: str, policy: str, available: Decimal,
    full_date: dt.date | None, taken: dict[str, Decimal], config: ValidationConfig,
) -> Issue:
    """Decide the split for a short line by policy; record it on the line; describe it."""
    line = order.lines[rl.index]
    assert line.qty is not None and rl.factor is not None and rl.base_qty is not None
    qty, uom, key = line.qty, rl.uom or line.uom or "", (rl.sku or "").upper()
    now_qty = _whole(available / rl.factor, qty)
    full = full_date.isoformat() if full_date else None
    if policy == "reject_short":
        rl.ship_now_qty, rl.backorder_qty, rl.backorder_date = ZERO, ZERO, None
        rl.ship_date = rl.promised_date = None
        rl.ack_status = "IR"
        plan = "the customer's policy rejects short lines: this line is rejected"
    elif policy == "complete":
        rl.ship_now_qty, rl.backorder_qty, rl.backorder_date = ZERO, qty, full
        rl.ship_date = None
        rl.promised_date = full
        rl.ack_status = "IB" if full else "IR"
        if full:
            taken[key] += rl.base_qty
        plan = (f"the customer ships complete: all {fmt(qty)} {uom} on {full}" if full
                else "the customer ships complete and no date covers the full quantity: the line is rejected")
    else:
        rest = qty - now_qty
        rl.ship_now_qty, rl.backorder_qty = now_qty, rest if full else ZERO
        rl.backorder_date = full
        rl.ship_date = rl.ship_date if now_qty > 0 else None
        rl.promised_date = full or rl.ship_date
        rl.ack_status = "IB" if full else ("IQ" if now_qty > 0 else "IR")
        taken[key] += now_qty * rl.factor + (rest * rl.factor if full else ZERO)
        if full:
            plan = (f"ship {fmt(now_qty)} {uom} on {rl.ship_date}, backorder {fmt(rest)} {uom} for {full}"
                    if now_qty > 0 else f"backorder all {fmt(qty)} {uom} for {full}")
        else:
            plan = (f"ship {fmt(now_qty)} {uom} on {rl.ship_date}; no incoming supply covers the other "
                    f"{fmt(rest)} {uom}" if now_qty > 0 else "nothing available and no incoming supply: rejected")
    when = f"by {full}" if full else "on no known date"
    suggestions = []
    if now_qty > 0:
        suggestions.append(Suggestion(value=fmt(now_qty), label=f"reduce to the {fmt(now_qty)} {uom} available now"))
    if full:
        suggestions.append(Suggestion(value=fmt(qty), label=f"keep {fmt(qty)} {uom}, all shipped {full}"))
    return make_issue(
        IssueCode.AVAILABILITY_SHORT,
        f"{label}: {fmt(qty)} {uom} of {rl.sku} ordered, {fmt(rl.available_now)} {uom} available; "
        f"the full quantity can ship {when}. Plan: {plan}.",
        severity=config.availability_severity, field=f"lines[{rl.index}].qty", expected=qty,
        actual=rl.available_now, suggestions=suggestions, rule=RULE)


def _ship_complete(lines: list[ResolvedLine]) -> None:
    """Ship-complete customers get one date for the whole order: the latest line's promise."""
    dates = [rl.promised_date for rl in lines if rl.promised_date and rl.ack_status != "IR"]
    if not dates:
        return
    last = max(dates)
    for rl in lines:
        if rl.ack_status in (None, "IR") or rl.promised_date == last:
            continue
        if rl.ack_status == "IB":
            rl.backorder_date = last
        else:  # an available line waits for the rest of the order
            rl.ship_date, rl.ack_status = last, "DR"
        rl.promised_date = last
