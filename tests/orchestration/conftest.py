"""Fixtures for tests/orchestration; helpers live in orchestration_conf (imported by name, so it must be unique)."""

from orchestration_conf import *  # noqa: F401,F403
