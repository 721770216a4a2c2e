"""Quotations live in Tryton: seeded or made there, pulled as ``ReferenceData.quotes``, and a PO
citing one is held to it by the quotes rule."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from erp_quotes_data import SEEDED_EXPIRED, SEEDED_VALID_TO
from fixtures.tryton import start_trytond

from orderflow.canonical import CanonicalOrder, OrderLine, Quote, QuoteLine
from orderflow.erp_push.base import PushRequest
from orderflow.erp_push.tryton import TrytonAdapter
from orderflow.erp_push.tryton_conn import connect
from orderflow.erp_push.tryton_pull import pull_reference_data
from orderflow.erp_push.tryton_setup import QuoteSetupError, create_quotation, load_quotes
from orderflow.extractors.base import ExtractContext
from orderflow.extractors.registry import extract
from orderflow.validators.model import ValidationContext
from orderflow.validators.runner import validate

D = Decimal


def _lines(quote: Quote) -> list[tuple[str, Decimal, Decimal, str]]:
    return [(ln.sku, ln.qty, ln.price, ln.uom) for ln in quote.lines]


def test_seeded_quotations_are_pulled_with_customer_expiry_and_lines(quotes_db) -> None:
    ref = pull_reference_data(connect(quotes_db))
    quotes = {q.number: q for q in ref.quotes}
    assert {"Q-SEED-1", "Q-SEED-OLD"} <= set(quotes)
    assert "Q-SEED-NOBODY" not in quotes  # its customer is not in Tryton: never made
    seed = quotes["Q-SEED-1"]
    assert (seed.customer_id, seed.valid_to) == ("C001", SEEDED_VALID_TO)
    assert _lines(seed) == [("WID-100", D(50), D("2.40"), "EA"), ("BOLT-M8", D(2), D("9.50"), "BX")]
    assert all(isinstance(ln.qty, Decimal) and isinstance(ln.price, Decimal) for ln in seed.lines)
    assert str(seed.lines[0].qty) == "50"  # Tryton's float 50.0 comes back as a plain Decimal
    old = quotes["Q-SEED-OLD"]
    assert (old.customer_id, old.valid_to, _lines(old)) == ("C002", SEEDED_EXPIRED,
                                                             [("GRS-1KG", D("2.5"), D("6.75"), "KG")])


def test_only_open_quotations_are_quotes(quotes_db) -> None:
    conn = connect(quotes_db)
    valid_to = dt.date.today() + dt.timedelta(days=7)
    made = create_quotation(conn, Quote(number="", customer_id="C002", valid_to=valid_to,
                                        lines=[QuoteLine(sku="BOLT-M8", qty=D(500), price=D("0.09")),
                                               QuoteLine(sku="WID-100", qty=D(2), price=D("28.00"), uom="CA")]))
    assert made.state == "quotation" and made.number  # Tryton numbered it
    confirmed = create_quotation(conn, Quote(number="Q-CONFIRMED", customer_id="C001", lines=[
        QuoteLine(sku="WID-100", qty=D(5), price=D("2.45"))]))
    confirmed.click("confirm")
    assert confirmed.state in ("confirmed", "processing")
    Sale = made.__class__
    draft = Sale(party=made.party)
    line = draft.lines.new(product=made.lines[0].product, quantity=3.0)
    line.unit_price = D("0.11")
    draft.save()
    assert draft.state == "draft"
    pushed = TrytonAdapter(quotes_db).push(PushRequest(  # orderflow's own push: a quotation too, but an order
        key="C001|PO-Q1|original|0", customer_id="C001", ship_to_id=None, resolved_skus=["WID-100"], uoms=["EA"],
        order=CanonicalOrder(po_number="PO-Q1", lines=[OrderLine(line_no="1", sku="WID-100", qty=D(4), uom="EA")])))
    assert pushed.state == "quotation"

    quotes = {q.number: q for q in pull_reference_data(conn).quotes}
    assert made.number in quotes
    assert (quotes[made.number].customer_id, quotes[made.number].valid_to) == ("C002", valid_to)
    assert _lines(quotes[made.number]) == [("BOLT-M8", D(500), D("0.09"), "EA"), ("WID-100", D(2), D("28.00"), "CA")]
    assert "Q-CONFIRMED" not in quotes and pushed.erp_order_id not in quotes
    assert draft.number is None and len(quotes) == 3  # the two seeded ones and this one


def test_bad_quotes_are_refused_with_a_reason(quotes_db) -> None:
    conn = connect(quotes_db)
    with pytest.raises(QuoteSetupError, match="product NOPE-1"):
        create_quotation(conn, Quote(number="Q-BAD", customer_id="C001", lines=[QuoteLine(sku="NOPE-1", qty=D(1),
                                                                                          price=D(1))]))
    with pytest.raises(QuoteSetupError, match="not sold in BX"):
        create_quotation(conn, Quote(number="Q-BAD2", customer_id="C002", lines=[
            QuoteLine(sku="GRS-1KG", qty=D(1), price=D(1), uom="BX")]))
    assert load_quotes(conn, [Quote(number="Q-BAD3", customer_id="C404")]) == 0


def _portal_order(po: str, quote: str, price: str) -> bytes:
    return json.dumps({
        "po_number": po, "po_date": dt.date.today().isoformat(), "currency": "USD",
        "references": {"quote": quote},
        "buyer": {"name": "Acme Retail"},
        "lines": [{"line_no": "1", "sku": "WID-100", "qty": "50", "uom": "EA", "unit_price": price}],
    }).encode()


def _check(quotes_db, data: bytes):
    ref = pull_reference_data(connect(quotes_db))
    result = extract(data, ExtractContext(filename="po.json", sender="po@acme.example", channel="portal"))
    [order] = result.orders
    return validate(order, ref, ValidationContext(sender="po@acme.example", channel="portal"))


def test_po_citing_the_tryton_quote_is_held_to_its_price(quotes_db) -> None:
    over = _check(quotes_db, _portal_order("PO-Q-100", "q-seed-1", "2.60"))
    assert over.customer_id == "C001"
    [mismatch] = [i for i in over.issues if i.code == "QUOTE_MISMATCH"]
    assert (mismatch.field, mismatch.expected, mismatch.actual) == ("lines[0].unit_price", "2.40", "2.60")
    assert mismatch.suggestions[0].value == "2.40" and "Q-SEED-1" in mismatch.suggestions[0].label
    assert over.blocking

    same = _check(quotes_db, _portal_order("PO-Q-101", "Q-SEED-1", "2.40"))
    assert [i.code for i in same.issues if i.code.startswith("QUOTE")] == []
    assert (same.lines[0].quote_number, same.lines[0].price_source) == ("Q-SEED-1", "quote")

    unknown = _check(quotes_db, _portal_order("PO-Q-102", "Q-NOT-THERE", "2.40"))
    [missing] = [i for i in unknown.issues if i.code == "QUOTE_MISMATCH"]
    assert (missing.field, missing.actual) == ("references.quote", "Q-NOT-THERE")
    assert "does not know" in missing.message


def test_quotes_over_xml_rpc(quotes_db, tmp_path) -> None:
    """A remote Tryton: the same pull; a quote made there keeps Tryton's own number (clients may
    not write ``number``), and that is the number a PO must cite."""
    server = start_trytond(tmp_path / "trytond", [quotes_db.database], db_dir=quotes_db.config_file.parent)
    try:
        conn = connect(quotes_db.with_url(server.url))
        made = create_quotation(conn, Quote(number="Q-REMOTE", customer_id="C001", valid_to=SEEDED_VALID_TO,
                                            lines=[QuoteLine(sku="GRS-1KG", qty=D("1.5"), price=D("7.10"), uom="KG")]))
        assert made.state == "quotation" and made.number and made.number != "Q-REMOTE"
        quotes = {q.number: q for q in pull_reference_data(conn).quotes}
        assert (quotes[made.number].customer_id, quotes[made.number].valid_to) == ("C001", SEEDED_VALID_TO)
        assert _lines(quotes[made.number]) == [("GRS-1KG", D("1.5"), D("7.10"), "KG")]
        assert _lines(quotes["Q-SEED-1"])[0] == ("WID-100", D(50), D("2.40"), "EA")
    finally:
        server.stop()
