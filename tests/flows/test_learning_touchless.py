"""A CSR fixes an unknown part once; the next identical order from that customer is touchless."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from orderflow.canonical import Envelope
from orderflow.flows.cli import _revalidator
from orderflow.flows.cli_ops import compute_stats
from orderflow.flows.demo import INBOX
from orderflow.flows.pipeline import ingest_and_process, push_approved, push_order
from orderflow.flows.services import build_services, load_reference
from orderflow.flows.settings import load_settings
from orderflow.review import actions
from orderflow.store import repository as repo


def _csv(po: str) -> Envelope:
    text = (INBOX / "acme-po-5540-unknown-item.csv").read_text().replace("5540,", f"{po},")
    return Envelope(data=text.encode(), filename=f"acme-po-{po}.csv", channel="imap",
                    sender="purchasing@acme-mfg.example")


def test_learned_cross_reference_makes_the_next_order_touchless(tmp_path: Path) -> None:
    settings = load_settings(home=tmp_path / "var")
    services = build_services(settings)
    first = ingest_and_process(services, _csv("5540"))
    order_id = first.orders[0].id
    assert first.orders[0].state == "needs_review" and "SKU_UNKNOWN" in first.orders[0].issues
    with services.session_factory() as s:
        issue = next(i for i in repo.order_issues(repo.get_order(s, order_id)) if i.code == "SKU_UNKNOWN")
        assert issue.field == "lines[1].sku"
        assert "FAS-1002" in [sug.value for sug in issue.suggestions]  # the right item is suggested

    stats_before = compute_stats(services.session_factory, dt.timedelta(days=1))
    assert stats_before["touchless"] == 0

    with services.session_factory() as s, s.begin():
        actions.fix_field(s, order_id, "lines[1].sku", "FAS-1002", user="csr1", revalidate=_revalidator(services))
    with services.session_factory() as s, s.begin():
        row = actions.approve(s, order_id, user="csr1", role="csr")
        assert row.state == "approved"
    assert push_order(services, order_id).ok

    services.reference = load_reference(settings, services.session_factory)  # learned xrefs join the snapshot
    second = ingest_and_process(services, _csv("5541"))
    push_approved(services)
    assert second.orders[0].state == "approved" and "SKU_UNKNOWN" not in second.orders[0].issues
    with services.session_factory() as s:
        row = repo.get_order(s, second.orders[0].id)
        assert row.state == "pushed"
        assert row.resolved["lines"][1]["sku"] == "FAS-1002" and row.resolved["lines"][1]["resolved_by"] == "learned"

    stats = compute_stats(services.session_factory, dt.timedelta(days=1))
    assert stats["touchless"] == stats_before["touchless"] + 1
    assert stats["learned_xref_lines"] >= 1
