"""Fixtures for order changes: a pipeline on the file adapter, and one on a real Tryton built from samples/."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

_TESTS = str(Path(__file__).resolve().parent.parent)
if _TESTS not in sys.path:
    sys.path.insert(0, _TESTS)

from fixtures.tryton import TrytonTemplate, build_template  # noqa: E402

from orderflow.erp_push.reference_csv import load_reference_csv  # noqa: E402
from orderflow.erp_push.tryton import TrytonAdapter  # noqa: E402
from orderflow.flows.services import build_services  # noqa: E402
from orderflow.flows.settings import SAMPLES_DIR, load_settings  # noqa: E402


@pytest.fixture
def settings(tmp_path: Path):
    return load_settings(home=tmp_path / "var")


@pytest.fixture
def services(settings):
    """The whole pipeline on SQLite with the file adapter and the sample reference data."""
    return build_services(settings)


@pytest.fixture(scope="session")
def samples_tryton(tmp_path_factory: pytest.TempPathFactory) -> TrytonTemplate:
    """A demo Tryton database holding the samples/ catalogue (GLOBEX, JAN-300x …), built once."""
    return build_template(tmp_path_factory, load_reference_csv(SAMPLES_DIR / "reference"))


@pytest.fixture
def tryton_services(samples_tryton: TrytonTemplate, settings):
    """The pipeline pushing to a fresh copy of that Tryton database (sales end in quotation)."""
    cfg = samples_tryton.copy()
    adapter = TrytonAdapter(cfg)
    yield build_services(settings, adapter=adapter), cfg
    samples_tryton.drop(cfg)
