"""Wiring of learned extraction hints: the store → the extractor (``hints_for``) and the extractor →
review (``make_learner``: OCR-aware word reading and re-extraction to verify a candidate hint).

Lives in flows because it joins rooms that may not import each other (review never imports
extractors). How a hint's use is counted: ``hints_for(sender, data)`` counts one use per document
a hint is handed out for, i.e. the document's sender matches the hint's scope and its page-1
layout fingerprint is similar enough (``review.learning.LAYOUT_MIN_SIMILARITY``). When a value that
a learned hint produced (its ``Provenance.hint`` is ``learned-<id>``) is later corrected,
``review.actions.fix_field`` counts a correction on that hint and retires it when
``corrected >= 2`` or ``2 * corrected > uses``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from orderflow.extractors.layout.hints import hints_for_sender
from orderflow.review import learning

log = logging.getLogger(__name__)

HintsFor = Callable[..., list[dict[str, Any]]]


def read_words(data: bytes) -> list[learning.PageText]:
    """The document's words as the PDF extractor sees them: the text layer, else OCR (page 1 … 3).

    Only bytes here (``hints_for`` fingerprints a document before it is extracted). A stored document
    whose OCR words were kept is read from those instead (``review.learning.document_words``), so a
    correction on a scan does not OCR again; this reader is the fallback for older documents."""
    pages = learning.pdf_words(data, max_pages=3)
    if pages and all(len(p.words) >= 3 for p in pages):
        return pages
    try:
        from orderflow.extractors import pdf_ocr  # noqa: PLC0415 - tesseract only for scans
    except ImportError:
        return pages
    out = []
    for i, p in enumerate(pages):
        if len(p.words) >= 3:
            out.append(p)
            continue
        try:
            w, h = pdf_ocr.page_size(data, i)
            out.append(learning.PageText(p.number, w, h, pdf_ocr.ocr_page_words(data, i)))
        except Exception as exc:  # OCR trouble: learn from what there is
            log.info("OCR for learning failed on page %s: %s", i + 1, exc)
            out.append(p)
    return out


def reextract(data: bytes, hints: list[dict[str, Any]], sender: str | None) -> dict[str, Any] | None:
    """The first order of the document extracted with ``hints`` (JSON dict), or None when it fails."""
    from orderflow.extractors.base import ExtractContext, ExtractionError  # noqa: PLC0415
    from orderflow.extractors.pdf_text import PdfExtractor  # noqa: PLC0415

    try:
        ext = PdfExtractor().extract(data, ExtractContext(sender=sender, hints=hints, ocr=True, max_seconds=60))
    except ExtractionError:
        return None
    return ext.orders[0].model_dump(mode="json") if ext.orders else None


def make_learner(*, verify: bool = True, hints_for: HintsFor | None = None) -> learning.Learner:
    """The learner the review app and ``queue fix`` should pass to ``review.actions.fix_field``; given the
    pipeline's ``hints_for``, a save also re-applies what it taught to the sender's waiting orders."""
    return learning.Learner(read_words=read_words, verify=reextract if verify else None,
                            reapply=make_reapplier(hints_for) if hints_for is not None else None)


def hints_for_factory(session_factory: sessionmaker[Session], *,
                      min_similarity: float = learning.LAYOUT_MIN_SIMILARITY, count_uses: bool = True) -> HintsFor:
    """``hints_for(sender, data=None)`` → active learned hint dicts for this sender (and, given the
    document bytes, for its layout), counting a use on each hint handed out (unless ``count_uses`` is
    False). Never raises: a store problem means no learned hints, not a lost document."""

    def lookup(s: Session, sender: str, data: bytes | None) -> list[dict[str, Any]]:
        rows = [r for r in learning.active_hint_rows(s)
                if (r.payload or {}).get("hint") and hints_for_sender([r.payload["hint"]], sender)]
        if rows and data is not None:
            tokens = learning.fingerprint(read_words(data)[:1])
            rows = [r for r in rows if not (r.payload or {}).get("layout")
                    or learning.similarity(r.payload["layout"], tokens) >= min_similarity]
        for r in rows if count_uses else ():
            r.uses = (r.uses or 0) + 1
        return [dict(r.payload["hint"]) for r in rows]

    def hints_for(sender: str | None, data: bytes | None = None, session: Session | None = None) -> list[dict[str, Any]]:
        """``session``: look up inside the caller's transaction (hints it just learned, not yet committed)."""
        if not sender:
            return []
        try:
            if session is not None:
                with session.begin_nested():
                    return lookup(session, sender, data)
            with session_factory() as s:
                hints = lookup(s, sender, data)
                s.commit()
                return hints
        except Exception:
            log.exception("learned hints for %s could not be read", sender)
            return []

    return hints_for


def make_reapplier(hints_for: HintsFor) -> learning.Reapply:
    """Re-extract a waiting order's stored document with its sender's hints as they are now (inside the
    caller's transaction, so hints just learned count): ``review.actions`` re-applies what a save taught
    to the sender's orders still in the queue. None when the document yields no order at that index."""
    from orderflow.canonical import CanonicalOrder  # noqa: PLC0415
    from orderflow.extractors import ExtractContext, extract  # noqa: PLC0415

    def reapply(s: Session, row: Any) -> CanonicalOrder | None:
        doc = row.document
        if doc is None or not doc.data:
            return None
        hints = hints_for(doc.sender, doc.data, session=s)
        result = extract(doc.data, ExtractContext(filename=doc.filename, sender=doc.sender, channel=doc.channel,
                                                  hints=hints, max_seconds=60))
        if not 0 <= (row.doc_index or 0) < len(result.orders):
            return None
        order = result.orders[row.doc_index or 0]
        order.source = CanonicalOrder.model_validate(row.canonical).source  # the channel's, unchanged
        return order

    return reapply
