"""The evidence behind each confidence, and the model that turns it into P(right)."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from confidence_docs import clean_po, scan_with_wrong_layer

from orderflow.canonical import CanonicalOrder, OrderLine, Party
from orderflow.extractors import ExtractContext
from orderflow.extractors.confidence.model import encode, fit, fit_logistic, load, predict
from orderflow.extractors.confidence.signals import (
    FieldEvidence,
    evidence,
    line_arithmetic,
    total_closes,
    validate_value,
)
from orderflow.extractors.registry import extract


def test_scan_whose_text_layer_disagrees_with_ocr_gets_low_confidence_there() -> None:
    result = extract(scan_with_wrong_layer(shown_po="4500012345", layer_po="4508812846"),
                     ExtractContext(filename="scan.pdf"))
    order = result.orders[0]
    assert order.po_number == "4508812846"  # the text layer's (wrong) reading is what extraction took
    second = result.metadata["second_reading"]
    assert second["po_number"] == 0.0  # OCR of the image reads 4500012345
    assert order.provenance["po_number"].confidence < 0.8
    agreeing = [p for p, v in second.items() if v == 1.0]
    assert "lines[0].qty" in agreeing and "lines[2].amount" in agreeing
    assert all(order.provenance[p].confidence > order.provenance["po_number"].confidence for p in agreeing
               if p in order.provenance)


def test_text_pdf_without_a_scan_needs_no_second_reading() -> None:
    result = extract(clean_po(), ExtractContext(filename="po.pdf"))
    assert result.metadata["second_reading"] == {}


def test_line_arithmetic_and_total() -> None:
    ok = OrderLine(qty=Decimal("120"), unit_price=Decimal("0.85"), amount=Decimal("102.00"))
    per_100 = OrderLine(qty=Decimal("500"), unit_price=Decimal("12.00"), amount=Decimal("60.00"))
    bad = OrderLine(qty=Decimal("500"), unit_price=Decimal("0.12"), amount=Decimal("160.00"))
    unknown = OrderLine(qty=Decimal("5"), amount=Decimal("10"))
    assert [line_arithmetic(x) for x in (ok, per_100, bad, unknown)] == [1.0, 1.0, 0.0, 0.5]
    order = CanonicalOrder(lines=[ok, per_100], declared_total=Decimal("162.00"))
    assert total_closes(order) == 1.0
    assert total_closes(order.model_copy(update={"declared_total": Decimal("170")})) == 0.0


def test_value_type_validation() -> None:
    order = CanonicalOrder(po_number="4500012345", lines=[OrderLine(line_no="10", sku="10")])
    assert validate_value("buyer.name", "Acme Fasteners Inc", order) == 1.0
    assert validate_value("buyer.name", "03/14/2026", order) == 0.0
    assert validate_value("buyer.name", "PO 4500012345", order) == 0.0
    assert validate_value("supplier.name", "in a signed writing.", order) == 0.0
    assert validate_value("sku", "10", order, order.lines[0]) == 0.0  # the line number read as the item code
    assert validate_value("sku", "HX-4410", order, order.lines[0]) == 1.0
    assert validate_value("currency", "USD", order) == 1.0 and validate_value("currency", "XYZ", order) == 0.0
    assert validate_value("po_date", dt.date(1999, 1, 1), order) == 0.0
    assert validate_value("uom", "EA", order) == 1.0 and validate_value("uom", "Hex", order) == 0.0


def test_a_line_whose_numbers_disagree_lowers_every_number_in_it() -> None:
    order = CanonicalOrder(buyer=Party(name="Acme Inc"), lines=[
        OrderLine(line_no="1", qty=Decimal("120"), unit_price=Decimal("0.85"), amount=Decimal("102.00")),
        OrderLine(line_no="2", qty=Decimal("500"), unit_price=Decimal("0.12"), amount=Decimal("160.00"))])
    model = load()
    conf = {ev.path: predict(model, ev) for ev in evidence(order)}
    for key in ("qty", "unit_price", "amount"):
        assert conf[f"lines[1].{key}"] <= 0.5
        assert conf[f"lines[0].{key}"] > conf[f"lines[1].{key}"]


def test_logistic_fit_learns_the_evidence_and_stays_a_probability() -> None:
    rnd = random.Random(7)
    examples = []
    for _ in range(300):
        closes = rnd.random() < 0.5
        right = rnd.random() < (0.95 if closes else 0.3)
        examples.append((FieldEvidence("lines[0].qty", "qty", {"line_arith": 1.0 if closes else 0.0}), int(right)))
    model = fit(examples)
    good = FieldEvidence("lines[0].qty", "qty", {"line_arith": 1.0})
    bad = FieldEvidence("lines[0].qty", "qty", {"line_arith": 0.0})
    assert 0.85 < predict(model, good) < 1.0
    assert predict(model, bad) <= 0.5
    w = fit_logistic([encode({"valid": 1.0}), encode({"valid": 0.0})] * 10, [1, 0] * 10)
    assert len(w) == len(encode({}))


def test_the_readers_scan_pages_are_what_a_fresh_look_finds() -> None:
    """The PDF reader notes which pages are a scan with a text layer while it has them laid out; the second
    reading uses that instead of laying the pages out again, so it must be the same answer."""
    from orderflow.extractors.confidence.readings import scanned_text_pages  # noqa: PLC0415
    from orderflow.extractors.pdf_text import PdfExtractor  # noqa: PLC0415

    for data, want in ((scan_with_wrong_layer(shown_po="4500012345", layer_po="4508812846"), [1]), (clean_po(), [])):
        noted = PdfExtractor().extract(data, ExtractContext(filename="x.pdf"))._scanned_text_pages
        assert noted == scanned_text_pages(data) == want
        assert scanned_text_pages(data, skip={1}, known=noted) == scanned_text_pages(data, skip={1}) == []
