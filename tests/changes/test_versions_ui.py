"""The review app shows an order's versions with an old → new diff, and approves a change into the ERP."""

from __future__ import annotations

import re

from changes_helpers import CHANGES, feed, read_865, replies
from fastapi.testclient import TestClient

from orderflow.flows.cli import _revalidator
from orderflow.flows.pipeline import push_approved, push_in_session
from orderflow.flows.settings import SAMPLES_DIR
from orderflow.review.app import create_review_app
from orderflow.review.auth import add_user
from orderflow.review.versions import version_diff
from orderflow.store import repository as repo

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
PO = "GX-448300"


def _client(services) -> TestClient:
    with services.session_factory() as s, s.begin():
        add_user(s, "csr1", "correct horse 42", "lead")
    app = create_review_app(services.session_factory, revalidate=_revalidator(services),
                            push=lambda s, row: push_in_session(services, s, row), secret_key="k" * 32,
                            secure_cookies=False)
    client = TestClient(app)
    token = TOKEN.search(client.get("/login").text).group(1)
    r = client.post("/login", data={"username": "csr1", "password": "correct horse 42", "csrf_token": token},
                    follow_redirects=False)
    assert r.status_code == 303
    return client


def test_order_page_lists_versions_with_field_and_line_diff(services) -> None:
    first = feed(services, f"globex-850-{PO}.edi").orders[0]
    push_approved(services)
    change = feed(services, "globex-860-GX-448120.edi",
                  data=(SAMPLES_DIR / "inbox" / "globex-860-GX-448120.edi").read_bytes().replace(
                      b"GX-448120", PO.encode())).orders[0]
    push_approved(services)
    client = _client(services)
    for oid in (change.id, first.id):  # from either version the whole history shows
        html = client.get(f"/orders/{oid}").text
        assert 'data-testid="versions"' in html
        assert html.count("data-revision=") == 2
        assert "line 1 qty</td><td><del>240</del></td><td><ins>288</ins>" in html
        assert "line 3</td><td><del>30 BX" in html and "<ins>removed</ins>" in html
        assert "requested_delivery_date</td><td><del>2026-12-01</del></td><td><ins>2026-12-03</ins>" in html
    with services.session_factory() as s:
        old, new = (repo.order_canonical(repo.get_order(s, i)) for i in (first.id, change.id))
    assert {d["field"] for d in version_diff(old, new)} == {"purpose", "requested_delivery_date", "line 1 qty",
                                                            "line 3"}


def test_order_without_versions_shows_no_version_section(services) -> None:
    first = feed(services, f"globex-850-{PO}.edi").orders[0]
    assert 'data-testid="versions"' not in _client(services).get(f"/orders/{first.id}").text


def test_csr_approves_a_change_in_review_and_it_updates_the_erp_order(services, settings) -> None:
    feed(services, f"globex-850-{PO}.edi")
    (orig,) = push_approved(services)
    text = (SAMPLES_DIR / "changes" / f"globex-860-{PO}-price.edi").read_text().replace("*2.39*", "*1.99*")
    (o,) = feed(services, "low.edi", data=text.encode()).orders
    assert o.state == "needs_review"
    client = _client(services)
    page = client.get(f"/orders/{o.id}").text
    token = TOKEN.search(page).group(1)
    client.post(f"/orders/{o.id}/claim", data={"csrf_token": token})
    r = client.post(f"/orders/{o.id}/approve", data={"csrf_token": token, "override_reason": "agreed with buyer"},
                    follow_redirects=False)
    assert r.status_code in (303, 200), r.text
    with services.session_factory() as s:
        row = repo.get_order(s, o.id)
        assert row.state == "pushed" and row.erp_order_id == orig.erp_order_id
        assert repo.get_order(s, row.previous_order_id).state == "superseded"
    assert services.adapter.path_for(f"GLOBEX|{PO}|change|1").exists()
    assert len(replies(settings, f"865-{PO}-*.edi")) == 1


def test_csr_approves_a_change_to_an_order_not_yet_in_the_erp_and_the_buyer_gets_an_865(services, settings) -> None:
    first = feed(services, f"globex-850-{PO}.edi").orders[0]
    text = (SAMPLES_DIR / "changes" / f"globex-860-{PO}-price.edi").read_text().replace("*2.39*", "*1.99*")
    (o,) = feed(services, "low.edi", data=text.encode()).orders
    assert o.state == "needs_review"
    client = _client(services)
    token = TOKEN.search(client.get(f"/orders/{o.id}").text).group(1)
    client.post(f"/orders/{o.id}/claim", data={"csrf_token": token})
    client.post(f"/orders/{o.id}/approve", data={"csrf_token": token, "override_reason": "agreed with buyer"})
    with services.session_factory() as s:
        row = repo.get_order(s, o.id)
        assert row.state == "pushed" and repo.get_order(s, first.id).state == "superseded"
    assert services.adapter.path_for(f"GLOBEX|{PO}|change|1").exists()  # a new ERP order: none existed
    (reply,) = replies(settings, f"865-{PO}-*.edi")
    got = read_865(reply.read_text())
    assert got["poc"] == [["2", "PC"]] and got["ack"] == ["IA"]


def test_csr_approves_an_order_in_review_and_the_partner_gets_one_855(services, settings) -> None:
    from orderflow.flows.erp import sync_statuses

    text = (CHANGES / f"globex-850-{PO}.edi").read_text().replace("*3.05*", "*2.55*")
    (o,) = feed(services, "low-850.edi", data=text.encode()).orders
    assert o.state == "needs_review" and replies(settings, "855-*.edi") == []
    client = _client(services)
    token = TOKEN.search(client.get(f"/orders/{o.id}").text).group(1)
    client.post(f"/orders/{o.id}/claim", data={"csrf_token": token})
    r = client.post(f"/orders/{o.id}/approve", data={"csrf_token": token, "override_reason": "agreed with buyer"},
                    follow_redirects=False)
    assert r.status_code in (303, 200), r.text
    (ack,) = replies(settings, f"855-{PO}-*.edi")
    assert "BAK*00*A" in ack.read_text() and "*2.55*" in ack.read_text()
    with services.session_factory() as s:
        assert repo.get_order(s, o.id).state == "pushed"
        (sent,) = [e for e in repo.audit_trail(s, "order", o.id) if e.action == "erp_ack"]
    assert sent.after == {"accepted": True, "partner": "4405197800", "file": ack.name}
    sync_statuses(services)  # whatever the ERP says now, the acceptance is not sent again
    assert replies(settings, "855-*.edi") == [ack]
