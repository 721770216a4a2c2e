"""OCR for PDF pages without a usable text layer: render, straighten, clean, tesseract.

The PDF extractor calls ``ocr_page_words`` for such pages and runs its layout engine over
the result, so words come back in pdfplumber's word format (PDF points, top-left origin).
Rendering is bounded in pixels so an oversized page cannot exhaust memory or time.
"""

from __future__ import annotations

import math
import os
from typing import Any

os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # tesseract is ~4x faster single-threaded here

MAX_PIXELS = 14_000_000  # ~A4 at 300 dpi is 8.7 Mpx; larger pages are rendered at a lower dpi
MAX_SKEW = 3.0  # degrees searched either way
TESS_CONFIG = "--psm 3 --oem 1"


def _page(pdf_bytes: bytes, page_index: int):  # -> (PdfDocument, PdfPage)
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf_bytes)
    if not 0 <= page_index < len(doc):
        doc.close()
        raise IndexError(f"page {page_index + 1} does not exist (the PDF has {len(doc)} pages)")
    return doc, doc[page_index]


def page_size(pdf_bytes: bytes, page_index: int) -> tuple[float, float]:
    """(width, height) of the page in PDF points, as pdfplumber reports it."""
    doc, page = _page(pdf_bytes, page_index)
    try:
        w, h = page.get_size()
        return float(w), float(h)
    finally:
        page.close()
        doc.close()


def render_page(pdf_bytes: bytes, page_index: int, dpi: int = 300):  # -> (PIL.Image "L", scale px/pt)
    """Grey image of one page at ``dpi`` (lowered so the image stays under MAX_PIXELS)."""
    doc, page = _page(pdf_bytes, page_index)
    try:
        w, h = page.get_size()
        scale = dpi / 72.0
        if w * h * scale * scale > MAX_PIXELS:
            scale = math.sqrt(MAX_PIXELS / (w * h))
        image = page.render(scale=scale, grayscale=True).to_pil().convert("L")
        return image, scale
    finally:
        page.close()
        doc.close()


def estimate_skew(image) -> float:
    """Skew angle in degrees (counter-clockwise positive) by projection-profile sharpness.

    Rows of text give the spikiest horizontal profile when they are level; the image is
    shrunk first so the search costs a few hundredths of a second.
    """
    from PIL import Image

    small = image.copy()
    small.thumbnail((900, 900))
    ink = small.point(lambda v: 255 if v < 140 else 0).convert("L")  # text white on black

    def sharpness(angle: float) -> float:
        rot = ink.rotate(angle, resample=Image.NEAREST, expand=False, fillcolor=0)
        w = rot.width
        rows = rot.resize((1, rot.height), Image.BOX).getdata()  # row means
        del w
        vals = list(rows)
        return float(sum((vals[i + 1] - vals[i]) ** 2 for i in range(len(vals) - 1)))

    best, best_s = 0.0, sharpness(0.0)
    for step, span in ((0.5, MAX_SKEW), (0.1, 0.5)):
        center = best
        a = center - span
        while a <= center + span + 1e-9:
            if abs(a - center) > 1e-9:
                s = sharpness(a)
                if s > best_s:
                    best, best_s = a, s
            a = round(a + step, 4)
    return best


def clean_image(image):
    """Remove speckle and binarise with Otsu's threshold (tesseract reads clean bilevel best)."""
    from PIL import ImageFilter

    image = image.filter(ImageFilter.MedianFilter(3))
    hist = image.histogram()
    total = sum(hist)
    sum_all = sum(i * h for i, h in enumerate(hist))
    w_b = s_b = 0.0
    best_t, best_v = 128, -1.0
    for t in range(256):
        w_b += hist[t]
        if w_b == 0:
            continue
        w_f = total - w_b
        if w_f == 0:
            break
        s_b += t * hist[t]
        m_b, m_f = s_b / w_b, (sum_all - s_b) / w_f
        v = w_b * w_f * (m_b - m_f) ** 2
        if v > best_v:
            best_t, best_v = t, v
    return image.point(lambda v: 255 if v > best_t else 0).convert("L")


def ocr_page_words(pdf_bytes: bytes, page_index: int, *, dpi: int = 300, deskewed: bool = False) -> list[dict]:
    """Words of one page in pdfplumber's format (``text, x0, x1, top, bottom`` in points, plus ``conf``).

    Boxes sit on the original page (the deskew is undone) unless ``deskewed`` is True, which
    gives coordinates on the straightened page — level rows, better for grouping table rows.
    """
    import pytesseract
    from PIL import Image
    from pytesseract import Output

    image, scale = render_page(pdf_bytes, page_index, dpi)
    angle = estimate_skew(image)
    if abs(angle) >= 0.05:
        image = image.rotate(angle, resample=Image.BICUBIC, expand=False, fillcolor=255)
    image = clean_image(image)
    data: dict[str, list[Any]] = pytesseract.image_to_data(
        image, lang="eng", config=TESS_CONFIG + f" --dpi {round(scale * 72)}", output_type=Output.DICT
    )
    cx, cy = image.width / 2.0, image.height / 2.0
    # PIL rotates counter-clockwise by `angle`; mapping straightened → original is the reverse turn.
    rad = math.radians(angle)
    cos_a, sin_a = math.cos(rad), math.sin(rad)
    words: list[dict] = []
    for i, text in enumerate(data["text"]):
        text = (text or "").strip()
        try:
            conf = float(data["conf"][i])
        except (TypeError, ValueError):
            conf = -1.0
        if not text or conf < 0:
            continue
        left, top, width, height = (float(data[k][i]) for k in ("left", "top", "width", "height"))
        if not deskewed and abs(angle) >= 0.05:
            mx, my = left + width / 2 - cx, top + height / 2 - cy
            # inverse of PIL's counter-clockwise rotation (image y axis points down)
            ox = cx + mx * cos_a - my * sin_a
            oy = cy + mx * sin_a + my * cos_a
            left, top = ox - width / 2, oy - height / 2
        x0, x1 = left / scale, (left + width) / scale
        y0, y1 = top / scale, (top + height) / scale
        words.append({
            "text": text, "x0": round(x0, 2), "x1": round(x1, 2), "top": round(y0, 2), "bottom": round(y1, 2),
            "doctop": round(y0, 2), "width": round(x1 - x0, 2), "height": round(y1 - y0, 2), "upright": True,
            "direction": "ltr", "conf": round(conf, 1),
        })
    return words


__all__ = ["clean_image", "estimate_skew", "ocr_page_words", "page_size", "render_page"]
