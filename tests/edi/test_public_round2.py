"""Round 2 of public samples: failure modes seen in files we may not copy, held by small synthetic files.

Each test names the public file shape it reproduces (see public/SOURCES.md, "Looked at, NOT copied").
"""

from __future__ import annotations

from decimal import Decimal

from orderflow.extractors import registry

_ISA = "ISA*00*          *00*          *12*2816465200     *ZZ*8869           *070501*1921*U*00400*000000477*0*P*>"
_BODY = [
    "GS*PO*2816465200*8869*20070501*1921*477*X*004010",
    "ST*850*4770001",
    "BEG*00*SA*0000044605*C-AR*20070501",
    "N1*ST*ACADEMY LTD.*92*004",
    "N3*1800 N. MASON ROAD",
    "N4*KATY*TX*77449",
    "PO1**48*EA*0.6**UP*047559180135*VA*SR13*IN*0217-00580-0013-000-0000",
    "PID*F****3'X1 STRAP W/BUCKLE",
    "CTT*1",
    "SE*9*4770001",
    "GE*1*477",
    "IEA*1*000000477",
]


def _x12_control_separators(segment_end: str) -> bytes:
    text = segment_end.join([_ISA, *_BODY]) + segment_end
    return text.replace("*", "\x1d").encode()


def _extract(data: bytes):
    extractor = registry.sniff(data, None)
    assert extractor is not None, "no extractor claimed the file"
    return extractor.extract(data)


def test_x12_with_control_character_element_separator():
    """A VICS retail 850 whose element separator is GS (0x1D): Python's \\s counts it as white space."""
    for segment_end in ("\n", "\r\n", "\x1c"):
        result = _extract(_x12_control_separators(segment_end))
        (order,) = result.orders
        assert order.po_number == "0000044605" and order.references["release"] == "C-AR"
        assert order.ship_to.name == "ACADEMY LTD." and order.ship_to.ids == {"92": "004"}
        assert order.ship_to.address.city == "KATY"
        (line,) = order.lines
        assert (line.line_no, line.qty, line.uom, line.unit_price) == (
            "1",
            Decimal("48"),
            "EA",
            Decimal("0.6"),
        )
        assert line.ids == {"UP": "047559180135", "VA": "SR13", "IN": "0217-00580-0013-000-0000"}
        assert line.description == "3'X1 STRAP W/BUCKLE"


def test_bare_x12_set_with_control_character_separator():
    text = "\n".join(_BODY[1:9]).replace("*", "\x1d")
    (order,) = _extract(text.encode()).orders
    assert order.po_number == "0000044605" and order.lines[0].qty == Decimal("48")


def test_edifact_level_b_control_separators_without_una():
    """UNOB without UNA: the default separators are US (component), GS (element), FS (segment)."""
    text = (
        "UNB\x1dUNOB\x1f3\x1dSENDER\x1f14\x1dRECV\x1f14\x1d200101\x1f1200\x1d77\x1c"
        "UNH\x1d1\x1dORDERS\x1fD\x1f96A\x1fUN\x1cBGM\x1d220\x1dPO-9\x1d9\x1c"
        "LIN\x1d1\x1d\x1d4000000000001\x1fEN\x1cQTY\x1d21\x1f5\x1fPCE\x1cUNS\x1dS\x1c"
        "UNT\x1d6\x1d1\x1cUNZ\x1d1\x1d77\x1c"
    )
    result = _extract(text.encode())
    (order,) = result.orders
    assert order.po_number == "PO-9"
    assert [(ln.qty, ln.uom, ln.ids) for ln in order.lines] == [
        (Decimal("5"), "PCE", {"EN": "4000000000001"})
    ]
    assert not result.issues


_WONKY = (
    "UNB+UNOA:4+WONKY:ZZ+GLOOP:ZZ+040801:0913+1'UNH+0001+ORDERS:D:01A:UN'BGM+105+D654321987+9'"
    "DTM+10:20040214:102'"
    "NAD+ST+91654654:ZZZ+3457 Northwest Ave.:Dock 12+Wonky Toys #234++Charlesville+ON+45678+CAN'"
    "LIN+1++1-23456-78901-0:UP'PIA+1+FB001:VP'IMD+A++:::Footballs'QTY+21:15:EA'MOA+146:9'"
    "LIN+2++BB001:VP'QTY+21:44:EA'MOA+146:2.2'PRI+AAA:2.10'"
    "LIN+3++CC001:VP'QTY+21:2:EA'MOA+203:7.00'"
    "UNS+S'CNT+2:3'UNT+18+0001'UNZ+1+1'"
)


def test_edifact_moa_146_is_the_unit_price_and_pri_wins():
    """MOA 146 is 'unit price' (5025), not a line amount; PRI+AAA, when given, is the price."""
    (order,) = _extract(_WONKY.encode()).orders
    got = [(ln.line_no, ln.qty, ln.unit_price, ln.amount) for ln in order.lines]
    assert got == [
        ("1", Decimal("15"), Decimal("9"), None),
        ("2", Decimal("44"), Decimal("2.10"), None),
        ("3", Decimal("2"), None, Decimal("7.00")),
    ]


def test_edifact_vp_is_the_vendor_part_and_sku():
    (order,) = _extract(_WONKY.encode()).orders
    assert [ln.sku for ln in order.lines] == ["FB001", "BB001", "CC001"]
    assert order.lines[0].gtin == "1-23456-78901-0"


def test_edifact_nad_unstructured_address_lines_become_the_street():
    """NAD C058 (name and address lines) holds the street when NAD04 names the party and NAD05 is empty."""
    (order,) = _extract(_WONKY.encode()).orders
    ship = order.ship_to
    assert ship.name == "Wonky Toys #234" and ship.ids == {"ZZZ": "91654654"}
    assert ship.address.lines == ["3457 Northwest Ave.", "Dock 12"]
    assert (ship.address.city, ship.address.region, ship.address.postal_code, ship.address.country) == (
        "Charlesville",
        "ON",
        "45678",
        "CAN",
    )


def test_edifact_nad_with_only_unstructured_name_and_address():
    text = (
        "UNH+1+ORDERS:D:96A:UN'BGM+220+P1+9'NAD+BY++ACME GMBH:HAUPTSTR 1:BERLIN'LIN+1++X:SA'QTY+21:1'UNT+6+1'"
    )
    (order,) = _extract(text.encode()).orders
    assert order.buyer.name == "ACME GMBH" and order.buyer.address.lines == ["HAUPTSTR 1", "BERLIN"]


def test_x12_mtx_n9_contract_and_zero_discount_terms():
    """5010 850 with N9/MTX notes, BEG06 contract and an ITD whose discount is 0% 0 days."""
    text = "~\n".join(
        [
            "ISA*00*          *00*          *ZZ*MODUS          *ZZ*MULESOFT       *150106*1201*U*00501*123456789*1*P*>",
            "GS*PO*MODUS*MULESOFT*20150106*1201*123456789*X*005010",
            "ST*850*000000123",
            "BEG*00*SA*PO01**20150106*CT-77",
            "ITD*08*15*0**0**30",
            "N9*VR*12345",
            "MTX*PUR*Rush Order",
            "N1*ST*Modus*UL*0086868001009",
            "PO1**1*CA*20.84*CP*CB*000131968*VN*G98252329",
            "PID*F****Gadget 13 x 17",
            "CTT*1",
            "SE*11*000000123",
            "GE*1*123456789",
            "IEA*1*123456789",
        ]
    )
    (order,) = _extract((text + "~\n").encode()).orders
    assert order.notes[:1] == ["Rush Order"]
    assert order.references["VR"] == "12345" and order.references["contract"] == "CT-77"
    assert order.payment_terms == "net 30"
    assert order.lines[0].line_no == "1" and order.lines[0].description == "Gadget 13 x 17"


def test_absurd_exponent_does_not_abort_the_file():
    """A quantity like -1E+999999120 is a finite Decimal but overflows the AMT cross-check."""
    text = "~".join(
        [
            "ISA*00*          *00*          *ZZ*A              *ZZ*B              *101127*1719*U*00400*000003438*0*P*>",
            "GS*PO*A*B*20101127*1719*1421*X*004010",
            "ST*850*0010",
            "BEG*00*SA*P1**20101127",
            "PO1*1*-1E+999999120*EA*9.25**VN*AB",
            "PO1*2*2*EA*1.50**VN*CD",
            "CTT*2",
            "AMT*1*3.00",
            "SE*8*0010",
            "GE*1*1421",
            "IEA*1*000003438",
        ]
    )
    result = _extract((text + "~").encode())
    (order,) = result.orders
    assert [ln.ids["VN"] for ln in order.lines] == ["AB", "CD"]
    assert not any(i.message.startswith("The X12 file could not") for i in result.issues)
