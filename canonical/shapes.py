"""The canonical models' fields as plain dicts, without pydantic: what the EDI mappers fill.

An X12 interchange is mapped to plain dicts shaped like the models (same keys, same order, same
defaults, typed values); ``orderflow extract --json`` writes them with orjson and never imports
pydantic (a third of a cold start), the other callers get models built from them without
validation (``extractors.edi.mapping.order_model``). ``canonical.order`` asserts at import
that these field tuples are the models' fields, in order.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

SCHEMA_VERSION = "1"

ORDER_FIELDS = (
    "schema_version",
    "po_number",
    "po_date",
    "purpose",
    "revision",
    "order_type",
    "currency",
    "payment_terms",
    "requested_delivery_date",
    "buyer",
    "supplier",
    "bill_to",
    "ship_to",
    "lines",
    "charges",
    "notes",
    "references",
    "declared_total",
    "declared_line_count",
    "source",
    "provenance",
)
LINE_FIELDS = (
    "line_no",
    "qty",
    "uom",
    "unit_price",
    "price_basis",
    "amount",
    "customer_part",
    "sku",
    "gtin",
    "description",
    "ids",
    "requested_date",
    "promised_date",
    "change_code",
    "charges",
    "destinations",
    "notes",
)
PARTY_FIELDS = ("name", "ids", "address", "contact")
ADDRESS_FIELDS = ("lines", "city", "region", "postal_code", "country", "text")
CHARGE_FIELDS = ("kind", "code", "description", "amount", "percent")
SOURCE_FIELDS = (
    "channel",
    "format",
    "filename",
    "sha256",
    "sender",
    "received_at",
    "control_numbers",
    "partner_ids",
    "index",
)
PROVENANCE_FIELDS = (
    "page",
    "bbox",
    "sheet",
    "cell",
    "segment",
    "element",
    "segments",
    "raw",
    "confidence",
    "extractor",
    "hint",
)

_ORDER = dict.fromkeys(ORDER_FIELDS)
_ORDER.update(schema_version=SCHEMA_VERSION, purpose="original", revision=0)
_LINE = dict.fromkeys(LINE_FIELDS)
_PARTY = dict.fromkeys(PARTY_FIELDS)
_ADDRESS = dict.fromkeys(ADDRESS_FIELDS)
_SOURCE = dict.fromkeys(SOURCE_FIELDS)
_SOURCE["index"] = 0


def order() -> dict[str, Any]:
    """A ``CanonicalOrder()`` as a dict (``purpose`` as its text, "original")."""
    d = _ORDER.copy()
    d["lines"] = []
    d["charges"] = []
    d["notes"] = []
    d["references"] = {}
    d["source"] = source()
    d["provenance"] = {}
    return d


def line() -> dict[str, Any]:
    """An ``OrderLine()`` as a dict."""
    d = _LINE.copy()
    d["ids"] = {}
    d["charges"] = []
    d["destinations"] = []
    d["notes"] = []
    return d


def line_template() -> dict[str, Any]:
    """Every line field None: copy it and fill ``ids``/``charges``/``destinations``/``notes`` (hot loops)."""
    return _LINE.copy()


def party(name: str | None = None) -> dict[str, Any]:
    d = _PARTY.copy()
    d["name"] = name
    d["ids"] = {}
    return d


def address() -> dict[str, Any]:
    d = _ADDRESS.copy()
    d["lines"] = []
    return d


def source(**values: Any) -> dict[str, Any]:
    d = _SOURCE.copy()
    d["control_numbers"] = {}
    d["partner_ids"] = {}
    d.update(values)
    return d


def charge(kind: str, code: str | None, description: str | None, amount: Decimal | None, percent: Decimal | None) -> dict[str, Any]:
    return {"kind": kind, "code": code, "description": description, "amount": amount, "percent": percent}


def one_line(address: dict[str, Any]) -> str:
    """``Address.one_line`` on the dict form: the text as printed, else the parts joined."""
    if address["text"]:
        return address["text"]
    tail = " ".join(p for p in (address["city"], address["region"], address["postal_code"]) if p)
    parts = [*address["lines"], tail, address["country"] or ""]
    return ", ".join(p for p in parts if p)


def computed_total(lines: list[dict[str, Any]], charges: list[dict[str, Any]]) -> Decimal | None:
    """Sum of line amounts (or qty x price) plus charges; None when no line has money
    (``CanonicalOrder.computed_total`` is this on the models' dicts)."""
    total = Decimal(0)
    seen = False
    for ln in lines:
        if ln["amount"] is not None:
            total += ln["amount"]
            seen = True
        elif ln["qty"] is not None and ln["unit_price"] is not None:
            total += ln["qty"] * ln["unit_price"]
            seen = True
    for ch in charges:
        if ch["amount"] is not None:
            total += -ch["amount"] if ch["kind"] == "allowance" else ch["amount"]
    return total if seen else None
