"""One dict-shaped order (``canonical.shapes``) as the compact JSON ``order_json`` writes for its
model, byte for byte, through orjson and without pydantic (``tests/edi/test_wire.py`` compares
the two on every EDI file we have).

What pydantic's serializers add is done here: ``Address.text`` is written as the one-line
address when empty; amounts and quantities (``BoundedDecimal``) as ``format(d, "f")``; the
untyped SDQ destinations (``list[dict[str, Any]]``) with pydantic's inferred ``str(Decimal)``.
Provenance entries already leave out their None members (``x12_map.provenance``).
"""

from __future__ import annotations

from decimal import Decimal
from operator import methodcaller
from typing import Any

import orjson

from orderflow.canonical.shapes import one_line

_FIXED = methodcaller("__format__", "f")  # BoundedDecimal's serializer, as orjson's default
_PARTIES = ("buyer", "supplier", "bill_to", "ship_to")


def _untyped(value: dict[str, Any]) -> dict[str, Any]:
    """A destination as pydantic writes an ``Any`` dict: a Decimal in its ``str`` form."""
    return {k: str(v) if type(v) is Decimal else v for k, v in value.items()}


def order_bytes(order: dict[str, Any]) -> bytes:
    """The order's compact JSON (the dicts are consumed: addresses and destinations are rewritten)."""
    for key in _PARTIES:
        party = order[key]
        if party is not None and (address := party["address"]) is not None:
            address["text"] = address["text"] or one_line(address) or None
    for line in order["lines"]:
        if line["destinations"]:
            line["destinations"] = list(map(_untyped, line["destinations"]))
    return orjson.dumps(order, default=_FIXED)
