"""Fixtures for tests/review_scans; helpers live in scans_conf (imported by name, so it must be unique)."""

from scans_conf import *  # noqa: F401,F403
