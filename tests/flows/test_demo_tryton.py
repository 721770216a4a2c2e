"""`make demo` on its real default: the embedded Tryton ERP, created on first run.

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


def _run(args: list[str], home: Path, timeout: int = 600) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ORDERFLOW_HOME": str(home), "ORDERFLOW_ERP": "tryton"}
    return subprocess.run([*CLI, *args], capture_output=True, text=True, env=env, timeout=timeout)


def test_demo_pushes_into_tryton_exactly_once(tmp_path: Path) -> None:
    home = tmp_path / "var"
    first = _run(["demo", "--no-prefect", "--erp", "tryton"], home, timeout=900)
    assert first.returncode == 0, first.stderr[-2000:]
    assert (home / "tryton" / "orderflow.sqlite").exists()
    settings = load_settings(home=home)
    _, factory = open_store(settings)
    with factory() as s:
        pushed = s.scalars(select(models.Order).where(models.Order.state == "pushed")).all()
        assert len(pushed) >= 5
        assert all(o.erp_order_id and o.erp_order_id.isdigit() for o in pushed)  # Tryton sale numbers
        before = s.scalar(select(func.count()).select_from(models.PushAttempt))

    # The ERP agrees: every pushed order is a Tryton sale with our key, none missing or doubled.
    rec = _run(["erp", "reconcile", "--json"], home)
    assert rec.returncode == 0, rec.stdout + rec.stderr[-2000:]
    report = json.loads(rec.stdout)
    assert report["matched"] == report["checked"] == len(pushed)
    assert report["drift"] == []

    again = _run(["demo", "--no-prefect", "--erp", "tryton"], home, timeout=600)
    assert again.returncode == 0, again.stderr[-2000:]
    with factory() as s:
        assert s.scalar(select(func.count()).select_from(models.PushAttempt)) == before
    rec2 = json.loads(_run(["erp", "reconcile", "--json"], home).stdout)
    assert rec2["checked"] == report["checked"] and rec2["drift"] == []
