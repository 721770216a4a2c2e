"""Hypothesis: thousands of mutated interchanges; nothing escapes, every result is orders,
diagnostics or a readable PARSE_ERROR."""

from __future__ import annotations

from pathlib import Path

from edi_helpers import corpus_files
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orderflow.extractors.edifact_orders import EdifactExtractor
from orderflow.extractors.x12_850 import X12Extractor
from orderflow.intake.replies import build_997, build_contrl

SAMPLES = Path(__file__).resolve().parents[2] / "samples" / "edi"
SEEDS = [p.read_bytes() for p in corpus_files()] + [p.read_bytes() for p in sorted(SAMPLES.glob("*.edi"))]
TOKENS = [
    b"~",
    b"*",
    b"'",
    b"+",
    b":",
    b"?",
    b"\n",
    b"ISA",
    b"GS*",
    b"ST*850*",
    b"SE*",
    b"UNH+",
    b"UNT+",
    b"UNA",
    b"\xef\xbb\xbf",
    b"\xff",
    b"",
    b"9" * 30,
    b"NaN",
    b"-1E+999999",
]


@st.composite
def mutated(draw):
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 6))):
        op = draw(st.integers(0, 3))
        pos = draw(st.integers(0, max(0, len(data) - 1)))
        if op == 0 and data:  # delete a span
            del data[pos : pos + draw(st.integers(1, 40))]
        elif op == 1:  # insert a token
            data[pos:pos] = draw(st.sampled_from(TOKENS))
        elif op == 2 and data:  # flip a byte
            data[pos] = draw(st.integers(0, 255))
        else:  # truncate
            del data[pos:]
    return bytes(data)


def _check(result, is_x12: bool) -> None:
    assert (
        result.orders
        or result.diagnostics
        or any(i.code in ("PARSE_ERROR", "NOT_AN_ORDER") for i in result.issues)
    )
    for issue in result.issues:
        assert issue.message and "Traceback" not in issue.message
    assert not any(
        i.message.startswith(("The X12 file could not", "The EDIFACT file could not")) for i in result.issues
    )
    for order in result.orders:
        order.to_json_dict()
    meta = result.metadata.get("edi")
    if meta:
        if is_x12:
            build_997(meta, isa_control=1, gs_control=1)
        else:
            build_contrl(meta, control_ref=1)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_mutated_x12(data: bytes):
    _check(X12Extractor().extract(data), True)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_mutated_edifact(data: bytes):
    _check(EdifactExtractor().extract(data), False)
