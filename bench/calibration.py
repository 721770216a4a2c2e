"""Is the extraction confidence honest? Reliability table, silent errors, touchless precision.

    python -m orderflow.bench.calibration DIR... [--fit] [--cache DIR] [--raw] [--json report.json]

For every document with gold (``NAME.expected.json``) it runs the extractors (confidence not yet
calibrated), computes each field's evidence, and scores each field right/wrong with
``bench/accuracy.py``'s rules. Confidences for the documents the model is fitted on are
out-of-fold: the model is re-fitted with their template (name before the first ``_``) left out,
so no document is judged by a model that saw its template. The hold-out documents
(``bench/holdout.txt``) are never fitted on; they are scored with the shipped model and reported
apart. ``--fit`` writes the model fitted on every non-hold-out document to
``extractors/confidence/model.json`` (re-run it after the engine changes). ``--raw`` scores the
engine's own uncalibrated confidences instead (the "before" figures).

A field is a *silent error* when it is wrong and routing would not send a person to it: its path
is not in the order's review fields (confidence under ``REVIEW_CONFIDENCE`` or named by an
ARITHMETIC / TOTAL_MISMATCH / LINE_COUNT_MISMATCH finding); a missed or invented line is silent
unless ``lines`` is in doubt; a missing value is silent when the whole order passes touchless.
*Touchless precision*: of the documents with no review field, the share entirely right.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import zlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from orderflow.bench.accuracy import DOC_EXT, HEADER_KEYS, LINE_KEYS, holdout_stems, predicted_dict, same

REVIEW_CONFIDENCE = 0.8  # = flows/settings.py review_confidence, README and design.md
FOLDS = 5
BUCKETS = (0.0, 0.2, 0.4, 0.6, 0.8, 0.9, 0.95, 0.99, 1.0001)
GOLD_PATH = {"buyer": "buyer.name", "supplier": "supplier.name", "ship_to.name": "ship_to.name",
             "ship_to.address": "ship_to.address", "total": "declared_total"}
ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Doc:
    """One document: its extraction (raw), evidence, gold and labels per field path."""

    name: str
    corpus: str
    path: Path
    gold: dict[str, Any]
    extraction: Any = None
    evidence: list[Any] = field(default_factory=list)
    labels: dict[str, int] = field(default_factory=dict)  # path → 1 right / 0 wrong (fields with a value)
    absent: set[str] = field(default_factory=set)  # paths of absent.* entries (no value: right when gold has none)
    conf: dict[str, float] = field(default_factory=dict)

    @property
    def template(self) -> str:
        return self.name.split("_", 1)[0]


def corpus_key(folder: Path | str) -> str:
    """``../shared/corpus/docs/real/po`` → ``real/po``: the same name on every checkout."""
    return "/".join(Path(folder).resolve().parts[-2:])


def _engine_version() -> str:
    """Hash of the extractor sources (not the confidence model): a cache entry is valid for one engine."""
    h = hashlib.sha256()
    base = ROOT / "extractors"
    for p in sorted(base.rglob("*.py")):
        if p.relative_to(base).parts[0] != "confidence":
            h.update(p.read_bytes())
    return h.hexdigest()[:12]


def collect(folders: list[str]) -> list[Doc]:
    docs: list[Doc] = []
    for folder in folders:
        root = Path(folder)
        corpus = corpus_key(root)
        for gold_path in sorted(root.rglob("*.expected.json")):
            stem = gold_path.name[: -len(".expected.json")]
            for p in sorted(gold_path.parent.glob(stem + ".*")):
                if p.suffix.lower() in DOC_EXT:
                    docs.append(Doc(stem, corpus, p, json.loads(gold_path.read_text())))
    return docs


def extract_raw(doc: Doc, cache: Path | None, ocr: bool) -> None:
    """The extraction with the engine's raw confidences, plus the second reading (cached per engine)."""
    from orderflow.canonical import Extraction  # noqa: PLC0415
    from orderflow.extractors import ExtractContext  # noqa: PLC0415
    from orderflow.extractors.confidence import document_evidence  # noqa: PLC0415
    from orderflow.extractors.registry import extract  # noqa: PLC0415

    data = doc.path.read_bytes()
    key = None
    if cache is not None:
        cache.mkdir(parents=True, exist_ok=True)
        key = cache / f"{doc.name}.{hashlib.sha256(data).hexdigest()[:12]}.{_engine_version()}.{int(ocr)}.json"
        if key.exists():
            doc.extraction = Extraction.model_validate_json(key.read_text())
    if doc.extraction is None:
        doc.extraction = extract(data, ExtractContext(filename=doc.path.name, ocr=ocr), calibrate=False)
    evs = document_evidence(doc.extraction, data, ocr=ocr)  # fills metadata["second_reading"]
    doc.evidence = evs[0] if evs else []
    if key is not None:
        key.write_text(doc.extraction.model_dump_json())


def history(docs: list[Doc], cache: Path, ocr: bool) -> list[Doc]:
    """The same documents as earlier engines read them (their entries in the cache, other engine versions):
    fitted on, never scored. An engine tuned on a corpus reads it better than a layout it never saw; its
    earlier readings are what a new layout looks like, so the model learns how much to trust unfamiliar
    readings instead of only the tuned ones."""
    from orderflow.canonical import Extraction  # noqa: PLC0415
    from orderflow.extractors.confidence import document_evidence  # noqa: PLC0415

    now = _engine_version()
    out: list[Doc] = []
    for doc in docs:
        if doc.path.suffix.lower() != ".pdf":  # sheets are read by their labelled cells, not by a tuned layout
            continue
        sha = hashlib.sha256(doc.path.read_bytes()).hexdigest()[:12]
        for entry in sorted(cache.glob(f"{doc.name}.{sha}.*.{int(ocr)}.json")):
            if entry.name.split(".")[-3] == now:
                continue
            past = Doc(doc.name, doc.corpus, doc.path, doc.gold)
            try:
                past.extraction = Extraction.model_validate_json(entry.read_text())
            except ValueError:  # an entry an older canonical model wrote: not readable any more
                continue
            evs = document_evidence(past.extraction, doc.path.read_bytes(), ocr=False)
            past.evidence = evs[0] if evs else []
            label(past)
            out.append(past)
    return out


def label(doc: Doc) -> None:
    """Right/wrong for every predicted field that bench/accuracy.py scores, and for the line set."""
    order = doc.extraction.orders[0].to_json_dict() if doc.extraction.orders else None
    pred = predicted_dict(order)
    gold = doc.gold
    ship = gold.get("ship_to") or {}
    g = {**gold, "ship_to.name": ship.get("name"), "ship_to.address": ship.get("address")}
    for k in HEADER_KEYS:
        if pred.get(k) not in (None, ""):
            doc.labels[GOLD_PATH.get(k, k)] = int(same(k, g.get(k), pred.get(k)))
    glines = gold.get("lines") or []
    for i, pl in enumerate(pred["lines"]):
        gl = glines[i] if i < len(glines) else None
        for k in LINE_KEYS:
            if pl.get(k) not in (None, ""):
                doc.labels[f"lines[{i}].{k}"] = int(gl is not None and same(k, gl.get(k), pl.get(k)))
    if order is not None:
        doc.labels["lines"] = int(len(pred["lines"]) == len(glines))
    for ev in doc.evidence:  # a buyer / ship-to not found: right when the gold has none either
        if ev.kind.startswith("absent."):
            party = ev.kind.split(".", 1)[1]
            want = gold.get(party) if party != "ship_to" else (ship.get("name") or ship.get("address"))
            doc.labels[ev.path] = int(want in (None, ""))
            doc.absent.add(ev.path)


def examples(docs: list[Doc]) -> list[tuple[Any, int]]:
    return [(ev, d.labels[ev.path]) for d in docs for ev in d.evidence if ev.path in d.labels]


def fold_of(template: str) -> int:
    return zlib.crc32(template.encode()) % FOLDS


def score_out_of_fold(fit_docs: list[Doc], held: list[Doc], shipped: dict[str, Any] | None, raw: bool,
                      past: list[Doc] | None = None) -> None:
    """Confidence per field: out-of-fold for the fitted documents, the shipped model for the hold-out
    (``past``: earlier readings, fitted on with their template's fold, never scored)."""
    past = past or []
    from orderflow.extractors.confidence.model import fit, predict  # noqa: PLC0415

    if raw:
        for d in fit_docs + held:
            prov = d.extraction.orders[0].provenance if d.extraction.orders else {}
            d.conf = {ev.path: (prov[ev.path].confidence if ev.path in prov else 1.0) for ev in d.evidence}
        return
    for k in range(FOLDS):
        test = [d for d in fit_docs if fold_of(d.template) == k]
        if not test:
            continue
        model = fit(examples([d for d in fit_docs + past if fold_of(d.template) != k]))
        for d in test:
            d.conf = {ev.path: predict(model, ev) for ev in d.evidence}
    for d in held:
        d.conf = {ev.path: predict(shipped, ev) for ev in d.evidence}


def routed_fields(doc: Doc, threshold: float) -> set[str]:
    """What routing would send a person to from extraction alone (validators.confidence.review_fields)."""
    from orderflow.validators.confidence import review_fields  # noqa: PLC0415
    from orderflow.validators.totals import check_totals  # noqa: PLC0415

    if not doc.extraction.orders:
        return {"lines"}
    order = doc.extraction.orders[0].model_copy(deep=True)
    for path, c in doc.conf.items():
        if path in order.provenance:
            order.provenance[path] = order.provenance[path].model_copy(update={"confidence": c})
        else:
            from orderflow.canonical import Provenance  # noqa: PLC0415

            order.provenance[path] = Provenance(confidence=c)
    findings = check_totals(order) + list(doc.extraction.issues)
    return set(review_fields(order, findings, threshold))


def evaluate(docs: list[Doc], threshold: float) -> dict[str, Any]:
    """Reliability table, silent errors, touchless precision for a set of scored documents."""
    buckets = Counter()
    right_in = Counter()
    fields = wrong = silent = 0
    touchless = touchless_right = perfect = perfect_touchless = 0
    for d in docs:
        for path, c in d.conf.items():
            if path in d.labels and path != "lines" and path not in d.absent:
                b = next(i for i in range(len(BUCKETS) - 1) if BUCKETS[i] <= c < BUCKETS[i + 1])
                buckets[b] += 1
                right_in[b] += d.labels[path]
        routed = routed_fields(d, threshold)
        is_touchless = not routed
        order = d.extraction.orders[0].to_json_dict() if d.extraction.orders else None
        pred = predicted_dict(order)
        ship = d.gold.get("ship_to") or {}
        g = {**d.gold, "ship_to.name": ship.get("name"), "ship_to.address": ship.get("address")}
        doc_wrong = 0
        for k in HEADER_KEYS:
            fields += 1
            if not same(k, g.get(k), pred.get(k)):
                doc_wrong += 1
                has_value = pred.get(k) not in (None, "")
                silent += int((GOLD_PATH.get(k, k) not in routed) if has_value else is_touchless)
        glines = d.gold.get("lines") or []
        for i, gl in enumerate(glines):
            pl = pred["lines"][i] if i < len(pred["lines"]) else None
            for k in LINE_KEYS:
                fields += 1
                if same(k, gl.get(k), (pl or {}).get(k)):
                    continue
                doc_wrong += 1
                if pl is None:
                    silent += int("lines" not in routed)
                elif pl.get(k) in (None, ""):
                    silent += int(is_touchless)
                else:
                    silent += int(f"lines[{i}].{k}" not in routed)
        extra = max(0, len(pred["lines"]) - len(glines))
        fields += extra
        doc_wrong += extra
        silent += extra * int("lines" not in routed)
        wrong += doc_wrong
        perfect += int(doc_wrong == 0)
        touchless += int(is_touchless)
        touchless_right += int(is_touchless and doc_wrong == 0)
        perfect_touchless += int(is_touchless and doc_wrong == 0)
    table = []
    for b in range(len(BUCKETS) - 1):
        if buckets[b]:
            table.append({"bucket": f"{BUCKETS[b]:.2f}–{min(BUCKETS[b + 1], 1.0):.2f}", "fields": buckets[b],
                          "right": right_in[b], "share_right": round(right_in[b] / buckets[b], 3)})
    return {
        "documents": len(docs), "fields": fields, "wrong": wrong, "silent_errors": silent,
        "silent_share": round(silent / fields, 4) if fields else 0.0,
        "touchless": touchless, "touchless_right": touchless_right,
        "touchless_precision": round(touchless_right / touchless, 4) if touchless else None,
        "perfect": perfect, "perfect_touchless": perfect_touchless,
        "perfect_touchless_share": round(perfect_touchless / perfect, 4) if perfect else None,
        "reliability": table,
    }


def markdown(name: str, r: dict[str, Any], threshold: float) -> str:
    out = [f"### {name} — {r['documents']} documents, {r['fields']} scored fields, {r['wrong']} wrong", "",
           "| confidence | fields | right | share right |", "|---|---|---|---|"]
    out += [f"| {row['bucket']} | {row['fields']} | {row['right']} | {row['share_right']:.1%} |"
            for row in r["reliability"]]
    tp = "n/a" if r["touchless_precision"] is None else f"{r['touchless_precision']:.1%}"
    pt = "n/a" if r["perfect_touchless_share"] is None else f"{r['perfect_touchless_share']:.0%}"
    out += ["", f"review_confidence {threshold}: silent errors **{r['silent_errors']}** "
                f"({r['silent_share']:.2%} of fields); touchless {r['touchless']} document(s), "
                f"precision **{tp}**; entirely-right documents passing touchless "
                f"{r['perfect_touchless']}/{r['perfect']} ({pt})", ""]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folders", nargs="+")
    ap.add_argument("--fit", action="store_true", help="write extractors/confidence/model.json")
    ap.add_argument("--raw", action="store_true", help="score the engine's uncalibrated confidences (before)")
    ap.add_argument("--cache", type=Path, default=None, help="keep raw extractions here (keyed by engine source)")
    ap.add_argument("--threshold", type=float, default=REVIEW_CONFIDENCE)
    ap.add_argument("--no-ocr", action="store_true")
    ap.add_argument("--only-cached", action="store_true", help="skip documents not in --cache yet (quick iterations)")
    ap.add_argument("--json", default=None, help="write the figures as JSON here")
    ap.add_argument("--history", action="store_true",
                    help="fit also on the --cache entries of earlier engine versions (the shipped model is)")
    ap.add_argument("--shipped", action="store_true",
                    help="score every document with the shipped model as it is (in-sample where it was fitted)")
    args = ap.parse_args(argv)
    from orderflow.extractors.confidence.model import MODEL_PATH, fit, load  # noqa: PLC0415

    docs = collect(args.folders)
    if args.only_cached and args.cache:
        docs = [d for d in docs if any(args.cache.glob(f"{d.name}.*.{_engine_version()}.{int(not args.no_ocr)}.json"))]
    held_names = holdout_stems()
    for i, d in enumerate(docs, 1):
        print(f"[{i}/{len(docs)}] {d.corpus}/{d.path.name}", file=sys.stderr, flush=True)
        extract_raw(d, args.cache, not args.no_ocr)
        label(d)
    past: list[Doc] = []
    if args.history and args.cache:
        past = history([d for d in docs if d.name not in held_names], args.cache, not args.no_ocr)
        print(f"history: {len(past)} earlier readings" + (
            "" if past else " (the cache holds only this engine's readings: --history adds nothing; README says how "
                            "to add an earlier engine's)"), file=sys.stderr)
    if args.fit:
        fit_docs = [d for d in docs if d.name not in held_names]
        model = fit(examples(fit_docs + past))
        model["fitted_on"] = {"documents": len(fit_docs), "templates": len({d.template for d in fit_docs}),
                              "earlier_readings": len(past),
                              "corpora": sorted({d.corpus for d in fit_docs}), "review_confidence": args.threshold}
        MODEL_PATH.write_text(json.dumps(model, indent=1) + "\n")
        print(f"wrote {MODEL_PATH} ({len(examples(fit_docs + past))} fields)", file=sys.stderr)
    shipped = load()
    fitted_on = set(((shipped or {}).get("fitted_on") or {}).get("corpora") or [])
    # out-of-fold for what the model was fitted on; the shipped model for the rest (hold-out, other corpora)
    fit_docs = [] if args.shipped else [d for d in docs if d.name not in held_names and d.corpus in fitted_on]
    held = [d for d in docs if d not in fit_docs]
    score_out_of_fold(fit_docs, held, shipped, args.raw, past)
    report: dict[str, Any] = {}
    for corpus in sorted({d.corpus for d in fit_docs}):
        report[f"{corpus} (out-of-fold)"] = evaluate([d for d in fit_docs if d.corpus == corpus], args.threshold)
    for corpus in sorted({d.corpus for d in docs if d.corpus not in fitted_on or args.shipped}):
        how = "fitted on them, hold-out left out" if corpus in fitted_on else "not fitted on"
        report[f"{corpus} (shipped model, {how})"] = evaluate(
            [d for d in held if d.corpus == corpus and d.name not in held_names], args.threshold)
    hold = [d for d in held if d.name in held_names]
    if hold:
        report["hold-out (shipped model)"] = evaluate(hold, args.threshold)
    for corpus in sorted(fitted_on & {d.corpus for d in hold}):
        report[f"{corpus} (all)"] = evaluate([d for d in docs if d.corpus == corpus], args.threshold)
    label_ = "raw engine confidence" if args.raw else "calibrated confidence"
    print(f"## Calibration ({label_})\n")
    for name, r in report.items():
        print(markdown(name, r, args.threshold))
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
