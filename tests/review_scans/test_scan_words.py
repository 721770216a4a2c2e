"""On a scanned PO the CSR can point at words too: the extractor's OCR words are kept with the document,
drawn as clickable words over the page image, and a click on one teaches a hint as on a text PDF."""

from __future__ import annotations

import io
import json
import math
import re
from html import unescape

import pdfplumber
from scans_conf import ACME, SKEW, TOKEN, scan_doc

from orderflow.flows.cli import _revalidator
from orderflow.review import actions, learning
from orderflow.store import repository as repo

WORD = re.compile(r'<span class="word" data-page="(\d+)" data-box="([^"]+)" data-text="([^"]*)"\s+'
                  r'style="left:([\d.]+)%;top:([\d.]+)%;width:([\d.]+)%;height:([\d.]+)%"')
LEARNED = "For mail from @acme-learn.example, 'Cust. Ord. Ref' is the PO number."


def _printed_at(x0: float, top: float, x1: float, bottom: float, width: float, height: float) -> tuple[float, float]:
    """Centre of a box of the clean page after the scanner turned the sheet by SKEW (y down)."""
    cx, cy, a = width / 2, height / 2, math.radians(SKEW)
    mx, my = (x0 + x1) / 2 - cx, (top + bottom) / 2 - cy
    return cx + mx * math.cos(a) + my * math.sin(a), cy - mx * math.sin(a) + my * math.cos(a)


def _stored(pipeline, doc_id: int) -> dict:
    with pipeline.services.session_factory() as s:
        return dict(repo.get_document(s, doc_id).meta or {})


def test_pipeline_keeps_the_ocr_words_of_a_scan(scan_pipeline):
    order_id, doc_id, gold = scan_pipeline.process(0)
    data, _ = scan_doc(0)
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        assert pdf.pages[0].extract_words() == []  # no text layer: only OCR can read it
        width, height = float(pdf.pages[0].width), float(pdf.pages[0].height)
    with scan_pipeline.services.session_factory() as s:
        row = repo.get_order(s, order_id)
        assert row.document.format == "pdf_ocr"
        assert repo.order_canonical(row).po_number != gold["po_number"]  # the label is unknown: a CSR must fix it
    words = _stored(scan_pipeline, doc_id)["ocr_words"]
    assert list(words) == ["1"] and 30 <= len(words["1"]) <= 3000
    [po] = [w for w in words["1"] if w[0] == gold["po_number"]]
    text, x0, top, x1, bottom, conf = po
    assert 0 <= x0 < x1 <= width and 0 <= top < bottom <= height and conf > 50
    assert all(v == round(v, 1) for v in (x0, top, x1, bottom))
    # where the page printed it (Helvetica 10 at x = label_x + value_dx, baseline ACME.top from the top),
    # turned as the sheet was: the stored box sits on the page as scanned, where the UI draws
    vx = ACME.label_x + ACME.value_dx
    ex, ey = _printed_at(vx, ACME.top - 7.2, vx + 5.6 * len(text), ACME.top + 2.1, width, height)
    assert abs((x0 + x1) / 2 - ex) < 5 and abs((top + bottom) / 2 - ey) < 3, (po, ex, ey)


def test_order_page_draws_clickable_words_on_the_scanned_page(scan_pipeline, scan_client):
    order_id, doc_id, gold = scan_pipeline.process(1)
    html = scan_client.get(f"/orders/{order_id}").text
    words = [(int(p), box, unescape(t), *map(float, rest)) for p, box, t, *rest in WORD.findall(html)]
    assert len(words) >= 30 and {w[0] for w in words} == {1}
    [po] = [w for w in words if w[2] == gold["po_number"]]
    stored = next(w for w in _stored(scan_pipeline, doc_id)["ocr_words"]["1"] if w[0] == gold["po_number"])
    assert [float(v) for v in po[1].split(",")] == stored[1:5]
    left, top, w, h = po[3:]
    assert 0 < left < 100 and 0 < top < 100 and 0 < w < 30 and 0 < h < 5
    assert abs(left - 100 * stored[1] / 612) < 0.1 and abs(top - 100 * stored[2] / 792) < 0.1
    assert 'data-testid="pick-help"' in html  # the "click the word" help shows because there are words


def test_click_on_a_scanned_word_teaches_a_hint_and_the_next_scan_is_read_right(scan_pipeline, scan_client):
    order_id, doc_id, gold = scan_pipeline.process(2)
    html = scan_client.get(f"/orders/{order_id}").text
    token = TOKEN.search(html).group(1)
    [(page, box)] = [(p, b) for p, b, t, *_ in WORD.findall(html) if unescape(t) == gold["po_number"]]
    x0, top, x1, bottom = (float(v) for v in box.split(","))
    evidence = {"page": int(page), "x0": x0, "top": top, "x1": x1, "bottom": bottom, "text": gold["po_number"]}
    r = scan_client.post(f"/orders/{order_id}/save", data={"po_number": gold["po_number"], "csrf_token": token,
                                                           "evidence:po_number": json.dumps(evidence)})
    assert r.status_code == 200 and f"Learned: {LEARNED}" in unescape(r.text)
    with scan_pipeline.services.session_factory() as s:
        assert repo.get_order(s, order_id).po_number == gold["po_number"]
        [hint] = learning.list_hints(s, scope="@acme-learn.example")
        evid = [a for a in repo.audit_trail(s, "order", order_id) if a.action == "correction_evidence"]
    assert hint["hint"]["kind"] == "label_alias" and hint["hint"]["label"] == "Cust. Ord. Ref"
    assert hint["evidence"]["click"] == {"page": 1, "x0": x0, "top": top, "x1": x1, "bottom": bottom}
    assert evid[-1].after["layout"] and evid[-1].after["candidates"][0]["kind"] == "label_alias"

    # the sender's next scan goes through the pipeline with the learned hint and gets its PO number
    next_id, _, gold_next = scan_pipeline.process(3)
    with scan_pipeline.services.session_factory() as s:
        co = repo.order_canonical(repo.get_order(s, next_id))
    assert co.po_number == gold_next["po_number"]
    assert co.provenance["po_number"].hint == hint["hint_id"]


def test_learning_reads_the_stored_ocr_words_without_ocr(scan_pipeline):
    """The default learner reads only a text layer, which a scan lacks: the kept OCR words are what it
    learns from (no second OCR run in the request). Another sender, so no hint of the other tests applies."""
    order_id, doc_id, gold = scan_pipeline.process(4, sender="buyer@acme-scans.example")
    data, _ = scan_doc(4)
    assert learning.pdf_words(data)[0].words == []  # what this learner would read without the kept words
    with scan_pipeline.services.session_factory() as s:
        assert repo.get_order(s, order_id).po_number != gold["po_number"]
        row = actions.fix_field(s, order_id, "po_number", gold["po_number"], user="csr1",
                                revalidate=_revalidator(scan_pipeline.services), learner=learning.Learner())
        learned = row.learned
        s.commit()
    assert learned.descriptions == [LEARNED.replace("@acme-learn.example", "@acme-scans.example")]
    pages = learning.document_words(data, _stored(scan_pipeline, doc_id))
    assert [p.number for p in pages] == [1] and (pages[0].width, pages[0].height) == (612, 792)
    assert gold["po_number"] in [w["text"] for w in pages[0].words]


def test_malformed_stored_words_fall_back_to_the_text_layer():
    data, _ = scan_doc(0)
    meta = {"ocr_words": {"1": [["PO", "x", 1, 2, 3, 90]], "two": [["a", 1, 2, 3, 4, 5]]}}
    assert learning.stored_ocr_words(meta) == {}
    assert [p.words for p in learning.document_words(data, meta)] == [[]]
    assert learning.stored_ocr_words({"ocr_words": {"1": [["PO", 1, 2, 3, 4, 90]]}}) == {
        1: [{"text": "PO", "x0": 1.0, "top": 2.0, "x1": 3.0, "bottom": 4.0, "conf": 90.0}]}
