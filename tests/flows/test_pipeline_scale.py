"""The work of one document must not grow with the store: a check that reads every stored order made
the pipeline quadratic (10,000 documents slowed from 17 to 1 a second). Counted, not timed: the order
rows loaded while one new document is processed stay the same with 10 or 120 orders stored."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import event

from orderflow.canonical import Envelope
from orderflow.flows.demo import INBOX
from orderflow.flows.pipeline import ingest_and_process
from orderflow.flows.services import build_services
from orderflow.flows.settings import load_settings
from orderflow.store.models import Order

PORTAL = json.loads((INBOX / "acme-portal-PO-9001.json").read_text())


def _portal(i: int) -> Envelope:
    data = json.dumps({**PORTAL, "po_number": f"SCALE-{i:05d}"}).encode()
    return Envelope(data=data, filename=f"scale-{i}.json", channel="portal", sender="po@acme.example")


def _orders_loaded_by_one_more(services, i: int) -> int:
    loaded = []

    def on_load(target, _context) -> None:
        loaded.append(target.id)

    event.listen(Order, "load", on_load)
    try:
        out = ingest_and_process(services, _portal(i))
    finally:
        event.remove(Order, "load", on_load)
    assert out.state == "processed" and len(out.orders) == 1
    return len(loaded)


def test_orders_read_per_document_do_not_grow_with_the_store(tmp_path: Path) -> None:
    services = build_services(load_settings(home=tmp_path, erp="file"))
    for i in range(10):
        ingest_and_process(services, _portal(i))
    small = _orders_loaded_by_one_more(services, 1000)
    for i in range(10, 120):
        ingest_and_process(services, _portal(i))
    large = _orders_loaded_by_one_more(services, 1001)
    assert large == small, (small, large)
    assert large <= 5
