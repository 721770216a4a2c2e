"""Confidence tests: the document builders beside them import without a tests package."""

from __future__ import annotations

import sys
from pathlib import Path

_HERE = str(Path(__file__).resolve().parent)
_TESTS = str(Path(__file__).resolve().parents[1])
for p in (_HERE, _TESTS):
    if p not in sys.path:
        sys.path.insert(0, p)
from fixtures.store_backends import Session, backend, engine, postgres_server, s  # noqa: E402,F401
