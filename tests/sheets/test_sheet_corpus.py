"""Corpus spreadsheets against their hand-checked gold, field by field."""

from __future__ import annotations

import pytest
from sheets_conf import load_gold, score_order

from orderflow.extractors import ExtractContext, extract

# (file, minimum share of correct fields reached; every field listed must be right)
CASES = [
    ("flipkart_FDMWG06657830.csv", 1.0),
    ("bigbasket_IRA26146854.xlsx", 1.0),
    ("swiggy_JCNPO173907.xls", 1.0),
    ("zomato_ZHPGJ26-PO-2009516.xlsx", 1.0),  # buyer from the footer: "<Name>\nRegistered Address :"
]


@pytest.mark.parametrize(("filename", "level"), CASES)
def test_corpus_spreadsheet_matches_gold(corpus, filename, level):
    name = filename.rsplit(".", 1)[0]
    result = extract((corpus / filename).read_bytes(), ExtractContext(filename=filename))
    assert result.format == "spreadsheet"
    assert len(result.orders) == 1
    scores = score_order(result.orders[0], load_gold(name))
    wrong = [k for k, ok in scores.items() if not ok]
    assert sum(scores.values()) / len(scores) >= level, wrong
    # lines and money are always exact
    assert not [k for k in wrong if k.startswith("lines") or k in ("total", "po_number", "po_date")], wrong


def test_corpus_provenance_points_at_cells(corpus):
    result = extract((corpus / "bigbasket_IRA26146854.xlsx").read_bytes())
    order = result.orders[0]
    p = order.provenance["lines[0].qty"]
    assert (p.sheet, p.cell, p.raw, p.extractor) == ("26146854AUTO-PO", "G20", "4", "spreadsheet")
    assert 0 < p.confidence <= 1
    assert order.provenance["lines[11].amount"].cell == "W31"
    assert order.provenance["po_number"].cell == "A18"
    assert order.provenance["declared_total"].cell == "W32"


def test_swiggy_wrapped_descriptions_and_float_noise(corpus):
    order = extract((corpus / "swiggy_JCNPO173907.xls").read_bytes()).orders[0]
    assert order.lines[3].description == "JIVO COLD PRESSED MUSTARD OIL 5L 5.00 LTRS"
    assert str(order.lines[3].amount) == "13999.999950000001"
    assert order.provenance["lines[0].description"].sheet == "Report"


def test_zomato_indian_grouping_text_amount(corpus):
    order = extract((corpus / "zomato_ZHPGJ26-PO-2009516.xlsx").read_bytes()).orders[0]
    assert [str(ln.amount) for ln in order.lines][2:4] == ["153592.32", "110985"]
    assert len(order.lines) == 6  # the empty "Delivery Charge" row is not a line
