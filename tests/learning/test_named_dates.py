"""Learning finds a corrected date printed with its month's name (real POs: "ISSUED DATE: 12 Nov 2025")."""

from __future__ import annotations

import datetime as dt

import pytest

from orderflow.review.learning import _matches, _named_date


@pytest.mark.parametrize(("printed", "want"), [
    ("12 Nov 2025", dt.date(2025, 11, 12)),
    ("Nov 12, 2025", dt.date(2025, 11, 12)),
    ("12-déc-25", dt.date(2025, 12, 12)),
    ("30. Januar 2026", dt.date(2026, 1, 30)),
    ("3 mai 2024", dt.date(2024, 5, 3)),
    ("12.03.2025", None),  # numeric: the day/month readings of _to_date
    ("12 Items 2025", None),
    ("31 Feb 2025", None),
])
def test_named_dates(printed: str, want: dt.date | None) -> None:
    assert _named_date(printed) == want


def test_a_named_date_matches_the_corrected_value_only() -> None:
    assert _matches("po_date", "12 Nov 2025", "2025-11-12")
    assert not _matches("po_date", "12 Nov 2025", "2025-12-11")
    assert not _matches("po_date", "Order 12 Nov 2025 shipped", "2025-11-12")
