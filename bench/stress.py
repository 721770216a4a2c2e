"""Proof under stress: fuzzing, kill -9, ERP outage and bombs, printed as the README's markdown table.

    .venv/bin/python bench/stress.py            # make-test sizes (~3 min)
    ORDERFLOW_STRESS=1 .venv/bin/python bench/stress.py   # nightly sizes (12,000 fuzzed, 40 kills, 60 s outage)

The scenarios are the ones tests/chaos, tests/fuzz and tests/bombs assert on; this script
only measures them and prints the figures.
"""

from __future__ import annotations

import logging
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for sub in ("tests/chaos", "tests/fuzz", "tests/bombs", "tests"):
    sys.path.insert(0, str(ROOT / sub))
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

STRESS = os.environ.get("ORDERFLOW_STRESS") == "1"
FUZZ_N = 12_000 if STRESS else 1_500
KILLS = 40 if STRESS else 10
DOCS = 300
OUTAGE_S = 60.0 if STRESS else 8.0


def fuzz_rows() -> list[tuple[str, str]]:
    import mutate

    logging.disable(logging.CRITICAL)
    try:
        r = mutate.run(FUZZ_N, seed=20261117)
    finally:
        logging.disable(logging.NOTSET)
    per = ", ".join(f"{k} {v:,}" for k, v in r.by_format.items())
    ends = ", ".join(f"{k} {v:,}" for k, v in sorted(r.outcomes.items()))
    return [
        ("Documents fuzzed (mutated real documents)", f"{r.inputs:,} ({per})"),
        ("Fuzz crashes (exception escaping an extractor / no readable reason)", f"{len(r.crashes)}"),
        ("Fuzz outcomes", f"{ends}; {r.seconds:.0f} s, slowest input {r.slowest:.2f} s"),
    ] + [("  crash", c) for c in r.crashes[:10]]


def kill_rows(work: Path) -> list[tuple[str, str]]:
    import harness as h

    erp = h.ErpProcess(work)
    erp.start()
    try:
        inbox, home = work / "inbox", work / "home"
        home.mkdir()
        expected = h.make_batch(inbox, DOCS)
        schedule = h.kill_schedule(random.Random(20261117), KILLS, max_hit=max(2, DOCS // (KILLS + 2)))
        started = time.monotonic()
        killed = [t for t in schedule if h.run_batch(inbox, home, erp_url=erp.url, kill_at=t).killed]
        final = h.run_batch(inbox, home, erp_url=erp.url)
        seconds = time.monotonic() - started
        led = h.read_ledger(home)
        lost, dup = h.lost_and_duplicated(expected, led, erp.sales())
        replays = sum(1 for c in erp.calls() if c["status"] == 200)
    finally:
        erp.kill()
    points = ", ".join(f"{p} {sum(t.startswith(p) for t in killed)}" for p in h.POINTS)
    return [
        (f"kill -9 points tried ({DOCS}-document batch, then restart)",
         f"{len(killed)} ({points}); final run exit {final.returncode}; {seconds:.0f} s"),
        ("Documents lost / duplicated (store + ERP)", f"{lost} / {dup}"),
        ("Orders stuck in an intermediate state after restart", f"{len(led.stuck)}"),
        ("Lost ERP answers absorbed by the idempotency key", f"{replays}"),
    ]


def outage_rows(work: Path) -> list[tuple[str, str]]:
    import harness as h

    erp = h.ErpProcess(work)
    erp.start()
    try:
        r = h.outage_run(work, erp, OUTAGE_S)
    finally:
        erp.kill()
    return [
        ("ERP outage survived (server killed mid-push, restarted)",
         f"{r['survived_seconds']:.0f} s; {r['pushed']} orders pushed once each, in order: {r['in_order']}; "
         f"{r['retries']} failed attempts in the histories; duplicates {r['duplicates']}; stuck {r['stuck']}"),
    ]


def bomb_rows(work: Path) -> list[tuple[str, str]]:
    import bombs

    rows = []
    for case in bombs.CASES:
        o = bombs.run_case(case, work)
        ok = o.returncode == 0 and o.orders == 0 and case.expect.lower() in o.reason.lower()
        rss = f"{o.peak_rss_mb:.0f} MB" if o.peak_rss_mb is not None else "n/a"
        rows.append((f"Bomb: {case.name} ({o.file_mb:,.1f} MB file)",
                     f"{'PARSE_ERROR' if ok else 'FAILED'} in {o.seconds:.2f} s, peak RSS {rss} "
                     f"(limit {bombs.MEM_LIMIT_MB} MB): “{o.reason[:90]}”"))
    return rows


def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="orderflow-stress-"))
    work.chmod(0o755)
    try:
        rows = []
        for name, fn in (("fuzz", fuzz_rows), ("kill", kill_rows), ("outage", outage_rows), ("bombs", bomb_rows)):
            sub = work / name
            sub.mkdir()
            sub.chmod(0o755)
            print(f"running {name} ...", file=sys.stderr, flush=True)
            rows += fn(sub) if name != "fuzz" else fn()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"### Stress figures ({'nightly' if STRESS else 'make test'} sizes)\n")
    print("| check | result |")
    print("|---|---|")
    for k, v in rows:
        print(f"| {k} | {v.replace('|', '/')} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
