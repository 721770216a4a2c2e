"""Availability on the demo reference data: ATP, splits by policy, lead times, competing orders."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from availability_helpers import SAMPLES, TODAY, check, inbox_order, line, order

from orderflow.canonical import CustomerLeadTime, IncomingSupply, ReferenceData, StockRecord
from orderflow.erp_push.reference_csv import ReferenceCsvError, load_reference_csv
from orderflow.flows.pipeline import resolved_payload
from orderflow.validators.availability import lead_time_days, reserved_quantities

D = Decimal


def _av(result, code="AVAILABILITY_SHORT"):
    return [i for i in result.issues if i.code == code]


def test_in_stock_line_is_accepted_with_its_ship_date(ref):
    r = check(order(line("1", "FAS-1005", "2000", "EA", "0.03")), ref)
    rl = r.lines[0]
    assert _av(r) == [] and _av(r, "LEAD_TIME") == []
    # FAS-1005: 40000 on hand, lead time 3 days, no date asked → ships today + 3
    assert (rl.ack_status, rl.ship_now_qty, rl.backorder_qty, rl.ship_date, rl.promised_date) == (
        "IA", D(2000), D(0), "2026-11-26", "2026-11-26")
    assert rl.available_now == D(40000)


def test_partly_backordered_demo_order_splits_in_the_ordered_uom(ref):
    o, entry = inbox_order("acme-portal-PO-9017-backorder.json")
    assert entry["expect"]["orders"][0]["warnings"] == ["AVAILABILITY_SHORT"]
    r = check(o, ref)
    assert not r.blocking
    [short] = _av(r)
    mro = r.lines[1]
    # MRO-5002: 160 on hand − 20 committed = 140 RL = 35 CA (1 CA = 4 RL); 400 RL arrive 2026-12-10
    assert (mro.sku, mro.uom, mro.factor, mro.base_qty) == ("MRO-5002", "CA", D(4), D(200))
    assert (mro.available_now, mro.ship_now_qty, mro.ship_date) == (D(35), D(35), "2026-11-30")
    assert (mro.backorder_qty, mro.backorder_date, mro.promised_date, mro.ack_status) == (
        D(15), "2026-12-10", "2026-12-10", "IB")
    assert short.field == "lines[1].qty" and short.severity == "warning"
    assert (short.expected, short.actual) == ("50", "35")
    assert [s.value for s in short.suggestions] == ["35", "50"]
    assert "backorder 15 CA for 2026-12-10" in short.message
    assert r.lines[0].ack_status == "IA"


def test_second_order_competing_for_the_same_stock(ref):
    def po(no):
        return order(line("1", "MRO-5002", "50", "CA", "78.00"), po_number=no,
                     requested_delivery_date=dt.date(2026, 11, 30))

    first = check(po("A"), ref)
    reserved = reserved_quantities([resolved_payload(first)])
    # the first took 35 CA now + 15 CA of the incoming: 200 RL
    assert reserved == {"MRO-5002": D(200)}
    second = check(po("B"), ref, reserved=reserved)
    rl = second.lines[0]
    assert (rl.available_now, rl.ship_now_qty, rl.backorder_qty, rl.backorder_date, rl.ack_status) == (
        D(0), D(0), D(50), "2026-12-10", "IB")
    reserved = reserved_quantities([resolved_payload(first), resolved_payload(second)])
    assert reserved == {"MRO-5002": D(400)}
    third = check(po("C"), ref, reserved=reserved)
    rl = third.lines[0]
    # 540 RL of supply in all, 400 promised: 140 RL left never reach 200 RL → nothing to promise
    assert (rl.ship_now_qty, rl.backorder_qty, rl.backorder_date, rl.ack_status) == (D(0), D(0), None, "IR")
    assert "no incoming supply" in _av(third)[0].message


def test_two_lines_of_one_order_share_the_stock(ref):
    r = check(order(line("1", "SAF-2001", "200", "BX", "7.25"), line("2", "SAF-2001", "20", "CA", "72.50")), ref)
    # 320 − 40 = 280 BX: line 1 takes 200, line 2 wants 200 (20 CA) and gets 80 BX = 8 CA, no incoming
    assert r.lines[0].ack_status == "IA"
    assert (r.lines[1].available_now, r.lines[1].ship_now_qty, r.lines[1].ack_status) == (D(8), D(8), "IQ")


def test_incoming_counts_only_up_to_the_requested_date(ref):
    early = check(order(line("1", "SAF-2002", "10", "BX", "7.40"), requested_delivery_date=dt.date(2026, 12, 1)), ref)
    late = check(order(line("1", "SAF-2002", "10", "BX", "7.40"), requested_delivery_date=dt.date(2026, 12, 4)), ref)
    assert early.lines[0].available_now == D(2) and early.lines[0].backorder_date == "2026-12-04"
    assert late.lines[0].available_now == D(502) and late.lines[0].ack_status == "IA" and _av(late) == []


def test_warehouses_setting_limits_the_stock_counted(ref):
    o = order(line("1", "JAN-3001", "2000", "RL", "3.05"), requested_delivery_date=dt.date(2026, 11, 27))
    assert check(o, ref).lines[0].ack_status == "IA"  # MAIN 720 + EAST 58000
    main_only = check(o, ref, availability_warehouses=["MAIN"])
    assert main_only.lines[0].available_now == D(720) and main_only.lines[0].backorder_date == "2026-12-01"


def test_ship_complete_customer_gets_one_date_for_the_whole_order(ref):
    o = order(line("1", "SAF-2002", "50", "BX", "7.40"), line("2", "JAN-3002", "24", "RL", "2.40"),
              sender="edi@globex.example", ship_to=None)
    r = check(o, ref)
    a, b = r.lines
    assert (a.ack_status, a.ship_now_qty, a.backorder_qty, a.backorder_date) == ("IB", D(0), D(50), "2026-12-04")
    # GLOBEX ships complete: the in-stock line waits for the short one (date rescheduled)
    assert (b.ack_status, b.ship_date, b.promised_date) == ("DR", "2026-12-04", "2026-12-04")
    assert "ships complete" in _av(r)[0].message


def test_reject_short_customer_gets_the_short_line_rejected(ref):
    o = order(line("1", "SAF-2002", "50", "BX"), sender="orders@hooli.example", ship_to=None)
    r = check(o, ref)
    assert (r.lines[0].ack_status, r.lines[0].ship_now_qty, r.lines[0].promised_date) == ("IR", D(0), None)
    assert "rejects short lines" in _av(r)[0].message


def test_severity_setting_routes_shortage_to_review(ref):
    o = order(line("1", "SAF-2002", "50", "BX", "7.40"))
    assert not check(o, ref).blocking
    strict = check(o, ref, availability_severity="error")
    assert strict.blocking and _av(strict)[0].severity == "error"


def test_lead_time_item_and_customer_overrides(ref):
    assert lead_time_days(ref, "ACME", "JAN-3005") == 5  # item
    assert lead_time_days(ref, "INITECH", "JAN-3005") == 10  # customer + sku
    assert lead_time_days(ref, "GLOBEX", "FAS-1001") == 5  # customer, every sku
    assert lead_time_days(ref, "HOOLI", "FAS-1001") == 3  # no record for HOOLI or its parent
    ref.lead_times = [*ref.lead_times, CustomerLeadTime(customer_id="ACME-GROUP", days=1)]
    assert lead_time_days(ref, "HOOLI", "FAS-1001") == 1  # parent account's


def test_request_before_lead_time_gets_the_earliest_date(ref):
    o = order(line("1", "FAS-1009", "50", "EA", "1.00"), requested_delivery_date=TODAY + dt.timedelta(days=2))
    r = check(o, ref)
    [lt] = _av(r, "LEAD_TIME")
    # FAS-1009 lead time 7 days; not stocked at all → also short, with no date
    assert lt.expected == "2026-11-30" and lt.suggestions[0].value == "2026-11-30"
    assert lt.field == "lines[0].requested_date" and lt.severity == "warning"
    ok = check(order(line("1", "FAS-1005", "100", "EA", "0.03"), requested_delivery_date=TODAY), ref)
    assert _av(ok, "LEAD_TIME")[0].expected == "2026-11-26"
    assert (ok.lines[0].ack_status, ok.lines[0].ship_date, ok.lines[0].requested_date) == (
        "DR", "2026-11-26", "2026-11-23")


def test_no_stock_data_is_never_reported_short(ref):
    bare = ReferenceData(items=ref.items, uom_conversions=ref.uom_conversions, customers=ref.customers,
                         ship_tos=ref.ship_tos, price_agreements=ref.price_agreements, credit=ref.credit)
    r = check(order(line("1", "SAF-2002", "5000", "BX", "7.40")), bare)
    assert _av(r) == [] and r.lines[0].ack_status == "IA" and r.lines[0].available_now is None


def test_stock_records_added_later_are_seen(ref):
    o = order(line("1", "ELC-4002", "10", "RL", "1.00"))
    assert check(o, ref).lines[0].ack_status == "IR"  # not stocked, nothing incoming
    ref.stock = [*ref.stock, StockRecord(sku="ELC-4002", warehouse="WEST", on_hand=D(5))]
    ref.incoming = [*ref.incoming, IncomingSupply(sku="ELC-4002", qty=D(5), expected_date=dt.date(2026, 12, 2))]
    rl = check(o, ref).lines[0]
    assert (rl.ship_now_qty, rl.backorder_qty, rl.backorder_date) == (D(5), D(5), "2026-12-02")


def test_reserved_quantities_reads_stored_payloads():
    payloads = [
        {"lines": [
            {"sku": "a-1", "factor": "4", "ship_now_qty": "35", "backorder_qty": "15", "backorder_date": "2026-12-10"},
            {"sku": "B-2", "factor": "1", "ship_now_qty": "3", "backorder_qty": "7", "backorder_date": None},
            {"sku": "C-3", "base_qty": "12"},
            {"sku": "A-1", "ack_status": "IR", "factor": "1", "ship_now_qty": "0", "base_qty": "99"},
            {"sku": None, "base_qty": "5"},
        ]},
        None,
        {},
    ]
    assert reserved_quantities(payloads) == {"A-1": D(200), "B-2": D(3), "C-3": D(12)}


def test_lead_times_csv_is_loaded_and_checked(tmp_path, ref):
    loaded = load_reference_csv(SAMPLES)
    assert {(x.customer_id, x.sku, x.days) for x in loaded.lead_times} == {("GLOBEX", None, 5), ("INITECH", "JAN-3005", 10)}
    folder = tmp_path / "ref"
    folder.mkdir()
    (folder / "items.csv").write_text("sku\nX-1\n")
    (folder / "customers.csv").write_text("id,name\nC,Cust\n")
    (folder / "lead_times.csv").write_text("customer_id,sku,days\nC,,soon\n")
    with pytest.raises(ReferenceCsvError, match="lead_times.csv, row 2, column 'days'"):
        load_reference_csv(folder)
