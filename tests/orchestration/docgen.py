"""Small, distinct purchase orders for scale tests: portal JSON and CSV variants with unique PO numbers."""

from __future__ import annotations

import json
from pathlib import Path

from orderflow.canonical import Envelope

_ITEMS = [("FAS-1001", "Hex bolt M8 x 40mm zinc", "0.15"), ("FAS-1003", "Hex nut M8 zinc", "0.06")]


_SAMPLE = json.loads((Path(__file__).resolve().parents[2] / "samples/inbox/acme-portal-PO-9001.json").read_text())


def portal_json(i: int) -> bytes:
    """The demo portal order (valid against the demo reference data) under a new PO number."""
    return json.dumps({**_SAMPLE, "po_number": f"SCALE-{i:05d}"}).encode()


def csv_order(i: int) -> bytes:
    rows = ["po_number,po_date,line_no,customer_part,sku,description,qty,uom,unit_price,ship_to"]
    rows += [
        f"CSV-{i:05d},2026-11-20,{n + 1},,{sku},{desc},{50 + n},EA,{price},ACME Manufacturing Distribution Center"
        for n, (sku, desc, price) in enumerate(_ITEMS)
    ]
    return ("\n".join(rows) + "\n").encode()


def envelopes(n: int, *, csv_every: int = 5) -> list[Envelope]:
    """``n`` distinct documents; every ``csv_every``-th one is a CSV, the rest portal JSON."""
    out = []
    for i in range(n):
        if csv_every and i % csv_every == csv_every - 1:
            out.append(Envelope(data=csv_order(i), filename=f"po-{i:05d}.csv", channel="sftp",
                                sender="orders@acme.example", content_type="text/csv"))
        else:
            out.append(Envelope(data=portal_json(i), filename=f"portal-{i:05d}.json", channel="portal",
                                sender="acme", content_type="application/json"))
    return out
