"""Public real-world samples in tests/edi/public extract exactly their hand-written gold."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from edi_helpers import extract_any
from test_edi_corpus import _check_party, check_gold

PUBLIC = Path(__file__).parent / "public"


def _public_files() -> list[Path]:
    return sorted(p for p in PUBLIC.glob("*.edi") if Path(str(p) + ".expected.json").exists())


@pytest.mark.parametrize("path", _public_files(), ids=lambda p: p.name)
def test_public_gold(path: Path):
    gold = json.loads(Path(str(path) + ".expected.json").read_text())
    result = extract_any(path.read_bytes(), path.name)
    check_gold(result, gold)
    _check_extras(result.orders[0], gold)


def _check_extras(order, gold: dict) -> None:
    """Round-2 gold may also name terms, dates, total, supplier and references: check them when given."""
    if "payment_terms" in gold:
        assert order.payment_terms == gold["payment_terms"]
    if "requested_delivery_date" in gold:
        got = order.requested_delivery_date
        assert (got.isoformat() if got else None) == gold["requested_delivery_date"]
    if "declared_total" in gold:
        expected = gold["declared_total"]
        assert order.declared_total == (None if expected is None else Decimal(str(expected)))
    if "supplier" in gold:
        _check_party(order.supplier, gold["supplier"])
    for key, value in gold.get("references", {}).items():
        assert order.references.get(key) == value


def test_public_set_is_not_empty():
    assert _public_files()


def test_space_after_isa16_before_line_break_is_padding(x12):
    """Some senders pad each line with a space: the line break, not the space, ends a segment."""
    lines = [
        "ISA*00*          *00*          *ZZ*PARTNER        *16*RECEIVER       *060521*0300*U*00400*000000001*0*P*> ",
        "  GS*PO*PARTNER*RECEIVER*20090421*0300*1*X*004010 ",
        "    ST*850*0001 ",
        "      BEG*00*NE*MH80312**20090421 ",
        "      N1*BY*SOLD TO Org Name*ZZ*038181483 ",
        "      N1*ST*SHIP TO Org Name*ZZ*0381814830030 ",
        "      PO1*1*11*EA*1499.95*CA*BP*12345678*MG*12070205 ",
        "      CTT*1 ",
        "    SE*7*0001 ",
        "  GE*1*1 ",
        "IEA*1*000000001",
    ]
    result = x12.extract("\r\n".join(lines).encode())
    (order,) = result.orders
    assert order.po_number == "MH80312"
    assert order.buyer.name == "SOLD TO Org Name" and order.buyer.ids == {"ZZ": "038181483"}
    assert order.ship_to.name == "SHIP TO Org Name"
    assert [(str(ln.qty), str(ln.unit_price), ln.ids) for ln in order.lines] == [
        ("11", "1499.95", {"BP": "12345678", "MG": "12070205"})
    ]


def test_isa16_left_out_means_it_is_the_terminator(x12):
    """`...*T*~` + LF with every line ending in `~`: `~` terminates segments, it is no component separator."""
    text = (
        "ISA*00*          *00*          *01*049351117      *ZZ*BARSAN         *190805*1134*U*00401*000000001*0*T*~\n"
        "GS*PO*049351117*BARSAN*20190805*1134*1*X*004010~\n"
        "ST*850*0042~\nBEG*00*SA*PO77**20190805~\n"
        "PO1*1*5*EA*2.50**VP*ABC~\nPID*F****Widget~\nDTM*002*20190309\n"
        "PO1*2*7*EA*1.25**VP*DEF~\nCTT*2~\nSE*8*0042~\nGE*1*1~\nIEA*1*000000001~"
    )
    (order,) = x12.extract(text.encode()).orders
    assert order.source.control_numbers.get("ST02") == "0042"
    assert [(ln.line_no, str(ln.qty), ln.ids, ln.description) for ln in order.lines] == [
        ("1", "5", {"VP": "ABC"}, "Widget"),
        ("2", "7", {"VP": "DEF"}, None),
    ]


def test_edifact_discrete_quantity_orders_the_line(edifact):
    """QTY+1 is the line quantity when there is no QTY+21; a QTY+21 still wins when both are given."""
    text = (
        "UNB+UNOA:4+APP:1+CO:1+20051107:1159+6002'UNH+M1+ORDERS:D:03B:UN:EAN008'BGM+220+BK1+9'"
        "DTM+137:20051107:102'NAD+BY+5412345000176::9'LIN+1+1+0764569104:IB'QTY+1:25'"
        "LIN+2+1+0764569090:IB'QTY+1:3'QTY+21:4:PCE'LIN+3+1+0764569091:IB'QTY+21:6'QTY+11:2'"
        "UNS+S'UNT+13+M1'UNZ+1+6002'"
    )
    (order,) = edifact.extract(text.encode()).orders
    assert [(str(ln.qty), ln.uom) for ln in order.lines] == [("25", None), ("4", "PCE"), ("6", None)]
