"""Source-document views for the order screen: page images, sheet grids, EDI segments.

Each function takes raw document bytes plus the order's provenance and returns plain data
the templates draw. Boxes are given as percentages of the page so they stay on the value
whatever size the browser draws the image at.
"""

from __future__ import annotations

import csv
import io
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from typing import Any

from orderflow.canonical import OrderLine, Provenance, field_provenance

PDF_SCALE = 1.5  # 108 dpi: sharp enough to read, light enough to send
MAX_GRID_ROWS = 200
MAX_GRID_COLS = 30
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".gif")


def document_kind(data: bytes, filename: str | None, fmt: str | None) -> str:
    """pdf | image | sheet | edi | json | text — decides which source view to draw."""
    name = (filename or "").lower()
    fmt = (fmt or "").lower()
    head = data[:8]
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith((b"\x89PNG", b"\xff\xd8", b"II*\x00", b"MM\x00*", b"GIF8", b"BM")) or name.endswith(
        IMAGE_SUFFIXES
    ):
        return "image"
    if head.startswith(b"PK") or head.startswith(b"\xd0\xcf\x11\xe0") or name.endswith((".xlsx", ".xls", ".csv")):
        return "sheet"
    if fmt in ("spreadsheet", "csv"):
        return "sheet"
    stripped = data.lstrip()[:3]
    if stripped in (b"ISA", b"UNA", b"UNB") or fmt.startswith(("x12", "edifact")):
        return "edi"
    if stripped[:1] in (b"{", b"["):
        return "json"
    return "text"


# ---------------------------------------------------------------- pages (PDF, scans)


@dataclass
class PageBox:
    field: str
    left: float  # percent of page width
    top: float
    width: float
    height: float
    raw: str | None = None
    confidence: float = 1.0


@dataclass
class PageView:
    number: int  # 1-based
    width_pt: float
    height_pt: float
    boxes: list[PageBox] = field(default_factory=list)


def page_sizes(data: bytes, kind: str) -> list[tuple[float, float]]:
    """Page sizes in PDF points (images: pixels, which is what OCR boxes use)."""
    if kind == "pdf":
        import pypdfium2 as pdfium

        pdf = pdfium.PdfDocument(data)
        try:
            return [tuple(pdf[i].get_size()) for i in range(len(pdf))]
        finally:
            pdf.close()
    from PIL import Image

    with Image.open(io.BytesIO(data)) as im:
        sizes = []
        for frame in range(getattr(im, "n_frames", 1)):
            im.seek(frame)
            sizes.append((float(im.width), float(im.height)))
        return sizes


def page_views(data: bytes, kind: str, provenance: Mapping[str, Provenance], sha256: str | None = None
               ) -> list[PageView]:
    """One view per page with a box for every field whose provenance has page + bbox.

    With ``sha256`` the page sizes are read once per document (``LAYOUT_CACHE``)."""
    try:
        sizes = (LAYOUT_CACHE.get(("sizes", sha256), lambda: page_sizes(data, kind)) if sha256
                 else page_sizes(data, kind))
    except Exception:  # a broken file still shows the form
        return []
    pages = [PageView(number=i + 1, width_pt=w, height_pt=h) for i, (w, h) in enumerate(sizes)]
    for path, prov in provenance.items():
        if prov.bbox is None:
            continue
        number = prov.page or 1  # provenance pages are 1-based
        if not 1 <= number <= len(pages):
            continue
        page = pages[number - 1]
        x0, top, x1, bottom = prov.bbox
        page.boxes.append(
            PageBox(
                field=path,
                left=round(100 * x0 / page.width_pt, 4),
                top=round(100 * top / page.height_pt, 4),
                width=round(100 * max(x1 - x0, 1) / page.width_pt, 4),
                height=round(100 * max(bottom - top, 1) / page.height_pt, 4),
                raw=prov.raw,
                confidence=prov.confidence,
            )
        )
    return pages


class _Memo:
    """A bounded, thread-safe LRU where each value is built once: concurrent requests for the same
    key wait for the first build instead of rendering the same heavy page again (routes run in a
    thread pool). Bounded by total size (``weigh``) and by entry count."""

    def __init__(self, max_weight: int, max_items: int, weigh: Callable[[Any], int] = lambda _v: 1) -> None:
        self.max_weight, self.max_items, self.weigh = max_weight, max_items, weigh
        self.items: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()
        self.weight = 0
        self.lock = threading.Lock()
        self.building: dict[Hashable, threading.Lock] = {}
        self.builds = 0  # how many values were built (tests: "rendered once")

    def get(self, key: Hashable, build: Callable[[], Any]) -> Any:
        with self.lock:
            if key in self.items:
                self.items.move_to_end(key)
                return self.items[key][0]
            gate = self.building.setdefault(key, threading.Lock())
        with gate:
            with self.lock:
                if key in self.items:
                    return self.items[key][0]
            try:
                value = build()
            finally:
                with self.lock:
                    self.building.pop(key, None)
            weight = self.weigh(value)
            with self.lock:
                self.builds += 1
                if weight <= self.max_weight:
                    self.items[key] = (value, weight)
                    self.weight += weight
                    while self.weight > self.max_weight or len(self.items) > self.max_items:
                        _, (_, w) = self.items.popitem(last=False)
                        self.weight -= w
            return value

    def clear(self) -> None:
        with self.lock:
            self.items.clear()
            self.weight = 0
            self.builds = 0


PNG_CACHE = _Memo(max_weight=96 * 1024 * 1024, max_items=256, weigh=len)  # rendered pages, by bytes
LAYOUT_CACHE = _Memo(max_weight=64, max_items=64)  # page sizes and clickable words, per document


def page_png(sha256: str, data: bytes, kind: str, number: int) -> bytes:
    """``render_page_png`` rendered once per (document sha256, page, scale) and kept in a bounded LRU
    (documents never change, so the sha256 is the whole identity)."""
    return PNG_CACHE.get((sha256, number, PDF_SCALE), lambda: render_page_png(data, kind, number))


def render_page_png(data: bytes, kind: str, number: int) -> bytes:
    """The page drawn to PNG: pypdfium2 for PDFs, Pillow for scans (TIFF pages too)."""
    if number < 1:
        raise IndexError(f"page {number} does not exist")
    out = io.BytesIO()
    if kind == "pdf":
        import pypdfium2 as pdfium

        pdf = pdfium.PdfDocument(data)
        try:
            if number > len(pdf):
                raise IndexError(f"page {number} does not exist (the document has {len(pdf)})")
            page = pdf[number - 1]
            image = page.render(scale=PDF_SCALE).to_pil()
            image.save(out, format="PNG", optimize=False)
        finally:
            pdf.close()
        return out.getvalue()
    from PIL import Image

    with Image.open(io.BytesIO(data)) as im:
        im.seek(number - 1)
        im.convert("RGB").save(out, format="PNG")
    return out.getvalue()


# ---------------------------------------------------------------- spreadsheets

_CELL_RE = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def parse_cell(ref: str) -> tuple[int, int] | None:
    """'B7' → (row 7, column 2), both 1-based; None when it is not an A1 reference."""
    match = _CELL_RE.match(ref.strip())
    if not match:
        return None
    col = 0
    for ch in match.group(1).upper():
        col = col * 26 + ord(ch) - 64
    return int(match.group(2)), col


@dataclass
class SheetGrid:
    name: str
    columns: list[str]
    rows: list[tuple[int, list[str]]]  # (1-based row number, cell texts)
    marks: dict[tuple[int, int], list[str]] = field(default_factory=dict)  # (row, col) → field paths
    truncated: bool = False


def _fmt(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_sheets(data: bytes, filename: str | None) -> list[tuple[str, list[list[str]]]]:
    """Every sheet as a list of text rows. xlsx via openpyxl, xls via xlrd, else CSV."""
    name = (filename or "").lower()
    if data[:2] == b"PK":
        import openpyxl

        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            return [
                (ws.title, [[_fmt(v) for v in row] for _, row in zip(range(MAX_GRID_ROWS + 1), ws.iter_rows(values_only=True), strict=False)])
                for ws in wb.worksheets
            ]
        finally:
            wb.close()
    if data[:4] == b"\xd0\xcf\x11\xe0" or name.endswith(".xls"):
        import xlrd

        book = xlrd.open_workbook(file_contents=data)
        return [
            (sh.name, [[_fmt(v) for v in sh.row_values(r)] for r in range(min(sh.nrows, MAX_GRID_ROWS + 1))])
            for sh in book.sheets()
        ]
    text = data.decode("utf-8-sig", errors="replace")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t|")
        rows = list(csv.reader(io.StringIO(text), dialect))
    except csv.Error:
        rows = list(csv.reader(io.StringIO(text)))
    return [("CSV", rows[: MAX_GRID_ROWS + 1])]


def sheet_grids(data: bytes, filename: str | None, provenance: Mapping[str, Provenance]) -> list[SheetGrid]:
    """The workbook as grids, with each field's source cell marked."""
    try:
        sheets = read_sheets(data, filename)
    except Exception:
        return []
    grids: list[SheetGrid] = []
    for index, (title, rows) in enumerate(sheets):
        width = min(max((len(r) for r in rows), default=0), MAX_GRID_COLS)
        grid = SheetGrid(
            name=title,
            columns=[column_letter(i) for i in range(width)],
            rows=[(n + 1, (r + [""] * width)[:width]) for n, r in enumerate(rows[:MAX_GRID_ROWS])],
            truncated=len(rows) > MAX_GRID_ROWS,
        )
        for path, prov in provenance.items():
            if not prov.cell:
                continue
            if prov.sheet and prov.sheet != title and len(sheets) != 1:
                continue
            if not prov.sheet and index != 0:
                continue
            pos = parse_cell(prov.cell)
            if pos:
                grid.marks.setdefault(pos, []).append(path)
        grids.append(grid)
    return grids


# ---------------------------------------------------------------- EDI


@dataclass
class EdiSegment:
    index: int  # 0-based position in the file, as provenance.segment counts
    text: str
    tag: str
    fields: list[str] = field(default_factory=list)
    diagnostics: list[str] = field(default_factory=list)


def split_segments(data: bytes) -> list[str]:
    """Split X12 (terminator from the ISA header) or EDIFACT (UNA or "'", release char '?')."""
    text = data.decode("latin-1").lstrip("\ufeff\r\n \t")
    if text.startswith("ISA") and len(text) > 105:
        terminator = text[105]
        parts = text.split(terminator)
    else:
        terminator, release = "'", "?"
        if text.startswith("UNA") and len(text) >= 9:
            release, terminator = text[6], text[8]
        parts, buf, escaped = [], [], False
        for ch in text:
            if escaped:
                buf.append(ch)
                escaped = False
            elif ch == release and release.strip():
                buf.append(ch)
                escaped = True
            elif ch == terminator:
                parts.append("".join(buf))
                buf = []
            else:
                buf.append(ch)
        parts.append("".join(buf))
    return [p.strip("\r\n") for p in parts if p.strip()]


def edi_segments(
    data: bytes, provenance: Mapping[str, Provenance], diagnostics: list[dict[str, Any]] | None = None
) -> list[EdiSegment]:
    """Segments with the field paths that came from each, plus diagnostics pointing at them.

    EDI provenance is per segment: a column entry (``lines``, ``lines.description``) names the
    segment of every line, so each line field is resolved (``field_provenance``: exact entry,
    enclosing entry, column) and its path put on that segment, where the form's field finds it.
    """
    segs = [EdiSegment(index=i, text=s, tag=re.split(r"[*+~|^:]", s, maxsplit=1)[0][:3]) for i, s in enumerate(split_segments(data))]

    def mark(segment: int | None, path: str) -> None:
        if segment is not None and 0 <= segment < len(segs) and path not in segs[segment].fields:
            segs[segment].fields.append(path)

    lines = 0
    for path, prov in provenance.items():
        if prov.segments is not None:  # a column entry: resolved per line below
            lines = max(lines, len(prov.segments))
        else:
            mark(prov.segment, path)
            if (m := _LINE_N.match(path)) is not None:
                lines = max(lines, int(m.group(1)) + 1)
    for n in range(lines):
        for name in _LINE_FIELDS:
            path = f"lines[{n}].{name}"
            if path not in provenance and (found := field_provenance(provenance, path)) is not None:
                mark(found.segment, path)
    for diag in diagnostics or []:
        pos = (diag.get("position") or {}).get("segment")
        if isinstance(pos, int) and 0 <= pos < len(segs):
            segs[pos].diagnostics.append(f"{diag.get('code', '')}: {diag.get('message', '')}")
    return segs


_LINE_N = re.compile(r"lines\[(\d+)\]")
# the line fields a form shows, one value each (ids, charges, notes … are not single inputs)
_LINE_FIELDS = [f for f in OrderLine.model_fields if f not in ("ids", "charges", "destinations", "notes")]
