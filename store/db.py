"""Engines, migrations and sessions for the store.

SQLite is the embedded default (WAL, foreign keys, a busy timeout so concurrent workers wait
instead of failing); PostgreSQL is used by URL (``postgresql+psycopg://...``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool, StaticPool

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 30_000
MIGRATION_LOCK_ID = 0x6F72_6466  # "ordf": the PostgreSQL advisory lock every orderflow process migrates under


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine; a bare ``postgresql://`` URL is routed to psycopg 3."""
    u = make_url(url)
    if u.drivername in ("postgresql", "postgres"):
        u = u.set(drivername="postgresql+psycopg")
    if u.get_backend_name() == "sqlite":
        memory = u.database in (None, "", ":memory:")
        opts: dict[str, Any] = {
            "connect_args": {"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
        }
        if memory:
            opts["poolclass"] = StaticPool
        elif u.database:
            Path(u.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(u, **{**opts, **kwargs})
        event.listen(engine, "connect", _sqlite_pragmas(wal=not memory))
        return engine
    return create_engine(u, pool_pre_ping=True, **kwargs)


def _sqlite_pragmas(*, wal: bool):
    def on_connect(dbapi_conn: Any, _record: Any) -> None:
        cur = dbapi_conn.cursor()
        if wal:
            cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    return on_connect


def alembic_config(engine: Engine | None = None) -> Config:
    """An Alembic config that needs no ini file and no particular working directory."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if engine is not None:
        cfg.set_main_option(
            "sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%")
        )
    return cfg


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the schema up to ``revision`` (Alembic upgrade, programmatic), once: processes started
    together on a brand-new store take turns under a lock, and the later ones find nothing to do."""
    cfg = alembic_config(engine)
    if engine.dialect.name != "sqlite":
        with engine.begin() as conn:
            if conn.dialect.name == "postgresql":  # held until this transaction (DDL included) commits
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": MIGRATION_LOCK_ID})
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)
        return
    # SQLite alters a table by rebuilding it (Alembic batch mode): with foreign keys on, dropping the
    # old table would cascade-delete every child row. The pragma only takes effect outside a transaction.
    with _sqlite_file_lock(engine), _transactional_ddl(engine) as ddl, ddl.connect() as conn:
        raw = conn.connection.dbapi_connection  # not through SQLAlchemy, which would begin a transaction first
        if raw is None:  # a live pooled connection always has one
            raise RuntimeError("the SQLite connection has no driver connection")
        raw.execute("PRAGMA foreign_keys=OFF")
        try:
            with conn.begin():
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, revision)
                broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise RuntimeError(f"migration left dangling foreign keys: {broken[:5]}")
        finally:
            raw.execute("PRAGMA foreign_keys=ON")


@contextlib.contextmanager
def _transactional_ddl(engine: Engine) -> Iterator[Engine]:
    """An engine on the same SQLite file whose transactions hold DDL too. pysqlite opens a transaction
    only before INSERT/UPDATE/DELETE, so each ``CREATE TABLE`` of a migration committed on its own:
    a process killed half-way through the first migration left tables without a schema version,
    and every later start failed on "table ... already exists". Here the driver's own transaction
    handling is off and ``BEGIN IMMEDIATE`` opens each transaction: a migration lands whole or not at
    all. (An in-memory database is one connection: it keeps its engine.)"""
    if engine.url.database in (None, "", ":memory:"):
        yield engine
        return
    ddl = create_engine(engine.url, poolclass=NullPool,
                        connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
    event.listen(ddl, "connect", _sqlite_pragmas(wal=True))
    event.listen(ddl, "connect", lambda dbapi_conn, _record: setattr(dbapi_conn, "isolation_level", None))
    event.listen(ddl, "begin", lambda conn: conn.exec_driver_sql("BEGIN IMMEDIATE"))
    try:
        yield ddl
    finally:
        ddl.dispose()


@contextlib.contextmanager
def _sqlite_file_lock(engine: Engine) -> Iterator[None]:
    """SQLite runs DDL outside a transaction (pysqlite), so two processes could both create a table:
    an exclusive ``flock`` on ``<database>.migrate.lock`` beside the file serialises them."""
    database = engine.url.database if engine.url.get_backend_name() == "sqlite" else None
    if not database or database == ":memory:":
        yield
        return
    try:
        import fcntl
    except ImportError:  # not POSIX: no cross-process lock available, migrate as before
        yield
        return
    with open(f"{database}.migrate.lock", "a+b") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


def engine_of(factory: sessionmaker[Session]) -> Engine:
    """The engine a ``session_factory`` is bound to (for store-wide locks beside the sessions)."""
    return factory.kw["bind"]


def open_store(url: str) -> sessionmaker[Session]:
    """Engine + migrations + session factory in one call (what flows and the CLI need)."""
    engine = make_engine(url)
    migrate(engine)
    return session_factory(engine)
