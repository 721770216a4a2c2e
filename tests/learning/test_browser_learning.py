"""The whole loop in Chromium: wrong field → the CSR clicks the right word on the page image and saves →
a hint is derived and listed under "Learned" → the sender's second PDF is extracted right, the hint
named in its provenance → undo removes it."""

from __future__ import annotations

import pytest
from learning_conf import ACME, extract, no_rules

from orderflow.flows.learning_wiring import hints_for_factory, make_learner
from orderflow.review import learning
from orderflow.review.auth import add_user
from orderflow.store import repository as repo

pytestmark = pytest.mark.servers
PASSWORD = "learning pass 42"


@pytest.fixture
def app_url(store):
    from fixtures.browser import serve_app

    from orderflow.review.app import create_review_app

    with store.Session() as s:
        add_user(s, "csr1", PASSWORD, "csr")
        s.commit()

    def push(session, row):
        raise RuntimeError("no ERP in this test")

    app = create_review_app(store.Session, revalidate=no_rules, push=push, secret_key="learn-secret-" + "x" * 32,
                            secure_cookies=False, learner=make_learner())
    with serve_app(app) as url:
        yield url


@pytest.fixture
def page(app_url):
    from fixtures.browser import chromium_browser

    with chromium_browser() as browser:
        context = browser.new_context(viewport={"width": 1440, "height": 900}, base_url=app_url)
        pg = context.new_page()
        pg.goto("/login")
        pg.fill("input[name=username]", "csr1")
        pg.fill("input[name=password]", PASSWORD)
        pg.click("button[type=submit]")
        pg.wait_for_url(f"{app_url}/")
        yield pg
        context.close()


def test_correction_in_the_browser_teaches_the_next_document(store, layout_doc, page):
    pdf1, gold1 = layout_doc(ACME, 0)
    pdf2, gold2 = layout_doc(ACME, 1)
    first = extract(pdf1, ACME.sender)
    assert first.po_number != gold1["po_number"]
    order_id = store.save(pdf1, ACME.sender, first, filename="acme-1.pdf")

    page.goto(f"/orders/{order_id}")
    po = page.locator('input[name="po_number"]')
    assert po.input_value() != gold1["po_number"]
    po.focus()
    word = page.locator(f'.source .word[data-text="{gold1["po_number"]}"]')
    word.click()  # "the right value is here"
    assert po.input_value() == gold1["po_number"]
    assert "picked" in word.get_attribute("class")
    page.click("#save-btn")
    flash = page.locator('[data-testid="flash"]')
    flash.wait_for()
    assert "Learned: For mail from @acme-learn.example, 'Cust. Ord. Ref' is the PO number." in flash.inner_text()

    with store.Session() as s:
        assert repo.get_order(s, order_id).po_number == gold1["po_number"]
        [hint] = learning.list_hints(s)
    assert hint["evidence"]["click"]["page"] == 1  # the clicked word was kept as evidence
    assert abs(hint["evidence"]["click"]["x0"] - (ACME.label_x + ACME.value_dx)) < 1

    page.click('[data-testid="nav-learned"]')
    row = page.locator(f'tr.hintrow[data-hint-id="{hint["id"]}"]')
    assert "'Cust. Ord. Ref' is the PO number" in row.inner_text()
    assert row.locator(".by").inner_text() == "csr1"
    assert row.locator(".uses").inner_text() == "0"

    # The second PDF from the same sender: the learned hint is handed out and produces the PO number.
    hints = hints_for_factory(store.Session)("orders@acme-learn.example", pdf2)
    second = extract(pdf2, ACME.sender, hints)
    assert second.po_number == gold2["po_number"]
    assert second.provenance["po_number"].hint == hint["hint_id"]
    page.reload()
    assert page.locator(f'tr.hintrow[data-hint-id="{hint["id"]}"] .uses').inner_text() == "1"

    # Undo.
    page.locator(f'tr.hintrow[data-hint-id="{hint["id"]}"] [data-testid="undo"]').click()
    page.locator('[data-testid="flash"]').wait_for()
    assert page.locator("tr.hintrow").count() == 0
    assert hints_for_factory(store.Session)(ACME.sender, pdf2) == []
