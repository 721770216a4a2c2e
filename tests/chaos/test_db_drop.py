"""PostgreSQL store: the session's backend is terminated in the middle of the orders transaction;
the document's attempt fails, is retried on a fresh connection, and ends processed exactly once."""

from __future__ import annotations

import psycopg
import pytest
from fixtures import batch_runner as chaos
from harness import make_batch
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from orderflow.store.models import AuditEvent, Document, Order

pytestmark = pytest.mark.servers


def _terminate_others(url: str) -> int:
    u = make_url(url)
    with psycopg.connect(host=u.host, port=u.port, user=u.username, dbname="postgres", autocommit=True) as c:
        rows = c.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            (u.database,),
        ).fetchall()
    return len(rows)


def test_connection_dropped_mid_transaction_then_processed_once(workdir, postgres_server):
    url = postgres_server.create_database()
    inbox = workdir / "inbox"
    make_batch(inbox, 6, broken_every=0)
    services = chaos.build(workdir / "home", erp_url=None, database_url=url, push_attempts=5)
    ids = chaos.ingest_folder(services, inbox)
    dropped: list[int] = []

    def drop_on_third_doc(point: str) -> None:
        if point == "mid_orders_txn":
            dropped.append(0)
            if len(dropped) in (3, 4):  # the third document, and its first retry
                assert _terminate_others(url) >= 1

    chaos.set_hook(drop_on_third_doc)
    try:
        counts = chaos.process_pending(services, db_retries=3)
    finally:
        chaos.set_hook(None)
    assert counts == {"processed": 6, "failed": 0, "db_errors": 2}
    with services.session_factory() as s:
        assert s.scalar(select(func.count()).select_from(Document)) == 6
        assert s.scalars(select(Document.state)).all() == ["processed"] * 6
        per_doc = s.execute(select(Order.document_id, func.count()).group_by(Order.document_id)).all()
        assert sorted(per_doc) == [(i, 1) for i in ids]
        created = s.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.entity == "order",
                                                                AuditEvent.action == "created")
        )
        assert created == 6  # the rolled-back attempts left no half-written order behind
    pushed = chaos.push_until_done(services, max_seconds=10)
    assert pushed["pushed"] == 6
