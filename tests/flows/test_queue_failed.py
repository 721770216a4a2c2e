"""Issue 23 (item 11): a failed document is visible — `orderflow queue failed` lists it with its reason."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ORDERFLOW = [sys.executable, "-m", "orderflow.flows.cli"]


def run(args: list[str], home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ORDERFLOW_HOME": str(home)}
    return subprocess.run([*ORDERFLOW, *args], capture_output=True, text=True, env=env, timeout=300)


def test_failed_documents_are_listed_with_their_reason(tmp_path: Path) -> None:
    home = tmp_path / "var"
    broken = tmp_path / "scan-of-a-fax.pdf"
    broken.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF-truncated")
    junk = tmp_path / "notes.txt"
    junk.write_text("call me about the order\n")
    run(["process", str(broken), str(junk), "--no-push"], home)

    res = run(["queue", "failed", "--json"], home)
    assert res.returncode == 0, res.stderr
    items = json.loads(res.stdout)
    assert sorted(i["filename"] for i in items) == ["notes.txt", "scan-of-a-fax.pdf"]
    assert all(i["reason"] and i["document_id"] for i in items)
    assert "Traceback" not in res.stderr

    table = run(["queue", "failed"], home)
    assert table.returncode == 0 and "scan-of-a-fax.pdf" in table.stdout and "reprocess" in table.stdout


def test_process_a_folder_takes_its_files(tmp_path: Path) -> None:
    """Issue 23: `orderflow process DIR` processes the folder (name order, hidden files and sub-folders left)."""
    home, folder = tmp_path / "var", tmp_path / "inbox"
    (folder / "sub").mkdir(parents=True)
    (folder / "b.txt").write_text("not an order\n")
    (folder / "a.txt").write_text("not an order either\n")
    (folder / ".hidden").write_text("x")
    res = run(["process", str(folder), "--json", "--no-push"], home)
    assert "Traceback" not in res.stderr
    assert [o["document"] for o in json.loads(res.stdout)] == ["a.txt", "b.txt"]
    empty = tmp_path / "empty"
    empty.mkdir()
    res = run(["process", str(empty)], home)
    assert res.returncode == 2 and "no files" in res.stderr


def test_reject_without_a_reason_says_what_to_add(tmp_path: Path) -> None:
    """Issue 23: `queue reject ID` with no --reason named the missing parameter; it now says what to type."""
    res = run(["queue", "reject", "7"], tmp_path / "var")
    assert res.returncode == 2 and "--reason" in res.stderr and "queue reject 7" in res.stderr
    assert "MissingParameter" not in res.stderr and "Traceback" not in res.stderr
