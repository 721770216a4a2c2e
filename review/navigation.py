"""Next / previous order in the CSR's current queue filter (issue 23 item 9): the queue page remembers
its filter in the session; the order screen links its neighbours in that list and an approve or
reject goes straight on to the next order instead of back to the queue."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from orderflow.review.search import QueueFilter, in_state, matching
from orderflow.store.models import Order

SESSION_KEY = "queue"


def remember(session: dict[str, Any], f: QueueFilter) -> None:
    """The queue page's filter, kept for the order screens opened from it."""
    session[SESSION_KEY] = {k: v for k, v in f.as_dict().items() if v}


def current(session: dict[str, Any]) -> QueueFilter:
    saved = session.get(SESSION_KEY)
    return QueueFilter.from_params(saved if isinstance(saved, dict) else None)


@dataclass(frozen=True)
class Neighbours:
    prev: int | None
    next: int | None
    position: int | None  # 1-based place of this order in the list, None when it is not in it
    count: int
    queue_url: str


def _free(o: Order, user: str, now: dt.datetime) -> bool:
    """Not locked by someone else: the next order is one this CSR can work on."""
    return not (o.claimed_by and o.claimed_by != user and o.claim_expires_at and o.claim_expires_at > now)


def neighbours(s: Session, f: QueueFilter, order_id: int, user: str, now: dt.datetime) -> Neighbours:
    """The orders before and after ``order_id`` in the filter's list (skipping those another CSR holds).
    An order no longer in the list (approved meanwhile) has none before it and the first free one next."""
    rows = matching(in_state(s, f), f, now)
    ids = [o.id for o in rows]
    free = {o.id for o in rows if _free(o, user, now)}
    if order_id in ids:
        at = ids.index(order_id)
        before = next((i for i in reversed(ids[:at]) if i in free), None)
        after = next((i for i in ids[at + 1:] if i in free), None)
        return Neighbours(before, after, at + 1, len(ids), f.query())
    return Neighbours(None, next((i for i in ids if i in free and i != order_id), None), None, len(ids), f.query())
