"""The X12 hot path (clean PO1 built inline, Decimal cache, shared field sets) gives exactly
what the careful path gives; per-order issues carry ``orders[i].<field>`` paths."""

from __future__ import annotations

import sys
from decimal import Decimal
from pathlib import Path

from orderflow.canonical import OrderLine, Provenance
from orderflow.extractors.edifact_orders import EdifactExtractor
from orderflow.extractors.x12_850 import X12Extractor
from orderflow.flows.pipeline import issues_per_order
from orderflow.review import render

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from edi import build_edifact, build_x12  # noqa: E402

ISA = "ISA*00*          *00*          *ZZ*BUYER          *ZZ*SELLER         *260101*1200*U*00401*000000005*0*P*>"


def _x12(*sets: list[str]) -> bytes:
    body = [ISA, "GS*PO*BUYER*SELLER*20260101*1200*7*X*004010"]
    for n, segs in enumerate(sets, 1):
        body += [f"ST*850*{n:04d}", *segs, f"SE*{len(segs) + 2}*{n:04d}"]
    body += [f"GE*{len(sets)}*7", "IEA*1*000000005"]
    return ("~\n".join(body) + "~\n").encode()


def test_bulk_interchange_maps_every_line_with_provenance():
    data = build_x12(20, 50).encode()
    segs = render.split_segments(data)
    r = X12Extractor().extract(data)
    assert len(r.orders) == 20 and not r.issues and not r.diagnostics
    for o in r.orders:
        assert len(o.lines) == 50
        for n, line in enumerate(o.lines, 1):
            assert isinstance(line, OrderLine)
            assert line.line_no == str(n) and line.qty == Decimal(n % 12 + 1) and line.uom == "EA"
            assert line.unit_price == Decimal(f"{n % 50 + 1}.25") and line.price_basis == "PE"
            assert (line.sku, line.customer_part, line.gtin) == (
                f"SKU{n:05d}",
                f"CP{n:05d}",
                f"0001234{n:05d}",
            )
            assert line.description == f"WIDGET NUMBER {n}"
            # each field resolves to its segment: the PO1 for the line's own fields (column entry
            # ``lines``), the PID after it for the description (``lines.description``, element 5)
            line_prov = o.provenance_of(f"lines[{n - 1}].qty")
            desc_prov = o.provenance_of(f"lines[{n - 1}].description")
            assert isinstance(line_prov, Provenance) and line_prov.raw is None
            assert segs[line_prov.segment].startswith(f"PO1*{n}*") and line_prov.extractor == "x12_850"
            assert o.provenance_of(f"lines[{n - 1}].sku") == line_prov
            assert (desc_prov.segment, desc_prov.element) == (line_prov.segment + 1, 5)
            assert segs[desc_prov.segment] == f"PID*F****WIDGET NUMBER {n}"
        # two column entries cover the 50 lines, not one model per line
        assert sorted(k for k in o.provenance if k.startswith("lines")) == ["lines", "lines.description"]
    # the models built without validation serialise and validate like any other
    dumped = r.orders[3].model_dump(mode="json")
    assert dumped["lines"][0]["qty"] == "2" and dumped["provenance"]["lines"]["extractor"] == "x12_850"
    assert type(r.orders[3]).model_validate(dumped).model_dump(mode="json") == dumped
    # assigning a field afterwards works and leaves other lines alone
    r.orders[0].lines[0].sku = "CHANGED"
    assert r.orders[0].lines[1].sku == "SKU00002" and r.orders[1].lines[0].sku == "SKU00001"


def test_padded_and_odd_lines_take_the_careful_path_with_the_same_result():
    clean = ["BEG*00*SA*P1**20260101", "PO1*1*2*EA*3.5*PE*VN*A1*BP*C1", "PO1*2*4*EA*1.25*PE*VN*A2"]
    odd = [
        "BEG*00*SA*P1**20260101",
        "PO1*1* 2 *EA*3.5*PE*VN* A1 *BP*C1",  # padding
        "PO1*2*4*EA*1.25*PE*VN*A2**",  # empty trailing pair
    ]
    a = X12Extractor().extract(_x12(clean)).orders[0]
    b = X12Extractor().extract(_x12(odd)).orders[0]
    assert [ln.model_dump() for ln in a.lines] == [ln.model_dump() for ln in b.lines]
    assert a.lines[0].ids == {"VN": "A1", "BP": "C1"} and a.lines[1].qty == Decimal(4)


def test_bad_numbers_are_segment_errors_even_after_good_ones_were_cached():
    segs = [
        "BEG*00*SA*P1**20260101",
        "PO1*1*2*EA*3.5*PE*VN*A1",
        "PO1*2*NaN*EA*x1*PE*VN*A2",
        "PO1*3**EA**PE*VN*A3",
    ]
    r = X12Extractor().extract(_x12(segs))
    lines = r.orders[0].lines
    assert [ln.qty for ln in lines] == [Decimal(2), None, None]
    assert [ln.unit_price for ln in lines] == [Decimal("3.5"), None, None]
    errs = r.metadata["edi"]["interchanges"][0]["groups"][0]["sets"][0]["segment_errors"]
    assert [(e["position"], e["elements"][0]["position"]) for e in errs] == [(4, 2), (4, 4)]


def test_per_order_issues_carry_the_order_index_and_field():
    ok = ["BEG*00*SA*P1**20260101", "PO1*1*2*EA*3*PE*VN*A1", "CTT*1", "AMT*TT*6"]
    bad = ["BEG*00*SA*P2**20260101", "PO1*1*2*EA*3*PE*VN*A1", "CTT*2*5", "AMT*TT*99"]
    r = X12Extractor().extract(_x12(ok, bad))
    fields = sorted(i.field for i in r.issues)
    assert fields == ["orders[1].declared_line_count", "orders[1].declared_total", "orders[1].lines"]
    per_order = issues_per_order(r)
    assert per_order[0] == [] and sorted(i.field for i in per_order[1]) == [
        "declared_line_count",
        "declared_total",
        "lines",
    ]


def test_envelope_issue_points_at_the_order_source():
    data = _x12(["BEG*00*SA*P1**20260101", "PO1*1*2*EA*3*PE*VN*A1"]).replace(b"SE*4*0001", b"SE*9*0001")
    r = X12Extractor().extract(data)
    env = [i for i in r.issues if i.rule == "x12_envelope"]
    assert len(env) == 1 and env[0].field == "orders[0].source"


def test_edifact_per_order_issue_paths():
    head, cnt, tail = build_edifact(2, 3).rpartition("CNT+2:3'")
    assert cnt
    text = head + "CNT+2:7'" + tail  # the second message declares 7 lines, it has 3
    r = EdifactExtractor().extract(text.encode())
    assert len(r.orders) == 2
    assert [i.field for i in r.issues] == ["orders[1].declared_line_count"]
