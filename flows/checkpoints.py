"""Named points where the pipeline's work becomes durable, and observers called there.

``checkpoint(name)`` marks such a point (document extracted, orders written, ERP called, reply
owed, an 855's file written before its record, reply written). Production registers no observer, so a checkpoint is one empty check. The crash tests
register one: ``tests/fixtures/crash_at.py`` kills the process at the n-th hit of a point (a
power cut at exactly that step), others drop the database connection or the ERP there. Nothing
here reads the environment or kills anything: that machinery lives in ``tests/``.
"""

from __future__ import annotations

from collections.abc import Callable

POINTS = ("after_extract", "mid_orders_txn", "after_process", "before_push", "after_push", "before_reply",
          "ack_written", "reply_written")

_observers: list[Callable[[str], None]] = []


def checkpoint(name: str) -> None:
    """Tell the observers (none in production) that ``name`` was reached."""
    for observer in tuple(_observers):
        observer(name)


def set_observer(observer: Callable[[str], None] | None) -> None:
    """Install the one observer (``None`` removes it): tests install and remove it around a run."""
    _observers.clear()
    if observer is not None:
        _observers.append(observer)
