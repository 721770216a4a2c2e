"""Store fixtures: every test runs on SQLite and on a real PostgreSQL 15 (one server per session)."""

from __future__ import annotations

import sys
from pathlib import Path

_TESTS = str(Path(__file__).resolve().parents[1])  # so `fixtures` imports without a tests package
if _TESTS not in sys.path:
    sys.path.insert(0, _TESTS)
from fixtures.store_backends import Session, backend, engine, postgres_server, s  # noqa: E402,F401
