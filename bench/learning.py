"""Learning from corrections: field accuracy before and after one corrected document per layout.

    python -m orderflow.bench.learning [--docs 3] [--json report.json]
    python -m orderflow.bench.learning --real DIR [--pairs pairs.tsv]   (real documents: learning_real.py)

Each generated buyer layout prints its PO number, PO date and some line-table columns under labels
the built-in lexicon does not know ("Cust. Ord. Ref", "Mat.-Nr."...). For every layout the first
document is extracted, stored as an order and corrected field by field through
``review.actions.fix_field`` (the same call the review app and ``orderflow queue fix`` make), which
derives sender-scoped hints; the other documents of the layout are then extracted with the hints the
store hands out for that sender and document. The same documents drawn with well-known labels give
the "known layout" accuracy to compare with.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import sys
import tempfile
import time
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

HEADER = ["po_number", "po_date"]
LINE_KEYS = ["customer_part", "sku", "description", "qty", "uom", "unit_price", "amount"]


@dataclass
class Layout:
    """One buyer's document design: where it prints what, under which words."""

    name: str
    sender: str
    company: str
    labels: dict[str, str]  # header field → label printed left of the value
    columns: list[tuple[str, str, float]]  # (header text, field, x)
    label_x: float = 360
    value_dx: float = 95
    top: float = 90
    day_first: bool = False
    decimal_comma: bool = False
    extra: list[tuple[str, float, float]] = field(default_factory=list)  # decorative text (x, y from top)


KNOWN_LABELS = {"po_number": "PO Number:", "po_date": "PO Date:"}
KNOWN_COLUMNS = {"line_no": "Line", "customer_part": "Customer Part", "sku": "Item Code", "description": "Description",
                 "qty": "Qty", "uom": "UOM", "unit_price": "Unit Price", "amount": "Amount"}

LAYOUTS = [
    Layout("acme", "orders@acme-learn.example", "Acme Fasteners Inc.",
           {"po_number": "Cust. Ord. Ref", "po_date": "Raised on"},
           [("Pos", "line_no", 50), ("Mat.-Nr.", "customer_part", 80), ("Lief.-Art", "sku", 165),
            ("Description", "description", 245), ("Qty", "qty", 400), ("UOM", "uom", 440),
            ("Unit Price", "unit_price", 480), ("Amount", "amount", 540)]),
    Layout("borealis", "purchasing@borealis-learn.example", "Borealis Foods Ltd",
           {"po_number": "Our Requisition", "po_date": "Placed"},
           [("#", "line_no", 50), ("Stock Ident", "customer_part", 78), ("Supplier Ref", "sku", 165),
            ("Description", "description", 245), ("Qty", "qty", 400), ("Unit", "uom", 440),
            ("Unit Price", "unit_price", 480), ("Amount", "amount", 540)],
           label_x=50, top=120),
    Layout("corvid", "buyer@corvid-learn.example", "Corvid Instruments GmbH",
           {"po_number": "Vorgang", "po_date": "Erfasst am"},
           [("Pos", "line_no", 50), ("Ident", "customer_part", 80), ("Art.Nr.", "sku", 165),
            ("Bezeichnung", "description", 245), ("Menge", "qty", 400), ("ME", "uom", 440),
            ("Preis", "unit_price", 480), ("Betrag", "amount", 540)],
           day_first=True, decimal_comma=True),
    Layout("delphi", "po@delphi-learn.example", "Delphi Medical Supply",
           {"po_number": "Docket", "po_date": "Dated"},
           [("Ln", "line_no", 50), ("Bin Code", "customer_part", 80), ("Catalog", "sku", 165),
            ("Item Name", "description", 245), ("Qty", "qty", 400), ("UOM", "uom", 440),
            ("Unit Price", "unit_price", 480), ("Ext Price", "amount", 540)],
           label_x=330, value_dx=70),
]

_DESCRIPTIONS = ["Hex bolt M8x40 zinc", "Nitrile glove large", "Paper towel 2-ply", "Cable tie 200mm black",
                 "Safety goggles clear", "Wood screw 4x30", "Duct tape silver", "Ear plugs foam"]


def document_values(layout: Layout, n: int) -> dict[str, Any]:
    """The gold values of document ``n`` of a layout (deterministic)."""
    seed = sum(map(ord, layout.name)) + 7 * n
    lines = []
    for i in range(2 + (seed % 3)):
        k = (seed + 3 * i) % len(_DESCRIPTIONS)
        qty = Decimal(5 * (1 + (seed + i) % 9))
        price = Decimal(1250 + 137 * ((seed * (i + 1)) % 17)) / 100
        lines.append({"line_no": str(i + 1), "customer_part": f"CP-{400 + (seed * 7 + i * 13) % 500}",
                      "sku": f"SK{1000 + (seed * 11 + i * 29) % 9000}", "description": _DESCRIPTIONS[k],
                      "qty": qty, "uom": "EA", "unit_price": price, "amount": qty * price})
    day = 1 + (seed % 12)
    return {"po_number": f"{layout.name[:2].upper()}{70000 + seed * 37}",
            "po_date": dt.date(2026, 1 + ((seed + 5) % 12), day), "lines": lines}


def _fmt_num(value: Decimal, layout: Layout) -> str:
    text = f"{value:,.2f}"
    return text.translate(str.maketrans(",.", ".,")) if layout.decimal_comma else text


def _fmt_date(value: dt.date, layout: Layout) -> str:
    return value.strftime("%d/%m/%Y" if layout.day_first else "%m/%d/%Y")


def layout_pdf(layout: Layout, values: dict[str, Any], *, known: bool = False) -> bytes:
    """A one-page text PDF of the layout (``known``: the same page with labels the lexicon knows)."""
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=letter)
    _, height = letter
    c.setFont("Helvetica-Bold", 16)
    c.drawString(50, height - 50, layout.company)
    c.setFont("Helvetica", 9)
    c.drawString(50, height - 64, f"Procurement department · {layout.sender}")
    c.setFont("Helvetica-Bold", 13)
    c.drawString(layout.label_x, height - 50 if layout.label_x > 200 else height - 90, "PURCHASE ORDER")
    c.setFont("Helvetica", 10)
    y = height - layout.top
    for key in HEADER:
        label = KNOWN_LABELS[key] if known else layout.labels[key]
        text = values["po_number"] if key == "po_number" else _fmt_date(values["po_date"], layout)
        c.drawString(layout.label_x, y, label)
        c.drawString(layout.label_x + layout.value_dx, y, text)
        y -= 14
    for text, x, top in layout.extra:
        c.drawString(x, height - top, text)
    y = height - max(layout.top + 80, 190)
    c.setFont("Helvetica-Bold", 9)
    for head, key, x in layout.columns:
        c.drawString(x, y, KNOWN_COLUMNS[key] if known else head)
    c.line(50, y - 4, 590, y - 4)
    c.setFont("Helvetica", 9)
    for ln in values["lines"]:
        y -= 16
        for _, key, x in layout.columns:
            v = ln[key]
            c.drawString(x, y, _fmt_num(v, layout) if isinstance(v, Decimal) and key != "qty" else str(v))
    c.drawString(400, y - 30, "Total:")
    c.drawString(480, y - 30, _fmt_num(sum((ln["amount"] for ln in values["lines"]), Decimal(0)), layout))
    c.showPage()
    c.save()
    return buf.getvalue()


# ----------------------------------------------------------------------------- scoring


def _same(key: str, got: Any, want: Any) -> bool:
    if want is None:
        return got in (None, "")
    if got is None:
        return False
    if isinstance(want, Decimal):
        try:
            return Decimal(str(got)) == want
        except ArithmeticError:
            return False
    if isinstance(want, dt.date):
        return str(got) == want.isoformat()
    return " ".join(str(got).split()).lower() == " ".join(str(want).split()).lower()


def wrong_fields(order: dict[str, Any], gold: dict[str, Any]) -> list[tuple[str, Any]]:
    """(path, right value) for every scored field the order has wrong (lines matched by position)."""
    out = [(k, gold[k]) for k in HEADER if not _same(k, order.get(k), gold[k])]
    lines = order.get("lines") or []
    for i, want in enumerate(gold["lines"]):
        got = lines[i] if i < len(lines) else {}
        out += [(f"lines[{i}].{k}", want[k]) for k in LINE_KEYS if not _same(k, got.get(k), want[k])]
    return out


def field_count(gold: dict[str, Any]) -> int:
    return len(HEADER) + len(LINE_KEYS) * len(gold["lines"])


def accuracy(order: dict[str, Any], gold: dict[str, Any]) -> float:
    return 1 - len(wrong_fields(order, gold)) / field_count(gold)


# ----------------------------------------------------------------------------- the run


def _extract(data: bytes, sender: str, hints: list[dict[str, Any]]) -> dict[str, Any]:
    from orderflow.extractors.base import ExtractContext
    from orderflow.extractors.pdf_text import PdfExtractor

    ext = PdfExtractor().extract(data, ExtractContext(filename="po.pdf", sender=sender, hints=hints, ocr=False))
    return ext.orders[0].model_dump(mode="json")


def _text(value: Any) -> str:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def run(docs_per_layout: int = 3, layouts: list[Layout] | None = None) -> dict[str, Any]:
    """Bench every layout; returns the report dict (per layout and overall)."""
    from orderflow.canonical import CanonicalOrder, Envelope
    from orderflow.flows.learning_wiring import hints_for_factory, make_learner
    from orderflow.review import actions
    from orderflow.store import repository as repo
    from orderflow.store.db import make_engine, migrate, session_factory

    root = Path(tempfile.mkdtemp(prefix="bench-learning-"))
    engine = make_engine(f"sqlite:///{root / 'store.db'}")
    migrate(engine)
    factory = session_factory(engine)
    hints_for = hints_for_factory(factory)
    learner = make_learner()

    def no_issues(order: CanonicalOrder, row: Any) -> tuple[list, dict]:
        return [], {}

    report: dict[str, Any] = {"layouts": [], "docs_per_layout": docs_per_layout}
    totals = {"before": [], "after": [], "known": []}
    for layout in layouts or LAYOUTS:
        golds = [document_values(layout, n) for n in range(docs_per_layout)]
        pdfs = [layout_pdf(layout, g) for g in golds]
        before = [accuracy(_extract(p, layout.sender, []), g) for p, g in zip(pdfs, golds, strict=True)]
        known = [accuracy(_extract(layout_pdf(layout, g, known=True), layout.sender, []), g) for g in golds]
        started = time.monotonic()
        first = _extract(pdfs[0], layout.sender, hints_for(layout.sender, pdfs[0]))
        with factory() as s:
            doc, _ = repo.save_document(s, Envelope(data=pdfs[0], filename=f"{layout.name}-0.pdf", channel="imap",
                                                    sender=layout.sender))
            row = repo.save_order(s, doc, 0, CanonicalOrder.model_validate(first), state="needs_review", issues=[],
                                  customer_id=None, ship_to_id=None, resolved={})
            corrections = 0
            for path, want in wrong_fields(first, golds[0]):
                actions.fix_field(s, row.id, path, _text(want), user="bench", revalidate=no_issues, learner=learner)
                corrections += 1
            s.commit()
        learn_s = time.monotonic() - started
        after = [accuracy(_extract(p, layout.sender, hints_for(layout.sender, p)), g)
                 for p, g in zip(pdfs[1:], golds[1:], strict=True)]
        with factory() as s:
            learned = [r.payload.get("description") for r in repo.extraction_hints(s, sender_scope=None)
                       if r.sender_scope and layout.sender.endswith(r.sender_scope.lstrip("@"))]
        report["layouts"].append({
            "layout": layout.name, "sender": layout.sender, "corrections": corrections,
            "accuracy_before": round(sum(before[1:]) / len(before[1:]), 4),
            "accuracy_after": round(sum(after) / len(after), 4),
            "accuracy_known_layout": round(sum(known[1:]) / len(known[1:]), 4),
            "learn_seconds": round(learn_s, 2), "hints": learned,
        })
        totals["before"] += before[1:]
        totals["after"] += after
        totals["known"] += known[1:]
    report["overall"] = {k: round(sum(v) / len(v), 4) for k, v in totals.items()}
    report["corrections_per_layout"] = [x["corrections"] for x in report["layouts"]]
    return report


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=3, help="documents per layout (the first is corrected)")
    ap.add_argument("--json", type=Path, help="write the report here")
    ap.add_argument("--real", type=Path, metavar="DIR", help="real documents with gold: pairs of one sender "
                    "(see bench/learning_real.py)")
    ap.add_argument("--pairs", type=Path, help="with --real: first<TAB>next<TAB>sender (default DIR/pairs.tsv, "
                    "else documents of one template)")
    args = ap.parse_args(argv)
    if args.real:
        from orderflow.bench.learning_real import main as real_main

        return real_main(args.real, args.pairs, args.json)
    report = run(max(args.docs, 2))
    for x in report["layouts"]:
        print(f"{x['layout']:10} corrections {x['corrections']:2}  before {x['accuracy_before']:.3f}  "
              f"after {x['accuracy_after']:.3f}  known layout {x['accuracy_known_layout']:.3f}")
        for h in x["hints"]:
            print(f"    learned: {h}")
    o = report["overall"]
    print(f"overall    before {o['before']:.3f}  after {o['after']:.3f}  known layout {o['known']:.3f}")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
