"""Issue 23 items 5-6 below the web app, on SQLite and PostgreSQL: the first edit claims (once per half
claim), a lead or finance takes over (audited), a CSR cannot; credit codes are finance's to override and an
override is audited with its codes and its standard reason."""

from __future__ import annotations

from decimal import Decimal

import pytest

from orderflow.canonical import CanonicalOrder, Envelope, Issue, OrderLine
from orderflow.review import actions, claims, overrides
from orderflow.store import repository as repo


@pytest.fixture
def held(s):
    """An order in review on credit hold (plus an unknown SKU)."""
    doc, _ = repo.save_document(s, Envelope(data=b"%PDF credit", filename="hold.pdf", channel="imap"))
    canonical = CanonicalOrder(po_number="4790", lines=[OrderLine(line_no="1", qty=Decimal("5"), uom="EA",
                                                                   sku="NOPE-1", unit_price=Decimal("2.00"))])
    issues = [Issue(code="CREDIT_HOLD", message="on hold"), Issue(code="SKU_UNKNOWN", field="lines[0].sku",
                                                                  message="unknown item")]
    o = repo.save_order(s, doc, 0, canonical, state="needs_review", issues=issues, customer_id="C1",
                        ship_to_id=None, resolved={})
    s.commit()
    return o.id


def audit(s, order_id: int, action: str) -> list:
    return [e for e in repo.audit_trail(s, "order", order_id) if e.action == action]


def test_who_may_override_what_is_one_table():
    assert [overrides.may_override(r, "CREDIT_HOLD") for r in ("csr", "lead", "finance", "admin")] == [
        False, False, True, True]
    assert overrides.may_override("lead", "CREDIT_EXCEEDED") is False
    assert [overrides.may_override(r, "PRICE_MISMATCH") for r in ("csr", "lead", "finance")] == [False, True, True]
    assert overrides.decider("CREDIT_HOLD") == "finance" and overrides.decider("SKU_UNKNOWN") == "lead"
    assert overrides.reason(None, "  said so ") == overrides.Reason("other", "said so")
    assert overrides.reason("", None) is None
    with pytest.raises(overrides.ReasonError, match="needs the reason in words"):
        overrides.reason("other", "")


def test_a_lead_cannot_override_a_credit_hold_and_finance_can(s, held):
    with pytest.raises(actions.NotAllowed, match="a lead cannot override CREDIT_HOLD: only finance may decide it"):
        actions.approve(s, held, user="lee", role="lead", override_reason="paid", reason_code="payment_received")
    s.rollback()
    assert repo.get_order(s, held).state == "needs_review" and audit(s, held, "override") == []
    with pytest.raises(actions.BlockingIssues):  # finance may, with a reason
        actions.approve(s, held, user="fay", role="finance")
    s.rollback()
    o = actions.approve(s, held, user="fay", role="finance", reason_code="limit_raised")
    s.commit()
    assert o.state == "approved" and o.approvals[-1]["reason"] == "Credit limit raised for this order"
    (event,) = audit(s, held, "override")
    assert (event.actor, event.after, event.reason) == (
        "fay", {"codes": ["CREDIT_HOLD", "SKU_UNKNOWN"], "role": "finance", "reason_key": "limit_raised"},
        "Credit limit raised for this order")


def test_editing_claims_and_a_lead_takes_over_audited(Session, held):
    with Session() as s1:
        claims.start_editing(s1, held, "ann", minutes=15)
        claims.start_editing(s1, held, "ann", minutes=15)  # still fresh: no second claim row
        s1.commit()
        assert [e.actor for e in audit(s1, held, "claim")] == ["ann"]
    with Session() as s2:
        with pytest.raises(actions.ClaimedByOther, match="ann"):
            claims.start_editing(s2, held, "bob", minutes=15)
        s2.rollback()
        with pytest.raises(actions.NotAllowed, match="a csr cannot take over"):
            claims.take_over(s2, held, user="bob", role="csr", minutes=15)
        s2.rollback()
        o, previous = claims.take_over(s2, held, user="lee", role="lead", minutes=15)
        s2.commit()
        assert (previous, o.claimed_by) == ("ann", "lee")
        (event,) = audit(s2, held, "take_over")
        assert (event.actor, event.before["claimed_by"], event.after["claimed_by"]) == ("lee", "ann", "lee")
        assert claims.lock_for(o, "ann", "csr") == claims.Lock("lee", False)
        assert claims.lock_for(o, "fay", "finance") == claims.Lock("lee", True)
        assert claims.lock_for(o, "lee", "lead") is None
