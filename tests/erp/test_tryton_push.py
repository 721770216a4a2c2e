"""Pushing into a real Tryton (in-process, SQLite copy of the demo database)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from erp_helpers import order_request
from proteus import Model

from orderflow.erp_push.base import ErpAdapter, PermanentERPError
from orderflow.erp_push.retry import push_with_retry
from orderflow.erp_push.tryton import TrytonAdapter
from orderflow.erp_push.tryton_config import TrytonConfig
from orderflow.erp_push.tryton_conn import connect


def sales_for(cfg: TrytonConfig, key: str) -> list:
    """Read the ERP directly (not through the adapter under test)."""
    Sale = Model.get("sale.sale", config=connect(cfg))
    return [s for s in Sale.find([]) if f"orderflow-key: {key}" in (s.comment or "").splitlines()]


def test_adapter_follows_the_protocol(tryton: TrytonAdapter) -> None:
    assert isinstance(tryton, ErpAdapter)


def test_push_creates_a_quoted_sale_with_party_addresses_and_lines(tryton, tryton_config) -> None:
    req = order_request("PO-1001")
    result = tryton.push(req)
    assert result.created is True and result.state == "quotation"
    (sale,) = sales_for(tryton_config, req.key)
    assert sale.number == result.erp_order_id
    assert sale.party.code == "C001" and sale.reference == "PO-1001"
    assert sale.shipment_address.party_name == "Acme DC 2"
    assert sale.state == "quotation"
    assert "deliver to dock 4" in sale.comment
    got = [(ln.product.code, Decimal(str(ln.quantity)), ln.unit.name, ln.unit_price) for ln in sale.lines]
    # line 1: no price on the PO → the customer's price list (2.50); line 2: CA of 12 at the PO price
    assert got == [("WID-100", Decimal(10), "Unit", Decimal("2.5000")),
                   ("WID-100", Decimal(2), "CA:WID-100", Decimal("30.0000"))]
    assert sale.untaxed_amount == Decimal("85.00")


def test_second_push_of_the_same_key_finds_the_sale(tryton, tryton_config) -> None:
    req = order_request("PO-1002")
    first = tryton.push(req)
    again = tryton.push(req)
    assert again.created is False and again.erp_order_id == first.erp_order_id
    found = tryton.find_order(req.key, "C001", "PO-1002")
    assert found is not None and found.erp_order_id == first.erp_order_id
    assert len(sales_for(tryton_config, req.key)) == 1
    assert tryton.find_order("C001|PO-1002|original|1", "C001", "PO-1002") is None  # other revision


def test_sale_left_in_draft_by_a_crash_is_moved_on_not_duplicated(tryton_config) -> None:
    """Creating and quoting are two ERP commits: a crash between them leaves a draft sale."""
    req = order_request("PO-1003")
    draft_only = TrytonAdapter(TrytonConfig(database=tryton_config.database, config_file=tryton_config.config_file,
                                            target_state="draft"))
    first = draft_only.push(req)
    assert first.state == "draft"
    confirming = TrytonAdapter(TrytonConfig(database=tryton_config.database, config_file=tryton_config.config_file,
                                            target_state="confirmed"))
    retry = confirming.push(req)
    assert retry.created is False
    (sale,) = sales_for(tryton_config, req.key)
    assert sale.state in ("confirmed", "processing")
    assert retry.erp_order_id == sale.number


def test_unknown_product_is_rejected_with_the_erp_message_and_nothing_created(tryton, tryton_config) -> None:
    req = order_request("PO-1004", lines=[("WID-100", "1", "EA", None), ("NOPE-9", "1", "EA", "1.00")])
    seen = []
    outcome = push_with_retry(tryton, req, attempts=4, backoff=0.01, on_attempt=seen.append)
    assert outcome.status == "rejected"
    assert "NOPE-9" in outcome.message and "line 2" in outcome.message
    assert [a.outcome for a in seen] == ["permanent"]
    assert sales_for(tryton_config, req.key) == []


def test_closed_customer_and_discontinued_item_are_rejected(tryton) -> None:
    with pytest.raises(PermanentERPError, match="C003.*closed"):
        tryton.push(order_request("PO-1005", customer="C003", ship_to=None))
    with pytest.raises(PermanentERPError, match="OLD-1.*not sold"):
        tryton.push(order_request("PO-1006", lines=[("OLD-1", "1", "EA", "1.00")]))
    with pytest.raises(PermanentERPError, match="BOLT-M8 is not sold in CA"):
        tryton.push(order_request("PO-1007", lines=[("BOLT-M8", "1", "CA", "1.00")]))


def test_confirm_over_the_credit_limit_is_refused_and_the_sale_withdrawn(tryton_config) -> None:
    adapter = TrytonAdapter(TrytonConfig(database=tryton_config.database, config_file=tryton_config.config_file,
                                         target_state="confirmed"))
    # C002's limit is 50; 10 kg of grease at 7.00 = 70
    req = order_request("PO-1008", customer="C002", ship_to="GLX-HQ", lines=[("GRS-1KG", "10", "KG", None)])
    with pytest.raises(PermanentERPError, match="(?i)credit") as err:
        adapter.push(req)
    assert "withdrawn" in str(err.value)
    assert sales_for(tryton_config, req.key) == []
    ok = adapter.push(order_request("PO-1009", customer="C002", ship_to="GLX-HQ",
                                    lines=[("GRS-1KG", "5", "KG", None)]))
    assert ok.created and ok.state in ("confirmed", "processing")
    assert adapter.credit_exposure("C002") == Decimal("35.00")
    assert adapter.credit_exposure("NOBODY") is None


def test_status_reads_state_and_shipments_back(tryton_config) -> None:
    adapter = TrytonAdapter(TrytonConfig(database=tryton_config.database, config_file=tryton_config.config_file,
                                         target_state="confirmed"))
    req = order_request("PO-1010")
    pushed = adapter.push(req)
    status = adapter.order_status(req.key)
    assert status is not None and status.erp_order_id == pushed.erp_order_id
    assert status.state == "processing" and status.total == Decimal("85.00")
    assert len(status.shipments) == 1 and status.shipments[0]["state"] == "waiting"
    assert adapter.order_status("C001|nothing|original|0") is None
    assert [o.key for o in adapter.list_orders()] == [req.key]
