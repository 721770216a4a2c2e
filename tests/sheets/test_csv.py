"""CSV order files: simple exports, several POs, sniffed delimiter and encoding, missing columns."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from orderflow.canonical import IssueCode
from orderflow.extractors import ExtractContext, extract, is_unusable

SIMPLE = (
    "po_number,customer,po_date,line_no,sku,customer_part,description,qty,uom,unit_price,currency,ship_to\n"
    'PO-1001,Acme Corp,03/15/2026,1,SKU-1,C-1,Widget,10,EA,2.50,USD,"Acme DC, 1 Main St, Springfield"\n'
    'PO-1001,Acme Corp,03/15/2026,2,SKU-2,C-2,Gadget,5,CS,10.00,USD,"Acme DC, 1 Main St, Springfield"\n'
    "PO-1002,Beta LLC,03/16/2026,1,SKU-3,,Thing,1,EA,3.00,USD,Beta Store\n"
)


def test_simple_csv_one_order_per_po():
    result = extract(SIMPLE.encode(), ExtractContext(filename="orders.csv"))
    assert result.format == "csv"
    assert [o.po_number for o in result.orders] == ["PO-1001", "PO-1002"]
    a, b = result.orders
    assert a.po_date == dt.date(2026, 3, 15) and a.buyer.name == "Acme Corp" and a.currency == "USD"
    assert a.ship_to.name == "Acme DC" and a.ship_to.address.text == "1 Main St, Springfield"
    assert [(ln.line_no, ln.sku, ln.customer_part, ln.qty, ln.uom, ln.unit_price) for ln in a.lines] == [
        ("1", "SKU-1", "C-1", Decimal(10), "EA", Decimal("2.50")),
        ("2", "SKU-2", "C-2", Decimal(5), "CS", Decimal("10.00")),
    ]
    assert b.lines[0].customer_part is None and b.ship_to.name == "Beta Store"
    assert a.provenance["lines[1].qty"].cell == "H3" and a.provenance["lines[1].qty"].extractor == "csv"
    assert b.provenance["po_number"].cell == "A4"


def test_semicolon_cp1252_decimal_comma_synonyms():
    text = (
        "Bestellnummer;Kunde;Datum;Pos;Artikelnummer;Bezeichnung;Menge;Einheit;Einzelpreis;Betrag\n"
        "B-77;Müller GmbH;19.03.2026;1;4711;Schraube für Holz;1.000;ST;0,25;250,00\n"
        "B-77;Müller GmbH;19.03.2026;2;4712;Dübel;20;ST;1,10;22,00\n"
    )
    result = extract(text.encode("cp1252"), ExtractContext(filename="bestellung.csv"))
    assert result.format == "csv"
    (o,) = result.orders
    assert o.po_number == "B-77" and o.buyer.name == "Müller GmbH" and o.po_date == dt.date(2026, 3, 19)
    assert o.lines[0].description == "Schraube für Holz"
    assert o.lines[0].qty == Decimal(1000) and o.lines[0].unit_price == Decimal("0.25")
    assert o.lines[1].amount == Decimal("22.00")


def test_tab_delimited_with_bom_and_total_mismatch():
    text = "\ufeffPO #\tItem\tQty\tPrice\tAmount\tOrder Total\nP1\tK-1\t2\t3.00\t6.00\t7.00\n"
    result = extract(text.encode("utf-8"), ExtractContext(filename="x.tsv"))
    (o,) = result.orders
    assert o.po_number == "P1" and o.declared_total == Decimal("7.00")
    assert any(i.code == IssueCode.TOTAL_MISMATCH for i in result.issues)


def test_missing_required_columns_names_them():
    text = "customer,sku,description,unit_price\nAcme,S-1,Widget,2.00\nAcme,S-2,Gadget,3.00\n"
    from orderflow.extractors.csv_orders import CsvExtractor

    result = CsvExtractor().extract(text.encode(), ExtractContext())
    assert not result.orders
    issue = result.issues[0]
    assert issue.code == IssueCode.PARSE_ERROR
    assert "po_number" in issue.message and "qty" in issue.message


def test_csv_with_qty_but_no_po_number_column():
    text = "sku,description,qty\nS-1,Widget,2\nS-2,Gadget,3\n"
    result = extract(text.encode(), ExtractContext(filename="a.csv"))
    assert is_unusable(result)
    assert "po_number" in result.issues[0].message


def test_empty_and_header_only_csv():
    assert is_unusable(extract(b"", ExtractContext(filename="e.csv")))
    result = extract(b"po_number,sku,qty\n", ExtractContext(filename="h.csv"))
    assert is_unusable(result)
    assert not result.orders
