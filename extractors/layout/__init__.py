"""Template-free layout engine: positioned words → lines → header fields and line items.

Input is a list of pdfplumber-style word dicts per page (``text, x0, x1, top, bottom`` in PDF
points, optional ``conf`` 0-100 from OCR), so the text-layer and OCR paths share one engine.
"""

from orderflow.extractors.layout.engine import PageWords, extract_order

__all__ = ["PageWords", "extract_order"]
