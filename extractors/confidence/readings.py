"""A second reading of scanned pages that carry a text layer: does OCR of the image agree?

A scanner's own OCR layer can be wrong (``MCMC|547t2s`` for ``MCMC-547-25-26``) while text
extraction "succeeds". Where a page is one big image with text on top, OCR the image and compare,
field by field, the words inside each value's box: agreement is evidence, disagreement doubt.
Costs one OCR per such page, only for those pages.
"""

from __future__ import annotations

import io
import logging
import re
from typing import Any

from orderflow.canonical import CanonicalOrder

log = logging.getLogger(__name__)

IMAGE_COVER = 0.6  # share of the page an image must cover for the page to be a scan
AGREE_RATIO = 85.0
SCAN_PAGES = 5  # pages looked at for a scan with a text layer


def scan_with_text(page: Any) -> bool:
    """Whether a pdfplumber page is one image covering IMAGE_COVER of it or more, with a text layer."""
    area = float(page.width) * float(page.height) or 1.0
    cover = max(((float(im["x1"]) - float(im["x0"])) * (float(im["bottom"]) - float(im["top"]))
                 for im in page.images), default=0.0)
    return bool(cover / area >= IMAGE_COVER and page.chars)


def scanned_text_pages(data: bytes, skip: set[int] | frozenset[int] = frozenset(), max_pages: int = SCAN_PAGES,
                       known: list[int] | None = None) -> list[int]:
    """1-based numbers of pages that have a text layer and are covered by one image (a scan + OCR layer).
    ``known``: those pages as the PDF reader already found them (laying a page out again costs seconds)."""
    if known is not None:
        return [n for n in known if n <= max_pages and n not in skip]
    import pdfplumber  # noqa: PLC0415 - only for PDFs

    found: list[int] = []
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for index, page in enumerate(pdf.pages[:max_pages]):
                if index + 1 in skip:
                    continue
                if scan_with_text(page):
                    found.append(index + 1)
    except Exception:  # a damaged PDF was already read once; no second reading then
        log.debug("second reading: cannot inspect pages", exc_info=True)
    return found


def _norm(s: str) -> str:
    return re.sub(r"[^0-9a-z]", "", s.lower())


def compare(order: CanonicalOrder, page: int, ocr_words: list[dict[str, Any]]) -> dict[str, float]:
    """path → 1.0 when the OCR words inside the value's box read the same as the text layer, else 0.0."""
    from rapidfuzz import fuzz  # noqa: PLC0415

    out: dict[str, float] = {}
    for path, prov in order.provenance.items():
        if prov.page != page or not prov.bbox or not prov.raw:
            continue
        x0, top, x1, bottom = prov.bbox
        inside = [w for w in ocr_words
                  if x0 - 3 <= (float(w["x0"]) + float(w["x1"])) / 2 <= x1 + 3
                  and top - 3 <= (float(w["top"]) + float(w["bottom"])) / 2 <= bottom + 3]
        inside.sort(key=lambda w: (round(float(w["top"]) / 4), float(w["x0"])))
        a, b = _norm(prov.raw), _norm(" ".join(str(w["text"]) for w in inside))
        if not a:
            continue
        out[path] = 1.0 if a == b or (b and fuzz.ratio(a, b) >= AGREE_RATIO) else 0.0
    return out


def second_readings(order: CanonicalOrder, data: bytes, ocr_pages: list[int],
                    scanned: list[int] | None = None) -> dict[str, float]:
    """Per-field agreement between the text layer and OCR of the page image (scans with a text layer only);
    ``scanned``: such pages as the reader found them, when it did."""
    try:
        from orderflow.extractors import pdf_ocr  # noqa: PLC0415 - optional
    except ImportError:
        return {}
    pages = {p.page for p in order.provenance.values() if p.page and p.extractor == "pdf_text"}
    out: dict[str, float] = {}
    for number in scanned_text_pages(data, skip=set(ocr_pages), known=scanned):
        if number not in pages:
            continue
        try:
            words = pdf_ocr.ocr_page_words(data, number - 1)
        except Exception as exc:  # no OCR here: no second reading, not a failure
            log.warning("second reading of page %s failed: %s", number, exc)
            continue
        out.update(compare(order, number, words))
    return out
