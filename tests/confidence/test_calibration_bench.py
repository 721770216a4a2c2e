"""bench/calibration.py on a real PDF with gold: absent fields are labelled, earlier engines' readings join the fit."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from confidence_docs import LINES, clean_po

from orderflow.bench import calibration as cal


def _corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus" / "po"
    folder.mkdir(parents=True)
    (folder / "northwind_4500012345.pdf").write_bytes(clean_po())
    gold = {"po_number": "4500012345", "buyer": "Northwind Industrial Supply Ltd", "currency": "USD",
            "ship_to": {"name": "Northwind Industrial Supply Ltd", "address": "45 Dock Street, Leeds LS2 7QA"},
            "lines": [{"line_no": no, "customer_part": code, "description": desc, "qty": str(qty), "uom": uom,
                       "unit_price": str(price), "amount": str(qty * price)}
                      for no, code, desc, qty, uom, price in LINES]}
    (folder / "northwind_4500012345.expected.json").write_text(json.dumps(gold))
    return folder


def test_earlier_readings_join_the_fit_labelled_against_the_gold(tmp_path: Path) -> None:
    folder, cache = _corpus(tmp_path), tmp_path / "cache"
    [doc] = cal.collect([str(folder)])
    cal.extract_raw(doc, cache, ocr=False)
    cal.label(doc)
    assert doc.labels["po_number"] == 1 and doc.labels["lines[0].qty"] == 1
    [entry] = list(cache.glob("*.json"))
    # an earlier engine read the first quantity wrong and missed the buyer and the PO number
    earlier = doc.extraction.model_copy(deep=True)
    order = earlier.orders[0]
    order.lines[0] = order.lines[0].model_copy(update={"qty": Decimal("12")})
    earlier.orders[0] = order.model_copy(update={"buyer": None, "po_number": None})
    version = entry.name.split(".")[-3]
    (cache / entry.name.replace(version, "0123456789ab")).write_text(earlier.model_dump_json())

    [past] = cal.history([doc], cache, ocr=False)
    assert past.labels["lines[0].qty"] == 0 and past.labels["lines[1].qty"] == 1
    assert past.labels["po_number"] == 0 and past.labels["buyer.name"] == 0  # absent, while the gold has them
    assert {"po_number", "buyer.name"} <= past.absent
    kinds = {ev.path: ev.kind for ev in past.evidence}
    assert kinds["po_number"] == "absent.po_number" and kinds["buyer.name"] == "absent.buyer"
    # today's reading is never taken as an earlier one
    assert cal.history([doc], cache, ocr=True) == []
    (cache / entry.name.replace(version, "0123456789ab")).unlink()
    assert cal.history([doc], cache, ocr=False) == []
