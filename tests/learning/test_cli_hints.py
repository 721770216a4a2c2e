"""`orderflow hints list|show|delete` against a store with one learned hint."""

from __future__ import annotations

import json

from learning_conf import ACME, extract, no_rules
from typer.testing import CliRunner

from orderflow.flows.learning_wiring import make_learner
from orderflow.review import actions, learning


def test_hints_list_show_delete(store, layout_doc, tmp_path, monkeypatch):
    pdf, gold = layout_doc(ACME, 0)
    order_id = store.save(pdf, ACME.sender, extract(pdf, ACME.sender))
    with store.Session() as s:
        actions.fix_field(s, order_id, "po_number", gold["po_number"], user="csr7", revalidate=no_rules,
                          learner=make_learner(verify=False))
        s.commit()
        [hint] = learning.list_hints(s)
    monkeypatch.setenv("ORDERFLOW_DATABASE_URL", str(store.engine.url))
    from orderflow.flows.cli import app

    runner = CliRunner()
    out = runner.invoke(app, ["hints", "list"])
    assert out.exit_code == 0, out.output
    assert "'Cust. Ord. Ref' is the PO number" in out.output and "by csr7" in out.output and "used 0x" in out.output
    out = runner.invoke(app, ["hints", "show", str(hint["id"])])
    assert out.exit_code == 0, out.output
    shown = json.loads(out.output)
    assert shown["hint"]["label"] == "Cust. Ord. Ref" and shown["evidence"]["right"] == gold["po_number"]
    assert runner.invoke(app, ["hints", "delete", str(hint["id"])]).exit_code == 0
    out = runner.invoke(app, ["hints", "list"])
    assert "No learned hints." in out.output
    assert runner.invoke(app, ["hints", "show", str(hint["id"])]).exit_code != 0
