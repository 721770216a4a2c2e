"""Fixtures for the ERP follow-ups: a real Tryton built from samples/reference, and a pipeline on it."""

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


@pytest.fixture(scope="session")
def samples_tryton(tmp_path_factory: pytest.TempPathFactory) -> TrytonTemplate:
    """A demo Tryton database holding the samples/ catalogue (ACME, GLOBEX, FAS-100x …), built once."""
    return build_template(tmp_path_factory, load_reference_csv(SAMPLES_DIR / "reference"))


@pytest.fixture
def tryton_cfg(samples_tryton: TrytonTemplate):
    cfg = samples_tryton.copy()
    yield cfg
    samples_tryton.drop(cfg)


@pytest.fixture
def tryton_services(tryton_cfg, settings):
    """The pipeline pushing to a fresh copy of that Tryton database (sales end in quotation)."""
    return build_services(settings, adapter=TrytonAdapter(tryton_cfg))


@pytest.fixture
def tryton_env(samples_tryton: TrytonTemplate, tryton_cfg, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Environment for the ``orderflow`` CLI on that Tryton copy (erp = tryton, embedded)."""
    env = {
        "ORDERFLOW_HOME": str(tmp_path / "cli-var"),
        "ORDERFLOW_ERP": "tryton",
        "ORDERFLOW_TRYTON__DATABASE": tryton_cfg.database,
        "ORDERFLOW_TRYTON__CONFIG_FILE": str(tryton_cfg.config_file),
        "ORDERFLOW_TRYTON__DATA_DIR": str(samples_tryton.db_dir),
    }
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    return env
