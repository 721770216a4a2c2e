"""Fixtures for the PDF extractor tests: generated POs and the corpus text PDFs."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from fixtures.shared import CORPUS as _SHARED_CORPUS  # noqa: E402

os.environ.setdefault("OMP_THREAD_LIMIT", "1")
sys.path.insert(0, str(Path(__file__).parent))

CORPUS = _SHARED_CORPUS / "docs" / "po"


def _render(tmp_path_factory, name: str, module: str, maker: str, seeds: int) -> Path:
    """Render ``seeds`` documents with ``module.maker(path, seed)`` (each writes its gold JSON beside it)."""
    import importlib

    make = getattr(importlib.import_module(module), maker)
    out = tmp_path_factory.mktemp(name)
    for seed in range(seeds):
        make(out / f"{name}_{seed:03d}.pdf", seed)
    return out


@pytest.fixture(scope="session")
def generated(tmp_path_factory) -> Path:
    return _render(tmp_path_factory, "gen", "generate", "make", 6)


@pytest.fixture(scope="session")
def generated_hard(tmp_path_factory) -> Path:
    """Harder generated layouts (labels above values, side-by-side addresses, wrapped descriptions, tax rows)."""
    return _render(tmp_path_factory, "hard", "generate", "make_hard", 8)


@pytest.fixture(scope="session")
def corpus_text(tmp_path_factory) -> Path:
    """The corpus text PDFs (not the scans) with their gold, linked into one folder."""
    if not CORPUS.exists():
        pytest.fail(f"corpus missing at {CORPUS}")
    out = tmp_path_factory.mktemp("corpus")
    for pdf in CORPUS.glob("*.pdf"):
        if "_scan" in pdf.name:
            continue
        (out / pdf.name).symlink_to(pdf)
        gold = pdf.with_suffix(".expected.json")
        (out / gold.name).symlink_to(gold)
    return out


@pytest.fixture(scope="session")
def generated_varied(tmp_path_factory) -> Path:
    """Unseen-layout variety: other header labels, key/value boxes, "Item No." beside "Line", UOM words."""
    return _render(tmp_path_factory, "var", "generate", "make_varied", 10)


@pytest.fixture(scope="session")
def generated_sales(tmp_path_factory) -> Path:
    """Seller-side documents: sales orders, confirmations, quotations and invoices (see generate_sales)."""
    return _render(tmp_path_factory, "sales", "generate_sales", "make_sales", 12)


@pytest.fixture(scope="session")
def generated_erp(tmp_path_factory) -> Path:
    """ERP print styles: SAP Smart Forms (EN/DE), Oracle BI Publisher, JDE spool, Dynamics NAV, Word/Crystal."""
    import generate_erp

    out = tmp_path_factory.mktemp("erp")
    generate_erp.make_all(out)
    return out
