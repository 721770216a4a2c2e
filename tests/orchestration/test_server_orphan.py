"""A Prefect server started by `orderflow serve` dies with it, even when serve is killed with SIGKILL.

The server runs in its own session, so killing serve's process group does not reach it; before, a
hard-killed serve left its server running (one was found eating CPU for the rest of a test run)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

LAUNCH = """
import sys, time
from pathlib import Path
from orderflow.flows.serve import launch_prefect_server
proc, url = launch_prefect_server(Path(sys.argv[1]))
print(proc.pid, flush=True)
time.sleep(600)
"""


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split(") ")[1][0] != "Z"  # a zombie is dead, only not yet reaped
    except FileNotFoundError:
        return False


def test_the_server_dies_when_its_starter_is_killed(tmp_path: Path) -> None:
    starter = subprocess.Popen([sys.executable, "-c", LAUNCH, str(tmp_path / "home")], stdout=subprocess.PIPE,
                               text=True, env={**os.environ, "PREFECT_API_URL": ""})
    server_pid = int(starter.stdout.readline())
    time.sleep(1.0)
    assert _alive(server_pid)
    starter.send_signal(signal.SIGKILL)
    starter.wait(timeout=10)
    deadline = time.monotonic() + 30
    while _alive(server_pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    alive = _alive(server_pid)
    if alive:
        os.killpg(server_pid, signal.SIGKILL)
    assert not alive, "the Prefect server outlived the process that started it"
