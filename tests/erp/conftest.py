"""ERP test fixtures: a real Tryton (SQLite template copied per test, trytond server, PostgreSQL)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

_TESTS = str(Path(__file__).resolve().parent.parent)
if _TESTS not in sys.path:
    sys.path.insert(0, _TESTS)

from fixtures.tryton import TrytonTemplate, build_template, start_trytond  # noqa: E402

from orderflow.erp_push.tryton import TrytonAdapter  # noqa: E402
from orderflow.erp_push.tryton_config import TrytonConfig  # noqa: E402


@pytest.fixture(scope="session")
def tryton_template(tmp_path_factory: pytest.TempPathFactory) -> TrytonTemplate:
    """trytond-admin + demo data once per session (~20 s)."""
    return build_template(tmp_path_factory.mktemp("tryton"))


@pytest.fixture
def tryton_config(tryton_template: TrytonTemplate):
    cfg = tryton_template.copy()
    yield cfg
    tryton_template.drop(cfg)


@pytest.fixture
def tryton(tryton_config: TrytonConfig) -> TrytonAdapter:
    """The in-process adapter on a fresh copy of the demo database."""
    return TrytonAdapter(tryton_config)


@pytest.fixture
def remote_config(tryton_template: TrytonTemplate, tmp_path: Path):
    """A fresh database copy served by its own trytond process (HTTP on 127.0.0.1)."""
    cfg = tryton_template.copy()
    server = start_trytond(tmp_path / "trytond", [cfg.database], db_dir=tryton_template.db_dir)
    yield cfg.with_url(server.url)
    server.stop()
    (tryton_template.db_dir / f"{cfg.database}.sqlite").unlink(missing_ok=True)
