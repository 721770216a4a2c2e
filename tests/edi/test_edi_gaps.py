"""Small gaps found on real files: where a line's description comes from when no IMD/PID carries
one (EDIFACT FTX+AFM / FTX+LIN after a LIN, X12 PO1 product id qualifier PD), and a description
spread over several IMD/PID segments (joined in order; another kind of description stays a note)."""

from __future__ import annotations

from orderflow.canonical import CanonicalOrder
from orderflow.extractors.edifact_orders import EdifactExtractor
from orderflow.extractors.x12_850 import X12Extractor
from orderflow.review import render

ISA = "ISA*00*          *00*          *ZZ*BUYER          *ZZ*SELLER         *260101*1200*U*00401*000000001*0*P*>~"


def x12(body: list[str]) -> bytes:
    segs = ["GS*PO*BUYER*SELLER*20260101*1200*1*X*004010", "ST*850*0001", "BEG*00*SA*PO-GAP**20260101", *body]
    segs.append(f"SE*{len(segs)}*0001")
    return (ISA + "~".join([*segs, "GE*1*1", "IEA*1*000000001"]) + "~").encode()


def edifact(body: list[str]) -> bytes:
    segs = ["UNH+1+ORDERS:D:96A:UN", "BGM+220+PO-GAP+9", "DTM+137:20260101:102", *body]
    segs.append(f"UNT+{len(segs) + 1}+1")
    return ("UNA:+.? 'UNB+UNOC:3+BUYER:14+SELLER:14+260101:1200+R1'" + "'".join([*segs, "UNZ+1+R1"]) + "'").encode()


def one_order(extractor, data: bytes) -> CanonicalOrder:
    result = extractor.extract(data)
    assert not [i for i in result.issues if i.severity == "error"], result.issues
    assert len(result.orders) == 1
    return result.orders[0]


def segment_of(data: bytes, order: CanonicalOrder, path: str) -> str:
    where = order.provenance_of(path)
    assert where is not None, path
    return render.split_segments(data)[where.segment]


def test_x12_po1_product_description_pd_is_the_description_without_pid():
    data = x12(["PO1*1*4*EA*2.50**BP*AC-1*PD*HEX BOLT M8X40", "PO1*2*1*EA*9**BP*AC-2", "CTT*2"])
    order = one_order(X12Extractor(), data)
    first, second = order.lines
    assert first.description == "HEX BOLT M8X40" and first.customer_part == "AC-1"
    assert second.description is None
    # the description came from the PO1 itself: its provenance is the line's PO1
    assert segment_of(data, order, "lines[0].description").startswith("PO1*1*4*EA")


def test_x12_pid_wins_over_pd_and_several_pids_join_in_order():
    data = x12(
        [
            "PO1*1*4*EA*2.50**BP*AC-1*PD*SHORT TEXT",
            "PID*F****STAINLESS HEX BOLT",
            "PID*F****M8 X 40 MM",
            "PID*F****BOX OF 100",
            "PID*S**VI*FL*ZINC",
            "PO1*2*1*EA*9**BP*AC-2",
            "PID*F****WASHER",
            "CTT*2",
        ]
    )
    order = one_order(X12Extractor(), data)
    first, second = order.lines
    assert first.description == "STAINLESS HEX BOLT M8 X 40 MM BOX OF 100"
    assert first.notes == ["ZINC"]  # a structured PID after the free-form ones is not the description
    assert second.description == "WASHER"
    assert segment_of(data, order, "lines[0].description") == "PID*F****STAINLESS HEX BOLT"
    assert segment_of(data, order, "lines[1].description") == "PID*F****WASHER"
    assert order.provenance_of("lines[0].description").element == 5


def test_x12_description_joined_on_the_slow_path_too():
    # padded elements take the careful path for the PO1; the PIDs still join
    data = x12(["PO1*1* 4 *EA*2.50**BP*AC-1", "PID*F****PART ONE", "PID*F****PART TWO", "CTT*1"])
    order = one_order(X12Extractor(), data)
    assert order.lines[0].description == "PART ONE PART TWO"


def test_edifact_ftx_after_lin_is_the_description_without_imd():
    data = edifact(
        [
            "LIN+1++4000862141404:SRS",
            "QTY+21:2:PCE",
            "FTX+AFM+++HEAVY DUTY SHELF:GREY",
            "LIN+2++4000862141411:SRS",
            "QTY+21:1:PCE",
            "FTX+LIN+++CORNER BRACKET",
            "LIN+3++4000862141428:SRS",
            "QTY+21:5:PCE",
            "FTX+AAI+++CALL BEFORE DELIVERY",
        ]
    )
    order = one_order(EdifactExtractor(), data)
    l1, l2, l3 = order.lines
    assert l1.description == "HEAVY DUTY SHELF GREY"
    assert l2.description == "CORNER BRACKET"
    assert l3.description is None and l3.notes == ["CALL BEFORE DELIVERY"]  # not free text about the item
    assert segment_of(data, order, "lines[0].description").startswith("FTX+AFM")
    assert segment_of(data, order, "lines[1].description").startswith("FTX+LIN")
    assert segment_of(data, order, "lines[0].qty") == "QTY+21:2:PCE"


def test_edifact_imd_wins_over_ftx_and_several_imds_join_in_order():
    data = edifact(
        [
            "LIN+1++4000862141404:SRS",
            "FTX+AFM+++FREE TEXT FIRST",
            "IMD+F++:::STAINLESS HEX BOLT",
            "IMD+F++:::M8 X 40",
            "IMD+C++CU::9:BOLT",
            "QTY+21:2:PCE",
            "LIN+2++4000862141411:SRS",
            "IMD+F++:::WASHER:M8",
            "QTY+21:1:PCE",
        ]
    )
    order = one_order(EdifactExtractor(), data)
    l1, l2 = order.lines
    assert l1.description == "STAINLESS HEX BOLT M8 X 40"
    assert "FREE TEXT FIRST" in l1.notes and "BOLT" in l1.notes  # kept, not lost
    assert l2.description == "WASHER M8"
    assert segment_of(data, order, "lines[0].description") == "IMD+F++:::STAINLESS HEX BOLT"
    assert segment_of(data, order, "lines[1].description") == "IMD+F++:::WASHER:M8"
