"""PDF POs that say they are revised or cancelled: revision and purpose read from the header area."""

from __future__ import annotations

from pathlib import Path

import pytest
from fixtures.shared import CORPUS as _SHARED_CORPUS  # noqa: E402
from revision_docs import pdf_po

from orderflow.canonical import CanonicalOrder
from orderflow.extractors import extract
from orderflow.flows.settings import SAMPLES_DIR

CORPUS = _SHARED_CORPUS / "docs"


def _order(path: Path) -> CanonicalOrder:
    ex = extract(path.read_bytes())
    assert ex.format == "pdf_text" and len(ex.orders) == 1, ex.issues
    return ex.orders[0]


def test_original_stays_original_and_the_form_footer_revision_is_ignored(tmp_path: Path) -> None:
    o = _order(pdf_po(tmp_path / "po.pdf"))  # footer: "Form PO-7 Rev. 4"
    assert (o.po_number, o.purpose, o.revision) == ("5601", "original", 0)
    assert "revision" not in o.provenance and "purpose" not in o.provenance
    assert o.buyer.name == "ACME Manufacturing"


@pytest.mark.parametrize(("title", "header", "revision", "purpose", "raw"), [
    ("REVISED PURCHASE ORDER", (("Revision:", "1"),), 1, "change", "Revision: 1"),
    ("REVISED PURCHASE ORDER  Revision: 1", (), 1, "change", "REVISED PURCHASE ORDER Revision: 1"),
    ("PURCHASE ORDER", (("Rev. No.", "2"),), 2, "change", "Rev. No. 2"),
    ("PURCHASE ORDER CHANGE", (), 0, "change", None),
    ("CHANGE ORDER", (("Amendment No.:", "3"),), 3, "change", "Amendment No.: 3"),
    ("Bestelländerung", (("Änderung Nr.:", "2"),), 2, "change", "Änderung Nr.: 2"),
    ("Modificación", (), 0, "change", None),
    ("CANCELLED", (), 0, "cancel", None),
    ("PURCHASE ORDER CANCELLATION", (("Revision:", "2"),), 2, "cancel", "Revision: 2"),
])
def test_revision_title_and_number(tmp_path: Path, title: str, header: tuple, revision: int, purpose: str,
                                   raw: str | None) -> None:
    o = _order(pdf_po(tmp_path / "po.pdf", title=title, header=header))
    assert (o.po_number, o.revision, o.purpose) == ("5601", revision, purpose)
    assert o.provenance["purpose"].page == 1 and o.provenance["purpose"].bbox is not None
    if raw is not None:
        assert o.provenance["revision"].raw == raw
    # the title is no letterhead: the buyer and everything else is read as on the original
    assert o.buyer.name == "ACME Manufacturing"
    # an unqualified "Part Number" on a buyer's PO is the buyer's own code (validation resolves it)
    assert [(ln.customer_part, ln.qty) for ln in o.lines] == [("FAS-1001", 1000), ("FAS-1003", 500)]
    assert o.ship_to.name == "ACME Manufacturing Plant 1"


def test_a_cancelled_line_in_the_table_does_not_cancel_the_order(tmp_path: Path) -> None:
    lines = [("FAS-1001", "CANCELLED", "1000", "EA", "0.15"), ("FAS-1003", "Rev 2 washer", "500", "EA", "0.06")]
    o = _order(pdf_po(tmp_path / "po.pdf", lines=lines))
    assert (o.purpose, o.revision) == ("original", 0)
    assert [ln.description for ln in o.lines] == ["CANCELLED", "Rev 2 washer"]


def test_corpus_and_sample_pdfs_stay_originals() -> None:
    """The real documents we have (text PDFs of the corpus, the demo inbox) are all original orders."""
    pdfs = [p for p in sorted((CORPUS / "po").glob("*.pdf")) if "_scan" not in p.name]
    pdfs += [p for p in sorted((CORPUS / "invoices").glob("*.pdf")) if "_scan" not in p.name]
    pdfs += sorted((SAMPLES_DIR / "inbox").glob("*.pdf"))
    assert len(pdfs) >= 10
    seen = {}
    for p in pdfs:
        for o in extract(p.read_bytes()).orders:
            seen[p.name] = (o.purpose, o.revision)
    assert len(seen) >= 10
    assert {k: v for k, v in seen.items() if v != ("original", 0)} == {}
