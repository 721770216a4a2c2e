"""The canonical order and everything the rooms exchange. Imports nothing of ours."""

import importlib
from typing import TYPE_CHECKING, Any

# Every name is imported on first use (PEP 562): ``from orderflow.canonical import X`` loads only
# X's module, so the EDI wire path (``extract --json``) reads the bounds without pydantic, and the
# reference-data models and the envelope are not built to extract a document (their schemas are
# a large part of a cold start).
_LAZY = {
    **dict.fromkeys(
        ("DecimalBoundsError", "bounded_or_none", "check_bounded", "parse_bounded_decimal"),
        "orderflow.canonical.bounds",
    ),
    "BoundedDecimal": "orderflow.canonical.bounded",
    **dict.fromkeys(("Diagnostic", "Extraction"), "orderflow.canonical.extraction"),
    **dict.fromkeys(("Issue", "IssueCode", "Severity", "Suggestion"), "orderflow.canonical.issues"),
    **dict.fromkeys(
        (
            "SCHEMA_VERSION",
            "Address",
            "CanonicalOrder",
            "Charge",
            "OrderLine",
            "Party",
            "Provenance",
            "Purpose",
            "Source",
            "field_provenance",
            "line_entry",
            "order_json",
            "order_json_schema",
        ),
        "orderflow.canonical.order",
    ),
    **dict.fromkeys(("DocumentState", "OrderState"), "orderflow.canonical.states"),
    **dict.fromkeys(
        (
            "CreditRecord",
            "CrossReference",
            "Customer",
            "CustomerLeadTime",
            "IncomingSupply",
            "Item",
            "PriceAgreement",
            "Quote",
            "QuoteLine",
            "ReferenceData",
            "ShipTo",
            "StockRecord",
            "UomConversion",
        ),
        "orderflow.canonical.reference",
    ),
    "Envelope": "orderflow.canonical.envelope",
}

if TYPE_CHECKING:  # the type checker sees every name where it is defined (not the lazy Any)
    from orderflow.canonical.bounded import (
        BoundedDecimal,
    )
    from orderflow.canonical.bounds import (
        DecimalBoundsError,
        bounded_or_none,
        check_bounded,
        parse_bounded_decimal,
    )
    from orderflow.canonical.envelope import (
        Envelope,
    )
    from orderflow.canonical.extraction import (
        Diagnostic,
        Extraction,
    )
    from orderflow.canonical.issues import (
        Issue,
        IssueCode,
        Severity,
        Suggestion,
    )
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
    from orderflow.canonical.states import (
        DocumentState,
        OrderState,
    )


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
