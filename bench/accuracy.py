"""Field accuracy of `orderflow extract` against a folder of documents with gold JSON.

    python -m orderflow.bench.accuracy DIR [--json report.json] [--no-ocr]

Scoring follows the corpus README: Decimal equality for numbers, case/whitespace-insensitive
fuzzy match for descriptions, names and addresses, lines matched in order. ``score_document``
and ``score_folder`` are importable so tests can hold the level reached.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from collections import Counter
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

HEADER_KEYS = ["po_number", "po_date", "buyer", "supplier", "ship_to.name", "ship_to.address", "currency",
               "payment_terms", "total"]
LINE_KEYS = ["line_no", "sku", "customer_part", "description", "qty", "uom", "unit_price", "amount"]
NUMERIC = {"total", "qty", "unit_price", "amount"}
FUZZY = {"buyer", "supplier", "ship_to.name", "ship_to.address", "description"}
DOC_EXT = {".pdf", ".csv", ".xls", ".xlsx"}


def _norm(s: Any) -> str:
    return re.sub(r"\s+", " ", str(s)).strip().lower()


def _dec(v: Any) -> Decimal | None:
    try:
        return Decimal(str(v))
    except (InvalidOperation, ValueError):
        return None


def same(key: str, gold: Any, got: Any) -> bool:
    """One field's verdict under the README's conventions."""
    if gold in (None, "") or got in (None, ""):
        return gold in (None, "") and got in (None, "")
    if key in NUMERIC:
        g, p = _dec(gold), _dec(got)
        if g is None or p is None:
            return False
        return g == p or round(g, 2) == round(p, 2)
    if key in FUZZY:
        from rapidfuzz import fuzz  # noqa: PLC0415

        a, b = _norm(gold), _norm(got)
        return a == b or fuzz.ratio(a, b) >= 90
    return _norm(gold) == _norm(got)


def predicted_dict(order: dict[str, Any] | None) -> dict[str, Any]:
    """A canonical order (JSON dict) in the gold layout."""
    if not order:
        return {k: None for k in HEADER_KEYS} | {"lines": []}

    def name(p: dict | None) -> str | None:
        return (p or {}).get("name")

    ship = order.get("ship_to") or {}
    addr = ship.get("address") or {}
    addr_text = addr.get("text") or (", ".join(addr.get("lines") or []) or None)
    return {
        "po_number": order.get("po_number"),
        "po_date": order.get("po_date"),
        "buyer": name(order.get("buyer")),
        "supplier": name(order.get("supplier")),
        "ship_to.name": ship.get("name"),
        "ship_to.address": addr_text,
        "currency": order.get("currency"),
        "payment_terms": order.get("payment_terms"),
        "total": order.get("declared_total"),
        "lines": [{k: ln.get(k) for k in LINE_KEYS} for ln in order.get("lines") or []],
    }


def score_document(gold: dict[str, Any], order: dict[str, Any] | None) -> dict[str, Any]:
    """Per-field verdicts for one document: {"fields": n, "right": n, "errors": Counter-able list}."""
    pred = predicted_dict(order)
    ship = gold.get("ship_to") or {}
    g = {**gold, "ship_to.name": ship.get("name"), "ship_to.address": ship.get("address")}
    errors: list[str] = []
    total = right = 0
    for k in HEADER_KEYS:
        total += 1
        if same(k, g.get(k), pred.get(k)):
            right += 1
        else:
            errors.append(k)
    glines, plines = gold.get("lines") or [], pred["lines"]
    for i, gl in enumerate(glines):
        pl = plines[i] if i < len(plines) else {}
        for k in LINE_KEYS:
            total += 1
            if same(k, gl.get(k), pl.get(k)):
                right += 1
            else:
                errors.append(f"lines.{k}")
    extra = max(0, len(plines) - len(glines))
    total += extra
    errors += ["lines.extra"] * extra
    return {"fields": total, "right": right, "errors": errors, "perfect": not errors}


def _extract(path: Path, ocr: bool) -> tuple[dict[str, Any] | None, int]:
    from orderflow.extractors import ExtractContext, extract  # noqa: PLC0415

    result = extract(path.read_bytes(), ExtractContext(filename=path.name, ocr=ocr))
    pages = int(result.metadata.get("pages", 1) or 1)
    return (result.orders[0].to_json_dict() if result.orders else None), pages


HOLDOUT = Path(__file__).with_name("holdout.txt")


def holdout_stems() -> set[str]:
    """The real-corpus documents kept unseen while the engine is built (scored only at the end)."""
    lines = HOLDOUT.read_text().splitlines() if HOLDOUT.exists() else []
    return {ln.strip() for ln in lines if ln.strip() and not ln.startswith("#")}


def score_folder(folder: Path | str, *, ocr: bool = True, pattern: str = "*",
                 exclude: set[str] | None = None, only: set[str] | None = None) -> dict[str, Any]:
    """Score every ``NAME.<doc>`` that has a ``NAME.expected.json`` beside it."""
    folder = Path(folder)
    docs = []
    for gold_path in sorted(folder.rglob(f"{pattern}.expected.json")):
        stem = gold_path.name[: -len(".expected.json")]
        if (exclude and stem in exclude) or (only is not None and stem not in only):
            continue
        for doc in sorted(gold_path.parent.glob(stem + ".*")):
            if doc.suffix.lower() in DOC_EXT:
                docs.append((doc, gold_path))
    per_doc, err = [], Counter()
    sec_per_page: list[float] = []
    fields = right = perfect = 0
    for doc, gold_path in docs:
        gold = json.loads(gold_path.read_text())
        t0 = time.perf_counter()
        order, pages = _extract(doc, ocr)
        secs = time.perf_counter() - t0
        sec_per_page.append(secs / max(pages, 1))
        s = score_document(gold, order)
        fields += s["fields"]
        right += s["right"]
        perfect += s["perfect"]
        err.update(s["errors"])
        per_doc.append({"document": str(doc.relative_to(folder)), "fields": s["fields"], "right": s["right"],
                        "perfect": s["perfect"], "errors": dict(Counter(s["errors"])), "seconds": round(secs, 3),
                        "pages": pages})
    return {
        "documents": len(docs),
        "fields": fields,
        "right": right,
        "field_accuracy": round(right / fields, 4) if fields else 0.0,
        "perfect_documents": perfect,
        "perfect_share": round(perfect / len(docs), 4) if docs else 0.0,
        "errors_by_field": dict(err.most_common()),
        "median_seconds_per_page": round(statistics.median(sec_per_page), 4) if sec_per_page else None,
        "per_document": per_doc,
    }


def markdown(report: dict[str, Any]) -> str:
    out = ["| document | fields | right | perfect | s | errors |", "|---|---|---|---|---|---|"]
    for d in report["per_document"]:
        errs = ", ".join(f"{k}×{v}" for k, v in d["errors"].items())
        out.append(f"| {d['document']} | {d['fields']} | {d['right']} | {'yes' if d['perfect'] else 'no'} | "
                   f"{d['seconds']} | {errs} |")
    out.append("")
    out.append(f"**field accuracy {report['field_accuracy']:.1%}** ({report['right']}/{report['fields']}), "
               f"perfect documents {report['perfect_documents']}/{report['documents']} "
               f"({report['perfect_share']:.0%}), median s/page {report['median_seconds_per_page']}")
    out.append("")
    out.append("| field | errors |\n|---|---|")
    out += [f"| {k} | {v} |" for k, v in report["errors_by_field"].items()]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder")
    ap.add_argument("--json", default="accuracy-report.json", help="where to write the JSON report")
    ap.add_argument("--no-ocr", action="store_true")
    ap.add_argument("--pattern", default="*", help="glob on document stems, e.g. '*[!n]' ")
    ap.add_argument("--holdout", choices=["include", "exclude", "only"], default="include",
                    help="the documents listed in bench/holdout.txt: score them too, leave them out, or only them")
    args = ap.parse_args(argv)
    held = holdout_stems()
    report = score_folder(args.folder, ocr=not args.no_ocr, pattern=args.pattern,
                          exclude=held if args.holdout == "exclude" else None,
                          only=held if args.holdout == "only" else None)
    print(markdown(report))
    Path(args.json).write_text(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
