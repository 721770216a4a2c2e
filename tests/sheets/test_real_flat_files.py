"""Real flat-file CSV purchase orders (SPS-style EDI 850 exports, docs/real/po): one test per cause of issue 19.

These exports put one record per row with a Record Type column: a header record (H), allowance/charge
records (C, I) and note records (O) sit between the detail records (D). Only the detail records are
order lines; the header record still carries the PO date, ship-to, terms and total.
"""

from __future__ import annotations

import json
from decimal import Decimal

from fixtures.shared import CORPUS

from orderflow.bench.accuracy import holdout_stems
from orderflow.extractors import ExtractContext, extract

REAL = CORPUS / "docs" / "real" / "po"


def _read(stem: str) -> tuple[dict, dict]:
    assert stem not in holdout_stems(), "hold-out documents are scored only at the end, never tested on"
    path = REAL / f"{stem}.csv"
    ex = extract(path.read_bytes(), ExtractContext(filename=path.name, ocr=False))
    assert len(ex.orders) == 1, ex.issues
    return ex.orders[0].to_json_dict(), json.loads((REAL / f"{stem}.expected.json").read_text())


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
