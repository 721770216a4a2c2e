"""Lookup indexes over one ReferenceData, built once and reused by every rule.

Why here and not in canonical: the indexes are matching policy (normalised codes, fuzzy
choice lists, n-gram blocking), not data. They are kept per ReferenceData instance
(released when it is garbage-collected) and rebuilt per section when that section's
lists change identity or length, so appending a learned cross-reference is picked up
without rebuilding the 100,000-item fuzzy index.
"""

from __future__ import annotations

import weakref
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from orderflow.canonical import (
    CreditRecord,
    CrossReference,
    Customer,
    Item,
    PriceAgreement,
    ReferenceData,
    ShipTo,
)
from orderflow.validators.text import norm_code, norm_gtin, norm_text, partner_id_variants

# id(ReferenceData) → section → (signature, index). Kept outside the model so that copying,
# pickling or comparing a snapshot never drags the indexes along.
_CACHES: dict[int, dict[str, tuple[tuple[int, ...], Any]]] = {}
_XREF_PRIORITY = {"manual": 0, "erp": 1, "learned": 2}


@dataclass
class CustomerIndex:
    customers: dict[str, Customer]
    customer_by_id_upper: dict[str, Customer]
    customer_by_edi: dict[str, Customer]
    customer_by_email: dict[str, Customer]
    customer_by_domain: dict[str, Customer]
    customer_names: dict[str, str]  # id → normalised name (fuzzy choices)
    ship_tos: dict[str, list[ShipTo]]
    credit: dict[str, CreditRecord]


@dataclass
class ItemIndex:
    by_code: dict[str, Item]  # norm_code(sku) → item
    by_gtin: dict[str, Item]
    positions: list[Item]  # active items, fuzzy choice positions
    codes: list[str]  # norm_code(sku) per position
    descs: list[str]  # norm_text(description) per position
    conversions: dict[str | None, dict[str, list[tuple[str, Decimal]]]]  # sku|None → uom → [(uom, factor)]
    _grams: dict[str, list[int]] | None = None
    _tokens: dict[str, list[int]] | None = None
    _factors: dict[tuple[str, str, str], Decimal | None] = field(default_factory=dict)

    @property
    def grams(self) -> dict[str, list[int]]:
        """Character trigram → positions, for blocking the code search (built on first use)."""
        if self._grams is None:
            grams: dict[str, list[int]] = defaultdict(list)
            for pos, code in enumerate(self.codes):
                for g in {code[i : i + 3] for i in range(len(code) - 2)}:
                    grams[g].append(pos)
            self._grams = dict(grams)
        return self._grams

    @property
    def tokens(self) -> dict[str, list[int]]:
        """Description word → positions, for blocking the description search."""
        if self._tokens is None:
            tokens: dict[str, list[int]] = defaultdict(list)
            for pos, desc in enumerate(self.descs):
                for t in set(desc.split()):
                    tokens[t].append(pos)
            self._tokens = dict(tokens)
        return self._tokens

    def factor(self, sku: str, from_uom: str, to_uom: str) -> Decimal | None:
        """How many ``to_uom`` in one ``from_uom`` for this item, following chains (PL→CA→EA)."""
        if from_uom == to_uom:
            return Decimal(1)
        key = (sku.upper(), from_uom, to_uom)
        if key not in self._factors:
            self._factors[key] = self._walk(sku.upper(), from_uom, to_uom)
        return self._factors[key]

    def _walk(self, sku: str, start: str, goal: str) -> Decimal | None:
        edges: dict[str, list[tuple[str, Decimal]]] = defaultdict(list)
        for source in (self.conversions.get(sku, {}), self.conversions.get(None, {})):
            for uom, outs in source.items():
                edges[uom].extend(outs)
        seen = {start}
        queue: deque[tuple[str, Decimal]] = deque([(start, Decimal(1))])
        while queue:
            uom, acc = queue.popleft()
            for nxt, f in edges.get(uom, []):
                if nxt in seen:
                    continue
                if nxt == goal:
                    return acc * f
                seen.add(nxt)
                queue.append((nxt, acc * f))
        return None


@dataclass
class XrefIndex:
    by_part: dict[tuple[str, str], CrossReference]  # (customer_id, norm_code(part)) → xref


@dataclass
class PriceIndex:
    by_customer_sku: dict[tuple[str, str], list[PriceAgreement]]


def _store(ref: ReferenceData) -> dict[str, tuple[tuple[int, ...], Any]]:
    key = id(ref)
    store = _CACHES.get(key)
    if store is None:
        store = _CACHES[key] = {}
        weakref.finalize(ref, _CACHES.pop, key, None)  # dropped with the snapshot
    return store


def _section(ref: ReferenceData, name: str, lists: tuple[list[Any], ...], build: Callable[[], Any]) -> Any:
    store = _store(ref)
    signature = tuple(x for lst in lists for x in (id(lst), len(lst)))
    hit = store.get(name)
    if hit is not None and hit[0] == signature:
        return hit[1]
    value = build()
    store[name] = (signature, value)
    return value


def customer_index(ref: ReferenceData) -> CustomerIndex:
    def build() -> CustomerIndex:
        by_edi: dict[str, Customer] = {}
        by_email: dict[str, Customer] = {}
        by_domain: dict[str, Customer] = {}
        for c in ref.customers:
            for value in c.edi_ids:
                for variant in partner_id_variants(value):
                    by_edi.setdefault(variant, c)
            for email in c.emails:
                by_email.setdefault(email.strip().lower(), c)
            for domain in c.email_domains:
                by_domain.setdefault(domain.strip().lower().lstrip("@"), c)
        ship_tos: dict[str, list[ShipTo]] = defaultdict(list)
        for s in ref.ship_tos:
            ship_tos[s.customer_id].append(s)
        return CustomerIndex(
            customers={c.id: c for c in ref.customers},
            customer_by_id_upper={c.id.upper(): c for c in ref.customers},
            customer_by_edi=by_edi, customer_by_email=by_email, customer_by_domain=by_domain,
            customer_names={c.id: norm_text(c.name) for c in ref.customers if c.active},
            ship_tos=dict(ship_tos),
            credit={r.customer_id: r for r in ref.credit},
        )

    return _section(ref, "customers", (ref.customers, ref.ship_tos, ref.credit), build)


def item_index(ref: ReferenceData) -> ItemIndex:
    def build() -> ItemIndex:
        by_code: dict[str, Item] = {}
        by_gtin: dict[str, Item] = {}
        for item in ref.items:
            by_code.setdefault(item.sku.upper(), item)
            by_code.setdefault(norm_code(item.sku), item)
            g = norm_gtin(item.gtin)
            if g:
                by_gtin.setdefault(g, item)
        active = [i for i in ref.items if i.active]
        conversions: dict[str | None, dict[str, list[tuple[str, Decimal]]]] = defaultdict(lambda: defaultdict(list))
        for c in ref.uom_conversions:
            if c.factor <= 0:
                continue
            key = c.sku.upper() if c.sku else None
            conversions[key][c.from_uom].append((c.to_uom, c.factor))
            conversions[key][c.to_uom].append((c.from_uom, Decimal(1) / c.factor))
        return ItemIndex(
            by_code=by_code, by_gtin=by_gtin, positions=active,
            codes=[norm_code(i.sku) for i in active], descs=[norm_text(i.description) for i in active],
            conversions={k: dict(v) for k, v in conversions.items()},
        )

    return _section(ref, "items", (ref.items, ref.uom_conversions), build)


def xref_index(ref: ReferenceData) -> XrefIndex:
    def build() -> XrefIndex:
        by_part: dict[tuple[str, str], CrossReference] = {}
        for x in ref.cross_references:
            key = (x.customer_id, norm_code(x.customer_part))
            old = by_part.get(key)
            if old is None or _XREF_PRIORITY.get(x.source, 1) <= _XREF_PRIORITY.get(old.source, 1):
                by_part[key] = x
        return XrefIndex(by_part)

    return _section(ref, "xrefs", (ref.cross_references,), build)


def price_index(ref: ReferenceData) -> PriceIndex:
    def build() -> PriceIndex:
        by: dict[tuple[str, str], list[PriceAgreement]] = defaultdict(list)
        for a in ref.price_agreements:
            by[(a.customer_id, a.sku.upper())].append(a)
        return PriceIndex(dict(by))

    return _section(ref, "prices", (ref.price_agreements,), build)


def customer_chain(ref: ReferenceData, customer_id: str) -> list[str]:
    """The customer, then its parent account, grandparent … (cycle-safe)."""
    customers = customer_index(ref).customers
    chain: list[str] = []
    current: str | None = customer_id
    while current and current not in chain:
        chain.append(current)
        record = customers.get(current)
        current = record.parent_id if record else None
    return chain


def invalidate(ref: ReferenceData) -> None:
    """Forget every index of ``ref``: needed only after editing records in place
    (appending or replacing lists is detected automatically)."""
    _CACHES.pop(id(ref), None)
