"""The ERP adapter protocol: every ERP sits behind these few calls.

Exactly-once rests on ``find_order``: a push first asks the ERP for the idempotency key
(customer + PO number + purpose + revision); only when nothing is there does it create.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal, Protocol, runtime_checkable

from orderflow.canonical import CanonicalOrder, ReferenceData


class TransientERPError(Exception):
    """Worth retrying: connection refused, timeout, lock contention."""


class PermanentERPError(Exception):
    """The ERP said no (unknown product, closed customer): back to review with this message.

    ``field``: the order field the refusal is about, when the adapter knows it (``buyer`` for the
    customer, ``ship_to``, ``lines[2].sku``): the review issue is shown beside it."""

    def __init__(self, *args: object, field: str | None = None) -> None:
        super().__init__(*args)
        self.field = field


FailureKind = Literal["transient", "permanent"]

# What is worth retrying, by type (never by class-name string): the ERP's own transient errors and
# the network's. Prefect's retry condition and the push policy both read this tuple.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (TransientERPError, ConnectionError, TimeoutError)


def is_transient(exc: BaseException) -> bool:
    """True for a failure that may pass on its own (a retry is worth it)."""
    return isinstance(exc, TRANSIENT_ERRORS)


def push_failure_kind(exc: BaseException) -> FailureKind:
    """The push policy's decision: a rejection goes back to review; anything else is retried, because
    the idempotency key makes a retry safe (an adapter bug is retried, then dead-lettered)."""
    return "permanent" if isinstance(exc, PermanentERPError) else "transient"


@dataclass(frozen=True)
class PushRequest:
    """One order to push. ``key`` is the idempotency key; ids are resolved by validation."""

    key: str
    order: CanonicalOrder
    customer_id: str
    ship_to_id: str | None = None
    resolved_skus: list[str | None] = field(default_factory=list)  # per line
    uoms: list[str | None] = field(default_factory=list)  # per line, canonical codes


@dataclass(frozen=True)
class PushResult:
    erp_order_id: str  # the ERP's sale number
    created: bool  # False when the key was already in the ERP (a retry after a crash)
    state: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ErpOrderStatus:
    key: str
    erp_order_id: str
    state: str
    total: Decimal | None = None
    shipments: list[dict[str, Any]] = field(default_factory=list)


@runtime_checkable
class ErpAdapter(Protocol):
    name: str

    def find_order(self, key: str, customer_id: str, po_number: str | None) -> PushResult | None: ...

    def push(self, request: PushRequest) -> PushResult: ...

    def order_status(self, key: str) -> ErpOrderStatus | None: ...

    def list_orders(self) -> list[ErpOrderStatus]: ...

    def pull_reference_data(self) -> ReferenceData | None: ...

    def credit_exposure(self, customer_id: str) -> Decimal | None:
        """Live exposure (receivables + open orders), or None when the ERP cannot say."""
        ...


@runtime_checkable
class SupportsChanges(Protocol):
    """An adapter that can apply a change version (860/ORDCHG) to the sale it pushed before."""

    def apply_change(self, request: PushRequest, sale_ref: str, old_order: Any = None) -> PushResult: ...
