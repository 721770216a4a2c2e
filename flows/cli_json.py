"""``orderflow extract --json``: the orders as one JSON array, written an order at a time.

Compact by default (pydantic-core writes each order; provenance entries without null members,
``canonical.order_json``); indented with ``--pretty`` or on a terminal. Each order is written and
dropped before the next one is mapped, so a 200,000-segment interchange never sits in memory
as a whole (the EDI extractors stream, ``extractors.stream``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import BinaryIO

from orderflow.canonical import CanonicalOrder, order_json


def _pretty(order: CanonicalOrder) -> bytes:
    text = json.dumps(json.loads(order_json(order)), indent=2, ensure_ascii=False)
    return ("  " + text.replace("\n", "\n  ")).encode()


def write_orders(out: BinaryIO, first: CanonicalOrder, rest: Iterable[CanonicalOrder], pretty: bool = False) -> int:
    """Write ``[first, *rest]`` as a JSON array to ``out``; returns how many orders were written."""
    dump = _pretty if pretty else order_json
    write = out.write
    write(b"[\n")
    write(dump(first))
    n = 1
    for order in rest:
        write(b",\n")
        write(dump(order))
        n += 1
    write(b"\n]\n")
    out.flush()
    return n
