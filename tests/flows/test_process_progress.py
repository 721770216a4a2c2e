"""Issue 23: ``orderflow process`` on many files says how far it is — one line per document when its output
is a log (no terminal), a progress bar on a terminal — and keeps ``--json`` output clean."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

CLI = [sys.executable, "-m", "orderflow.flows.cli"]
SAMPLES = Path(__file__).resolve().parents[2] / "samples" / "inbox"
PICK = ["acme-portal-PO-9017-backorder.json", "portal-truncated.json", "umbrella-po-UL-3310.json"]


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    for name in PICK:
        (folder / name).write_bytes((SAMPLES / name).read_bytes())
    return folder


def _env(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "ORDERFLOW_HOME": str(tmp_path / "home"), "ORDERFLOW_ERP": "file"}


def test_one_line_per_document_when_not_on_a_terminal(tmp_path: Path) -> None:
    res = subprocess.run([*CLI, "process", str(_folder(tmp_path))], capture_output=True, text=True,
                         env=_env(tmp_path), timeout=300)
    lines = [ln for ln in res.stderr.splitlines() if ln.startswith("[")]
    assert len(lines) == 3, res.stderr
    assert lines[0].startswith("[1/3] acme-portal-PO-9017-backorder.json: processed: 1 order (")
    assert lines[1].startswith("[2/3] portal-truncated.json: failed: The JSON is malformed")
    assert lines[2].startswith("[3/3] umbrella-po-UL-3310.json: processed: 1 order (")
    assert "orderflow process" in res.stdout  # the summary table stays on stdout


def test_json_output_has_no_progress_lines(tmp_path: Path) -> None:
    res = subprocess.run([*CLI, "process", str(_folder(tmp_path)), "--json"], capture_output=True, text=True,
                         env=_env(tmp_path), timeout=300)
    assert [o["document"] for o in json.loads(res.stdout)] == PICK
    assert not any(ln.startswith("[") for ln in res.stderr.splitlines())


def test_a_progress_bar_on_a_terminal(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    pid, fd = pty.fork()
    if pid == 0:  # the child: stdout and stderr are the terminal
        os.execvpe(CLI[0], [*CLI, "process", str(folder)], _env(tmp_path))
    out = b""
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    os.waitpid(pid, 0)
    text = out.decode(errors="replace")
    assert "3/3" in text and "━" in text  # rich's bar with its M/N column
    assert "[1/3]" not in text  # no log lines on a terminal
