"""`orderflow serve`: every flow on its schedule, on one machine, with Prefect's own ``serve``.

Prefect schedules only against a running API server (not the ephemeral one), so when
``PREFECT_API_URL`` is not set this starts ``prefect server start`` on 127.0.0.1 first.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

from orderflow.flows.settings import Settings


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_prefect_server(
    home: Path, port: int | None = None, timeout: float = 120.0, extra_env: dict[str, str] | None = None
) -> tuple[subprocess.Popen, str]:
    """Start a local Prefect API server and wait until it answers /api/health.

    ``extra_env`` e.g. ``PREFECT_API_DATABASE_CONNECTION_URL=postgresql+asyncpg://...`` for a
    server that takes concurrent workers (the SQLite-backed one answers 503 under load).
    """
    proc, url = launch_prefect_server(home, port, extra_env)
    wait_for_prefect_server(proc, url, home, timeout)
    return proc, url


def launch_prefect_server(
    home: Path, port: int | None = None, extra_env: dict[str, str] | None = None
) -> tuple[subprocess.Popen, str]:
    """Start the server (through ``prefect_server``, which carries the compatibility fixes); no wait."""
    port = port or free_port()
    home.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_HOME": str(home / "prefect"),
        **(extra_env or {}),
    }
    env.pop("PREFECT_API_URL", None)
    with (home / "prefect-server.log").open("ab") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "orderflow.flows.prefect_server", "server", "start"]
            + ["--host", "127.0.0.1", "--port", str(port)],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=env,
            start_new_session=True,
            preexec_fn=_die_with_parent,
        )
    return proc, f"http://127.0.0.1:{port}/api"


def _die_with_parent() -> None:
    """In the server's child before exec: SIGTERM when the process that started it dies, even by SIGKILL.

    The server runs in its own session (a Ctrl-C meant for ``serve`` must not kill it mid-shutdown), so
    a ``serve`` killed hard would otherwise leave it running for good (seen: an orphaned server eating
    CPU for the rest of a test run). Linux's PR_SET_PDEATHSIG; elsewhere nothing changes."""
    try:
        import ctypes  # noqa: PLC0415

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def wait_for_prefect_server(proc: subprocess.Popen, url: str, home: Path, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"prefect server exited with {proc.returncode}; see {home / 'prefect-server.log'}")
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    stop_prefect_server(proc)
    raise TimeoutError(f"prefect server did not answer within {timeout:.0f} s")


def stop_prefect_server(proc: subprocess.Popen, timeout: float = 15.0) -> None:
    """Stop the server and everything it started (its own process group)."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(timeout=5)


def schedule_kwargs(interval_seconds: int | None, cron: str | None) -> dict[str, Any]:
    if cron:
        return {"cron": cron}
    return {"interval": max(int(interval_seconds or 60), 1)}


def deployments(settings: Settings) -> list[Any]:
    """One deployment per configured channel, plus push, reference sync and reconcile."""
    from orderflow.flows import prefect_flows as pf

    out = []
    for kind, channels in (("imap", settings.imap), ("sftp", settings.sftp), ("folder", settings.folders)):
        for ch in channels:
            out.append(
                pf.poll_channel_flow.to_deployment(
                    name=f"poll-{kind}-{ch.name}",
                    parameters={"kind": kind, "name": ch.name},
                    **schedule_kwargs(ch.interval_seconds, ch.cron),
                )
            )
    out.append(pf.push_approved_flow.to_deployment(name="push-approved", interval=settings.push_interval_seconds))
    # documents stored by the portal or left behind by a crashed run are claimed here
    out.append(
        pf.process_documents_flow.to_deployment(name="process-documents", interval=settings.push_interval_seconds)
    )
    if settings.erp != "file":
        out.append(pf.sync_reference_flow.to_deployment(name="sync-reference", interval=settings.sync_interval_seconds))
        out.append(pf.reconcile_flow.to_deployment(name="reconcile", interval=settings.sync_interval_seconds))
    out.extend(erp_followup_deployments(settings))
    return out


def erp_followup_deployments(settings: Settings) -> list[Any]:
    """ERP status back, cross-reference write-back (issue 7) and change expiry (issue 13)."""
    from orderflow.flows import prefect_flows as pf

    return [
        pf.erp_status_flow.to_deployment(name="erp-status", interval=settings.status_interval_seconds,
                                         parameters={"send_acks": settings.erp_status_acks}),
        pf.write_back_xrefs_flow.to_deployment(name="write-back-cross-references",
                                               interval=settings.status_interval_seconds),
        pf.expire_changes_flow.to_deployment(name="expire-waiting-changes",
                                             interval=settings.change_expiry_interval_seconds,
                                             parameters={"hours": settings.change_wait_hours}),
    ]


def serve(settings: Settings) -> None:
    """Block serving every deployment; starts a local Prefect server when none is configured."""
    server = None
    if not os.environ.get("PREFECT_API_URL"):
        server, url = start_prefect_server(Path(settings.home).resolve())
        os.environ["PREFECT_API_URL"] = url
    # SIGTERM (a process manager, a test's teardown) ends serve through the finally below
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        from prefect import serve as prefect_serve

        prefect_serve(*deployments(settings))
    finally:
        if server is not None:
            stop_prefect_server(server)
