"""The claim loop without Prefect: stale claims re-claimed, disjoint claims on PostgreSQL, pushes once."""

from __future__ import annotations

import collections
import datetime as dt
import threading
from pathlib import Path

import pytest
from docgen import envelopes
from sqlalchemy import select

from orderflow.flows.pipeline import ingest
from orderflow.flows.services import build_services
from orderflow.flows.settings import load_settings
from orderflow.flows.workers import claim_documents, claim_orders, process_claimed
from orderflow.store.models import AuditEvent, Document, Order, PushAttempt


def _services(tmp_path: Path, url: str | None = None):
    return build_services(load_settings(home=tmp_path / "home", database_url=url, erp="file"))


def test_a_crashed_workers_claim_is_taken_over_after_stale_after(tmp_path: Path) -> None:
    svc = _services(tmp_path)
    doc_id, _ = ingest(svc, envelopes(1)[0])
    assert claim_documents(svc, worker="dead", batch=5) == [doc_id]  # claimed, then the worker "dies"
    assert claim_documents(svc, worker="other", batch=5) == []  # not stale yet: nobody else takes it
    report = process_claimed(svc, worker="rescuer", stale_after=dt.timedelta(0))
    assert [d.document_id for d in report.documents] == [doc_id]
    assert report.documents[0].state == "processed"
    assert [p.ok for p in report.pushes] == [True]
    with svc.session_factory() as s:
        doc = s.get(Document, doc_id)
        assert doc.state == "processed" and doc.attempts == 2 and doc.claimed_by is None
        actors = s.scalars(
            select(AuditEvent.actor).where(AuditEvent.entity == "document", AuditEvent.action == "state")
        ).all()
        assert actors[-1] == "rescuer"


def test_worker_cli_drains_the_queue(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from orderflow.flows.cli import app

    svc = _services(tmp_path)
    for env in envelopes(6):
        ingest(svc, env)
    res = CliRunner().invoke(app, ["worker", "--name", "cli-w", "--once"], env={"ORDERFLOW_HOME": str(tmp_path / "home")})
    assert '"processed": 6' in res.output, res.output
    with svc.session_factory() as s:
        assert set(s.scalars(select(Document.state)).all()) == {"processed"}
        assert s.scalars(select(Document.claimed_by)).all() == [None] * 6


@pytest.mark.servers
def test_two_threads_on_postgres_never_share_a_document_or_a_push(tmp_path: Path, postgres_server) -> None:
    url = postgres_server.create_database()
    svc = _services(tmp_path, url)
    ids = [ingest(svc, env)[0] for env in envelopes(80)]
    reports = {}

    def run(name: str) -> None:
        reports[name] = process_claimed(svc, worker=name, batch=3)

    threads = [threading.Thread(target=run, args=(n,)) for n in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    done = [d.document_id for r in reports.values() for d in r.documents]
    assert sorted(done) == sorted(ids)  # each exactly once across both workers
    assert all(reports[n].documents for n in ("a", "b"))
    with svc.session_factory() as s:
        ok = collections.Counter(s.scalars(select(PushAttempt.order_id).where(PushAttempt.ok.is_(True))).all())
        pushed = s.scalars(select(Order.id).where(Order.state == "pushed")).all()
        assert sorted(ok) == sorted(pushed) and set(ok.values()) == {1}
        assert len(pushed) == 64  # the portal orders (CSVs need review)
    assert claim_orders(svc, worker="late") == []


@pytest.mark.servers
def test_order_claims_are_disjoint_and_expire(tmp_path: Path, postgres_server) -> None:
    svc = _services(tmp_path, postgres_server.create_database())
    for env in envelopes(4, csv_every=0):
        ingest(svc, env)
    process_claimed(svc, worker="p", push=False)
    first = claim_orders(svc, worker="x", batch=2)
    second = claim_orders(svc, worker="y", batch=10)
    assert len(first) == 2 and len(second) == 2 and not set(first) & set(second)
    assert claim_orders(svc, worker="z") == []
    assert sorted(claim_orders(svc, worker="z", ttl=dt.timedelta(0))) == []  # ttl is for new claims only
    with svc.session_factory() as s, s.begin():
        for o in s.scalars(select(Order)).all():
            o.claim_expires_at = o.claim_expires_at - dt.timedelta(hours=1)
    assert len(claim_orders(svc, worker="z", batch=10)) == 4  # expired push claims are taken over
