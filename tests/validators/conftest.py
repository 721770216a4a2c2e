"""Shared fixtures for the validator tests: the demo reference data."""

from __future__ import annotations

import pytest
from validators_helpers import SAMPLES

from orderflow.canonical import ReferenceData
from orderflow.erp_push.reference_csv import load_reference_csv


@pytest.fixture(scope="session")
def sample_ref() -> ReferenceData:
    return load_reference_csv(SAMPLES)


@pytest.fixture
def ref(sample_ref: ReferenceData) -> ReferenceData:
    """A private copy, so a test that appends a learned cross-reference cannot leak."""
    return sample_ref.model_copy(deep=True)
