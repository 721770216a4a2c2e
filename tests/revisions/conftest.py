"""Fixtures for the revised-PO tests: the whole pipeline on SQLite with the file ERP adapter."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from orderflow.flows.services import build_services  # noqa: E402
from orderflow.flows.settings import load_settings  # noqa: E402


@pytest.fixture
def settings(tmp_path: Path):
    return load_settings(home=tmp_path / "var")


@pytest.fixture
def services(settings):
    """Sample reference data (customer ACME, FAS-1001/FAS-1003), file adapter, SQLite store."""
    return build_services(settings)
