"""OCR of a simulated scan: a reportlab PO rasterised at 200 dpi, skewed 1°, noisy, bilevel,
wrapped as an image-only PDF. Words must come back with the right text at the right place."""

from __future__ import annotations

import io
import os
import random
import time

import pdfplumber
import pytest
from PIL import Image
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from orderflow.extractors.pdf_ocr import estimate_skew, ocr_page_words, page_size, render_page

os.environ.setdefault("OMP_THREAD_LIMIT", "1")

ROWS = [
    ("1", "WID-1001", "Steel bracket 40mm", "120", "2.45", "294.00"),
    ("2", "WID-2002", "Hex bolt M8 x 30", "500", "0.18", "90.00"),
    ("3", "WID-3003", "Flat washer M8", "750", "0.04", "30.00"),
    ("4", "WID-4004", "Nylon lock nut M8", "500", "0.11", "55.00"),
    ("5", "WID-5005", "Mounting plate 120x80", "60", "7.90", "474.00"),
]


def _text_pdf() -> bytes:
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.setFont("Helvetica-Bold", 18)
    c.drawString(60, 780, "PURCHASE ORDER")
    c.setFont("Helvetica", 11)
    c.drawString(60, 750, "PO Number: 4500123987")
    c.drawString(60, 733, "Order Date: 03/15/2026")
    c.drawString(330, 750, "Vendor: Acme Industrial Supply")
    y = 680
    for x, h in zip((60, 90, 180, 360, 420, 490), ("Line", "Item", "Description", "Qty", "Price", "Amount"),
                    strict=True):
        c.drawString(x, y, h)
    for row in ROWS:
        y -= 22
        for x, v in zip((60, 90, 180, 360, 420, 490), row, strict=True):
            c.drawString(x, y, v)
    c.drawString(420, y - 40, "Total: 943.00")
    c.save()
    return buf.getvalue()


def _scan(pdf: bytes, angle: float = 1.0, dpi: int = 200) -> bytes:
    """Rasterise, rotate, add salt-and-pepper noise, make bilevel, wrap as an image-only PDF."""
    image, _ = render_page(pdf, 0, dpi)
    image = image.rotate(angle, resample=Image.BICUBIC, expand=False, fillcolor=255)
    rnd = random.Random(7)
    px = image.load()
    for _ in range(image.width * image.height // 400):
        px[rnd.randrange(image.width), rnd.randrange(image.height)] = rnd.choice((0, 255))
    bw = image.point(lambda v: 255 if v > 150 else 0).convert("1")
    out = io.BytesIO()
    bw.save(out, format="PDF", resolution=dpi)
    return out.getvalue()


@pytest.fixture(scope="module")
def pages():
    text_pdf = _text_pdf()
    with pdfplumber.open(io.BytesIO(text_pdf)) as doc:
        truth = doc.pages[0].extract_words()
    scan = _scan(text_pdf)
    with pdfplumber.open(io.BytesIO(scan)) as doc:
        assert doc.pages[0].extract_words() == []  # no text layer
    t = time.monotonic()
    words = ocr_page_words(scan, 0)
    seconds = time.monotonic() - t
    return truth, scan, words, seconds


def _find(words, text):
    return [w for w in words if w["text"] == text]


def test_ocr_is_confident(pages):
    """How fast is measured by bench/accuracy.py (seconds per page, the scans included), not here: a
    timed assertion failed on a loaded machine and proved nothing on a quiet one."""
    _, _, words, _ = pages
    assert len(words) >= 40
    assert sum(w["conf"] for w in words) / len(words) > 70
    assert set(words[0]) >= {"text", "x0", "x1", "top", "bottom", "conf"}


def test_page_size_matches_pdfplumber(pages):
    _, scan, _, _ = pages
    with pdfplumber.open(io.BytesIO(scan)) as doc:
        expect = (float(doc.pages[0].width), float(doc.pages[0].height))
    got = page_size(scan, 0)
    assert abs(got[0] - expect[0]) < 1 and abs(got[1] - expect[1]) < 1


def test_skew_is_estimated(pages):
    _, scan, _, _ = pages
    image, _ = render_page(scan, 0, 150)
    assert abs(estimate_skew(image) + 1.0) <= 0.2  # scanned +1°, straightened by -1°


@pytest.mark.parametrize("token", ["4500123987", "PURCHASE", "Vendor:", "Amount", "943.00"])
def test_key_words_at_their_place(pages, token):
    truth, _, words, _ = pages
    (t,) = [w for w in truth if w["text"] == token]
    found = _find(words, token)
    assert found, f"{token} not read"
    # The scan is rotated 1° about the page centre; OCR boxes are mapped back onto that page.
    import math

    cx, cy = 595.28 / 2, 841.89 / 2
    a = math.radians(1.0)
    mx, my = (t["x0"] + t["x1"]) / 2 - cx, (t["top"] + t["bottom"]) / 2 - cy
    ex, ey = cx + mx * math.cos(a) + my * math.sin(a), cy - mx * math.sin(a) + my * math.cos(a)
    best = min(found, key=lambda w: abs((w["x0"] + w["x1"]) / 2 - ex) + abs((w["top"] + w["bottom"]) / 2 - ey))
    assert abs((best["x0"] + best["x1"]) / 2 - ex) < 6
    assert abs((best["top"] + best["bottom"]) / 2 - ey) < 4


def test_no_table_row_vanishes(pages):
    _, _, words, _ = pages
    texts = [w["text"] for w in words]
    for line, item, _desc, qty, price, amount in ROWS:
        for v in (item, qty, price, amount):
            assert v in texts, f"row {line}: {v} missing"
    # the row's cells are on one level once the skew is taken out
    straight = ocr_page_words(pages[1], 0, deskewed=True)
    for _line, item, _desc, _qty, _price, amount in ROWS:
        (a,) = [w for w in straight if w["text"] == item]
        (b,) = [w for w in straight if w["text"] == amount]
        assert abs(a["top"] - b["top"]) < 3
