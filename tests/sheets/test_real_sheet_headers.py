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



def test_a_sheet_letter_with_to_and_from_cards():
    """herapheri: 'To,' over 'M/s. xyz pvt ltd' (the supplier, without its salutation) and 'From,' over the
    buyer; 'Date :-' beside its date cell; 'Payment Terms - As decided by …' in one note cell."""
    stem = "herapheri_60"
    assert stem not in holdout_stems()
    gold = json.loads((REAL / f"{stem}.expected.json").read_text())
    doc = REAL / f"{stem}.xlsx"
    result = extract(doc.read_bytes(), ExtractContext(filename=doc.name, ocr=False))
    got = predicted_dict(result.orders[0].to_json_dict())
    keys = ("po_number", "po_date", "buyer", "supplier", "payment_terms")
    wrong = {k: (gold.get(k), got.get(k)) for k in keys if not same(k, gold.get(k), got.get(k))}
    assert not wrong, wrong
