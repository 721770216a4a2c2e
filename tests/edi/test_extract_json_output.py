"""``orderflow extract FILE --json``: compact JSON written by pydantic-core an order at a time,
indented only on a terminal or with --pretty; EDI provenance per segment with no null members."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from orderflow.canonical import CanonicalOrder
from orderflow.extractors.x12_850 import X12Extractor
from orderflow.review import render

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from edi import build_edifact, build_x12  # noqa: E402

ORDERFLOW = [sys.executable, "-m", "orderflow.flows.cli"]


def env(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "ORDERFLOW_HOME": str(tmp_path / "home")}


def run(args: list[str], tmp_path: Path) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([*ORDERFLOW, *args], capture_output=True, env=env(tmp_path), timeout=300)


@pytest.fixture
def x12_file(tmp_path: Path) -> Path:
    f = tmp_path / "po.edi"
    f.write_text(build_x12(3, 4))
    return f


def test_compact_by_default_and_provenance_without_nulls(x12_file: Path, tmp_path: Path):
    res = run(["extract", str(x12_file), "--json"], tmp_path)
    assert res.returncode == 0, res.stderr
    out = res.stdout.decode()
    orders = json.loads(out)
    assert len(orders) == 3
    # compact: one line per order inside the array, no indentation, no ", " / ": " padding
    assert out.splitlines()[0] == "[" and out.splitlines()[-1] == "]" and len(out.splitlines()) == 5
    assert '": ' not in out and "\n  " not in out
    for entry in (p for o in orders for p in o["provenance"].values()):
        assert None not in entry.values() and "raw" not in entry
    prov = orders[0]["provenance"]
    # per-segment provenance: column entries for the lines, header fields by segment and element
    assert prov["po_number"] == {"segment": 3, "element": 3, "confidence": 1.0, "extractor": "x12_850"}
    assert prov["lines"]["segments"] == [10, 12, 14, 16] and "segment" not in prov["lines"]
    assert prov["lines.description"]["segments"] == [11, 13, 15, 17] and prov["lines.description"]["element"] == 5
    segs = render.split_segments(x12_file.read_bytes())
    assert segs[prov["lines"]["segments"][1]].startswith("PO1*2*3*EA*3.25")
    # the same orders as the extractor's models (nulls aside), Decimals as strings, and they load back
    want = [o.model_dump(mode="json") for o in X12Extractor().extract(x12_file.read_bytes()).orders]
    for got, model in zip(orders, want, strict=True):
        assert {k: v for k, v in got.items() if k != "provenance"} == {
            k: v for k, v in model.items() if k not in ("provenance", "source")
        } | {"source": got["source"]}
        assert got["source"]["filename"] == "po.edi" and got["lines"][0]["qty"] == "2"
        assert CanonicalOrder.model_validate(got).provenance_of("lines[0].sku").segment == got["provenance"]["lines"]["segments"][0]


def test_pretty_flag_and_terminal_indent_the_same_orders(x12_file: Path, tmp_path: Path):
    compact = json.loads(run(["extract", str(x12_file), "--json"], tmp_path).stdout)
    pretty = run(["extract", str(x12_file), "--json", "--pretty"], tmp_path)
    assert pretty.returncode == 0 and b'\n    "po_number": "PO000001",\n' in pretty.stdout
    assert json.loads(pretty.stdout) == compact
    # on a terminal the JSON is indented without asking
    leader, follower = pty.openpty()
    try:
        proc = subprocess.run([*ORDERFLOW, "extract", str(x12_file), "--json"], stdout=follower,
                              stderr=subprocess.PIPE, env=env(tmp_path), timeout=300)
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the terminal closed
                break
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(leader)
    assert proc.returncode == 0, proc.stderr
    text = b"".join(chunks).decode().replace("\r\n", "\n")
    assert '\n    "po_number": "PO000001",\n' in text and json.loads(text) == compact


def test_edifact_orders_stream_out_with_segment_provenance(tmp_path: Path):
    f = tmp_path / "orders.edi"
    f.write_text(build_edifact(2, 3))
    res = run(["extract", str(f), "--json"], tmp_path)
    assert res.returncode == 0, res.stderr
    orders = json.loads(res.stdout)
    assert [o["po_number"] for o in orders] == ["PO000001", "PO000002"]
    prov = orders[1]["provenance"]
    segs = render.split_segments(f.read_bytes())
    assert [segs[i][:3] for i in prov["lines"]["segments"]] == ["LIN"] * 3
    assert [segs[i][:3] for i in prov["lines.qty"]["segments"]] == ["QTY"] * 3
    assert [segs[i][:3] for i in prov["lines.unit_price"]["segments"]] == ["PRI"] * 3
    assert segs[prov["lines.description"]["segments"][0]] == "IMD+F++:::WIDGET NUMBER 1"


def test_no_order_in_an_edi_file_exits_2_with_nothing_on_stdout(tmp_path: Path):
    f = tmp_path / "ack.edi"
    text = build_x12(1, 1).replace("ST*850*", "ST*997*")
    f.write_text(text)
    res = run(["extract", str(f), "--json"], tmp_path)
    assert res.returncode == 2 and res.stdout == b""
    assert b"no purchase order" in res.stderr and b"Traceback" not in res.stderr


def test_a_big_interchange_is_written_in_bounded_memory(tmp_path: Path):
    """1,000 POs x 50 lines (110,004 segments): orders are mapped, written and dropped one by one.
    Holding them all (and json.dumps of the whole array) took 650 MB here; streamed it stays low."""
    f = tmp_path / "big.edi"
    f.write_text(build_x12(1000, 50))
    peak_file = tmp_path / "peak_kb"
    with open(tmp_path / "out.json", "wb") as out:
        proc = subprocess.run([sys.executable, str(Path(__file__).with_name("peak_cli.py")), "extract", str(f),
                               "--json"], stdout=out, stderr=subprocess.PIPE, timeout=300,
                              env={**env(tmp_path), "PEAK_FILE": str(peak_file)})
    assert proc.returncode == 0, proc.stderr
    peak_mb = int(peak_file.read_text()) / 1024  # the CLI's own VmHWM, not ru_maxrss (see peak_cli.py)
    assert peak_mb < 250, f"peak RSS {peak_mb:.0f} MB"
    orders = json.loads((tmp_path / "out.json").read_bytes())
    assert len(orders) == 1000 and len(orders[-1]["lines"]) == 50
    assert orders[-1]["lines"][49]["description"] == "WIDGET NUMBER 50"


def test_orders_stored_before_the_change_still_load_and_resolve():
    """Stored orders carry the old per-field entries (raw text, every member, null ones too)."""
    old = {
        "po_number": "PO-OLD",
        "lines": [{"line_no": "1", "qty": "2", "sku": "A"}],
        "provenance": {
            "po_number": {"page": None, "bbox": None, "sheet": None, "cell": None, "segment": 3,
                          "raw": "BEG*00*SA*PO-OLD**20260101", "confidence": 1.0, "extractor": "x12_850",
                          "hint": None},
            "lines[0].qty": {"segment": 4, "raw": "PO1*1*2*EA*1**VN*A", "extractor": "x12_850"},
        },
    }
    order = CanonicalOrder.model_validate(old)
    assert order.provenance_of("lines[0].qty").raw == "PO1*1*2*EA*1**VN*A"
    assert order.provenance_of("po_number").segment == 3
    assert order.provenance_of("lines[0].sku") is None  # nothing said where it came from
