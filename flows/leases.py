"""Claims are leases: a working process renews them, so a dead one's work is retaken after ``stale_after``.

A document claim is ``(claimed_by, claimed_at)`` and goes stale ``stale_after`` after ``claimed_at``;
an order's push claim is ``(claimed_by, claim_expires_at)``. ``Heartbeat`` renews them from a
daemon thread every third of ``stale_after`` while the work runs (an OCR'd PDF or a slow ERP call may
take longer than the lease), so ``stale_after`` can be minutes instead of a worst-case hour.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable, Iterable
from types import TracebackType
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from orderflow.canonical.states import DocumentState
from orderflow.store import repository as repo
from orderflow.store.models import Document, Order
from orderflow.store.types import utcnow

log = logging.getLogger("orderflow.leases")

DEFAULT_STALE_AFTER = dt.timedelta(minutes=5)


def stale_after_of(services: Any) -> dt.timedelta:
    """The store-wide lease length (setting ``claim_stale_after_seconds``)."""
    return getattr(services, "stale_after", None) or DEFAULT_STALE_AFTER


def renew_documents(s: Session, ids: Iterable[int], worker: str) -> int:
    """Move ``claimed_at`` to now for this worker's documents still in processing."""
    ids = list(ids)
    if not ids:
        return 0
    now = utcnow()
    stmt = (
        update(Document)
        .where(Document.id.in_(ids), Document.claimed_by == worker,
               Document.state == DocumentState.PROCESSING.value)
        .values(claimed_at=now)
        .execution_options(synchronize_session=False)
    )
    return repo.affected(s, stmt)


def renew_order(s: Session, order_id: int, token: str, stale_after: dt.timedelta) -> int:
    """Push the expiry of our push claim on ``order_id`` ``stale_after`` into the future."""
    stmt = (
        update(Order)
        .where(Order.id == order_id, Order.claimed_by == token, Order.claim_expires_at.is_not(None))
        .values(claim_expires_at=utcnow() + stale_after)
        .execution_options(synchronize_session=False)
    )
    return repo.affected(s, stmt)


class Heartbeat:
    """``with Heartbeat(factory, renew, stale_after):`` renews a lease while the block runs."""

    def __init__(self, session_factory: Any, renew: Callable[[Session], Any], stale_after: dt.timedelta) -> None:
        self.session_factory = session_factory
        self.renew = renew
        self.interval = max(0.2, stale_after.total_seconds() / 3)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.beats = 0

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                with self.session_factory() as s, s.begin():
                    self.renew(s)
                self.beats += 1
            except Exception:  # the store is away: the lease may lapse, the work stays safe (CAS)
                log.warning("renewing a claim failed", exc_info=True)

    def __enter__(self) -> Heartbeat:
        self._thread = threading.Thread(target=self._run, name="orderflow-lease", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=self.interval + 30)
