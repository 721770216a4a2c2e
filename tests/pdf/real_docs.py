"""The real purchase orders of docs/real/po as the tests read them: text layer only, never the hold-out ten."""

from __future__ import annotations

import json
from functools import cache

import pytest
from fixtures.shared import CORPUS

from orderflow.bench.accuracy import holdout_stems
from orderflow.canonical import Extraction
from orderflow.extractors import ExtractContext, extract

REAL = CORPUS / "docs" / "real" / "po"


@cache
def extract_real(stem: str, suffix: str = ".pdf") -> tuple[Extraction, dict]:
    """(the engine's extraction, the gold answer) for one real document; read once per test session."""
    assert stem not in holdout_stems(), "hold-out documents are scored only at the end, never tested on"
    path = REAL / f"{stem}{suffix}"
    if not path.exists():
        pytest.fail(f"the shared corpus lacks {path}")
    result = extract(path.read_bytes(), ExtractContext(filename=path.name, ocr=False))
    return result, json.loads((REAL / f"{stem}.expected.json").read_text())
