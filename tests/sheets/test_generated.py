"""Generated workbooks with known answers: odd header placement, several sheets, serial and text
dates, column labels in other words and languages, arithmetic that does not add up."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest

from orderflow.canonical import IssueCode, Severity
from orderflow.extractors import ExtractContext, extract

SERIAL_2026_03_19 = (dt.date(2026, 3, 19) - dt.date(1899, 12, 30)).days


def _save(wb: openpyxl.Workbook) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.fixture
def split_workbook() -> bytes:
    """Header block on one sheet (at E5, ship-to block at B12), lines in German and Spanish on two more."""
    wb = openpyxl.Workbook()
    h = wb.active
    h.title = "Header"
    h["A1"] = "Northwind purchasing"
    for row, (label, value) in enumerate([("Purchase Order No.", "PO-7781"), ("Order Date", SERIAL_2026_03_19),
                                          ("Vendor", "Northwind Traders Ltd"), ("Payment Terms", "Net 30")], 5):
        h.cell(row, 5, label)
        h.cell(row, 6, value)
    h["E10"], h["F10"] = "Currency", "EUR"
    h["B12"], h["B13"], h["B14"], h["B15"] = "Ship To:", "Main Warehouse", "12 Harbour Road", "Leeds LS1 4AB"
    de = wb.create_sheet("Lines DE")
    de.append([])
    de.append(["Bestellung Positionen"])
    de.append(["Pos.", "Artikelnummer", "Bezeichnung", "Menge", "Einheit", "Einzelpreis", "Gesamtpreis"])
    de.append([1, "A-100", "Schraube M6", 100, "ST", 0.25, 25])
    de.append([2, 4711, "Mutter M6", 200, "ST", 0.1, 20])
    es = wb.create_sheet("Lines ES")
    es.append(["Línea", "Código", "Descripción", "Cantidad", "Unidad", "Precio", "Importe"])
    es.append([3, "B-300", "Arandela", 50, "CAJA", "1,50", "75,00"])
    es.append([None, None, None, None, None, None, None])
    es.append([None, None, "Total", None, None, None, 120])
    return _save(wb)


def test_header_block_anywhere_and_lines_over_several_sheets(split_workbook):
    result = extract(split_workbook, ExtractContext(filename="po.xlsx"))
    assert result.format == "spreadsheet"
    assert len(result.orders) == 1
    o = result.orders[0]
    assert o.po_number == "PO-7781"
    assert o.po_date == dt.date(2026, 3, 19)  # serial number without a date format
    assert o.supplier.name == "Northwind Traders Ltd"
    assert o.payment_terms == "Net 30"
    assert o.currency == "EUR"
    assert o.ship_to.name == "Main Warehouse"
    assert o.ship_to.address.text == "12 Harbour Road, Leeds LS1 4AB"
    assert [ln.line_no for ln in o.lines] == ["1", "2", "3"]
    assert [ln.customer_part for ln in o.lines] == ["A-100", "4711", "B-300"]
    assert [ln.description for ln in o.lines] == ["Schraube M6", "Mutter M6", "Arandela"]
    assert [ln.qty for ln in o.lines] == [Decimal(100), Decimal(200), Decimal(50)]
    assert [ln.uom for ln in o.lines] == ["ST", "ST", "CAJA"]
    assert [ln.unit_price for ln in o.lines] == [Decimal("0.25"), Decimal("0.1"), Decimal("1.50")]
    assert o.lines[2].amount == Decimal("75.00")
    assert o.declared_total == Decimal(120)
    assert o.provenance["lines[2].qty"].sheet == "Lines ES"
    assert o.provenance["lines[2].qty"].cell == "D2"
    assert o.provenance["lines[0].qty"].cell == "D4"
    assert o.provenance["po_number"].sheet == "Header"
    assert o.provenance["po_number"].cell == "F5"
    assert not [i for i in result.issues if i.severity == Severity.ERROR]


def test_two_sheets_two_purchase_orders_text_and_real_dates():
    wb = openpyxl.Workbook()
    for i, (po, date_value) in enumerate([("4500001", "19/03/2026"), ("4500002", dt.datetime(2026, 3, 20))]):
        ws = wb.active if i == 0 else wb.create_sheet()
        ws.title = f"PO {po}"
        ws["C2"], ws["D2"] = "PO Number:", po
        ws["C3"], ws["D3"] = "PO Date:", date_value
        ws.append([])
        ws.append(["Item", "Item Description", "Qty Ordered", "UoM", "Unit Cost", "Ext. Price"])
        ws.append(["X-1", "Bolt", 10, "EA", 1.5, 15])
        ws.append(["X-2", "Nut", 3, "EA", 2, 6])
    result = extract(_save(wb))
    assert [o.po_number for o in result.orders] == ["4500001", "4500002"]
    assert [o.po_date for o in result.orders] == [dt.date(2026, 3, 19), dt.date(2026, 3, 20)]
    for o in result.orders:
        assert [(ln.customer_part, ln.qty, ln.amount) for ln in o.lines] == [
            ("X-1", Decimal(10), Decimal(15)), ("X-2", Decimal(3), Decimal(6))]


def test_arithmetic_that_does_not_add_up_is_a_warning_naming_fields():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Order Number", "PO-9"])
    ws.append([])
    ws.append(["Line", "Vendor SKU", "Description", "Quantity", "Price", "Amount"])
    ws.append([1, "S-1", "Pump", 2, 10, 20])
    ws.append([2, "S-2", "Valve", 3, 5, 16])  # 3 × 5 = 15
    ws.append([None, None, "Grand Total", None, None, 50])  # lines sum to 36
    result = extract(_save(wb))
    o = result.orders[0]
    assert o.lines[1].sku == "S-2"
    arith = [i for i in result.issues if i.code == IssueCode.ARITHMETIC]
    assert len(arith) == 1 and arith[0].field == "lines[1].amount" and arith[0].severity == Severity.WARNING
    assert arith[0].expected == "15" and arith[0].actual == "16"
    total = [i for i in result.issues if i.code == IssueCode.TOTAL_MISMATCH]
    assert total and total[0].field == "declared_total" and "36" in total[0].message


def test_spreadsheetml_generated(tmp_path):
    """Excel 2003 XML with ss:Index gaps and a merged two-row header."""
    xml = """<?xml version="1.0"?>
<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">
 <Worksheet ss:Name="PO"><Table>
  <Row><Cell ss:Index="3"><Data ss:Type="String">PO No :</Data></Cell><Cell ss:Index="5"><Data ss:Type="String">SM-42</Data></Cell></Row>
  <Row><Cell ss:Index="3"><Data ss:Type="String">PO Date :</Data></Cell><Cell ss:Index="5"><Data ss:Type="DateTime">2026-01-05T00:00:00.000</Data></Cell></Row>
  <Row ss:Index="4"><Cell><Data ss:Type="String">S.</Data></Cell><Cell><Data ss:Type="String">Item Code</Data></Cell><Cell><Data ss:Type="String">Qty</Data></Cell><Cell ss:MergeAcross="1"><Data ss:Type="String">VAT</Data></Cell><Cell><Data ss:Type="String">Total</Data></Cell></Row>
  <Row><Cell><Data ss:Type="String">No</Data></Cell><Cell ss:Index="4"><Data ss:Type="String">Rate</Data></Cell><Cell><Data ss:Type="String">Amt</Data></Cell></Row>
  <Row><Cell><Data ss:Type="Number">1</Data></Cell><Cell><Data ss:Type="String">77</Data></Cell><Cell><Data ss:Type="Number">4</Data></Cell><Cell><Data ss:Type="Number">20</Data></Cell><Cell><Data ss:Type="Number">0.8</Data></Cell><Cell><Data ss:Type="Number">4.80</Data></Cell></Row>
 </Table></Worksheet></Workbook>"""
    result = extract(xml.encode(), ExtractContext(filename="po.xls"))
    o = result.orders[0]
    assert (o.po_number, o.po_date) == ("SM-42", dt.date(2026, 1, 5))
    ln = o.lines[0]
    assert (ln.line_no, ln.customer_part, ln.qty, ln.amount) == ("1", "77", Decimal(4), Decimal("4.80"))
