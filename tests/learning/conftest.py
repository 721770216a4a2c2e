"""Fixtures for tests/learning; helpers live in learning_conf (imported by name, so it must be unique)."""

from learning_conf import *  # noqa: F401,F403
