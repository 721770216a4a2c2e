"""Reference data pulled from the ERP: the facts every validation rule checks against.

Rules receive a ``ReferenceData`` value; they never open a database. Indexes are built
once so that lookups stay O(1) on a 100,000-item catalog.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import cached_property

from pydantic import BaseModel, ConfigDict, Field

from orderflow.canonical.order import Address, Dec


class _Ref(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False)


class Item(_Ref):
    sku: str
    description: str = ""
    gtin: str | None = None
    base_uom: str = "EA"
    sellable_uoms: list[str] = Field(default_factory=lambda: ["EA"])
    case_pack: Dec | None = None  # order multiple, in base UOM
    min_order_qty: Dec | None = None  # in base UOM
    active: bool = True
    lead_time_days: int | None = None


class UomConversion(_Ref):
    """``1 from_uom = factor to_uom``; ``sku`` None means it holds for every item."""

    from_uom: str
    to_uom: str
    factor: Dec
    sku: str | None = None


class Customer(_Ref):
    id: str
    name: str
    parent_id: str | None = None
    email_domains: list[str] = Field(default_factory=list)
    emails: list[str] = Field(default_factory=list)
    edi_ids: list[str] = Field(default_factory=list)  # ISA06/GS02/UNB sender ids
    currency: str = "USD"
    active: bool = True
    ship_policy: str = "partial"  # partial | complete | reject_short


class ShipTo(_Ref):
    customer_id: str
    id: str
    name: str
    address: Address | None = None
    ids: dict[str, str] = Field(default_factory=dict)  # e.g. {"92": "0042"} buyer location codes


class CrossReference(_Ref):
    customer_id: str
    customer_part: str
    sku: str
    uom: str | None = None
    source: str = "erp"  # erp | learned | manual
    created_by: str | None = None
    created_at: dt.datetime | None = None


class PriceAgreement(_Ref):
    id: str
    customer_id: str
    sku: str
    price: Dec
    uom: str = "EA"
    currency: str = "USD"
    min_qty: Dec = Decimal(0)  # quantity break, in ``uom``
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None


class CreditRecord(_Ref):
    customer_id: str
    limit: Dec
    open_receivables: Dec = Decimal(0)
    open_orders: Dec = Decimal(0)
    hold: bool = False
    as_of: dt.datetime | None = None

    @property
    def exposure(self) -> Decimal:
        return self.open_receivables + self.open_orders


class StockRecord(_Ref):
    sku: str
    warehouse: str = "MAIN"
    on_hand: Dec = Decimal(0)
    committed: Dec = Decimal(0)


class IncomingSupply(_Ref):
    sku: str
    warehouse: str = "MAIN"
    qty: Dec
    expected_date: dt.date


class CustomerLeadTime(_Ref):
    """A customer's own lead time (days from order to shipment); ``sku`` None = all its items.

    Overrides ``Item.lead_time_days`` where a customer has a different agreement (e.g. direct delivery).
    """

    customer_id: str
    sku: str | None = None
    days: int


class QuoteLine(_Ref):
    sku: str
    qty: Dec
    price: Dec
    uom: str = "EA"


class Quote(_Ref):
    number: str
    customer_id: str
    valid_to: dt.date | None = None
    lines: list[QuoteLine] = Field(default_factory=list)


class ReferenceData(_Ref):
    """A snapshot of the ERP's reference data, with lookup indexes."""

    items: list[Item] = Field(default_factory=list)
    uom_conversions: list[UomConversion] = Field(default_factory=list)
    customers: list[Customer] = Field(default_factory=list)
    ship_tos: list[ShipTo] = Field(default_factory=list)
    cross_references: list[CrossReference] = Field(default_factory=list)
    price_agreements: list[PriceAgreement] = Field(default_factory=list)
    credit: list[CreditRecord] = Field(default_factory=list)
    stock: list[StockRecord] = Field(default_factory=list)
    incoming: list[IncomingSupply] = Field(default_factory=list)
    quotes: list[Quote] = Field(default_factory=list)
    lead_times: list[CustomerLeadTime] = Field(default_factory=list)
    as_of: dt.datetime | None = None
    source: str = "samples"

    @cached_property
    def items_by_sku(self) -> dict[str, Item]:
        return {i.sku.upper(): i for i in self.items}

    @cached_property
    def items_by_gtin(self) -> dict[str, Item]:
        return {i.gtin.lstrip("0"): i for i in self.items if i.gtin}

    @cached_property
    def customers_by_id(self) -> dict[str, Customer]:
        return {c.id: c for c in self.customers}

    @cached_property
    def xref_index(self) -> dict[tuple[str, str], CrossReference]:
        return {(x.customer_id, x.customer_part.upper()): x for x in self.cross_references}

    @cached_property
    def credit_by_customer(self) -> dict[str, CreditRecord]:
        return {c.customer_id: c for c in self.credit}

    def item(self, sku: str | None) -> Item | None:
        return self.items_by_sku.get(sku.upper()) if sku else None

    def customer(self, customer_id: str | None) -> Customer | None:
        return self.customers_by_id.get(customer_id) if customer_id else None

    def invalidate(self) -> None:
        """Drop cached indexes after the lists were changed in place."""
        for name in ("items_by_sku", "items_by_gtin", "customers_by_id", "xref_index", "credit_by_customer"):
            self.__dict__.pop(name, None)
