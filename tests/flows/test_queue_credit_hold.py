"""Issue 23 items 5-6 on the command line: the review app's rules hold for ``orderflow queue``. A lead's
``queue approve`` cannot release a credit hold (finance can, with a standard reason and words); ``queue
take-over`` lets a lead or finance take another user's claim, audited."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select
from test_queue_operator import UNKNOWN_PART, run

from orderflow.canonical import Issue
from orderflow.flows.services import open_store
from orderflow.flows.settings import load_settings
from orderflow.review import actions
from orderflow.store import models
from orderflow.store import repository as repo


def _store(home: Path):
    return open_store(load_settings(home=home))[1]


def _order(home: Path) -> tuple[models.Order, list[models.AuditEvent]]:
    with _store(home)() as s:
        o = s.scalars(select(models.Order)).one()
        s.expunge(o)
        return o, repo.audit_trail(s, "order", o.id)


def test_a_lead_cannot_release_a_credit_hold_from_the_cli_and_finance_takes_over_and_can(tmp_path: Path) -> None:
    home = tmp_path / "home"
    f = tmp_path / "po.json"
    f.write_text(json.dumps({**UNKNOWN_PART, "po_number": "CLI-2301"}))
    res = run(home, "process", str(f), "--json")
    oid = str(json.loads(res.stdout)[0]["orders"][0]["id"])
    for name, role in (("ann", "csr"), ("lee", "lead"), ("fay", "finance")):
        added = run(home, "users", "add", name, "--role", role, "--password-stdin", stdin="pw-" + name + "-long\n")
        assert added.returncode == 0, added.stderr
    with _store(home)() as s:  # the credit check put the account on hold
        o = repo.get_order(s, int(oid))
        repo.replace_issues(s, o, [*repo.order_issues(o), Issue(code="CREDIT_HOLD", message="ACME is on hold.")])
        s.commit()

    res = run(home, "queue", "approve", oid, "--user", "lee", "--reason", "they paid", "--no-push")
    assert res.returncode == 2 and "cannot override CREDIT_HOLD: only finance may decide it" in res.stderr
    assert "Traceback" not in res.stderr and _order(home)[0].state == "needs_review"

    with _store(home)() as s:
        actions.claim(s, int(oid), "ann")  # a CSR starts editing it
        s.commit()

    res = run(home, "queue", "take-over", oid, "--user", "ann")
    assert res.returncode == 2 and "a csr cannot take over" in res.stderr

    res = run(home, "queue", "approve", oid, "--user", "fay", "--reason-code", "payment_received", "--no-push")
    assert res.returncode == 2 and "being worked on by ann" in res.stderr  # ann's claim still holds

    res = run(home, "queue", "take-over", oid, "--user", "fay")
    assert res.returncode == 0, res.stderr
    order, audit = _order(home)
    assert order.claimed_by == "fay"
    (taken,) = [e for e in audit if e.action == "take_over"]
    assert (taken.actor, taken.before["claimed_by"], taken.after["role"]) == ("fay", "ann", "finance")

    res = run(home, "queue", "approve", oid, "--user", "fay", "--reason-code", "paid", "--no-push")
    assert res.returncode == 2 and "'paid' is not an override reason" in res.stderr

    res = run(home, "queue", "approve", oid, "--user", "fay", "--reason-code", "payment_received",
              "--reason", "wire 88 received", "--no-push")
    assert res.returncode == 0, res.stderr
    order, audit = _order(home)
    assert (order.state, order.claimed_by) == ("approved", None)
    approval = order.approvals[-1]
    assert (approval["user"], approval["role"], approval["reason_code"]) == ("fay", "finance", "payment_received")
    assert approval["reason"] == "Payment received / account cleared: wire 88 received"
    (override,) = [e for e in audit if e.action == "override"]
    assert {"CREDIT_HOLD", "SKU_UNKNOWN"} <= set(approval["overridden_codes"])
    assert override.after == {"codes": approval["overridden_codes"], "role": "finance",
                              "reason_key": "payment_received"}
