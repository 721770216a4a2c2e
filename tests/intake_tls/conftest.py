"""TLS intake fixtures: the test CA, a Dovecot that requires TLS, per-test accounts on it."""

import sys
from pathlib import Path

import pytest

_TESTS = str(Path(__file__).resolve().parent.parent)
if _TESTS not in sys.path:
    sys.path.insert(0, _TESTS)

from fixtures.dovecot import DovecotServer, ImapAccount  # noqa: E402
from fixtures.tls import tls_certs  # noqa: E402,F401


@pytest.fixture(scope="session")
def tls_dovecot(tls_certs):  # noqa: F811
    """``ssl = required`` + ``disable_plaintext_auth = yes`` on 127.0.0.2: IMAPS and STARTTLS only."""
    server = DovecotServer(pool=40, ssl="required", tls=tls_certs)
    server.start()
    yield server
    server.cleanup()


@pytest.fixture
def tls_account(tls_dovecot):
    user, password = tls_dovecot.add_user()
    return ImapAccount(tls_dovecot, user, password)
