"""Fixtures for tests/sheets; helpers live in sheets_conf (imported by name, so it must be unique)."""

from sheets_conf import *  # noqa: F401,F403
