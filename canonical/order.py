"""Canonical order model (schema_version "1").

Every channel and format ends here. Money and quantities are ``Decimal`` and travel in
JSON as strings, so no float ever touches a price.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from enum import StrEnum
from operator import attrgetter, methodcaller
from typing import Annotated, Any

import orjson
from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, TypeAdapter, field_serializer

from orderflow.canonical import shapes
from orderflow.canonical.bounded import BoundedDecimal

SCHEMA_VERSION = "1"

# Decimal that serialises to a JSON string ("12.50", never "1E+2"), never a float. Reference data
# (from the ERP, trusted) uses it; every amount and quantity of an order is a ``BoundedDecimal``.
# The serializer is C (Decimal.__format__ through methodcaller), not a lambda: one call per value.
Dec = Annotated[
    Decimal, PlainSerializer(methodcaller("__format__", "f"), return_type=str, when_used="json")
]


class Purpose(StrEnum):
    """What the buyer means by this document."""

    ORIGINAL = "original"
    CHANGE = "change"
    CANCEL = "cancel"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=False)


class Address(_Model):
    """A postal address; ``text`` is the one-line form as printed."""

    lines: list[str] = Field(default_factory=list)
    city: str | None = None
    region: str | None = None
    postal_code: str | None = None
    country: str | None = None
    text: str | None = None

    def one_line(self) -> str:
        if self.text:
            return self.text
        tail = " ".join(p for p in (self.city, self.region, self.postal_code) if p)
        parts = [*self.lines, tail, self.country or ""]
        return ", ".join(p for p in parts if p)

    @field_serializer("text")
    def _text_or_one_line(self, value: str | None) -> str | None:
        """Every serialised address carries its one-line form, so consumers need not assemble it."""
        return value or self.one_line() or None


class Party(_Model):
    """A buyer, supplier, bill-to or ship-to. ``ids`` is keyed by qualifier (e.g. X12 N103)."""

    name: str | None = None
    ids: dict[str, str] = Field(default_factory=dict)
    address: Address | None = None
    contact: str | None = None


class Charge(_Model):
    """A header or line charge or allowance (X12 SAC, EDIFACT ALC, a freight row)."""

    kind: str = "charge"  # charge | allowance
    code: str | None = None
    description: str | None = None
    amount: BoundedDecimal | None = None
    percent: BoundedDecimal | None = None


class OrderLine(_Model):
    line_no: str | None = None
    qty: BoundedDecimal | None = None
    uom: str | None = None
    unit_price: BoundedDecimal | None = None
    price_basis: str | None = None
    amount: BoundedDecimal | None = None
    customer_part: str | None = None
    sku: str | None = None
    gtin: str | None = None
    description: str | None = None
    ids: dict[str, str] = Field(default_factory=dict)
    requested_date: dt.date | None = None
    promised_date: dt.date | None = None
    change_code: str | None = None  # POC02 / LIN action for change orders
    charges: list[Charge] = Field(default_factory=list)
    destinations: list[dict[str, Any]] = Field(default_factory=list)  # SDQ splits
    notes: list[str] = Field(default_factory=list)


class Source(_Model):
    """Where the order came from: channel, format and the document's identity."""

    channel: str | None = None  # imap | sftp | folder | portal | cli
    format: str | None = None  # x12_850 | edifact_orders | pdf_text | pdf_ocr | spreadsheet | csv | portal_json
    filename: str | None = None
    sha256: str | None = None
    sender: str | None = None
    received_at: dt.datetime | None = None
    control_numbers: dict[str, str] = Field(default_factory=dict)  # ISA13, GS06, ST02, UNB, UNH …
    partner_ids: dict[str, str] = Field(default_factory=dict)  # sender/receiver ids of the envelope
    index: int = 0  # position of this order inside its document


class Provenance(_Model):
    """Where one value was found: page and box, sheet and cell, or EDI segment.

    EDI provenance is per segment: ``segment`` (0-based index in the file) and ``element``
    (position in the segment), no ``raw`` copy: the segment text is read from the stored
    document when someone needs it. An entry keyed by a line (``lines[3]``) covers every field
    of that line without an entry of its own; a column entry (``lines`` or ``lines.description``)
    holds in ``segments`` the segment of every line (None: not from there), so a 50-line order
    needs two entries, not a hundred. ``field_provenance`` resolves a field path to its entry.
    """

    page: int | None = None
    bbox: tuple[float, float, float, float] | None = None  # x0, top, x1, bottom in PDF points
    sheet: str | None = None
    cell: str | None = None
    segment: int | None = None  # index of the segment in the file
    element: int | None = None  # position of the element in that segment (EDI)
    segments: list[int | None] | None = None  # column entry: the segment of line n at [n]
    raw: str | None = None
    confidence: float = 1.0
    extractor: str | None = None
    hint: str | None = None  # id of the partner or learned hint that produced the value


class CanonicalOrder(_Model):
    schema_version: str = SCHEMA_VERSION
    po_number: str | None = None
    po_date: dt.date | None = None
    purpose: Purpose = Purpose.ORIGINAL
    revision: int = 0
    order_type: str | None = None
    currency: str | None = None
    payment_terms: str | None = None
    requested_delivery_date: dt.date | None = None
    buyer: Party | None = None
    supplier: Party | None = None
    bill_to: Party | None = None
    ship_to: Party | None = None
    lines: list[OrderLine] = Field(default_factory=list)
    charges: list[Charge] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    references: dict[str, str] = Field(default_factory=dict)  # REF/RFF qualifier → value (quote, contract …)
    declared_total: BoundedDecimal | None = None
    declared_line_count: int | None = None
    source: Source = Field(default_factory=Source)
    provenance: dict[str, Provenance] = Field(default_factory=dict)  # "lines[0].qty" or "lines[0]" → where

    def computed_total(self) -> Decimal | None:
        """Sum of line amounts (or qty × price) plus charges; None when no line has money."""
        return shapes.computed_total(list(map(_LINE_DICT, self.lines)), list(map(_LINE_DICT, self.charges)))

    def provenance_of(self, path: str) -> Provenance | None:
        """The provenance of the value at ``path`` (exact entry, else its line entry)."""
        return field_provenance(self.provenance, path)

    def to_json_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


# The wire form of one order (``orderflow extract --json``): compact JSON, provenance entries
# without their null members. ``provenance`` is the last field, so the order without it and the
# provenance map are serialised apart and joined.
assert list(CanonicalOrder.model_fields)[-1] == "provenance"
# the plain dict shapes the EDI mappers fill (``canonical.shapes``) are these models' fields, in order
for _model, _fields in (
    (CanonicalOrder, shapes.ORDER_FIELDS),
    (OrderLine, shapes.LINE_FIELDS),
    (Party, shapes.PARTY_FIELDS),
    (Address, shapes.ADDRESS_FIELDS),
    (Charge, shapes.CHARGE_FIELDS),
    (Source, shapes.SOURCE_FIELDS),
    (Provenance, shapes.PROVENANCE_FIELDS),
):
    assert tuple(_model.model_fields) == _fields, _model
assert SCHEMA_VERSION == shapes.SCHEMA_VERSION
_PROVENANCE_MAP = TypeAdapter(dict[str, Provenance])
_WITHOUT_PROVENANCE = {"provenance"}
_FIELDS = list(CanonicalOrder.model_fields)
_HEAD = set(_FIELDS[: _FIELDS.index("lines")])  # the fields before ``lines`` ...
_TAIL = set(_FIELDS[_FIELDS.index("lines") + 1 : -1])  # ... and after it, provenance aside
_LINE_DICT = attrgetter("__dict__")
_FIXED = methodcaller("__format__", "f")  # what BoundedDecimal's serializer writes, as orjson's default
_PLAIN_NUMBER = frozenset((Decimal, type(None)))
_LINE_NUMBERS = tuple(attrgetter(name) for name in ("qty", "unit_price", "amount"))
_LINE_LISTS = (attrgetter("charges"), attrgetter("destinations"))


def _plain_lines(lines: list[OrderLine]) -> bool:
    """True when orjson writes these lines byte for byte as pydantic does: numbers are Decimal
    (or None), no charges (models) and no destinations (``Any`` values pydantic infers)."""
    for get in _LINE_NUMBERS:
        if not _PLAIN_NUMBER.issuperset(map(type, map(get, lines))):
            return False
    return not any(any(map(get, lines)) for get in _LINE_LISTS)


def _lines_json(lines: list[OrderLine]) -> bytes | None:
    """The lines as a JSON array through orjson (2x pydantic-core on 50-line EDI orders: the lines
    are nearly all of an order's bytes), or None when only pydantic can be trusted to write them."""
    if not _plain_lines(lines):
        return None
    try:
        return orjson.dumps(list(map(_LINE_DICT, lines)), default=_FIXED)
    except (orjson.JSONEncodeError, TypeError):  # e.g. a lone surrogate: pydantic says what it says
        return None


def order_json(order: CanonicalOrder) -> bytes:
    """One order as compact JSON bytes; provenance entries leave out members that are null.

    Byte for byte what pydantic-core writes (``tests/edi/test_order_json.py``); the lines of a
    plain order go through orjson, the rest through pydantic-core."""
    prov = _PROVENANCE_MAP.dump_json(order.provenance, exclude_none=True)
    to_json = order.__pydantic_serializer__.to_json
    lines = _lines_json(order.lines) if order.lines else None
    if lines is None:
        body = to_json(order, exclude=_WITHOUT_PROVENANCE)
        return b"".join((body[:-1], b',"provenance":', prov, b"}"))
    head = to_json(order, include=_HEAD)  # both are objects with members: no field is ever left out
    tail = to_json(order, include=_TAIL)
    return b"".join((head[:-1], b',"lines":', lines, b",", tail[1:-1], b',"provenance":', prov, b"}"))


def _line_path(path: str) -> tuple[str, int, str] | None:
    """``("lines[3]", 3, "qty")`` for ``lines[3].qty`` (``""`` for ``lines[3]``), else None."""
    if not path.startswith("lines["):
        return None
    end = path.find("]")
    if end < 0 or not path[6:end].isdigit():
        return None
    rest = path[end + 2 :] if len(path) > end + 1 and path[end + 1] == "." else ""
    return path[: end + 1], int(path[6:end]), rest.split(".", 1)[0].split("[", 1)[0]


def line_entry(path: str) -> str | None:
    """``lines[3]`` for a path inside line 3 (``lines[3].qty``, ``lines[3].ids.VN``), else None."""
    parts = _line_path(path)
    return parts[0] if parts is not None and parts[2] else None


def field_provenance(provenance: Mapping[str, Provenance], path: str) -> Provenance | None:
    """Where the value at ``path`` came from, or None.

    In order: the exact entry (``lines[3].qty``); the entries enclosing it (``lines[3]``,
    ``ship_to`` for ``ship_to.name``); for a line field, the column entry of the field
    (``lines.qty``), then of the lines (``lines``), whose ``segments[3]`` names the segment (a
    column entry resolves to a new Provenance for that one line).
    """
    found = provenance.get(path)
    if found is not None:
        return found
    parent = path
    while "." in parent:
        parent = parent.rsplit(".", 1)[0]
        if (found := provenance.get(parent)) is not None:
            return found
    parts = _line_path(path)
    if parts is None:
        return None
    _, n, name = parts
    for key in (f"lines.{name}", "lines") if name else ("lines",):
        column = provenance.get(key)
        if column is not None and column.segments is not None and n < len(column.segments):
            segment = column.segments[n]
            if segment is not None:
                return column.model_copy(update={"segment": segment, "segments": None})
    return None


def order_json_schema() -> dict[str, Any]:
    """The JSON Schema that ``orderflow schema`` prints."""
    schema = CanonicalOrder.model_json_schema(mode="serialization")
    schema["$id"] = "https://orderflow.dev/schema/canonical-order/1"
    schema["title"] = "CanonicalOrder"
    return schema
