"""Round-two speed paths give exactly what the careful paths give.

- ``extractors.edi.fast`` builds models through the slot descriptors: equal to validated ones.
- The EDIFACT "plain" path (no release characters, no repetitions: components split directly,
  Decimal cache) maps like ``val()``: the same message with one escaped character elsewhere
  takes the careful path and must give the same lines.
- Tokenizers: the tag list, lower-case tags, padding and duplicate UNH references.
"""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from orderflow.canonical import CanonicalOrder, OrderLine, Party, Provenance
from orderflow.extractors.edi import edifact, fast, x12
from orderflow.extractors.edifact_orders import EdifactExtractor
from orderflow.extractors.x12_850 import X12Extractor


def test_fast_models_equal_validated_ones():
    values = dict.fromkeys(OrderLine.model_fields)
    values.update(
        line_no="7", qty=Decimal("2.50"), ids={"VN": "A1"}, charges=[], destinations=[], notes=["n"]
    )
    built = fast.one(OrderLine, dict(values))
    validated = OrderLine(**values)
    assert built == validated
    assert built.model_dump(mode="json") == validated.model_dump(mode="json")
    assert built.model_dump(mode="json")["qty"] == "2.50"
    assert repr(built) == repr(validated)
    provs = [
        dict(dict.fromkeys(Provenance.model_fields), segment=i, raw=f"S{i}", confidence=1.0) for i in range(3)
    ]
    many = fast.many(Provenance, provs, set(Provenance.model_fields))
    assert many == [Provenance(segment=i, raw=f"S{i}") for i in range(3)]
    many[1].segment = 9  # pydantic's setattr still works on them and touches only that one
    assert [p.segment for p in many] == [0, 9, 2]
    order = CanonicalOrder(lines=[built])
    assert CanonicalOrder.model_validate(order.model_dump(mode="json")) == order


def test_blank_models_equal_validated_ones_with_fresh_containers():
    from orderflow.canonical import Address, Party, Source

    assert fast.blank(CanonicalOrder) == CanonicalOrder()
    assert fast.blank(Party, name="DEPOT") == Party(name="DEPOT")
    assert fast.blank(Address) == Address()
    source = dict(format="x12_850", filename="a.edi", channel="cli", control_numbers={"ST02": "1"}, index=3)
    assert fast.blank(Source, **source) == Source(**source)
    one, two = fast.blank(CanonicalOrder), fast.blank(CanonicalOrder)
    one.lines.append(OrderLine())
    one.references["x"] = "y"
    assert two.lines == [] and two.references == {} and one.source is not two.source
    assert fast.blank(CanonicalOrder).model_dump(mode="json") == CanonicalOrder().model_dump(mode="json")


def test_fast_relies_on_pydantic_instance_state_it_fills():
    """``fast`` fills a model's instance state by hand (written against pydantic 2.7-2.14): exactly
    the four slots of BaseModel, no private attributes, no extra. A pydantic that adds state
    fails here rather than leaving half-built models in production."""
    assert set(BaseModel.__slots__) == {
        "__dict__",
        "__pydantic_fields_set__",
        "__pydantic_extra__",
        "__pydantic_private__",
    }
    from orderflow.canonical import Address, Party, Source

    for cls in (OrderLine, Provenance, CanonicalOrder, Party, Address, Source):
        assert cls.__private_attributes__ == {} and cls.model_config.get("extra") == "forbid"
        reference = cls.model_construct(**dict.fromkeys(cls.model_fields))
        built = fast.one(cls, dict.fromkeys(cls.model_fields))
        for slot in BaseModel.__slots__:
            assert getattr(built, slot) == getattr(reference, slot), (cls.__name__, slot)


def _edifact(lines: list[list[str]], ftx: str = "PLAIN") -> bytes:
    segs = ["UNB+UNOC:3+SENDER:14+RECEIVER:14+260101:1200+R1", "UNH+1+ORDERS:D:96A:UN", "BGM+220+PO1+9"]
    segs.append(f"FTX+AAI+++{ftx}")
    for n, body in enumerate(lines, 1):
        segs += [s.replace("{n}", str(n)) for s in body]
    segs += ["UNS+S", f"CNT+2:{len(lines)}", f"UNT+{len(segs)}+1", "UNZ+1+R1"]
    return ("UNA:+.? '" + "'\n".join(segs) + "'\n").encode()


_component = st.sampled_from(
    ["", "21", "113", "AAA", "AAB", "12", "3.5", "0,75", "PCE", " KGM ", "x1", "abc"]
)
_element = st.lists(_component, min_size=0, max_size=6).map(":".join)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(_element, _element, _element, _element), min_size=1, max_size=4))
def test_edifact_plain_path_equals_careful_path(raw_lines):
    """Same lines, once plain and once with an escaped '+' in the header FTX (careful path)."""
    lines = [
        [f"LIN+{{n}}++{lin}", f"PIA+1+{pia}", f"IMD+F++{imd}", f"QTY+{qty}", f"PRI+{qty}", f"QTY+{imd}"]
        for lin, pia, imd, qty in raw_lines
    ]
    plain = EdifactExtractor().extract(_edifact(lines))
    careful = EdifactExtractor().extract(_edifact(lines, ftx="ESCAPED?+TEXT"))
    assert edifact.tokenize(_edifact(lines, ftx="ESCAPED?+TEXT").decode()).restore  # really the other path
    assert len(plain.orders) == len(careful.orders) == 1
    a, b = plain.orders[0], careful.orders[0]
    assert a.lines == b.lines
    assert a.provenance == b.provenance
    assert (
        plain.metadata["edi"]["interchanges"][0]["messages"][0]["segment_errors"]
        == (careful.metadata["edi"]["interchanges"][0]["messages"][0]["segment_errors"])
    )
    assert b.notes == ["ESCAPED+TEXT"] and a.notes == ["PLAIN"]


def test_edifact_bad_numbers_are_errors_every_time_despite_the_cache():
    lines = [["LIN+{n}++4000000000001:EN", "QTY+21:abc:PCE", "PRI+AAA:9.50"]] * 2
    lines.append(["LIN+{n}++4000000000002:EN", "QTY+21:4:PCE", "PRI+AAA:9.50"])
    r = EdifactExtractor().extract(_edifact(lines))
    errors = r.metadata["edi"]["interchanges"][0]["messages"][0]["segment_errors"]
    assert [(e["tag"], e["value"]) for e in errors] == [("QTY", "abc"), ("QTY", "abc")]
    assert [ln.qty for ln in r.orders[0].lines] == [None, None, Decimal("4")]
    assert [ln.unit_price for ln in r.orders[0].lines] == [Decimal("9.50")] * 3
    assert r.orders[0].lines[0].gtin == "4000000000001"


def test_edifact_duplicate_message_reference_among_many():
    segs = ["UNB+UNOC:3+S:14+R:14+260101:1200+R1"]
    for ref in ["1", "2", "3", "2", "4"]:
        segs += [f"UNH+{ref}+ORDERS:D:96A:UN", f"BGM+220+PO{ref}+9", f"UNT+3+{ref}"]
    segs.append("UNZ+5+R1")
    r = EdifactExtractor().extract(("'".join(segs) + "'").encode())
    dups = [d for d in r.diagnostics if d.code == "UNH_DUPLICATE"]
    assert len(dups) == 1 and dups[0].position["segment"] == 10
    assert len(r.orders) == 5


def test_edifact_padding_and_lower_case_tags():
    lines = [["LIN+{n}++4000000000001:EN", "QTY+21:3:PCE"]]
    clean = EdifactExtractor().extract(_edifact(lines))
    messy_text = _edifact(lines).decode().replace("'\nQTY", "' \n  qty").replace("'\nLIN", "'\tlin")
    messy = EdifactExtractor().extract(messy_text.encode())
    assert messy.orders[0].lines == clean.orders[0].lines
    assert messy.orders[0].lines[0].qty == Decimal("3")


def test_x12_tags_follow_items_and_envelope_sees_outside_segments():
    text = (
        "REF*ZZ*junk~ISA*00*          *00*          *ZZ*B              *ZZ*S              *260101*1200*U*00401*"
        "000000001*0*P*>~gs*PO*B*S*20260101*1200*1*X*004010~ST*850*0001~BEG*00*SA*P1**20260101~"
        "PO1*1*2*EA*3**VN*A~SE*4*0001~GE*1*1~IEA*1*000000001~REF*ZZ*after~"
    )
    segs = x12.tokenize(text)
    assert segs.tags == [parts[0] for parts in segs.items]
    assert segs.tags[:2] == ["ISA", "GS"]  # leading junk dropped; lower-case tag upper-cased in both
    meta, diags = x12.envelope(segs)
    assert [(d.code, d.position.get("segment")) for d in diags] == [
        ("LEADING_GARBAGE", None),
        ("SEGMENT_OUTSIDE", 8),
    ]
    bare = x12.Segments(items=[["ST", "850", "1"], ["XX"], ["SE", "3", "1"]], raws=["", "", ""])
    meta, _ = x12.envelope(bare)  # Segments built by hand: tags are derived on demand
    assert meta["interchanges"][0]["groups"][0]["sets"][0]["end"] == 2


def test_x12_party_and_header_provenance_are_plain_provenance():
    text = (
        "ISA*00*          *00*          *ZZ*B              *ZZ*S              *260101*1200*U*00401*000000001*0*P*>~"
        "GS*PO*B*S*20260101*1200*1*X*004010~ST*850*0001~BEG*00*SA*P1**20260101~CUR*BY*EUR~"
        "N1*ST*DEPOT*92*D1~PO1*1*2*EA*3**VN*A~SE*6*0001~GE*1*1~IEA*1*000000001~"
    )
    order = X12Extractor().extract(text.encode()).orders[0]
    assert order.provenance["currency"] == Provenance(segment=4, element=2, extractor="x12_850")
    assert order.provenance["po_number"] == Provenance(segment=3, element=3, extractor="x12_850")
    assert order.provenance["ship_to"] == Provenance(segment=5, extractor="x12_850")
    assert order.provenance["lines"] == Provenance(segments=[6], extractor="x12_850")
    assert order.provenance_of("lines[0].qty") == Provenance(segment=6, extractor="x12_850")
    assert order.ship_to == Party(name="DEPOT", ids={"92": "D1"})
    assert order.currency == "EUR" and order.po_number == "P1"


def test_x12_lazy_tokenize_splits_a_set_at_a_time_into_the_same_segments():
    # two interchanges with their own delimiters, a lower-case tag, leading junk and a trailing segment
    first = (
        "REF*ZZ*junk~ISA*00*          *00*          *ZZ*B              *ZZ*S              *260101*1200*U*00401*"
        "000000001*0*P*>~gs*PO*B*S*20260101*1200*1*X*004010~ST*850*0001~BEG*00*SA*P1**20260101~"
        "po1*1*2*EA*3**VN*A~SE*4*0001~GE*1*1~IEA*1*000000001~"
    )
    second = first.replace("REF*ZZ*junk~", "").replace("*", "|").replace("~", "\n").replace("P1", "P2")
    text = first + second + "REF|ZZ|after\n"
    eager, lazy = x12.tokenize(text), x12.tokenize(text, lazy=True)
    assert lazy.tags == eager.tags and lazy.raws == eager.raws and lazy.lazy and not eager.lazy
    envelope_segments = [i for i, t in enumerate(lazy.tags) if t in ("ISA", "GS", "ST", "SE", "GE", "IEA")]
    assert [i for i, parts in enumerate(lazy.items) if parts is not None] == envelope_segments
    assert x12.envelope(lazy) == x12.envelope(eager)  # the envelope walk needs no other segment
    lazy.split(0, len(lazy.items))
    assert lazy.items == eager.items  # each interchange split with its own element separator
    orders = X12Extractor().extract(text.encode()).orders
    assert [o.po_number for o in orders] == ["P1", "P2"] and orders[1].lines[0].sku == "A"
