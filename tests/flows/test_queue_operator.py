"""Issue 23: ``orderflow queue approve`` acts as the configured operator with that user's role, never as an
implicit "lead"; ``--reason`` is how an allowed role overrides blocking issues, and the audit names the user."""

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

CLI = [sys.executable, "-m", "orderflow.flows.cli"]
UNKNOWN_PART = {
    "po_number": "CLI-2001",
    "po_date": "2026-11-02",
    "currency": "USD",
    "buyer": {"name": "ACME Manufacturing"},
    "lines": [{"line_no": "1", "qty": "100", "uom": "EA", "sku": "NOPE-1"}],
}


def run(home: Path, *args: str, env: dict[str, str] | None = None, stdin: str | None = None):
    base = {k: v for k, v in os.environ.items() if k != "ORDERFLOW_OPERATOR"}
    e = {**base, "ORDERFLOW_HOME": str(home), "ORDERFLOW_ERP": "file", **(env or {})}
    return subprocess.run([*CLI, *args], capture_output=True, text=True, env=e, input=stdin, timeout=300,
                          cwd=home.parent)


def _order(home: Path) -> models.Order:
    _, factory = open_store(load_settings(home=home))
    with factory() as s:
        return s.scalars(select(models.Order)).one()


def test_approve_acts_as_the_operator_with_their_role(tmp_path: Path) -> None:
    home = tmp_path / "home"
    f = tmp_path / "po.json"
    f.write_text(json.dumps(UNKNOWN_PART))
    res = run(home, "process", str(f), "--json")
    order = json.loads(res.stdout)[0]["orders"][0]
    assert order["state"] == "needs_review" and "SKU_UNKNOWN" in order["issues"]
    oid = str(order["id"])

    # nobody configured: no silent "lead", the message says how to become someone
    res = run(home, "queue", "approve", oid, "--reason", "phone ok")
    assert res.returncode == 2 and "is not a user" in res.stderr and "users add" in res.stderr
    assert "Traceback" not in res.stderr and _order(home).state == "needs_review"

    for name, role in (("ann", "csr"), ("lee", "lead")):
        added = run(home, "users", "add", name, "--role", role, "--password-stdin", stdin="pw-" + name + "-long\n")
        assert added.returncode == 0, added.stderr

    res = run(home, "queue", "approve", oid, "--user", "ann", "--reason", "phone ok")  # a CSR may not override
    assert res.returncode == 2 and "csr" in res.stderr and _order(home).state == "needs_review"

    res = run(home, "queue", "approve", oid, env={"ORDERFLOW_OPERATOR": "lee"})  # blocking: a reason is needed
    assert res.returncode == 2 and "blocking" in res.stderr and "SKU_UNKNOWN" in res.stderr

    res = run(home, "queue", "approve", oid, "--reason", "buyer confirmed the part by phone", "--no-push",
              env={"ORDERFLOW_OPERATOR": "lee"})
    assert res.returncode == 0, res.stderr
    o = _order(home)
    assert o.state == "approved"
    [approval] = o.approvals
    assert (approval["user"], approval["role"], approval["override"]) == ("lee", "lead", True)
    assert approval["reason"] == "buyer confirmed the part by phone" and "SKU_UNKNOWN" in approval["overridden_codes"]
