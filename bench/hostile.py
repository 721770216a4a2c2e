"""Hostile inputs of every format (issue 18): numbers no arithmetic may touch, and work without end.

    nice .venv/bin/python bench/hostile.py           # the sizes of the issue (a few minutes)
    nice .venv/bin/python bench/hostile.py --quick   # smaller sizes, same shapes (~1 min)
    nice .venv/bin/python bench/hostile.py --only x12

Each input is written to a temporary file and ``orderflow extract`` runs on it in a child
process; the table gives, per input: size, exit code, seconds, peak RSS and the verdict against
the bound (any input up to 50 MB ends in < 60 s and < 1.5 GB, or is refused). Exit 1 when an
input is out of bounds. The generators are shared with tests/security.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

MAX_SECONDS = 60.0
MAX_RSS_MB = 1536.0
CHILD_MEM_MB = 3072  # RLIMIT_AS of the child: a runaway dies instead of taking the shared machine
HUGE = "1E999999999"

ISA = "ISA*00*          *00*          *ZZ*BUYER          *ZZ*SELLER         *261120*0930*U*00401*000000001*0*P*>~"


# --------------------------------------------------------------------------- numbers


def x12_number(value: str = HUGE) -> bytes:
    """The issue's 315-byte X12: an 850 whose PO102 quantity is ``value``."""
    return (
        ISA + "GS*PO*BUYER*SELLER*20261120*0930*1*X*004010~ST*850*0001~BEG*00*SA*PO-HOSTILE**20261120~"
        f"N1*BY*Hostile Buyer*92*HB~PO1*1*{value}*EA*3.05**BP*FAS-1001~CTT*1~SE*6*0001~GE*1*1~IEA*1*000000001~"
    ).encode()


def edifact_number(value: str = HUGE) -> bytes:
    """An ORDERS message whose QTY is ``value``."""
    return (
        "UNA:+.? 'UNB+UNOC:3+BUYER:14+SELLER:ZZ+261121:1015+1'UNH+1+ORDERS:D:96A:UN'BGM+220+PO-HOSTILE+9'"
        f"DTM+137:20261121:102'NAD+BY+BUYER::9'LIN+1++4006380000247:EN'QTY+21:{value}:EA'PRI+AAA:3.05'"
        "UNS+S'CNT+2:1'UNT+10+1'UNZ+1+1'"
    ).encode()


def json_number(field: str, value: str = HUGE) -> bytes:
    """A portal order with ``field`` (qty, unit_price or declared_total) set to ``value``."""
    line = {"line_no": "1", "sku": "FAS-1001", "qty": "10", "uom": "EA", "unit_price": "0.15"}
    order: dict = {"po_number": "PO-HOSTILE", "buyer": {"name": "Hostile"}, "lines": [line]}
    if field == "declared_total":
        order["declared_total"] = value
    else:
        line[field] = value
    return json.dumps(order).encode()


def csv_number(value: str = HUGE) -> bytes:
    return (
        "po_number,po_date,line_no,sku,description,qty,uom,unit_price\n"
        f"PO-HOSTILE,2026-11-20,1,FAS-1001,Hex bolt,{value},EA,0.15\n"
    ).encode()


# --------------------------------------------------------------------------- sizes


def x12_lines(lines: int, per_set: int | None = None) -> bytes:
    """850s with ``lines`` PO1 lines in all (one set, or sets of ``per_set``): 200k lines ≈ 7 MB."""
    per_set = per_set or lines
    out = [ISA, "GS*PO*BUYER*SELLER*20261120*0930*1*X*004010~"]
    sets = 0
    done = 0
    while done < lines:
        sets += 1
        n = min(per_set, lines - done)
        out.append(f"ST*850*{sets:04d}~BEG*00*SA*PO-{sets}**20261120~")
        out.extend(f"PO1*{i}*1*EA*1.00*PE*BP*S{i}~" for i in range(1, n + 1))
        out.append(f"CTT*{n}~SE*{n + 4}*{sets:04d}~")
        done += n
    out.append(f"GE*{sets}*1~IEA*1*000000001~")
    return "".join(out).encode()


def edifact_segments(segments: int) -> bytes:
    """One ORDERS message of ``segments`` segments (LIN/QTY pairs)."""
    lines = max(1, (segments - 8) // 2)
    body = "".join(f"LIN+{i}++{i}:EN'QTY+21:1:EA'" for i in range(1, lines + 1))
    return (
        "UNA:+.? 'UNB+UNOC:3+BUYER:14+SELLER:ZZ+261121:1015+1'UNH+1+ORDERS:D:96A:UN'BGM+220+PO-BIG+9'"
        f"DTM+137:20261121:102'{body}UNS+S'UNT+{lines * 2 + 5}+1'UNZ+1+1'"
    ).encode()


def edifact_messages(messages: int, lines: int) -> bytes:
    """One interchange of ``messages`` ORDERS messages of ``lines`` lines each."""
    out = ["UNA:+.? 'UNB+UNOC:3+BUYER:14+SELLER:ZZ+261121:1015+1'"]
    for m in range(1, messages + 1):
        body = "".join(f"LIN+{i}++{i}:EN'QTY+21:1:EA'PRI+AAA:1.50'" for i in range(1, lines + 1))
        out.append(f"UNH+{m}+ORDERS:D:96A:UN'BGM+220+PO-{m}+9'DTM+137:20261121:102'{body}UNS+S'"
                   f"UNT+{lines * 3 + 5}+{m}'")
    out.append(f"UNZ+{messages}+1'")
    return "".join(out).encode()


def csv_orders(orders: int, lines: int = 1) -> bytes:
    """``orders`` purchase orders of ``lines`` rows each in one CSV."""
    head = "po_number,po_date,line_no,sku,description,qty,uom,unit_price\n"
    rows = (f"PO-{i},2026-11-20,{k},FAS-1001,Hex bolt,10,EA,0.15\n" for i in range(orders) for k in range(1, lines + 1))
    return (head + "".join(rows)).encode()


def json_orders(orders: int, lines: int = 1) -> bytes:
    """``{"orders": [...]}`` with ``orders`` orders of ``lines`` lines."""
    line = '{"line_no":"1","sku":"FAS-1001","qty":"10","uom":"EA","unit_price":"0.15"}'
    one = '{"po_number":"PO-%d","lines":[' + ",".join([line] * lines) + "]}"
    return ('{"orders":[' + ",".join(one % i for i in range(orders)) + "]}").encode()


def _pdf(contents: list[bytes]) -> bytes:
    """A PDF with one page per (already compressed, FlateDecode) content stream and one Helvetica font."""
    n = len(contents)
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % (4 + 2 * i) for i in range(n)) + b"] /Count %d >>" % n,
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    for i, raw in enumerate(contents):
        objs.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >>"
                    b" /Contents %d 0 R >>" % (5 + 2 * i))
        objs.append(b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(raw) + raw + b"\nendstream")
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


def pdf_words(words: int, pages: int = 1) -> bytes:
    """``words`` words of text (a 950 KB file for 300k), spread over ``pages`` pages."""
    per = words // pages
    contents = []
    n = 0
    for _ in range(pages):
        rows = []
        left = per
        while left > 0:
            k = min(left, 20)
            rows.append(b"(" + b" ".join(b"W%d" % (n + j) for j in range(k)) + b" ) Tj 0 -12 Td")
            n += k
            left -= k
        contents.append(zlib.compress(b"BT /F1 10 Tf 20 770 Td " + b" ".join(rows) + b" ET", 9))
    return _pdf(contents)


def pdf_inflating(inflated: int) -> bytes:
    """One page whose content stream inflates to ``inflated`` bytes (1 GiB from about 1 MB)."""
    comp = zlib.compressobj(9)
    chunk = b" " * (1 << 20)
    parts = [comp.compress(b"BT /F1 12 Tf 72 720 Td (PURCHASE ORDER PO-BOMB) Tj ET\n")]
    parts += [comp.compress(chunk) for _ in range(inflated >> 20)]
    parts.append(comp.flush())
    return _pdf([b"".join(parts)])


# --------------------------------------------------------------------------- cases


@dataclass(frozen=True)
class Input:
    name: str
    filename: str
    build: Callable[[], bytes]
    expect: str  # a phrase of the readable reason (case-insensitive)


def inputs(quick: bool = False) -> list[Input]:
    q = quick
    return [
        Input("x12 PO102 1E999999999 (315 B)", "num.edi", x12_number, "too large"),
        Input("x12 PO102 1E-999999999", "neg.edi", lambda: x12_number("1E-999999999"), "decimal places"),
        Input("edifact QTY 1E999999999", "num.edifact", edifact_number, "too large"),
        Input("json qty 1e999999999", "qty.json", lambda: json_number("qty"), "too large"),
        Input("json unit_price 1e999999999", "price.json", lambda: json_number("unit_price"), "too large"),
        Input("json declared_total 1e999999999", "total.json", lambda: json_number("declared_total"), "too large"),
        Input("csv qty 1E999999999", "num.csv", csv_number, "not a number"),
        Input(f"x12 one 850, {20_000 if q else 200_000:,} lines", "lines.edi",
              lambda: x12_lines(20_000 if q else 200_000), "lines"),
        Input(f"x12 {100_000 if q else 1_000_000:,} segments", "segments.edi",
              lambda: x12_lines(100_000 if q else 1_000_000, per_set=50), "segments"),
        Input(f"edifact {100_000 if q else 1_000_000:,} segments", "segments.edifact",
              lambda: edifact_segments(100_000 if q else 1_000_000), "segments"),
        Input(f"csv {4_000 if q else 40_000:,} one-row POs", "orders.csv",
              lambda: csv_orders(4_000 if q else 40_000), "orders"),
        Input(f"json {10_000 if q else 100_000:,} orders", "orders.json",
              lambda: json_orders(10_000 if q else 100_000), "orders"),
        Input(f"pdf {30_000 if q else 300_000:,} words", "words.pdf",
              lambda: pdf_words(30_000 if q else 300_000), "characters"),
        Input(f"pdf stream inflating to {128 if q else 1024} MiB", "inflate.pdf",
              lambda: pdf_inflating((128 if q else 1024) << 20), "inflate"),
        # just inside the caps: read in full, and still within the bound
        Input("x12 at the caps: 2,000 850s x 50 lines", "cap.edi", lambda: x12_lines(100_000, per_set=50), ""),
        Input("edifact at the caps: 2,000 ORDERS x 50 lines", "cap.edifact", lambda: edifact_messages(2_000, 50), ""),
        Input("csv at the caps: 2,000 POs x 10 lines", "cap.csv", lambda: csv_orders(2_000, lines=10), ""),
        Input("csv 2,000 POs x 50 lines", "rows.csv", lambda: csv_orders(2_000, lines=50), "rows"),
        Input("json at the caps: 2,000 orders x 50 lines", "cap.json", lambda: json_orders(2_000, lines=50), ""),
        Input("pdf at the caps: 12 pages x 8,000 words", "cap.pdf", lambda: pdf_words(96_000, pages=12), ""),
    ]


# --------------------------------------------------------------------------- the child


@dataclass
class Run:
    name: str
    size: int
    exit: int
    seconds: float
    peak_rss_mb: float
    output: str

    def within(self) -> bool:
        return self.exit in (0, 1, 2) and self.seconds < MAX_SECONDS and 0 <= self.peak_rss_mb < MAX_RSS_MB


def _limit() -> None:
    limit = CHILD_MEM_MB << 20
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


# The child is ``orderflow extract FILE`` that reports its own peak RSS (VmHWM) as it exits: the
# rusage of a forked child would carry the parent's peak, and a child killed by the kernel has none.
_CHILD = """
import atexit, runpy, sys
def _hwm():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            sys.stderr.write("\\nPEAK_RSS_KB=" + line.split()[1] + "\\n")
atexit.register(_hwm)
sys.argv = ["orderflow", "extract", sys.argv[1]]
runpy.run_module("orderflow.flows.cli", run_name="__main__")
"""


def run(item: Input, workdir: Path, timeout: float = 180.0) -> Run:
    """``orderflow extract FILE`` in a child under RLIMIT_AS; exit code, seconds, peak RSS, output."""
    data = item.build()
    path = workdir / item.filename
    path.write_bytes(data)
    size = len(data)
    del data
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    started = time.monotonic()
    try:
        p = subprocess.run([sys.executable, "-c", _CHILD, str(path)], capture_output=True, env=env,
                           preexec_fn=_limit, timeout=timeout)
        code, out = p.returncode, (p.stdout + p.stderr).decode("utf-8", "replace")
    except subprocess.TimeoutExpired as exc:
        code, out = -9, f"timeout after {timeout:.0f} s " + (exc.stderr or b"").decode("utf-8", "replace")
    seconds = time.monotonic() - started
    path.unlink(missing_ok=True)
    peak = -1.0
    lines = []
    for line in out.splitlines():
        if line.startswith("PEAK_RSS_KB="):
            peak = int(line.split("=", 1)[1]) / 1024
        else:
            lines.append(line)
    return Run(item.name, size, code, seconds, peak, "\n".join(lines))


def reason_of(output: str) -> str:
    return " ".join(line for line in output.splitlines() if "PARSE_ERROR" in line or ": " in line)[-400:]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="smaller sizes, same shapes")
    ap.add_argument("--only", default="", help="run the inputs whose name contains this")
    args = ap.parse_args(argv)
    rows = []
    bad = 0
    with tempfile.TemporaryDirectory() as tmp:
        for item in inputs(args.quick):
            if args.only and args.only not in item.name:
                continue
            if args.quick and "at the caps" in item.name:
                continue
            r = run(item, Path(tmp))
            ok = r.within()
            bad += not ok
            last = [ln for ln in r.output.strip().splitlines() if ln.strip()][-1:] or [""]
            rows.append((r.name, f"{r.size / 1e6:,.2f} MB" if r.size >= 10_000 else f"{r.size} B", str(r.exit),
                         f"{r.seconds:.1f}", f"{r.peak_rss_mb:,.0f}", "ok" if ok else "OUT OF BOUNDS",
                         last[0].strip()[:110]))
            print(" | ".join(rows[-1]), flush=True)
    print()
    print(f"Bound: < {MAX_SECONDS:.0f} s and < {MAX_RSS_MB:,.0f} MB peak RSS per input (child RLIMIT_AS "
          f"{CHILD_MEM_MB:,} MB).")
    print("| input | size | exit | s | peak RSS MB | verdict | answer |")
    print("|---|---|---|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(c.replace("|", "/") for c in row) + " |")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
