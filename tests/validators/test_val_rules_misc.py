from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

from validators_helpers import acme_order, line

from orderflow.canonical import Charge, IssueCode, Purpose
from orderflow.validators import ValidationConfig, ValidationContext, validate
from orderflow.validators import runner as runner_module
from orderflow.validators.approvals import required_approvals
from orderflow.validators.codes import CODES, markdown_table
from orderflow.validators.completeness import check_completeness
from orderflow.validators.model import ResolvedLine
from orderflow.validators.totals import check_totals


def test_completeness():
    assert check_completeness(acme_order(line(qty=1, sku="A"))) == []
    issues = check_completeness(acme_order(po_number=" "))
    assert [(i.code, i.field) for i in issues] == [("MISSING_FIELD", "po_number"), ("MISSING_FIELD", "lines")]
    assert check_completeness(acme_order(purpose=Purpose.CANCEL)) == []
    issues = check_completeness(acme_order(line(sku="A"), line(qty=0, description="x"), line(qty=2)))
    assert [(i.code, i.field) for i in issues] == [
        ("MISSING_FIELD", "lines[0].qty"), ("MISSING_FIELD", "lines[1].qty"), ("MISSING_FIELD", "lines[2].sku")]
    # a change deleting a line may carry quantity 0
    change = acme_order(line(qty=0, sku="A", change_code="DI"), purpose=Purpose.CHANGE)
    assert check_completeness(change) == []


def test_totals_arithmetic_and_counts():
    good = acme_order(line(qty=3, unit_price="2.50", amount="7.50", sku="A"), declared_total=Decimal("17.50"),
                      declared_line_count=1, charges=[Charge(amount=Decimal(10), description="freight")])
    assert check_totals(good) == []
    bad = acme_order(line(qty=3, unit_price="2.50", amount="75.00", sku="A"), line(qty=1, unit_price="1", sku="B"),
                     declared_total=Decimal("9.50"), declared_line_count=3)
    issues = check_totals(bad)
    assert [(i.code, i.severity.value) for i in issues] == [
        ("ARITHMETIC", "warning"), ("LINE_COUNT_MISMATCH", "warning"), ("TOTAL_MISMATCH", "warning")]
    assert (issues[0].expected, issues[0].actual, issues[0].field) == ("7.50", "75.00", "lines[0].amount")
    assert (issues[1].expected, issues[1].actual) == (3, 2)
    assert (issues[2].expected, issues[2].actual) == ("76.00", "9.50")


def test_a_gross_total_with_one_standard_tax_rate_closes():
    """Lines 98,600.00 and a printed grand total 116,348.00 (18% GST, not itemised): the document's
    arithmetic closes; 117,000.00 is no standard rate and still is a mismatch."""
    lines = (line(qty=10, unit_price="8500", amount="85000.00", sku="A"),
             line(qty=4, unit_price="3400", amount="13600.00", sku="B"))
    assert check_totals(acme_order(*lines, declared_total=Decimal("116348.00"))) == []
    assert check_totals(acme_order(*lines, declared_total=Decimal("108460.00"))) == []  # 10%
    [issue] = check_totals(acme_order(*lines, declared_total=Decimal("117000.00")))
    assert (issue.code, issue.expected, issue.actual) == ("TOTAL_MISMATCH", "98600.00", "117000.00")
    [issue] = check_totals(acme_order(*lines, declared_total=Decimal("83810.00")))  # less than the lines
    assert issue.code == "TOTAL_MISMATCH"


def test_approvals_two_steps_in_sequence():
    cfg, ctx = ValidationConfig(), ValidationContext()
    assert required_approvals(Decimal("25000"), [], ctx, cfg) == ([], [])
    roles, issues = required_approvals(Decimal("30000"), [], ctx, cfg)
    assert roles == ["lead"] and issues[0].code == "APPROVAL_REQUIRED" and issues[0].severity == "warning"
    roles, issues = required_approvals(Decimal("150000"), [], ctx, cfg)
    assert roles == ["lead", "finance"] and "lead -> finance" in issues[0].message
    override = [ResolvedLine(index=0, line_no="1", price_override=True)]
    roles, issues = required_approvals(Decimal("100"), override, ctx, cfg)
    assert roles == ["lead"] and "price override on line(s) 1" in issues[0].message
    roles, _ = required_approvals(Decimal("150000"), [], ValidationContext(approvals_granted=["lead"]), cfg)
    assert roles == ["finance"]
    custom = ValidationConfig(approval_thresholds=[(Decimal(1000), "manager")])
    assert required_approvals(Decimal("5000"), [], ctx, custom)[0] == ["manager"]


def test_clean_order_passes_with_full_enrichment(ref):
    order = acme_order(
        line(line_no="10", qty=2000, uom="EA", customer_part="AC-77812", unit_price="0.15", amount="300.00"),
        line(line_no="20", qty=5, uom="CS", sku="SAF-2001", unit_price="72.50"),
        line(line_no="30", qty=1, uom="PLT", description="paper towel roll 2 ply 800 ft white", unit_price="1536"),
        declared_total=Decimal("2198.50"), declared_line_count=3, po_date=dt.date(2026, 11, 20),
    )
    result = validate(order, ref, ValidationContext(), ValidationConfig())
    assert result.issues == [] and not result.blocking
    assert (result.customer_id, result.ship_to_id) == ("ACME", "ACME-PLANT1")
    assert [(r.sku, r.resolved_by, r.uom, r.base_qty, r.agreement_id) for r in result.lines] == [
        ("FAS-1001", "xref", "EA", Decimal(2000), "PA-ACME-002"),
        ("SAF-2001", "exact", "CA", Decimal(50), "PA-ACME-006"),
        ("JAN-3001", "fuzzy", "PL", Decimal(480), "PA-ACME-009"),
    ]
    assert result.order_total == Decimal("2198.50") and result.approvals_required == []


def test_big_order_routes_to_lead_then_finance(ref):
    order = acme_order(line(qty=120, uom="PL", sku="JAN-3001", unit_price="1536"))  # 184,320.00
    ref.credit[0].limit = Decimal(10**7)
    result = validate(order, ref, ValidationContext(), ValidationConfig())
    assert result.order_total == Decimal("184320") and result.approvals_required == ["lead", "finance"]
    assert result.codes() == ["APPROVAL_REQUIRED"] and not result.blocking


def test_a_crashing_rule_becomes_an_issue_not_an_exception(ref, monkeypatch):
    def broken(order, tolerance):
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(runner_module, "check_totals", broken)  # fault injection into the runner's guard
    result = validate(acme_order(line(qty=100, uom="EA", sku="FAS-1003", unit_price="0.06")), ref)
    assert result.codes() == ["RULE_ERROR"] and result.blocking
    assert "totals check could not run (ZeroDivisionError: boom)" in result.issues[0].message
    assert result.lines[0].sku == "FAS-1003" and result.customer_id == "ACME"  # other rules still ran


def test_garbage_order_never_raises(ref):
    """Negative numbers, empty names and the largest total the bounded amount type admits (1E+30 is
    refused by the schema itself: tests/security) reach the rules, and no rule raises."""
    from orderflow.canonical import CanonicalOrder, OrderLine, Party

    order = CanonicalOrder(lines=[OrderLine(qty=Decimal("-3"), uom="??", unit_price=Decimal("-1")),
                                  OrderLine(description="", ids={"": ""})],
                           ship_to=Party(), buyer=Party(name=""), declared_total=Decimal("999999999999999.99"))
    result = validate(order, ref, ValidationContext(sender="not an email"), ValidationConfig())
    assert "MISSING_FIELD" in result.codes() and "CUSTOMER_UNKNOWN" in result.codes()
    assert "RULE_ERROR" not in result.codes(), [i.message for i in result.issues if i.code == "RULE_ERROR"]


def test_every_raised_code_is_documented():
    documented = {c.code for c in CODES}
    source = "\n".join(p.read_text() for p in (Path(runner_module.__file__).parent).glob("*.py"))
    raised = set(re.findall(r"IssueCode\.([A-Z_]+)", source)) | {"RULE_ERROR"}
    assert raised <= documented, raised - documented
    assert all(code in IssueCode.__members__ or code == "RULE_ERROR" for code in documented)
    table = markdown_table()
    assert all(f"`{code}`" in table for code in documented) and table.count("\n") == len(CODES) + 1


def test_enrichment_is_json_safe(ref):
    import json

    order = acme_order(line(qty=3, uom="CA", sku="JAN-3001"))
    data = validate(order, ref).enrichment()
    text = json.dumps(data)
    assert data["order_total"] == "115.20" and data["customer_id"] == "ACME"
    assert data["lines"][0]["contract_price"] == "38.40" and data["lines"][0]["base_qty"] == "36"
    assert data["lines"][0]["price_source"] == "contract" and '"agreement_id": "PA-ACME-009"' in text
