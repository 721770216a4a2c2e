"""Fixtures for tests/ocr; helpers live in ocr_conf (imported by name, so it must be unique)."""

from ocr_conf import *  # noqa: F401,F403
