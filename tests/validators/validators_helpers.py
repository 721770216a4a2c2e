"""Helpers for the validator tests (a uniquely named module: tests dirs have no __init__.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

from orderflow.canonical import CanonicalOrder, OrderLine, Party, Source

SAMPLES = Path(__file__).resolve().parents[2] / "samples" / "reference"


def D(value: Any) -> Decimal:  # noqa: N802 - reads like a literal
    return Decimal(str(value))


def line(**kw: Any) -> OrderLine:
    for key in ("qty", "unit_price", "amount"):
        if key in kw and kw[key] is not None:
            kw[key] = D(kw[key])
    return OrderLine(**kw)


def acme_order(*lines: OrderLine, **kw: Any) -> CanonicalOrder:
    """An order from ACME (by sender email) to plant 1, dated inside every ACME agreement."""
    defaults: dict[str, Any] = {
        "po_number": "4500012345",
        "po_date": dt.date(2026, 11, 20),
        "source": Source(sender="Jane Buyer <purchasing@acme-mfg.example>", channel="imap"),
        "ship_to": Party(name="ACME Manufacturing Plant 1", ids={"92": "0001"}),
        "lines": list(lines),
    }
    defaults.update(kw)
    return CanonicalOrder(**defaults)
