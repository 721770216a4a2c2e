"""The caps hold on the streamed path too (``extractors.stream``, what ``orderflow extract``
uses): orders handed out before a cap is hit stay handed out, the summary ends with the
cap's PARSE_ERROR (no traceback, no type name), and the CLI exits non-zero with that reason."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
import hostile  # noqa: E402

from orderflow.extractors import ExtractContext, limits, stream  # noqa: E402

ORDERFLOW = [sys.executable, "-m", "orderflow.flows.cli"]


def lower(monkeypatch, cap: str, limit: int) -> None:
    monkeypatch.setitem(limits.CAPS, cap, (limit, limits.CAPS[cap][1]))


def streamed(data: bytes, filename: str) -> tuple[list, list[str]]:
    summary, orders = stream(data, ExtractContext(filename=filename))
    got = list(orders)
    return got, [i.message for i in summary.issues if i.code == "PARSE_ERROR"]


@pytest.mark.parametrize(
    ("data", "filename", "reason"),
    [
        (hostile.x12_lines(60, per_set=5), "o.edi", "The X12 file has 11 orders: over the cap of 10 orders per file"),
        (hostile.edifact_messages(12, 2), "o.edifact", "The EDIFACT file has 11 orders: over the cap of 10 orders"),
    ],
)
def test_orders_cap_ends_the_stream_with_a_readable_parse_error(monkeypatch, data, filename, reason):
    lower(monkeypatch, "orders", 10)
    orders, errors = streamed(data, filename)
    assert len(orders) == 10 and orders[9].source.index == 9
    (message,) = errors
    assert message.startswith(reason) and "ExtractionError" not in message and "could not be read" not in message


def test_lines_caps_hold_on_the_stream(monkeypatch):
    lower(monkeypatch, "lines", 40)
    orders, errors = streamed(hostile.x12_lines(100, per_set=50), "l.edi")
    assert orders == [] and errors[0].startswith("Transaction set 0001 has more than 40 lines")
    monkeypatch.undo()
    lower(monkeypatch, "file_lines", 120)
    orders, errors = streamed(hostile.edifact_messages(5, 50), "l.edifact")
    assert [len(o.lines) for o in orders] == [50, 50]
    assert "over the cap of 120 order lines per file" in errors[0]


def test_segments_cap_holds_on_the_stream(monkeypatch):
    lower(monkeypatch, "segments", 1_000)
    orders, errors = streamed(hostile.x12_lines(300, per_set=50) * 4, "s.edi")
    assert "over the cap of 1,000 EDI segments per file" in errors[0]


def test_extract_cli_exits_non_zero_with_the_cap_when_it_is_hit_mid_stream(tmp_path: Path):
    """2,001 one-line 850s: the first 2,000 are written, then the orders cap; exit 1, the reason on stderr."""
    f = tmp_path / "many.edi"
    f.write_bytes(hostile.x12_lines(limits.MAX_ORDERS_PER_FILE + 1, per_set=1))
    env = {**os.environ, "ORDERFLOW_HOME": str(tmp_path / "home")}
    for args in (["--json"], []):
        res = subprocess.run([*ORDERFLOW, "extract", str(f), *args], capture_output=True, env=env, timeout=300)
        err = res.stderr.decode()
        assert res.returncode == 1, err
        assert "PARSE_ERROR: The X12 file has 2,001 orders: over the cap of 2,000 orders per file" in err
        assert "Traceback" not in err
        if args:
            assert len(json.loads(res.stdout)) == limits.MAX_ORDERS_PER_FILE
