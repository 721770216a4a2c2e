"""Learning on real purchase orders: next-document accuracy before and after one corrected first document.

    python -m orderflow.bench.learning --real DIR [--pairs pairs.tsv] [--json report.json]

DIR holds documents with gold (``NAME.pdf`` + ``NAME.expected.json``, the real corpus's format). Pairs
(``first<TAB>next<TAB>sender``, stems) come from ``--pairs`` or ``DIR/pairs.tsv``, else from DIR itself:
two documents whose file names share the prefix before the first ``_`` share a template (the corpus
README's convention); each such pair is taken both ways. Documents in ``bench/holdout.txt`` are never used.

Per pair, in a fresh store: the next document is extracted for the sender without hints ("before"); the
first document is extracted, stored as an order and saved once with its gold as the CSR's final version
(``review.actions.version_changes`` + ``save_changes``: the review app's and ``queue fix --from``'s path);
the next document is extracted again with the hints the store hands out for that sender and document
("after"). Scoring is ``bench/accuracy.py``'s.
"""

from __future__ import annotations

import json
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from orderflow.bench.accuracy import DOC_EXT, holdout_stems, score_document


def gold_version(gold: dict[str, Any]) -> dict[str, Any]:
    """The corpus gold as canonical-order JSON, the form ``orderflow queue fix --from`` takes."""
    version: dict[str, Any] = {k: gold.get(k) for k in ("po_number", "po_date", "currency", "payment_terms")}
    version["declared_total"] = gold.get("total")
    for key in ("buyer", "supplier"):
        version[key] = {"name": gold.get(key)}
    ship = gold.get("ship_to") or {}
    version["ship_to"] = {"name": ship.get("name"), "address": {"text": ship.get("address")}}
    keys = ("line_no", "sku", "customer_part", "description", "qty", "uom", "unit_price", "amount")
    version["lines"] = [{k: ln.get(k) for k in keys} for ln in gold.get("lines") or []]
    return version


def documents(folder: Path) -> dict[str, Path]:
    """stem → document path for every document with gold, holdout left out."""
    held = holdout_stems()
    return {p.stem: p for p in sorted(folder.iterdir())
            if p.suffix.lower() in DOC_EXT and p.with_suffix(".expected.json").exists() and p.stem not in held}


def template_pairs(folder: Path) -> list[tuple[str, str, str]]:
    """(first, next, sender) for every two documents of one template (both ways), holdout left out."""
    groups: dict[str, list[str]] = defaultdict(list)
    for stem in documents(folder):
        groups[stem.split("_", 1)[0]].append(stem)
    out = []
    for prefix, stems in sorted(groups.items()):
        for a in stems:
            out += [(a, b, f"orders@{prefix}.example") for b in stems if b != a]
    return out


def read_pairs(path: Path) -> list[tuple[str, str, str]]:
    rows = []
    for line in path.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            first, nxt, sender = line.split("\t")[:3]
            rows.append((first.strip(), nxt.strip(), sender.strip()))
    return rows


def _extract(path: Path, sender: str, hints: list[dict[str, Any]]) -> dict[str, Any] | None:
    from orderflow.extractors import ExtractContext, extract  # noqa: PLC0415

    result = extract(path.read_bytes(), ExtractContext(filename=path.name, sender=sender, hints=hints, ocr=True))
    return result.orders[0].to_json_dict() if result.orders else None


def run_pair(first: Path, nxt: Path, sender: str) -> dict[str, Any]:
    """One pair in a fresh store; see the module docstring."""
    from orderflow.canonical import CanonicalOrder, Envelope  # noqa: PLC0415
    from orderflow.flows.learning_wiring import hints_for_factory, make_learner  # noqa: PLC0415
    from orderflow.review import actions, learning  # noqa: PLC0415
    from orderflow.store import repository as repo  # noqa: PLC0415
    from orderflow.store.db import make_engine, migrate, session_factory  # noqa: PLC0415

    root = Path(tempfile.mkdtemp(prefix="bench-learning-real-"))
    engine = make_engine(f"sqlite:///{root / 'store.db'}")
    migrate(engine)
    factory = session_factory(engine)
    hints_for = hints_for_factory(factory)
    gold_first = json.loads(first.with_suffix(".expected.json").read_text())
    gold_next = json.loads(nxt.with_suffix(".expected.json").read_text())
    before = score_document(gold_next, _extract(nxt, sender, []))
    extracted = _extract(first, sender, hints_for(sender, first.read_bytes()))
    started = time.monotonic()
    with factory() as s:
        doc, _ = repo.save_document(s, Envelope(data=first.read_bytes(), filename=first.name, channel="imap",
                                                sender=sender))
        row = repo.save_order(s, doc, 0, CanonicalOrder.model_validate(extracted or {}), state="needs_review",
                              issues=[], customer_id=None, ship_to_id=None, resolved={})
        count, changes = actions.version_changes(repo.order_canonical(row), gold_version(gold_first))
        _, taught = actions.save_changes(s, row.id, changes, user="bench", line_count=count,
                                         revalidate=lambda order, r: ([], {}), learner=make_learner())
        s.commit()
        hints = [h["description"] for h in learning.list_hints(s, include_retired=False)]
    learn_s = time.monotonic() - started
    after = score_document(gold_next, _extract(nxt, sender, hints_for(sender, nxt.read_bytes())))
    return {"first": first.stem, "next": nxt.stem, "sender": sender, "changes": len(changes),
            "learn_seconds": round(learn_s, 1), "hints": hints,
            "before": {k: before[k] for k in ("fields", "right", "perfect")} | {"errors": sorted(set(before["errors"]))},
            "after": {k: after[k] for k in ("fields", "right", "perfect")} | {"errors": sorted(set(after["errors"]))}}


def run(folder: Path, pairs: list[tuple[str, str, str]], show: Any = None) -> dict[str, Any]:
    docs = documents(folder)
    rows = []
    for a, b, sender in pairs:
        if a in docs and b in docs:
            rows.append(run_pair(docs[a], docs[b], sender))
            if show:
                show(rows[-1])
    overall: dict[str, Any] = {"pairs": len(rows)}
    for when in ("before", "after"):
        fields = sum(r[when]["fields"] for r in rows)
        right = sum(r[when]["right"] for r in rows)
        overall[when] = {"fields": round(right / fields, 4) if fields else None,
                         "perfect": sum(1 for r in rows if r[when]["perfect"])}
    return {"pairs": rows, "overall": overall}


def main(folder: Path, pairs_file: Path | None, json_out: Path | None) -> int:
    pairs_file = pairs_file or (folder / "pairs.tsv")
    pairs = read_pairs(pairs_file) if pairs_file.exists() else template_pairs(folder)

    def show(r: dict[str, Any]) -> None:
        b, a = r["before"], r["after"]
        print(f"{r['first']:28} → {r['next']:28} changes {r['changes']:3}  before {b['right']:3}/{b['fields']:<3} "
              f"{'✓' if b['perfect'] else ' '}  after {a['right']:3}/{a['fields']:<3} {'✓' if a['perfect'] else ' '}"
              f"  learn {r['learn_seconds']}s")
        for h in r["hints"]:
            print(f"    learned: {h}")
        print(f"    still wrong after: {', '.join(a['errors']) or '-'}", flush=True)

    report = run(folder, pairs, show)
    o = report["overall"]
    n = o["pairs"]
    print(f"overall  {n} pairs  before {o['before']['fields']:.3f} of fields, {o['before']['perfect']}/{n} documents "
          f"entirely right  after {o['after']['fields']:.3f}, {o['after']['perfect']}/{n}")
    if json_out:
        json_out.write_text(json.dumps(report, indent=2, default=str))
    return 0
