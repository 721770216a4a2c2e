"""End to end: a revised PO by email (PDF, spreadsheet) becomes a new version of the pushed order, and
the file-adapter ERP order is changed, exactly once; a cancellation cancels it."""

from __future__ import annotations

import json
from pathlib import Path

from revision_docs import ACME_SENDER, LINES, pdf_po, xlsx_po

from orderflow.canonical import Envelope, IssueCode
from orderflow.flows.pipeline import DocumentOutcome, ingest_and_process, push_approved
from orderflow.store import repository as repo

CHANGED = [LINES[0], ("FAS-1003", "Flat washer M8 zinc", "800", "EA", "0.06")]


def _mail(services, path: Path) -> DocumentOutcome:
    return ingest_and_process(services, Envelope(data=path.read_bytes(), filename=path.name, channel="imap",
                                                 sender=ACME_SENDER))


def _outbox(settings) -> dict[str, dict]:
    return {p.name: json.loads(p.read_text()) for p in sorted(settings.outbox.glob("*.json"))}


def _original_pushed(services, path: Path) -> tuple[int, str]:
    (first,) = _mail(services, path).orders
    assert first.state == "approved", first.issues
    (pushed,) = push_approved(services)
    assert pushed.ok and pushed.created
    return first.id, pushed.erp_order_id


def test_revised_pdf_becomes_revision_1_and_changes_the_erp_order_once(services, settings, tmp_path) -> None:
    first_id, sale = _original_pushed(services, pdf_po(tmp_path / "po-5601.pdf"))

    revised = pdf_po(tmp_path / "po-5601-rev1.pdf", title="REVISED PURCHASE ORDER  Revision: 1", lines=CHANGED)
    out = _mail(services, revised)
    assert out.format == "pdf_text"
    (o,) = out.orders
    assert o.state == "approved" and o.issues == []  # no DUPLICATE_PO: it is a change
    (pushed,) = push_approved(services)
    assert pushed.ok and pushed.erp_order_id == sale  # the same ERP order, changed
    with services.session_factory() as s:
        row = repo.get_order(s, o.id)
        assert (row.state, row.revision, row.purpose, row.previous_order_id) == ("pushed", 1, "change", first_id)
        assert [ln.qty for ln in repo.order_canonical(row).lines] == [1000, 800]
        info = row.resolved["change"]
        assert info["mode"] == "update" and info["incremental"] is False
        assert [(c["line_no"], c["op"]) for c in info["lines"]] == [("2", "change")]
        assert repo.get_order(s, first_id).state == "superseded"
        assert [r.revision for r in repo.order_history(s, row)] == [1, 0]
    files = _outbox(settings)
    assert len(files) == 2
    change = next(b for b in files.values() if b["state"] == "changed")
    assert (change["changes"], change["revision"], change["po_number"]) == (sale, 1, "5601")
    assert [(ln["sku"], ln["qty"]) for ln in change["lines"]] == [("FAS-1001", "1000"), ("FAS-1003", "800")]

    # the same email fetched again: the same document, nothing new
    again = _mail(services, revised)
    assert [x.id for x in again.orders] == [o.id]
    # the revised PDF re-sent (new bytes, same content): recorded, changes nothing
    resent = pdf_po(tmp_path / "po-5601-rev1-resent.pdf", title="REVISED PURCHASE ORDER  Revision: 1",
                    lines=CHANGED, invariant=False)
    assert resent.read_bytes() != revised.read_bytes()
    (dup,) = _mail(services, resent).orders
    assert dup.state == "rejected" and dup.issues == [IssueCode.DUPLICATE_PO]
    assert push_approved(services) == []
    assert _outbox(settings) == files
    with services.session_factory() as s:
        assert "changes nothing" in repo.order_issues(repo.get_order(s, dup.id))[0].message
        heads = [r for r in repo.find_orders(s, customer_id="ACME", po_number="5601") if r.state == "pushed"]
        assert [r.id for r in heads] == [o.id]


def test_revised_spreadsheet_with_a_revision_field(services, settings, tmp_path) -> None:
    first_id, sale = _original_pushed(services, xlsx_po(tmp_path / "po-5602.xlsx"))
    revised = xlsx_po(tmp_path / "po-5602-r2.xlsx", header=(("Revision", 2),), lines=CHANGED)
    (o,) = _mail(services, revised).orders
    assert o.state == "approved" and o.issues == []
    (pushed,) = push_approved(services)
    assert pushed.ok and pushed.erp_order_id == sale
    with services.session_factory() as s:
        row = repo.get_order(s, o.id)
        assert (row.revision, row.purpose, row.previous_order_id, row.state) == (2, "change", first_id, "pushed")
        assert repo.order_canonical(row).provenance["revision"].cell == "B5"
    change = next(b for b in _outbox(settings).values() if b["state"] == "changed")
    assert change["revision"] == 2 and [ln["qty"] for ln in change["lines"]] == ["1000", "800"]


def test_cancelled_pdf_cancels_the_erp_order(services, settings, tmp_path) -> None:
    first_id, sale = _original_pushed(services, pdf_po(tmp_path / "po-5601.pdf"))
    (o,) = _mail(services, pdf_po(tmp_path / "po-5601-cancel.pdf", title="PURCHASE ORDER CANCELLATION")).orders
    assert o.state == "approved"
    (pushed,) = push_approved(services)
    assert pushed.ok and pushed.erp_order_id == sale
    with services.session_factory() as s:
        row = repo.get_order(s, o.id)
        assert (row.purpose, row.revision, row.previous_order_id) == ("cancel", 1, first_id)
    cancel = next(b for b in _outbox(settings).values() if b["state"] == "cancelled")
    assert cancel["changes"] == sale and cancel["lines"] == []
