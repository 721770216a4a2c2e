"""One bounded decimal for every amount and quantity.

``Decimal("1E999999999")`` costs nothing to build, but formatting it, quantizing it or turning
it into an int writes a billion digits (2 GB, then MemoryError). So every money and quantity
value that enters from outside is checked here, on its digits and exponent only, before any
arithmetic touches it: at most ``MAX_INTEGER_DIGITS`` digits before the point, at most
``MAX_DECIMAL_PLACES`` significant digits after it, at most ``MAX_DIGITS`` digits in all.
Real orders stay far inside (the largest ERP amount fields hold 16 digits).
"""

from __future__ import annotations

from decimal import Decimal
from operator import methodcaller
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, PlainSerializer, WithJsonSchema

from orderflow.canonical.bounds import (  # noqa: F401 - re-exported: the names this module always had
    BOUNDS_TEXT,
    JSON_PATTERN,
    MAX_DECIMAL_PLACES,
    MAX_DIGITS,
    MAX_INTEGER_DIGITS,
    MAX_TEXT_CHARS,
    DecimalBoundsError,
    bounded_or_none,
    check_bounded,
    parse_bounded_decimal,
)


def _before(value: Any) -> Any:
    """Text is measured and parsed here, so a megabyte of digits never reaches ``Decimal()``."""
    return parse_bounded_decimal(value) if isinstance(value, str) else value


def _validate(value: Any) -> Decimal:
    return check_bounded(value)


# The pydantic type for every money and quantity field: validated on the way in (a portal 422, a
# PARSE_ERROR naming the field), a plain string on the way out, and its bounds in the JSON Schema.
BoundedDecimal = Annotated[
    Decimal,
    BeforeValidator(_before),
    AfterValidator(_validate),
    # C (Decimal.__format__ through methodcaller), not a Python function: one call per value written
    PlainSerializer(methodcaller("__format__", "f"), return_type=str, when_used="json"),
    WithJsonSchema(
        {"type": "string", "pattern": JSON_PATTERN, "description": f"A decimal number as a string: {BOUNDS_TEXT}."}
    ),
]
