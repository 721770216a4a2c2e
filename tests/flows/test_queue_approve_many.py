"""Issue 23 item 10, the CLI side: ``orderflow queue approve ID ID ...`` approves each order through the
review app's approve (``review.approving``); one it cannot approve is reported with its reason and the
others are still approved (exit 2 when any was refused)."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select
from test_queue_operator import UNKNOWN_PART, run

from orderflow.flows.services import open_store
from orderflow.flows.settings import load_settings
from orderflow.store import models

CLEAN = {**UNKNOWN_PART, "ship_to": {"name": "ACME Manufacturing Plant 1"},
         "lines": [{"line_no": "1", "qty": "100", "uom": "EA", "sku": "FAS-1002"}]}
HOLD = {"ORDERFLOW_AUTO_APPROVE": "false"}  # valid orders wait for a person instead of being pushed


def _states(home: Path) -> dict[int, str]:
    _, factory = open_store(load_settings(home=home))
    with factory() as s:
        return {o.id: o.state for o in s.scalars(select(models.Order))}


def test_approve_several_orders_reports_each(tmp_path: Path) -> None:
    home = tmp_path / "home"
    ids = []
    for po, body in (("CLI-3001", CLEAN), ("CLI-3002", CLEAN), ("CLI-3003", UNKNOWN_PART)):
        f = tmp_path / f"{po}.json"
        f.write_text(json.dumps({**body, "po_number": po}))
        res = run(home, "process", str(f), "--json", env=HOLD)
        assert res.returncode in (0, 1), res.stderr
        ids.append(json.loads(res.stdout)[0]["orders"][0]["id"])
    states = _states(home)
    assert [states[i] for i in ids] == ["valid", "valid", "needs_review"], states
    added = run(home, "users", "add", "ann", "--role", "csr", "--password-stdin", stdin="pw-ann-long-enough\n")
    assert added.returncode == 0, added.stderr

    res = run(home, "queue", "approve", *map(str, ids), "--user", "ann", env=HOLD)
    assert res.returncode == 2, (res.stdout, res.stderr)
    for i in ids[:2]:
        assert f"order {i}: approved" in res.stdout and f"order {i}: pushed as FILE-" in res.stdout
    assert f"order {ids[2]} still has blocking issues (" in res.stderr and "SKU_UNKNOWN" in res.stderr
    assert "Traceback" not in res.stderr
    states = _states(home)
    assert [states[i] for i in ids] == ["pushed", "pushed", "needs_review"]
