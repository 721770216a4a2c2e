"""The caps on the work one document may ask for (issue 18: any input up to the 50 MB attachment
limit ends in under 60 s and 1.5 GB, or is refused).

Each cap is far above real orders (the EDI benchmark interchange, 1,000 POs x 50 lines, is
110,000 X12 segments) and ends in a PARSE_ERROR that names it (``over_cap``). Readers count as they
go, so a file is refused before the structures the cap protects are built. The spreadsheet zip
budget (``sheet.loaders``) and the PDF page limit (``ExtractContext.max_pages``) are older caps of
the same kind; the numbers' own bounds are in ``canonical.bounded``.
"""

from __future__ import annotations

from orderflow.extractors.base import ExtractionError

MAX_EDI_SEGMENTS = 400_000  # per file, all interchanges (the EDI benchmark's 50,000 lines: X12 110,000,
#                             EDIFACT 260,000)
MAX_ORDERS_PER_FILE = 2_000  # 850/860 sets, ORDERS messages, CSV/sheet POs, portal JSON orders
MAX_LINES_PER_ORDER = 20_000  # lines of one order, every format
MAX_LINES_PER_FILE = 100_000  # lines of all the orders of one file (the EDI benchmark: 50,000)
MAX_TABLE_ROWS = 20_000  # order rows of one CSV/sheet table (a row costs ~15 KB as lines and provenance)
MAX_PAGE_CHARS = 60_000  # characters of text one PDF page may show (a dense real page: about 10,000)
MAX_INFLATED_BYTES = 32 * 1024 * 1024  # one PDF page's content streams, inflated
MAX_PDF_WORDS = 100_000  # words of one PDF, all pages (a dense 50-page order: about 40,000)

CAPS: dict[str, tuple[int, str]] = {
    "segments": (MAX_EDI_SEGMENTS, "EDI segments per file"),
    "orders": (MAX_ORDERS_PER_FILE, "orders per file"),
    "lines": (MAX_LINES_PER_ORDER, "lines per order"),
    "file_lines": (MAX_LINES_PER_FILE, "order lines per file"),
    "rows": (MAX_TABLE_ROWS, "order rows per table"),
    "characters": (MAX_PAGE_CHARS, "text characters per PDF page"),
    "inflated": (MAX_INFLATED_BYTES, "inflated bytes per PDF page"),
    "words": (MAX_PDF_WORDS, "words per PDF"),
}


def over_cap(cap: str, where: str, count: int | None = None) -> ExtractionError:
    """The PARSE_ERROR for a document over ``cap``: names the cap, its limit and where it was hit."""
    limit, what = CAPS[cap]
    found = f"more than {limit:,}" if count is None else f"{count:,}"
    return ExtractionError(f"{where} has {found} {what.split(' per ')[0]}: over the cap of {limit:,} {what}; "
                           "refusing to read it (split the document, or raise the cap in extractors/limits.py).")


def check(cap: str, count: int, where: str) -> None:
    """Raise ``over_cap`` when ``count`` exceeds the cap (call it as you count)."""
    if count > CAPS[cap][0]:
        raise over_cap(cap, where, count)


def cap(name: str) -> int:
    """The cap's current limit (read at call time, so a test or a deployment can lower it)."""
    return CAPS[name][0]
