"""Delivery side of the replies outbox (``store.models.PendingReply``).

The push records the reply it owes (855/ORDRSP, or 865 for a change) in the transaction that moves
the order's state, and processing records the 997/CONTRL a document owes in the transaction that
stores its result; this module delivers them afterwards, and any later pass (``orderflow push`` /
``process``, the worker) delivers what a killed process left owed. Each delivery takes the row with a
compare-and-set lease, so two processes never send the same reply. An 855's acknowledgement is
recorded (``acks.record_ack``) before the row is marked delivered, and a re-delivery finds it and
sends nothing; a 997/CONTRL is rendered (control numbers included) when it is owed, so a re-delivery
after a kill between the write and the mark writes the same file again, never a second interchange.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from orderflow.flows.checkpoints import checkpoint
from orderflow.flows.leases import stale_after_of
from orderflow.store.models import PendingReply
from orderflow.store.types import utcnow

log = logging.getLogger("orderflow.replies")

FUNCTIONAL_ACK = "functional_ack"  # a 997/CONTRL answering a document (order_ack/change_ack answer an order)
EXCEPTION_NOTICE = "exception_notice"  # the buyer's mail saying their document or order needs attention
RETRY_FIRST = dt.timedelta(minutes=1)
RETRY_MAX = dt.timedelta(hours=1)


def owe(s: Session, order_id: int, *, kind: str, accepted: bool, actor: str, reason: str | None = None) -> int:
    """Record, in the caller's transaction, that the partner is owed this reply; returns its id."""
    row = PendingReply(kind=kind, order_id=order_id, accepted=accepted, actor=actor, reason=reason, attempts=0)
    s.add(row)
    s.flush()
    return row.id


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
            .values(claimed_until=now + stale_after_of(services), attempts=PendingReply.attempts + 1)
            .execution_options(synchronize_session=False)
        )
        if s.execute(stmt).rowcount != 1:
            return None
        row = s.get(PendingReply, reply_id)
        s.expunge(row)
        return row


def _send(services: Any, row: PendingReply) -> None:
    from orderflow.flows import changes
    from orderflow.flows.pipeline import _acknowledge_order, deliver_receipt

    if row.kind == EXCEPTION_NOTICE:
        from orderflow.flows import notify

        notify.document_routed(services, row.document_id, strict=True)
    elif row.kind == FUNCTIONAL_ACK:
        deliver_receipt(services, row.document_id, (row.partner or "unknown", row.name or "", row.body or ""))
    elif row.kind == "change_ack":
        changes.acknowledge_change(services, row.order_id, accepted=row.accepted, reason=row.reason, strict=True)
    else:
        _acknowledge_order(services, row.order_id, accepted=row.accepted, actor=row.actor, strict=True)


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
