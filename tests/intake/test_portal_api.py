"""Portal API layer: auth, idempotency, field-level validation, client isolation, OpenAPI."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from orderflow.intake.portal_api import create_portal_app

ORDER = {
    "po_number": "PO-77",
    "po_date": "2024-05-01",
    "currency": "USD",
    "lines": [{"line_no": "1", "qty": "10", "uom": "EA", "unit_price": "4.50", "customer_part": "W-10"}],
}


class Orders:
    """The caller's side: numbered orders per client, the way the flows will store them."""

    def __init__(self):
        self.rows: dict[int, tuple[str, dict]] = {}
        self.submits = 0
        self.fail_next = False

    def submit(self, body, client, key):
        self.submits += 1
        if self.fail_next:
            self.fail_next = False
            raise ConnectionError("db down")
        order_id = len(self.rows) + 1
        self.rows[order_id] = (client, body)
        return 201, {"id": order_id, "state": "received", "issues": []}

    def get(self, client, order_id):
        row = self.rows.get(order_id)
        if row is None or row[0] != client:
            return None
        return {"id": order_id, "state": "received", "issues": [], "po_number": row[1]["po_number"]}


@pytest.fixture
def orders():
    return Orders()


@pytest.fixture
def api(orders):
    app = create_portal_app(orders.submit, orders.get, {"tok-acme": "ACME", "tok-globex": "GLOBEX"})
    return TestClient(app)


def headers(token="tok-acme", key="k-1"):
    h = {"Authorization": f"Bearer {token}"}
    if key is not None:
        h["Idempotency-Key"] = key
    return h


def test_created_then_replayed_with_same_key(api, orders):
    first = api.post("/api/orders", json=ORDER, headers=headers())
    assert first.status_code == 201 and first.json() == {"id": 1, "state": "received", "issues": []}
    again = api.post("/api/orders", json=ORDER, headers=headers())
    assert again.status_code == 201 and again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert orders.submits == 1 and orders.rows[1] == ("ACME", ORDER)


def test_same_key_other_client_is_independent(api, orders):
    api.post("/api/orders", json=ORDER, headers=headers())
    other = api.post("/api/orders", json=ORDER, headers=headers(token="tok-globex"))
    assert other.json()["id"] == 2 and orders.submits == 2


def test_key_reuse_with_different_body_is_409(api):
    api.post("/api/orders", json=ORDER, headers=headers())
    r = api.post("/api/orders", json={**ORDER, "po_number": "PO-78"}, headers=headers())
    assert r.status_code == 409 and "different order body" in r.json()["detail"]


def test_auth_required(api, orders):
    assert api.post("/api/orders", json=ORDER, headers={"Idempotency-Key": "k"}).status_code == 401
    bad = api.post("/api/orders", json=ORDER, headers=headers(token="nope"))
    assert bad.status_code == 401 and bad.headers["www-authenticate"] == "Bearer"
    assert api.get("/api/orders/1").status_code == 401
    assert orders.submits == 0


def test_idempotency_key_required(api, orders):
    r = api.post("/api/orders", json=ORDER, headers=headers(key=None))
    assert r.status_code == 400 and "Idempotency-Key" in r.json()["detail"] and orders.submits == 0


def test_field_level_422(api, orders):
    bad = {**ORDER, "po_date": "yesterday", "lines": [{"qty": "ten"}], "colour": "red"}
    r = api.post("/api/orders", json=bad, headers=headers())
    assert r.status_code == 422 and orders.submits == 0
    locs = {tuple(e["loc"]) for e in r.json()["detail"]}
    assert ("body", "po_date") in locs and ("body", "lines", 0, "qty") in locs and ("body", "colour") in locs


def test_not_json_is_422(api):
    r = api.post(
        "/api/orders", content=b"{not json", headers={**headers(), "Content-Type": "application/json"}
    )
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body"]
    r = api.post("/api/orders", json=[1, 2], headers=headers(key="k-2"))
    assert r.status_code == 422 and "JSON object" in r.json()["detail"][0]["msg"]


def test_store_failure_is_503_and_retry_works(api, orders):
    orders.fail_next = True
    r = api.post("/api/orders", json=ORDER, headers=headers())
    assert r.status_code == 503 and "retry with the same Idempotency-Key" in r.json()["detail"]
    r = api.post("/api/orders", json=ORDER, headers=headers())
    assert r.status_code == 201 and r.json()["id"] == 1


def test_get_own_order_but_not_another_clients(api):
    api.post("/api/orders", json=ORDER, headers=headers())
    mine = api.get("/api/orders/1", headers=headers(key=None))
    assert (
        mine.status_code == 200 and mine.json()["state"] == "received" and mine.json()["po_number"] == "PO-77"
    )
    assert api.get("/api/orders/1", headers=headers(token="tok-globex", key=None)).status_code == 404
    assert api.get("/api/orders/99", headers=headers(key=None)).status_code == 404


def test_openapi_documents_the_order_body(api):
    spec = api.get("/openapi.json").json()
    body = spec["paths"]["/api/orders"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/CanonicalOrder"}
    assert "lines" in spec["components"]["schemas"]["CanonicalOrder"]["properties"]
    assert "OrderLine" in spec["components"]["schemas"]
    assert "/api/orders/{order_id}" in spec["paths"]
