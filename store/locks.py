"""Store-wide locks on a string key, shared by every process that uses the store.

The ERP push holds one on the order's idempotency key across the adapter's lookup-then-create
(``flows/push.push_one``): two processes pushing the same order at once (a lease retaken from a
process that was only slow) take turns, and the second finds the first's sale instead of creating
another. The lock lives in the store because every pusher shares the store, whatever the ERP:
Tryton from PyPI enforces no unique key on a sale's reference or comment, and over XML-RPC its
database is out of reach.

- PostgreSQL: a session-level advisory lock (``pg_advisory_lock(ns, k)``) on a connection of its
  own; a dead process's lock goes with its session.
- SQLite file: an exclusive ``flock`` on one of 256 bucket files in ``<database>.locks/`` (a key
  shares its bucket with 1/256 of the others: they wait for each other, never overlap); a dead
  process's lock goes with its file descriptor.
- In-memory SQLite (one process): a lock per key in this process.
"""

from __future__ import annotations

import contextlib
import hashlib
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Engine

KEY_LOCK_NAMESPACE = 0x6F72_7075  # "orpu": the advisory-lock class of push keys (two-int key space)
SQLITE_BUCKETS = 256


class KeyLockTimeout(TimeoutError):
    """Another process held the key longer than the caller was willing to wait."""


def _digest(key: str) -> bytes:
    return hashlib.sha256(key.encode("utf-8")).digest()


def _pg_key(key: str) -> int:
    """A signed 32-bit integer from the key (the second half of the two-int advisory key)."""
    return int.from_bytes(_digest(key)[:4], "big", signed=True)


@contextlib.contextmanager
def key_lock(engine: Engine, key: str, *, timeout: float) -> Iterator[None]:
    """Hold the store-wide lock on ``key`` for the ``with`` block; waits at most ``timeout`` seconds
    for another holder, then raises ``KeyLockTimeout``."""
    backend = engine.url.get_backend_name()
    if backend == "postgresql":
        with _pg_lock(engine, key, timeout):
            yield
        return
    database = engine.url.database if backend == "sqlite" else None
    if database and database != ":memory:" and not database.startswith("file::memory:"):
        with _file_lock(Path(f"{database}.locks"), key, timeout):
            yield
        return
    with _local_lock(key, timeout):
        yield


@contextlib.contextmanager
def _pg_lock(engine: Engine, key: str, timeout: float) -> Iterator[None]:
    args = {"ns": KEY_LOCK_NAMESPACE, "k": _pg_key(key)}
    conn = engine.connect().execution_options(isolation_level="AUTOCOMMIT")
    held = False
    try:
        conn.execute(text(f"SET lock_timeout = {max(1, int(timeout * 1000))}"))
        try:
            conn.execute(text("SELECT pg_advisory_lock(:ns, :k)"), args)
        except Exception as exc:
            if "lock timeout" in str(exc).lower():
                raise KeyLockTimeout(f"the push lock on {key!r} is held elsewhere (waited {timeout:g} s)") from exc
            raise
        held = True
        yield
    finally:
        try:
            if held:
                conn.execute(text("SELECT pg_advisory_unlock(:ns, :k)"), args)
            conn.execute(text("RESET lock_timeout"))
        except Exception:  # never give a connection that may still hold the lock back to the pool
            conn.invalidate()
        conn.close()


@contextlib.contextmanager
def _file_lock(folder: Path, key: str, timeout: float) -> Iterator[None]:
    import fcntl

    folder.mkdir(exist_ok=True)
    bucket = folder / f"{_digest(key)[0] % SQLITE_BUCKETS:02x}.lock"
    deadline = time.monotonic() + timeout
    with open(bucket, "a+b") as fh:  # one open file description per holder: threads exclude each other too
        while True:
            try:
                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise KeyLockTimeout(f"the push lock on {key!r} is held elsewhere (waited {timeout:g} s)") from None
                time.sleep(0.05)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


_local_guard = threading.Lock()
_local: dict[str, threading.Lock] = {}


@contextlib.contextmanager
def _local_lock(key: str, timeout: float) -> Iterator[None]:
    with _local_guard:
        lock = _local.setdefault(key, threading.Lock())
    if not lock.acquire(timeout=timeout):
        raise KeyLockTimeout(f"the push lock on {key!r} is held elsewhere (waited {timeout:g} s)")
    try:
        yield
    finally:
        lock.release()
