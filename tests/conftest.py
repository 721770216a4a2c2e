"""Suite-wide settings: fast tesseract, quiet Prefect, no stray config from the developer's cwd."""

from __future__ import annotations

import os
import tempfile

os.environ.setdefault("OMP_THREAD_LIMIT", "1")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")
os.environ.setdefault("PREFECT_LOGGING_TO_API_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")  # no INFO lines at interpreter exit
os.environ.setdefault("PREFECT_HOME", tempfile.mkdtemp(prefix="orderflow-prefect-"))
os.environ.pop("ORDERFLOW_CONFIG", None)
os.environ.pop("ORDERFLOW_DATABASE_URL", None)


def pytest_sessionfinish(session, exitstatus) -> None:
    """Stop Prefect's ephemeral API servers now: a pytest-xdist worker may leave by ``os._exit``,
    which skips the ``atexit`` stop Prefect registers, and the server would outlive the run."""
    import sys

    server = sys.modules.get("prefect.server.api.server")
    if server is not None:
        for instance in list(server.SubprocessASGIServer._instances.values()):
            instance.stop()
