"""Orchestration fixtures: a PostgreSQL server, a clean Prefect environment, process-group helpers."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

_TESTS = str(Path(__file__).resolve().parents[1])  # so `fixtures.postgres` imports without a tests package
if _TESTS not in sys.path:
    sys.path.insert(0, _TESTS)
from fixtures.postgres import make_postgres_fixture  # noqa: E402

# the product's own stop (SIGTERM the process group, SIGKILL after a timeout) serves the tests too
from orderflow.flows.serve import stop_prefect_server as stop_group  # noqa: E402

postgres_server = make_postgres_fixture()

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "samples"


def prefect_env(home: Path, **extra: str) -> dict[str, str]:
    """A clean environment for Prefect subprocesses: own PREFECT_HOME, no analytics, no API logs."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "ORDERFLOW_"))}
    env.update(
        PREFECT_HOME=str(home / "prefect-home"),
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        PREFECT_LOGGING_TO_API_ENABLED="false",
        PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS="90",
        OMP_THREAD_LIMIT="1",
    )
    env.update(extra)
    return env


@pytest.fixture
def spawn(tmp_path: Path) -> Iterator[Callable[..., subprocess.Popen]]:
    """Start subprocesses in their own process group, output to a log file; all stopped at teardown."""
    procs: list[subprocess.Popen] = []

    def _spawn(args: list[str], *, log: Path, env: dict[str, str], cwd: Path | None = None) -> subprocess.Popen:
        fh = log.open("ab")
        proc = subprocess.Popen(
            args, stdout=fh, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env, cwd=cwd,
            start_new_session=True,
        )
        fh.close()
        procs.append(proc)
        return proc

    yield _spawn
    for proc in reversed(procs):
        stop_group(proc)


def wait_for(predicate: Callable[[], object], timeout: float, interval: float = 0.5, what: str = "") -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what or predicate}")
