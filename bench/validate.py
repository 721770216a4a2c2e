"""Benchmark: validate() on a 100,000-item catalog with a 1,000-line order, 5% unknown SKUs.

Run: ``.venv/bin/python bench/validate.py [--items 100000] [--lines 1000] [--unknown 0.05] [--repeat 5]``
Prints a markdown table. Single-threaded (rapidfuzz is called without workers); pin to one
core with ``taskset -c 0`` for a clean figure on a busy machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import time
from decimal import Decimal

from orderflow.canonical import (
    CanonicalOrder,
    CreditRecord,
    CrossReference,
    Customer,
    Item,
    OrderLine,
    Party,
    PriceAgreement,
    ReferenceData,
    ShipTo,
    Source,
    UomConversion,
)
from orderflow.validators import ValidationConfig, ValidationContext, validate

FAMILIES = [
    ("HB", "HEX BOLT"), ("HN", "HEX NUT"), ("FW", "FLAT WASHER"), ("SW", "SPRING WASHER"), ("SC", "SOCKET CAP SCREW"),
    ("CS", "COUNTERSUNK SCREW"), ("WS", "WOOD SCREW"), ("SD", "SELF-DRILLING SCREW"), ("AN", "WEDGE ANCHOR"),
    ("TR", "THREADED ROD"), ("GL", "NITRILE GLOVES"), ("CG", "CUT-RESISTANT GLOVES"), ("SG", "SAFETY GLASSES"),
    ("HV", "HI-VIS VEST"), ("EP", "FOAM EARPLUGS"), ("PT", "PAPER TOWEL"), ("TT", "TOILET TISSUE"),
    ("TB", "TRASH BAG"), ("CL", "CLEANER"), ("DG", "DEGREASER"), ("MF", "MICROFIBER CLOTH"), ("MH", "MOP HEAD"),
    ("DT", "DUCT TAPE"), ("ET", "ELECTRICAL TAPE"), ("CT", "CABLE TIE"), ("BT", "BATTERY"), ("LW", "LED WORK LIGHT"),
    ("EC", "EXTENSION CORD"), ("SP", "SPRAY PAINT"), ("SW2", "STRETCH WRAP"),
]
MATERIALS = ["ZINC PLATED", "STAINLESS A2", "STAINLESS A4", "BLACK OXIDE", "HOT DIP GALV", "PLAIN STEEL", "NYLON",
             "BLUE", "YELLOW", "WHITE", "BLACK", "ORANGE"]
SIZES = ["M3", "M4", "M5", "M6", "M8", "M10", "M12", "M16", "M20", "1/4IN", "5/16IN", "3/8IN", "1/2IN", "S", "M", "L",
         "XL", "2XL"]
LENGTHS = ["10MM", "12MM", "16MM", "20MM", "25MM", "30MM", "35MM", "40MM", "50MM", "60MM", "70MM", "80MM", "100MM",
           "120MM", "150MM", "200MM"]


def build_reference(n_items: int, rng: random.Random) -> ReferenceData:
    items: list[Item] = []
    seq = 0
    while len(items) < n_items:
        code, family = FAMILIES[seq % len(FAMILIES)]
        material = MATERIALS[(seq // len(FAMILIES)) % len(MATERIALS)]
        size = SIZES[(seq // (len(FAMILIES) * len(MATERIALS))) % len(SIZES)]
        length = LENGTHS[(seq // (len(FAMILIES) * len(MATERIALS) * len(SIZES))) % len(LENGTHS)]
        variant = seq // (len(FAMILIES) * len(MATERIALS) * len(SIZES) * len(LENGTHS))
        items.append(Item(
            sku=f"{code}-{seq:06d}", description=f"{family} {size} X {length} {material}" + (f" V{variant}" if variant else ""),
            gtin=f"{400000000000 + seq:012d}", base_uom="EA", sellable_uoms=["EA", "BX"], case_pack=None,
        ))
        seq += 1
    conversions = [UomConversion(from_uom="BX", to_uom="EA", factor=Decimal(100))]
    customer = Customer(id="BENCH", name="Bench Customer Inc", email_domains=["bench.example"])
    ship = ShipTo(customer_id="BENCH", id="BENCH-1", name="Bench DC")
    agreements = [
        PriceAgreement(id=f"PA-{i}", customer_id="BENCH", sku=items[i].sku, price=Decimal("1.25"), uom="EA")
        for i in rng.sample(range(n_items), min(n_items, 20000))
    ]
    xrefs = [CrossReference(customer_id="BENCH", customer_part=f"CP-{i:07d}", sku=items[i].sku)
             for i in rng.sample(range(n_items), min(n_items, 5000))]
    credit = [CreditRecord(customer_id="BENCH", limit=Decimal("10000000"))]
    return ReferenceData(items=items, uom_conversions=conversions, customers=[customer], ship_tos=[ship],
                         price_agreements=agreements, cross_references=xrefs, credit=credit)


def _typo(text: str, rng: random.Random) -> str:
    i = rng.randrange(len(text))
    return text[:i] + rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789") + text[i + 1 :]


def build_order(
    ref: ReferenceData, n_lines: int, unknown_share: float, rng: random.Random
) -> tuple[CanonicalOrder, dict[int, str]]:
    """The order, and for the garbled lines the SKU a person would pick (to score suggestions)."""
    lines = []
    truth: dict[int, str] = {}
    n_unknown = round(n_lines * unknown_share)
    unknown_at = set(rng.sample(range(n_lines), n_unknown))
    xref_parts = [x.customer_part for x in ref.cross_references]
    for i in range(n_lines):
        item = rng.choice(ref.items)
        qty = Decimal(rng.randint(1, 50) * 100)
        if i in unknown_at:
            kind = i % 3
            truth[i] = item.sku if kind == 0 else ""  # "" = ambiguous on purpose: must not be auto-accepted
            if kind == 0:  # typo in our code + the description a buyer would type
                line = OrderLine(line_no=str(i + 1), qty=qty, uom="EA", sku=_typo(item.sku, rng),
                                 description=item.description.lower())
            elif kind == 1:  # a part number we have never seen, shortened description
                line = OrderLine(line_no=str(i + 1), qty=qty, uom="EA", customer_part=f"ZZ-{rng.randint(0, 10**7):07d}",
                                 description=" ".join(item.description.split()[:4]))
            else:  # nothing we know
                line = OrderLine(line_no=str(i + 1), qty=qty, uom="EA", customer_part=f"UNK{rng.randint(0, 10**6)}",
                                 description="special order item per drawing rev c")
        elif i % 10 == 0:
            line = OrderLine(line_no=str(i + 1), qty=qty, uom="EA", customer_part=rng.choice(xref_parts))
        elif i % 10 == 1:
            line = OrderLine(line_no=str(i + 1), qty=qty / 100, uom="BOX", gtin=item.gtin)
        else:
            line = OrderLine(line_no=str(i + 1), qty=qty, uom="EA", sku=item.sku, unit_price=Decimal("1.25"))
        lines.append(line)
    order = CanonicalOrder(po_number="BENCH-1", po_date=dt.date(2026, 11, 1), lines=lines,
                           source=Source(sender="buyer@bench.example"), ship_to=Party(name="Bench DC"))
    return order, truth


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--lines", type=int, default=1_000)
    parser.add_argument("--unknown", type=float, default=0.05)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)

    t0 = time.perf_counter()
    ref = build_reference(args.items, rng)
    order, truth = build_order(ref, args.lines, args.unknown, rng)
    t_build = time.perf_counter() - t0
    ctx, config = ValidationContext(), ValidationConfig(today=dt.date(2026, 11, 1))

    t0 = time.perf_counter()
    first = validate(order, ref, ctx, config)
    t_first = time.perf_counter() - t0
    runs = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        result = validate(order, ref, ctx, config)
        runs.append(time.perf_counter() - t0)
    assert result.codes() == first.codes()

    by_how: dict[str, int] = {}
    for rl in result.lines:
        by_how[rl.resolved_by or "unresolved"] = by_how.get(rl.resolved_by or "unresolved", 0) + 1
    unknown = sum(1 for i in result.issues if i.code == "SKU_UNKNOWN")
    answerable = {i: sku for i, sku in truth.items() if sku}
    in_top3 = sum(1 for i, sku in answerable.items()
                  if result.lines[i].sku == sku or sku in [s.value for s in result.lines[i].candidates])
    top1 = sum(1 for i, sku in answerable.items()
               if result.lines[i].sku == sku or [s.value for s in result.lines[i].candidates][:1] == [sku])
    accepted_wrong = sum(1 for i, sku in answerable.items() if result.lines[i].sku not in (None, sku))
    ambiguous = [i for i, sku in truth.items() if not sku]
    ambiguous_accepted = sum(1 for i in ambiguous if result.lines[i].sku is not None)
    print(f"## validate() — {args.items:,} items, {args.lines:,} lines, {args.unknown:.0%} unknown\n")
    print("| figure | value |\n|---|---|")
    print(f"| build catalog + order (not timed as validation) | {t_build:.2f} s |")
    print(f"| first validate() incl. index build | {t_first * 1000:.0f} ms |")
    print(f"| validate() best of {args.repeat} | {min(runs) * 1000:.0f} ms |")
    print(f"| validate() median of {args.repeat} | {sorted(runs)[len(runs) // 2] * 1000:.0f} ms |")
    print(f"| per line (best) | {min(runs) / args.lines * 1e6:.0f} µs |")
    print(f"| lines resolved by | {', '.join(f'{k}={v}' for k, v in sorted(by_how.items()))} |")
    print(f"| SKU_UNKNOWN issues | {unknown} |")
    print(f"| mistyped code + full description lines | {len(answerable)} |")
    print(f"| … right item accepted or top suggestion / in top 3 | {top1} / {in_top3} |")
    print(f"| … another item taken (typo hit a real SKU exactly, or fuzzy) | {accepted_wrong} |")
    print(f"| truncated-description or never-seen lines | {len(ambiguous)} |")
    print(f"| … auto-accepted (must be 0) | {ambiguous_accepted} |")
    print(f"| issues total | {len(result.issues)} |")
    print(f"| under 1 s (best) | {'yes' if min(runs) < 1 else 'NO'} |")


if __name__ == "__main__":
    main()
