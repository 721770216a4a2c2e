"""Chaos fixtures: sizes (make test vs ORDERFLOW_STRESS=1), the REST ERP process, real servers."""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

import pytest

_HERE = str(Path(__file__).resolve().parent)
_TESTS = str(Path(__file__).resolve().parent.parent)
for p in (_HERE, _TESTS):
    if p not in sys.path:
        sys.path.insert(0, p)

from fixtures.dovecot import dovecot_server, imap_account  # noqa: E402,F401
from fixtures.postgres import postgres_server  # noqa: E402,F401
from fixtures.sshd import sftp_drop, sshd_server  # noqa: E402,F401
from harness import ErpProcess  # noqa: E402


@pytest.fixture
def workdir():
    """A 0755 temp dir (runner subprocesses, the ERP process) removed afterwards."""
    d = Path(tempfile.mkdtemp(prefix="orderflow-chaos-"))
    d.chmod(0o755)
    yield d
    shutil.rmtree(d, ignore_errors=True)


@pytest.fixture
def erp(workdir):
    server = ErpProcess(workdir)
    server.start()
    yield server
    server.kill()
