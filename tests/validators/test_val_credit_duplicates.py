from __future__ import annotations

import datetime as dt
import time
from decimal import Decimal

from validators_helpers import acme_order, line

from orderflow.canonical import Party, Purpose, Source
from orderflow.validators import ExistingOrder, ValidationConfig, ValidationContext, validate
from orderflow.validators.credit import check_credit
from orderflow.validators.duplicates import check_duplicates

CFG = ValidationConfig()


def _credit(ref, customer, total, ctx=None, config=CFG, order=None):
    return check_credit(order or acme_order(), Decimal(total), ref, customer, ctx or ValidationContext(), config)


def test_credit_ok_exceeded_and_hold(ref):
    assert _credit(ref, "ACME", "1000") == []
    assert _credit(ref, "INITECH", "1700.00") == []  # exactly at the limit
    exceeded = _credit(ref, "INITECH", "2000")
    assert [i.code for i in exceeded] == ["CREDIT_EXCEEDED"]
    assert (exceeded[0].expected, exceeded[0].actual) == ("50000.00", "50300.00")
    assert "by 300" in exceeded[0].message and exceeded[0].severity == "error"
    held = _credit(ref, "UMBRELLA", "10")
    assert [i.code for i in held] == ["CREDIT_HOLD"] and "credit hold" in held[0].message
    assert [i.code for i in _credit(ref, "UMBRELLA", "70000")] == ["CREDIT_HOLD", "CREDIT_EXCEEDED"]
    assert _credit(ref, "INITECH", "999999", order=acme_order(purpose=Purpose.CANCEL)) == []


def test_credit_on_parent_account_when_child_has_none(ref):
    ref.credit = [c for c in ref.credit if c.customer_id != "HOOLI"]
    from orderflow.canonical import CreditRecord

    ref.credit.append(CreditRecord(customer_id="ACME-GROUP", limit=Decimal(1000), hold=True))
    assert [i.code for i in _credit(ref, "HOOLI", "10")] == ["CREDIT_HOLD"]


def test_live_credit_value_error_and_timeout(ref):
    live = ValidationContext(live_credit=lambda cid: Decimal("49000"))
    assert [i.code for i in _credit(ref, "INITECH", "500", ctx=live)] == []
    assert [i.code for i in _credit(ref, "INITECH", "1500", ctx=live)] == ["CREDIT_EXCEEDED"]

    def broken(cid):
        raise ConnectionError("connection refused")

    issues = _credit(ref, "INITECH", "500", ctx=ValidationContext(live_credit=broken))
    assert [i.code for i in issues] == ["CREDIT_STALE"] and "connection refused" in issues[0].message

    def slow(cid):
        time.sleep(2)
        return Decimal(0)

    started = time.perf_counter()
    issues = _credit(ref, "INITECH", "2000", ctx=ValidationContext(live_credit=slow),
                     config=ValidationConfig(credit_live_timeout_s=0.2))
    assert time.perf_counter() - started < 1.0
    assert [i.code for i in issues] == ["CREDIT_STALE", "CREDIT_EXCEEDED"]  # snapshot used after the timeout
    assert "did not answer within 0.2 s" in issues[0].message


def test_stale_snapshot_warning(ref):
    now = dt.datetime(2026, 11, 23, 12, tzinfo=dt.UTC)
    record = next(c for c in ref.credit if c.customer_id == "ACME")
    record.as_of = now - dt.timedelta(days=3)
    issues = _credit(ref, "ACME", "10", config=ValidationConfig(now=now))
    assert [i.code for i in issues] == ["CREDIT_STALE"] and issues[0].severity == "warning"
    record.as_of = now - dt.timedelta(hours=2)
    assert _credit(ref, "ACME", "10", config=ValidationConfig(now=now)) == []


def _existing(po="4500012345", state="pushed", purpose="original", customer="ACME", order_id="ORD-1"):
    return ExistingOrder(customer_id=customer, po_number=po, state=state, order_id=order_id, purpose=purpose)


def test_duplicate_original(ref):
    order = acme_order(line(qty=1, sku="FAS-1001"))
    for state in ("pushed", "needs_review", "acknowledged", "approved"):
        issues = check_duplicates(order, "ACME", ValidationContext(existing_orders=[_existing(state=state)]))
        assert [i.code for i in issues] == ["DUPLICATE_PO"] and issues[0].actual == "ORD-1"
    # rejected / failed / superseded orders, other customers and the order itself do not count
    others = [_existing(state="rejected"), _existing(state="failed"), _existing(customer="GLOBEX"),
              _existing(po="4500012346")]
    assert check_duplicates(order, "ACME", ValidationContext(existing_orders=others)) == []
    itself = ValidationContext(existing_orders=[_existing(order_id="ME")], order_id="ME")
    assert check_duplicates(order, "ACME", itself) == []
    # PO numbers compare without punctuation or case
    assert check_duplicates(acme_order(po_number="45000-12345 "), "ACME",
                            ValidationContext(existing_orders=[_existing()]))[0].code == "DUPLICATE_PO"


def test_change_and_cancel_need_an_original(ref):
    for purpose in (Purpose.CHANGE, Purpose.CANCEL):
        order = acme_order(line(qty=1, sku="FAS-1001"), purpose=purpose)
        assert check_duplicates(order, "ACME", ValidationContext(existing_orders=[_existing()])) == []
        missing = check_duplicates(order, "ACME", ValidationContext(existing_orders=[_existing(state="rejected")]))
        assert [i.code for i in missing] == ["ORIGINAL_NOT_FOUND"] and missing[0].field == "po_number"


def test_duplicate_through_validate_uses_resolved_customer(ref):
    order = acme_order(line(qty=100, uom="EA", sku="FAS-1003", unit_price="0.06"),
                       source=Source(partner_ids={"ISA06": "ACMEMFG"}), ship_to=Party(ids={"92": "0001"}))
    ctx = ValidationContext(existing_orders=[_existing()])
    result = validate(order, ref, ctx, CFG)
    assert result.customer_id == "ACME" and result.codes() == ["DUPLICATE_PO"] and result.blocking
