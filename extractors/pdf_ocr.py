"""OCR for PDF pages without a usable text layer: render, straighten, clean, tesseract.

The PDF extractor calls ``ocr_page_words`` for such pages and runs its layout engine over
the result, so words come back in pdfplumber's word format (PDF points, top-left origin).
Rendering is bounded in pixels so an oversized page cannot exhaust memory or time.
"""

from __future__ import annotations

import dataclasses
import hashlib
import math
import os
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # tesseract is ~4x faster single-threaded here

MAX_PIXELS = 14_000_000  # ~A4 at 300 dpi is 8.7 Mpx; larger pages are rendered at a lower dpi
MAX_SKEW = 3.0  # degrees searched either way
CACHED_PAGES = 24  # OCR'd pages kept per process (a few kB of words each)


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
        rot = ink.rotate(angle, resample=Image.Resampling.NEAREST, expand=False, fillcolor=0)
        w = rot.width
        rows = rot.resize((1, rot.height), Image.Resampling.BOX).getdata()  # row means
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


def _otsu(hist: list[int]) -> int:
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
    return best_t


def clean_image(image):
    """Remove speckle and binarise (tesseract reads clean bilevel best).

    The cut sits between Otsu's threshold and the paper's grey: Otsu alone splits ink from paper
    in the middle and so drops light-grey print (footers, "Date generated"), which forms carry often.
    """
    from PIL import ImageFilter

    image = image.filter(ImageFilter.MedianFilter(3))
    hist = image.histogram()
    otsu = _otsu(hist)
    paper = max(range(otsu, 256), key=lambda i: hist[i]) if otsu < 255 else 255
    cut = otsu + int(0.12 * max(0, paper - otsu))
    return image.point([255 if v > cut else 0 for v in range(256)]).convert("L")


# ---------------------------------------------------------------- OCR token cleanup

_DIGITISH = re.compile(r"^[-+($€£¥]?[\dOoIlSB.,]*\d[\dOoIlSB.,]*[)%]?$")
_PUNCT_ONLY = re.compile(r"^[.,:;'‘’\"`!_~^°«»]+$")
_FIX = str.maketrans({"O": "0", "o": "0", "I": "1", "l": "1", "S": "5", "B": "8"})


def clean_token(text: str) -> str:
    """OCR-aware cleanup of one token: table rules read as ``|`` or an unmatched ``)``/``[`` around a
    value, and letter look-alikes inside numbers (``1O0`` → ``100``, ``3l.50`` → ``31.50``).

    Only tokens that are mostly digits are touched, so words and codes keep their letters.
    """
    t = text.strip().strip("|¦").strip()
    if len(t) > 1 and t[0] in "‘“'" and not any(c in t[1:] for c in "’”'"):
        t = t[1:]  # an unmatched opening curly quote is a speck before the word
    if len(t) > 2 and t.endswith("!") and t[-2].isalnum():
        t = t[:-1]  # a table rule read as "!" after a word
    if len(t) > 2 and t.endswith("¥") and t[-2].isdigit():
        t = t[:-1] + "Y"  # "6-7¥": a yen sign follows no amount; it is a Y (sizes)
    if not t:
        return ""
    if ")" in t and "(" not in t and re.fullmatch(r"[-$€£]?\d[\d.,)]*", t):
        t = t.replace(")", "")  # "1)", "$32.50)", "24),": the cell's rule or a speck, not a closing bracket
    t = t.strip("[]{}|").replace("|", "")
    if not t:
        return ""
    if _PUNCT_ONLY.match(t):
        return ""  # specks and rule fragments read as ". ' : _"
    m = re.fullmatch(r"([-+($€£]?\d[\d.,]*\d)[.:;,!'\"]+", t)
    if m:
        t = m.group(1)  # "10,00:" / "60,00.": a speck after a number
    if _DIGITISH.match(t) and sum(c.isdigit() for c in t) >= max(1, len(t) - 2) and any(c.isalpha() for c in t):
        t = t.translate(_FIX)
    return t


def _normalise_lines(words: list[dict]) -> None:
    """Give the words of one tesseract line a common top/bottom (cap line to baseline/descender).

    Tesseract boxes are tight around the ink, so "on" is half as tall as "Ship"; the layout engine
    reads heights as font sizes (phrase gaps, size buckets) and would split such phrases.
    """
    groups: dict[tuple, list[dict]] = {}
    for w in words:
        groups.setdefault(w["_line"], []).append(w)
    for ws in groups.values():
        hs = sorted(w["bottom"] - w["top"] for w in ws)
        tops = sorted(w["top"] for w in ws)
        bottoms = sorted(w["bottom"] for w in ws)
        h = hs[len(hs) // 2]
        top, bottom = tops[len(tops) // 2], bottoms[len(bottoms) // 2]
        tol = 0.3 * h
        for w in ws:
            if w["bottom"] - w["top"] > 1.6 * h and w["top"] < top + tol and w["bottom"] > bottom - tol:
                w["top"], w["bottom"] = top, bottom  # a box swallowed a rule or a neighbour: the line's
            elif w["top"] >= top - tol and w["bottom"] <= bottom + tol + 0.3 * h:
                # inside the line's band (a descender may hang below): every word takes the line's box, as
                # in a text layer where "on" is as tall as "Ship". A word
                # off the band (tesseract joins stacked header labels into one line) keeps its own box.
                w["top"], w["bottom"] = top, bottom


# ---------------------------------------------------------------- the OCR pass


@dataclass
class OcrPage:
    """One OCR'd page: words on the straightened page (level rows) and how to map boxes back."""

    words: list[dict]
    width: float
    height: float
    angle: float  # degrees the page was turned (counter-clockwise) to straighten it
    seconds: float = 0.0

    def to_original(self, box: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
        """A (x0, top, x1, bottom) box on the straightened page → the same box on the scanned page."""
        return rotate_box(box, self.angle, self.width, self.height)


def rotate_box(box: tuple[float, float, float, float], angle: float, width: float, height: float
               ) -> tuple[float, float, float, float]:
    """Undo a counter-clockwise turn by ``angle`` degrees about the page centre (y axis down)."""
    if abs(angle) < 0.05:
        return box
    x0, top, x1, bottom = box
    cx, cy = width / 2.0, height / 2.0
    rad = math.radians(angle)
    cos_a, sin_a = math.cos(rad), math.sin(rad)
    w, h = x1 - x0, bottom - top
    mx, my = (x0 + x1) / 2 - cx, (top + bottom) / 2 - cy
    ox, oy = cx + mx * cos_a - my * sin_a, cy + mx * sin_a + my * cos_a
    return (round(ox - w / 2, 2), round(oy - h / 2, 2), round(ox + w / 2, 2), round(oy + h / 2, 2))


def _tesseract(image, dpi: int, psm: int = 3) -> dict[str, list[Any]]:
    import pytesseract
    from pytesseract import Output

    return pytesseract.image_to_data(image, lang="eng", config=f"--psm {psm} --oem 1 --dpi {dpi}",
                                     output_type=Output.DICT)


_NUMERIC_WORD = re.compile(r"^[-+($€£¥]?[\d.,]*\d[\d.,]*\)?$")
LINE_CONF = 82.0  # a line read with a mean confidence below this is read again whole
SECOND_PASS_CONF = 85.0  # numbers read below this are read again alone
SECOND_PASS_WORD_CONF = 60.0  # other words read below this too (bold headers, single digits)
MAX_SECOND_PASS = 40
SIDE_BEARING = 0.08
MIN_SINGLE_CONF = 30.0  # a lone character read below this is noise, not text  # × word height added left and right of an OCR box


def _odd_short(text: str) -> bool:
    """A one- or two-character token no document prints alone ("=", "&", "Ww", "nD"): tesseract's
    page pass misreads small isolated digits (line numbers) this way."""
    if len(text) > 2 or text in ("&", "#", "%", "$", "—", "-", "/"):
        return len(text) <= 2 and text == "&"
    return not text.isdigit() and not text.isupper() and not text.islower() or not text.isalnum()


def _mean_conf(ws: list[dict]) -> float:
    return sum(w["conf"] for w in ws) / len(ws)


def _second_pass(image, words: list[dict], scale: float) -> list[dict]:
    """Re-read doubtful text alone and return the words with the better readings in place.

    Doubtful: a line read with low mean confidence (light-grey print such as a "Date generated" footer
    is read as "yererated … 2926" among the page, right on its own), and outside such lines
    low-confidence numbers (squeezed between table rules), other low-confidence words and odd short
    tokens (an isolated line number read as "=").

    ``image`` is the straightened grey page; each crop gets its own threshold (a second, independent
    binarisation) and is enlarged. All crops go into one strip, one crop per row, read by a single
    tesseract call (a process per crop would cost ~0.2 s each).
    """
    from PIL import Image, ImageFilter

    lines: dict[tuple, list[dict]] = {}
    for w in words:
        lines.setdefault(w["_line"], []).append(w)
    todo: list[tuple[str, list[dict]]] = []  # ("line" | "word", the words it replaces)
    doubtful_lines = sorted((ws for ws in lines.values() if len(ws) >= 2 and _mean_conf(ws) < LINE_CONF),
                            key=_mean_conf)[:MAX_SECOND_PASS // 2]
    in_line = {id(w) for ws in doubtful_lines for w in ws}
    todo += [("line", ws) for ws in doubtful_lines]
    singles = [w for w in words if id(w) not in in_line and (
        w["conf"] < SECOND_PASS_CONF and _NUMERIC_WORD.match(w["text"])
        or w["conf"] < SECOND_PASS_WORD_CONF and len(w["text"]) <= 14 or _odd_short(w["text"]))]
    todo += [("word", [w]) for w in sorted(singles, key=lambda w: w["conf"])[:MAX_SECOND_PASS]]
    crops: list[tuple[str, list[dict], tuple[int, int, int, int], Any]] = []
    for kind, ws in todo:
        pad_x, pad_y = 4 * scale, 3 * scale
        box = (int(max(0, min(w["x0"] for w in ws) * scale - pad_x)),
               int(max(0, min(w["top"] for w in ws) * scale - pad_y)),
               int(min(image.width, max(w["x1"] for w in ws) * scale + pad_x)),
               int(min(image.height, max(w["bottom"] for w in ws) * scale + pad_y)))
        if box[2] - box[0] < 4 or box[3] - box[1] < 4:
            continue
        crop = image.crop(box).filter(ImageFilter.MedianFilter(3))
        cut = _otsu(crop.histogram())
        crop = crop.resize((crop.width * 2, crop.height * 2), Image.Resampling.LANCZOS)
        crops.append((kind, ws, box, crop.point([255 if v > cut else 0 for v in range(256)])))
    if not crops:
        return words
    gap = 40
    strip = Image.new("L", (max(c.width for *_, c in crops) + 2 * gap,
                            sum(c.height + gap for *_, c in crops) + gap), 255)
    spans: list[tuple[int, int]] = []
    y = gap
    for *_, c in crops:
        strip.paste(c, (gap, y))
        spans.append((y, y + c.height))
        y += c.height + gap
    try:
        data = _tesseract(strip, int(round(scale * 72 * 2)), psm=6)
    except Exception:  # noqa: BLE001 - the first readings stand
        return words
    found: list[list[dict]] = [[] for _ in crops]
    for i, raw in enumerate(data["text"]):
        t, c = clean_token(raw or ""), float(data["conf"][i])
        if not t or c < 0:
            continue
        left, top, width, height = (float(data[k][i]) for k in ("left", "top", "width", "height"))
        mid = top + height / 2
        for k, (a, b) in enumerate(spans):
            if a - gap / 2 <= mid <= b + gap / 2:
                bx0, by0 = crops[k][2][:2]
                x0, y0 = bx0 + (left - gap) / 2, by0 + (top - a) / 2
                found[k].append({"text": t, "conf": round(c, 1), "x0": x0 / scale, "x1": (x0 + width / 2) / scale,
                                 "top": y0 / scale, "bottom": (y0 + height / 2) / scale, "_line": crops[k][1][0]["_line"]})
                break
    for (kind, ws, _, _), toks in zip(crops, found, strict=True):
        if kind == "word":
            w = ws[0]
            if len(toks) != 1 or toks[0]["conf"] <= w["conf"] + 5:
                continue
            if _NUMERIC_WORD.match(w["text"]) and not _NUMERIC_WORD.match(toks[0]["text"]):
                continue  # a number stays a number: the page pass saw digits there
            w["text"], w["conf"] = toks[0]["text"], toks[0]["conf"]
        else:  # word by word: a clearly better reading at the same place replaces the page pass's
            for w in ws:
                at = [t for t in toks if w["x0"] - 2 <= (t["x0"] + t["x1"]) / 2 <= w["x1"] + 2]
                if len(at) == 1 and at[0]["conf"] > w["conf"] + 10:
                    if _NUMERIC_WORD.match(w["text"]) and not _NUMERIC_WORD.match(at[0]["text"]):
                        continue
                    w["text"], w["conf"] = at[0]["text"], at[0]["conf"]
    return words


_cache: OrderedDict[tuple[bytes, int, int], OcrPage] = OrderedDict()
_cache_lock = threading.Lock()


def ocr_page(pdf_bytes: bytes, page_index: int, *, dpi: int = 300) -> OcrPage:
    """One page's OCR, from a small per-process cache of the pages last read (keyed by the bytes' hash):
    the same scan is read again and again in one process — the extractor, then learning scoring its
    candidate hints on a saved version, re-applying them to waiting orders — and OCR is seconds a page
    where everything else is milliseconds. Callers get their own copy of the words."""
    key = (hashlib.blake2b(pdf_bytes, digest_size=16).digest(), page_index, dpi)
    with _cache_lock:
        page = _cache.get(key)
        if page is not None:
            _cache.move_to_end(key)
    if page is None:
        page = _read_page(pdf_bytes, page_index, dpi=dpi)
        with _cache_lock:
            _cache[key] = page
            while len(_cache) > CACHED_PAGES:
                _cache.popitem(last=False)
    return dataclasses.replace(page, words=[dict(w) for w in page.words])


def _read_page(pdf_bytes: bytes, page_index: int, *, dpi: int = 300) -> OcrPage:
    """OCR one page: render, straighten, clean, tesseract, token cleanup, a second look at doubtful numbers.

    Words are in pdfplumber's format (``text, x0, x1, top, bottom`` in points, plus ``conf``)
    on the straightened page, so the rows of a table are level for the layout engine.
    """
    import time

    from PIL import Image

    started = time.monotonic()
    image, scale = render_page(pdf_bytes, page_index, dpi)
    width, height = image.width / scale, image.height / scale
    angle = estimate_skew(image)
    if abs(angle) >= 0.05:
        image = image.rotate(angle, resample=Image.Resampling.BICUBIC, expand=False, fillcolor=255)
    grey = image
    image = clean_image(image)
    data = _tesseract(image, round(scale * 72))
    words: list[dict] = []
    for i, raw in enumerate(data["text"]):
        try:
            conf = float(data["conf"][i])
        except (TypeError, ValueError):
            conf = -1.0
        text = clean_token(raw or "")
        if not text or conf < 0 or (len(text) == 1 and conf < MIN_SINGLE_CONF):
            continue
        left, top, box_w, box_h = (float(data[k][i]) for k in ("left", "top", "width", "height"))
        words.append({"text": text, "x0": left / scale, "x1": (left + box_w) / scale, "top": top / scale,
                      "bottom": (top + box_h) / scale, "conf": round(conf, 1),
                      "_line": (data["block_num"][i], data["par_num"][i], data["line_num"][i])})
    words = _second_pass(grey, words, scale)
    _normalise_lines(words)
    for w in words:
        del w["_line"]
        # ink boxes are tighter than a text layer's glyph boxes (side bearings, a colon's advance):
        # widen them a little so a label and its value share a column as they do in text PDFs
        pad = SIDE_BEARING * (w["bottom"] - w["top"])
        w["x0"], w["x1"] = w["x0"] - pad, w["x1"] + pad
        for k in ("x0", "x1", "top", "bottom"):
            w[k] = round(w[k], 2)
        w.update(doctop=w["top"], width=round(w["x1"] - w["x0"], 2), height=round(w["bottom"] - w["top"], 2),
                 upright=True, direction="ltr")
    return OcrPage(words, width, height, angle, round(time.monotonic() - started, 3))


def ocr_page_words(pdf_bytes: bytes, page_index: int, *, dpi: int = 300, deskewed: bool = False) -> list[dict]:
    """Words of one page in pdfplumber's format (``text, x0, x1, top, bottom`` in points, plus ``conf``).

    Boxes sit on the original page (the deskew is undone) unless ``deskewed`` is True, which
    gives coordinates on the straightened page — level rows, better for grouping table rows.
    """
    page = ocr_page(pdf_bytes, page_index, dpi=dpi)
    if deskewed:
        return page.words
    out = []
    for w in page.words:
        x0, top, x1, bottom = page.to_original((w["x0"], w["top"], w["x1"], w["bottom"]))
        out.append(w | {"x0": x0, "x1": x1, "top": top, "bottom": bottom, "doctop": top})
    return out


__all__ = ["OcrPage", "clean_image", "clean_token", "estimate_skew", "ocr_page", "ocr_page_words", "page_size",
           "render_page", "rotate_box"]
