"""Scale-out: workers claim documents and orders with row locks, then run the plain pipeline.

Any number of workers on any number of machines share one PostgreSQL store. A claim is a
single ``UPDATE ... WHERE id IN (SELECT ... FOR UPDATE SKIP LOCKED)``, so two workers never
take the same row and never wait for each other. A worker that dies mid-batch leaves its
documents in ``processing`` with a ``claimed_at`` stamp; after ``stale_after`` (setting
``claim_stale_after_seconds``, 5 minutes by default) another worker re-claims them. A live worker
renews the claim of the document it works on (``flows/leases.py``), so a slow document is not retaken. ``process_document`` marks the document ``processing`` again itself:
after a claim that is a no-op state change (one more audit line), not a second claim.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from sqlalchemy import or_, select, update

from orderflow.canonical.states import DocumentState, OrderState
from orderflow.flows.leases import Heartbeat, renew_documents, stale_after_of
from orderflow.flows.pipeline import DocumentOutcome, PushOutcome, Services, process_document, push_safely
from orderflow.flows.push import PUSH_PREFIX
from orderflow.store import repository as repo
from orderflow.store.models import Document, Order
from orderflow.store.types import utcnow

log = logging.getLogger("orderflow.workers")



def default_worker_name() -> str:
    """``ORDERFLOW_WORKER_NAME`` (or the host name) plus the pid: unique per process, readable in the audit trail."""
    return f"{os.environ.get('ORDERFLOW_WORKER_NAME') or socket.gethostname()}:{os.getpid()}"


@dataclass
class WorkerReport:
    """What one run of the claim loop did (counts only: no prices, no customer data)."""

    worker: str
    documents: list[DocumentOutcome] = field(default_factory=list)
    pushes: list[PushOutcome] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {
            "documents": len(self.documents),
            "processed": sum(1 for d in self.documents if d.state == "processed"),
            "failed": sum(1 for d in self.documents if d.state == "failed"),
            "pushed": sum(1 for p in self.pushes if p.ok),
            "push_errors": sum(1 for p in self.pushes if not p.ok),
            "errors": len(self.errors),
        }


# --------------------------------------------------------------------------- documents


def claim_documents(
    services: Services, *, worker: str, batch: int = 10, stale_after: dt.timedelta | None = None
) -> list[int]:
    """Claim up to ``batch`` received (or stale processing) documents; returns their ids.
    ``stale_after``: the services' lease length when None."""
    stale_after = stale_after_of(services) if stale_after is None else stale_after
    with services.session_factory() as s, s.begin():
        docs = repo.claim_documents(s, worker=worker, limit=batch, stale_after=stale_after)
        return [d.id for d in docs]


def claim_document_ids(services: Services, ids: Iterable[int], *, worker: str) -> list[int]:
    """Claim exactly these documents if still ``received`` (a poll flow processing what it stored).

    A compare-and-set UPDATE: if a scale-out worker claimed one first, it is not returned.
    """
    ids = list(ids)
    if not ids:
        return []
    now = utcnow()
    with services.session_factory() as s, s.begin():
        stmt = (
            update(Document)
            .where(Document.id.in_(ids), Document.state == DocumentState.RECEIVED.value)
            .values(
                state=DocumentState.PROCESSING.value,
                claimed_by=worker,
                claimed_at=now,
                attempts=Document.attempts + 1,
                updated_at=now,
            )
            .returning(Document.id)
            .execution_options(synchronize_session=False)
        )
        return sorted(s.scalars(stmt).all())


def process_one(services: Services, document_id: int, *, worker: str) -> DocumentOutcome | None:
    """Process a claimed document; a crash becomes a failed document, never a lost one."""
    try:
        with Heartbeat(services.session_factory, lambda s: renew_documents(s, [document_id], worker),
                       stale_after_of(services)):
            return process_document(services, document_id, actor=worker)
    except Exception as exc:  # the pipeline turns bad input into outcomes; this is the last guard
        log.exception("processing document %s crashed", document_id)
        reason = f"Processing crashed: {type(exc).__name__}: {exc}"
        try:
            with services.session_factory() as s, s.begin():
                doc = repo.get_document(s, document_id)
                if doc is not None:
                    repo.mark_document(s, doc, DocumentState.FAILED.value, reason=reason, actor=worker)
        except Exception:  # database gone: the claim goes stale and another worker retries
            log.exception("could not record the failure of document %s", document_id)
        return None


# --------------------------------------------------------------------------- orders


def claim_orders(
    services: Services, *, worker: str, batch: int = 10, ttl: dt.timedelta | None = None
) -> list[int]:
    """Claim up to ``batch`` approved orders for pushing (row locks, SKIP LOCKED).

    A CSR's review claim on an approved order does not block the push; another worker's push
    claim does until it expires.
    """
    now = utcnow()
    ttl = stale_after_of(services) if ttl is None else ttl
    free = or_(
        Order.claimed_by.is_(None),
        ~Order.claimed_by.startswith(PUSH_PREFIX),
        Order.claim_expires_at.is_(None),
        Order.claim_expires_at < now,
    )
    pick = (
        select(Order.id)
        .where(Order.state == OrderState.APPROVED.value, free)
        .order_by(Order.id)
        .limit(batch)
        .with_for_update(skip_locked=True)
    )
    with services.session_factory() as s, s.begin():
        stmt = (
            update(Order)
            .where(Order.id.in_(pick.scalar_subquery()))
            .values(claimed_by=f"{PUSH_PREFIX}{worker}", claim_expires_at=now + ttl)
            .returning(Order.id)
            .execution_options(synchronize_session=False)
        )
        return sorted(s.scalars(stmt).all())


def release_order(services: Services, order_id: int, *, worker: str) -> None:
    """Drop this worker's push claim (only its own)."""
    with services.session_factory() as s, s.begin():
        s.execute(
            update(Order)
            .where(Order.id == order_id, Order.claimed_by == f"{PUSH_PREFIX}{worker}")
            .values(claimed_by=None, claim_expires_at=None)
            .execution_options(synchronize_session=False)
        )


def push_claimed(services: Services, order_id: int, *, worker: str) -> PushOutcome:
    """Push one claimed order (the adapter checks the idempotency key first), then release it."""
    try:
        return push_safely(services, order_id, actor=worker, token=f"{PUSH_PREFIX}{worker}")
    except Exception as exc:
        log.exception("pushing order %s crashed", order_id)
        return PushOutcome(order_id, False, error=f"{type(exc).__name__}: {exc}")
    finally:
        release_order(services, order_id, worker=worker)


def push_pending(services: Services, *, worker: str, batch: int = 10) -> list[PushOutcome]:
    """Claim and push approved orders until none is left for this worker."""
    out: list[PushOutcome] = []
    while ids := claim_orders(services, worker=worker, batch=batch):
        out.extend(push_claimed(services, oid, worker=worker) for oid in ids)
    return out


# --------------------------------------------------------------------------- the loop


def process_claimed(
    services: Services,
    *,
    worker: str | None = None,
    batch: int = 10,
    stale_after: dt.timedelta | None = None,
    max_batches: int | None = None,
    push: bool = True,
    on_document: Callable[[DocumentOutcome | None], None] | None = None,
) -> WorkerReport:
    """Claim batches of documents and process them until the queue is empty, then push.

    Returns when no document is left to claim (or after ``max_batches``). Safe to run in any
    number of processes at once against one PostgreSQL store.
    """
    worker = worker or default_worker_name()
    report = WorkerReport(worker=worker)
    batches = 0
    while max_batches is None or batches < max_batches:
        ids = claim_documents(services, worker=worker, batch=batch, stale_after=stale_after)
        if not ids:
            break
        batches += 1
        for doc_id in ids:
            outcome = process_one(services, doc_id, worker=worker)
            if outcome is None:
                report.errors.append(f"document {doc_id}: processing crashed")
            else:
                report.documents.append(outcome)
            if on_document is not None:
                on_document(outcome)
    if push:
        report.pushes = push_pending(services, worker=worker, batch=batch)
    from orderflow.flows import replies

    replies.deliver(services)  # replies (997/CONTRL, 855/ORDRSP/865) a killed process left owed
    log.info("worker %s: %s", worker, report.counts())
    return report


def run_forever(
    services: Services,
    *,
    worker: str | None = None,
    batch: int = 10,
    idle_seconds: float = 2.0,
    stop: Callable[[], bool] = lambda: False,
    on_report: Callable[[WorkerReport], None] | None = None,
) -> None:
    """The long-running worker: claim loop, sleep while idle, until ``stop()`` says so."""
    worker = worker or default_worker_name()
    while not stop():
        report = process_claimed(services, worker=worker, batch=batch)
        if on_report is not None and (report.documents or report.pushes or report.errors):
            on_report(report)
        if not report.documents and not report.pushes:
            time.sleep(idle_seconds)
