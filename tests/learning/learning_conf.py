"""Learning fixtures: a SQLite store, generated buyer PDFs (bench.learning layouts) and helpers that
save an extracted document as the pipeline would (document first, then the order with provenance)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

_TESTS = str(Path(__file__).resolve().parents[1])  # so `fixtures.browser` imports without a tests package
if _TESTS not in sys.path:
    sys.path.insert(0, _TESTS)

from orderflow.bench.learning import LAYOUTS, Layout, document_values, layout_pdf  # noqa: E402
from orderflow.canonical import CanonicalOrder, Envelope  # noqa: E402
from orderflow.extractors.base import ExtractContext  # noqa: E402
from orderflow.extractors.pdf_text import PdfExtractor  # noqa: E402
from orderflow.store import repository as repo  # noqa: E402
from orderflow.store.db import make_engine, migrate, session_factory  # noqa: E402

ACME = LAYOUTS[0]  # "Cust. Ord. Ref" is its PO number label


def extract(data: bytes, sender: str | None, hints: list[dict[str, Any]] | None = None) -> CanonicalOrder:
    """The real PDF extractor, text layer only (the generated PDFs have one)."""
    ext = PdfExtractor().extract(data, ExtractContext(filename="po.pdf", sender=sender, hints=hints or [], ocr=False))
    return ext.orders[0]


def no_rules(order: CanonicalOrder, row: Any) -> tuple[list, dict]:
    """Re-validation without reference data: learning is about extraction, not about the rules."""
    return [], {}


class Store:
    def __init__(self, root: Path) -> None:
        self.engine = make_engine(f"sqlite:///{root / 'store.db'}")
        migrate(self.engine)
        self.Session = session_factory(self.engine)

    def save(self, data: bytes, sender: str, order: CanonicalOrder, filename: str = "po.pdf") -> int:
        """Document first, then its order in review (as the pipeline saves them); returns the order id."""
        with self.Session() as s:
            doc, _ = repo.save_document(s, Envelope(data=data, filename=filename, channel="imap", sender=sender))
            repo.mark_document(s, doc, "processed", fmt="pdf_text")
            row = repo.save_order(s, doc, 0, order, state="needs_review", issues=[], customer_id=None,
                                  ship_to_id=None, resolved={})
            s.commit()
            return row.id


@pytest.fixture
def store(tmp_path) -> Store:
    return Store(tmp_path)


@pytest.fixture
def layout_doc():
    """``layout_doc(layout, n, **overrides)`` → (pdf bytes, gold values)."""

    def make(layout: Layout, n: int, **kw: Any) -> tuple[bytes, dict[str, Any]]:
        values = {**document_values(layout, n), **kw}
        return layout_pdf(layout, values), values

    return make
