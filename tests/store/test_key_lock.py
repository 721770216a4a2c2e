"""The push's per-key lock (``store/locks.key_lock``) on SQLite and a real PostgreSQL: one holder per
key across processes, other keys free, and a killed holder's lock gone with its process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

from orderflow.store.locks import SQLITE_BUCKETS, KeyLockTimeout, _digest, key_lock

KEY = "C001|PO-4711|original|0"
HOLD = """
import sys, time
from orderflow.store.db import make_engine
from orderflow.store.locks import key_lock
with key_lock(make_engine(sys.argv[1]), sys.argv[2], timeout=10):
    print("held", flush=True)
    time.sleep(120)
"""


def _other_key() -> str:
    """A key in another SQLite bucket than KEY (on PostgreSQL every key is its own)."""
    return next(k for i in range(1000) if (_digest(k := f"C001|PO-{i}|original|0")[0] % SQLITE_BUCKETS)
                != _digest(KEY)[0] % SQLITE_BUCKETS)


def _try(engine, key: str, timeout: float) -> bool:
    try:
        with key_lock(engine, key, timeout=timeout):
            return True
    except KeyLockTimeout:
        return False


def test_one_holder_per_key_other_keys_free(engine):
    held, release = threading.Event(), threading.Event()

    def holder() -> None:
        with key_lock(engine, KEY, timeout=5):
            held.set()
            release.wait(30)

    t = threading.Thread(target=holder)
    t.start()
    try:
        assert held.wait(30)
        assert not _try(engine, KEY, 0.3)  # the same key waits, then gives up
        assert _try(engine, _other_key(), 0.3)  # another key does not wait
    finally:
        release.set()
        t.join(30)
    assert _try(engine, KEY, 5)  # released


def test_a_killed_holders_lock_goes_with_its_process(engine):
    url = engine.url.render_as_string(hide_password=False)
    pythonpath = str(Path(os.path.abspath(__import__("orderflow").__file__)).parent.parent)
    proc = subprocess.Popen([sys.executable, "-c", HOLD, url, KEY], stdout=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": pythonpath})
    try:
        assert proc.stdout.readline().strip() == "held"
        assert not _try(engine, KEY, 0.5)
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
        assert _try(engine, KEY, 10)  # PostgreSQL ends the session, the kernel drops the flock
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.stdout.close()


def test_in_memory_store_locks_within_the_process():
    from orderflow.store.db import make_engine

    timeout = 0.2
    engine = make_engine("sqlite://")
    with key_lock(engine, KEY, timeout=timeout):
        box: list[bool] = []
        t = threading.Thread(target=lambda: box.append(_try(engine, KEY, timeout)))
        t.start()
        t.join(10)
        assert box == [False]
    assert _try(engine, KEY, timeout)
