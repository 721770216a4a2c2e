from __future__ import annotations

import datetime as dt
from decimal import Decimal

from validators_helpers import acme_order, line

from orderflow.canonical import CanonicalOrder, Party, Source
from orderflow.validators import ValidationConfig, ValidationContext, validate


def _run(order, ctx=None, config=None, ref=None):
    return validate(order, ref, ctx or ValidationContext(), config or ValidationConfig())


def _price_issues(result):
    return [(i.code, i.field) for i in result.issues if i.rule == "pricing"]


def test_quantity_breaks_pick_highest_min_qty(ref):
    for qty, price, agreement in [(500, "0.18", "PA-ACME-001"), (1000, "0.15", "PA-ACME-002"),
                                  (20000, "0.12", "PA-ACME-003")]:
        result = _run(acme_order(line(qty=qty, uom="EA", sku="FAS-1001", unit_price=price)), ref=ref)
        rl = result.lines[0]
        assert (rl.contract_price, rl.agreement_id) == (Decimal(price), agreement)
        assert _price_issues(result) == []
    # 5 boxes = 500 EA: tier counted in base units, price converted to the box
    result = _run(acme_order(line(qty=20, uom="BX", sku="FAS-1001", unit_price="15.00")), ref=ref)
    assert (result.lines[0].contract_price, result.lines[0].agreement_id) == (Decimal("15.00"), "PA-ACME-002")


def test_date_bound_promotion(ref):
    in_promo = acme_order(line(qty=10, uom="BX", sku="SAF-2001", unit_price="6.50"), po_date=dt.date(2026, 4, 1))
    assert _run(in_promo, ref=ref).lines[0].agreement_id == "PA-ACME-007"
    after = acme_order(line(qty=10, uom="BX", sku="SAF-2001", unit_price="6.50"), po_date=dt.date(2026, 7, 1))
    result = _run(after, ref=ref)
    assert result.lines[0].agreement_id == "PA-ACME-006" and result.lines[0].contract_price == Decimal("7.25")
    issue = next(i for i in result.issues if i.code == "PRICE_MISMATCH")
    assert (issue.expected, issue.actual, issue.field) == ("7.25", "6.50", "lines[0].unit_price")
    assert "PA-ACME-006" in issue.message and issue.suggestions[0].value == "7.25" and issue.severity == "error"
    # no PO date: today decides (config.today)
    undated = acme_order(line(qty=10, uom="BX", sku="SAF-2001", unit_price="6.50"), po_date=None)
    assert _run(undated, config=ValidationConfig(today=dt.date(2026, 5, 31)), ref=ref).lines[0].agreement_id == "PA-ACME-007"


def test_expired_agreement_gives_no_contract_price(ref):
    order = CanonicalOrder(po_number="G1", po_date=dt.date(2027, 1, 5), source=Source(sender="edi@globex.example"),
                           ship_to=Party(ids={"92": "0042"}), lines=[line(qty=2, uom="CA", sku="JAN-3003", unit_price="42")])
    result = _run(order, ref=ref)
    assert [i.code for i in result.issues if i.rule == "pricing"] == ["NO_CONTRACT_PRICE"]
    assert result.issues[0].severity == "warning" and not result.blocking


def test_parent_account_prices_and_own_price_precedence(ref):
    hooli = dict(source=Source(sender="orders@hooli.example"), ship_to=Party(ids={"92": "MV"}))
    order = acme_order(line(qty=24, uom="RL", sku="JAN-3001", unit_price="3.10"),
                       line(qty=12, uom="CA", sku="JAN-3001", unit_price="34.20"),  # 144 RL ≥ 120: tier 2.85 × 12
                       line(qty=6, uom="EA", sku="JAN-3009", unit_price="5.25"), **hooli)
    result = _run(order, ref=ref)
    assert result.customer_id == "HOOLI"
    assert [(r.agreement_id, r.contract_price) for r in result.lines] == [
        ("PA-GROUP-001", Decimal("3.10")), ("PA-GROUP-002", Decimal("34.20")), ("PA-HOOLI-001", Decimal("5.25"))]
    assert _price_issues(result) == []


def test_contract_price_converted_to_ordered_uom_and_tolerance(ref):
    # ACME JAN-3001 agreement is 38.40 per case; by the roll that is 3.20
    ok = acme_order(line(qty=24, uom="RL", sku="JAN-3001", unit_price="3.21"))  # within 0.5 %
    assert _price_issues(_run(ok, ref=ref)) == []
    assert _run(ok, ref=ref).lines[0].contract_price == Decimal("3.20")
    off = acme_order(line(qty=24, uom="RL", sku="JAN-3001", unit_price="3.30"))
    assert _price_issues(_run(off, ref=ref)) == [("PRICE_MISMATCH", "lines[0].unit_price")]
    cents = ValidationConfig(price_tolerance_abs=Decimal("0.10"), price_tolerance_pct=Decimal(0))
    assert _price_issues(_run(off, config=cents, ref=ref)) == []
    tight = ValidationConfig(price_tolerance_abs=Decimal(0), price_tolerance_pct=Decimal(0))
    assert _price_issues(_run(ok, config=tight, ref=ref)) == [("PRICE_MISMATCH", "lines[0].unit_price")]


def test_missing_price_is_filled_from_contract(ref):
    order = acme_order(line(qty=3, uom="CA", sku="JAN-3001"), line(qty=100, uom="EA", sku="FAS-1005", unit_price="0.03"))
    result = _run(order, ref=ref)
    rl = result.lines[0]
    assert (rl.unit_price, rl.price_source, rl.amount) == (Decimal("38.40"), "contract", Decimal("115.20"))
    issue = next(i for i in result.issues if i.code == "PRICE_MISSING")
    assert issue.severity == "warning" and issue.expected == "38.40" and "PA-ACME-009" in issue.message
    assert result.order_total == Decimal("118.20") and not result.blocking


def test_currency_mismatch_and_agreements_in_other_currency(ref):
    result = _run(acme_order(line(qty=100, uom="EA", sku="FAS-1003", unit_price="0.06"), currency="EUR"), ref=ref)
    codes = [i.code for i in result.issues]
    assert "CURRENCY_MISMATCH" in codes and "NO_CONTRACT_PRICE" in codes and result.blocking
    cm = next(i for i in result.issues if i.code == "CURRENCY_MISMATCH")
    assert (cm.expected, cm.actual, cm.field) == ("USD", "EUR", "currency")


def test_price_override_needs_lead_approval(ref):
    order = acme_order(line(qty=24, uom="RL", sku="JAN-3001", unit_price="2.90"))
    plain = _run(order, ref=ref)
    assert "PRICE_MISMATCH" in plain.codes() and plain.approvals_required == []
    overridden = _run(order, ctx=ValidationContext(price_overrides={0}), ref=ref)
    assert "PRICE_MISMATCH" not in overridden.codes() and overridden.lines[0].price_override
    assert overridden.approvals_required == ["lead"] and not overridden.blocking
    assert "APPROVAL_REQUIRED" in overridden.codes()
