"""The canonical order and everything the rooms exchange. Imports nothing of ours."""

import importlib
from typing import Any

from orderflow.canonical.bounded import (
    BoundedDecimal,
    DecimalBoundsError,
    bounded_or_none,
    check_bounded,
    parse_bounded_decimal,
)
from orderflow.canonical.extraction import Diagnostic, Extraction
from orderflow.canonical.issues import Issue, IssueCode, Severity, Suggestion
from orderflow.canonical.order import (
    SCHEMA_VERSION,
    Address,
    CanonicalOrder,
    Charge,
    OrderLine,
    Party,
    Provenance,
    Purpose,
    Source,
    field_provenance,
    line_entry,
    order_json,
    order_json_schema,
)
from orderflow.canonical.states import DocumentState, OrderState

# Imported on first use (PEP 562): the reference-data models and the envelope are not needed to
# extract a document, and building their pydantic schemas is a large part of a cold start.
_LAZY = {
    "CreditRecord": "orderflow.canonical.reference",
    "CrossReference": "orderflow.canonical.reference",
    "Customer": "orderflow.canonical.reference",
    "CustomerLeadTime": "orderflow.canonical.reference",
    "IncomingSupply": "orderflow.canonical.reference",
    "Item": "orderflow.canonical.reference",
    "PriceAgreement": "orderflow.canonical.reference",
    "Quote": "orderflow.canonical.reference",
    "QuoteLine": "orderflow.canonical.reference",
    "ReferenceData": "orderflow.canonical.reference",
    "ShipTo": "orderflow.canonical.reference",
    "StockRecord": "orderflow.canonical.reference",
    "UomConversion": "orderflow.canonical.reference",
    "Envelope": "orderflow.canonical.envelope",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


__all__ = [
    "SCHEMA_VERSION",
    "Address",
    "BoundedDecimal",
    "DecimalBoundsError",
    "bounded_or_none",
    "check_bounded",
    "parse_bounded_decimal",
    "CanonicalOrder",
    "Charge",
    "CreditRecord",
    "CrossReference",
    "Customer",
    "Diagnostic",
    "DocumentState",
    "Envelope",
    "Extraction",
    "IncomingSupply",
    "Issue",
    "IssueCode",
    "Item",
    "OrderLine",
    "OrderState",
    "Party",
    "PriceAgreement",
    "Provenance",
    "Purpose",
    "CustomerLeadTime",
    "Quote",
    "QuoteLine",
    "ReferenceData",
    "Severity",
    "ShipTo",
    "Source",
    "StockRecord",
    "Suggestion",
    "UomConversion",
    "field_provenance",
    "line_entry",
    "order_json",
    "order_json_schema",
]
