"""The reference data the quote tests seed into Tryton (module name unique across tests/)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from fixtures.tryton import demo_reference

from orderflow.canonical import Quote, QuoteLine, ReferenceData

D = Decimal
SEEDED_VALID_TO = dt.date.today() + dt.timedelta(days=40)
SEEDED_EXPIRED = dt.date.today() - dt.timedelta(days=10)


def quotes_reference() -> ReferenceData:
    """The shared demo catalogue plus three quotes (one expired, one for an unknown customer)."""
    ref = demo_reference()
    ref.quotes = [
        Quote(number="Q-SEED-1", customer_id="C001", valid_to=SEEDED_VALID_TO, lines=[
            QuoteLine(sku="WID-100", qty=D(50), price=D("2.40"), uom="EA"),
            QuoteLine(sku="BOLT-M8", qty=D(2), price=D("9.50"), uom="BX")]),
        Quote(number="Q-SEED-OLD", customer_id="C002", valid_to=SEEDED_EXPIRED, lines=[
            QuoteLine(sku="GRS-1KG", qty=D("2.5"), price=D("6.75"), uom="KG")]),
        Quote(number="Q-SEED-NOBODY", customer_id="C999", lines=[
            QuoteLine(sku="WID-100", qty=D(1), price=D(1), uom="EA")]),
    ]
    return ref
