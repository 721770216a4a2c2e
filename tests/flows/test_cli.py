"""The CLI's contracts: extraction JSON, exit codes, process --json, idempotent re-runs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ORDERFLOW = [sys.executable, "-m", "orderflow.flows.cli"]

GOOD_ORDER = {
    "po_number": "CLI-1001",
    "po_date": "2026-11-02",
    "currency": "USD",
    "buyer": {"name": "ACME Manufacturing"},
    "lines": [{"line_no": "1", "qty": "100", "uom": "EA", "unit_price": None, "sku": "FAS-1001"}],
}


def run(args: list[str], home: Path, **kw) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ORDERFLOW_HOME": str(home)}
    return subprocess.run([*ORDERFLOW, *args], capture_output=True, text=True, env=env, timeout=300, **kw)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


def test_extract_json_is_an_array_of_canonical_orders(tmp_path: Path, home: Path) -> None:
    f = tmp_path / "order.json"
    f.write_text(json.dumps(GOOD_ORDER))
    res = run(["extract", str(f), "--json"], home)
    assert res.returncode == 0, res.stderr
    orders = json.loads(res.stdout)
    assert isinstance(orders, list) and len(orders) == 1
    assert orders[0]["po_number"] == "CLI-1001"
    assert orders[0]["lines"][0]["qty"] == "100"  # Decimal travels as a string
    assert orders[0]["schema_version"] == "1"


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (b"", "empty"),
        (b"\x00\x01\x02\xff" * 50, "Not a format"),
        (b'{"po_number": "A", "lines": [', "malformed"),
        (b'{"po_number": "A", "lines": [{"qty": "ten"}]}', "lines[0].qty"),
    ],
)
def test_extract_unusable_input_exits_2_with_one_line(tmp_path: Path, home: Path, content: bytes, needle: str) -> None:
    f = tmp_path / "bad.json"
    f.write_bytes(content)
    res = run(["extract", str(f), "--json"], home)
    assert res.returncode == 2
    assert res.stdout == ""
    assert needle in res.stderr
    assert "Traceback" not in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1


def test_extract_missing_file_exits_2(home: Path) -> None:
    res = run(["extract", "/nonexistent/po.pdf", "--json"], home)
    assert res.returncode == 2 and "no such file" in res.stderr


def test_schema_prints_json_schema(home: Path) -> None:
    res = run(["schema"], home)
    assert res.returncode == 0
    schema = json.loads(res.stdout)
    assert schema["title"] == "CanonicalOrder"
    assert "lines" in schema["properties"]


def test_bad_configuration_exits_2(tmp_path: Path, home: Path) -> None:
    cfg = tmp_path / "orderflow.toml"
    cfg.write_text("erp = [not valid toml")
    f = tmp_path / "order.json"
    f.write_text(json.dumps(GOOD_ORDER))
    env_cfg = {"ORDERFLOW_CONFIG": str(cfg)}
    res = subprocess.run(
        [*ORDERFLOW, "process", str(f)],
        capture_output=True,
        text=True,
        env={**os.environ, "ORDERFLOW_HOME": str(home), **env_cfg},
        timeout=300,
    )
    assert res.returncode == 2
    assert "Traceback" not in res.stderr and "orderflow.toml" in res.stderr


def test_process_json_and_idempotent_rerun(tmp_path: Path, home: Path) -> None:
    good = tmp_path / "good.json"
    good.write_text(json.dumps(GOOD_ORDER, indent=1))
    bad = tmp_path / "broken.json"
    bad.write_text('{"po_number": "X", "lines": [')
    res = run(["process", str(good), str(bad), "--json"], home)
    assert res.returncode == 1, res.stderr  # processed, with an exception (the broken file)
    docs = json.loads(res.stdout)
    assert [d["document"] for d in docs] == ["good.json", "broken.json"]
    assert docs[0]["state"] == "processed"
    assert docs[0]["orders"][0]["po_number"] == "CLI-1001"
    assert docs[1]["state"] == "failed" and "malformed" in docs[1]["reason"]
    first_state = docs[0]["orders"][0]["state"]
    again = run(["process", str(good), str(bad), "--json"], home)
    docs2 = json.loads(again.stdout)
    assert docs2[0]["duplicate"] is True
    assert docs2[0]["orders"][0]["id"] == docs[0]["orders"][0]["id"]
    assert docs2[0]["orders"][0]["state"] == first_state
    outbox = home / "outbox"
    assert len(list(outbox.glob("*.json"))) <= 1  # never two ERP files for one order


def test_json_logs_are_one_object_per_line_without_tracebacks(tmp_path: Path, home: Path) -> None:
    bad = tmp_path / "po.pdf"
    bad.write_bytes(b"%PDF-1.7\n" + b"\x00garbage" * 50)
    env = {**os.environ, "ORDERFLOW_HOME": str(home), "ORDERFLOW_LOG_FORMAT": "json"}
    res = subprocess.run([*ORDERFLOW, "process", str(bad), "--json"], capture_output=True, text=True, env=env,
                         timeout=300)
    assert res.returncode == 1
    assert json.loads(res.stdout)[0]["state"] == "failed"
    for line in res.stderr.strip().splitlines():
        entry = json.loads(line)  # every line is a JSON object
        assert {"ts", "level", "logger", "message"} <= entry.keys()
    assert "Traceback" not in res.stderr


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["reprocess", "999"], "document 999 not found"),
        (["queue", "show", "999"], "999"),
        (["queue", "approve", "999"], "999"),
        (["queue", "reject", "999", "--reason", "x"], "999"),
        (["portal"], "No portal clients configured"),
        (["users", "add", "ann", "--role", "boss", "--password", "pw"], "unknown role"),
    ],
)
def test_unknown_ids_and_bad_options_exit_2_without_traceback(home: Path, args: list[str], needle: str) -> None:
    res = run(args, home)
    assert res.returncode == 2, (res.stdout, res.stderr)
    assert needle in res.stderr and "Traceback" not in res.stderr


@pytest.mark.parametrize(
    ("env", "needle"),
    [
        ({"ORDERFLOW_ERP": "sap"}, "Unknown ERP adapter"),
        ({"ORDERFLOW_ERP": "tryton"}, "erp init-demo"),  # no Tryton database yet: says how to make one
        ({"ORDERFLOW_REFERENCE_DIR": "/nonexistent/ref"}, "does not exist"),
    ],
)
def test_unusable_configuration_exits_2_with_the_fix(tmp_path: Path, home: Path, env: dict, needle: str) -> None:
    f = tmp_path / "order.json"
    f.write_text(json.dumps(GOOD_ORDER))
    res = subprocess.run([*ORDERFLOW, "process", str(f)], capture_output=True, text=True,
                         env={**os.environ, "ORDERFLOW_HOME": str(home), **env}, timeout=300)
    assert res.returncode == 2, (res.stdout, res.stderr)
    assert needle in res.stderr and "Traceback" not in res.stderr


def test_extract_for_a_sender_with_the_store_gone_is_one_readable_line(tmp_path: Path) -> None:
    """`extract --sender` reads the sender's hints from the store; a store that does not answer is exit 2
    with the reason, not a traceback."""
    doc = Path(__file__).resolve().parents[2] / "samples" / "inbox" / "acme-po-5531.pdf"
    env = {**os.environ, "ORDERFLOW_HOME": str(tmp_path / "home"),
           "ORDERFLOW_DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/gone"}
    res = subprocess.run([*ORDERFLOW, "extract", str(doc), "--json", "--sender", "buyer@acme-mfg.example"],
                         capture_output=True, text=True, env=env, timeout=120)
    assert res.returncode == 2 and res.stdout == ""
    assert "Connection refused" in res.stderr and "Traceback" not in res.stderr
