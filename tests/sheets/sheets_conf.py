"""Helpers for the spreadsheet tests: the corpus and its gold scorer, from ``fixtures.gold``.

Imported by name (``from sheets_conf import ...``), so this basename must be unique across tests/.
"""

from __future__ import annotations

import sys
from pathlib import Path

_TESTS = str(Path(__file__).resolve().parents[1])  # so `fixtures.gold` imports without a tests package
if _TESTS not in sys.path:
    sys.path.insert(0, _TESTS)
from fixtures.gold import CORPUS, LINE_KEYS, corpus, load_gold, score_order  # noqa: E402

__all__ = ["CORPUS", "LINE_KEYS", "corpus", "load_gold", "score_order"]
