"""One real Tryton database for the quote tests: the demo catalogue plus seeded quotations.

Built once per session in a subprocess (``tests/fixtures/tryton.build_template``: trytond-admin,
company, ``load_reference`` — which now also seeds ``ReferenceData.quotes`` as quotations).
The tests read and add sales on that one database; nothing else uses it.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

_TESTS = str(Path(__file__).resolve().parent.parent)
if _TESTS not in sys.path:
    sys.path.insert(0, _TESTS)

from erp_quotes_data import quotes_reference  # noqa: E402
from fixtures.tryton import ADMIN_PASSWORD, TrytonTemplate, build_template  # noqa: E402

from orderflow.erp_push.tryton_config import TrytonConfig  # noqa: E402


@pytest.fixture(scope="session")
def quotes_db(tmp_path_factory: pytest.TempPathFactory) -> TrytonConfig:
    """The session's one Tryton database (~25 s to build), used in place."""
    tmpl: TrytonTemplate = build_template(tmp_path_factory.mktemp("tryton_quotes"), quotes_reference())
    cfg = TrytonConfig(database=tmpl.database, config_file=tmpl.config_file, password=ADMIN_PASSWORD)
    yield cfg
    from orderflow.erp_push.tryton_conn import release_local

    release_local(cfg)
