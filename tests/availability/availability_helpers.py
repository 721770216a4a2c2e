"""Helpers for availability and quote tests: a fixed 'today', order builders, demo inbox access."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from orderflow.canonical import CanonicalOrder, OrderLine, Party, ReferenceData
from orderflow.extractors.base import ExtractContext
from orderflow.extractors.registry import extract
from orderflow.validators import ValidationConfig, ValidationContext, ValidationResult, validate

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples" / "reference"
INBOX = ROOT / "samples" / "inbox"
TODAY = dt.date(2026, 11, 23)


def config(**kw: Any) -> ValidationConfig:
    return ValidationConfig(today=TODAY, **kw)


def order(*lines: OrderLine, sender: str = "purchasing@acme-mfg.example", **kw: Any) -> CanonicalOrder:
    kw.setdefault("po_number", "T-1")
    kw.setdefault("po_date", TODAY)
    kw.setdefault("ship_to", Party(name="ACME Manufacturing Distribution Center", ids={"92": "0002"}))
    o = CanonicalOrder(lines=list(lines), **kw)
    o.source.sender = sender
    return o


def line(no: str, sku: str, qty: str, uom: str, price: str | None = None, **kw: Any) -> OrderLine:
    return OrderLine(line_no=no, sku=sku, qty=Decimal(qty), uom=uom,
                     unit_price=Decimal(price) if price is not None else None, **kw)


def check(o: CanonicalOrder, ref: ReferenceData, *, reserved: dict[str, Decimal] | None = None,
          **cfg: Any) -> ValidationResult:
    ctx = ValidationContext(sender=o.source.sender, channel=o.source.channel or "portal", reserved=reserved or {})
    return validate(o, ref, ctx, config(**cfg))


def inbox_order(name: str) -> tuple[CanonicalOrder, dict[str, Any]]:
    entry = next(d for d in json.loads((INBOX / "manifest.json").read_text())["documents"] if d["file"] == name)
    ex = extract((INBOX / name).read_bytes(),
                 ExtractContext(filename=name, sender=entry["sender"], channel=entry["channel"]))
    o = ex.orders[0]
    o.source.sender, o.source.channel = entry["sender"], entry["channel"]
    return o, entry
