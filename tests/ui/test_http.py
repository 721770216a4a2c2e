"""The review app over HTTP (no browser): sign-in, sessions, CSRF, roles and the source views."""

from __future__ import annotations

import io
import re

import pytest
from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import select

from orderflow.canonical import Provenance
from orderflow.review import render
from orderflow.review.app import create_review_app
from orderflow.review.auth import AuthError, add_user, authenticate
from orderflow.store import repository as repo
from orderflow.store.models import User

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def signed_in(app, username: str, password: str, base_url: str = "http://testserver") -> TestClient:
    client = TestClient(app, base_url=base_url)
    token = TOKEN.search(client.get("/login").text).group(1)
    r = client.post("/login", data={"username": username, "password": password, "csrf_token": token},
                    follow_redirects=False)
    assert r.status_code == 303, r.text
    return client


def test_unauthenticated_requests_see_nothing(ui_app, ui_store):
    client = TestClient(ui_app)
    order_id, doc_id = ui_store.orders["edi"], ui_store.order("edi")[0].document_id
    for path in ("/", f"/orders/{order_id}", f"/documents/{doc_id}/pages/1.png", f"/documents/{doc_id}/raw"):
        r = client.get(path, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/login"), path
        assert "PO-EDI-77" not in r.text
    r = client.post(f"/orders/{order_id}/approve", data={}, follow_redirects=False)
    assert r.status_code == 401 and "PO-EDI-77" not in r.text
    assert ui_store.order("edi")[0].state == "needs_review"


def test_sign_in_rejects_a_wrong_password_and_a_missing_csrf_token(ui_app, ui_password):
    client = TestClient(ui_app)
    token = TOKEN.search(client.get("/login").text).group(1)
    bad = client.post("/login", data={"username": "csr1", "password": "wrong password", "csrf_token": token})
    assert bad.status_code == 401 and "Wrong username or password" in bad.text
    forged = TestClient(ui_app).post("/login", data={"username": "csr1", "password": ui_password})
    assert forged.status_code == 403
    assert TestClient(ui_app).get("/", follow_redirects=False).status_code == 303


def test_session_cookie_is_secure_httponly_and_signed(ui_store, ui_password):
    app = create_review_app(ui_store.Session, revalidate=lambda o, r: ([], {}), push=lambda s, o: "X",
                            secret_key="another-secret-" + "y" * 32, secure_cookies=True)
    client = signed_in(app, "lead1", ui_password, base_url="https://testserver")
    r = client.get("/")
    assert r.status_code == 200 and 'data-testid="current-user">lead1<' in r.text
    # A fresh login response carries the flags.
    raw = TestClient(app, base_url="https://testserver")
    token = TOKEN.search(raw.get("/login").text).group(1)
    resp = raw.post("/login", data={"username": "lead1", "password": ui_password, "csrf_token": token},
                    follow_redirects=False)
    set_cookie = resp.headers["set-cookie"].lower()
    assert "orderflow_session=" in set_cookie and "secure" in set_cookie and "httponly" in set_cookie
    assert "samesite=lax" in set_cookie
    # A tampered cookie is not a session.
    tampered = TestClient(app, base_url="https://testserver")
    tampered.cookies.set("orderflow_session", resp.cookies["orderflow_session"][:-4] + "AAAA")
    assert tampered.get("/", follow_redirects=False).status_code == 303
    assert resp.headers["x-frame-options"] == "DENY" and "script-src 'self'" in resp.headers["content-security-policy"]


def test_add_user_hashes_with_argon2_and_checks_role(ui_store):
    with ui_store.Session() as s:
        add_user(s, "finance2", "a long password", "finance")
        s.commit()
        row = s.scalar(select(User).where(User.username == "finance2"))
        assert row.password_hash.startswith("$argon2id$") and "a long password" not in row.password_hash
        assert authenticate(s, "finance2", "a long password").role == "finance"
        assert authenticate(s, "finance2", "wrong") is None
        with pytest.raises(AuthError, match="unknown role"):
            add_user(s, "boss", "a long password", "boss")
        with pytest.raises(AuthError, match="at least 8"):
            add_user(s, "shorty", "short", "csr")


def test_post_with_a_stale_csrf_token_is_refused(ui_app, ui_store, ui_password):
    client = signed_in(ui_app, "csr1", ui_password)  # the browser CSRF test's user, so no claim is in the way
    order_id = ui_store.orders["csrf"]
    page = client.get(f"/orders/{order_id}")
    token = TOKEN.search(page.text).group(1)
    other = signed_in(ui_app, "lead1", ui_password)
    stolen = other.post(f"/orders/{order_id}/reject", data={"reason": "x", "csrf_token": token})
    assert stolen.status_code == 403  # another session's token is not this session's
    assert ui_store.order("csrf")[0].state == "needs_review"
    release = client.post(f"/orders/{order_id}/release", headers={"X-CSRF-Token": token}, follow_redirects=False)
    assert release.status_code == 303  # the htmx header form of the token is accepted
    assert ui_store.order("csrf")[0].claimed_by is None


def test_edi_order_shows_segments_with_fields_and_diagnostics(ui_app, ui_store, ui_password):
    client = signed_in(ui_app, "lead1", ui_password)
    html = client.get(f"/orders/{ui_store.orders['edi']}").text
    # the X12 reader's provenance is per segment (a ``lines`` column entry): every field of the
    # line is put on its PO1, the one in error too
    seg4 = re.search(r'<li class="seg([^"]*)" data-seg="4" data-fields="([^"]*)"', html)
    assert seg4 and "src" in seg4.group(1) and "haserror" in seg4.group(1)
    assert {"lines[0].sku", "lines[0].qty", "lines[0].unit_price", "lines[0].customer_part"} <= set(seg4.group(2).split())
    seg3 = re.search(r'<li class="seg src" data-seg="3" data-fields="([^"]*)"', html)
    assert seg3 and {"po_number", "po_date"} <= set(seg3.group(1).split()) and "lines[0].qty" not in seg3.group(1)
    seg6 = re.search(r'<li class="seg diag" data-seg="6".*?</li>', html, re.S)
    assert seg6 and "SE_COUNT: SE01 says 5" in seg6.group(0) and "SE*5*0001" in seg6.group(0)


def test_sheet_order_shows_grid_with_source_cells(ui_app, ui_store, ui_password):
    client = signed_in(ui_app, "lead1", ui_password)
    html = client.get(f"/orders/{ui_store.orders['sheet']}").text
    b5 = re.search(r'<td class="([^"]*)" data-fields="lines\[1\]\.sku" data-cell="B5">WID-997</td>', html)
    assert b5 and "haserror" in b5.group(1)
    assert re.search(r'<td class="src" data-fields="po_number" data-cell="B1">PO-XLS-5</td>', html)


def test_page_image_is_served_and_boxes_scale_with_the_page(ui_app, ui_store, ui_password):
    client = signed_in(ui_app, "lead1", ui_password)
    doc_id = ui_store.order("boxes")[0].document_id
    png = client.get(f"/documents/{doc_id}/pages/1.png")
    assert png.status_code == 200 and png.content[:8] == b"\x89PNG\r\n\x1a\n"
    assert Image.open(io.BytesIO(png.content)).size == (918, 1188)  # letter at 1.5× scale
    assert client.get(f"/documents/{doc_id}/pages/9.png").status_code == 404
    pages = render.page_views(ui_store.pdfs["boxes"], "pdf",
                              {"po_number": Provenance(page=1, bbox=(306.0, 79.2, 367.2, 92.4))})
    box = pages[0].boxes[0]
    assert (box.left, box.top, box.width, box.height) == (50.0, 10.0, 10.0, pytest.approx(1.6667, abs=1e-4))


def test_edi_segment_splitting_handles_edifact_release_characters():
    data = b"UNA:+.? 'UNB+UNOC:3+SENDER+RECV'UNH+1+ORDERS:D:96A:UN'FTX+AAA+++Price 5?'6 inch'UNT+3+1'"
    segs = render.split_segments(data)
    assert segs[0].startswith("UNA") and segs[1] == "UNB+UNOC:3+SENDER+RECV"
    assert segs[3] == "FTX+AAA+++Price 5?'6 inch"
    assert render.parse_cell("$AB$12") == (12, 28) and render.column_letter(27) == "AB"


def test_push_error_is_shown_and_a_retry_pushes(ui_app, ui_store, ui_password):
    from orderflow.erp_push.base import PermanentERPError

    def failing_push(session, order):
        raise PermanentERPError("customer ACME is closed in the ERP")

    broken = create_review_app(ui_store.Session, revalidate=lambda o, r: ([], {}), push=failing_push,
                               secret_key="test-secret-" + "x" * 32, secure_cookies=False)
    order_id = ui_store.orders["pusherr"]
    client = signed_in(broken, "csr2", ui_password)
    token = TOKEN.search(client.get(f"/orders/{order_id}").text).group(1)
    page = client.post(f"/orders/{order_id}/approve", data={"csrf_token": token})
    assert page.status_code == 200
    assert re.search(r'data-testid="push-error">ERP push failed: customer ACME is closed in the ERP<', page.text)
    row = ui_store.order("pusherr")[0]
    assert (row.state, row.erp_order_id) == ("approved", None)
    with ui_store.Session() as s:
        attempts = [(a.ok, a.error) for a in repo.push_attempts(s, row)]
    assert attempts == [(False, "customer ACME is closed in the ERP")]

    retry = signed_in(ui_app, "csr2", ui_password)  # the working adapter
    token = TOKEN.search(retry.get(f"/orders/{order_id}").text).group(1)
    done = retry.post(f"/orders/{order_id}/push", data={"csrf_token": token})
    row = ui_store.order("pusherr")[0]
    assert row.state == "pushed" and row.erp_order_id.startswith("FILE-")
    assert f'data-testid="erp-order-id">ERP {row.erp_order_id}<' in done.text


def test_an_expired_claim_no_longer_locks(ui_app, ui_store, ui_password):
    import datetime as dt

    order_id = ui_store.orders["sheet"]
    with ui_store.Session() as s:
        from orderflow.store.models import Order

        row = s.get(Order, order_id)
        row.claimed_by, row.claim_expires_at = "csr2", dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
        s.commit()
    client = signed_in(ui_app, "csr1", ui_password)
    html = client.get(f"/orders/{order_id}").text
    assert "Locked:" not in html and 'data-testid="lock-reason"' not in html
    assert ui_store.order("sheet")[0].claimed_by == "csr2"  # looking claims nothing (issue 23 item 5) ...
    token = TOKEN.search(html).group(1)
    claimed = client.post(f"/orders/{order_id}/claim", data={"csrf_token": token}, headers={"Accept": "application/json"})
    assert claimed.status_code == 200 and claimed.json()["ok"] is True  # ... the first edit does
    assert ui_store.order("sheet")[0].claimed_by == "csr1"
    client.post(f"/orders/{order_id}/release", data={"csrf_token": token})


def test_saving_the_form_applies_changed_fields_and_revalidates(ui_app, ui_store, ui_password):
    order_id = ui_store.orders["edit"]
    client = signed_in(ui_app, "lead1", ui_password)
    html = client.get(f"/orders/{order_id}").text
    token = TOKEN.search(html).group(1)
    form = dict(re.findall(r'<input name="((?:lines\[\d\]\.|po_)[a-z_]+)" id="[^"]*" data-field="[^"]*" value="([^"]*)"',
                           html))
    assert form["lines[1].sku"] == "WID-999" and form["lines[0].qty"] == "100"
    bad = client.post(f"/orders/{order_id}/save", data={**form, "lines[0].qty": "lots", "csrf_token": token})
    assert "Not saved" in bad.text and "is not a number" in bad.text
    assert ui_store.order("edit")[1].lines[0].qty == 100

    good = client.post(f"/orders/{order_id}/save",
                       data={**form, "lines[0].qty": "120", "lines[1].sku": "GLV-NIT-M", "csrf_token": token})
    assert "Saved 2 change(s); order is now needs review" in good.text
    row, co, codes, audit = ui_store.order("edit")
    # The real validators now see 120 × 0.25 ≠ 25.00: the document's arithmetic disagrees, which blocks
    # (issue 20) — the order stays with a person until the line is right or accepted as read.
    assert (str(co.lines[0].qty), co.lines[1].sku, row.state, codes) == (
        "120", "GLV-NIT-M", "needs_review", ["ARITHMETIC"])
    assert [i.severity for i in row.issues] == ["error"]
    fixes = [(e.before["field"], e.before["value"], e.after["value"]) for e in audit if e.action == "fix"]
    assert fixes == [("lines[0].qty", "100", "120"), ("lines[1].sku", "WID-999", "GLV-NIT-M")]


def test_favicon_is_an_icon_not_a_404(ui_app):
    """Issue 23: every page's favicon request was a 404 in the log."""
    r = TestClient(ui_app).get("/favicon.ico")
    assert r.status_code == 200 and r.headers["content-type"].startswith("image/svg+xml")
    assert r.content.startswith(b"<svg") and b"</svg>" in r.content
