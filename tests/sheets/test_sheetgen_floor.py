"""Accuracy floor on the generated buyer spreadsheets (sheetgen), plus the robustness cases it covers."""

from __future__ import annotations

import io
from collections import defaultdict

import openpyxl
import pytest
from sheetgen import csv_bytes, documents, flat_csv, grid_to_xlsx, headerless_csv, multisheet
from sheets_conf import score_order

from orderflow.canonical import IssueCode
from orderflow.extractors import ExtractContext, extract
from orderflow.extractors.sheet.loaders import load_any

# Measured 2026-11-23 on 42 documents: every category 1.000 except portal 0.990 (the location "MDW2 - Joliet, IL"
# of a vendor-portal CSV is split as name "MDW2 - Joliet" + address "IL"). The engine before this work scored
# 0.703 overall on the same set. Floors leave a little room, not a lot.
FLOORS = {"marketplace": 0.99, "distributor": 0.99, "european": 0.99, "multisheet": 0.99, "robustness": 0.99,
          "layout": 0.99, "portal": 0.98}


@pytest.fixture(scope="module")
def scored():
    per: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    misses: dict[str, list[str]] = {}
    for d in documents():
        res = extract(d.data, ExtractContext(filename=d.filename))
        assert res.orders, (d.name, [i.message for i in res.issues])
        sc = score_order(res.orders[0], d.gold)
        per[d.category][0] += sum(sc.values())
        per[d.category][1] += len(sc)
        misses[d.name] = [k for k, ok in sc.items() if not ok]
    return per, misses


def test_generated_set_is_varied():
    docs = documents()
    assert len(docs) >= 40
    kinds = {d.filename.rsplit(".", 1)[1] for d in docs}
    assert kinds == {"xlsx", "xls", "csv"}
    assert all(d.data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" for d in docs if d.filename.endswith(".xls"))
    assert len({d.category for d in docs}) == len(FLOORS)


@pytest.mark.parametrize("category", sorted(FLOORS))
def test_generated_category_floor(scored, category):
    per, misses = scored
    ok, n = per[category]
    assert n > 0
    assert ok / n >= FLOORS[category], {k: v for k, v in misses.items() if v}


def test_generated_overall_floor(scored):
    per, misses = scored
    ok = sum(v[0] for v in per.values())
    n = sum(v[1] for v in per.values())
    assert ok / n >= 0.995, {k: v for k, v in misses.items() if v}


def test_headerless_csv_infers_columns_and_says_so():
    d = headerless_csv(41)
    res = extract(d.data, ExtractContext(filename="lines.csv"))
    o = res.orders[0]
    g = d.gold["lines"][0]
    assert (o.lines[0].customer_part, str(o.lines[0].qty), str(o.lines[0].unit_price)) == (
        g["customer_part"], g["qty"], g["unit_price"])
    assert any(i.code == IssueCode.LOW_CONFIDENCE and "inferred" in i.message for i in res.issues)


def test_headerless_contact_list_is_not_an_order():
    data = csv_bytes([["Jane Doe", "jane@example.com", "Sales"], ["John Roe", "john@example.com", "Support"],
                      ["Ann Poe", "ann@example.com", "Ops"]])
    res = extract(data, ExtractContext(filename="people.csv"))
    assert not res.orders
    assert res.issues and res.issues[0].code == IssueCode.PARSE_ERROR


def test_utf16_tab_export_is_read_as_csv():
    d = flat_csv(44, "\t", "utf-16")
    assert d.data[:2] == b"\xff\xfe"
    res = extract(d.data, ExtractContext(filename="export.txt"))
    assert res.format == "csv"
    o = res.orders[0]
    assert o.po_number == d.gold["po_number"]
    assert o.lines[1].description == d.gold["lines"][1]["description"]  # quoted cell with a newline


def test_hidden_sheet_is_ignored():
    d = multisheet(31, "xlsx")
    wb = openpyxl.load_workbook(io.BytesIO(d.data))
    assert wb["Lookup"].sheet_state == "hidden"
    o = extract(d.data).orders[0]
    assert len(o.lines) == len(d.gold["lines"])
    assert not any(ln.customer_part and ln.customer_part.startswith("X") for ln in o.lines)


def test_workbook_export_with_several_pos_gives_one_order_each():
    rows = {(0, c): t for c, t in enumerate(["PO Number", "Vendor Part", "Description", "Qty", "Unit Price"])}
    for r, (po, part, qty) in enumerate([("4500001", "A1", 5), ("4500001", "A2", 1), ("4500002", "B9", 7)], 1):
        rows.update({(r, 0): po, (r, 1): part, (r, 2): f"Part {part}", (r, 3): qty, (r, 4): 2.5})
    res = extract(grid_to_xlsx([("Export", rows)]), ExtractContext(filename="export.xlsx"))
    assert res.format == "spreadsheet"
    assert [(o.po_number, [ln.sku for ln in o.lines]) for o in res.orders] == [("4500001", ["A1", "A2"]),
                                                                               ("4500002", ["B9"])]
    assert res.orders[1].provenance["lines[0].qty"].sheet == "Export"


def test_registered_name_footer_does_not_take_the_suppliers_footer():
    g = {(0, 0): "PO Number: 77", (1, 0): "Supplier", (1, 1): "Acme Tools Pvt Ltd",
         (2, 0): "Bill To", (2, 1): "Orion Retail Pvt Ltd",
         (4, 0): "Description", (4, 1): "Qty", (4, 2): "Rate", (5, 0): "Spanner", (5, 1): 2, (5, 2): 10,
         (7, 0): "Acme Tools Private Limited\nRegistered Office: 4 Mill Road, Pune"}
    o = extract(grid_to_xlsx([("PO", g)])).orders[0]
    assert o.buyer.name == "Orion Retail Pvt Ltd"


def test_formulas_without_cached_values_are_computed():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["PO Number", "PO-1"])
    ws.append([])
    ws.append(["Item", "Description", "Qty", "Unit Price", "Amount"])
    ws.append(["A1", "Bolt", 3, 2.5, "=C4*D4"])
    ws.append(["A2", "Nut", 10, 0.15, "=ROUND(C5*D5,2)"])
    ws.append([None, None, None, "Total", "=SUM(E4:E5)"])
    ws.append([None, None, None, "Grand Total", "=E6*1.2+NOSUCH(1)"])  # outside the subset: stays empty
    buf = io.BytesIO()
    wb.save(buf)
    o = extract(buf.getvalue()).orders[0]
    assert [str(ln.amount) for ln in o.lines] == ["7.5", "1.50"]
    assert str(o.declared_total) == "9"


def test_error_cells_are_not_values():
    d = [doc for doc in documents() if doc.name == "messy_46"][0]
    _, sheets = load_any(d.data)
    texts = {c.text for c in sheets[0].cells.values()}
    assert not texts & {"#N/A", "#REF!", "#VALUE!"}
    assert len(extract(d.data).orders[0].lines) == len(d.gold["lines"])
