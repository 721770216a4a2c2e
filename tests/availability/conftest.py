"""Fixtures for availability and quote tests: a private copy of the demo reference data."""

from __future__ import annotations

import pytest
from availability_helpers import SAMPLES

from orderflow.canonical import ReferenceData
from orderflow.erp_push.reference_csv import load_reference_csv


@pytest.fixture(scope="session")
def _sample_ref() -> ReferenceData:
    return load_reference_csv(SAMPLES)


@pytest.fixture
def ref(_sample_ref: ReferenceData) -> ReferenceData:
    return _sample_ref.model_copy(deep=True)
