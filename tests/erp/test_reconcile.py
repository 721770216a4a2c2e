"""Reconciliation against a real Tryton: a sale deleted, altered or duplicated by hand is drift."""

from __future__ import annotations

from decimal import Decimal

from erp_helpers import order_request
from proteus import Model

from orderflow.erp_push.reconcile import reconcile
from orderflow.erp_push.tryton_conn import connect


def test_reconcile_finds_deleted_changed_and_duplicated_sales(tryton, tryton_config) -> None:
    reqs = [order_request(f"PO-30{i}") for i in range(4)]
    results = [tryton.push(r) for r in reqs]
    pushed = [(r.key, res.erp_order_id, Decimal("85.00")) for r, res in zip(reqs, results, strict=True)]
    assert reconcile(pushed, tryton).ok

    conn = connect(tryton_config)
    Sale = Model.get("sale.sale", config=conn)
    by_number = {s.number: s for s in Sale.find([])}
    # 1. a CSR deletes PO-300's sale by hand in Tryton
    gone = by_number[results[0].erp_order_id]
    gone.click("draft")
    gone.delete()
    # 2. someone changes a quantity on PO-301
    changed = by_number[results[1].erp_order_id]
    changed.click("draft")
    changed.lines[0].quantity = 20.0
    changed.save()
    changed.click("quote")
    # 3. someone duplicates PO-302 (the copy keeps the comment, hence the key)
    Sale.duplicate([by_number[results[2].erp_order_id]])
    # 4. a sale pushed by another orderflow installation
    tryton.push(order_request("PO-399"))

    report = reconcile(pushed, tryton)
    assert report.checked == 4 and report.matched == 1
    kinds = {(d.kind, d.key) for d in report.drift}
    assert kinds == {("missing", reqs[0].key), ("total_mismatch", reqs[1].key), ("duplicated", reqs[2].key),
                     ("unknown", "C001|PO-399|original|0")}
    mismatch = report.of_kind("total_mismatch")[0]
    assert (mismatch.ours, mismatch.theirs) == (Decimal("85.00"), Decimal("110.00"))
    assert report.of_kind("missing")[0].erp_order_ids == [results[0].erp_order_id]
