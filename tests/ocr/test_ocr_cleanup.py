"""OCR token cleanup, box mapping between the straightened and the scanned page, and the garbage
text-layer check that sends a scan with a broken OCR layer through our own OCR."""

from __future__ import annotations

import os
from pathlib import Path

import pdfplumber
import pytest
from fixtures.shared import CORPUS as _SHARED_CORPUS  # noqa: E402

from orderflow.extractors import ExtractContext, extract
from orderflow.extractors.pdf_ocr import clean_token, rotate_box
from orderflow.extractors.pdf_text import GARBAGE_LIMIT, _garbage_ratio

os.environ.setdefault("OMP_THREAD_LIMIT", "1")
INVOICES = Path(os.environ.get("ORDERFLOW_CORPUS", str(_SHARED_CORPUS / "docs" / "po"))).parent / "invoices"
DOCILE = INVOICES / "docile_philipmorris_sample_invoice_scan.pdf"


@pytest.mark.parametrize(("raw", "clean"), [
    ("1)", "1"), ("$32.90)", "$32.90"), ("24),", "24"), ("10,00:", "10,00"), ("60,00.", "60,00"),
    ("1O0", "100"), ("l0.00", "10.00"), ("3S", "35"), ("|", ""), (":", ""), ("'", ""), ("Unit!", "Unit"),
    ("6-7¥", "6-7Y"), ("‘Name,", "Name,"),
    # left alone: words, codes, real brackets and inch marks
    ("(12.00)", "(12.00)"), ("(after-hours", "(after-hours"), ('3/8"', '3/8"'), ("HYD-QCA-06-STL", "HYD-QCA-06-STL"),
    ("SOLID", "SOLID"), ("EA", "EA"), ("SE_ID:", "SE_ID:"), ("—", "—"),
])
def test_clean_token(raw, clean):
    assert clean_token(raw) == clean


def test_rotate_box_undoes_the_straightening():
    box = (100.0, 200.0, 160.0, 210.0)
    turned = rotate_box(box, 1.0, 612, 792)
    assert turned != box
    back = rotate_box(turned, -1.0, 612, 792)
    assert all(abs(a - b) < 0.05 for a, b in zip(back, box, strict=True))
    assert rotate_box(box, 0.0, 612, 792) == box


def test_garbage_layer_scores_above_the_limit_and_clean_layers_below(corpus):
    with pdfplumber.open(DOCILE) as pdf:
        assert _garbage_ratio(pdf.pages[0].extract_words(x_tolerance=1.5, y_tolerance=2)) > GARBAGE_LIMIT
    for name in ("patterson_PO-28491", "sterling_SMS-114832", "orderx_ex01_PO123456789"):
        with pdfplumber.open(corpus / f"{name}.pdf") as pdf:
            for page in pdf.pages:
                assert _garbage_ratio(page.extract_words(x_tolerance=1.5, y_tolerance=2)) < GARBAGE_LIMIT / 2


def test_scan_with_garbage_text_layer_is_ocred():
    result = extract(DOCILE.read_bytes(), ExtractContext(filename=DOCILE.name))
    assert result.format == "pdf_ocr", [i.message for i in result.issues]
    assert result.metadata["ocr_pages"] == [1]
    lines = {ln.sku: ln for ln in result.orders[0].lines}
    assert "42660" in lines  # the garbage layer has no such row; OCR reads it
    row = lines["42660"]
    assert (str(row.qty), str(row.unit_price), str(row.amount)) == ("6000", "132.20", "793.20")
    assert "MARL LT REG 100" in row.description
    assert all(p.extractor == "pdf_ocr" for p in result.orders[0].provenance.values())


def test_provenance_boxes_point_at_the_scanned_page():
    """Layout runs on the straightened page; provenance is mapped back onto the page as scanned (1° turn)."""
    from test_ocr_words import _scan, _text_pdf

    from orderflow.extractors.pdf_ocr import ocr_page

    scan = _scan(_text_pdf())
    page = ocr_page(scan, 0)
    assert abs(page.angle + 1.0) <= 0.2
    result = extract(scan, ExtractContext(filename="scan.pdf"))
    order = result.orders[0]
    assert order.po_number == "4500123987"
    (word,) = [w for w in page.words if w["text"] == "4500123987"]
    expect = page.to_original((word["x0"], word["top"], word["x1"], word["bottom"]))
    got = order.provenance["po_number"].bbox
    assert all(abs(a - b) < 0.5 for a, b in zip(got, expect, strict=True)), (got, expect)
    assert abs(got[1] - word["top"]) > 0.5  # it moved: the straightened box is not what the UI draws
    assert [str(ln.amount) for ln in order.lines] == ["294.00", "90.00", "30.00", "55.00", "474.00"]


def test_a_page_read_again_in_one_process_is_not_ocrd_again(monkeypatch):
    """Learning re-extracts a scan to score its candidate hints; each read ran tesseract again (seconds a
    page). The words come from a small cache keyed by the bytes; each caller gets its own copy."""
    from test_ocr_words import _scan, _text_pdf

    from orderflow.extractors import pdf_ocr

    reads: list[int] = []
    real = pdf_ocr._read_page
    monkeypatch.setattr(pdf_ocr, "_read_page", lambda data, index, dpi=300: reads.append(index) or real(data, index, dpi=dpi))
    scan = _scan(_text_pdf())
    first = pdf_ocr.ocr_page(scan, 0)
    first.words[0]["text"] = "changed by a caller"
    again = pdf_ocr.ocr_page(scan, 0)
    assert reads == [0]
    assert again.words[0]["text"] != "changed by a caller" and len(again.words) == len(first.words) > 20
    assert extract(scan, ExtractContext(filename="scan.pdf")).orders[0].po_number == "4500123987"
    assert reads == [0]  # the extractor's read came from the cache too
    other = _scan(_text_pdf(), angle=0.5)
    assert other != scan
    pdf_ocr.ocr_page(other, 0)
    assert reads == [0, 0]  # other bytes are read
