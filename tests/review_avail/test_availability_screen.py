"""Issue 12 in the review app: availability per line (now / promised / backorder) and the per-order
ship policy, chosen by a CSR, re-validated through the real pipeline (sample reference data:
MRO-5002 has 35 CA on hand and 400 RL = 100 CA incoming on 2026-12-10; today is 2026-11-21)."""

from __future__ import annotations

import html
import re

from fastapi.testclient import TestClient

from orderflow.store import repository as repo

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
SHORT_PO = "acme-portal-PO-9017-backorder.json"


def signed_in(app, username: str, password: str) -> TestClient:
    client = TestClient(app)
    token = TOKEN.search(client.get("/login").text).group(1)
    r = client.post("/login", data={"username": username, "password": password, "csrf_token": token},
                    follow_redirects=False)
    assert r.status_code == 303, r.text
    return client


def availability(page: str) -> dict[int, dict[str, str]]:
    """Line index → {now, promised, back, status} as the screen shows them."""
    table = re.search(r'data-testid="availability">(.*?)</table>', page, re.S)
    assert table, "no availability table on the order screen"
    out = {}
    for index, row in re.findall(r'<tr class="avail-line[^"]*" data-line="(\d+)">(.*?)</tr>', table.group(1), re.S):
        cells = {k: " ".join(html.unescape(v).split())
                 for k, v in re.findall(r'<td class="av-(\w+)"[^>]*>(.*?)</td>', row, re.S)}
        out[int(index)] = cells
    return out


def set_policy(client: TestClient, order_id: int, policy: str):
    page = client.get(f"/orders/{order_id}").text
    token = TOKEN.search(page).group(1)
    return client.post(f"/orders/{order_id}/ship-policy", data={"ship_policy": policy, "csrf_token": token},
                       follow_redirects=False)


def test_short_order_shows_now_promised_and_backorder_per_line(avail_app, submit_sample, csr_password):
    out = submit_sample(SHORT_PO)
    order_id = out.orders[0].id
    assert out.orders[0].state == "needs_review" and out.orders[0].issues == ["AVAILABILITY_SHORT"]
    client = signed_in(avail_app, "csr1", csr_password)
    page = client.get(f"/orders/{order_id}").text
    rows = availability(page)
    assert rows[0] == {"now": "2000 EA on 2026-11-30", "promised": "2026-11-30", "back": "—", "status": "accepted"}
    assert rows[1] == {"now": "35 CA on 2026-11-30", "promised": "2026-12-10", "back": "15 CA for 2026-12-10",
                       "status": "backordered"}
    assert "policy: the customer default" in page and 'id="ship-policy"' in page


def test_csr_ships_one_order_complete_and_the_promises_move(avail_app, avail_services, submit_sample, csr_password):
    order_id = submit_sample(SHORT_PO).orders[0].id
    client = signed_in(avail_app, "csr1", csr_password)
    r = set_policy(client, order_id, "complete")
    assert r.status_code == 303
    page = client.get(f"/orders/{order_id}").text
    rows = availability(page)
    # Everything ships together on the date the short line is covered.
    assert rows[0]["promised"] == "2026-12-10" and rows[0]["status"] == "date moved"
    assert rows[1] == {"now": "—", "promised": "2026-12-10", "back": "50 CA for 2026-12-10", "status": "backordered"}
    assert "policy: complete (ship everything together)" in page
    with avail_services.session_factory() as s:
        row = repo.get_order(s, order_id)
        assert row.resolved["ship_policy"] == "complete"
        assert [ln["promised_date"] for ln in row.resolved["lines"]] == ["2026-12-10", "2026-12-10"]
        assert "ships complete" in repo.order_issues(row)[0].message
        events = [e for e in repo.audit_trail(s, "order", order_id) if e.action == "ship_policy"]
        assert events[-1].actor == "csr1" and events[-1].after == {"ship_policy": "complete"}

    # A later correction re-validates with the order's policy, not the customer's.
    token = TOKEN.search(page).group(1)
    r = client.post(f"/orders/{order_id}/fix", data={"path": "payment_terms", "value": "Net 30",
                                                    "csrf_token": token}, follow_redirects=False)
    assert r.status_code == 303
    with avail_services.session_factory() as s:
        row = repo.get_order(s, order_id)
        assert row.resolved["ship_policy"] == "complete"
        assert row.resolved["lines"][0]["promised_date"] == "2026-12-10"

    # reject_short rejects the short line; back to the customer default restores the split.
    assert set_policy(client, order_id, "reject_short").status_code == 303
    rows = availability(client.get(f"/orders/{order_id}").text)
    assert rows[1]["status"] == "rejected" and rows[1]["promised"] == "—" and rows[0]["promised"] == "2026-11-30"
    assert set_policy(client, order_id, "").status_code == 303
    rows = availability(client.get(f"/orders/{order_id}").text)
    assert rows[1]["back"] == "15 CA for 2026-12-10" and rows[0]["promised"] == "2026-11-30"
    with avail_services.session_factory() as s:
        assert "ship_policy" not in repo.get_order(s, order_id).resolved


def test_unknown_policy_is_refused_and_changes_nothing(avail_app, avail_services, submit_sample, csr_password):
    order_id = submit_sample(SHORT_PO).orders[0].id
    client = signed_in(avail_app, "csr1", csr_password)
    r = set_policy(client, order_id, "ship-whenever")
    assert r.status_code == 400 and "is not a ship policy" in r.text
    with avail_services.session_factory() as s:
        row = repo.get_order(s, order_id)
        assert "ship_policy" not in row.resolved and row.resolved["lines"][1]["backorder_qty"] == "15"
