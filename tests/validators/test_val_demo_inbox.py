"""The demo reference data must give the demo inbox the outcomes its manifest promises."""

from __future__ import annotations

import datetime as dt
import json

from validators_helpers import SAMPLES

from orderflow.extractors.base import ExtractContext
from orderflow.extractors.registry import extract
from orderflow.validators import ExistingOrder, ValidationConfig, ValidationContext, validate

INBOX = SAMPLES.parent / "inbox"


def test_demo_inbox_validates_as_the_manifest_says(sample_ref):
    manifest = json.loads((INBOX / "manifest.json").read_text())
    existing: list[ExistingOrder] = []
    checked = 0
    for doc in manifest["documents"]:
        if doc["expect"]["document"] != "processed":
            continue
        extraction = extract((INBOX / doc["file"]).read_bytes(),
                             ExtractContext(filename=doc["file"], sender=doc["sender"], channel=doc["channel"]))
        assert len(extraction.orders) == len(doc["expect"]["orders"]), doc["file"]
        for order, expect in zip(extraction.orders, doc["expect"]["orders"], strict=True):
            if order.purpose != "original":
                continue  # a change is validated merged with its original (tests/changes), not alone
            ctx = ValidationContext(sender=doc["sender"], channel=doc["channel"], existing_orders=list(existing))
            result = validate(order, sample_ref, ctx, ValidationConfig(today=dt.date(2026, 11, 23)))
            errors = [i.code for i in result.issues if i.blocking]
            expected = expect.get("issues", [])
            assert result.customer_id or "CUSTOMER_UNKNOWN" in expected, (doc["file"], result.issues)
            assert result.ship_to_id or {"CUSTOMER_UNKNOWN", "SHIP_TO_UNKNOWN"} & set(expected), (doc["file"],
                                                                                                 result.issues)
            assert all(rl.sku for rl in result.lines) or "SKU_UNKNOWN" in errors, doc["file"]
            if expect["state"] == "pushed":
                assert errors == [], (doc["file"], [i.message for i in result.issues])
            if "issues" in expect:  # an order in review for a business finding may also show extraction doubts
                business = [e for e in errors if e != "LOW_CONFIDENCE"]  # (they depend on the fitted model)
                assert business == expect["issues"], (doc["file"], [i.message for i in result.issues])
            existing.append(ExistingOrder(result.customer_id, order.po_number, "pushed", doc["file"]))
            checked += 1
    assert checked >= 12
