"""The generic REST adapter against a real HTTP server started in the test."""

from __future__ import annotations

import json
import threading
import urllib.parse
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from erp_helpers import order_request
from fixtures.tryton import demo_reference, free_port

from orderflow.erp_push.base import ErpAdapter, PermanentERPError, TransientERPError
from orderflow.erp_push.reconcile import reconcile
from orderflow.erp_push.rest_adapter import RestAdapter
from orderflow.erp_push.retry import push_with_retry


class FakeErp:
    """State of the HTTP ERP: orders by idempotency key, plus switches for failures."""

    def __init__(self) -> None:
        self.orders: dict[str, dict] = {}
        self.fail_next = 0  # answer 503 this many times
        self.requests: list[tuple[str, str, dict]] = []
        self.lock = threading.Lock()


def make_handler(erp: FakeErp):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:  # quiet
            pass

        def _send(self, code: int, body) -> None:
            data = json.dumps(body).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _gate(self) -> bool:
            with erp.lock:
                erp.requests.append((self.command, self.path, dict(self.headers)))
                if erp.fail_next:
                    erp.fail_next -= 1
                    self._send(503, {"message": "maintenance"})
                    return False
            if self.headers.get("Authorization") != "Bearer s3cret":
                self._send(401, {"message": "bad token"})
                return False
            return True

        def do_GET(self) -> None:
            if not self._gate():
                return
            parts = [urllib.parse.unquote(p) for p in self.path.strip("/").split("/")]
            if parts == ["orders"]:
                self._send(200, {"orders": list(erp.orders.values())})
            elif parts[0] == "orders" and len(parts) == 2:
                order = erp.orders.get(parts[1])
                self._send(200, order) if order else self._send(404, {"message": "no such order"})
            elif parts == ["reference-data"]:
                self._send(200, json.loads(demo_reference().model_dump_json()))
            elif parts[0] == "customers" and parts[2:] == ["credit"]:
                if parts[1] == "C001":
                    self._send(200, {"exposure": "1234.50"})
                else:
                    self._send(404, {"message": "unknown customer"})
            else:
                self._send(404, {})

        def do_POST(self) -> None:
            if not self._gate():
                return
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            key = self.headers.get("Idempotency-Key")
            if key != body["key"]:
                self._send(400, {"message": "Idempotency-Key header missing"})
                return
            if key in erp.orders:
                self._send(200, erp.orders[key])
                return
            skus = {ln["sku"] for ln in body["order"]["lines"]}
            if "NOPE-9" in skus:
                self._send(422, {"message": "item NOPE-9 unknown"})
                return
            total = sum(Decimal(ln["qty"]) * Decimal(ln["unit_price"]) for ln in body["order"]["lines"])
            erp.orders[key] = {"key": key, "id": f"SO-{len(erp.orders) + 1:04d}", "state": "OPEN",
                               "total": str(total), "shipments": []}
            self._send(201, erp.orders[key])

    return Handler


@pytest.fixture
def erp_server():
    erp = FakeErp()
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), make_handler(erp))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield erp, f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def adapter(url: str) -> RestAdapter:
    return RestAdapter(url, token="s3cret", timeout=5, status_map={"OPEN": "quotation"})


REQ_LINES = [("WID-100", "10", "EA", "2.50"), ("BOLT-M8", "3", "EA", "0.10")]


def test_push_sends_key_header_and_canonical_json_and_is_idempotent(erp_server) -> None:
    erp, url = erp_server
    rest = adapter(url)
    assert isinstance(rest, ErpAdapter)
    req = order_request("PO-5001", lines=REQ_LINES)
    first = rest.push(req)
    again = rest.push(req)
    assert (first.erp_order_id, first.created, first.state) == ("SO-0001", True, "quotation")
    assert (again.erp_order_id, again.created) == ("SO-0001", False)
    assert len(erp.orders) == 1
    method, path, headers = erp.requests[0]
    assert (method, path, headers["Idempotency-Key"]) == ("POST", "/orders", req.key)
    found = rest.find_order(req.key, "C001", "PO-5001")
    assert found is not None and found.erp_order_id == "SO-0001"
    status = rest.order_status(req.key)
    assert status.state == "quotation" and status.total == Decimal("25.30")
    assert rest.order_status("C001|missing|original|0") is None
    assert rest.find_order("C001|missing|original|0", "C001", None) is None


def test_rejection_is_permanent_with_the_erp_message(erp_server) -> None:
    _, url = erp_server
    with pytest.raises(PermanentERPError, match="item NOPE-9 unknown"):
        adapter(url).push(order_request("PO-5002", lines=[("NOPE-9", "1", "EA", "1.00")]))
    with pytest.raises(PermanentERPError, match="401.*bad token"):
        RestAdapter(url, token="wrong").push(order_request("PO-5003", lines=REQ_LINES))


def test_503_is_retried_until_the_erp_answers(erp_server) -> None:
    erp, url = erp_server
    erp.fail_next = 2
    seen = []
    outcome = push_with_retry(adapter(url), order_request("PO-5004", lines=REQ_LINES), attempts=5, backoff=0.01,
                              on_attempt=seen.append)
    assert outcome.status == "pushed" and outcome.result.erp_order_id == "SO-0001"
    assert [a.outcome for a in seen] == ["transient", "transient", "ok"]
    assert "503" in seen[0].error and "maintenance" in seen[0].error


def test_connection_refused_is_transient_and_dead_letters() -> None:
    rest = RestAdapter(f"http://127.0.0.1:{free_port()}/", timeout=2)
    with pytest.raises(TransientERPError, match="unreachable"):
        rest.list_orders()
    outcome = push_with_retry(rest, order_request("PO-5005", lines=REQ_LINES), attempts=2, backoff=0.01)
    assert outcome.status == "dead_letter" and len(outcome.attempts) == 2


def test_reference_credit_and_reconcile_over_http(erp_server) -> None:
    erp, url = erp_server
    rest = adapter(url)
    ref = rest.pull_reference_data()
    assert ref.item("WID-100").gtin == "04006381333931" and len(ref.customers) == 3
    assert rest.credit_exposure("C001") == Decimal("1234.50")
    assert rest.credit_exposure("C999") is None
    a = rest.push(order_request("PO-5006", lines=REQ_LINES))
    b = rest.push(order_request("PO-5007", lines=REQ_LINES))
    del erp.orders["C001|PO-5006|original|0"]  # deleted on the ERP side
    report = reconcile([("C001|PO-5006|original|0", a.erp_order_id, Decimal("25.30")),
                        ("C001|PO-5007|original|0", b.erp_order_id, Decimal("25.30"))], rest)
    assert report.matched == 1 and [(d.kind, d.key) for d in report.drift] == [
        ("missing", "C001|PO-5006|original|0")]
