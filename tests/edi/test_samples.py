"""Synthetic samples for what the corpus lacks: 5010 repetitions, SAC, SDQ, DTM 010, 860, cancel,
UNOE charset, release characters, ORDCHG."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from orderflow.canonical import Purpose
from orderflow.extractors.edifact_orders import EdifactExtractor
from orderflow.extractors.x12_850 import X12Extractor
from orderflow.review import render

SAMPLES = Path(__file__).resolve().parents[2] / "samples" / "edi"


def test_x12_5010_sac_sdq_terms_and_parties():
    r = X12Extractor().extract((SAMPLES / "x12_850_5010_sac_sdq.edi").read_bytes())
    assert not r.diagnostics and not r.issues
    o = r.orders[0]
    assert o.po_number == "PO-5010-1" and o.currency == "USD" and o.payment_terms == "2% 10 NET 30"
    assert o.requested_delivery_date == dt.date(2026, 3, 15) and o.references["DTM010"] == "2026-03-10"
    assert o.references["CT"] == "CONTRACT-9"  # 5010 repetition: first repeat kept
    assert o.buyer.ids == {"92": "BY01"} and o.buyer.contact == "JANE BUYER, 5550100"
    assert o.ship_to.address.city == "NEWARK" and o.ship_to.address.lines == ["100 DEPOT RD", "DOCK 4"]
    assert o.bill_to.ids == {"92": "AP01"}
    assert o.charges[0].kind == "charge" and o.charges[0].amount == Decimal("25.00")
    l1, l2 = o.lines
    assert (l1.sku, l1.customer_part, l1.gtin) == ("SKU-100", "CP-100", "012345678905")
    assert l1.charges[0].kind == "allowance" and l1.charges[0].amount == Decimal("5.00")
    assert [(d["location"], d["qty"]) for d in l1.destinations] == [
        ("ST001", Decimal(4)),
        ("ST002", Decimal(6)),
    ]
    assert l2.ids["VN"] == "SKU-200" and l2.requested_date == dt.date(2026, 3, 20)
    assert o.declared_total == Decimal(160) and o.declared_line_count == 2
    # per-segment provenance: the segment index and element position, the text from the document
    where = o.provenance["po_number"]
    assert where.raw is None and where.element == 3
    segment = render.split_segments((SAMPLES / "x12_850_5010_sac_sdq.edi").read_bytes())[where.segment]
    assert segment.startswith("BEG*00*SA*PO-5010-1")


def test_x12_860_and_cancel():
    r = X12Extractor().extract((SAMPLES / "x12_860_change_and_850_cancel.edi").read_bytes())
    change, cancel = r.orders
    assert change.purpose == Purpose.CHANGE and change.source.format == "x12_860" and change.revision == 2
    assert [(ln.change_code, ln.qty) for ln in change.lines] == [("QI", Decimal(12)), ("DI", Decimal(0))]
    assert cancel.purpose == Purpose.CANCEL and cancel.po_number == "PO-OLD-9"


def test_edifact_unoe_release_and_ordchg():
    r = EdifactExtractor().extract((SAMPLES / "edifact_orders_unoe_release_ordchg.edi").read_bytes())
    assert not r.diagnostics
    o, chg = r.orders
    assert o.buyer.name == "Покупатель" and o.lines[0].description == "Болт 10x20"
    assert o.lines[0].ids == {"EN": "4601234567893", "SA": "ART+1", "IN": "CUST:7"}
    assert o.lines[0].unit_price == Decimal("1.50") and o.currency == "RUB"
    assert o.payment_terms == "30 days after invoice date"
    assert chg.purpose == Purpose.CHANGE and chg.lines[0].change_code == "3"
