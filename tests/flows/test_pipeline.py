"""The pipeline end to end in-process: store first, EDI acknowledgements, push retries and dead letters."""

from __future__ import annotations

from pathlib import Path

import pytest

from orderflow.canonical import Envelope
from orderflow.erp_push.base import PermanentERPError, TransientERPError
from orderflow.erp_push.file_adapter import FileAdapter
from orderflow.extractors import extract
from orderflow.flows.demo import INBOX
from orderflow.flows.pipeline import ingest_and_process, push_approved, push_order
from orderflow.flows.services import build_services
from orderflow.flows.settings import load_settings
from orderflow.store import repository as repo


@pytest.fixture
def settings(tmp_path: Path):
    return load_settings(home=tmp_path / "var")


def _envelope(name: str, channel: str = "sftp", sender: str | None = None) -> Envelope:
    return Envelope(data=(INBOX / name).read_bytes(), filename=name, channel=channel, sender=sender)


def test_x12_850_ends_in_store_with_997_and_855(settings) -> None:
    services = build_services(settings)
    out = ingest_and_process(services, _envelope("globex-850-GX-448120.edi"))
    assert out.state == "processed" and out.format == "x12_850"
    assert [o.po_number for o in out.orders] == ["GX-448120"]
    acks = list((settings.replies / "4405197800").glob("997-*.edi"))
    assert len(acks) == 1
    ack = extract(acks[0].read_bytes())
    assert ack.metadata["edi"]["interchanges"][0]["groups"][0]["functional_id"] == "FA"
    text = acks[0].read_text()
    assert "AK1*PO*771~" in text and "AK5*A~" in text and "AK9*A*1*1*1~" in text
    push_approved(services)
    with services.session_factory() as s:
        row = repo.get_order(s, out.orders[0].id)
        assert row.state == "pushed" and row.erp_order_id.startswith("FILE-")
    confirmations = list((settings.replies / "4405197800").glob("855-GX-448120-*.edi"))
    assert len(confirmations) == 1
    back = extract(confirmations[0].read_bytes())
    assert back.metadata["edi"]["interchanges"][0]["groups"][0]["sets"][0]["id"] == "855"
    # control numbers come from the store's counter: the 855's ISA13 follows the 997's
    assert "*000000002*" in confirmations[0].read_text().splitlines()[0]


def test_edifact_orders_gets_contrl(settings) -> None:
    services = build_services(settings)
    out = ingest_and_process(services, _envelope("globex-orders-GX-EU-5520.edi"))
    assert out.state == "processed"
    contrl = list((settings.replies / "8711576000012").glob("CONTRL-*.edi"))
    assert len(contrl) == 1 and "UCI+4412+" in contrl[0].read_text()


class FlakyAdapter(FileAdapter):
    """The real file adapter behind a switch that fails on purpose (outage injection, not a mock ERP)."""

    def __init__(self, outbox: Path, failures: list[Exception]) -> None:
        super().__init__(outbox)
        self.failures = failures

    def push(self, request):
        if self.failures:
            raise self.failures.pop(0)
        return super().push(request)


def test_transient_failures_retry_then_push_once(settings) -> None:
    adapter = FlakyAdapter(settings.outbox, [TransientERPError("connection refused"), TimeoutError("timed out")])
    services = build_services(settings, adapter=adapter)
    out = ingest_and_process(services, _envelope("acme-portal-PO-9001.json", "portal", "purchasing@acme-mfg.example"))
    order_id = out.orders[0].id
    first = push_order(services, order_id)
    second = push_order(services, order_id)
    third = push_order(services, order_id)
    assert (first.ok, second.ok, third.ok) == (False, False, True)
    assert push_order(services, order_id).erp_order_id == third.erp_order_id  # already pushed: no second sale
    assert len(list(settings.outbox.glob("*.json"))) == 1
    with services.session_factory() as s:
        attempts = repo.push_attempts(s, repo.get_order(s, order_id))
        assert [(a.ok, a.transient) for a in attempts] == [(False, True), (False, True), (True, False)]


def test_dead_letter_after_n_attempts_and_permanent_rejection(settings) -> None:
    adapter = FlakyAdapter(settings.outbox, [TransientERPError("down")] * 10)
    services = build_services(settings, adapter=adapter)
    services.push_attempts = 3
    out = ingest_and_process(services, _envelope("acme-portal-PO-9001.json", "portal", "purchasing@acme-mfg.example"))
    oid = out.orders[0].id
    for _ in range(3):
        push_order(services, oid)
    with services.session_factory() as s:
        row = repo.get_order(s, oid)
        assert row.state == "failed"
        assert len(row.push_attempts) == 3
        trail = repo.audit_trail(s, "order", oid)
        assert "dead-lettered after 3 attempts" in (trail[-1].reason or "")

    adapter2 = FlakyAdapter(settings.outbox, [PermanentERPError("product FAS-1003 is closed")])
    services2 = build_services(settings, adapter=adapter2)
    out2 = ingest_and_process(services2, _envelope("globex-850-GX-448120.edi"))
    res = push_order(services2, out2.orders[0].id)
    assert not res.ok
    with services2.session_factory() as s:
        row = repo.get_order(s, out2.orders[0].id)
        assert row.state == "needs_review"
        assert any(i.code == "ERP_REJECTED" and "closed" in i.message for i in row.issues)


def test_not_an_order_envelope_becomes_failed_document(settings) -> None:
    services = build_services(settings)
    env = Envelope(data=b"Hello, see you Tuesday.", filename="message-7.eml", channel="imap",
                   metadata={"not_an_order": "no order attachment"})
    out = ingest_and_process(services, env)
    assert out.state == "failed" and "no order attachment" in out.reason
    with services.session_factory() as s:
        doc = repo.get_document(s, out.document_id)
        assert doc.state == "failed" and bytes(doc.data) == b"Hello, see you Tuesday."
