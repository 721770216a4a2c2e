"""Review actions on SQLite and PostgreSQL: claim lock, fix + revalidate + learning, approve, reject."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from orderflow.canonical import (
    CanonicalOrder,
    Envelope,
    Issue,
    Item,
    OrderLine,
    Party,
    ReferenceData,
    Severity,
)
from orderflow.review import actions
from orderflow.store import repository as repo

REF = ReferenceData(items=[Item(sku="SKU-1"), Item(sku="SKU-2")])


def make_revalidate(s):
    """A small real rule set: every line needs a known SKU (directly or via a learned cross-reference)
    and a positive quantity; a PO number is required. Returns (issues, resolved)."""

    def revalidate(canonical: CanonicalOrder, order) -> tuple[list[Issue], dict]:
        learned = {(x.customer_id, x.customer_part): x.sku for x in repo.learned_cross_references(s)}
        issues, resolved = [], []
        if not canonical.po_number:
            issues.append(Issue(code="MISSING_FIELD", field="po_number", message="PO number is missing"))
        for i, line in enumerate(canonical.lines):
            sku = line.sku if REF.item(line.sku) else learned.get((order.customer_id, line.customer_part))
            if sku is None:
                issues.append(Issue(code="SKU_UNKNOWN", field=f"lines[{i}].sku", message="unknown item"))
            if line.qty is None or line.qty <= 0:
                issues.append(
                    Issue(code="MISSING_FIELD", field=f"lines[{i}].qty", message="quantity missing")
                )
            resolved.append({"sku": sku, "qty": line.qty})
        if canonical.ship_to is None or not canonical.ship_to.name:
            issues.append(
                Issue(
                    code="SHIP_TO_UNKNOWN", severity=Severity.WARNING, field="ship_to", message="no ship-to"
                )
            )
        return issues, {"lines": resolved}

    return revalidate


@pytest.fixture
def queued(s):
    """One order in review: line 0 has only a customer part (SKU unknown), line 1 is fine."""
    doc, _ = repo.save_document(s, Envelope(data=b"%PDF order", filename="po.pdf", channel="imap"))
    canonical = CanonicalOrder(
        po_number="4711",
        lines=[
            OrderLine(line_no="1", qty=Decimal("5"), uom="EA", customer_part="AC-77"),
            OrderLine(line_no="2", qty=Decimal("2"), uom="EA", sku="SKU-2", unit_price=Decimal("3.10")),
        ],
    )
    issues, resolved = make_revalidate(s)(canonical, type("O", (), {"customer_id": "C1"})())
    o = repo.save_order(
        s,
        doc,
        0,
        canonical,
        state="needs_review",
        issues=issues,
        customer_id="C1",
        ship_to_id=None,
        resolved=resolved,
    )
    s.commit()
    return o.id


def test_queue_and_show(s, queued):
    rows = actions.list_queue(s)
    assert [r["id"] for r in rows] == [queued]
    assert rows[0]["codes"] == ["SHIP_TO_UNKNOWN", "SKU_UNKNOWN"] and rows[0]["blocking"] == 1
    assert actions.list_queue(s, code="PRICE_MISMATCH") == []
    shown = actions.show_order(s, queued)
    assert shown["order"]["po_number"] == "4711" and shown["document"]["filename"] == "po.pdf"
    assert [i["code"] for i in shown["issues"]] == ["SKU_UNKNOWN", "SHIP_TO_UNKNOWN"]
    assert [a["action"] for a in shown["audit"]] == ["created"]
    assert shown["push_attempts"] == []
    with pytest.raises(actions.OrderNotFound):
        actions.show_order(s, 424242)


def test_claim_locks_out_a_second_user_until_it_expires(Session, queued):
    with Session() as s1:
        actions.claim(s1, queued, "alice", minutes=15)
        s1.commit()
    with Session() as s2:
        with pytest.raises(actions.ClaimedByOther, match="alice"):
            actions.claim(s2, queued, "bob")
        with pytest.raises(actions.ClaimedByOther):
            actions.fix_field(s2, queued, "po_number", "X", user="bob", revalidate=make_revalidate(s2))
        s2.rollback()
        actions.claim(s2, queued, "alice", minutes=30)  # the holder may extend
        s2.commit()
        o = repo.get_order(s2, queued)
        o.claim_expires_at = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)  # let it expire
        s2.commit()
        actions.claim(s2, queued, "bob")
        s2.commit()
        assert repo.get_order(s2, queued).claimed_by == "bob"
        claims = [a for a in repo.audit_trail(s2, "order", queued) if a.action == "claim"]
        assert [c.actor for c in claims] == ["alice", "alice", "bob"]
        actions.release(s2, queued, "bob")
        s2.commit()
        assert repo.get_order(s2, queued).claimed_by is None


def test_fix_sku_revalidates_to_valid_and_learns_cross_reference(s, queued):
    o = actions.fix_field(s, queued, "lines[0].sku", "SKU-1", user="alice", revalidate=make_revalidate(s))
    s.commit()
    assert o.state == "valid"
    assert [i.code for i in repo.order_issues(o)] == ["SHIP_TO_UNKNOWN"]  # only the warning is left
    assert repo.order_canonical(o).lines[0].sku == "SKU-1"
    assert o.resolved["lines"][0]["sku"] == "SKU-1"
    learned = repo.learned_cross_references(s)
    assert [(x.customer_id, x.customer_part, x.sku, x.created_by) for x in learned] == [
        ("C1", "AC-77", "SKU-1", "alice")
    ]
    assert learned[0].created_at is not None
    fix = [a for a in repo.audit_trail(s, "order", queued) if a.action == "fix"][0]
    assert fix.actor == "alice"
    assert fix.before == {"field": "lines[0].sku", "value": None}
    assert fix.after == {"field": "lines[0].sku", "value": "SKU-1"}
    state_ev = repo.audit_trail(s, "order", queued)[-1]
    assert (state_ev.before, state_ev.after) == ({"state": "needs_review"}, {"state": "valid"})


def test_fix_decimal_nested_and_bad_values(s, queued):
    reval = make_revalidate(s)
    o = actions.fix_field(s, queued, "lines[1].qty", "12.50", user="alice", revalidate=reval)
    assert repo.order_canonical(o).lines[1].qty == Decimal("12.50")
    o = actions.fix_field(s, queued, "ship_to.name", "Dock 4", user="alice", revalidate=reval)
    o = actions.fix_field(s, queued, "ship_to.address.city", "Lyon", user="alice", revalidate=reval)
    canon = repo.order_canonical(o)
    assert canon.ship_to == Party(name="Dock 4", address=canon.ship_to.address)
    assert canon.ship_to.address.city == "Lyon"
    o = actions.fix_field(s, queued, "lines[0].qty", "", user="alice", revalidate=reval)  # clearing → issue
    assert any(i.field == "lines[0].qty" for i in repo.order_issues(o)) and o.state == "needs_review"
    for path, value, msg in [
        ("lines[1].qty", "abc", "not a number"),
        ("lines[9].sku", "X", "no item 9"),
        ("lines[0].colour", "red", "not a valid value"),
        ("po_date", "31/02/2026", "not a valid value"),
        ("lines[0", "X", "not a field path"),
        ("source.sha256", "X", "cannot be edited"),
    ]:
        with pytest.raises(actions.InvalidField, match=msg):
            actions.fix_field(s, queued, path, value, user="alice", revalidate=reval)
    s.commit()
    assert repo.order_canonical(repo.get_order(s, queued)).lines[1].qty == Decimal("12.50")


def test_approve_refuses_blocking_issues_unless_overridden(s, queued):
    with pytest.raises(actions.BlockingIssues, match="SKU_UNKNOWN"):
        actions.approve(s, queued, user="alice", role="csr")
    with pytest.raises(actions.NotAllowed, match="cannot override"):
        actions.approve(s, queued, user="alice", role="csr", override_reason="customer confirmed by phone")
    with pytest.raises(actions.NotAllowed, match="cannot approve"):
        actions.approve(s, queued, user="eve", role="viewer")
    o = actions.approve(s, queued, user="sam", role="supervisor", override_reason="new item, ERP updated")
    s.commit()
    assert o.state == "approved"
    assert o.approvals[0]["override"] is True and o.approvals[0]["overridden_codes"] == ["SKU_UNKNOWN"]
    ev = repo.audit_trail(s, "order", queued)[-1]
    assert (ev.action, ev.actor, ev.reason, ev.after) == (
        "approve",
        "sam",
        "new item, ERP updated",
        {"state": "approved"},
    )
    with pytest.raises(actions.NotAllowed, match="cannot be approved"):
        actions.approve(s, queued, user="sam", role="supervisor")


def test_approve_clean_order_after_fix(s, queued):
    actions.fix_field(s, queued, "lines[0].sku", "SKU-1", user="alice", revalidate=make_revalidate(s))
    o = actions.approve(s, queued, user="alice", role="csr")
    s.commit()
    assert o.state == "approved" and o.approvals[0]["override"] is False and o.claimed_by is None


def test_reject_requires_reason(s, queued):
    with pytest.raises(actions.ReasonRequired):
        actions.reject(s, queued, user="alice", reason="  ")
    o = actions.reject(s, queued, user="alice", reason="customer cancelled by phone")
    s.commit()
    assert o.state == "rejected"
    ev = repo.audit_trail(s, "order", queued)[-1]
    assert (ev.action, ev.reason, ev.before, ev.after) == (
        "reject",
        "customer cancelled by phone",
        {"state": "needs_review"},
        {"state": "rejected"},
    )
    with pytest.raises(actions.NotAllowed):
        actions.fix_field(s, queued, "po_number", "1", user="alice", revalidate=make_revalidate(s))
    with pytest.raises(actions.NotAllowed):
        actions.reject(s, queued, user="alice", reason="again")


def test_simultaneous_claims_have_one_winner(Session, queued):  # noqa: N803
    import threading
    import time

    barrier, outcome = threading.Barrier(2), {}

    def csr(user: str) -> None:
        with Session() as s:
            barrier.wait()
            try:
                actions.claim(s, queued, user)
                time.sleep(0.3)  # hold the row/write lock while the other one tries
                s.commit()
                outcome[user] = "won"
            except actions.ClaimedByOther as exc:
                s.rollback()
                outcome[user] = str(exc)

    threads = [threading.Thread(target=csr, args=(u,)) for u in ("alice", "bob")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    winners = [u for u, r in outcome.items() if r == "won"]
    assert len(winners) == 1
    loser = ({"alice", "bob"} - set(winners)).pop()
    assert f"worked on by {winners[0]}" in outcome[loser]
    with Session() as s:
        assert repo.get_order(s, queued).claimed_by == winners[0]
