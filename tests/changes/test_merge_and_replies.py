"""The merge of a change into the previous version, and the 865 / ORDRSP builders on their own."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from changes_helpers import CHANGES, read_865
from pydifact.segmentcollection import Interchange

from orderflow.canonical import CanonicalOrder, OrderLine, Party, Purpose, Source
from orderflow.extractors import ExtractContext, extract
from orderflow.extractors.edi.lint import lint
from orderflow.flows.changes import change_id, is_change, merge
from orderflow.intake.replies import LineStatus, build_865, build_ordrsp

NOW = dt.datetime(2026, 11, 21, 9, 0)


def _order(name: str) -> CanonicalOrder:
    (order,) = extract((CHANGES / name).read_bytes(), ExtractContext(filename=name)).orders
    return order


def _line(no: str, qty: str, code: str | None = None, **kw) -> OrderLine:
    return OrderLine(line_no=no, qty=Decimal(qty), uom="EA", change_code=code, **kw)


def test_incremental_merge_applies_each_code_and_rejects_what_it_cannot() -> None:
    prev = CanonicalOrder(po_number="P1", revision=0, lines=[_line("1", "5", sku="A", unit_price=Decimal(2)),
                                                             _line("2", "7", sku="B"), _line("3", "1", sku="C")],
                          declared_total=Decimal(10))
    change = CanonicalOrder(
        po_number="P1", purpose=Purpose.CHANGE, source=Source(format="x12_860"),
        ship_to=Party(name="New DC", ids={"92": "9"}),
        lines=[_line("1", "9", "QI"), _line("2", "0", "DI"), _line("4", "3", "AI", sku="D"),
               _line("3", "2", "AI", sku="C"), _line("8", "1", "QD"), _line("3", "4", "PC", unit_price=Decimal(3))])
    m = merge(prev, change)
    o = m.order
    assert (o.purpose, o.revision, o.declared_total) == (Purpose.CHANGE, 1, None)
    assert [(ln.line_no, ln.sku, ln.qty, ln.unit_price) for ln in o.lines] == [
        ("1", "A", 9, Decimal(2)), ("3", "C", 4, Decimal(3)), ("4", "D", 3, None)]
    assert o.ship_to.name == "New DC" and m.header == ["ship_to"]
    assert [(c.line_no, c.op, c.ack_status) for c in m.lines] == [
        ("1", "change", "IA"), ("2", "delete", "ID"), ("4", "add", "IA"), ("3", "add", "IR"),
        ("8", "change", "IR"), ("3", "change", "IA")]
    assert m.rejected[0].reason.startswith("line 3 is already on the order")
    assert prev.lines[0].qty == 5  # the previous version is never edited


def test_cancel_and_full_replacement() -> None:
    prev = CanonicalOrder(po_number="P1", revision=2, lines=[_line("1", "5"), _line("2", "1")])
    cancel = merge(prev, CanonicalOrder(po_number="P1", purpose=Purpose.CANCEL, source=Source(format="x12_860")))
    assert cancel.order.purpose == Purpose.CANCEL and cancel.order.revision == 3
    assert [c.ack_status for c in cancel.lines] == ["ID", "ID"]
    revised = CanonicalOrder(po_number="P1", revision=1, lines=[_line("1", "6"), _line("3", "2")])
    assert is_change(revised)
    full = merge(prev, revised)
    assert not full.incremental and full.order.revision == 3
    assert [(c.line_no, c.op) for c in full.lines] == [("1", "change"), ("3", "add"), ("2", "delete")]


def test_change_identity_ignores_the_envelope() -> None:
    a = _order("globex-860-GX-448300-quantity.edi")
    b = _order("globex-860-GX-448300-quantity-resent.edi")
    assert a.source.control_numbers != b.source.control_numbers
    assert change_id(a) == change_id(b)
    assert change_id(a) != change_id(_order("globex-860-GX-448300-price.edi"))


def test_865_reads_back_through_pyx12_and_our_parser_in_4010_and_5010() -> None:
    change = _order("globex-860-GX-448300-unknown-line.edi")
    statuses = [LineStatus("1", "IA", qty=Decimal(288), uom="RL"), LineStatus("9", "IR")]
    for version in ("00401", "00501"):
        text = build_865(change, statuses, isa_control=5, gs_control=6, st_control=3, now=NOW, version=version,
                         reasons={"9": "line 9 is not on the order"}, erp_order_no="SO-7")
        got = read_865(text)
        assert got["bca"][1:4] == ["00", "AC", "GX-448300"]
        assert got["poc"] == [["1", "QI"], ["9", "QD"]]
        assert got["ack"] == ["IA", "IR"] and got["ack_qty"] == ["288", None]
        assert got["msg"] == ["line 9 is not on the order"] and ["VN", "SO-7"] in got["ref"]
        assert lint(text.encode()) == []
        assert "GS*CA*" in text and "ST*865*0003~" in text
        back = extract(text.encode(), ExtractContext(filename="865.edi"))  # not an order: read, not crashed
        assert back.orders == [] and back.metadata["edi"]["standard"] == "X12"


def test_ordrsp_for_ordchg_uses_the_given_function_and_reasons() -> None:
    change = _order("globex-ordchg-GX-EU-5530.edi")
    statuses = [LineStatus("1", "ID", qty=Decimal(0)), LineStatus("2", "IA", qty=Decimal(144)),
                LineStatus("3", "IA", qty=Decimal(10)), LineStatus("7", "IR")]
    text = build_ordrsp(change, statuses, control_ref=9, now=NOW, function="4", reasons={"7": "not on the order"})
    (msg,) = list(Interchange.from_str(text).get_messages())
    assert msg.type == "ORDRSP"
    segs = {(s.tag, str(s.elements[0])) for s in msg.segments}
    assert ("BGM", "231") in segs
    lins = [s.elements[:2] for s in msg.segments if s.tag == "LIN"]
    assert lins == [["1", "2"], ["2", "5"], ["3", "5"], ["7", "7"]]
    assert [s.elements for s in msg.segments if s.tag == "FTX"] == [["AAO", "", "", "not on the order"]]
    assert lint(text.encode()) == []
