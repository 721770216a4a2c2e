"""Issue 20 routing, end to end in-process on the demo reference data: a PDF whose line arithmetic
disagrees goes to review naming the line; a clean text PDF passes touchless to the ERP; a CSR's
"accept as read" clears the doubts, is audited, and lasts through re-validation."""

from __future__ import annotations

from pathlib import Path

import pytest

from orderflow.canonical import Envelope
from orderflow.flows.demo import INBOX
from orderflow.flows.pipeline import ingest_and_process, push_approved, resolved_payload, validate_order
from orderflow.flows.services import build_services
from orderflow.flows.settings import load_settings
from orderflow.review import actions
from orderflow.samples.build_inbox import pdf_po
from orderflow.store import repository as repo

ACME = "purchasing@acme-mfg.example"


@pytest.fixture
def services(tmp_path: Path):
    return build_services(load_settings(home=tmp_path / "var"))


def _acme_pdf(path: Path, *, amount_2: str = "290.00", total: str = "692.00", po: str = "5577") -> bytes:
    """The demo's ACME PO (known customer, items and contract prices) with line 2's amount as given."""
    pdf_po(path, buyer="ACME Manufacturing", buyer_addr=["100 Industrial Way", "Springfield, IL 62701"], po=po,
           date="11/18/2026", terms="Net 45", ship_name="ACME Manufacturing Plant 1",
           ship_addr=["100 Industrial Way, Dock 4", "Springfield, IL 62701"],
           lines=[("AC-77812", "Hex bolt M8 x 40 zinc", "1000", "EA", "0.15", "150.00"),
                  ("AC-20110", "Nitrile gloves large blue 100/bx", "40", "BX", "7.25", amount_2),
                  ("AC-20111", "Safety glasses clear anti-fog", "120", "EA", "2.10", "252.00")],
           total=total, contact=ACME)
    return path.read_bytes()


def _revalidator(services):
    def revalidate(order, row):
        with services.session_factory() as s:
            result = validate_order(services, s, order, document_id=row.document_id)
        return result.issues, resolved_payload(result)
    return revalidate


def test_clean_text_pdf_passes_touchless(services) -> None:
    data = (INBOX / "acme-po-5531.pdf").read_bytes()
    out = ingest_and_process(services, Envelope(data=data, filename="acme-po-5531.pdf", channel="imap", sender=ACME))
    push_approved(services)
    with services.session_factory() as s:
        row = repo.get_order(s, out.orders[0].id)
        assert [i.code for i in row.issues if i.severity == "error"] == []
        assert row.state == "pushed" and row.erp_order_id
        assert "LOW_CONFIDENCE" not in {i.code for i in row.issues}
        prov = row.canonical["provenance"]
        # the numbers close (qty × price = amount, Σ = total): the engine is sure of every one of them
        for i in range(3):
            for key in ("qty", "unit_price", "amount"):
                assert prov[f"lines[{i}].{key}"]["confidence"] >= services.validation.review_confidence


def test_line_arithmetic_disagreeing_goes_to_review_naming_the_line(services, tmp_path: Path) -> None:
    data = _acme_pdf(tmp_path / "po.pdf", amount_2="390.00", total="792.00")
    out = ingest_and_process(services, Envelope(data=data, filename="po-5577.pdf", channel="imap", sender=ACME))
    push_approved(services)
    with services.session_factory() as s:
        row = repo.get_order(s, out.orders[0].id)
        assert row.state == "needs_review" and not row.erp_order_id
        arithmetic = [i for i in row.issues if i.code == "ARITHMETIC"]
        assert [(i.severity, i.field) for i in arithmetic] == [("error", "lines[1].amount")]
        assert "lines[1].qty" in arithmetic[0].message and "Line 2" in arithmetic[0].message
        prov = row.canonical["provenance"]
        assert prov["lines[1].amount"]["confidence"] < services.validation.review_confidence
        assert prov["lines[0].amount"]["confidence"] >= services.validation.review_confidence


def test_accept_as_read_is_audited_and_survives_revalidation(services, tmp_path: Path) -> None:
    data = _acme_pdf(tmp_path / "po.pdf", amount_2="390.00", total="792.00", po="5578")
    out = ingest_and_process(services, Envelope(data=data, filename="po-5578.pdf", channel="imap", sender=ACME))
    order_id = out.orders[0].id
    revalidate = _revalidator(services)
    with services.session_factory() as s, s.begin():
        actions.claim(s, order_id, "carol")
    with services.session_factory() as s, s.begin():
        row = actions.accept_as_read(s, order_id, user="carol", revalidate=revalidate)
        assert row.state == "valid"
        assert all(i.severity == "warning" for i in row.issues if i.code == "ARITHMETIC")
    with services.session_factory() as s, s.begin():
        row = actions.revalidate_order(s, order_id, user="carol", revalidate=revalidate)
        assert row.state == "valid"  # the accept outlives a re-validation while the values stay as read
        trail = [a for a in repo.audit_trail(s, "order", order_id) if a.action == "accept_as_read"]
        assert len(trail) == 1 and trail[0].actor == "carol"
        accepted = trail[0].after["accepted"]
        assert {"code": "ARITHMETIC", "field": "lines[1].amount", "value": "390.00"} in accepted
    with services.session_factory() as s, s.begin():  # a changed value is doubted afresh
        row = actions.fix_field(s, order_id, "lines[1].amount", "391.00", user="carol", revalidate=revalidate,
                                learn=False)
        assert row.state == "needs_review"
        assert any(i.code == "ARITHMETIC" and i.severity == "error" for i in row.issues)
    with services.session_factory() as s, s.begin():  # nothing left to accept once a person fixed it right
        actions.fix_field(s, order_id, "lines[1].amount", "290.00", user="carol", revalidate=revalidate, learn=False)
        actions.fix_field(s, order_id, "declared_total", "692.00", user="carol", revalidate=revalidate, learn=False)
        row = repo.get_order(s, order_id)
        assert not [i for i in row.issues if i.severity == "error"], [(i.code, i.field) for i in row.issues]
        with pytest.raises(actions.NotAllowed):
            actions.accept_as_read(s, order_id, user="carol", revalidate=revalidate)
