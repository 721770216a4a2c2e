"""Revision/change/cancel markers read from one phrase of text (shared by the PDF and spreadsheet readers)."""

from __future__ import annotations

import pytest

from orderflow.extractors.layout import revision as R


@pytest.mark.parametrize(("text", "revision", "purpose"), [
    ("REVISED PURCHASE ORDER", None, "change"),
    ("REVISED PURCHASE ORDER  Revision: 1", 1, "change"),
    ("PURCHASE ORDER CHANGE", None, "change"),
    ("Purchase Order Change #2", 2, "change"),
    ("Change Order No. 3", 3, "change"),
    ("ACME Manufacturing — Revised Purchase Order", None, "change"),
    ("Revision: 2", 2, None),
    ("Rev. 1", 1, None),
    ("Rev No 4", 4, None),
    ("Rev#5", 5, None),
    ("PO Number: 5531 Rev 1", 1, None),
    ("Amendment No. 3", 3, None),
    ("Änderung", None, "change"),
    ("Bestelländerung Nr. 2", 2, "change"),
    ("Änderungsnummer: 4", 4, None),
    ("Modification n° 2", 2, "change"),
    ("Commande modifiée", None, "change"),
    ("Modificación", None, "change"),
    ("Revisión 2", 2, None),
    ("Wijziging nr 3", 3, "change"),
    ("Gewijzigde bestelling", None, "change"),
    ("CANCELLED", None, "cancel"),
    ("CANCELLATION", None, "cancel"),
    ("Purchase Order Cancellation", None, "cancel"),
    ("Stornierung", None, "cancel"),
    ("Commande annulée", None, "cancel"),
    ("Revision 0", 0, None),
])
def test_markers_are_read(text: str, revision: int | None, purpose: str | None) -> None:
    mark = R.marker(text)
    assert mark is not None
    assert (mark.revision, mark.purpose) == (revision, purpose)


@pytest.mark.parametrize("text", [
    "PURCHASE ORDER",
    "Previous_Order_Change_ID: PREV_ORDER_C_ID",
    "Modification of this order requires written consent",
    "Order Cancellation Policy",
    "Cancellation: 30 days notice",
    "Rev. 03/2019",
    "Revision Date: 11/20/2026",
    "Änderungen vorbehalten",
    "Subject to change 30 days",
    "Revenue 2",
    "Rev. 2.1",
    "Form F-100 Rev. 3",
    "Page 1 Rev 2",
])
def test_text_that_only_looks_like_a_marker_is_not_one(text: str) -> None:
    assert R.marker(text) is None


def test_labels_and_values_standing_apart() -> None:
    assert R.is_revision_label("Revision:") and R.is_revision_label("Rev No.") and R.is_revision_label("Änderungs-Nr.")
    assert not R.is_revision_label("Revision Date:") and not R.is_revision_label("Review")
    assert [R.parse_revision_value(v) for v in ("2", "02", "2.0", "2.5", "B", "")] == [2, 2, 2, None, None, None]


def test_one_verdict_from_several_markers() -> None:
    change, rev, cancel = R.Marker(None, "change", "REVISED"), R.Marker(2, None, "Rev 2"), R.Marker(None, "cancel", "X")
    assert R.combine([change, rev]) == R.Marker(2, "change", "REVISED; Rev 2")
    assert R.combine([rev]).purpose == "change"  # a revision above 0 alone is a change
    assert R.combine([R.Marker(0, None, "Revision 0")]).purpose is None  # revision 0 is the original
    assert R.combine([change, cancel, rev]).purpose == "cancel"
    assert R.combine([R.Marker(1, None, "a"), R.Marker(3, None, "b")]).revision == 3
    assert R.combine([]) is None
