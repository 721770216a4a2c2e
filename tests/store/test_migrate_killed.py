"""A process killed half-way through the first migration of a brand-new SQLite store must not brick
it: the migration lands whole or not at all, and the next start migrates from scratch.

Found by the production-commands chaos test: pysqlite committed each ``CREATE TABLE`` on its own,
so a kill left tables without a schema version and every later command failed on
"table audit_events already exists"."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa

from orderflow.store.db import make_engine, migrate

PACKAGE_ROOT = str(Path(os.path.abspath(__import__("orderflow").__file__)).parent.parent)

KILL_AT_THIRD_TABLE = """
import os, signal, sys
from alembic import op
from orderflow.store.db import make_engine, migrate
made = []
create = op.create_table
def dying_create_table(*args, **kwargs):
    made.append(args[0])
    if len(made) == 3:
        os.kill(os.getpid(), signal.SIGKILL)  # a power cut after two tables were created
    return create(*args, **kwargs)
op.create_table = dying_create_table
migrate(make_engine(sys.argv[1]))
"""


def test_a_migration_killed_half_way_leaves_a_store_the_next_start_migrates(tmp_path):
    url = f"sqlite:///{tmp_path / 'orderflow.db'}"
    killed = subprocess.run([sys.executable, "-c", KILL_AT_THIRD_TABLE, url], env={**os.environ, "PYTHONPATH": PACKAGE_ROOT},
                            capture_output=True, text=True, timeout=300)
    assert killed.returncode == -9, killed.stderr[-1500:]
    engine = make_engine(url)
    try:
        assert sa.inspect(engine).get_table_names() == []  # nothing of the half-done migration stayed
        migrate(engine)
        tables = set(sa.inspect(engine).get_table_names())
        assert {"documents", "orders", "audit_events", "alembic_version"} <= tables
        with engine.connect() as c:
            assert c.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
    finally:
        engine.dispose()
