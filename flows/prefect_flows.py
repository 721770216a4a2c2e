"""Prefect flows: the same pipeline functions as tasks, with names that read like an ops log.

Only this module (and ``flows/serve.py``) imports Prefect, lazily, because ``import prefect``
costs seconds. Retries are for transient errors only: a parse error is an outcome, not a
failure to retry.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

from orderflow.canonical import Envelope
from orderflow.flows.pipeline import DocumentOutcome, Services

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")
os.environ.setdefault("PREFECT_LOGGING_TO_API_ENABLED", "false")

from prefect import flow, task  # noqa: E402
from prefect.cache_policies import NO_CACHE  # noqa: E402

_services: Services | None = None


def services() -> Services:
    """One Services per worker process, built from the settings (flows read configuration)."""
    global _services
    if _services is None:
        from orderflow.flows.services import build_services
        from orderflow.flows.settings import load_settings

        _services = build_services(load_settings())
    return _services


def set_services(value: Services | None) -> None:
    """Tests and the demo hand in services they built."""
    global _services
    _services = value


def _transient(task_obj: Any, task_run: Any, state: Any) -> bool:
    """Retry only what may succeed next time, decided by exception type: the ERP's and the network's
    transient errors (``erp_push.base.is_transient``) and the store's operational errors (busy, reset)."""
    from sqlalchemy.exc import DBAPIError, OperationalError

    from orderflow.erp_push.base import is_transient

    try:
        state.result()
    except (OSError, OperationalError, DBAPIError):
        return True
    except Exception as exc:
        return is_transient(exc)
    return False


# Task options shared by the per-document and the batch tasks: retries only for transient errors,
# no result cache or persistence (the store is the record); pushes carry the "erp" concurrency tag.
_PROCESS_TASK: dict[str, Any] = dict(retries=2, retry_delay_seconds=1, retry_condition_fn=_transient,
                                     cache_policy=NO_CACHE, persist_result=False)
_PUSH_TASK: dict[str, Any] = dict(retries=2, retry_delay_seconds=2, retry_condition_fn=_transient,
                                  cache_policy=NO_CACHE, persist_result=False, tags=["erp"])


@task(
    name="process-document",
    task_run_name="process {channel}:{label}",
    **_PROCESS_TASK,
)
def process_document_task(document_id: int, channel: str, label: str, worker: str = "system") -> DocumentOutcome:
    from orderflow.flows.pipeline import process_safely

    return process_safely(services(), document_id, actor=worker)


@task(name="ingest", task_run_name="store {channel}:{label}", cache_policy=NO_CACHE, persist_result=False)
def ingest_task(envelope: Envelope, channel: str, label: str) -> tuple[int, bool]:
    from orderflow.flows.pipeline import ingest

    return ingest(services(), envelope)


@task(
    name="push-order",
    task_run_name="push order {order_id}",
    **_PUSH_TASK,
)
def push_order_task(order_id: int, worker: str = "system"):
    """Push one claimed order; the "erp" tag carries the concurrency limit on the ERP."""
    from orderflow.flows.workers import push_claimed

    return push_claimed(services(), order_id, worker=worker)


@task(
    name="process-document-batch",
    task_run_name="process {label}",
    **_PROCESS_TASK,
)
def process_batch_task(document_ids: list[int], label: str, worker: str = "system") -> list[DocumentOutcome]:
    """Several claimed documents in one task run (``prefect_task_batch``); a retry skips those done."""
    from orderflow.flows.pipeline import existing_outcome, process_safely
    from orderflow.store import repository as repo

    out = []
    for doc_id in document_ids:
        with services().session_factory() as s:
            doc = repo.get_document(s, doc_id)
            if doc is not None and doc.state in ("processed", "failed"):
                out.append(existing_outcome(s, doc))
                continue
        out.append(process_safely(services(), doc_id, actor=worker))
    return out


@task(
    name="push-order-batch",
    task_run_name="push orders {label}",
    **_PUSH_TASK,
)
def push_batch_task(order_ids: list[int], label: str, worker: str = "system") -> list[Any]:
    """Several claimed orders in one task run; a pushed order is not pushed again (idempotency key)."""
    from orderflow.flows.workers import push_claimed

    return [push_claimed(services(), oid, worker=worker) for oid in order_ids]


def _task_batch() -> int:
    return max(1, int(getattr(services(), "prefect_task_batch", 1) or 1))


def _process_in_tasks(items: list[tuple[int, str, str]], worker: str) -> list[DocumentOutcome]:
    """Claimed documents ``(id, channel, label)`` as Prefect tasks: one per document, or one per
    ``prefect_task_batch`` documents (named after the first: "process sftp:a.edi +24 more")."""
    size = _task_batch()
    if size == 1:
        return [process_document_task(doc_id, channel, label, worker) for doc_id, channel, label in items]
    out: list[DocumentOutcome] = []
    for i in range(0, len(items), size):
        chunk = items[i : i + size]
        name = f"{chunk[0][1]}:{chunk[0][2]}" + (f" +{len(chunk) - 1} more" if len(chunk) > 1 else "")
        out.extend(process_batch_task([doc_id for doc_id, _, _ in chunk], name, worker))
    return out


def _push_claimed_orders(worker: str, batch: int = 10) -> list[Any]:
    """Claim approved orders (row locks) and push them as tasks (one per order, or per claimed batch
    with ``prefect_task_batch`` > 1), until none is left."""
    from orderflow.flows.workers import claim_orders

    size = _task_batch()
    out: list[Any] = []
    while ids := claim_orders(services(), worker=worker, batch=max(batch, size)):
        if size == 1:
            out.extend(push_order_task(oid, worker) for oid in ids)
        else:
            out.extend(push_batch_task(ids, f"{ids[0]}" + (f" +{len(ids) - 1} more" if len(ids) > 1 else ""),
                                       worker))
    return out


def _run_label() -> str:
    """This flow run's name (unique in the Prefect UI), used as the worker name in the audit trail."""
    from orderflow.flows.workers import default_worker_name

    try:
        from prefect.runtime import flow_run

        name = flow_run.name
        return f"{default_worker_name()}/{name}" if name else default_worker_name()
    except Exception:
        return default_worker_name()


@flow(name="process-files", flow_run_name="process {count} document(s)", log_prints=False)
def process_envelopes_flow(envelopes: list[Envelope], count: int, push: bool = True) -> list[DocumentOutcome]:
    """Store each document first, then a task per document; then push what was approved."""
    from orderflow.flows.pipeline import existing_outcome, ingest
    from orderflow.flows.workers import claim_document_ids
    from orderflow.store import repository as repo

    me = _run_label()
    done: list[tuple[int, bool]] = []  # (document id, duplicate) in input order
    pending: list[tuple[int, str, str]] = []
    size = _task_batch()
    for env in envelopes:
        label = env.filename or env.sha256[:12]
        svc = services()
        doc_id, created = ingest(svc, env)  # a plain call: the process step is the task
        with svc.session_factory() as s:
            doc = repo.document(s, doc_id)
            if not created and doc.state in ("processed", "failed"):
                done.append((doc_id, True))
                continue
        claim_document_ids(svc, [doc_id], worker=me)  # keeps scale-out workers off it
        done.append((doc_id, False))
        pending.append((doc_id, env.channel, label))
        if len(pending) >= size:
            _process_in_tasks(pending, me)
            pending = []
    _process_in_tasks(pending, me)
    if push:
        _push_claimed_orders(me)
    svc = services()
    with svc.session_factory() as s:
        return [existing_outcome(s, repo.get_document(s, doc_id), duplicate=dup) for doc_id, dup in done]


@flow(name="push-approved", flow_run_name="push approved orders")
def push_approved_flow() -> list[Any]:
    """Push every approved order; concurrent runs on other machines take disjoint orders."""
    pushed = _push_claimed_orders(_run_label())
    _deliver_owed()
    return pushed


def _worker_run_name() -> str:
    from prefect.runtime import flow_run

    worker = (flow_run.parameters or {}).get("worker")
    return f"claim and process documents ({worker})" if worker else "claim and process documents"


@flow(name="process-documents", flow_run_name=_worker_run_name)
def process_documents_flow(
    worker: str | None = None, batch: int = 10, push: bool = True, stale_after_seconds: int = 900
) -> dict[str, int]:
    """Scale-out: claim received documents with row locks, a task per document, until none is left.

    Runs on any number of Prefect workers at once; each document is processed exactly once.
    """
    import datetime as dt

    from orderflow.flows.workers import claim_documents

    name = worker or _run_label()
    counts = {"processed": 0, "failed": 0, "pushed": 0}
    while ids := claim_documents(
        services(), worker=name, batch=batch, stale_after=dt.timedelta(seconds=stale_after_seconds)
    ):
        with services().session_factory() as s:
            items = [(i, *_doc_label(s, i)) for i in ids]
        for outcome in _process_in_tasks(items, name):
            counts[outcome.state if outcome.state in counts else "failed"] += 1
    if push:
        counts["pushed"] = sum(1 for p in _push_claimed_orders(name, batch) if p.ok)
    _deliver_owed()
    return counts


def _deliver_owed() -> None:
    """Replies (997/CONTRL, 855/ORDRSP/865) a killed process left owed: delivered once (``flows/replies``)."""
    from orderflow.flows import replies

    replies.deliver(services())


def _doc_label(s: Any, doc_id: int) -> tuple[str, str]:
    from orderflow.store import repository as repo

    doc = repo.get_document(s, doc_id)
    meta = dict(doc.meta or {}) if doc is not None else {}
    return meta.get("channel") or "?", meta.get("filename") or f"document {doc_id}"


def run_process_envelopes(envelopes: list[Envelope], *, push: bool = True) -> list[DocumentOutcome]:
    return process_envelopes_flow(envelopes, count=len(envelopes), push=push)


@flow(name="poll-channel", flow_run_name="poll {kind}:{name}")
def poll_channel_flow(kind: str, name: str, push: bool = True) -> dict[str, Any]:
    """Poll one configured channel, then a task per new document, then push what was approved."""
    from orderflow.flows.channels import poll_channel
    from orderflow.flows.settings import load_settings
    from orderflow.flows.workers import claim_document_ids

    settings = load_settings()
    by_kind: dict[str, Sequence[Any]] = {"imap": settings.imap, "sftp": settings.sftp, "folder": settings.folders}
    configs = by_kind[kind]
    config = next((c for c in configs if c.name == name), None)
    if config is None:
        raise ValueError(f"no {kind} channel named {name!r} in the configuration")
    report, stored = poll_channel(kind, config, services())
    me = _run_label()
    mine = claim_document_ids(services(), stored, worker=me)  # scale-out workers may have taken some
    outcomes = _process_in_tasks([(doc_id, kind, f"{name}#{doc_id}") for doc_id in mine], me)
    if push:
        _push_claimed_orders(me)
    return {
        "report": report.counts(),
        "errors": report.errors,
        "documents": [o.as_json() for o in outcomes],
    }


@flow(name="sync-reference-data", flow_run_name="sync reference data from the ERP")
def sync_reference_flow() -> int:
    from orderflow.flows.erp import sync_reference

    return sync_reference(services())


@flow(name="reconcile", flow_run_name="reconcile pushed orders with the ERP")
def reconcile_flow() -> dict[str, Any]:
    from orderflow.flows.erp import reconcile_with_erp

    return reconcile_with_erp(services())


@flow(name="erp-status", flow_run_name="read sale states and shipments from the ERP")
def erp_status_flow(send_acks: bool = True) -> dict[str, Any]:
    """Status back (issue 7): ERP sale state and shipments into each pushed order's timeline."""
    from orderflow.flows.erp import sync_statuses

    return sync_statuses(services(), send_acks=send_acks)


@flow(name="write-back-cross-references", flow_run_name="write learned cross-references to the ERP")
def write_back_xrefs_flow() -> dict[str, Any]:
    """Catch-up for the review hook (issue 7): learned cross-references the ERP does not have yet."""
    from orderflow.flows.erp import write_back_cross_references

    return write_back_cross_references(services())


@flow(name="expire-waiting-changes", flow_run_name="expire changes waiting for their original")
def expire_changes_flow(hours: float = 24) -> list[int]:
    """Issue 13: changes still waiting for their original after ``hours`` go to review."""
    from orderflow.flows.erp import expire_waiting_changes

    return expire_waiting_changes(services(), hours)
