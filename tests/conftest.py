"""Suite-wide settings: fast tesseract, quiet Prefect, no stray config from the developer's cwd."""

from __future__ import annotations

import os
import tempfile

import pytest

os.environ.setdefault("OMP_THREAD_LIMIT", "1")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")
os.environ.setdefault("PREFECT_LOGGING_TO_API_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")  # no INFO lines at interpreter exit
os.environ.setdefault("PREFECT_HOME", tempfile.mkdtemp(prefix="orderflow-prefect-"))
os.environ.pop("ORDERFLOW_CONFIG", None)
os.environ.pop("ORDERFLOW_DATABASE_URL", None)

# Tests that need the session's Tryton databases run on one pytest-xdist worker: the base
# (trytond-admin + company, over a minute) is then built once, not once per worker.
TRYTON_FIXTURES = frozenset(
    {
        "tryton_template",
        "samples_tryton",
        "tryton_config",
        "tryton",
        "tryton_cfg",
        "tryton_services",
        "remote_config",
        "tryton_env",
        "tryton_on_postgres",
        "quotes_db",
        "stock_template",
        "stock_db",
        "ui_samples_tryton",
        "ui_tryton_app",
    }
)


@pytest.hookimpl(tryfirst=True)  # before xdist's own hook reads the groups into node ids
def pytest_collection_modifyitems(config, items) -> None:
    """Mark every test that uses a Tryton fixture with the ``tryton`` xdist group, and keep each module's
    browser tests on one worker."""
    for item in items:
        names = getattr(item, "fixturenames", ())
        if TRYTON_FIXTURES.intersection(names):
            item.add_marker(pytest.mark.xdist_group("tryton"))
        elif "chromium" in names:  # a module's browser tests together: one Chromium launch per module
            item.add_marker(pytest.mark.xdist_group(item.nodeid.split("::")[0]))


def pytest_sessionfinish(session, exitstatus) -> None:
    """Stop Prefect's ephemeral API servers now: a pytest-xdist worker may leave by ``os._exit``,
    which skips the ``atexit`` stop Prefect registers, and the server would outlive the run."""
    import sys

    server = sys.modules.get("prefect.server.api.server")
    if server is not None:
        for instance in list(server.SubprocessASGIServer._instances.values()):
            instance.stop()
