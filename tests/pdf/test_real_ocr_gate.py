"""The OCR gate on real purchase orders (docs/real/po): with OCR on, a healthy text layer is read,
never replaced by OCR; a scan's own OCR layer is replaced only on evidence. Real documents from the
shared corpus, checked against their gold answer; never the held-out ten (bench/holdout.txt)."""

from __future__ import annotations

import json

import pytest

from orderflow.bench.accuracy import holdout_stems, predicted_dict, same
from orderflow.extractors import ExtractContext, extract
from orderflow.extractors.pdf_text import GARBAGE_LIMIT, _garbage_ratio
from tests.fixtures.shared import CORPUS

REAL = CORPUS / "docs" / "real" / "po"
LINE_KEYS = ("line_no", "sku", "customer_part", "description", "qty", "uom", "unit_price", "amount")


def _read_with_ocr(stem: str) -> tuple[dict, dict, list[int]]:
    """(gold, predicted in the gold layout, OCR'd page numbers) for one real document, OCR on."""
    assert stem not in holdout_stems(), "a held-out document must not be used while building"
    gold = json.loads((REAL / f"{stem}.expected.json").read_text())
    doc = REAL / f"{stem}.pdf"
    result = extract(doc.read_bytes(), ExtractContext(filename=doc.name, ocr=True))
    order = result.orders[0].to_json_dict() if result.orders else None
    return gold, predicted_dict(order), list(result.metadata.get("ocr_pages") or [])


def _words(*texts: str) -> list[dict]:
    return [{"text": t} for t in texts]


def test_rulers_and_banners_are_not_garbage_but_broken_glyphs_still_are():
    """A line-printer PO draws its table with '-----' and '*****' banners: decoration, not a bad layer."""
    printed = _words("Ln#", "Your-item-#", "Description", "-" * 80, "*" * 65, "INVOICE***", "***DROSTE",
                     "CUCINA", "&", "AMORE-PASTA-", "28", "CS", "12.15", "583.20")
    assert _garbage_ratio(printed) < 0.05
    broken = _words("1NCOaronnTSo", "WIW[E6tl,NYN9lWE", "PO", "nuMbEr", "Qty", "x7Yq")
    assert _garbage_ratio(broken) > GARBAGE_LIMIT


def test_a_text_pdf_keeps_its_text_layer_when_ocr_is_on():
    """nassau (8 pages, dashed rulers, no image): every page is read from its text layer, so the
    header and the first lines are what the layer says, not an OCR of the rendered page."""
    gold, got, ocr_pages = _read_with_ocr("nassau_2246085")
    assert ocr_pages == []
    for key in ("po_number", "po_date", "buyer", "supplier", "payment_terms", "total"):
        assert same(key, gold[key], got[key]), (key, gold[key], got[key])
    assert len(got["lines"]) == len(gold["lines"])
    for want, have in zip(gold["lines"][:3], got["lines"][:3], strict=True):
        wrong = {k: (want.get(k), have.get(k)) for k in LINE_KEYS if not same(k, want.get(k), have.get(k))}
        assert not wrong, f"line {want['line_no']}: (gold, got) {wrong}"


@pytest.mark.parametrize("stem", ["nassauwest_13514"])
def test_a_one_page_text_pdf_with_banners_is_not_ocrd(stem):
    gold, got, ocr_pages = _read_with_ocr(stem)
    assert ocr_pages == []
    assert same("po_number", gold["po_number"], got["po_number"])
    assert same("qty", gold["lines"][0]["qty"], got["lines"][0]["qty"])


def test_a_coarse_scan_keeps_its_layer_when_a_fresh_ocr_only_looks_cleaner():
    """ross: a 150-dpi scan whose OCR layer shares 61 % of a fresh OCR's words; the fresh OCR looks
    cleaner but misreads what the layer has right, so the layer is kept and its lines read."""
    gold, got, ocr_pages = _read_with_ocr("ross_11147916_scan")
    assert ocr_pages == []
    assert same("supplier", gold["supplier"], got["supplier"])
    for want, have in zip(gold["lines"], got["lines"], strict=True):
        for key in ("qty", "unit_price", "description"):
            assert same(key, want[key], have[key]), (key, want[key], have[key])


def test_a_sharp_scan_whose_layer_a_fresh_ocr_contradicts_is_ocrd():
    """modularcranes: a 300-dpi scan whose layer reads 'MCMC|547t2s-26'; the fresh OCR replaces it."""
    gold, got, ocr_pages = _read_with_ocr("modularcranes_MCMC-547-25-26_scan")
    assert ocr_pages == [1]
    assert same("po_number", gold["po_number"], got["po_number"])
