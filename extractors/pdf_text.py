"""Text-layer PDF purchase orders (pdfplumber words → layout engine), with OCR for pages
whose text layer is missing or garbage.

Bounded: page count, bytes and seconds come from ``ExtractContext``; a password-protected,
corrupt or empty file ends as an ``ExtractionError`` (→ PARSE_ERROR) with a reason.
"""

from __future__ import annotations

import bisect
import io
import logging
import re
import time
from typing import Any

from orderflow.canonical import Extraction, Issue, IssueCode, Severity
from orderflow.extractors import limits, pdf_bounds, pdf_glyphs
from orderflow.extractors.base import ExtractContext, ExtractionError
from orderflow.extractors.layout import PageWords, extract_order
from orderflow.extractors.layout.hints import hints_for_sender

log = logging.getLogger(__name__)
# pdfminer logs raw document bytes (prices, names, addresses) at DEBUG: keep it out of our logs.
logging.getLogger("pdfminer").setLevel(logging.WARNING)

_GARBAGE = re.compile(r"[a-z][A-Z]|[A-Za-z]\d[A-Za-z]|\d[a-z]{2,}")
_CLEAN_CODE = re.compile(r"[A-Z0-9_./#-]+|(?:[A-Z][a-z]+){2,3}")
_ODD = set("-./,:;()#&%$@'_+")
_RULE = re.compile(r"([^\w\s])\1{2,}")  # one mark repeated: a ruler or banner, not a glyph


def _garbage_ratio(words: list[dict[str, Any]]) -> float:
    """How broken a text layer looks, 0..1: the share of its characters in tokens no printer makes
    (``1NCOaronnTSo``, ``WIW[E6tl,NYN9lWE…``: a bad OCR layer under a scan) plus the share of stray
    single letters (a layer of scattered glyphs). A clean layer scores under 0.05.

    Runs of one repeated mark (``-----`` rulers, ``*****`` banners, ``INVOICE***``) are typed
    decoration, not broken glyphs: they are dropped before judging, so a line-printer PO drawn
    with dashes keeps its text layer."""
    toks = [t for t in (_RULE.sub("", str(w.get("text", ""))) for w in words) if any(c.isalnum() for c in t)]
    total = sum(len(t) for t in toks)
    if not toks or total == 0:
        return 1.0
    bad = 0
    for t in toks:
        core = t.strip(".,:;()")
        if len(core) < 3:
            continue
        odd = sum(1 for c in core if not (c.isalnum() or c in _ODD))
        mixed = _GARBAGE.search(core) and not _CLEAN_CODE.fullmatch(core)
        run_on = len(core) > 25 and not any(c in core for c in "@/_")
        if mixed or odd >= 2 or run_on:
            bad += len(t)
    single = sum(1 for t in toks if len(t) == 1 and t.isalpha() and t not in "aAI")
    return bad / total + single / len(toks)


GARBAGE_LIMIT = 0.2  # above: OCR the page instead of trusting its text layer
AGREEMENT_LIMIT = 0.6  # a scan's text layer sharing fewer of a fresh OCR's words than this is replaced
# (also one sharing under 90% that looks more broken than the fresh OCR, on a scan of SHARP_DPI or more)
SHARP_DPI = 200.0
HEALTHY_AGREEMENT = 0.9  # a layer that looks broken but has this share of a fresh OCR's words is kept


def _image_covers(page: Any) -> bool:
    """Whether one image covers most of the page (a scan, whatever text layer lies over it)."""
    return _cover_dpi(page) is not None


def _cover_dpi(page: Any) -> float | None:
    """The native resolution (pixels per inch) of the image covering most of the page, None when none does
    (0.0 when the image's pixel size is unknown)."""
    try:
        area = float(page.width) * float(page.height)
        for i in page.images:
            w, h = float(i["x1"]) - float(i["x0"]), float(i["bottom"]) - float(i["top"])
            if w * h >= 0.6 * area:
                try:
                    return float(i["srcsize"][0]) / (w / 72.0) if w > 0 else 0.0
                except (KeyError, TypeError, ValueError, IndexError):
                    return 0.0
    except Exception:  # a broken image dictionary: not a scan we can judge
        return None
    return None


def layer_agreement(layer: list[dict[str, Any]], ocr: list[dict[str, Any]]) -> float:
    """The share of a fresh OCR's longer words (4+ letters or digits) that the text layer also has."""
    def toks(ws: list[dict[str, Any]]) -> list[str]:
        out = []
        for w in ws:
            t = re.sub(r"[^\w]", "", str(w.get("text", ""))).lower()
            if len(t) >= 4:
                out.append(t)
        return out

    fresh = toks(ocr)
    if not fresh:
        return 1.0
    have = set(toks(layer))
    return sum(1 for t in fresh if t in have) / len(fresh)


def _is_white(color: Any) -> bool:
    """A fill colour the reader cannot see on white paper: gray/RGB near 1, CMYK near 0."""
    if color is None or isinstance(color, str):
        return False
    vals = [color] if isinstance(color, (int, float)) else list(color)
    try:
        vals = [float(v) for v in vals]
    except (TypeError, ValueError):
        return False  # a pattern colour: visible
    if len(vals) in (1, 3):
        return all(v >= 0.95 for v in vals)
    if len(vals) == 4:
        return all(v <= 0.03 for v in vals)
    return False


def _dark_boxes(page: Any) -> list[tuple[float, float, float, float]]:
    """Filled shapes in a visible colour (a table header band): white text on them is printed, not hidden."""
    out: list[tuple[float, float, float, float]] = []
    try:
        shapes = list(page.rects) + [c for c in page.curves if c.get("fill")]
    except Exception:  # a broken path must not lose the page's text
        return out
    for r in shapes[:5000]:
        if r.get("fill") and not _is_white(r.get("non_stroking_color")) and r.get("non_stroking_color") is not None:
            out.append((float(r["x0"]), float(r["top"]), float(r["x1"]), float(r["bottom"])))
    return out


def _visible_filter(page: Any):
    boxes = None

    def visible(obj: dict[str, Any]) -> bool:
        nonlocal boxes
        if obj.get("object_type") != "char" or not _is_white(obj.get("non_stroking_color")):
            return True
        if boxes is None:
            boxes = _dark_boxes(page)
        x, y = (float(obj["x0"]) + float(obj["x1"])) / 2, (float(obj["top"]) + float(obj["bottom"])) / 2
        return any(x0 <= x <= x1 and t <= y <= b for x0, t, x1, b in boxes)

    return visible


def _interleaved(chars: list[dict[str, Any]]) -> bool:
    """Whether glyphs of one line overlap each other (two clipped cells printed over one another, so
    ordering by position interleaves them: "MPuarncuhfaascetu"): then the content stream's order is right."""
    rows = sorted(chars, key=lambda c: (round(float(c["top"])), float(c["x0"])))
    overlaps = 0
    for a, b in zip(rows, rows[1:], strict=False):
        if round(float(a["top"])) == round(float(b["top"])) and float(b["x0"]) >= float(a["x0"]) \
                and a["text"].strip() and b["text"].strip() \
                and float(b["x0"]) < float(a["x1"]) - 0.5 * min(float(a["width"]), float(b["width"])) \
                and a["text"] != b["text"]:
            overlaps += 1
    return overlaps >= 4 and overlaps > 0.005 * len(rows)


def _doubled(chars: list[dict[str, Any]]) -> bool:
    """Whether glyphs are printed twice at (almost) one place (fake bold: "PPUURRCCHHAASSEE")."""
    seen: set[tuple[str, int, int]] = set()
    dup = 0
    for c in chars:
        key = (c["text"], round(float(c["x0"])), round(float(c["top"])))
        dup += key in seen
        seen.add(key)
    return dup >= 3


def _blank_overprint(chars: list[dict[str, Any]]) -> set[int]:
    """Indices of blank glyphs lying over a visible glyph of the same line. Some report writers pad every
    field with runs of spaces printed over the text ("V e n d o r", "5 4 9 9 2 8"): ordered by position the
    blanks split every word. Reported only when the padding is massive (a stray overlapping space in an
    OCR layer is the only word separator there and stays)."""
    rows: dict[int, list[tuple[float, float]]] = {}
    for c in chars:
        if c["text"].strip():
            rows.setdefault(round(float(c["top"])), []).append((float(c["x0"]), float(c["x1"])))
    for v in rows.values():
        v.sort()
    over: set[int] = set()
    for i, c in enumerate(chars):
        if c["text"].strip():
            continue
        xc, top = (float(c["x0"]) + float(c["x1"])) / 2, round(float(c["top"]))
        for t in (top - 1, top, top + 1):
            spans = rows.get(t)
            k = bisect.bisect_right(spans, (xc, 1e9)) - 1 if spans else -1
            if spans and k >= 0 and spans[k][0] < xc < spans[k][1]:
                over.add(i)
                break
    return over if len(over) >= 50 and len(over) > 0.05 * len(chars) else set()


def read_words(page: Any) -> list[dict[str, Any]]:
    """The page's words as a reader sees them: white (invisible) glyphs dropped, doubled glyphs of fake
    bold removed, blank padding printed over the text dropped, and clipped cells printed over each other
    read in stream order instead of by position."""
    chars = page.chars
    blanks = _blank_overprint(chars)
    if blanks:
        keep = {id(c) for i, c in enumerate(chars) if i not in blanks}
        page = page.filter(lambda obj: obj.get("object_type") != "char" or id(obj) in keep)
        chars = page.chars
    if any(_is_white(c.get("non_stroking_color")) for c in chars):
        page = page.filter(_visible_filter(page))
        chars = page.chars
    if _doubled(chars):
        try:
            page = pdf_glyphs.dedupe_page(page, tolerance=1)
            chars = page.chars
        except Exception:  # a font without the attributes dedupe compares: keep the glyphs as they are
            log.debug("dedupe_chars failed", exc_info=True)
    flow = _interleaved(chars)
    return page.extract_words(x_tolerance=1.5, y_tolerance=2, keep_blank_chars=False, use_text_flow=flow)


def _to_page_origin(words: list[dict[str, Any]], page: Any) -> None:
    """Positions measured from the page's own top-left corner. A media box that does not start at 0
    (TJX's ``[0 792 1224 1584]``) gives pdfplumber's words a top of 792 and more, so "the top 30 % of the
    page" (letterhead, title, window) held no line at all."""
    try:
        dx, dy = float(page.bbox[0]), float(page.bbox[1])
    except (AttributeError, IndexError, TypeError, ValueError):
        return
    if not dx and not dy:
        return
    for w in words:
        w["x0"], w["x1"] = w["x0"] - dx, w["x1"] - dx
        w["top"], w["bottom"] = w["top"] - dy, w["bottom"] - dy


_FONT_SIZE = re.compile(rb"([\d.]+)\s+Tf")


def _annotation_words(page: Any) -> list[dict[str, Any]]:
    """Visible typewriter/free-text annotations (a name stamped onto the form with a PDF editor) as
    words: they are printed on the page but are not in the content stream pdfplumber reads."""
    out: list[dict[str, Any]] = []
    try:
        annots = page.annots or []
    except Exception:  # a broken annotation dictionary must not lose the page
        return out
    for a in annots[:50]:
        data = a.get("data") or {}
        if str(data.get("Subtype", "")).strip("/'") != "FreeText":
            continue
        text = a.get("contents") or ""
        if isinstance(text, bytes):
            text = text.decode("utf-8", "replace")
        text = " ".join(str(text).split())[:500]
        if not text:
            continue
        x0, x1, top, bottom = float(a["x0"]), float(a["x1"]), float(a["top"]), float(a["bottom"])
        m = _FONT_SIZE.search(data.get("DA") or b"") if isinstance(data.get("DA"), bytes) else None
        size = min(float(m.group(1)), bottom - top) if m else bottom - top
        step = (x1 - x0) / max(len(text), 1)
        pos = 0
        for tok in text.split(" "):
            out.append({"text": tok, "x0": x0 + pos * step, "x1": x0 + (pos + len(tok)) * step,
                        "top": top, "bottom": top + size})
            pos += len(tok) + 1
    return out


def _ocr_module():
    try:
        from orderflow.extractors import pdf_ocr  # noqa: PLC0415 - optional, lazily imported
    except ImportError:
        return None
    return pdf_ocr if hasattr(pdf_ocr, "ocr_page") else None


class PdfExtractor:
    """Template-free PDF PO reader (name ``pdf_text``)."""

    name = "pdf_text"

    def sniff(self, data: bytes, filename: str | None) -> float:
        head = data[:1024].lstrip()
        if head.startswith(b"%PDF-"):
            return 0.95
        if b"%PDF-" in data[:1024]:
            return 0.8
        if filename and filename.lower().endswith(".pdf"):
            return 0.3
        return 0.0

    def extract(self, data: bytes, ctx: ExtractContext) -> Extraction:
        import pdfplumber  # noqa: PLC0415 - heavy import only when a PDF arrives
        from pdfminer.pdfdocument import PDFPasswordIncorrect  # noqa: PLC0415

        from orderflow.extractors.confidence.readings import SCAN_PAGES, scan_with_text  # noqa: PLC0415

        started = time.monotonic()
        if not data.lstrip()[:1024].count(b"%PDF-"):
            raise ExtractionError("The file is not a PDF (no %PDF- header).")
        try:
            pdf = pdfplumber.open(io.BytesIO(data))
        except PDFPasswordIncorrect as exc:
            raise ExtractionError("The PDF is password-protected; ask the sender for an unprotected copy.") from exc
        except Exception as exc:
            if "password" in str(exc).lower() or "PDFPasswordIncorrect" in repr(exc):
                raise ExtractionError("The PDF is password-protected; ask the sender for an unprotected copy.") from exc
            raise ExtractionError(f"The PDF is damaged and cannot be opened ({type(exc).__name__}).") from exc
        issues: list[Issue] = []
        pages: list[PageWords] = []
        straightened: dict[int, Any] = {}  # page number → OcrPage (its words are on the straightened page)
        scans: list[int] | None = []  # first pages that are an image with a text layer (None: unknown)
        try:
            try:
                n = len(pdf.pages)
            except Exception as exc:
                msg = str(exc) or repr(exc)
                if "password" in msg.lower():
                    raise ExtractionError("The PDF is password-protected; ask the sender for an unprotected copy.") \
                        from exc
                raise ExtractionError(f"The PDF's page tree is damaged ({type(exc).__name__}).") from exc
            if n == 0:
                raise ExtractionError("The PDF has no pages.")
            if n > ctx.max_pages:
                raise ExtractionError(f"The PDF has {n:,} pages, over the {ctx.max_pages}-page limit for one order.")
            ocr = _ocr_module() if ctx.ocr else None
            total_words = 0
            for index, page in enumerate(pdf.pages):
                if time.monotonic() - started > ctx.max_seconds:
                    raise ExtractionError(f"Reading the PDF took longer than {ctx.max_seconds:.0f} s (stopped at "
                                          f"page {index + 1} of {n}).")
                pdf_bounds.check_page(page, index + 1)  # inflated bytes and characters, before layout
                try:
                    words = read_words(page)
                    words += _annotation_words(page)
                    _to_page_origin(words, page)
                    width, height = float(page.width), float(page.height)
                    # before close: afterwards page.images would lay the whole page out again
                    dpi = _cover_dpi(page) if ocr is not None else None
                    if scans is not None and index < SCAN_PAGES:
                        try:
                            if scan_with_text(page):
                                scans.append(index + 1)
                        except Exception:  # a broken image dictionary: the confidence stage looks itself
                            scans = None
                    page.close()  # drop the page's layout objects: only its words are kept
                except Exception as exc:
                    if index < SCAN_PAGES:
                        scans = None  # the confidence stage looks at the pages itself, as before
                    issues.append(Issue(code=IssueCode.PARSE_ERROR, severity=Severity.WARNING,
                                        field=f"page {index + 1}",
                                        message=f"Page {index + 1} could not be read ({type(exc).__name__})."))
                    continue
                source = "pdf_text"
                if ocr is not None and len(words) >= 3 and _garbage_ratio(words) <= GARBAGE_LIMIT \
                        and dpi is not None:
                    # a scan with a text layer: the scanner's OCR may be wrong; trust it only when a fresh
                    # OCR of the page reads the same words. A fresh OCR that merely looks cleaner is evidence
                    # only on a sharp scan: from a coarse one (under 200 dpi) it reads no more pixels than the
                    # scanner did (ross: 14147916 for the layer's right 11147916), so there only strong
                    # disagreement replaces the layer.
                    try:
                        scanned = ocr.ocr_page(data, index)
                        agree = layer_agreement(words, scanned.words)
                        if agree < AGREEMENT_LIMIT or agree < 0.9 and (dpi == 0.0 or dpi >= SHARP_DPI) and \
                                _garbage_ratio(scanned.words) + 0.03 < _garbage_ratio(words):
                            words, width, height = scanned.words, scanned.width, scanned.height
                            straightened[index + 1] = scanned
                            source = "pdf_ocr"
                    except Exception as exc:  # OCR trouble must not lose the text we have
                        log.warning("OCR of page %s failed: %s", index + 1, exc)
                if source == "pdf_text" and (len(words) < 3 or _garbage_ratio(words) > GARBAGE_LIMIT):
                    if ocr is not None:
                        try:
                            scanned = ocr.ocr_page(data, index)
                            # a layer the fresh OCR reads word for word is healthy, however odd its tokens look
                            if len(words) < 3 or layer_agreement(words, scanned.words) < HEALTHY_AGREEMENT:
                                words, width, height = scanned.words, scanned.width, scanned.height
                                straightened[index + 1] = scanned
                                source = "pdf_ocr"
                        except Exception as exc:  # OCR trouble must not lose the text we have
                            log.warning("OCR of page %s failed: %s", index + 1, exc)
                    elif len(words) < 3:
                        issues.append(Issue(code=IssueCode.LOW_CONFIDENCE, severity=Severity.WARNING,
                                            field=f"page {index + 1}",
                                            message=f"Page {index + 1} has no text layer and OCR is not available."))
                pages.append(PageWords(index + 1, width, height, words, source))
                total_words += len(words)
                limits.check("words", total_words, f"The PDF (up to page {index + 1})")
        finally:
            try:
                pdf.close()
            except Exception:  # closing walks the page tree again; a damaged tree must not escape
                log.debug("closing a damaged PDF failed", exc_info=True)
        if not any(p.words for p in pages):
            raise ExtractionError("The PDF has no readable text (scanned pages and no OCR result).")
        hints = _hints_for(ctx)
        order, order_issues = extract_order(pages, hints=hints)
        fmt = "pdf_ocr" if all(p.extractor == "pdf_ocr" for p in pages) else "pdf_text"
        if not order.lines and not order.po_number:
            if not _has_header_content(order):
                raise ExtractionError("No purchase-order content found in the PDF (no PO number, no line items "
                                      "and no header fields).")
            # never reject a readable order: a partial one (its header fields) goes to a person
            issues.append(Issue(code=IssueCode.LOW_CONFIDENCE, severity=Severity.WARNING, field="lines",
                                message="No PO number and no line items were found; the header fields read are "
                                        "kept for review."))
        order.source.format = fmt
        _unskew_provenance(order, straightened)
        result = Extraction(format=fmt, orders=[order], issues=issues + order_issues,
                            metadata={"pages": len(pages), "seconds": round(time.monotonic() - started, 3),
                                      "ocr_pages": [p.number for p in pages if p.extractor == "pdf_ocr"],
                                      **({"ocr_words": ocr_words(straightened)} if straightened else {})})
        result._scanned_text_pages = scans
        return result


def _has_header_content(order: Any) -> bool:
    """Whether the engine read anything of an order's header (a date, a party, a total, terms)."""
    return any((order.po_date, order.buyer, order.supplier, order.ship_to, order.declared_total,
                order.payment_terms, order.requested_delivery_date))


def _unskew_provenance(order: Any, straightened: dict[int, Any]) -> None:
    """OCR words are read on the straightened page (level table rows); provenance boxes must point at
    the page as scanned, where the review UI draws them."""
    for path, prov in list(order.provenance.items()):
        page = straightened.get(prov.page)
        if page is not None and prov.bbox:
            order.provenance[path] = prov.model_copy(update={"bbox": page.to_original(tuple(prov.bbox))})


OCR_WORDS_PAGES = 10
OCR_WORDS_PER_PAGE = 3000


def ocr_words(straightened: dict[int, Any]) -> dict[str, list[list[Any]]]:
    """The OCR'd pages' words, kept so the review app can make them clickable (and learning can read
    them) without OCR-ing again: {page number: [[text, x0, top, x1, bottom, conf], ...]}, boxes on the
    page as scanned (as provenance), rounded to 0.1 pt; first 10 pages, 3,000 words a page."""
    out: dict[str, list[list[Any]]] = {}
    for number in sorted(straightened)[:OCR_WORDS_PAGES]:
        page = straightened[number]
        rows = []
        for w in page.words[:OCR_WORDS_PER_PAGE]:
            box = page.to_original((float(w["x0"]), float(w["top"]), float(w["x1"]), float(w["bottom"])))
            rows.append([str(w["text"]), *(round(v, 1) for v in box), round(float(w.get("conf", -1)), 1)])
        out[str(number)] = rows
    return out


def _hints_for(ctx: ExtractContext) -> list[dict[str, Any]]:
    """Partner/learned hints for this document: scoped to ``ctx.sender`` when it is known; without a
    sender the caller already chose them, so all are applied (see ``layout.hints`` for the format)."""
    hints = [h for h in ctx.hints or [] if isinstance(h, dict)]
    return hints_for_sender(hints, ctx.sender) if ctx.sender else hints
