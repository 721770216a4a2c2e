"""`orderflow serve` end to end: a file dropped into a watched folder reaches the ERP with no command typed."""

from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path

import pytest
from orchestration_conf import SAMPLES, prefect_env, stop_group, wait_for
from sqlalchemy import select

from orderflow.store.db import make_engine, session_factory
from orderflow.store.models import AuditEvent, Document, Order


@pytest.mark.servers
def test_serve_picks_up_a_dropped_file_and_pushes_it(tmp_path: Path, spawn) -> None:
    home, inbox = tmp_path / "home", tmp_path / "drop" / "inbound"
    inbox.mkdir(parents=True)
    (tmp_path / "orderflow.toml").write_text(
        f'home = "{home}"\nerp = "file"\npush_interval_seconds = 60\n\n'
        f'[[folders]]\nname = "drop"\ninbound = "{inbox}"\ninterval_seconds = 5\n'
    )
    log = tmp_path / "serve.log"
    proc = spawn(
        [sys.executable, "-m", "orderflow.flows.cli", "serve"],
        log=log,
        env=prefect_env(tmp_path, ORDERFLOW_CONFIG=str(tmp_path / "orderflow.toml")),
        cwd=tmp_path,
    )
    wait_for(lambda: "Your deployments are being served" in log.read_text(errors="replace")
             or proc.poll() is not None, 150, what="serve to start")
    assert proc.poll() is None, log.read_text(errors="replace")[-3000:]

    shutil.copy(SAMPLES / "inbox" / "acme-portal-PO-9001.json", inbox / "acme-portal-PO-9001.json")
    dropped = time.monotonic()
    outbox = home / "outbox"
    pushed = wait_for(lambda: list(outbox.glob("*.json")) if outbox.is_dir() else [], 90, what="the ERP file")
    took = time.monotonic() - dropped
    assert len(pushed) == 1 and "PO-9001" in pushed[0].name, took

    engine = make_engine(f"sqlite:///{home / 'orderflow.db'}")
    try:
        with session_factory(engine)() as s:
            def order_state():
                s.expire_all()
                return s.scalars(select(Order.state)).all()

            assert wait_for(lambda: order_state() == ["pushed"], 30, what="order state pushed")
            doc = s.scalars(select(Document)).one()
            assert doc.state == "processed" and doc.channel == "folder"
            order = s.scalars(select(Order)).one()
            assert order.po_number == "PO-9001" and order.erp_order_id
            actors = s.scalars(select(AuditEvent.actor).where(AuditEvent.action == "created")).all()
            assert any("poll folder:drop" in a or "documents" in a for a in actors), actors
    finally:
        engine.dispose()
    assert not any(inbox.iterdir())  # the file was moved out of the inbound folder (archived)

    stop_group(proc)
    assert proc.returncode is not None
    text = log.read_text(errors="replace")
    assert "poll folder:drop" in text  # runs are named after the channel
