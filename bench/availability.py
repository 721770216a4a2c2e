"""Availability at scale: 100,000 products × 5 warehouses with a year of planned moves.

    python -m orderflow.bench.availability [--products 100000] [--warehouses 5] [--moves 4] [--lines 1000]

Measures, on one core: building the per-SKU supply index once per snapshot, then checking a
1,000-line order (``check_availability`` over resolved lines: ATP at the requested date, the
earliest full date and the split). The target is under 200 ms per order. Records are made with
``model_construct`` so the set-up does not dominate the run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import random
import statistics
import time
from decimal import Decimal

from orderflow.canonical import (
    CanonicalOrder,
    Customer,
    IncomingSupply,
    Item,
    OrderLine,
    ReferenceData,
    StockRecord,
)
from orderflow.validators.availability import availability_index, check_availability
from orderflow.validators.cache import item_index
from orderflow.validators.model import ResolvedLine, ValidationConfig, ValidationContext

TODAY = dt.date(2026, 11, 23)


def build_reference(products: int, warehouses: int, moves_per_wh: int, seed: int = 7) -> ReferenceData:
    rnd = random.Random(seed)
    items, stock, incoming = [], [], []
    whs = [f"WH{w}" for w in range(warehouses)]
    for n in range(products):
        sku = f"SKU-{n:06d}"
        items.append(Item.model_construct(sku=sku, description=sku, base_uom="EA", sellable_uoms=["EA", "CA"],
                                          lead_time_days=rnd.randint(0, 10), active=True, gtin=None,
                                          case_pack=None, min_order_qty=None))
        for wh in whs:
            stock.append(StockRecord.model_construct(sku=sku, warehouse=wh, on_hand=Decimal(rnd.randint(0, 500)),
                                                     committed=Decimal(rnd.randint(0, 200))))
            for _ in range(moves_per_wh):
                incoming.append(IncomingSupply.model_construct(
                    sku=sku, warehouse=wh, qty=Decimal(rnd.randint(10, 400)),
                    expected_date=TODAY + dt.timedelta(days=rnd.randint(1, 365))))
    customers = [Customer(id="C1", name="Bench Customer")]
    return ReferenceData.model_construct(
        items=items, uom_conversions=[], customers=customers, ship_tos=[], cross_references=[],
        price_agreements=[], credit=[], stock=stock, incoming=incoming, quotes=[], lead_times=[],
        as_of=None, source="bench")


def build_order(products: int, lines: int, seed: int = 11) -> tuple[CanonicalOrder, list[ResolvedLine]]:
    rnd = random.Random(seed)
    order_lines, resolved = [], []
    for i in range(lines):
        sku = f"SKU-{rnd.randrange(products):06d}"
        qty = Decimal(rnd.randint(1, 120))
        case = rnd.random() < 0.3
        factor = Decimal(12) if case else Decimal(1)
        requested = TODAY + dt.timedelta(days=rnd.randint(0, 90))
        order_lines.append(OrderLine(line_no=str(i + 1), sku=sku, qty=qty, uom="CA" if case else "EA",
                                     requested_date=requested))
        resolved.append(ResolvedLine(index=i, line_no=str(i + 1), sku=sku, uom="CA" if case else "EA",
                                     base_uom="EA", factor=factor, base_qty=qty * factor))
    return CanonicalOrder(po_number="BENCH", lines=order_lines), resolved


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--products", type=int, default=100_000)
    ap.add_argument("--warehouses", type=int, default=5)
    ap.add_argument("--moves", type=int, default=4, help="planned incoming moves per product and warehouse")
    ap.add_argument("--lines", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=7)
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    ref = build_reference(args.products, args.warehouses, args.moves)
    setup_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    availability_index(ref)
    item_index(ref)  # lead times read the item index; both are built once per snapshot
    index_s = time.perf_counter() - t0
    config = ValidationConfig(today=TODAY)
    timings, shorts = [], 0
    gc.collect()
    for _ in range(args.repeat):
        order, lines = build_order(args.products, args.lines)
        t0 = time.perf_counter()
        issues = check_availability(order, lines, ref, "C1", ValidationContext(), config)
        timings.append((time.perf_counter() - t0) * 1000)
        shorts = len(issues)
    report = {
        "products": args.products, "warehouses": args.warehouses,
        "stock_records": len(ref.stock), "incoming_moves": len(ref.incoming),
        "setup_s": round(setup_s, 2), "index_build_s": round(index_s, 2),
        "order_lines": args.lines, "issues_per_order": shorts,
        "check_ms_median": round(statistics.median(timings), 1), "check_ms_max": round(max(timings), 1),
        "target_ms": 200, "ok": statistics.median(timings) < 200,
    }
    print(json.dumps(report, indent=2))
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
