"""Hold the level reached on the secondary corpus (a real scanned invoice, an Odoo sales order)."""


from fixtures.shared import CORPUS as _SHARED_CORPUS  # noqa: E402

from orderflow.bench.accuracy import score_folder

INVOICES = _SHARED_CORPUS / "docs" / "invoices"


def test_invoice_corpus_accuracy_floor():
    report = score_folder(INVOICES, ocr=True)
    assert report["documents"] == 2
    per = {d["document"]: d for d in report["per_document"]}
    scan = per["docile_philipmorris_sample_invoice_scan.pdf"]
    # the four items only: the "Less Comp Cigs" sub-rows are allowances, the notes and payment box no lines
    assert "lines.extra" not in scan["errors"], scan["errors"]
    assert scan["right"] >= 36, scan["errors"]
    assert per["odoo_SO021.pdf"]["perfect"], per["odoo_SO021.pdf"]["errors"]
    assert report["right"] >= 69
