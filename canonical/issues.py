"""Issues: the reasons an order needs a person, each one actionable."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Severity(StrEnum):
    ERROR = "error"  # blocks the push
    WARNING = "warning"  # shown, does not block


class IssueCode(StrEnum):
    """Stable codes. The README lists each with what a CSR does about it."""

    PARSE_ERROR = "PARSE_ERROR"
    UNSUPPORTED_FORMAT = "UNSUPPORTED_FORMAT"
    NOT_AN_ORDER = "NOT_AN_ORDER"
    MISSING_FIELD = "MISSING_FIELD"
    LOW_CONFIDENCE = "LOW_CONFIDENCE"
    ARITHMETIC = "ARITHMETIC"
    TOTAL_MISMATCH = "TOTAL_MISMATCH"
    LINE_COUNT_MISMATCH = "LINE_COUNT_MISMATCH"
    ENVELOPE = "ENVELOPE"
    CUSTOMER_UNKNOWN = "CUSTOMER_UNKNOWN"
    CUSTOMER_NOT_ENTITLED = "CUSTOMER_NOT_ENTITLED"  # the document names a customer its channel may not order for
    SHIP_TO_UNKNOWN = "SHIP_TO_UNKNOWN"
    SKU_UNKNOWN = "SKU_UNKNOWN"
    SKU_INACTIVE = "SKU_INACTIVE"
    UOM_UNKNOWN = "UOM_UNKNOWN"
    UOM_NOT_SOLD = "UOM_NOT_SOLD"
    CASE_PACK = "CASE_PACK"
    MIN_ORDER_QTY = "MIN_ORDER_QTY"
    PRICE_MISMATCH = "PRICE_MISMATCH"
    PRICE_MISSING = "PRICE_MISSING"
    NO_CONTRACT_PRICE = "NO_CONTRACT_PRICE"
    CURRENCY_MISMATCH = "CURRENCY_MISMATCH"
    CREDIT_EXCEEDED = "CREDIT_EXCEEDED"
    CREDIT_HOLD = "CREDIT_HOLD"
    CREDIT_STALE = "CREDIT_STALE"
    DUPLICATE_PO = "DUPLICATE_PO"
    ORIGINAL_NOT_FOUND = "ORIGINAL_NOT_FOUND"
    AVAILABILITY_SHORT = "AVAILABILITY_SHORT"
    LEAD_TIME = "LEAD_TIME"
    QUOTE_EXPIRED = "QUOTE_EXPIRED"
    QUOTE_MISMATCH = "QUOTE_MISMATCH"
    APPROVAL_REQUIRED = "APPROVAL_REQUIRED"
    ERP_REJECTED = "ERP_REJECTED"
    CHARGE_NOT_CARRIED = "CHARGE_NOT_CARRIED"  # a charge/allowance the ERP push would drop
    CHANGE_REJECTED = "CHANGE_REJECTED"  # a line of a change document that could not be applied
    RULE_ERROR = "RULE_ERROR"


class Suggestion(BaseModel):
    """A one-click fix: the value to put in the field, a label, a score 0–100."""

    model_config = ConfigDict(extra="forbid")
    value: str
    label: str | None = None
    score: float | None = None


class Issue(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str
    severity: Severity = Severity.ERROR
    field: str | None = None  # path like "lines[2].sku"
    message: str
    expected: Any = None
    actual: Any = None
    suggestions: list[Suggestion] = Field(default_factory=list)
    rule: str | None = None

    @property
    def blocking(self) -> bool:
        return self.severity == Severity.ERROR
