"""Crash points and a resumable batch runner, for proving "nothing lost, nothing twice" under kill -9.

``chaos_point(name)`` is called at a few places in ``flows/pipeline.py``. It does nothing
unless ``ORDERFLOW_CHAOS_KILL_AT=<name>:<n>`` is set, in which case the process SIGKILLs
itself at the n-th hit of that point (no cleanup, no ``finally``: the same as a power cut).
Tests can also install an in-process hook (``set_hook``) to act at a point, e.g. drop the
database connection in the middle of a transaction.

The runner (``python -m orderflow.flows.chaos process-batch DIR --home H``) stores every
file of DIR, then processes whatever the store says is unfinished — documents still
``received`` and documents left in ``processing`` by a run that died — and pushes the
approved orders, stopping a push pass at the first transient ERP failure so orders reach
the ERP in order. Running it again after a crash resumes where the store says it stopped.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ENV = "ORDERFLOW_CHAOS_KILL_AT"
POINTS = ("after_extract", "mid_orders_txn", "after_process", "before_push", "after_push")

_hits: dict[str, int] = {}
_hook: Callable[[str], None] | None = None

log = logging.getLogger("orderflow.chaos")


def _target() -> tuple[str, int] | None:
    raw = os.environ.get(ENV)
    if not raw:
        return None
    name, _, n = raw.partition(":")
    try:
        return name.strip(), max(1, int(n or 1))
    except ValueError:
        return None


def chaos_point(name: str) -> None:
    """A named place where a crash is worth testing; a no-op in production (env var unset, no hook)."""
    if _hook is not None:
        _hook(name)
    target = _target()
    if target is None or target[0] != name:
        return
    _hits[name] = _hits.get(name, 0) + 1
    if _hits[name] >= target[1]:
        os.kill(os.getpid(), signal.SIGKILL)


def set_hook(hook: Callable[[str], None] | None) -> None:
    """Install (or remove, with None) an in-process callback run at every chaos point."""
    global _hook
    _hook = hook


# --------------------------------------------------------------------------- the runner


def _is_db_error(exc: BaseException) -> bool:
    from sqlalchemy.exc import DBAPIError

    return isinstance(exc, DBAPIError)


def ingest_folder(services: Any, folder: Path, *, channel: str = "folder") -> list[int]:
    """Store every file of ``folder`` (sorted by name); the store's sha256 makes this idempotent."""
    from orderflow.canonical import Envelope
    from orderflow.flows.pipeline import ingest

    ids = []
    for path in sorted(p for p in folder.iterdir() if p.is_file()):
        env = Envelope(data=path.read_bytes(), filename=path.name, channel=channel)
        doc_id, _ = ingest(services, env)
        ids.append(doc_id)
    return ids


def process_pending(
    services: Any,
    *,
    worker: str = "chaos-runner",
    stale_after: dt.timedelta = dt.timedelta(0),
    batch: int = 50,
    db_retries: int = 3,
    after_batch: Callable[[], None] | None = None,
) -> dict[str, int]:
    """Process every unfinished document: ``received`` ones and ``processing`` ones older than ``stale_after``.

    A dropped database connection fails the document's attempt; it is retried (fresh
    connection) up to ``db_retries`` times and otherwise left for the next run. ``after_batch``
    runs after each claimed batch (the runner pushes there, so pushes interleave with processing).
    """
    from orderflow.flows.pipeline import process_document
    from orderflow.store import repository as repo

    counts = {"processed": 0, "failed": 0, "db_errors": 0}
    given_up: set[int] = set()
    while True:
        with services.session_factory() as s, s.begin():
            docs = repo.claim_documents(s, worker=worker, limit=batch, stale_after=stale_after)
            ids = [d.id for d in docs]
        ids = [i for i in ids if i not in given_up]
        if not ids:
            return counts
        for doc_id in ids:
            for attempt in range(db_retries + 1):
                try:
                    out = process_document(services, doc_id, actor=worker)
                except Exception as exc:
                    if not _is_db_error(exc):
                        raise
                    counts["db_errors"] += 1
                    log.warning("document %s: database error (attempt %s): %s", doc_id, attempt + 1,
                                type(exc).__name__)
                    if attempt == db_retries:
                        given_up.add(doc_id)
                    continue
                counts["processed" if out.state == "processed" else "failed"] += 1
                break
        if after_batch is not None:
            after_batch()


def push_in_order(services: Any, *, actor: str = "system") -> dict[str, int]:
    """One in-order push pass (``pipeline.push_approved``: stops at the first transient failure), counted."""
    from orderflow.flows.pipeline import _was_transient, pending_pushes, push_approved

    total = len(pending_pushes(services))
    results = push_approved(services, actor=actor)
    failed = [r for r in results if not r.ok]
    stopped = bool(results) and not results[-1].ok and _was_transient(services, results[-1].order_id)
    return {
        "pushed": len(results) - len(failed),
        "transient": 1 if stopped else 0,
        "rejected": len(failed) - (1 if stopped else 0),
        "pending": total - len(results) + 1 if stopped else 0,
    }


def push_until_done(
    services: Any, *, max_seconds: float, interval: float = 0.5, sleep: Callable[[float], None] = time.sleep
) -> dict[str, int]:
    """Repeat push passes until nothing approved is left or ``max_seconds`` have passed."""
    total = {"pushed": 0, "transient": 0, "rejected": 0, "passes": 0}
    deadline = time.monotonic() + max_seconds
    while True:
        counts = push_in_order(services)
        total["passes"] += 1
        for k in ("pushed", "transient", "rejected"):
            total[k] += counts[k]
        if not counts["transient"] or time.monotonic() >= deadline:
            total["pending"] = counts["pending"]
            return total
        sleep(interval)


def build(home: Path, *, erp_url: str | None, database_url: str | None, push_attempts: int,
          stale_after: float = 2.0) -> Any:
    """Services for the runner: the store under ``home`` (or a URL), a REST ERP by URL or the file outbox.
    ``stale_after`` (seconds): runs follow each other, so a killed run's claims may lapse at once."""
    from orderflow.flows.services import build_services
    from orderflow.flows.settings import Settings

    settings = Settings(home=home, database_url=database_url, push_attempts=push_attempts,
                        claim_stale_after_seconds=stale_after)
    adapter = None
    if erp_url:
        from orderflow.erp_push.rest_adapter import RestAdapter

        adapter = RestAdapter(erp_url, timeout=5.0)
    return build_services(settings, adapter=adapter)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m orderflow.flows.chaos")
    sub = p.add_subparsers(dest="cmd", required=True)
    pb = sub.add_parser("process-batch", help="store DIR's files, process what is unfinished, push approved")
    pb.add_argument("folder", type=Path)
    pb.add_argument("--home", type=Path, required=True)
    pb.add_argument("--database-url")
    pb.add_argument("--erp-url", help="generic REST ERP base URL (default: file outbox under --home)")
    pb.add_argument("--push-attempts", type=int, default=1000)
    pb.add_argument("--push-seconds", type=float, default=30.0, help="keep retrying pushes this long")
    pb.add_argument("--no-push", action="store_true")
    pb.add_argument("--stale-after", type=float, default=2.0, help="claim lease in seconds")
    pb.add_argument("--batch", type=int, default=20, help="documents per claim; a push pass follows each")
    args = p.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    services = build(args.home, erp_url=args.erp_url, database_url=args.database_url,
                     push_attempts=args.push_attempts, stale_after=args.stale_after)
    ingested = ingest_folder(services, args.folder)
    pushes: dict[str, int] = {"pushed": 0, "transient": 0, "rejected": 0}

    def push_pass() -> None:
        for k, v in push_in_order(services).items():
            if k in pushes:
                pushes[k] += v

    report: dict[str, Any] = {
        "ingested": len(ingested),
        **process_pending(services, batch=args.batch, after_batch=None if args.no_push else push_pass),
    }
    if not args.no_push:
        final = push_until_done(services, max_seconds=args.push_seconds)
        report["push"] = {**final, **{k: pushes[k] + final[k] for k in pushes}}
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
