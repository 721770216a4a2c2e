"""Every real corpus sample extracts exactly its gold values (one order per ST/UNH)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from edi_helpers import corpus_files, extract_any

from orderflow.extractors import registry
from orderflow.review import render


def _dec(v):
    return None if v is None else Decimal(str(v))


def _check_party(party, gold):
    if gold is None:
        assert party is None
        return
    assert party is not None
    assert party.name == gold["name"]
    if gold["id"] is None:
        assert not party.ids.get(gold["qualifier"])
    else:
        assert party.ids == {gold["qualifier"]: gold["id"]}


def _check_order(order, gold):
    assert order.po_number == gold["po_number"]
    assert (order.po_date.isoformat() if order.po_date else None) == gold["po_date"]
    assert order.currency == gold.get("currency")
    _check_party(order.buyer, gold.get("buyer"))
    _check_party(order.ship_to, gold.get("ship_to"))
    assert len(order.lines) == len(gold["lines"])
    for line, g in zip(order.lines, gold["lines"], strict=True):
        assert line.line_no == g["line_no"]
        assert line.qty == _dec(g["qty"])
        assert line.uom == g["uom"]
        assert line.unit_price == _dec(g["unit_price"])
        assert line.ids == g["ids"]
        if "price_basis" in g:
            assert line.price_basis == g["price_basis"]
        if "description" in g:
            assert line.description == g["description"]


def check_gold(result, gold: dict) -> None:
    """An extraction against a corpus-convention gold file: order count, first order, every listed set."""
    assert len(result.orders) == gold["transaction_count"]
    _check_order(result.orders[0], gold)
    for order, g in zip(result.orders, gold.get("transactions", []), strict=False):
        _check_order(order, g)
    if gold.get("control_number"):
        controls = result.orders[0].source.control_numbers
        assert gold["control_number"] in (controls.get("ST02"), controls.get("UNH01"))


@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: p.name)
def test_corpus_gold(path: Path):
    gold = json.loads(Path(str(path) + ".expected.json").read_text())
    data = path.read_bytes()
    result = extract_any(data, path.name)
    check_gold(result, gold)
    # the registry picks the same extractor by content
    assert registry.sniff(data, path.name).name == result.format
    # provenance is per segment: the quantity resolves (exact entry, else the line's) to the
    # segment it was read from, whose text the stored document gives back
    where = result.orders[0].provenance_of("lines[0].qty")
    assert where is not None and where.raw is None
    assert render.split_segments(data)[where.segment][:3] in ("PO1", "POC", "QTY", "LIN", "SLN")


def test_corpus_covers_both_standards():
    names = [p.name for p in corpus_files()]
    assert any(n.startswith("x12_") for n in names) and any(n.startswith("edifact_") for n in names)
