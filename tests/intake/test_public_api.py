"""The package's public names resolve, lazily."""

import subprocess
import sys


def test_public_names_resolve():
    import orderflow.intake as intake

    for name in intake.__all__:
        assert getattr(intake, name) is not None
    assert intake.poll_imap.__module__ == "orderflow.intake.imap"


def test_import_does_not_load_heavy_clients():
    code = "import sys, orderflow.intake; print('paramiko' in sys.modules, 'fastapi' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]
