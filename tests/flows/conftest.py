"""Real Dovecot and OpenSSH servers for the end-to-end channel tests."""

import sys
from pathlib import Path

_TESTS = str(Path(__file__).resolve().parent.parent)
if _TESTS not in sys.path:
    sys.path.insert(0, _TESTS)

from fixtures.dovecot import dovecot_server, imap_account  # noqa: E402,F401
from fixtures.sshd import sftp_drop, sshd_server  # noqa: E402,F401
