"""Issue 18, hostile numbers: ``1E999999999`` as a quantity, price or total in every format, the
schema, the portal and the review app. Each attack as written in the issue, then the answer: a
readable PARSE_ERROR / 422 / form error, in small memory."""

from __future__ import annotations

import json
import re
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
import hostile  # noqa: E402

from orderflow.canonical import (  # noqa: E402
    CanonicalOrder,
    DecimalBoundsError,
    Envelope,
    Issue,
    OrderLine,
    order_json_schema,
    parse_bounded_decimal,
)
from orderflow.extractors import ExtractContext, extract  # noqa: E402
from orderflow.extractors.sheet.grid import stored_decimal  # noqa: E402
from orderflow.extractors.values import parse_decimal  # noqa: E402

HUGE = "1E999999999"
BOUND = "at most 15 digits before the decimal point"


def errors(result) -> list[Issue]:
    return [i for i in result.issues if i.code == "PARSE_ERROR"]


# ----------------------------------------------------------------------------- the type


@pytest.mark.parametrize(("text", "phrase"), [
    (HUGE, "too large"), ("-1e999999999", "too large"), ("1E-999999999", "decimal places"),
    ("1" * 16, "too large"), ("0." + "0" * 24 + "1", "decimal places"), ("9" * 70, "characters long"),
    ("NaN", "not a finite number"), ("Infinity", "not a finite number"), ("12abc", "not a number"),
])
def test_parse_bounded_decimal_refuses_with_the_bound_named(text, phrase):
    with pytest.raises(DecimalBoundsError, match=phrase):
        parse_bounded_decimal(text)


def test_parse_bounded_decimal_keeps_real_values_exactly():
    for text, value in [("12.50", "12.50"), ("-3", "-3"), ("1.5E3", "1.5E+3"), ("999999999999999", "999999999999999"),
                        ("0.000000000001", "1E-12"), ("219.20000000000002", "219.20000000000002"), ("1." + "0" * 30, "1." + "0" * 30)]:
        assert parse_bounded_decimal(text) == Decimal(value)
    # a zero with an absurd exponent is plain zero (formatting 0E-999999999 writes a billion zeros)
    assert format(parse_bounded_decimal("0E-999999999"), "f") == "0"


def test_the_canonical_order_refuses_it_and_the_schema_says_so():
    with pytest.raises(ValueError, match="too large"):
        OrderLine(qty=HUGE)
    with pytest.raises(ValueError, match="too large"):
        CanonicalOrder(declared_total=Decimal(HUGE))
    schema = order_json_schema()
    qty = schema["$defs"]["OrderLine"]["properties"]["qty"]["anyOf"][0]
    assert qty["type"] == "string" and "15 digits" in qty["description"]
    assert not re.fullmatch(qty["pattern"], "1e999999999") and re.fullmatch(qty["pattern"], "1250.50")
    total = schema["properties"]["declared_total"]["anyOf"][0]
    assert total["pattern"] == qty["pattern"]


# ----------------------------------------------------------------------------- every extractor


def test_x12_po1_quantity_1e999999999_the_315_byte_file_in_a_child(tmp_path):
    """The issue's file through ``orderflow extract`` in a child: 2 GB and MemoryError before."""
    data = hostile.x12_number()
    assert len(data) < 320
    item = hostile.Input("x12", "num.edi", hostile.x12_number, "too large")
    run = hostile.run(item, tmp_path)
    assert run.exit == 0, run.output
    assert run.peak_rss_mb < 300, run.peak_rss_mb
    assert "PARSE_ERROR: Segment 6 (PO102): 1E999999999 is too large" in run.output
    assert "Traceback" not in run.output


def test_x12_quantity_is_a_parse_error_on_the_line_and_the_rest_is_read():
    result = extract(hostile.x12_number(), ExtractContext(filename="po.edi"))
    (order,) = result.orders
    assert order.po_number == "PO-HOSTILE" and order.lines[0].qty is None
    assert order.lines[0].unit_price == Decimal("3.05")
    (err,) = errors(result)
    assert err.field == "orders[0].lines[0].qty" and err.severity == "error" and BOUND in err.message
    json.dumps(order.to_json_dict())  # serialising the order is cheap again
    # the 997 reports the element too
    seg_errors = result.metadata["edi"]["interchanges"][0]["groups"][0]["sets"][0]["segment_errors"]
    assert seg_errors[0]["tag"] == "PO1" and seg_errors[0]["elements"][0]["position"] == 2


@pytest.mark.parametrize("value", [HUGE, "1E-999999999", "9" * 5000])
def test_edifact_qty_is_a_parse_error(value):
    result = extract(hostile.edifact_number(value), ExtractContext(filename="po.edifact"))
    (order,) = result.orders
    assert order.lines[0].qty is None
    (err,) = errors(result)
    assert err.field == "orders[0]" and "Segment 8 (QTY)" in err.message and BOUND in err.message


@pytest.mark.parametrize("field", ["qty", "unit_price", "declared_total"])
def test_portal_json_number_is_a_parse_error_naming_the_field(field):
    result = extract(hostile.json_number(field), ExtractContext(filename="po.json"))
    assert result.orders == []
    (err,) = errors(result)
    path = field if field == "declared_total" else f"lines[0].{field}"
    assert err.field == path and "too large" in err.message and BOUND in err.message


def test_csv_and_sheet_numbers_outside_the_bounds_are_not_numbers():
    result = extract(hostile.csv_number("9" * 30), ExtractContext(filename="po.csv"))
    (order,) = result.orders
    assert order.lines[0].qty is None
    assert any("quantity" in i.message and "not a number" in i.message for i in errors(result))
    assert parse_decimal("9" * 30) is None and parse_decimal("1,234.50") == Decimal("1234.50")
    assert stored_decimal(1e308) is None and stored_decimal(Decimal(HUGE)) is None and stored_decimal(12.5) == Decimal(
        "12.5")


# ----------------------------------------------------------------------------- the portal


def test_portal_api_answers_422_naming_the_field():
    from orderflow.intake.portal_api import create_portal_app

    submitted = []
    app = create_portal_app(lambda body, client, key: submitted.append(body) or (201, {"id": 1}),
                            lambda client, order_id: None, {"tok": "ACME"})
    body = {"po_number": "PO-1", "lines": [{"line_no": "1", "qty": HUGE, "uom": "EA", "unit_price": "1"}],
            "declared_total": "1e999999999"}
    r = TestClient(app).post("/api/orders", json=body, headers={"Authorization": "Bearer tok", "Idempotency-Key": "k"})
    assert r.status_code == 422
    detail = {tuple(d["loc"]): d["msg"] for d in r.json()["detail"]}
    assert "too large" in detail[("body", "lines", 0, "qty")] and "too large" in detail[("body", "declared_total")]
    assert submitted == []


# ----------------------------------------------------------------------------- the review app


TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def test_review_app_fix_is_a_form_error_not_a_500(tmp_path):
    """Saving 1E999999999 as a quantity: 500 and 4.4 GB before; now the form says why."""
    from orderflow.review.app import create_review_app
    from orderflow.review.auth import add_user
    from orderflow.store import repository as repo
    from orderflow.store.db import make_engine, migrate, session_factory

    engine = make_engine(f"sqlite:///{tmp_path / 'store.db'}")
    migrate(engine)
    Session = session_factory(engine)  # noqa: N806
    with Session() as s:
        add_user(s, "csr1", "correct horse 42", "csr")
        doc, _ = repo.save_document(s, Envelope(data=b"%PDF order", filename="po.pdf", channel="imap"))
        order = CanonicalOrder(po_number="4711", lines=[OrderLine(line_no="1", qty=Decimal("5"), uom="EA", sku="S1")])
        issue = Issue(code="SKU_UNKNOWN", field="lines[0].sku", message="unknown item")
        order_id = repo.save_order(s, doc, 0, order, state="needs_review", issues=[issue], customer_id="C1",
                                   ship_to_id=None, resolved={"lines": []}).id
        s.commit()

    app = create_review_app(Session, revalidate=lambda canonical, o: ([], {"lines": []}),
                            push=lambda *a, **k: None, secret_key="test-secret-" + "x" * 32, secure_cookies=False)
    client = TestClient(app)
    token = TOKEN.search(client.get("/login").text).group(1)
    client.post("/login", data={"username": "csr1", "password": "correct horse 42", "csrf_token": token})
    html = client.get(f"/orders/{order_id}").text
    token = TOKEN.search(html).group(1)
    r = client.post(f"/orders/{order_id}/save", data={"lines[0].qty": HUGE, "csrf_token": token})
    assert r.status_code == 200
    assert "Not saved" in r.text and "too large" in r.text
    r = client.post(f"/orders/{order_id}/fix", data={"path": "lines[0].qty", "value": "1E-999999999",
                                                      "csrf_token": token}, follow_redirects=False)
    assert 400 <= r.status_code < 500 and "decimal places" in r.text
    with Session() as s:
        assert repo.order_canonical(repo.get_order(s, order_id)).lines[0].qty == Decimal("5")
