"""Tryton as a separate server (trytond over HTTP): crash, outage, retry and dead-letter."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
import time
from decimal import Decimal
from pathlib import Path

from erp_helpers import order_request
from fixtures.tryton import free_port, start_trytond

from orderflow.erp_push.retry import push_with_retry
from orderflow.erp_push.tryton import TrytonAdapter

CRASHING_PUSH = """
import os, sys
sys.path.insert(0, sys.argv[3])
from erp_helpers import order_request
from orderflow.erp_push.tryton import TrytonAdapter
from orderflow.erp_push.tryton_config import TrytonConfig
cfg = TrytonConfig(database=sys.argv[1], url=sys.argv[2], password="admin")
result = TrytonAdapter(cfg).push(order_request("PO-4001"))
print("ERP committed", result.erp_order_id, flush=True)
os._exit(9)  # killed before the store records the push
"""


def _store(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE IF NOT EXISTS pushed (key TEXT PRIMARY KEY, erp_order_id TEXT)")
    return db


def test_remote_push_status_and_reference(remote_config) -> None:
    adapter = TrytonAdapter(remote_config)
    req = order_request("PO-4000")
    first = adapter.push(req)
    again = adapter.push(req)
    assert first.created and not again.created and again.erp_order_id == first.erp_order_id
    status = adapter.order_status(req.key)
    assert status.state == "quotation" and status.total == Decimal("85.00")
    ref = adapter.pull_reference_data()
    assert {c.id for c in ref.customers} == {"C001", "C002", "C003"}
    assert adapter.credit_exposure("C001") == Decimal(0)


def test_crash_between_erp_commit_and_store_commit_does_not_duplicate(remote_config, tmp_path) -> None:
    store = _store(tmp_path / "store.sqlite")
    tests_dir = str(Path(__file__).resolve().parent)
    proc = subprocess.run([sys.executable, "-c", CRASHING_PUSH, remote_config.database, remote_config.url,
                           tests_dir], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 9, proc.stderr
    erp_number = proc.stdout.split()[-1]
    assert store.execute("SELECT count(*) FROM pushed").fetchone() == (0,)  # our commit never happened

    adapter = TrytonAdapter(remote_config)
    req = order_request("PO-4001")
    outcome = push_with_retry(adapter, req, attempts=3, backoff=0.01)
    assert outcome.status == "pushed"
    assert outcome.result.created is False and outcome.result.erp_order_id == erp_number
    store.execute("INSERT INTO pushed VALUES (?, ?)", (req.key, outcome.result.erp_order_id))
    store.commit()
    assert [o.erp_order_id for o in adapter.list_orders() if o.key == req.key] == [erp_number]


def test_retry_succeeds_once_the_erp_comes_back(tryton_template, tmp_path) -> None:
    cfg = tryton_template.copy()
    port = free_port()
    remote = cfg.with_url(f"http://127.0.0.1:{port}/")
    servers = []
    starter = threading.Timer(1.0, lambda: servers.append(
        start_trytond(tmp_path, [cfg.database], db_dir=tryton_template.db_dir, port=port)))
    starter.start()
    seen = []
    try:
        t0 = time.monotonic()
        # enough attempts for trytond to start on a loaded machine (the loop ends at the first success)
        outcome = push_with_retry(TrytonAdapter(remote), order_request("PO-4002"), attempts=240,
                                  backoff=lambda n: 0.5, on_attempt=seen.append)
        starter.join()
        assert outcome.status == "pushed" and outcome.result.created
        assert seen[0].outcome == "transient" and "unreachable" in seen[0].error
        assert seen[-1].outcome == "ok" and len(seen) >= 2
        assert time.monotonic() - t0 >= 1.0
        assert [o.key for o in TrytonAdapter(remote).list_orders()] == ["C001|PO-4002|original|0"]
    finally:
        starter.cancel()
        for s in servers:
            s.stop()
        tryton_template.drop(cfg)


def test_push_is_dead_lettered_after_n_failed_attempts(tryton_template) -> None:
    cfg = tryton_template.copy().with_url(f"http://127.0.0.1:{free_port()}/")  # nothing listens there
    seen, slept = [], []
    outcome = push_with_retry(TrytonAdapter(cfg), order_request("PO-4003"), attempts=3, backoff=0.2,
                              on_attempt=seen.append, sleep=slept.append)
    assert outcome.status == "dead_letter" and outcome.result is None
    assert "gave up after 3 attempts" in outcome.message
    assert [a.outcome for a in seen] == ["transient"] * 3 and [a.number for a in seen] == [1, 2, 3]
    assert slept == [0.2, 0.4]  # exponential backoff, no sleep after the last attempt
    assert [h["n"] for h in outcome.history] == [1, 2, 3] and all(h["error"] for h in outcome.history)
