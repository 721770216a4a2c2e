"""The ERP (a real HTTP server process) dies mid-push and stays down; when it is back every approved
order is pushed once, in approval order, and the failed attempts are in each order's history."""

from __future__ import annotations

import os
import threading
import time

from fixtures import batch_runner as chaos
from harness import make_batch
from sqlalchemy import select

from orderflow.store.models import Order, PushAttempt

STRESS = os.environ.get("ORDERFLOW_STRESS") == "1"

OUTAGE_SECONDS = 60.0 if STRESS else 8.0
DOCS = 24


def test_erp_down_then_back_pushes_each_order_once_in_order(workdir, erp):
    inbox, home = workdir / "inbox", workdir / "home"
    make_batch(inbox, DOCS, broken_every=0)
    services = chaos.build(home, erp_url=erp.url, database_url=None, push_attempts=10_000)
    chaos.ingest_folder(services, inbox)
    assert chaos.process_pending(services)["processed"] == DOCS

    down: dict[str, float] = {}

    def crash_erp_at_fifth_push(point: str) -> None:
        if point == "after_push" and "at" not in down:
            down.setdefault("n", 0)
            down["n"] += 1
            if down["n"] == 5:
                erp.kill()
                down["at"] = time.monotonic()
                threading.Timer(OUTAGE_SECONDS, erp.start).start()

    chaos.set_hook(crash_erp_at_fifth_push)
    try:
        totals = chaos.push_until_done(services, max_seconds=OUTAGE_SECONDS + 60, interval=0.25)
    finally:
        chaos.set_hook(None)
    survived = time.monotonic() - down["at"]
    assert survived >= OUTAGE_SECONDS
    assert totals["pushed"] == DOCS and totals["pending"] == 0 and totals["transient"] > 0

    with services.session_factory() as s:
        orders = s.scalars(select(Order).order_by(Order.id)).all()
        assert [o.state for o in orders] == ["pushed"] * DOCS
        sales = erp.sales()
        # once each, and in the order the orders were approved (order id order)
        assert [x["key"] for x in sales] == [o.idem_key for o in orders]
        assert [x["id"] for x in sales] == [o.erp_order_id for o in orders]
        history = {
            o.id: s.scalars(select(PushAttempt).where(PushAttempt.order_id == o.id).order_by(PushAttempt.attempt)).all()
            for o in orders
        }
    # the ERP died right after answering the 5th push: the 6th waited out the outage, retries in its history
    attempts = history[orders[5].id]
    assert attempts[-1].ok and all(not a.ok and a.transient for a in attempts[:-1])
    assert len(attempts) >= 3 and "ERP unreachable" in attempts[0].error
    # nothing behind them was tried while the ERP was down (a pass stops at the first transient failure)
    assert all(len(history[o.id]) == 1 for o in orders[6:])
    assert all(len(history[o.id]) == 1 and history[o.id][0].ok for o in orders[:5])
    (workdir / "outage_seconds").write_text(f"{survived:.1f}")
