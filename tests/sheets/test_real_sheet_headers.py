"""Issue 19, the spreadsheet path on real flat files (docs/real/po): a party spread over several columns
("Ship To Name", "Ship To Address 1", "Ship to City", "Ship To State", "Ship to Zip") beside a location
code column, the terms' text column beside its parts, and the PO total column. Checked against gold."""

from __future__ import annotations

import json

import pytest

from orderflow.bench.accuracy import holdout_stems, predicted_dict, same
from orderflow.extractors import ExtractContext, extract
from tests.fixtures.shared import CORPUS

REAL = CORPUS / "docs" / "real" / "po"


@pytest.mark.parametrize("stem", ["awg_93659", "kehe_3218278"])
def test_flat_file_party_columns_terms_and_total(stem):
    assert stem not in holdout_stems()
    gold = json.loads((REAL / f"{stem}.expected.json").read_text())
    ship = gold.get("ship_to") or {}
    gold = {**gold, "ship_to.name": ship.get("name"), "ship_to.address": ship.get("address")}
    doc = REAL / f"{stem}.csv"
    result = extract(doc.read_bytes(), ExtractContext(filename=doc.name, ocr=False))
    got = predicted_dict(result.orders[0].to_json_dict())
    keys = ("po_number", "po_date", "ship_to.name", "ship_to.address", "payment_terms", "total")
    wrong = {k: (gold.get(k), got.get(k)) for k in keys if not same(k, gold.get(k), got.get(k))}
    assert not wrong, wrong


@pytest.mark.parametrize("stem", ["awg_93659", "kehe_3218278"])
def test_record_typed_flat_file_lines(stem):
    """An SPS-style export mixes header (H), note (O) and allowance (I) records with the detail (D)
    rows: only rows with an item make lines (they were read as empty lines and shifted every line
    after them), "Buyer's Catalog or Stock Keeping #" is the buyer's part, "PO Total Amount" is no
    line amount."""
    gold = json.loads((REAL / f"{stem}.expected.json").read_text())
    doc = REAL / f"{stem}.csv"
    result = extract(doc.read_bytes(), ExtractContext(filename=doc.name, ocr=False))
    got = predicted_dict(result.orders[0].to_json_dict())
    assert len(got["lines"]) == len(gold["lines"])
    keys = ("sku", "customer_part", "description", "qty", "uom", "unit_price", "amount")
    wrong = [(i, k, gl.get(k), pl.get(k)) for i, (gl, pl) in enumerate(zip(gold["lines"], got["lines"], strict=True))
             for k in keys if not same(k, gl.get(k), pl.get(k))]
    assert not wrong, wrong
