"""Real flat-file CSV purchase orders (SPS-style EDI 850 exports, docs/real/po): one test per cause of issue 19.

These exports put one record per row with a Record Type column: a header record (H), allowance/charge
records (C, I) and note records (O) sit between the detail records (D). Only the detail records are
order lines; the header record still carries the PO date, ship-to, terms and total.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from fixtures.real_docs import extract_real

from orderflow.bench.accuracy import predicted_dict, same


def _read(stem: str) -> tuple[dict, dict]:
    result, gold = extract_real(stem, ".csv")
    assert len(result.orders) == 1, result.issues
    return result.orders[0].to_json_dict(), gold


def test_header_allowance_and_note_records_are_not_lines():
    """KeHE: 18 records, 9 of them details; the H record's total and terms still reach the order."""
    got, want = _read("kehe_3218278")
    assert len(got["lines"]) == len(want["lines"]) == 9
    assert [ln["line_no"] for ln in got["lines"]] == [str(n) for n in range(1, 10)]
    assert Decimal(got["declared_total"]) == Decimal("7413.5")
    assert got["payment_terms"] == "1% 15 NET 30"
    first = got["lines"][0]
    assert (first["sku"], first["customer_part"], first["description"]) == (
        "17-041-1", "00110368", "BRUSCHETTA ARTICHOKE")
    assert (Decimal(first["qty"]), first["uom"], Decimal(first["unit_price"])) == (Decimal(24), "Case",
                                                                                     Decimal("13.5"))


def test_po_line_and_buyers_catalog_columns():
    """AWG (another SPS export): "PO Line #" is the line number, "Buyer's Catalog or Stock Keeping #" the
    buyer's item; every detail line matches the gold answer."""
    got, want = _read("awg_93659")
    assert len(got["lines"]) == len(want["lines"]) == 13
    for g, w in zip(got["lines"], want["lines"], strict=True):
        assert (g["line_no"], g["customer_part"], g["sku"]) == (w["line_no"], w["customer_part"], w["sku"])
        assert Decimal(g["qty"]) == Decimal(w["qty"]) and Decimal(g["unit_price"]) == Decimal(w["unit_price"])


@pytest.mark.parametrize("stem", ["awg_93659", "kehe_3218278"])
def test_every_line_field_of_the_detail_records(stem):
    """Only rows with an item make lines (header/note/allowance records were read as empty lines and
    shifted every line after them); "PO Total Amount" is no line amount: every line field as the gold."""
    got, want = _read(stem)
    got = predicted_dict(got)
    assert len(got["lines"]) == len(want["lines"])
    keys = ("sku", "customer_part", "description", "qty", "uom", "unit_price", "amount")
    wrong = [(i, k, gl.get(k), pl.get(k)) for i, (gl, pl) in enumerate(zip(want["lines"], got["lines"], strict=True))
             for k in keys if not same(k, gl.get(k), pl.get(k))]
    assert not wrong, wrong
