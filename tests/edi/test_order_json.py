"""``order_json`` (the bytes of ``extract --json``) writes plain lines through orjson: byte for byte
what pydantic-core writes for the whole order, on every EDI file we have and on hostile text."""

from __future__ import annotations

import sys
from decimal import Decimal
from pathlib import Path

from edi_helpers import CORPUS, extract_any
from hypothesis import given, settings
from hypothesis import strategies as st

from orderflow.canonical import CanonicalOrder, OrderLine, order_json
from orderflow.canonical.order import _PROVENANCE_MAP, _lines_json
from orderflow.extractors.x12_850 import X12Extractor

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
from edi import build_edifact, build_x12  # noqa: E402

EDI_FILES = sorted(
    [
        *CORPUS.glob("*.edi"),
        *(Path(__file__).parent / "public").glob("*.edi"),
        *(ROOT / "samples" / "edi").glob("*.edi"),
        *(ROOT / "samples" / "inbox").glob("*.edi"),
    ]
)


def pydantic_json(order: CanonicalOrder) -> bytes:
    """The model path: the whole order through pydantic-core (what order_json wrote before orjson)."""
    body = order.__pydantic_serializer__.to_json(order, exclude={"provenance"})
    prov = _PROVENANCE_MAP.dump_json(order.provenance, exclude_none=True)
    return b"".join((body[:-1], b',"provenance":', prov, b"}"))


def test_every_edi_file_writes_the_same_bytes_as_the_model_path():
    assert len(EDI_FILES) >= 20
    fast = 0
    for path in EDI_FILES:
        for order in extract_any(path.read_bytes(), path.name).orders:
            assert order_json(order) == pydantic_json(order), path.name
            fast += bool(order.lines) and _lines_json(order.lines) is not None
    assert fast >= 10  # the orjson path really ran, not only the fallback


def test_bench_interchanges_write_the_same_bytes():
    for text in (build_x12(3, 20), build_edifact(3, 20)):
        orders = extract_any(text.encode()).orders
        assert orders and all(_lines_json(o.lines) is not None for o in orders)
        assert all(order_json(o) == pydantic_json(o) for o in orders)


def test_lines_with_charges_or_destinations_take_the_model_path():
    data = (ROOT / "samples" / "edi" / "x12_850_5010_sac_sdq.edi").read_bytes()
    order = X12Extractor().extract(data).orders[0]
    assert order.lines[0].charges and order.lines[0].destinations
    assert _lines_json(order.lines) is None
    assert order_json(order) == pydantic_json(order)


def test_a_number_that_is_not_a_decimal_takes_the_model_path():
    # validate_assignment is off: a float or int set after validation must not reach orjson
    line = OrderLine(line_no="1", qty=Decimal("2"))
    line.unit_price = 3  # type: ignore[assignment]
    assert _lines_json([line]) is None


text = st.text(st.characters(codec="utf-8"), max_size=12) | st.sampled_from(
    ['"', "\\", "\x00\x1f\x7f", "\u2028\u2029", "é€😀", "\ud800", "</script>", "\b\f\n\r\t"]
)
number = (
    st.none()
    | st.decimals(allow_nan=False, allow_infinity=False, places=4, min_value=-10**9, max_value=10**9)
    | st.sampled_from([Decimal("1E+2"), Decimal("1E-7"), Decimal("-0"), Decimal("0E-9"), Decimal("12.50")])
)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.fixed_dictionaries(
            {
                "line_no": st.none() | text,
                "qty": number,
                "unit_price": number,
                "amount": number,
                "description": st.none() | text,
                "sku": st.none() | text,
                "ids": st.dictionaries(text, text, max_size=3),
                "requested_date": st.none() | st.dates(),
                "notes": st.lists(text, max_size=2),
            }
        ),
        min_size=1,
        max_size=4,
    )
)
def test_hostile_text_and_numbers_write_the_same_bytes(lines):
    order = CanonicalOrder(po_number="P\u00e9\"1", lines=[OrderLine.model_construct(**OrderLine().__dict__ | v) for v in lines])
    try:
        want = pydantic_json(order)
    except Exception:  # what pydantic cannot write (a lone surrogate) must not become bytes either
        assert _lines_json(order.lines) is None
        return
    assert order_json(order) == want
