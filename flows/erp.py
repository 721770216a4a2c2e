"""ERP wiring from settings: which adapter, where the Tryton database lives, sync and reconcile."""

from __future__ import annotations

import json
import logging
from decimal import Decimal
from pathlib import Path
from typing import Any

from orderflow.erp_push.base import ErpAdapter
from orderflow.flows.settings import ConfigError, Settings, secret

log = logging.getLogger("orderflow.erp")


def tryton_dir(settings: Settings) -> Path:
    return Path(settings.tryton.data_dir or (Path(settings.home) / "tryton")).resolve()


def describe_erp(settings: Settings) -> str:
    """Which ERP the settings talk to, in words for a header or a health line (never a password)."""
    from urllib.parse import urlsplit

    if settings.erp == "tryton":
        t = settings.tryton
        if t.url:
            u = urlsplit(t.url)
            return f"Tryton {u.hostname or '?'}{f':{u.port}' if u.port else ''}, database '{t.database}'"
        return f"Tryton, database '{t.database}' (embedded, {tryton_dir(settings)})"
    if settings.erp == "file":
        return f"file outbox {Path(settings.outbox).resolve()}"
    if settings.erp == "rest":
        u = urlsplit(settings.rest_url or "")
        return f"REST {u.scheme}://{u.hostname or '?'}{f':{u.port}' if u.port else ''}{u.path}"
    return settings.erp


def tryton_config(settings: Settings):
    """In-process SQLite database under ``home/tryton`` by default; a URL means a remote trytond."""
    from orderflow.erp_push.tryton_config import TrytonConfig

    t = settings.tryton
    password = secret("ORDERFLOW_TRYTON_PASSWORD") or "admin"
    if t.url:
        return TrytonConfig(database=t.database, url=t.url, password=password, target_state=t.sale_state)
    conf = Path(t.config_file) if t.config_file else tryton_dir(settings) / "trytond.conf"
    return TrytonConfig(database=t.database, config_file=conf, password=password, target_state=t.sale_state)


def tryton_database_exists(settings: Settings) -> bool:
    if settings.tryton.url:
        return True
    return (tryton_dir(settings) / f"{settings.tryton.database}.sqlite").exists()


def init_demo(settings: Settings, reference) -> Any:
    """Create the embedded Tryton database with the demo reference data (idempotent)."""
    from orderflow.erp_push.tryton_setup import init_demo_database

    if settings.tryton.url:
        raise ConfigError("erp init-demo creates an embedded database; unset tryton.url to use it.")
    password = secret("ORDERFLOW_TRYTON_PASSWORD") or "admin"
    return init_demo_database(
        tryton_dir(settings),
        reference,
        database=settings.tryton.database,
        admin_password=password,
        target_state=settings.tryton.sale_state,
    )


def tryton_adapter(settings: Settings) -> ErpAdapter:
    from orderflow.erp_push.tryton import TrytonAdapter

    if not tryton_database_exists(settings):
        raise ConfigError(
            f"No Tryton database at {tryton_dir(settings)}: run `orderflow erp init-demo` (or set tryton.url)."
        )
    return TrytonAdapter(tryton_config(settings))


def rest_adapter(settings: Settings) -> ErpAdapter:
    from orderflow.erp_push.rest_adapter import RestAdapter

    if not settings.rest_url:
        raise ConfigError("erp = 'rest' needs rest_url.")
    return RestAdapter(settings.rest_url, token=secret(settings.rest_token_env))


def sync_reference(services) -> int:
    """Pull reference data from the ERP into a new store snapshot; returns the snapshot id."""
    from orderflow.store import repository as repo

    ref = services.adapter.pull_reference_data()
    if ref is None:
        raise ConfigError(f"The {services.adapter.name} adapter has no reference data to pull.")
    if services.adapter.name == "tryton":
        from orderflow.erp_push.tryton_stock import with_tryton_stock

        try:
            ref = with_tryton_stock(services.adapter._connection(), ref)
        except Exception as exc:  # stock is optional: without it availability is not checked
            log.warning("could not read stock from Tryton: %s", exc)
    with services.session_factory() as s, s.begin():
        snap = repo.save_reference_snapshot(s, ref, source=f"erp:{services.adapter.name}")
    services.reference = ref
    return snap


def pushed_orders(services) -> list[tuple[str, str | None, Decimal | None]]:
    """(key, ERP order id, total) per ERP sale we created. A changed order keeps the key of its
    first version (the one the sale was created with) and the total of its newest version."""
    from orderflow.canonical.states import OrderState
    from orderflow.flows.pipeline import idempotency_key
    from orderflow.store import repository as repo

    by_sale: dict[str, tuple[str, Decimal | None, int]] = {}
    with services.session_factory() as s:
        for state in (OrderState.PUSHED, OrderState.ACKNOWLEDGED):
            for row in repo.orders_in_state(s, state):
                first = row
                while first.previous is not None and first.previous.erp_order_id == row.erp_order_id:
                    first = first.previous
                key = idempotency_key(first.customer_id, repo.order_canonical(first))
                total = (row.resolved or {}).get("order_total")
                entry = (key, Decimal(total) if total else None, row.revision)
                current = by_sale.get(row.erp_order_id or key)
                if current is None or entry[2] >= current[2]:
                    by_sale[row.erp_order_id or key] = entry
    return [(key, erp_id, total) for erp_id, (key, total, _rev) in by_sale.items()]


def reconcile_with_erp(services) -> dict[str, Any]:
    from orderflow.erp_push.reconcile import reconcile

    report = reconcile(pushed_orders(services), services.adapter)
    return {
        "checked": report.checked,
        "matched": report.matched,
        "drift": [
            {"kind": d.kind, "key": d.key, "erp_order_ids": d.erp_order_ids, "ours": str(d.ours) if d.ours is not None
             else None, "theirs": str(d.theirs) if d.theirs is not None else None, "message": d.message}
            for d in report.drift
        ],
    }


# --------------------------------------------------------------------------- cross-references back to the ERP
# A learned cross-reference is "written back" when its latest ``erp_written`` audit event (entity
# ``cross_reference``, id ``CUSTOMER|PART``) names its current SKU; an ``erp_refused`` event for the
# current SKU stops retries until the mapping changes. No schema change: the audit trail is the marker.

XREF_ENTITY = "cross_reference"
XREF_WRITTEN = "erp_written"
XREF_REFUSED = "erp_refused"


def _xref_id(customer_id: str, customer_part: str) -> str:
    return f"{customer_id}|{customer_part}"


def pending_cross_references(s) -> list:
    """Learned cross-references the ERP has not been given yet (or whose SKU changed since)."""
    from sqlalchemy import select

    from orderflow.store import repository as repo
    from orderflow.store.models import AuditEvent

    marks: dict[str, str | None] = {}
    q = (select(AuditEvent.entity_id, AuditEvent.after).where(
        AuditEvent.entity == XREF_ENTITY, AuditEvent.action.in_([XREF_WRITTEN, XREF_REFUSED])).order_by(AuditEvent.id))
    for entity_id, after in s.execute(q):
        marks[entity_id] = (after or {}).get("sku")
    return [x for x in repo.learned_cross_references(s)
            if marks.get(_xref_id(x.customer_id, x.customer_part)) != x.sku]


def write_back_cross_references(services, *, actor: str = "system") -> dict[str, Any]:
    """Give the ERP every learned cross-reference it lacks (``adapter.add_cross_reference``).

    Each mapping is marked in its own transaction after the ERP call, so a crash at worst repeats
    one idempotent call. Transient errors stop the pass (retried by the next run); a permanent
    refusal (e.g. the SKU is not in the ERP) is recorded and not retried for that SKU.
    """
    from orderflow.erp_push.base import PermanentERPError, TransientERPError
    from orderflow.store import repository as repo

    adapter = services.adapter
    report: dict[str, Any] = {"supported": True, "written": 0, "unchanged": 0, "refused": [], "error": None}
    write = getattr(adapter, "add_cross_reference", None)
    if write is None:
        report["supported"] = False
        return report
    with services.session_factory() as s:
        pending = pending_cross_references(s)
    for x in pending:
        action, detail = XREF_WRITTEN, {"sku": x.sku, "adapter": adapter.name}
        try:
            detail["created"] = bool(write(x.customer_id, x.customer_part, x.sku))
        except TransientERPError as exc:
            report["error"] = str(exc)
            log.warning("writing cross-references to the ERP stopped: %s", exc)
            break
        except PermanentERPError as exc:
            action, detail["error"] = XREF_REFUSED, str(exc)
            report["refused"].append({"customer_id": x.customer_id, "customer_part": x.customer_part,
                                      "sku": x.sku, "error": str(exc)})
        if action == XREF_WRITTEN:
            report["written" if detail["created"] else "unchanged"] += 1
        with services.session_factory() as s, s.begin():
            repo.add_audit(s, entity=XREF_ENTITY, entity_id=_xref_id(x.customer_id, x.customer_part),
                           action=action, actor=actor, after=detail,
                           reason=detail.get("error") or f"{x.customer_part} → {x.sku} in the {adapter.name} ERP")
    return report


def install_xref_writeback(services) -> None:
    """After any commit of ``services.session_factory`` that saved a learned cross-reference (a CSR
    fixed a SKU in the review app or ``queue fix``), write it back to the ERP. Never raises."""
    from sqlalchemy import event

    from orderflow.store.models import LearnedCrossReference

    factory = services.session_factory
    if getattr(factory, "_orderflow_xref_writeback", False):
        return

    def before_flush(session, _ctx, _instances) -> None:
        if any(isinstance(o, LearnedCrossReference) for o in (*session.new, *session.dirty)):
            session.info["xref_learned"] = True

    def after_commit(session) -> None:
        if session.in_nested_transaction():  # a savepoint: the outer transaction may still roll back
            return
        if session.info.pop("xref_learned", False):
            try:
                write_back_cross_references(services)
            except Exception:
                log.exception("writing learned cross-references to the ERP failed")

    def after_rollback(session) -> None:
        if not session.in_nested_transaction():
            session.info.pop("xref_learned", None)

    event.listen(factory, "before_flush", before_flush)
    event.listen(factory, "after_commit", after_commit)
    event.listen(factory, "after_rollback", after_rollback)
    factory._orderflow_xref_writeback = True


# --------------------------------------------------------------------------- status back from the ERP

ACCEPTED_STATES = frozenset({"confirmed", "processing", "done", "accepted", "shipped", "invoiced"})
CANCELLED_STATES = frozenset({"cancelled", "canceled", "rejected"})
STATUS_ACTION = "erp_status"


def _first_version(row):
    first = row
    while first.previous is not None and first.previous.erp_order_id == row.erp_order_id:
        first = first.previous
    return first


def _last_after(s, order_id: int, action: str) -> list[dict[str, Any]]:
    from orderflow.store import repository as repo

    return [e.after or {} for e in repo.audit_trail(s, "order", order_id) if e.action == action]


def _status_text(snapshot: dict[str, Any]) -> str:
    text = f"ERP sale {snapshot['erp_order_id']} is {snapshot['state']}"
    ships = [f"{sh.get('number') or '?'} {sh.get('state') or ''}".strip()
             + (f" (planned {sh['planned_date']})" if sh.get("planned_date") else "")
             + (f" (shipped {sh['effective_date']})" if sh.get("effective_date") else "")
             for sh in snapshot.get("shipments") or []]
    return text + (f"; shipments: {', '.join(ships)}" if ships else "")


def sync_statuses(services, *, send_acks: bool = True, actor: str | None = None) -> dict[str, Any]:
    """Read each pushed order's ERP sale (state, shipments) into the order's timeline.

    A changed status is one ``erp_status`` audit event on the order. A sale the ERP confirmed
    (confirmed/processing/done) moves the order from pushed to acknowledged; a sale cancelled in the
    ERP (when we did not ask for a cancellation) sends the order back to review with ERP_REJECTED.
    Each such decision is answered to EDI partners with an 855/ORDRSP, at most once per decision
    (``erp_ack`` audit events), owed in the replies outbox in the transaction that records it and
    delivered after. Errors on one order are reported and do not stop the others.
    """
    from orderflow.canonical import Issue, IssueCode
    from orderflow.canonical.states import OrderState
    from orderflow.erp_push.base import PermanentERPError, TransientERPError
    from orderflow.flows.pipeline import idempotency_key
    from orderflow.store import repository as repo

    actor = actor or f"erp:{services.adapter.name}"
    report: dict[str, Any] = {"checked": 0, "changed": [], "acknowledged": [], "rejected": [], "acks": 0,
                              "missing": [], "errors": []}
    with services.session_factory() as s:
        work = []
        for followed in (OrderState.PUSHED, OrderState.ACKNOWLEDGED):
            for in_erp in repo.orders_in_state(s, followed):
                if in_erp.erp_order_id:
                    first = _first_version(in_erp)
                    work.append((in_erp.id, idempotency_key(first.customer_id, repo.order_canonical(first))))
    decisions: list[int] = []  # the replies outbox rows the ERP's decisions owe
    for order_id, key in work:
        report["checked"] += 1
        try:
            status = services.adapter.order_status(key)
        except (TransientERPError, PermanentERPError) as exc:
            report["errors"].append({"order_id": order_id, "error": str(exc)})
            if isinstance(exc, TransientERPError):
                break  # the ERP is away: the next run tries again
            continue
        if status is None:
            report["missing"].append(order_id)  # reconcile reports it; nothing to read here
            continue
        snapshot = {"erp_order_id": status.erp_order_id, "state": status.state,
                    "shipments": [dict(sh) for sh in status.shipments]}
        with services.session_factory() as s, s.begin():
            row = repo.get_order(s, order_id)
            if row is None or row.state not in (OrderState.PUSHED, OrderState.ACKNOWLEDGED):
                continue  # moved on meanwhile (e.g. a change superseded it)
            seen = _last_after(s, order_id, STATUS_ACTION)
            last = seen[-1] if seen else None
            if last != json.loads(json.dumps(snapshot, default=str)):  # as the audit column stores it
                repo.add_audit(s, entity="order", entity_id=order_id, action=STATUS_ACTION, actor=actor,
                               before=last, after=snapshot, reason=_status_text(snapshot))
                report["changed"].append(order_id)
            state = (status.state or "").lower()
            expected_cancel = row.purpose == "cancel"
            if row.state == OrderState.PUSHED and (state in ACCEPTED_STATES or (expected_cancel and
                                                                                state in CANCELLED_STATES)):
                repo.set_order_state(s, row, OrderState.ACKNOWLEDGED, actor=actor, action="erp_accepted",
                                     reason=_status_text(snapshot))
                report["acknowledged"].append(order_id)
                if send_acks and (owed := _owe_decision_ack(s, row, accepted=True, actor=actor)) is not None:
                    decisions.append(owed)
            elif state in CANCELLED_STATES and not expected_cancel:
                message = f"The ERP cancelled sale {status.erp_order_id}; decide with the buyer what happens next."
                issue = Issue(code=IssueCode.ERP_REJECTED, message=message, rule="erp_status")
                repo.replace_issues(s, row, [*repo.order_issues(row), issue])
                repo.set_order_state(s, row, OrderState.NEEDS_REVIEW, actor=actor, action="erp_rejected",
                                     reason=_status_text(snapshot))
                report["rejected"].append(order_id)
                if send_acks and (owed := _owe_decision_ack(s, row, accepted=False, actor=actor)) is not None:
                    decisions.append(owed)
    if decisions:  # owed in the decisions' commits: a kill now leaves them to the next pass
        from orderflow.flows import replies
        from orderflow.flows.checkpoints import checkpoint

        checkpoint("before_reply")
        report["acks"] = replies.deliver(services, decisions)
    return report


def _owe_decision_ack(s: Any, row: Any, *, accepted: bool, actor: str) -> int | None:
    """In the transaction that records the ERP's decision: the outbox row of the 855/ORDRSP that tells
    an EDI partner, at most once per (order, decision). An acceptance still owed from the push (its
    delivery failed and rests) is woken rather than rendered again; None when nothing is owed."""
    from orderflow.flows import acks, replies
    from orderflow.store import repository as repo

    if repo.order_canonical(row).source.format in acks.CHANGE_FORMATS or row.purpose == "cancel":
        return None  # a change version was answered (865/ORDRSP) when it was applied
    if acks.ack_sent(s, row.id, accepted=accepted):
        return None  # e.g. the acceptance sent when the order was pushed
    waiting = replies.owed_id(s, row.id, kind=replies.ORDER_ACK, accepted=accepted)
    if waiting is not None:
        replies.wake(s, waiting)
        return waiting
    reply = replies.render_in(s, row, kind=replies.ORDER_ACK, accepted=accepted)
    if reply is None:
        return None  # not an EDI order: the buyer hears by mail or portal
    return replies.owe(s, row.id, kind=replies.ORDER_ACK, accepted=accepted, actor=actor, reply=reply)


def expire_waiting_changes(services, hours: float, *, actor: str = "system") -> list[int]:
    """Changes still waiting for their original after ``hours`` go to review (issue 13)."""
    import datetime as dt

    from orderflow.flows.changes import expire_waiting

    return expire_waiting(services, older_than=dt.timedelta(hours=hours), actor=actor)
