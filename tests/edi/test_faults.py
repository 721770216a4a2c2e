"""Envelope faults and messy files: diagnostics, never exceptions; they drive 997/CONTRL content."""

from __future__ import annotations

import pytest

from orderflow.extractors.edifact_orders import EdifactExtractor
from orderflow.extractors.x12_850 import X12Extractor
from orderflow.intake.replies import build_997, build_contrl

ISA = "ISA*00*          *00*          *ZZ*BUYER          *ZZ*SELLER         *260101*1200*U*00401*000000005*0*P*>"
BODY = ["ST*850*0001", "BEG*00*SA*PO1**20260101", "PO1*1*2*EA*3.5**VN*A1", "CTT*1", "SE*5*0001"]


def x12(*segs: str, term: str = "~\n") -> bytes:
    return term.join(segs).encode() + term.encode()


def env(body=BODY, ge="GE*1*7", iea="IEA*1*000000005"):
    return [ISA, "GS*PO*BUYER*SELLER*20260101*1200*7*X*004010", *body, ge, iea]


def codes(r):
    return {d.code for d in r.diagnostics}


@pytest.mark.parametrize(
    ("segments", "code", "syntax"),
    [
        (env(body=[*BODY[:-1], "SE*9*0001"]), "SE_COUNT", "4"),
        (env(body=[*BODY[:-1], "SE*5*0002"]), "SE_CONTROL", "3"),
        (env(ge="GE*3*7"), "GE_COUNT", "5"),
        (env(ge="GE*1*8"), "GE_CONTROL", "4"),
        (env(iea="IEA*2*000000005"), "IEA_COUNT", "021"),
        (env(iea="IEA*1*000000009"), "IEA_CONTROL", "001"),
        (env(body=BODY + BODY), "ST_DUPLICATE", "23"),
        (env(body=BODY[:-1]), "SE_MISSING", "2"),
        (env()[:-2], "GE_MISSING", "3"),
        (env()[:-1], "IEA_MISSING", "023"),
    ],
)
def test_x12_envelope_faults(segments, code, syntax):
    r = X12Extractor().extract(x12(*segments))
    diag = next(d for d in r.diagnostics if d.code == code)
    assert diag.syntax_code == syntax
    assert r.orders and r.orders[0].po_number == "PO1"
    ack = build_997(r.metadata["edi"], isa_control=1, gs_control=1)
    assert "AK9*" in ack
    if code in ("SE_COUNT", "SE_CONTROL"):
        assert f"AK5*E*{syntax}" in ack
    if code == "SE_MISSING":
        assert "AK5*R*2" in ack and "AK9*R*1*1*0" in ack


def test_x12_messy_layouts_read_the_same():
    clean = X12Extractor().extract(x12(*env())).orders[0]
    unpadded = "ISA*00**00**ZZ*BUYER*ZZ*SELLER*260101*1200*U*00200*5*0*P*>"
    variants = [
        b"\xef\xbb\xbf" + x12(*env()),  # BOM
        x12(*env(), term="\n"),  # newline terminator
        x12(unpadded, *env()[1:], term="|"),  # unpadded ISA, odd terminator, ISA12 00200
        x12(*env(), term="~\n\n~"),  # empty segments
        x12(*env()).rstrip(b"~\n"),  # last segment without terminator
        x12(*BODY),  # bare ST..SE
        x12(*env()).replace(b"*", b"^").replace(b"^>~", b"^:~"),  # other element separator
    ]
    for data in variants:
        r = X12Extractor().extract(data)
        assert len(r.orders) == 1, data[:80]
        o = r.orders[0]
        assert (o.po_number, o.lines[0].qty, o.lines[0].sku) == (clean.po_number, clean.lines[0].qty, "A1")
    last = X12Extractor().extract(x12(*env()).rstrip(b"~\n"))
    assert not last.diagnostics


def test_x12_two_interchanges_with_different_delimiters_and_latin1():
    first = x12(*env())
    second = (
        x12(*env())
        .replace(b"*", b"|")
        .replace(b"PO1|1|2", b"PO1|1|4")
        .replace(b"BEG|00|SA|PO1", "BEG|00|SA|PÖ2".encode("latin-1"))
    )
    r = X12Extractor().extract(first + second)
    assert [o.po_number for o in r.orders] == ["PO1", "PÖ2"]
    assert r.orders[1].lines[0].qty == 4


def test_x12_not_an_order_and_garbage():
    r = X12Extractor().extract(x12(*env(body=["ST*810*0001", "BIG*20260101*1", "SE*3*0001"])))
    assert not r.orders and r.issues[0].code == "NOT_AN_ORDER"
    assert "AK2*810*0001" in build_997(r.metadata["edi"], isa_control=1, gs_control=1)
    r = X12Extractor().extract(b"hello world, not EDI")
    assert r.issues[0].code == "PARSE_ERROR" and "No X12 segments" in r.issues[0].message


def test_x12_bad_numbers_become_segment_errors():
    r = X12Extractor().extract(
        x12(*env(body=["ST*850*0001", "BEG*00*SA*PO1**2026X101", "PO1*1*two*EA*3.5", "SE*4*0001"]))
    )
    tx = r.metadata["edi"]["interchanges"][0]["groups"][0]["sets"][0]
    assert tx["status"] == "E" and r.orders[0].lines[0].qty is None
    ack = build_997(r.metadata["edi"], isa_control=1, gs_control=1)
    assert "AK3*PO1*3**8" in ack and "AK4*2**6*two" in ack and "AK5*E*5" in ack


def test_edifact_faults():
    base = [
        "UNB+UNOC:3+BUYER:14+SELLER:14+260101:1200+R1",
        "UNH+1+ORDERS:D:96A:UN",
        "BGM+220+P9+9",
        "LIN+1++123:EN",
        "QTY+21:2",
        "UNT+5+1",
        "UNZ+1+R1",
    ]
    ok = EdifactExtractor().extract(("'".join(base) + "'").encode())
    assert not ok.diagnostics and ok.orders[0].po_number == "P9"
    cases = {
        "UNT_COUNT": base[:5] + ["UNT+9+1"] + base[6:],
        "UNT_REFERENCE": base[:5] + ["UNT+5+2"] + base[6:],
        "UNZ_COUNT": base[:6] + ["UNZ+4+R1"],
        "UNZ_REFERENCE": base[:6] + ["UNZ+1+R2"],
        "UNT_MISSING": base[:5] + base[6:],
        "UNZ_MISSING": base[:6],
        "UNH_DUPLICATE": base[:6] + base[1:6] + ["UNZ+2+R1"],
    }
    for code, segs in cases.items():
        r = EdifactExtractor().extract(("'\n".join(segs) + "'").encode())
        assert code in codes(r), code
        assert r.orders[0].po_number == "P9"
        contrl = build_contrl(r.metadata["edi"], control_ref=3)
        assert "UCM+1+ORDERS:D:96A:UN+" in contrl
    r = EdifactExtractor().extract(("'".join(base[:5] + base[6:]) + "'").encode())
    assert "UCM+1+ORDERS:D:96A:UN+4+13" in build_contrl(r.metadata["edi"], control_ref=3)
