"""Format sniffing and dispatch: the only door into the extractors."""

from __future__ import annotations

import importlib
import logging
from collections.abc import Iterator

from orderflow.canonical import CanonicalOrder, Extraction, Issue, IssueCode, Severity
from orderflow.extractors.base import ExtractContext, ExtractionError, Extractor

log = logging.getLogger(__name__)

# module path → attribute; imported lazily so `orderflow extract x.edi` never loads pdfplumber.
_PLUGINS: list[tuple[str, str]] = [
    ("orderflow.extractors.x12_850", "X12Extractor"),
    ("orderflow.extractors.edifact_orders", "EdifactExtractor"),
    ("orderflow.extractors.portal_json", "PortalJsonExtractor"),
    ("orderflow.extractors.spreadsheet", "SpreadsheetExtractor"),
    ("orderflow.extractors.csv_orders", "CsvExtractor"),
    ("orderflow.extractors.pdf_text", "PdfExtractor"),
]

_loaded: list[Extractor] = []  # extractors imported so far, in _PLUGINS order
_tried = 0  # how many of _PLUGINS were tried (a missing optional module is skipped)


def _iter_extractors() -> Iterator[Extractor]:
    """The extractors in plug-in order, importing each module only when it is reached."""
    global _tried
    i = 0
    while True:
        while i >= len(_loaded) and _tried < len(_PLUGINS):
            module_name, attr = _PLUGINS[_tried]
            _tried += 1
            try:
                module = importlib.import_module(module_name)
            except ModuleNotFoundError as exc:
                if exc.name == module_name:
                    continue
                raise
            _loaded.append(getattr(module, attr)())
        if i >= len(_loaded):
            return
        yield _loaded[i]
        i += 1


def extractors() -> list[Extractor]:
    """All extractors whose module is present (a missing optional module is skipped)."""
    return list(_iter_extractors())


def sniff(data: bytes, filename: str | None = None) -> Extractor | None:
    """The extractor most sure the bytes are its format, or None.

    A sniffer that is certain (1.0) ends the search, so an EDI file never imports the PDF and
    spreadsheet readers (``orderflow extract x.edi`` starts fast)."""
    best: tuple[float, Extractor | None] = (0.0, None)
    for ex in _iter_extractors():
        try:
            score = ex.sniff(data, filename)
        except Exception:  # a sniffer must never take the run down
            log.exception("sniffer %s failed", ex.name)
            continue
        if score > best[0]:
            best = (score, ex)
            if score >= 1.0:
                break
    return best[1]


def parse_error(fmt: str, reason: str, field: str | None = None) -> Extraction:
    return Extraction(
        format=fmt,
        issues=[Issue(code=IssueCode.PARSE_ERROR, severity=Severity.ERROR, field=field, message=reason)],
    )


def extract(data: bytes, ctx: ExtractContext | None = None, *, calibrate: bool = True) -> Extraction:
    """Sniff and extract. Unusable input gives a PARSE_ERROR/UNSUPPORTED_FORMAT, never a traceback.

    ``calibrate=False`` leaves the engine's raw confidences (``bench/calibration.py`` fits on them)."""
    ctx = ctx or ExtractContext()
    if not data or not data.strip():
        return parse_error("unknown", "The file is empty.")
    if len(data) > ctx.max_bytes:
        return parse_error("unknown", f"The file is {len(data):,} bytes, over the {ctx.max_bytes:,}-byte limit.")
    extractor = sniff(data, ctx.filename)
    if extractor is None:
        result = Extraction(
            format="unknown",
            issues=[
                Issue(
                    code=IssueCode.UNSUPPORTED_FORMAT,
                    message="Not a format orderflow reads (EDI X12/EDIFACT, PDF, XLSX/XLS/CSV or portal JSON).",
                )
            ],
        )
        return result
    try:
        result = extractor.extract(data, ctx)
    except ExtractionError as exc:
        return parse_error(extractor.name, str(exc))
    except RecursionError:
        return parse_error(extractor.name, "The document is nested too deeply to read.")
    except MemoryError:
        return parse_error(extractor.name, "The document needs more memory than allowed to read.")
    except Exception as exc:  # last line of defence: a bug must not lose the document
        log.exception("extractor %s crashed on %s", extractor.name, ctx.filename)
        return parse_error(extractor.name, f"The {extractor.name} reader failed: {type(exc).__name__}: {exc}")
    for index, order in enumerate(result.orders):
        _finish(order, index, result.format, ctx)
    if calibrate and result.orders:
        from orderflow.extractors.confidence import calibrate as _calibrate  # noqa: PLC0415

        try:
            _calibrate(result, data, ocr=ctx.ocr)
        except Exception:  # no confidence model must cost the document: every field then goes to a person
            log.exception("confidence calibration failed on %s", ctx.filename)
            for order in result.orders:
                for path, prov in order.provenance.items():
                    order.provenance[path] = prov.model_copy(update={"confidence": 0.0})
    return result


def _finish(order: CanonicalOrder, index: int, fmt: str, ctx: ExtractContext) -> CanonicalOrder:
    """What every order gets from the run whatever the extractor filled in: format, file, channel, index."""
    src = order.source
    src.format = src.format or fmt
    src.filename = src.filename or ctx.filename
    src.channel = src.channel or ctx.channel
    src.sender = src.sender or ctx.sender
    src.index = index
    return order


def stream(data: bytes, ctx: ExtractContext | None = None) -> tuple[Extraction, Iterator[CanonicalOrder]]:
    """``extract`` one order at a time: ``(summary, orders)``. Extractors that can (EDI) map each
    order when it is asked for and forget it after, so a big interchange never sits in memory
    whole; the others extract first. ``summary.orders`` stays empty; its issues, diagnostics and
    metadata are complete once the iterator is exhausted."""
    ctx = ctx or ExtractContext()
    extractor = None
    if data and data.strip() and len(data) <= ctx.max_bytes:
        extractor = sniff(data, ctx.filename)
    streamer = getattr(extractor, "stream", None)
    if streamer is None:
        result = extract(data, ctx)
        orders, result.orders = result.orders, []
        return result, iter(orders)
    summary, orders = streamer(data, ctx)

    def finished() -> Iterator[CanonicalOrder]:
        for index, order in enumerate(orders):
            yield _finish(order, index, summary.format, ctx)

    return summary, finished()


def is_unusable(result: Extraction) -> bool:
    """No order and a PARSE_ERROR/UNSUPPORTED_FORMAT: the CLI's exit-2 case."""
    return not result.orders and any(
        i.code in (IssueCode.PARSE_ERROR, IssueCode.UNSUPPORTED_FORMAT, IssueCode.NOT_AN_ORDER) for i in result.issues
    )
