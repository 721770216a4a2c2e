"""In Chromium: on a scanned page the CSR selects the PO number field, clicks the word on the page image,
saves, and the correction teaches a hint (the same loop as for text PDFs, tests/learning)."""

from __future__ import annotations

import json

import pytest
from scans_conf import PASSWORD

from orderflow.flows.cli import _revalidator
from orderflow.flows.learning_wiring import make_learner
from orderflow.review import learning
from orderflow.review.app import create_review_app
from orderflow.store import repository as repo

pytestmark = pytest.mark.servers
SENDER = "purchasing@acme-browser.example"


@pytest.fixture
def page(scan_pipeline):
    from fixtures.browser import chromium_browser, serve_app

    services = scan_pipeline.services

    def push(session, row):
        raise RuntimeError("no ERP push in this test")

    app = create_review_app(services.session_factory, revalidate=_revalidator(services), push=push,
                            secret_key="scans-browser-" + "x" * 32, secure_cookies=False, learner=make_learner())
    with serve_app(app) as url, chromium_browser() as browser:
        context = browser.new_context(viewport={"width": 1440, "height": 900}, base_url=url)
        pg = context.new_page()
        pg.goto("/login")
        pg.fill("input[name=username]", "csr1")
        pg.fill("input[name=password]", PASSWORD)
        pg.click("button[type=submit]")
        pg.wait_for_url(f"{url}/")
        yield pg
        context.close()


def test_clicking_a_word_on_a_scan_fills_the_field_and_teaches_a_hint(scan_pipeline, page):
    order_id, doc_id, gold = scan_pipeline.process(5, sender=SENDER)
    page.goto(f"/orders/{order_id}")
    po = page.locator('input[name="po_number"]')
    assert po.input_value() != gold["po_number"]
    po.focus()
    word = page.locator(f'.source .word[data-text="{gold["po_number"]}"]')
    word.click()
    assert po.input_value() == gold["po_number"] and "picked" in word.get_attribute("class")
    evidence = json.loads(page.locator('input[name="evidence:po_number"]').input_value())
    page.click("#save-btn")
    flash = page.locator('[data-testid="flash"]')
    flash.wait_for()
    assert "Learned: For mail from @acme-browser.example, 'Cust. Ord. Ref' is the PO number." in flash.inner_text()
    with scan_pipeline.services.session_factory() as s:
        assert repo.get_order(s, order_id).po_number == gold["po_number"]
        [hint] = learning.list_hints(s, scope="@acme-browser.example")
        stored = next(w for w in repo.get_document(s, doc_id).meta["ocr_words"]["1"] if w[0] == gold["po_number"])
    assert hint["evidence"]["click"] == {k: evidence[k] for k in ("page", "x0", "top", "x1", "bottom")}
    assert [evidence[k] for k in ("x0", "top", "x1", "bottom")] == stored[1:5]
