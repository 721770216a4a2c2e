"""Quotes: a PO citing a quotation is priced from it and held to its quantity, price and date."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from availability_helpers import check, inbox_order, line, order

from orderflow.canonical import Quote, QuoteLine
from orderflow.validators.quotes import quote_reference

D = Decimal


def _codes(r):
    return [i.code for i in r.issues]


def test_demo_quote_order_is_priced_from_the_quote(ref):
    o, entry = inbox_order("acme-portal-PO-9024-quote.json")
    assert entry["expect"]["orders"][0]["quote"] == quote_reference(o) == "Q-2026-0107"
    r = check(o, ref)
    assert _codes(r) == [] and not r.blocking
    a, b = r.lines
    assert (a.quote_number, a.unit_price, a.price_source, a.amount) == ("Q-2026-0107", D("38.00"), "quote", D("760.00"))
    assert (b.unit_price, b.price_source, b.quote_price) == (D("21.50"), "quote", D("21.50"))
    assert r.order_total == D("1620.00")


def test_quantity_above_quote_and_other_price_are_mismatches(ref):
    o = order(line("1", "ELC-4004", "25", "EA", "38.00"), line("2", "ELC-4005", "40", "EA", "23.00"),
              references={"PR": "q-2026-0107"})
    r = check(o, ref)
    qty, price = [i for i in r.issues if i.code == "QUOTE_MISMATCH"]
    assert (qty.field, qty.expected, qty.actual, qty.suggestions[0].value) == ("lines[0].qty", "20", "25", "20")
    assert (price.field, price.expected, price.actual, price.suggestions[0].value) == (
        "lines[1].unit_price", "21.50", "23.00", "21.50")
    assert r.blocking


def test_expired_quote(ref):
    o = order(line("1", "JAN-3008", "6", "EA", "72.00"), po_date=dt.date(2026, 10, 15),
              sender="facilities@initech.example", ship_to=None, references={"quotation": "Q-2026-0093"})
    r = check(o, ref)
    [exp] = [i for i in r.issues if i.code == "QUOTE_EXPIRED"]
    assert (exp.expected, exp.actual) == ("2026-09-30", "2026-10-15")
    assert exp.suggestions[0].value == "JAN-3008 6 EA @ 72.00"
    assert r.lines[0].quote_number is None and r.lines[0].price_source == "po"


def test_quote_price_replaces_the_contract_check_with_uom_conversion(ref):
    ref.quotes = [*ref.quotes, Quote(number="Q-9", customer_id="ACME", valid_to=dt.date(2026, 12, 31),
                                     lines=[QuoteLine(sku="FAS-1001", qty=D(20), price=D("13.00"), uom="BX")])]
    # contract for FAS-1001 is 0.15/EA = 15.00/BX: without the quote this is a PRICE_MISMATCH
    assert "PRICE_MISMATCH" in _codes(check(order(line("1", "FAS-1001", "1000", "EA", "0.13")), ref))
    r = check(order(line("1", "FAS-1001", "1000", "EA", "0.13"), notes=["Per our Quote No: Q-9, thanks"]), ref)
    assert "PRICE_MISMATCH" not in _codes(r) and "QUOTE_MISMATCH" not in _codes(r)
    assert (r.lines[0].quote_price, r.lines[0].price_source, r.lines[0].agreement_id) == (D("0.13"), "quote", None)
    over = check(order(line("1", "FAS-1001", "2001", "EA", "0.13"), references={"quote": "Q-9"}), ref)
    [m] = [i for i in over.issues if i.code == "QUOTE_MISMATCH"]
    assert (m.field, m.suggestions[0].value) == ("lines[0].qty", "2000")


def test_unknown_and_foreign_quotes(ref):
    unknown = check(order(line("1", "ELC-4004", "1", "EA", "38"), references={"AAG": "Q-0000"}), ref)
    assert [i.field for i in unknown.issues if i.code == "QUOTE_MISMATCH"] == ["references.quote"]
    foreign = check(order(line("1", "JAN-3008", "1", "EA", "72"), references={"quote": "Q-2026-0093"}), ref)
    [m] = [i for i in foreign.issues if i.code == "QUOTE_MISMATCH"]
    assert (m.expected, m.actual) == ("INITECH", "ACME")


def test_no_quote_cited_changes_nothing(ref):
    r = check(order(line("1", "FAS-1005", "100", "EA", "0.03"), references={"PO": "x"}), ref)
    assert r.lines[0].quote_number is None and r.lines[0].price_source == "po"
