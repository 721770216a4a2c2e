"""`make demo` on its real default: the embedded Tryton ERP, created on first run; the commands run after it
in the same place (no ORDERFLOW_* variables) talk to that Tryton through the orderflow.toml the demo wrote.

Runs in subprocesses because trytond keeps one database configuration per process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select

from orderflow.flows.services import open_store
from orderflow.flows.settings import load_settings
from orderflow.store import models

CLI = [sys.executable, "-m", "orderflow.flows.cli"]


def _run(args: list[str], cwd: Path, timeout: int = 600) -> subprocess.CompletedProcess[str]:
    """The CLI as a user runs it in ``cwd`` on the defaults: no ORDERFLOW_* variables."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ORDERFLOW_")}
    return subprocess.run([*CLI, *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=timeout)


def test_demo_pushes_into_tryton_exactly_once(tmp_path: Path) -> None:
    home = tmp_path / "var"  # the default home, relative to where the commands run
    first = _run(["demo", "--no-prefect", "--erp", "tryton"], tmp_path, timeout=900)
    assert first.returncode == 0, first.stderr[-2000:]
    assert (home / "tryton" / "orderflow.sqlite").exists()
    assert "wrote orderflow.toml" in first.stdout and 'erp = "tryton"' in (tmp_path / "orderflow.toml").read_text()
    settings = load_settings(home=home)
    _, factory = open_store(settings)
    with factory() as s:
        pushed = s.scalars(select(models.Order).where(models.Order.state == "pushed")).all()
        assert len(pushed) >= 5
        assert all(o.erp_order_id and o.erp_order_id.isdigit() for o in pushed)  # Tryton sale numbers
        before = s.scalar(select(func.count()).select_from(models.PushAttempt))

    # The ERP agrees: every pushed order is a Tryton sale with our key, none missing or doubled. No
    # ORDERFLOW_ERP=tryton needed: the orderflow.toml the demo wrote names it.
    rec = _run(["erp", "reconcile", "--json"], tmp_path)
    assert rec.returncode == 0, rec.stdout + rec.stderr[-2000:]
    report = json.loads(rec.stdout)
    assert report["matched"] == report["checked"] == len(pushed)
    assert report["drift"] == []

    health = _run(["health", "--json"], tmp_path)
    assert health.returncode == 0, health.stdout + health.stderr[-2000:]
    erp = next(r for r in json.loads(health.stdout) if r["kind"] == "erp")
    assert erp["ok"] and erp["name"] == "tryton", erp
    assert erp["detail"].startswith(f"Tryton, database 'orderflow' (embedded, {(home / 'tryton').resolve()})"), erp
    assert erp["detail"].endswith(f"{len(pushed)} order(s) visible"), erp

    again = _run(["demo", "--no-prefect", "--erp", "tryton"], tmp_path, timeout=600)
    assert again.returncode == 0, again.stderr[-2000:]
    with factory() as s:
        assert s.scalar(select(func.count()).select_from(models.PushAttempt)) == before
    rec2 = json.loads(_run(["erp", "reconcile", "--json"], tmp_path).stdout)
    assert rec2["checked"] == report["checked"] and rec2["drift"] == []
