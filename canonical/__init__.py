"""The canonical order and everything the rooms exchange. Imports nothing of ours."""

from orderflow.canonical.envelope import Envelope
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
    order_json_schema,
)
from orderflow.canonical.reference import (
    CreditRecord,
    CrossReference,
    Customer,
    CustomerLeadTime,
    IncomingSupply,
    Item,
    PriceAgreement,
    Quote,
    QuoteLine,
    ReferenceData,
    ShipTo,
    StockRecord,
    UomConversion,
)
from orderflow.canonical.states import DocumentState, OrderState

__all__ = [
    "SCHEMA_VERSION",
    "Address",
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
    "order_json_schema",
]
