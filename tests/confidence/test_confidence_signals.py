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
    description_clean,
    evidence,
    line_arithmetic,
    sequence_ok,
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
    assert total_closes(order.model_copy(update={"declared_total": Decimal("191.16")})) == 1.0  # + 18% GST


def test_value_type_validation() -> None:
    order = CanonicalOrder(po_number="4500012345", lines=[OrderLine(line_no="10", sku="10")])
    assert validate_value("buyer.name", "Acme Fasteners Inc", order) == 1.0
    assert validate_value("buyer.name", "03/14/2026", order) == 0.0
    assert validate_value("buyer.name", "PO 4500012345", order) == 0.0
    # legal forms beyond GmbH/Ltd: an LLP, a Gulf W.L.L., an Indonesian PT, a Japanese 株式会社, a European SE
    for name in ("ESBEE ELECTROTECH LLP", "Uellow W.L.L", "PT. Cybertrend Intrabuana", "Demo Customer 株式会社",
                 "Bischof + Klein SE & Co. KG"):
        assert validate_value("buyer.name", name, order) == 1.0, name
    assert validate_value("buyer.name", "Uellow", order) == 0.5  # no organisation word: no evidence either way
    assert validate_value("ship_to.name", "Se Habla Espanol", order) == 0.5  # "se" is a word, not "SE"
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


def test_printed_line_numbers_with_a_gap_put_the_line_set_in_doubt() -> None:
    """Rows the table reader did not take show as a gap in the printed numbers (10, 20, 40) or a lone
    line that is not the first step (only line 40 of five was read)."""
    def order(*numbers: str) -> CanonicalOrder:
        return CanonicalOrder(po_number="4500012345", buyer=Party(name="Acme Inc"), lines=[
            OrderLine(line_no=n, sku=f"HX-{n}", description="Hex Cap Screw", qty=Decimal("2"),
                      unit_price=Decimal("1.50"), amount=Decimal("3.00")) for n in numbers])
    assert [sequence_ok(order(*ns)) for ns in (("10", "20", "30"), ("00010", "00020"), ("1",), ("132001", "132002"))
            ] == [1.0, 1.0, 1.0, 1.0]
    assert [sequence_ok(order(*ns)) for ns in (("10", "20", "40"), ("40",), ("2",))] == [0.0, 0.0, 0.0]
    model = load()
    conf = {ev.path: predict(model, ev) for ev in evidence(order("10", "20", "40"))}
    assert conf["lines"] <= 0.5
    assert {ev.path: predict(model, ev) for ev in evidence(order("10", "20", "30"))}["lines"] > 0.5


def test_a_description_that_swallowed_a_date_or_a_run_of_numbers_is_in_doubt() -> None:
    assert description_clean("Hex Cap Screw, 5/8-11 x 2-1/2\", 316 SS") == 1.0  # inch sizes are no dates
    assert description_clean("MOTOR 0.5 HP / 0.37 KW 1440 RPM") == 1.0
    assert description_clean("Servicio DBA ITMX016 15.12.2025") == 0.0  # the delivery-date column
    assert description_clean("MOTOR ELEC 40 Generic 274398.480 0.000 24695.863") == 0.0  # the price columns
    ev = FieldEvidence("lines[0].description", "description", {"desc_clean": 0.0, "valid": 1.0})
    assert predict(load(), ev) <= 0.6


def test_party_names_and_addresses_that_are_no_name_or_address() -> None:
    order = CanonicalOrder(po_number="4500012345")
    for name in ("PRIVATE LIMITED", "Horn & Bauer GmbH & Co. KG,", "6TH FLOOR, UNIT NO.", "Mr Bhavani Prasad"):
        assert validate_value("buyer.name", name, order) == 0.0, name
    assert validate_value("buyer.name", "GRAW Sp. z o.o.", order) == 1.0
    assert validate_value("buyer.name", "Horn & Bauer GmbH & Co. KG", order) == 1.0
    assert validate_value("ship_to.address", "Rudolphsaue 5, 34613 Schwalmstadt, Achtung Zeitfenster !!!",
                          order) == 0.0
    assert validate_value("ship_to.address", "Industriestrasse 1, 94357 Konzell", order) == 1.0
    ev = FieldEvidence("lines[0].customer_part", "customer_part", {"valid": 0.0, "line_arith": 1.0})
    assert predict(load(), ev) <= 0.5  # an item code that is a date or the line number


def test_a_missing_po_number_buyer_or_ship_to_is_a_doubt_a_person_sees() -> None:
    """Every PO has a number and a buyer; a ship-to label printed with no ship-to read means one was missed.
    The absence gets a provenance entry of its own, under the threshold, named by routing."""
    from orderflow.canonical import Extraction  # noqa: PLC0415
    from orderflow.extractors.confidence import calibrate  # noqa: PLC0415
    from orderflow.extractors.confidence.textlayer import labels_seen  # noqa: PLC0415
    from orderflow.validators.confidence import check_confidence, review_fields  # noqa: PLC0415

    assert labels_seen(clean_po()) == {"ship_to": True}  # "Ship To" is printed on the clean PO
    line = OrderLine(line_no="1", sku="HX-4410", description="Hex Cap Screw", qty=Decimal("120"),
                     unit_price=Decimal("0.85"), amount=Decimal("102.00"))
    result = Extraction(format="pdf_text", orders=[CanonicalOrder(lines=[line])])
    calibrate(result, clean_po(), ocr=False)
    order = result.orders[0]
    fields = review_fields(order, [], 0.8)
    assert {"po_number", "buyer.name", "ship_to.name"} <= set(fields)
    issue = next(i for i in check_confidence(order, 0.8) if i.field == "buyer.name")
    assert "nothing was read" in issue.message
    kinds = {ev.kind for ev in evidence(order.model_copy(update={"buyer": Party(name="Acme Inc")}))}
    assert "absent.buyer" not in kinds and "absent.po_number" in kinds
