"""Chaos harness shared by tests/chaos and bench/stress.py: the ERP process, the batch, the runner, the checks."""

from __future__ import annotations

import json
import os
import random
import socket
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
PYTHON = sys.executable
# The directory that makes ``import orderflow`` resolve to the code under test (a worktree's symlink
# dir, or the checkout's parent): subprocesses get it as PYTHONPATH, so they run this code too.
PACKAGE_ROOT = str(Path(os.path.abspath(__import__("orderflow").__file__)).parent.parent)
TESTS = str(HERE.parent)  # makes ``fixtures.batch_runner`` importable in the runner's process
# the checkpoints a batch run is killed at (``orderflow.flows.checkpoints``; before_reply has its own test)
POINTS = ("after_extract", "mid_orders_txn", "after_process", "before_push", "after_push")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ErpProcess:
    """The REST ERP of ``erp_server.py`` as a separate process; stop/kill and start again on the same port."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.port = free_port()
        self.db = root / "erp.sqlite"
        self.log = root / "erp.log"
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def start(self) -> None:
        with open(self.log, "ab") as logf:
            self.proc = subprocess.Popen(
                [PYTHON, str(HERE / "erp_server.py"), "--port", str(self.port), "--db", str(self.db)],
                stdout=logf, stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                if self.proc.poll() is not None:
                    raise RuntimeError(f"ERP server exited: {self.log.read_text(errors='replace')[-1000:]}") from None
                time.sleep(0.05)
        raise RuntimeError("ERP server did not open its port")

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
        self.proc = None

    def sales(self) -> list[dict[str, Any]]:
        with sqlite3.connect(self.db) as db:
            rows = db.execute("SELECT seq, key, po_number, created FROM sales ORDER BY seq").fetchall()
        return [{"id": f"SO{r[0]:06d}", "key": r[1], "po_number": r[2], "created": r[3]} for r in rows]

    def calls(self) -> list[dict[str, Any]]:
        with sqlite3.connect(self.db) as db:
            rows = db.execute("SELECT at, key, status FROM calls ORDER BY n").fetchall()
        return [{"at": r[0], "key": r[1], "status": r[2]} for r in rows]


# --------------------------------------------------------------------------- the batch


def portal_order(po: str, qty: int = 1000) -> bytes:
    """A small valid ACME portal order (auto-approved against the demo reference data)."""
    return json.dumps({
        "po_number": po,
        "po_date": "2026-11-17",
        "currency": "USD",
        "buyer": {"name": "ACME Manufacturing", "ids": {"92": "ACME"}},
        "ship_to": {"name": "ACME Manufacturing Distribution Center", "ids": {"92": "0002"}},
        "lines": [
            {"line_no": "1", "sku": "FAS-1001", "qty": str(qty), "uom": "EA", "unit_price": "0.15"},
            {"line_no": "2", "sku": "FAS-1003", "qty": "500", "uom": "EA", "unit_price": "0.06"},
        ],
    }, indent=1).encode()


def make_batch(folder: Path, n: int, *, broken_every: int = 25, seed: int = 7) -> dict[str, str]:
    """``n`` small documents: valid portal orders with unique POs, and every ``broken_every``-th one
    a truncated file that must end as a failed document. Returns file name → expected end state."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    expected: dict[str, str] = {}
    for i in range(n):
        name = f"po-{i:04d}.json"
        data = portal_order(f"CH-{seed}-{i:05d}", qty=1000 + rng.randrange(0, 500))
        if broken_every and i % broken_every == broken_every - 1:
            data = data[: len(data) // 2]
            expected[name] = "failed"
        else:
            expected[name] = "processed"
        (folder / name).write_bytes(data)
    return expected


# --------------------------------------------------------------------------- the runner


@dataclass
class RunResult:
    returncode: int
    stdout: str
    stderr: str
    seconds: float

    @property
    def killed(self) -> bool:
        return self.returncode == -9

    @property
    def report(self) -> dict[str, Any]:
        lines = [ln for ln in self.stdout.splitlines() if ln.startswith("{")]
        return json.loads(lines[-1]) if lines else {}


def run_batch(folder: Path, home: Path, *, erp_url: str | None = None, kill_at: str | None = None,
              push_seconds: float = 30.0, timeout: float = 600, extra: list[str] = ()) -> RunResult:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join((PACKAGE_ROOT, TESTS))}
    cmd = [PYTHON, "-m", "fixtures.batch_runner", "process-batch", str(folder), "--home", str(home),
           "--push-seconds", str(push_seconds), *extra]
    if kill_at:
        cmd += ["--kill-at", kill_at]
    if erp_url:
        cmd += ["--erp-url", erp_url]
    started = time.monotonic()
    p = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout, cwd=str(home))
    return RunResult(p.returncode, p.stdout, p.stderr, time.monotonic() - started)


# --------------------------------------------------------------------------- the checks


@dataclass
class Ledger:
    """What the store and the ERP say after the runs: the figures the tests assert on."""

    documents: dict[str, str] = field(default_factory=dict)  # filename -> state
    doc_rows: int = 0
    orders_per_doc: dict[str, int] = field(default_factory=dict)
    order_states: dict[str, int] = field(default_factory=dict)
    pushed_keys: dict[str, str] = field(default_factory=dict)  # idem key -> erp_order_id (store)
    pushed_transitions: dict[int, int] = field(default_factory=dict)  # order id -> number of 'pushed' events
    stuck: list[str] = field(default_factory=list)


def read_ledger(home: Path) -> Ledger:
    from sqlalchemy import select

    from orderflow.store.db import make_engine, session_factory
    from orderflow.store.models import AuditEvent, Document, Order

    engine = make_engine(f"sqlite:///{home / 'orderflow.db'}")
    led = Ledger()
    try:
        with session_factory(engine)() as s:
            docs = s.scalars(select(Document)).all()
            led.doc_rows = len(docs)
            for d in docs:
                led.documents[d.filename] = d.state
                led.orders_per_doc[d.filename] = len(d.orders)
                if d.state in ("received", "processing"):
                    led.stuck.append(f"document {d.filename} {d.state}")
            for o in s.scalars(select(Order)).all():
                led.order_states[o.state] = led.order_states.get(o.state, 0) + 1
                if o.state in ("approved", "received", "extracted", "valid"):
                    led.stuck.append(f"order {o.id} {o.state}")
                if o.state == "pushed":
                    led.pushed_keys[o.idem_key] = o.erp_order_id
            for ev in s.scalars(select(AuditEvent).where(AuditEvent.entity == "order")).all():
                if (ev.after or {}).get("state") == "pushed":
                    oid = int(ev.entity_id)
                    led.pushed_transitions[oid] = led.pushed_transitions.get(oid, 0) + 1
    finally:
        engine.dispose()
    return led


def lost_and_duplicated(expected: dict[str, str], led: Ledger, erp_sales: list[dict[str, Any]]) -> tuple[int, int]:
    """(documents lost or in the wrong end state, duplicates in the store or the ERP)."""
    lost = sum(1 for name, want in expected.items() if led.documents.get(name) != want)
    dup_docs = led.doc_rows - len(led.documents)
    keys = [s["key"] for s in erp_sales]
    dup_sales = len(keys) - len(set(keys))
    dup_push = sum(n - 1 for n in led.pushed_transitions.values() if n > 1)
    return lost, dup_docs + dup_sales + dup_push


def kill_schedule(rng: random.Random, runs: int, max_hit: int) -> list[str]:
    """``runs`` kill targets, every point at least once when ``runs`` allows."""
    points = list(POINTS) * (runs // len(POINTS) + 1)
    chosen = points[:runs]
    rng.shuffle(chosen)
    return [f"{p}:{rng.randint(1, max_hit)}" for p in chosen]


def outage_run(workdir: Path, erp: ErpProcess, outage_seconds: float, docs: int = 24) -> dict[str, Any]:
    """Approve ``docs`` orders, kill the ERP after the 5th push, start it again after ``outage_seconds``;
    returns what happened (the outage test asserts on the same scenario in more detail)."""
    import threading

    from fixtures import batch_runner as chaos

    inbox, home = workdir / "outage-inbox", workdir / "outage-home"
    make_batch(inbox, docs, broken_every=0, seed=11)
    services = chaos.build(home, erp_url=erp.url, database_url=None, push_attempts=100_000)
    chaos.ingest_folder(services, inbox)
    chaos.process_pending(services)
    state: dict[str, Any] = {"n": 0}

    def hook(point: str) -> None:
        if point == "after_push" and "down_at" not in state:
            state["n"] += 1
            if state["n"] == 5:
                erp.kill()
                state["down_at"] = time.monotonic()
                threading.Timer(outage_seconds, erp.start).start()

    chaos.set_hook(hook)
    try:
        totals = chaos.push_until_done(services, max_seconds=outage_seconds + 60, interval=0.25)
    finally:
        chaos.set_hook(None)
    led = read_ledger(home)
    keys_in_erp = [s["key"] for s in erp.sales()]
    return {
        "survived_seconds": time.monotonic() - state["down_at"],
        "pushed": totals["pushed"],
        "retries": totals["transient"],
        "duplicates": len(keys_in_erp) - len(set(keys_in_erp)),
        "in_order": keys_in_erp == sorted(keys_in_erp),
        "stuck": len(led.stuck),
    }
