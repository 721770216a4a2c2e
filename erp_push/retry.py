"""Push policy: retry transient failures with backoff, stop at a rejection, dead-letter at the end.

The adapter's own ``push`` is idempotent (it looks the key up first), so retrying is always
safe: a retry after a lost answer finds the sale the ERP already committed.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from orderflow.erp_push.base import ErpAdapter, PushRequest, PushResult, TransientERPError, push_failure_kind

Outcome = Literal["pushed", "rejected", "dead_letter"]


@dataclass(frozen=True)
class PushAttempt:
    """One call to the ERP, as the store's push-attempt table records it."""

    key: str
    number: int  # 1-based
    started_at: dt.datetime
    finished_at: dt.datetime
    outcome: Literal["ok", "transient", "permanent"]
    error: str | None = None
    erp_order_id: str | None = None
    created: bool | None = None
    next_delay: float | None = None  # seconds before the next attempt, None when none follows


@dataclass(frozen=True)
class PushOutcome:
    """``pushed``: result set. ``rejected``: back to review with ``message``. ``dead_letter``: gave up."""

    status: Outcome
    key: str
    result: PushResult | None = None
    message: str | None = None
    attempts: list[PushAttempt] = field(default_factory=list)

    @property
    def history(self) -> list[dict[str, object]]:
        """The attempts as plain dicts, for a dead-letter record or an audit event."""
        return [
            {"n": a.number, "at": a.started_at.isoformat(), "outcome": a.outcome, "error": a.error,
             "erp_order_id": a.erp_order_id}
            for a in self.attempts
        ]


def backoff_delays(base: float, *, factor: float = 2.0, cap: float = 60.0) -> Callable[[int], float]:
    """Exponential backoff: base, base*factor, … capped at ``cap`` (argument: failed attempt number)."""
    return lambda n: min(cap, base * factor ** (n - 1))


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def push_with_retry(
    adapter: ErpAdapter,
    request: PushRequest,
    *,
    attempts: int = 5,
    backoff: float | Callable[[int], float] = 1.0,
    on_attempt: Callable[[PushAttempt], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> PushOutcome:
    """Push ``request`` at most ``attempts`` times; never raises for ERP failures.

    ``backoff`` is the first delay in seconds (doubling, capped at 60 s) or a function of the
    failed attempt number. ``on_attempt`` is called after every attempt (store it there).
    """
    delay = backoff_delays(backoff) if isinstance(backoff, int | float) else backoff
    history: list[PushAttempt] = []

    def record(attempt: PushAttempt) -> None:
        history.append(attempt)
        if on_attempt is not None:
            on_attempt(attempt)

    last_error = "no attempt made"
    for n in range(1, max(1, attempts) + 1):
        started = _now()
        try:
            result = adapter.push(request)
        except Exception as exc:  # the policy decides by type (erp_push/base.push_failure_kind)
            if push_failure_kind(exc) == "permanent":
                record(PushAttempt(request.key, n, started, _now(), "permanent", error=str(exc)))
                return PushOutcome("rejected", request.key, message=str(exc), attempts=history)
            last_error = str(exc) if isinstance(exc, TransientERPError) else f"{type(exc).__name__}: {exc}"
        else:
            record(PushAttempt(request.key, n, started, _now(), "ok", erp_order_id=result.erp_order_id,
                               created=result.created))
            return PushOutcome("pushed", request.key, result=result, attempts=history)
        wait = delay(n) if n < attempts else None
        record(PushAttempt(request.key, n, started, _now(), "transient", error=last_error, next_delay=wait))
        if wait:
            sleep(wait)
    return PushOutcome("dead_letter", request.key,
                       message=f"gave up after {len(history)} attempts: {last_error}", attempts=history)
