"""The validator's inputs and outputs: plain dataclasses the pipeline fills and reads.

Why dataclasses and not pydantic: these never cross a process boundary as JSON; they are
the in-memory contract between the runner, its rules and the caller (flows/, review/).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

from orderflow.canonical import Issue, Severity, Suggestion


def _default_thresholds() -> list[tuple[Decimal, str]]:
    return [(Decimal("25000"), "lead"), (Decimal("100000"), "finance")]


# Default meaning of EDI line qualifiers (X12 PO1 235 codes, EDIFACT 7143 item type codes).
DEFAULT_QUALIFIERS: dict[str, str] = {
    # X12 235: VN/VP/VA vendor's item; BP/CB/IN/PI buyer's numbers; UP/UK/UA/EN/EO GTINs.
    "VN": "sku", "VP": "sku", "VA": "sku",
    "BP": "customer_part", "CB": "customer_part", "IN": "customer_part", "PI": "customer_part",
    "UP": "gtin", "UK": "gtin", "UA": "gtin", "EN": "gtin", "EO": "gtin", "UI": "gtin",
    # EDIFACT 7143: SA supplier's article, IN/BP buyer's, SRV/EN GTIN.
    "SA": "sku", "SRV": "gtin",
}


@dataclass
class ValidationConfig:
    """Tunable policy. ``partner_qualifiers`` maps customer id → {qualifier: sku|customer_part|gtin}."""

    price_tolerance_abs: Decimal = Decimal("0.01")
    price_tolerance_pct: Decimal = Decimal("0.5")
    fuzzy_accept_score: float = 92
    fuzzy_accept_margin: float = 8
    fuzzy_suggest_cutoff: float = 60
    case_pack_severity: str = "warning"
    moq_severity: str = "warning"
    approval_thresholds: list[tuple[Decimal, str]] = field(default_factory=_default_thresholds)
    today: dt.date | None = None
    now: dt.datetime | None = None
    credit_live_timeout_s: float = 3.0
    credit_snapshot_max_age: dt.timedelta = dt.timedelta(hours=24)
    partner_qualifiers: dict[str, dict[str, str]] = field(default_factory=dict)
    default_qualifiers: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_QUALIFIERS))
    total_tolerance: Decimal = Decimal("0.01")
    # Availability (issue 12): "error" routes a short order to review, "warning" only tells.
    availability_severity: str = "warning"
    lead_time_severity: str = "warning"
    availability_warehouses: list[str] | None = None  # None = stock of every warehouse counts
    quote_severity: str = "error"
    # Whether the ERP push carries header/line charges and allowances to the ERP order (file/REST adapters
    # send the whole canonical order; the Tryton sale takes product lines only). False = CHARGE_NOT_CARRIED.
    charges_carried: bool = False
    # Issue 20: a value extracted with confidence under this goes to a person (LOW_CONFIDENCE, error);
    # the document's own arithmetic disagreeing (ARITHMETIC, TOTAL_MISMATCH, LINE_COUNT_MISMATCH) too.
    review_confidence: float = 0.8
    arithmetic_severity: str = "error"

    def current_date(self) -> dt.date:
        return self.today or (self.now.date() if self.now else dt.date.today())

    def current_time(self) -> dt.datetime:
        return self.now or dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class ExistingOrder:
    """An order the store already holds, for the duplicate rule."""

    customer_id: str | None
    po_number: str | None
    state: str
    order_id: int | str | None = None  # the store id (tests: any label)
    purpose: str = "original"


@dataclass
class ValidationContext:
    """What the caller knows besides the order and the reference data."""

    # Who sent it, from the channel only (never from the document): the mailbox sender, the portal
    # token's client, the partner id an SFTP/AS2 channel reports. A sender makes the channel identifying.
    sender: str | None = None
    channel: str | None = None
    # The customer the channel itself is bound to (a partner's own drop or mailbox, from settings).
    channel_customer: str | None = None
    # Envelope ids the EDI extractor read from the file: what the document names, checked against the channel.
    partner_ids: dict[str, str] = field(default_factory=dict)
    existing_orders: list[ExistingOrder] = field(default_factory=list)
    live_credit: Callable[[str], Decimal | None] | None = None
    order_id: int | str | None = None  # this order's own id, so it is not its own duplicate
    price_overrides: set[int] = field(default_factory=set)  # line indexes whose PO price a CSR accepted
    approvals_granted: list[str] = field(default_factory=list)  # roles that already approved
    customer_id: str | None = None  # set by a CSR in review: skips customer resolution
    ship_to_id: str | None = None  # set by a CSR in review: one of the customer's ship-tos, skips matching
    # Base-UOM quantity per upper-case SKU already promised to other open/pushed orders that the
    # ERP's committed figure does not include yet (canonical.reservations.reserved_quantities): a
    # dict, or an object with ``for_skus(keys) -> dict`` that looks up only the SKUs checked.
    reserved: Any = field(default_factory=dict)
    # A CSR's per-order ship policy (partial | complete | reject_short); None = the customer's own.
    ship_policy: str | None = None


@dataclass
class ResolvedLine:
    """Validation's enrichment of one order line (index = position in ``order.lines``)."""

    index: int
    line_no: str | None = None
    sku: str | None = None
    resolved_by: str | None = None  # exact | xref | learned | gtin | partner_qualifier | fuzzy
    match_score: float | None = None
    uom: str | None = None  # canonical ordered UOM
    base_uom: str | None = None
    factor: Decimal | None = None  # 1 ordered UOM = factor base UOM
    base_qty: Decimal | None = None
    contract_price: Decimal | None = None  # per ordered UOM
    agreement_id: str | None = None
    unit_price: Decimal | None = None  # the price that will be pushed (PO price, or contract fill)
    price_source: str | None = None  # po | contract
    price_override: bool = False
    amount: Decimal | None = None
    candidates: list[Suggestion] = field(default_factory=list)
    # Availability (dates are ISO strings so the payload stays JSON-safe; quantities in the ordered UOM).
    requested_date: str | None = None
    available_now: Decimal | None = None  # ATP now, ordered UOM
    ship_now_qty: Decimal | None = None
    ship_date: str | None = None  # when ship_now_qty leaves
    backorder_qty: Decimal | None = None
    backorder_date: str | None = None  # None with a backorder = no date can be promised
    promised_date: str | None = None  # when the whole accepted quantity will have shipped
    ack_status: str | None = None  # IA | IB | IQ | IR | DR for the 855/ORDRSP
    quote_number: str | None = None
    quote_price: Decimal | None = None  # per ordered UOM


@dataclass
class ValidationResult:
    issues: list[Issue] = field(default_factory=list)
    customer_id: str | None = None
    ship_to_id: str | None = None
    lines: list[ResolvedLine] = field(default_factory=list)
    order_total: Decimal | None = None  # lines + charges - allowances: what the document says is owed
    gross_total: Decimal | None = None  # lines + charges, allowances ignored: what credit and approvals weigh
    approvals_required: list[str] = field(default_factory=list)

    @property
    def blocking(self) -> bool:
        return any(i.severity == Severity.ERROR for i in self.issues)

    def codes(self) -> list[str]:
        return [i.code for i in self.issues]

    def enrichment(self) -> dict[str, Any]:
        """JSON-safe enrichment (Decimals as strings) for the store and the review UI."""
        return {
            "customer_id": self.customer_id,
            "ship_to_id": self.ship_to_id,
            "order_total": _plain(self.order_total),
            "gross_total": _plain(self.gross_total),
            "approvals_required": list(self.approvals_required),
            "lines": [
                {k: _plain(v) for k, v in asdict(rl).items() if k != "candidates"}
                | {"candidates": [s.model_dump() for s in rl.candidates]}
                for rl in self.lines
            ],
        }


def make_issue(
    code: str,
    message: str,
    *,
    severity: str | Severity = Severity.ERROR,
    field: str | None = None,
    expected: Any = None,
    actual: Any = None,
    suggestions: list[Suggestion] | None = None,
    rule: str | None = None,
) -> Issue:
    """Build an Issue; Decimals in expected/actual become plain strings so JSON stays exact."""
    return Issue(
        code=str(code), severity=Severity(severity), field=field, message=message,
        expected=_plain(expected), actual=_plain(actual), suggestions=suggestions or [], rule=rule,
    )


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return fmt(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def fmt(value: Decimal | None) -> str:
    """Decimal → plain string keeping its own scale, trimmed to at least two decimals:
    "120", "75.00", "0.15", "0.125" (never an exponent)."""
    if value is None:
        return "?"
    text = format(value, "f")
    if "." in text:
        whole, frac = text.split(".")
        text = f"{whole}.{frac.rstrip('0').ljust(2, '0')}"
    return text
