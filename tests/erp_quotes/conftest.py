"""One real Tryton database for the quote tests: the demo catalogue plus seeded quotations.

The template is built once per test run (``tests/fixtures/tryton.build_template``: trytond-admin,
company, ``load_reference`` — which also seeds ``ReferenceData.quotes`` as quotations); the
session works on one copy of it: the tests read and add sales on that one database.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

_TESTS = str(Path(__file__).resolve().parent.parent)
if _TESTS not in sys.path:
    sys.path.insert(0, _TESTS)

from erp_quotes_data import quotes_reference  # noqa: E402
from fixtures.tryton import TrytonTemplate, build_template  # noqa: E402

from orderflow.erp_push.tryton_config import TrytonConfig  # noqa: E402


@pytest.fixture(scope="session")
def quotes_db(tmp_path_factory: pytest.TempPathFactory) -> TrytonConfig:
    """The session's one Tryton database: a copy of the shared template (never written to)."""
    tmpl: TrytonTemplate = build_template(tmp_path_factory, quotes_reference())
    cfg = tmpl.copy()
    yield cfg
    tmpl.drop(cfg)
