"""Scale-out on real servers: a Prefect server on PostgreSQL, a process work pool from prefect.yaml, two
Prefect workers, a shared PostgreSQL store, 500 documents: each processed exactly once, no double push.

The workers run with ``prefect_task_batch = 10`` (README: 20-50 at high volume): a task run per claimed batch,
as a 500-document mailbox would be run. One task run per push costs ~0.7 s of Prefect concurrency-lease calls
on this 2-core machine (400 pushes: minutes); per-document task runs are covered by the Prefect demo and serve tests."""

from __future__ import annotations

import collections
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from docgen import envelopes
from orchestration_conf import REPO, prefect_env, wait_for
from sqlalchemy import func, select

from orderflow.flows.pipeline import ingest
from orderflow.flows.serve import launch_prefect_server, stop_prefect_server, wait_for_prefect_server
from orderflow.flows.services import build_services
from orderflow.flows.settings import load_settings
from orderflow.store.models import AuditEvent, Document, Order, PushAttempt

N_DOCS = 500
PREFECT = [sys.executable, "-m", "orderflow.flows.prefect_server"]


def _cli(args: list[str], env: dict[str, str], log: Path, cwd: Path) -> None:
    with log.open("ab") as fh:
        rc = subprocess.run([*PREFECT, *args], env=env, cwd=cwd, stdout=fh, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL, timeout=180).returncode
    assert rc == 0, f"prefect {' '.join(args)} failed:\n{log.read_text(errors='replace')[-3000:]}"


@pytest.mark.servers
def test_two_prefect_workers_process_each_document_exactly_once(tmp_path: Path, postgres_server, spawn) -> None:
    store_url = postgres_server.create_database()
    prefect_db = postgres_server.create_database().replace("postgresql+psycopg://", "postgresql+asyncpg://")
    home = tmp_path / "home"
    server, api = launch_prefect_server(
        tmp_path / "prefect-server", extra_env={**prefect_env(tmp_path), "PREFECT_API_DATABASE_CONNECTION_URL": prefect_db}
    )
    try:
        settings = load_settings(home=home, database_url=store_url, erp="file")
        services = build_services(settings)
        ids = [ingest(services, env)[0] for env in envelopes(N_DOCS)]  # while the server boots
        assert len(set(ids)) == N_DOCS
        wait_for_prefect_server(server, api, tmp_path / "prefect-server", timeout=120)
        rest = httpx.Client(base_url=api, timeout=30)
        rest.post("/work_pools/", json={"name": "orderflow", "type": "process"}).raise_for_status()
        rest.post("/concurrency_limits/", json={"tag": "erp", "concurrency_limit": 2}).raise_for_status()

        env = prefect_env(
            tmp_path,
            PREFECT_API_URL=api,
            PREFECT_WORKER_QUERY_SECONDS="1",
            PREFECT_RUNNER_POLL_FREQUENCY="1",
            ORDERFLOW_DATABASE_URL=store_url,
            ORDERFLOW_HOME=str(home),
            ORDERFLOW_ERP="file",
            ORDERFLOW_PREFECT_TASK_BATCH="10",
        )
        log = tmp_path / "prefect-cli.log"
        _cli(["--no-prompt", "deploy", "--all", "--prefect-file", str(REPO / "prefect.yaml")], env, log, tmp_path)
        for name in ("w1", "w2"):
            spawn(
                [*PREFECT, "worker", "start", "--pool", "orderflow", "--name", name, "--limit", "1"],
                log=tmp_path / f"worker-{name}.log",
                env={**env, "ORDERFLOW_WORKER_NAME": name},
                cwd=tmp_path,
            )
        deployment = rest.get("/deployments/name/process-documents/process-documents").json()
        for _ in range(2):
            rest.post(f"/deployments/{deployment['id']}/create_flow_run", json={}).raise_for_status()

        def settled() -> bool:
            with services.session_factory() as s:
                left = s.scalar(select(func.count()).where(Document.state.in_(("received", "processing"))))
                approved = s.scalar(select(func.count()).select_from(Order).where(Order.state == "approved"))
                return left == 0 and approved == 0

        wait_for(settled, 300, interval=1, what="all documents processed and pushed")
    finally:
        stop_prefect_server(server)

    with services.session_factory() as s:
        events = s.execute(
            select(AuditEvent.entity_id, AuditEvent.actor, AuditEvent.after).where(
                AuditEvent.entity == "document", AuditEvent.action == "state"
            )
        ).all()
        processed = collections.Counter(e.entity_id for e in events if (e.after or {}).get("state") == "processed")
        assert sorted(int(k) for k in processed) == sorted(ids)
        assert set(processed.values()) == {1}  # exactly one "processed" transition per document
        by_worker = collections.Counter(
            e.actor.split(":", 1)[0] for e in events if (e.after or {}).get("state") == "processed"
        )
        assert set(by_worker) == {"w1", "w2"} and min(by_worker.values()) > 0, by_worker
        assert s.scalar(select(func.count()).select_from(Document).where(Document.state == "processed")) == N_DOCS

        pushed = s.scalars(select(Order).where(Order.state == "pushed")).all()
        assert len(pushed) == N_DOCS * 4 // 5  # every portal order is valid and pushed (CSVs go to review)
        ok_attempts = collections.Counter(
            s.scalars(select(PushAttempt.order_id).where(PushAttempt.ok.is_(True))).all()
        )
        assert set(ok_attempts.values()) == {1}  # no order pushed twice
        assert len({o.erp_order_id for o in pushed}) == len(pushed)
    outbox_files = list((home / "outbox").glob("*.json"))
    assert len(outbox_files) == len(pushed)
