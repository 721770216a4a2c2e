"""The review app's cookie-signing secret, stable across restarts.

A random secret per start signs every CSR out whenever the app restarts (a deploy, a crash). The
secret comes from the environment variable named by ``ui_secret_env`` (``ORDERFLOW_UI_SECRET``) when
set; otherwise from ``<home>/ui-secret``, created once with 256 random bits, readable by its owner only.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

FILE_NAME = "ui-secret"


def ui_secret(settings: Any) -> str:
    """The secret to sign the review app's cookies with (see the module docstring)."""
    from_env = os.environ.get(settings.ui_secret_env, "").strip()
    if from_env:
        return from_env
    path = Path(settings.home) / FILE_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        text = path.read_text().strip()
        if len(text) >= 32:
            return text
        raise ValueError(f"{path} holds no usable secret (under 32 characters): delete it to make a new one") from None
    with os.fdopen(fd, "w") as fh:
        fh.write(secrets.token_hex(32) + "\n")
    return path.read_text().strip()
