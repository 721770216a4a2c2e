"""Helpers for the EDI tests (a plain module: test dirs have no __init__.py, so no `conftest` imports)."""

from __future__ import annotations

from pathlib import Path

from fixtures.shared import CORPUS as _SHARED_CORPUS  # noqa: E402

from orderflow.extractors.edifact_orders import EdifactExtractor
from orderflow.extractors.x12_850 import X12Extractor

CORPUS = _SHARED_CORPUS / "edi"
DATA = Path(__file__).parent / "data"


def corpus_files() -> list[Path]:
    return sorted(p for p in CORPUS.glob("*.edi") if Path(str(p) + ".expected.json").exists())


def extract_any(data: bytes, name: str = ""):
    if name.startswith("edifact") or data.lstrip(b"\xef\xbb\xbf \r\n").startswith((b"UNA", b"UNB", b"UNH")):
        return EdifactExtractor().extract(data)
    return X12Extractor().extract(data)
