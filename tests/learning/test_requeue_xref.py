"""Issue 21: a cross-reference a CSR teaches on one order re-validates the customer's other orders still
waiting in the queue (no restart, no reference reload): their unknown part resolves through it."""

from __future__ import annotations

from pathlib import Path

from orderflow.canonical import Envelope
from orderflow.flows.cli import _revalidator
from orderflow.flows.demo import INBOX
from orderflow.flows.learning_wiring import make_learner
from orderflow.flows.pipeline import ingest_and_process
from orderflow.flows.services import build_services
from orderflow.flows.settings import load_settings
from orderflow.review import actions
from orderflow.store import repository as repo


def _csv(po: str, part: str = "AC-99120") -> Envelope:
    text = (INBOX / "acme-po-5540-unknown-item.csv").read_text().replace("5540,", f"{po},").replace("AC-99120", part)
    return Envelope(data=text.encode(), filename=f"acme-po-{po}.csv", channel="imap",
                    sender="purchasing@acme-mfg.example")


def test_a_learned_cross_reference_revalidates_the_customers_waiting_orders(tmp_path: Path) -> None:
    services = build_services(load_settings(home=tmp_path / "var"))
    first = ingest_and_process(services, _csv("5540")).orders[0]
    waiting = ingest_and_process(services, _csv("5541")).orders[0]
    other_part = ingest_and_process(services, _csv("5542", part="AC-55555")).orders[0]  # same customer
    assert "SKU_UNKNOWN" in first.issues and "SKU_UNKNOWN" in waiting.issues and "SKU_UNKNOWN" in other_part.issues
    with services.session_factory() as s, s.begin():
        order, _ = actions.save_changes(s, first.id, [("lines[1].sku", "FAS-1002")], user="csr1",
                                        revalidate=_revalidator(services),
                                        learner=make_learner(hints_for=services.hints_for))
        assert order.requeued == [waiting.id]
    with services.session_factory() as s:
        row = repo.get_order(s, waiting.id)
        assert "SKU_UNKNOWN" not in {i.code for i in row.issues}
        assert row.resolved["lines"][1]["sku"] == "FAS-1002" and row.resolved["lines"][1]["resolved_by"] == "learned"
        assert any(a.action == "revalidate" and a.actor == "csr1" for a in repo.audit_trail(s, "order", waiting.id))
        # an order of the same customer without the taught part is left exactly as it was
        untouched = repo.get_order(s, other_part.id)
        assert untouched.state == "needs_review" and "SKU_UNKNOWN" in {i.code for i in untouched.issues}
        assert not any(a.action == "revalidate" for a in repo.audit_trail(s, "order", other_part.id))
