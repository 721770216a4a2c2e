"""Reservations: the stock each order takes, kept as rows beside it (SQLite and PostgreSQL), so the
availability check of the next order reads a few indexed rows, not every open order's JSON."""

from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy import select
from test_store_repository import env, order

from orderflow.canonical.reservations import reserved_quantities
from orderflow.store import repository as repo
from orderflow.store.db import make_engine, migrate
from orderflow.store.models import Reservation

OPEN = ("needs_review", "valid", "approved", "pushed")


def payload(*lines: dict) -> dict:
    return {"lines": list(lines)}


def _save(s, data: bytes, resolved: dict, state: str = "approved", po: str = "4711"):
    doc, _ = repo.save_document(s, env(data))
    row = repo.save_order(s, doc, 0, order(po), state=state, issues=[], customer_id="C1", ship_to_id=None,
                          resolved=resolved)
    s.commit()
    return doc, row


def test_rows_follow_every_write_of_resolved(s):
    first = payload({"sku": "sku-2", "factor": "12", "ship_now_qty": "1.125", "backorder_qty": "0"},
                    {"sku": "A-1", "base_qty": "0.1"}, {"sku": "A-1", "base_qty": "0.2"},
                    {"sku": "X-9", "base_qty": "5", "ack_status": "IR"})
    doc, row = _save(s, b"%PDF one", first, state="needs_review")
    assert sorted((r.sku, r.qty) for r in row.reservations) == [("A-1", "0.3"), ("SKU-2", "13.500")]
    assert repo.reserved_by_sku(s, OPEN) == reserved_quantities([first]) == {
        "A-1": Decimal("0.3"), "SKU-2": Decimal("13.5")}

    repo.update_order_data(s, row, repo.order_canonical(row), resolved=payload({"sku": "A-1", "base_qty": "7"}))
    s.commit()
    assert [(r.sku, r.qty) for r in s.scalars(select(Reservation))] == [("A-1", "7")]  # replaced, not added

    other_doc, _ = _save(s, b"%PDF two", payload({"sku": "A-1", "base_qty": "2.5"}, {"sku": "B-2", "base_qty": "1"}),
                         po="4712")
    assert repo.reserved_by_sku(s, OPEN) == {"A-1": Decimal("9.5"), "B-2": Decimal(1)}
    assert repo.reserved_by_sku(s, OPEN, exclude_document_id=doc.id) == {"A-1": Decimal("2.5"), "B-2": Decimal(1)}
    assert repo.reserved_by_sku(s, OPEN, skus=["b-2"]) == {"B-2": Decimal(1)}
    assert repo.reserved_by_sku(s, OPEN, skus=[]) == {}

    repo.set_order_state(s, repo.get_order(s, row.id), "rejected", actor="csr")  # a rejected order takes nothing
    s.commit()
    assert repo.reserved_by_sku(s, OPEN) == {"A-1": Decimal("2.5"), "B-2": Decimal(1)}


def test_upgrade_back_fills_orders_stored_before_reservations(backend, request, tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}" if backend == "sqlite" else \
        request.getfixturevalue("postgres_server").create_database()
    eng = make_engine(url)
    migrate(eng, "0001")
    as_json = "CAST(:r AS JSONB)" if backend == "postgres" else ":r"
    resolved = '{"lines": [{"sku": "a-1", "factor": "6", "ship_now_qty": "2", "backorder_qty": "1", ' \
               '"backorder_date": "2026-12-01"}, {"sku": "B-2", "base_qty": "3"}]}'
    with eng.begin() as c:
        c.execute(sa.text("INSERT INTO documents (id, sha256, data, size, channel, meta, state, attempts, created_at, "
                          "updated_at, received_at) VALUES (1, 'x', :data, 1, 'cli', '{}', 'processed', 0, "
                          "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"), {"data": b"\x00"})
        c.execute(sa.text("INSERT INTO orders (id, document_id, doc_index, state, canonical, purpose, revision, "
                          "resolved, approvals, created_at, updated_at) VALUES (1, 1, 0, 'approved', '{}', "
                          f"'original', 0, {as_json}, '[]', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"), {"r": resolved})
    migrate(eng)
    with eng.connect() as c:
        rows = sorted(c.execute(sa.text("SELECT order_id, sku, qty FROM reservations")).all())
    assert rows == [(1, "A-1", "18"), (1, "B-2", "3")]
    eng.dispose()
