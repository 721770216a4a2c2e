"""Pipeline throughput: N mixed documents end to end, plain calls vs Prefect, one vs two workers.

    .venv/bin/python bench/pipeline.py --docs 10000            # the issue's size (takes a while)
    .venv/bin/python bench/pipeline.py --docs 600 --skip-postgres

Mix (by count): portal JSON 35%, CSV 20%, XLSX 10%, X12 850 20%, text PDF 15%, each with its own
PO number. Store on SQLite, ERP = the file adapter. Prefect runs the same batch as one flow with
a task per document (ephemeral API; its start-up is excluded, reported separately). The worker
rows use a PostgreSQL store (a throw-away server from tests/fixtures/postgres.py) and 1 vs 2
``orderflow worker`` style processes running ``process_claimed``. Prints a markdown table.
"""

from __future__ import annotations

import argparse
import io
import json
import multiprocessing as mp
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
INBOX = ROOT / "samples" / "inbox"
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_TO_API_ENABLED", "false")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")
os.environ.setdefault("OMP_THREAD_LIMIT", "1")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")  # a console line per task run costs too


# --------------------------------------------------------------------------- documents


def _portal(i: int) -> bytes:
    data = json.loads((INBOX / "acme-portal-PO-9001.json").read_text())
    return json.dumps({**data, "po_number": f"B-{i:06d}"}).encode()


def _rows(i: int) -> list[list[str]]:
    head = ["po_number", "po_date", "line_no", "customer_part", "sku", "description", "qty", "uom", "unit_price"]
    return [head] + [
        [f"S-{i:06d}", "2026-11-20", "1", "", "FAS-1001", "Hex bolt M8 x 40mm zinc", "1000", "EA", "0.15"],
        [f"S-{i:06d}", "2026-11-20", "2", "", "FAS-1003", "Hex nut M8 zinc", "500", "EA", "0.06"],
    ]


def _csv(i: int) -> bytes:
    return ("\n".join(",".join(r) for r in _rows(i)) + "\n").encode()


def _xlsx(i: int) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    for r in _rows(i):
        wb.active.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


_EDI = (INBOX / "globex-850-GX-448120.edi").read_bytes()


def _edi(i: int) -> bytes:
    return _EDI.replace(b"GX-448120", f"GX-{i:06d}".encode())


def _pdf(i: int) -> bytes:
    from orderflow.samples.build_inbox import pdf_po

    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "po.pdf"
        pdf_po(
            path,
            buyer="Initech Facilities",
            buyer_addr=["4120 Freidrich Lane, Suite 300", "Austin, TX 78744"],
            po=f"{700000 + i}",
            date="11/16/2026",
            terms="Net 30",
            ship_name="Initech Facilities HQ",
            ship_addr=["4120 Freidrich Lane, Suite 300", "Austin, TX 78744"],
            lines=[
                ("IN-BOLT-M10", "Hex bolt M10 x 50mm zinc", "2000", "EA", "0.32", "640.00"),
                ("JAN-3005", "Industrial degreaser 5 gal pail", "12", "EA", "64.00", "768.00"),
            ],
            total="1,408.00",
            contact="Bill Lumbergh",
        )
        return path.read_bytes()


MIX = [("json", 35, _portal), ("csv", 20, _csv), ("xlsx", 10, _xlsx), ("edi", 20, _edi), ("pdf", 15, _pdf)]


def make_envelopes(n: int) -> list:
    from orderflow.canonical import Envelope

    slots = [(name, fn) for name, weight, fn in MIX for _ in range(weight)]
    out = []
    for i in range(n):
        name, fn = slots[i % len(slots)]
        ext = {"json": "json", "csv": "csv", "xlsx": "xlsx", "edi": "edi", "pdf": "pdf"}[name]
        out.append(Envelope(data=fn(i), filename=f"bench-{i:06d}.{ext}", channel="bench", sender="bench@example.com"))
    return out


# --------------------------------------------------------------------------- runs


def _services(home: Path, url: str | None = None):
    from orderflow.flows.services import build_services
    from orderflow.flows.settings import load_settings

    return build_services(load_settings(home=home, database_url=url, erp="file"))


def run_plain(envs: list, home: Path) -> float:
    from orderflow.flows.pipeline import ingest_and_process, push_approved

    svc = _services(home)
    t = time.perf_counter()
    for env in envs:
        ingest_and_process(svc, env)
    push_approved(svc)
    return time.perf_counter() - t


def run_prefect(envs: list, home: Path, task_batch: int = 1) -> tuple[float, float]:
    from prefect import flow
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    from orderflow.flows import prefect_flows

    @flow(name="bench-warm-up")
    def warm() -> int:
        return 1

    with temporary_settings({PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        t = time.perf_counter()
        warm()  # starts the ephemeral API server: reported, not counted
        startup = time.perf_counter() - t
        svc = _services(home)
        svc.prefect_task_batch = task_batch
        prefect_flows.set_services(svc)
        t = time.perf_counter()
        prefect_flows.run_process_envelopes(envs, push=True)
        return time.perf_counter() - t, startup


def _worker_proc(url: str, home: str, name: str, out: mp.Queue) -> None:
    from orderflow.flows.workers import process_claimed

    svc = _services(Path(home), url)
    t = time.perf_counter()
    report = process_claimed(svc, worker=name, batch=10)
    out.put((name, len(report.documents), time.perf_counter() - t))


def run_workers(envs: list, url: str, home: Path, n_workers: int) -> tuple[float, list]:
    from orderflow.flows.pipeline import ingest

    svc = _services(home, url)
    for env in envs:
        ingest(svc, env)
    ctx = mp.get_context("spawn")
    q = ctx.Queue()
    procs = [ctx.Process(target=_worker_proc, args=(url, str(home), f"w{i + 1}", q)) for i in range(n_workers)]
    t = time.perf_counter()
    for p in procs:
        p.start()
    results = [q.get(timeout=3600) for _ in procs]
    for p in procs:
        p.join()
    return time.perf_counter() - t, results


def states(home: Path, url: str | None = None) -> dict[str, int]:
    from collections import Counter

    from sqlalchemy import select

    from orderflow.store.models import Order

    svc = _services(home, url)
    with svc.session_factory() as s:
        return dict(Counter(s.scalars(select(Order.state)).all()))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=10_000)
    ap.add_argument("--skip-prefect", action="store_true")
    ap.add_argument("--skip-postgres", action="store_true")
    ap.add_argument("--skip-prefect-per-document", action="store_true")
    ap.add_argument("--prefect-batch", type=int, default=25,
                    help="also run Prefect with this many documents per task run (0: skip)")
    args = ap.parse_args()

    t = time.perf_counter()
    envs = make_envelopes(args.docs)
    print(f"generated {len(envs)} documents in {time.perf_counter() - t:.1f} s", file=sys.stderr)
    rows: list[tuple[str, float, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        plain = run_plain(envs, tmp / "plain")
        rows.append(("plain function calls, SQLite", plain, ""))
        print(f"plain {plain:.1f} s; orders {states(tmp / 'plain')}", file=sys.stderr)
        if not args.skip_prefect and not args.skip_prefect_per_document:
            pf, startup = run_prefect(envs, tmp / "prefect")
            rows.append(("Prefect flow, a task per document, SQLite", pf,
                         f"overhead {100 * (pf / plain - 1):+.1f}% (API start-up {startup:.0f} s not counted)"))
        if not args.skip_prefect and args.prefect_batch > 1:
            pf, startup = run_prefect(envs, tmp / "prefect-batch", args.prefect_batch)
            rows.append((f"Prefect flow, a task per {args.prefect_batch} documents, SQLite", pf,
                         f"overhead {100 * (pf / plain - 1):+.1f}% (`prefect_task_batch = {args.prefect_batch}`)"))
        if not args.skip_postgres:
            sys.path.insert(0, str(ROOT / "tests"))
            from fixtures.postgres import PostgresServer

            pg = PostgresServer.start()
            try:
                one, r1 = run_workers(envs, pg.create_database(), tmp / "w1", 1)
                rows.append(("1 worker process, PostgreSQL", one, ", ".join(f"{n}: {c}" for n, c, _ in r1)))
                two, r2 = run_workers(envs, pg.create_database(), tmp / "w2", 2)
                rows.append(("2 worker processes, PostgreSQL", two,
                             f"speed-up x{one / two:.2f}; " + ", ".join(f"{n}: {c}" for n, c, _ in sorted(r2))))
            finally:
                pg.stop()
    print(f"\n{args.docs} mixed documents (JSON 35%, CSV 20%, XLSX 10%, X12 850 20%, text PDF 15%), "
          f"{os.cpu_count()} cores\n")
    print("| run | seconds | documents/s | note |")
    print("|---|---:|---:|---|")
    for name, secs, note in rows:
        print(f"| {name} | {secs:.1f} | {args.docs / secs:.1f} | {note} |")


if __name__ == "__main__":
    main()
