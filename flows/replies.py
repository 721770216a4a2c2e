"""Delivery side of the replies outbox (``store.models.PendingReply``).

The push records the reply it owes (855/ORDRSP, or 865 for a change) in the transaction that moves
the order's state (so does ``erp status`` for a decision the ERP made later), and processing records the 997/CONTRL a document owes in the transaction that
stores its result; this module delivers them afterwards, and any later pass (``orderflow push`` /
``process``, the worker) delivers what a killed process left owed. Each delivery takes the row with a
compare-and-set lease, so two processes never send the same reply. Every EDI reply is rendered
(control numbers included) when it is owed and kept in the row (``partner``, ``name``, ``body``), so
a re-delivery after a kill between the write and the mark writes the same file again, never a second
interchange. An 855's acknowledgement is recorded (``acks.record_ack``) after its file is written and
before the row is marked delivered; a re-delivery that finds it sends nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from orderflow.flows import acks
from orderflow.flows.checkpoints import checkpoint
from orderflow.flows.leases import stale_after_of
from orderflow.store import repository as repo
from orderflow.store.models import Order, PendingReply
from orderflow.store.types import utcnow

log = logging.getLogger("orderflow.replies")

FUNCTIONAL_ACK = "functional_ack"  # a 997/CONTRL answering a document (order_ack/change_ack answer an order)
EXCEPTION_NOTICE = "exception_notice"  # the buyer's mail saying their document or order needs attention
ORDER_ACK = "order_ack"  # the 855/ORDRSP (and buyer confirmation mail) owed by a pushed order
CHANGE_ACK = "change_ack"  # the 865/ORDRSP owed by a change pushed to (or refused by) the ERP
RETRY_FIRST = dt.timedelta(minutes=1)
RETRY_MAX = dt.timedelta(hours=1)


def owe(s: Session, order_id: int, *, kind: str, accepted: bool, actor: str, reason: str | None = None,
        reply: tuple[str, str, str] | None = None) -> int:
    """Record, in the caller's transaction, that the partner is owed this reply; returns its id.
    ``reply``: (partner, file name, text) rendered in that transaction, written as is by the delivery."""
    partner, name, body = reply if reply is not None else (None, None, None)
    row = PendingReply(kind=kind, order_id=order_id, accepted=accepted, actor=actor, reason=reason, attempts=0,
                       partner=partner, name=name, body=body)
    s.add(row)
    s.flush()
    return row.id


def owe_decision(s: Session, row: Order, *, kind: str, accepted: bool, actor: str,
                 reason: str | None = None) -> int:
    """Record, in the transaction that moves ``row``'s state, the 855/ORDRSP (``ORDER_ACK``) or
    865/ORDRSP (``CHANGE_ACK``) it owes, rendered there with its control numbers (``render_in``)."""
    return owe(s, row.id, kind=kind, accepted=accepted, actor=actor, reason=reason,
               reply=render_in(s, row, kind=kind, accepted=accepted, reason=reason))


def render_in(s: Session, row: Order, *, kind: str, accepted: bool,
              reason: str | None = None) -> tuple[str, str, str] | None:
    """The EDI reply an order owes, rendered in the caller's transaction (None: not an EDI order, or a
    reply that cannot be built — logged, and the delivery tries again; a store error still aborts)."""
    from sqlalchemy.exc import SQLAlchemyError

    try:
        order = repo.order_canonical(row)
        if kind == CHANGE_ACK or order.source.format in acks.CHANGE_FORMATS:
            info = (row.resolved or {}).get("change") or {}
            return acks.change_ack_in(s, order, info, accepted=accepted,
                                      erp_order_no=row.erp_order_id or info.get("sale_ref"), reason=reason)
        return acks.order_ack_in(s, order, accepted=accepted, erp_order_no=row.erp_order_id,
                                 resolved=row.resolved)
    except SQLAlchemyError:
        raise
    except Exception:
        log.exception("building the %s for order %s failed", kind, row.id)
        return None


def owed_id(s: Session, order_id: int, *, kind: str, accepted: bool) -> int | None:
    """The outbox row still owing this decision on the order, if any: a later sender of the same
    decision (the ERP's confirmation) delivers it rather than a second interchange."""
    return s.scalars(select(PendingReply.id).where(
        PendingReply.order_id == order_id, PendingReply.kind == kind, PendingReply.accepted.is_(accepted),
        PendingReply.delivered_at.is_(None)).order_by(PendingReply.id)).first()


def wake(s: Session, reply_id: int) -> None:
    """A reply resting after a failed delivery (``retry_delay``) may be tried now; one a process is
    delivering (a live lease: its error was cleared when it was taken) is left to it."""
    s.execute(update(PendingReply)
              .where(PendingReply.id == reply_id, PendingReply.delivered_at.is_(None), PendingReply.error.is_not(None))
              .values(claimed_until=None).execution_options(synchronize_session=False))


def owe_receipt(s: Session, document_id: int, replies: list[tuple[str, str, str]], *, actor: str) -> list[int]:
    """Record, in the transaction that stores the document's result, the 997/CONTRL it owes:
    ``replies`` are (partner, file name, text) rendered in that transaction (``acks.functional_acks_in``)."""
    ids = []
    for partner, name, text in replies:
        row = PendingReply(kind=FUNCTIONAL_ACK, document_id=document_id, accepted=True, actor=actor,
                           partner=partner, name=name, body=text, attempts=0)
        s.add(row)
        s.flush()
        ids.append(row.id)
    return ids


def owe_notice(s: Session, document_id: int, *, actor: str) -> int:
    """Record, in the transaction that routes the document (processed or failed), that its buyer may
    be owed an exception notice; the delivery (``notify.document_routed``) works out which are due."""
    row = PendingReply(kind=EXCEPTION_NOTICE, document_id=document_id, accepted=False, actor=actor, attempts=0)
    s.add(row)
    s.flush()
    return row.id


def _take(services: Any, reply_id: int) -> PendingReply | None:
    now = utcnow()
    with services.session_factory() as s, s.begin():
        stmt = (
            update(PendingReply)
            .where(PendingReply.id == reply_id, PendingReply.delivered_at.is_(None),
                   or_(PendingReply.claimed_until.is_(None), PendingReply.claimed_until < now))
            .values(claimed_until=now + stale_after_of(services), attempts=PendingReply.attempts + 1,
                    error=None)  # set again if this try fails: an error marks a resting row (``wake``)
            .execution_options(synchronize_session=False)
        )
        if repo.affected(s, stmt) != 1:
            return None
        row = s.get(PendingReply, reply_id)
        s.expunge(row)
        return row


def _send(services: Any, row: PendingReply) -> None:
    from orderflow.flows import changes
    from orderflow.flows.pipeline import _acknowledge_order, deliver_receipt

    if row.kind in (EXCEPTION_NOTICE, FUNCTIONAL_ACK):
        if row.document_id is None:  # owe_receipt / owe_notice always name it
            raise ValueError(f"reply {row.id} ({row.kind}) names no document")
        if row.kind == EXCEPTION_NOTICE:
            from orderflow.flows import notify

            notify.document_routed(services, row.document_id, strict=True)
        else:
            deliver_receipt(services, row.document_id, (row.partner or "unknown", row.name or "", row.body or ""))
    elif row.order_id is None:  # owe / owe_decision always name it
        raise ValueError(f"reply {row.id} ({row.kind}) names no order")
    elif row.kind == CHANGE_ACK:
        changes.acknowledge_change(services, row.order_id, accepted=row.accepted, reason=row.reason, strict=True,
                                   reply=_stored(row))
    else:
        _acknowledge_order(services, row.order_id, accepted=row.accepted, actor=row.actor, strict=True,
                           reply=_stored(row))


def _stored(row: PendingReply) -> tuple[str, str, str] | None:
    """The reply rendered when it was owed; None for a row owed before replies were rendered then
    (or one that could not be built): its delivery renders it."""
    return (row.partner or "unknown", row.name or "", row.body) if row.body is not None else None


def retry_delay(attempts: int) -> dt.timedelta:
    """How long a reply that failed ``attempts`` times rests before the next pass tries it again
    (1, 2, 4 … minutes, at most an hour), so an SMTP server or replies folder that is down is not
    hammered, nor does every pass wait on it for every owed reply."""
    return min(RETRY_FIRST * 2 ** max(0, attempts - 1), RETRY_MAX)


def _finish(services: Any, reply_id: int, error: str | None, attempts: int = 1) -> None:
    values: dict[str, Any] = {"claimed_until": None, "error": error}
    if error is None:
        values["delivered_at"] = utcnow()
    else:  # rests before the next try (``_take`` skips it until then)
        values["claimed_until"] = utcnow() + retry_delay(attempts)
    with services.session_factory() as s, s.begin():
        s.execute(update(PendingReply).where(PendingReply.id == reply_id).values(**values)
                  .execution_options(synchronize_session=False))


def deliver(services: Any, ids: list[int] | None = None, *, limit: int = 200) -> int:
    """Deliver owed replies (``ids``, or every undelivered one); returns how many went out. Never raises:
    a reply that cannot be written stays owed, with the error, for a later pass (``retry_delay``)."""
    if ids is None:
        with services.session_factory() as s:
            now = utcnow()
            ids = list(s.scalars(select(PendingReply.id).where(
                PendingReply.delivered_at.is_(None),
                or_(PendingReply.claimed_until.is_(None), PendingReply.claimed_until < now))  # not resting
                .order_by(PendingReply.id).limit(limit)))
    sent = 0
    for reply_id in ids:
        try:
            row = _take(services, reply_id)
        except Exception:
            log.exception("taking reply %s failed", reply_id)
            continue
        if row is None:  # delivered already, or another process is delivering it
            continue
        try:
            _send(services, row)
        except Exception as exc:
            log.exception("delivering reply %s (order %s, document %s) failed", reply_id, row.order_id,
                          row.document_id)
            _finish(services, reply_id, f"{type(exc).__name__}: {exc}", row.attempts)
            continue
        checkpoint("reply_written")
        _finish(services, reply_id, None)
        sent += 1
    return sent
