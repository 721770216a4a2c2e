"""Issue 22: two processes pushing the same order at once make one sale in Tryton.

A push lease retaken from a process that was only slow means two pushers in the ERP call together.
Tryton's adapter looks the idempotency key up and then creates; the push path holds a store-wide
lock on the key across both (``store/locks.key_lock``), so the second pusher waits and finds the
first one's sale. Real Tryton served by trytond over HTTP (each pusher its own connection, as two
processes would have), the store on SQLite, the pushes through ``flows/push.push_one``.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from typing import Any

import pytest
from fixtures.tryton import start_trytond
from sqlalchemy import update

from orderflow.canonical import Envelope
from orderflow.erp_push.tryton import TrytonAdapter
from orderflow.flows.pipeline import build_push_request, ingest_and_process
from orderflow.flows.push import push_one
from orderflow.flows.services import build_services
from orderflow.store import repository as repo
from orderflow.store.models import Order
from orderflow.store.types import utcnow

WAIT = 4.0  # how long the first pusher waits, between its lookup and its create, for a second one


class PausesBeforeCreate(TrytonAdapter):
    """The real adapter; after its lookup found no sale and before it creates one, it waits (at most
    ``WAIT`` seconds) for the other pusher to reach the same point — the widest race window."""

    def __init__(self, config: Any, barrier: threading.Barrier, reached: threading.Event) -> None:
        super().__init__(config)
        self.barrier, self.reached = barrier, reached

    def _build_sale(self, request: Any) -> Any:
        self.reached.set()
        try:
            self.barrier.wait(timeout=WAIT)
        except threading.BrokenBarrierError:
            pass  # the other pusher never came this far (it waits for our lock)
        return super()._build_sale(request)


@pytest.fixture
def remote_cfg(samples_tryton, tmp_path):
    """A fresh copy of the samples database served by its own trytond (HTTP on 127.0.0.1)."""
    cfg = samples_tryton.copy()
    server = start_trytond(tmp_path / "trytond", [cfg.database], db_dir=samples_tryton.db_dir)
    yield cfg.with_url(server.url)
    server.stop()
    samples_tryton.drop(cfg)


def test_two_concurrent_pushes_of_one_order_make_one_sale(remote_cfg, settings):
    barrier, reached_a, reached_b = threading.Barrier(2), threading.Event(), threading.Event()
    first = build_services(settings, adapter=PausesBeforeCreate(remote_cfg, barrier, reached_a))
    second = build_services(settings, adapter=PausesBeforeCreate(remote_cfg, barrier, reached_b))
    body = {"po_number": "CC-2201", "po_date": dt.date.today().isoformat(), "currency": "USD",
            "buyer": {"name": "ACME Manufacturing"},
            "ship_to": {"name": "ACME Manufacturing Plant 1", "ids": {"92": "0001"}},
            "lines": [{"line_no": "1", "sku": "FAS-1001", "qty": "500", "uom": "EA", "unit_price": "0.18"}]}
    out = ingest_and_process(first, Envelope(data=json.dumps(body).encode(), filename="CC-2201.json",
                                             channel="folder"))
    [order] = out.orders
    assert order.state == "approved", order.issues

    results: dict[str, Any] = {}
    a = threading.Thread(target=lambda: results.__setitem__("a", push_one(first, order.id, actor="slow")))
    a.start()
    assert reached_a.wait(120), "the first push never reached the ERP"
    with first.session_factory() as s, s.begin():  # the slow pusher's lease lapses: another process retakes it
        s.execute(update(Order).where(Order.id == order.id).values(claim_expires_at=utcnow() - dt.timedelta(seconds=1)))
    b = threading.Thread(target=lambda: results.__setitem__("b", push_one(second, order.id, actor="retaker")))
    b.start()
    a.join(180)
    b.join(180)
    assert not a.is_alive() and not b.is_alive()

    with first.session_factory() as s:
        row = repo.get_order(s, order.id)
        key = build_push_request(row).key
        state, erp_no = row.state, row.erp_order_id
        pushed = [e for e in repo.audit_trail(s, "order", order.id) if (e.after or {}).get("state") == "pushed"]
    sales = [st for st in TrytonAdapter(remote_cfg).list_orders() if st.key == key]
    assert len(sales) == 1, sales  # one sale for the key, not one per pusher
    assert not reached_b.is_set()  # the second pusher's lookup found the first one's sale
    assert state == "pushed" and erp_no == sales[0].erp_order_id and len(pushed) == 1
    assert results["b"].ok and not results["b"].created and results["b"].erp_order_id == erp_no
    assert results["a"].ok and results["a"].skipped  # lost its lease: the retaker recorded the state
