"""Issue 23 "wrong on screen": ARITHMETIC stayed after the contract price replaced the unit price.

A PDF line at 13.00 where the contract says 12.50 reads 20 x 13.00 = 260.00: PRICE_MISMATCH, and the
document's arithmetic closes. Taking the contract price (the issue's suggestion) used to leave the amount
at 260.00, so ARITHMETIC appeared (20 x 12.50 = 250.00 ≠ 260.00). The amount follows the contract price now,
audited; other corrections and an amount that never closed keep the document's amount and its ARITHMETIC. Real validators, a real
SQLite store, the review app's page.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from ui.conftest import UiStore, _save, make_revalidate, pdf_order, po_pdf

from orderflow.review import actions
from orderflow.store import repository as repo

ROWS = [("AC-100", "FAS-1001", "Hex bolt M8x40", "100", "EA", "0.25", "25.00"),
        ("AC-778", "GLV-NIT-L", "Nitrile glove large", "20", "BX", "13.00", "260.00")]


@pytest.fixture
def store(tmp_path) -> UiStore:
    return UiStore(tmp_path)


def saved(store: UiStore, po: str, rows) -> int:
    pdf = po_pdf(po, rows)
    order = pdf_order(po, rows, pdf)
    reval = make_revalidate(store.ref)
    with store.Session() as s:
        order_id = _save(s, pdf, f"{po}.pdf", order, [])
        actions.revalidate_order(s, order_id, user="system", revalidate=reval)
        s.commit()
    return order_id


def codes(store: UiStore, order_id: int) -> list[str]:
    with store.Session() as s:
        return sorted(i.code for i in repo.get_order(s, order_id).issues)


def test_contract_price_carries_the_amount_and_clears_no_arithmetic(store):
    order_id = saved(store, "PO-51001", ROWS)
    assert codes(store, order_id) == ["PRICE_MISMATCH"]
    with store.Session() as s:
        (mismatch,) = [i for i in repo.get_order(s, order_id).issues if i.code == "PRICE_MISMATCH"]
        contract = mismatch.suggestions[0]["value"]
        actions.fix_field(s, order_id, "lines[1].unit_price", contract, user="csr1", learn=False,
                          revalidate=make_revalidate(store.ref))
        s.commit()
    assert contract == "12.50" and codes(store, order_id) == []
    with store.Session() as s:
        row = repo.get_order(s, order_id)
        line = repo.order_canonical(row).lines[1]
        assert (line.unit_price, line.amount) == (Decimal("12.50"), Decimal("250.00"))
        assert row.state == "valid"
        fixes = [(e.before, e.after, e.reason) for e in repo.audit_trail(s, "order", order_id) if e.action == "fix"]
    assert ({"field": "lines[1].amount", "value": "260.00"}, {"field": "lines[1].amount", "value": "250.00"},
            "recomputed as quantity x the contract price taken for lines[1].unit_price") in fixes


def test_other_corrections_keep_the_documents_amount_as_a_cross_check(store):
    """A corrected misread (qty, or a price other than the contract's) must agree with the document's
    amount: ARITHMETIC stays the cross-check (issue 20), the amount is not rewritten."""
    order_id = saved(store, "PO-51002", ROWS)
    reval = make_revalidate(store.ref)
    with store.Session() as s:
        actions.fix_field(s, order_id, "lines[0].qty", "120", user="csr1", learn=False, revalidate=reval)
        actions.fix_field(s, order_id, "lines[1].unit_price", "12.00", user="csr1", learn=False, revalidate=reval)
        s.commit()
        lines = repo.order_canonical(repo.get_order(s, order_id)).lines
    assert (lines[0].amount, lines[1].amount) == (Decimal("25.00"), Decimal("260.00"))
    assert codes(store, order_id) == ["ARITHMETIC", "ARITHMETIC", "PRICE_MISMATCH"]


def test_an_amount_that_never_closed_stays_and_keeps_its_arithmetic(store):
    wrong = [ROWS[0], ("AC-778", "GLV-NIT-L", "Nitrile glove large", "20", "BX", "13.00", "275.00")]
    order_id = saved(store, "PO-51003", wrong)
    assert codes(store, order_id) == ["ARITHMETIC", "PRICE_MISMATCH"]
    with store.Session() as s:
        actions.fix_field(s, order_id, "lines[1].unit_price", "12.50", user="csr1", learn=False,
                          revalidate=make_revalidate(store.ref))
        s.commit()
        line = repo.order_canonical(repo.get_order(s, order_id)).lines[1]
    assert line.amount == Decimal("275.00") and codes(store, order_id) == ["ARITHMETIC"]


def test_the_order_page_shows_the_carried_amount(store):
    from fastapi.testclient import TestClient

    from orderflow.review.app import create_review_app
    from orderflow.review.auth import add_user

    order_id = saved(store, "PO-51004", ROWS)
    with store.Session() as s:
        add_user(s, "csr9", "correct horse 42", "csr")
        actions.fix_field(s, order_id, "lines[1].unit_price", "12.50", user="csr9", learn=False,
                          revalidate=make_revalidate(store.ref))
        s.commit()
    app = create_review_app(store.Session, revalidate=make_revalidate(store.ref), push=lambda s, row: "X",
                            secret_key="test-secret-" + "x" * 32, secure_cookies=False)
    with TestClient(app) as client:
        page = client.get("/login")
        token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
        client.post("/login", data={"username": "csr9", "password": "correct horse 42", "csrf_token": token})
        html = client.get(f"/orders/{order_id}").text
    assert re.search(r'name="lines\[1\]\.amount"[^>]*value="250\.00"', html)
    assert "ARITHMETIC" not in html.split('data-testid="audit"')[0]
