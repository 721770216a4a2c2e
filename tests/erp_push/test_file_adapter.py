"""FileAdapter: one JSON per order, written atomically, idempotent by key."""

from __future__ import annotations

import json
import threading
from decimal import Decimal

from orderflow.canonical import CanonicalOrder, OrderLine
from orderflow.erp_push import ErpAdapter, PushRequest
from orderflow.erp_push.file_adapter import FileAdapter, safe_key


def request(key: str = "C1|PO/4711|original|0") -> PushRequest:
    order = CanonicalOrder(
        po_number="PO/4711",
        lines=[
            OrderLine(
                line_no="1", qty=Decimal("3"), uom="CS", unit_price=Decimal("10.10"), customer_part="AC-1"
            ),
            OrderLine(line_no="2", qty=Decimal("0.5"), uom="EA", unit_price=Decimal("1.005")),
        ],
    )
    return PushRequest(
        key=key,
        order=order,
        customer_id="C1",
        ship_to_id="C1-D4",
        resolved_skus=["SKU-1", "SKU-2"],
        uoms=["CA", "EA"],
    )


def test_is_an_erp_adapter(tmp_path):
    adapter = FileAdapter(tmp_path / "outbox")
    assert isinstance(adapter, ErpAdapter) and adapter.name == "file"
    assert adapter.pull_reference_data() is None and adapter.credit_exposure("C1") is None
    assert adapter.list_orders() == []


def test_push_writes_one_json_and_is_idempotent(tmp_path):
    outbox = tmp_path / "outbox"
    adapter = FileAdapter(outbox)
    req = request()
    assert adapter.find_order(req.key, "C1", "PO/4711") is None
    first = adapter.push(req)
    assert first.created is True
    assert first.erp_order_id.startswith("FILE-") and len(first.erp_order_id) == 13
    files = sorted(p.name for p in outbox.iterdir())
    assert files == [f"{safe_key(req.key)}.json"] and "/" not in files[0]
    body = json.loads((outbox / files[0]).read_text())
    assert body["key"] == req.key and body["customer_id"] == "C1" and body["ship_to_id"] == "C1-D4"
    assert body["total"] == "30.8025"  # 3 × 10.10 + 0.5 × 1.005, exact
    assert body["lines"][0] == {
        "line_no": "1",
        "sku": "SKU-1",
        "uom": "CA",
        "qty": "3",
        "unit_price": "10.10",
        "requested_date": None,  # the ERP line carries the buyer's date and our promise
        "promised_date": None,
    }
    assert body["order"]["lines"][1]["unit_price"] == "1.005"

    again = FileAdapter(outbox).push(req)  # a retry after a crash, new adapter instance
    assert again.created is False and again.erp_order_id == first.erp_order_id
    assert len(list(outbox.iterdir())) == 1
    found = adapter.find_order(req.key, "C1", "PO/4711")
    assert found.created is False and found.erp_order_id == first.erp_order_id


def test_distinct_keys_distinct_files_and_status(tmp_path):
    adapter = FileAdapter(tmp_path)
    a = adapter.push(request("C1|A/B|original|0"))
    b = adapter.push(request("C1|A_B|original|0"))  # same sanitised text, different key
    assert a.erp_order_id != b.erp_order_id
    listed = adapter.list_orders()
    assert sorted(x.key for x in listed) == ["C1|A/B|original|0", "C1|A_B|original|0"]
    st = adapter.order_status("C1|A/B|original|0")
    assert st.erp_order_id == a.erp_order_id and st.total == Decimal("30.8025") and st.state == "received"
    assert adapter.order_status("nope") is None


def test_racing_pushes_create_exactly_one(tmp_path):
    adapter = FileAdapter(tmp_path)
    results, barrier = [], threading.Barrier(8)

    def go() -> None:
        barrier.wait()
        results.append(FileAdapter(tmp_path).push(request()))

    threads = [threading.Thread(target=go) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(r.created for r in results) == 1
    assert len({r.erp_order_id for r in results}) == 1
    assert [p.suffix for p in tmp_path.iterdir()] == [".json"]  # no temp files left behind
    assert len(adapter.list_orders()) == 1


def test_garbage_in_outbox_is_ignored(tmp_path):
    (tmp_path / "broken.json").write_text("{not json")
    (tmp_path / "other.json").write_text('{"hello": 1}')
    adapter = FileAdapter(tmp_path)
    adapter.push(request())
    assert [o.key for o in adapter.list_orders()] == ["C1|PO/4711|original|0"]
