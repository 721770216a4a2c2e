"""Issue 23 item 3 on the command line: ``orderflow queue send ID --to lead --note ...`` is the review app's
"Send to lead": a note is required, a lead cannot send on, and the escalation is in the audit trail."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select

from orderflow.flows.services import open_store
from orderflow.flows.settings import load_settings
from orderflow.store import models

UNKNOWN_PART = {"po_number": "CLI-2002", "po_date": "2026-11-02", "currency": "USD",
                "buyer": {"name": "ACME Manufacturing"},
                "lines": [{"line_no": "1", "qty": "100", "uom": "EA", "sku": "NOPE-1"}]}


def run(home: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**{k: v for k, v in os.environ.items() if k != "ORDERFLOW_OPERATOR"},
           "ORDERFLOW_HOME": str(home), "ORDERFLOW_ERP": "file"}
    return subprocess.run([sys.executable, "-m", "orderflow.flows.cli", *args], capture_output=True, text=True,
                          env=env, input=stdin, timeout=300, cwd=home.parent)


def _order(home: Path) -> models.Order:
    _, factory = open_store(load_settings(home=home))
    with factory() as s:
        return s.scalars(select(models.Order)).one()


def test_a_csr_sends_an_order_to_the_lead_with_a_note(tmp_path: Path) -> None:
    home = tmp_path / "home"
    f = tmp_path / "po.json"
    f.write_text(json.dumps(UNKNOWN_PART))
    oid = str(json.loads(run(home, "process", str(f), "--json").stdout)[0]["orders"][0]["id"])
    for name, role in (("ann", "csr"), ("lee", "lead")):
        assert run(home, "users", "add", name, "--role", role, "--password-stdin", stdin=f"pw-{name}-long\n").returncode == 0

    res = run(home, "queue", "send", oid, "--user", "ann", "--to", "lead")
    assert res.returncode == 2 and "note" in res.stderr and "Traceback" not in res.stderr
    res = run(home, "queue", "send", oid, "--user", "ann", "--to", "finance", "--note", "x")
    assert res.returncode == 2 and "send it to lead" in res.stderr
    res = run(home, "queue", "send", oid, "--user", "lee", "--to", "lead", "--note", "x")  # the lead decides
    assert res.returncode == 2

    res = run(home, "queue", "send", oid, "--user", "ann", "--to", "lead", "--note", "part unknown, buyer unsure")
    assert res.returncode == 0, res.stderr
    _, factory = open_store(load_settings(home=home))
    with factory() as s:
        events = s.scalars(select(models.AuditEvent).where(models.AuditEvent.action == "escalated")).all()
        assert [(e.actor, e.after) for e in events] == [
            ("ann", {"to": "lead", "role": "csr", "note": "part unknown, buyer unsure"})]
    assert _order(home).state == "needs_review"
