"""Fixtures for the EDI tests."""

from __future__ import annotations

import pytest

from orderflow.extractors.edifact_orders import EdifactExtractor
from orderflow.extractors.x12_850 import X12Extractor


@pytest.fixture
def x12() -> X12Extractor:
    return X12Extractor()


@pytest.fixture
def edifact() -> EdifactExtractor:
    return EdifactExtractor()
