"""Spreadsheet order forms that say they are revised or cancelled: a Revision/Rev field or a change title."""

from __future__ import annotations

from pathlib import Path

import pytest
from fixtures.shared import CORPUS as _SHARED_CORPUS  # noqa: E402
from openpyxl import load_workbook
from revision_docs import xlsx_po

from orderflow.canonical import CanonicalOrder
from orderflow.extractors import extract
from orderflow.flows.settings import SAMPLES_DIR

CORPUS = _SHARED_CORPUS / "docs" / "po"


def _order(path: Path) -> CanonicalOrder:
    ex = extract(path.read_bytes())
    assert ex.format == "spreadsheet" and len(ex.orders) == 1, ex.issues
    return ex.orders[0]


def test_original_form_stays_original(tmp_path: Path) -> None:
    o = _order(xlsx_po(tmp_path / "po.xlsx"))
    assert (o.po_number, o.purpose, o.revision) == ("5602", "original", 0)
    assert "revision" not in o.provenance


@pytest.mark.parametrize(("title", "header", "revision", "purpose", "cell"), [
    ("ACME Manufacturing — Purchase Order", (("Revision", 2),), 2, "change", "B5"),
    ("Purchase Order", (("Rev", "1"),), 1, "change", "B5"),
    ("Purchase Order", (("Rev No.", 1.0),), 1, "change", "B5"),
    ("Purchase Order", (("Revision: 3", None),), 3, "change", "A5"),
    ("Purchase Order", (("Revision", 0),), 0, "original", "B5"),
    ("ACME Manufacturing — Purchase Order Change", (), 0, "change", None),
    ("Bestellung - Änderung", (("Änderungsnummer", 2),), 2, "change", "B5"),
    ("CANCELLED", (), 0, "cancel", None),
])
def test_revision_field_and_title(tmp_path: Path, title: str, header: tuple, revision: int, purpose: str,
                                  cell: str | None) -> None:
    o = _order(xlsx_po(tmp_path / "po.xlsx", title=title, header=header))
    assert (o.po_number, o.revision, o.purpose) == ("5602", revision, purpose)
    if cell is not None:
        assert (o.provenance["revision"].sheet, o.provenance["revision"].cell) == ("Order", cell)
    if purpose != "original":
        assert o.provenance["purpose"].sheet == "Order"
    assert [(ln.customer_part, ln.qty) for ln in o.lines] == [("FAS-1001", 1000), ("FAS-1003", 500)]
    assert o.ship_to.name == "ACME Manufacturing Plant 1"


def test_a_revision_column_repeated_on_every_line(tmp_path: Path) -> None:
    path = xlsx_po(tmp_path / "po.xlsx")
    wb = load_workbook(path)
    ws = wb.active
    header = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "Line")
    ws.cell(header, 8, "Rev")
    for r in (header + 1, header + 2):
        ws.cell(r, 8, 2)
    wb.save(path)
    o = _order(path)
    assert (o.revision, o.purpose) == (2, "change")
    assert o.provenance["revision"].cell == f"H{header + 1}"
    assert [ln.qty for ln in o.lines] == [1000, 500]


def test_a_cancelled_note_under_the_table_does_not_cancel(tmp_path: Path) -> None:
    path = xlsx_po(tmp_path / "po.xlsx")
    wb = load_workbook(path)
    ws = wb.active
    ws.cell(ws.max_row + 2, 1, "CANCELLED")
    ws.cell(ws.max_row + 1, 1, "Revision")
    ws.cell(ws.max_row, 2, 4)
    wb.save(path)
    o = _order(path)
    assert (o.purpose, o.revision) == ("original", 0)


def test_corpus_and_sample_sheets_stay_originals() -> None:
    files = sorted(p for p in CORPUS.glob("*") if p.suffix in (".xlsx", ".xls", ".csv"))
    files += sorted((SAMPLES_DIR / "inbox").glob("*.xlsx")) + sorted((SAMPLES_DIR / "inbox").glob("*.csv"))
    assert len(files) >= 5
    seen = {}
    for p in files:
        for o in extract(p.read_bytes()).orders:
            seen[f"{p.name}:{o.po_number}"] = (o.purpose, o.revision)
    assert len(seen) >= 5
    assert {k: v for k, v in seen.items() if v != ("original", 0)} == {}
