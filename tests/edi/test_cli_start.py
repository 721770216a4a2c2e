"""The console script's typer-free ``extract FILE --json``: the same bytes, messages and exit codes as
the typer command (which takes the model path: for X12 this compares the wire path with it), and a
start-up that imports neither typer nor click (nor pydantic, for X12)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from orderflow.flows.cli_start import plain_extract

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from edi import build_edifact, build_x12  # noqa: E402

START = [sys.executable, "-m", "orderflow"]  # flows.cli_start.main, the console script's entry
TYPER = [sys.executable, "-m", "orderflow.flows.cli"]


def run(cmd: list[str], tmp_path: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "ORDERFLOW_HOME": str(tmp_path / "home")}
    return subprocess.run([*cmd, *args], capture_output=True, env=env, timeout=300)


def test_plain_extract_takes_only_the_plain_command_lines():
    assert plain_extract(["extract", "a.edi", "--json"]) == (Path("a.edi"), False)
    assert plain_extract(["extract", "--pretty", "--json", "a.edi"]) == (Path("a.edi"), True)
    for args in (
        [],
        ["extract", "a.edi"],  # the table: rich, typer's
        ["extract", "a.edi", "--json", "--explain"],
        ["extract", "a.edi", "--json", "--sender", "x@y"],
        ["extract", "a.edi", "b.edi", "--json"],
        ["extract", "--json"],
        ["extract", "a.edi", "--json", "--help"],
        ["process", "a.edi", "--json"],
    ):
        assert plain_extract(args) is None, args


@pytest.mark.parametrize(
    "name,content,code",
    [
        ("po.edi", build_x12(3, 4), 0),
        ("po.edifact", build_edifact(2, 3), 0),
        ("many.edi", build_x12(2001, 1), 1),  # over the orders cap: 2,000 written, then exit 1
        ("empty.edi", "not edi at all\n", 2),
    ],
)
def test_same_output_and_exit_code_as_the_typer_command(tmp_path: Path, name: str, content: str, code: int):
    path = tmp_path / name
    path.write_text(content)
    fast = run(START, tmp_path, "extract", str(path), "--json")
    full = run(TYPER, tmp_path, "extract", str(path), "--json")
    assert fast.returncode == full.returncode == code, (fast.stderr, full.stderr)
    assert fast.stdout == full.stdout and fast.stderr == full.stderr
    if code == 1:
        assert fast.stdout.count(b'"schema_version"') == 2000 and b"over the cap" in fast.stderr
    if code == 2:
        assert fast.stdout == b"" and fast.stderr.startswith(b"orderflow: empty.edi: ")
    missing = run(START, tmp_path, "extract", str(tmp_path / "nope.edi"), "--json")
    assert missing.returncode == 2 and missing.stderr.endswith(b"nope.edi: no such file\n")


def test_extract_json_starts_without_typer_and_other_commands_still_reach_it(tmp_path: Path):
    path = tmp_path / "po.edi"
    path.write_text(build_x12(1, 2))
    res = run([sys.executable, "-X", "importtime", "-m", "orderflow"], tmp_path, "extract", str(path), "--json")
    assert res.returncode == 0 and b'"po_number":"PO000001"' in res.stdout
    imported = {line.rsplit(b"|", 1)[-1].strip() for line in res.stderr.splitlines()}
    assert b"orderflow.extractors.edi.x12_map" in imported and b"typer" not in imported and b"click" not in imported
    # X12 goes the wire path: dict orders written by orjson, no pydantic (tests/edi/test_wire.py)
    assert not {m for m in imported if m.split(b".")[0] in (b"pydantic", b"pydantic_core")}
    table = run(START, tmp_path, "extract", str(path))  # no --json: typer's command, a rich table
    assert table.returncode == 0 and b"PO000001" in table.stdout
    helped = run(START, tmp_path, "--help")
    assert helped.returncode == 0 and b"extract" in helped.stdout
