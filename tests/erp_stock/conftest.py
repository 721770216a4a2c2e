"""A real Tryton with stock *and* purchase activated (the shared template has no purchase module).

Built once per test run by ``tests/fixtures/tryton.build_template`` with the purchase module added
(trytond-admin + company + the demo catalogue); each test works on its own copy.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

_TESTS = str(Path(__file__).resolve().parent.parent)
if _TESTS not in sys.path:
    sys.path.insert(0, _TESTS)

from fixtures.tryton import TrytonTemplate, build_template, demo_reference  # noqa: E402

from orderflow.erp_push.tryton_config import TrytonConfig  # noqa: E402
from orderflow.erp_push.tryton_setup import MODULES  # noqa: E402


@pytest.fixture(scope="session")
def stock_template(tmp_path_factory: pytest.TempPathFactory) -> TrytonTemplate:
    return build_template(tmp_path_factory, demo_reference(), modules=MODULES + ("purchase",))


@pytest.fixture
def stock_db(stock_template: TrytonTemplate):
    cfg: TrytonConfig = stock_template.copy()
    yield cfg
    stock_template.drop(cfg)
