"""What the document's text layer says about fields the order lacks: a ship-to label with no ship-to read.

A value the engine did not find is only an error when the document has one. The label words are the
cheapest independent evidence of that: "Ship To", "Lieferanschrift", "Local de entrega" printed on the
page while the order has no ship-to means a value was probably missed. Read with pdfium (milliseconds a
page), not laid out again. Scans without a text layer give no evidence (None).
"""

from __future__ import annotations

import logging
import re

from orderflow.extractors.layout.lexicon import FIELD_LABELS

log = logging.getLogger(__name__)

PAGES = 3  # labels of the parties sit on the first pages
_SHIP_TO = re.compile(r"(?<![^\W\d_])(?:" + "|".join(FIELD_LABELS["ship_to"]) + r")(?![^\W\d_])",
                      re.IGNORECASE | re.MULTILINE)


def page_texts(data: bytes, pages: int = PAGES) -> list[str]:
    """The text layer of the first pages (empty strings for image-only pages); [] when unreadable."""
    try:
        import pypdfium2 as pdfium  # noqa: PLC0415 - PDFs only
    except ImportError:
        return []
    out: list[str] = []
    try:
        pdf = pdfium.PdfDocument(data)
    except Exception:  # not a PDF or damaged: no evidence, never a failure
        log.debug("text layer: cannot open", exc_info=True)
        return []
    try:
        for index in range(min(len(pdf), pages)):
            page = pdf[index]
            tp = page.get_textpage()
            try:
                out.append(tp.get_text_range() or "")
            finally:
                tp.close()
                page.close()
    except Exception:
        log.debug("text layer: cannot read", exc_info=True)
    finally:
        pdf.close()
    return out


def labels_seen(data: bytes) -> dict[str, bool] | None:
    """{"ship_to": a ship-to label is printed}; None when the document has no usable text layer."""
    texts = page_texts(data)
    text = "\n".join(texts)
    if len(text.strip()) < 40:
        return None
    return {"ship_to": bool(_SHIP_TO.search(text))}
