"""Partner hints on top of the template-free engine: label aliases, column maps, scoping by sender."""

import json

import generate

from orderflow.extractors import ExtractContext, extract
from orderflow.extractors.layout.hints import hints_for_sender, load_hints_yaml

ALIAS = {"id": "acme-po-label", "scope": {"sender": "@acme.com"}, "kind": "label_alias", "field": "po_number",
         "label": "Cust. Ord. Ref"}
COLMAP = {"id": "acme-matnr", "scope": {"sender": "@acme.com"}, "kind": "column_map", "header": "Mat.-Nr.",
          "field": "customer_part"}


def _order(path, **ctx):
    result = extract(path.read_bytes(), ExtractContext(filename=path.name, ocr=False, **ctx))
    return result.orders[0]


def test_label_alias_hint_finds_unknown_po_label(tmp_path):
    pdf = tmp_path / "alias.pdf"
    gold = generate.make_hard(pdf, 2, po_label="Cust. Ord. Ref")
    plain = _order(pdf)
    assert plain.po_number != gold["po_number"]
    hinted = _order(pdf, sender="Buyer <orders@acme.com>", hints=[ALIAS])
    assert hinted.po_number == gold["po_number"]
    prov = hinted.provenance["po_number"]
    assert prov.hint == "acme-po-label" and gold["po_number"] in prov.raw
    # the rest of the order is still the engine's own reading
    assert [ln.sku for ln in hinted.lines] == [g["sku"] for g in gold["lines"]]


def test_column_map_hint_names_unknown_column(tmp_path):
    pdf = tmp_path / "colmap.pdf"
    gold = generate.make_hard(pdf, 1, part_header="Mat.-Nr.")
    plain = _order(pdf)
    assert [ln.customer_part for ln in plain.lines] != [g["customer_part"] for g in gold["lines"]]
    hinted = _order(pdf, sender="po@acme.com", hints=[COLMAP])
    assert [ln.customer_part for ln in hinted.lines] == [g["customer_part"] for g in gold["lines"]]
    assert hinted.provenance["lines[0].customer_part"].hint == "acme-matnr"


def test_hints_for_another_sender_are_not_applied(tmp_path):
    pdf = tmp_path / "other.pdf"
    gold = generate.make_hard(pdf, 2, po_label="Cust. Ord. Ref")
    other = _order(pdf, sender="orders@notacme.com", hints=[ALIAS])
    assert other.po_number != gold["po_number"]
    assert all(p.hint is None for p in other.provenance.values())


def test_hints_for_sender_and_yaml(tmp_path):
    hints = [ALIAS, {"id": "one", "scope": {"sender": "ap@globex.com"}, "kind": "date_order", "day_first": True},
             {"id": "all", "kind": "number_format", "decimal_comma": True}]
    assert [h["id"] for h in hints_for_sender(hints, "x@eu.acme.com")] == ["acme-po-label", "all"]
    assert [h["id"] for h in hints_for_sender(hints, "AP@globex.com")] == ["one", "all"]
    assert [h["id"] for h in hints_for_sender(hints, "x@globex.com")] == ["all"]
    assert [h["id"] for h in hints_for_sender(hints, None)] == ["all"]
    path = tmp_path / "hints.yaml"
    path.write_text("hints:\n  - id: acme-po-label\n    scope: {sender: '@acme.com'}\n    kind: label_alias\n"
                    "    field: po_number\n    label: Cust. Ord. Ref\n  - not a hint\n")
    assert load_hints_yaml(path) == [ALIAS]


def test_date_order_hint_resolves_ambiguous_date(tmp_path):
    from reportlab.pdfgen import canvas

    path = tmp_path / "date.pdf"
    c = canvas.Canvas(str(path))
    c.drawString(40, 780, "PO Number: 5500123")
    c.drawString(40, 764, "PO Date: 03/04/2026")
    for x, t in zip([40, 80, 300, 380, 460], ["Line", "Description", "Qty", "Unit Price", "Amount"], strict=True):
        c.drawString(x, 720, t)
    for x, t in zip([40, 80, 300, 380, 460], ["1", "Widget blue", "2", "5.00", "10.00"], strict=True):
        c.drawString(x, 704, t)
    c.save()
    assert _order(path).po_date.isoformat() == "2026-04-03"  # no evidence in the document: day first
    hinted = _order(path, hints=[{"id": "us-dates", "kind": "date_order", "day_first": False}])
    assert hinted.po_date.isoformat() == "2026-03-04"
    assert hinted.provenance["po_date"].hint == "us-dates"
    assert json.loads(hinted.model_dump_json())["po_number"] == "5500123"
