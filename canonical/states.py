"""Order and document states, and which transitions the store accepts."""

from __future__ import annotations

from enum import StrEnum


class DocumentState(StrEnum):
    RECEIVED = "received"
    PROCESSING = "processing"
    PROCESSED = "processed"
    FAILED = "failed"  # dead letter: the reason says why


class OrderState(StrEnum):
    RECEIVED = "received"
    EXTRACTED = "extracted"
    NEEDS_REVIEW = "needs_review"
    VALID = "valid"
    APPROVED = "approved"
    PUSHED = "pushed"
    ACKNOWLEDGED = "acknowledged"
    REJECTED = "rejected"
    FAILED = "failed"
    WAITING_FOR_ORIGINAL = "waiting_for_original"
    SUPERSEDED = "superseded"


OPEN_STATES = frozenset(
    {
        OrderState.RECEIVED,
        OrderState.EXTRACTED,
        OrderState.NEEDS_REVIEW,
        OrderState.VALID,
        OrderState.APPROVED,
        OrderState.WAITING_FOR_ORIGINAL,
    }
)

ALLOWED_TRANSITIONS: dict[OrderState, frozenset[OrderState]] = {
    OrderState.RECEIVED: frozenset({OrderState.EXTRACTED, OrderState.FAILED}),
    OrderState.EXTRACTED: frozenset(
        {OrderState.NEEDS_REVIEW, OrderState.VALID, OrderState.FAILED, OrderState.WAITING_FOR_ORIGINAL}
    ),
    OrderState.NEEDS_REVIEW: frozenset(
        {OrderState.NEEDS_REVIEW, OrderState.VALID, OrderState.APPROVED, OrderState.REJECTED, OrderState.FAILED,
         OrderState.SUPERSEDED}
    ),
    OrderState.VALID: frozenset(
        {OrderState.APPROVED, OrderState.NEEDS_REVIEW, OrderState.REJECTED, OrderState.VALID, OrderState.SUPERSEDED}
    ),
    OrderState.APPROVED: frozenset(
        {OrderState.PUSHED, OrderState.NEEDS_REVIEW, OrderState.FAILED, OrderState.APPROVED, OrderState.SUPERSEDED}
    ),
    OrderState.PUSHED: frozenset({OrderState.ACKNOWLEDGED, OrderState.SUPERSEDED, OrderState.NEEDS_REVIEW}),
    OrderState.ACKNOWLEDGED: frozenset({OrderState.SUPERSEDED, OrderState.NEEDS_REVIEW}),
    OrderState.REJECTED: frozenset({OrderState.NEEDS_REVIEW}),
    OrderState.FAILED: frozenset({OrderState.NEEDS_REVIEW, OrderState.RECEIVED}),
    # a waiting change becomes the new version (approved, in review or rejected) when its original comes
    OrderState.WAITING_FOR_ORIGINAL: frozenset(
        {OrderState.EXTRACTED, OrderState.NEEDS_REVIEW, OrderState.VALID, OrderState.APPROVED, OrderState.REJECTED}
    ),
    OrderState.SUPERSEDED: frozenset(),
}


def can_transition(before: OrderState, after: OrderState) -> bool:
    return after in ALLOWED_TRANSITIONS.get(before, frozenset())
