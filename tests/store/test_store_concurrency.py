"""Concurrency: disjoint document claims (SKIP LOCKED on PostgreSQL) and unique control numbers."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import text

from orderflow.canonical import Envelope
from orderflow.store import repository as repo
from orderflow.store.db import make_engine, migrate, session_factory


def _seed(Session, n: int) -> list[int]:  # noqa: N803
    with Session() as s:
        ids = [
            repo.save_document(s, Envelope(data=f"document {i}".encode(), channel="folder"))[0].id
            for i in range(n)
        ]
        s.commit()
    return ids


@pytest.fixture
def pg_sessions(postgres_server):
    """PostgreSQL only: SKIP LOCKED needs row locks (SQLite serialises writers instead, see below)."""
    eng = make_engine(postgres_server.create_database())
    migrate(eng)
    yield session_factory(eng)
    eng.dispose()


def test_two_open_transactions_claim_disjoint_sets_on_postgres(pg_sessions):
    Session = pg_sessions  # noqa: N806
    ids = _seed(Session, 6)
    with Session() as a, Session() as b:
        got_a = repo.claim_documents(a, worker="a", limit=4)  # rows stay locked: a has not committed
        b.execute(text("SET LOCAL lock_timeout = '3s'"))  # waiting instead of skipping fails fast
        got_b = repo.claim_documents(b, worker="b", limit=4)  # must skip them, not wait
        a.commit()
        b.commit()
    ids_a, ids_b = [d.id for d in got_a], [d.id for d in got_b]
    assert ids_a == ids[:4]
    assert ids_b == ids[4:]
    assert not set(ids_a) & set(ids_b)


def test_concurrent_workers_never_claim_a_document_twice(Session):  # noqa: N803
    ids = _seed(Session, 40)
    claimed: dict[str, list[int]] = {}
    lock = threading.Lock()

    def worker(name: str) -> None:
        mine: list[int] = []
        while True:
            with Session() as s:
                docs = repo.claim_documents(s, worker=name, limit=3)
                s.commit()
            if not docs:
                break
            mine += [d.id for d in docs]
        with lock:
            claimed[name] = mine

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(worker, [f"w{i}" for i in range(4)]))
    every = [i for mine in claimed.values() for i in mine]
    assert sorted(every) == ids  # each document exactly once
    with Session() as s:
        assert {repo.get_document(s, i).attempts for i in ids} == {1}


def test_next_control_number_is_unique_under_concurrency(Session):  # noqa: N803
    def take(_: int) -> list[int]:
        got = []
        for _ in range(10):
            with Session() as s:
                got.append(repo.next_control_number(s, "ACME", "ISA"))
                s.commit()
        return got

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(take, range(4)))
    every = sorted(n for r in results for n in r)
    assert every == list(range(1, 41))
    for r in results:  # each caller sees its own numbers increase
        assert r == sorted(r)
