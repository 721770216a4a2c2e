"""Migrations run once under a lock: commands started together on a brand-new store all succeed.

Before the lock, six ``orderflow push`` runs on a fresh SQLite file raced on the first migration
("table audit_events already exists", exit 2).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import inspect, text

import orderflow
from orderflow.store.db import make_engine

RUNS = 6
PACKAGE_ROOT = str(Path(os.path.abspath(orderflow.__file__)).parent.parent)


def start_together(home: Path, database_url: str) -> list[tuple[int, str]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ORDERFLOW_")}
    env.update({"PYTHONPATH": PACKAGE_ROOT, "ORDERFLOW_HOME": str(home), "ORDERFLOW_DATABASE_URL": database_url})
    procs = [subprocess.Popen([sys.executable, "-m", "orderflow.flows.cli", "push"], env=env, cwd=str(home),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(RUNS)]
    return [(p.wait(timeout=300), p.communicate()[1]) for p in procs]


def assert_migrated_once(database_url: str, results: list[tuple[int, str]]) -> None:
    assert [rc for rc, _ in results] == [0] * RUNS, [err[-600:] for rc, err in results if rc]
    engine = make_engine(database_url)
    try:
        with engine.connect() as c:
            versions = c.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
        assert len(versions) == 1
        assert {"documents", "orders", "audit_events", "push_attempts"} <= set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_commands_started_together_on_a_new_sqlite_store_all_succeed(tmp_path):
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    assert_migrated_once(url, start_together(tmp_path, url))


def test_commands_started_together_on_a_new_postgres_store_all_succeed(tmp_path, postgres_server):
    url = postgres_server.create_database()
    assert_migrated_once(url, start_together(tmp_path, url))
