"""A batch task retried after a transient failure part-way must not process its finished documents again."""

from __future__ import annotations

from pathlib import Path

from orderflow.canonical import Envelope
from orderflow.flows import prefect_flows
from orderflow.flows.demo import INBOX
from orderflow.flows.pipeline import ingest, process_document
from orderflow.flows.services import build_services
from orderflow.flows.settings import load_settings
from orderflow.store import repository as repo


def test_a_retried_batch_skips_documents_already_processed(tmp_path: Path) -> None:
    services = build_services(load_settings(home=tmp_path, erp="file", prefect_task_batch=2))
    prefect_flows.set_services(services)
    try:
        names = ["acme-portal-PO-9001.json", "globex-850-GX-448120.edi"]
        ids = [ingest(services, Envelope(data=(INBOX / n).read_bytes(), filename=n, channel="folder"))[0]
               for n in names]
        first = process_document(services, ids[0], actor="w1")  # done before the "crash"
        with services.session_factory() as s:
            events_before = len(repo.audit_trail(s, "document", ids[0]))
        outcomes = prefect_flows.process_batch_task.fn(ids, "folder:retry +1 more", "w1")  # the retry
        assert [o.document_id for o in outcomes] == ids
        assert outcomes[0].state == first.state == "processed"
        assert [o.id for o in outcomes[0].orders] == [o.id for o in first.orders]
        assert outcomes[1].state == "processed" and outcomes[1].orders
        with services.session_factory() as s:
            assert len(repo.audit_trail(s, "document", ids[0])) == events_before  # not processed again
            assert repo.get_document(s, ids[1]).state == "processed"
    finally:
        prefect_flows.set_services(None)
