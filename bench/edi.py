"""EDI throughput: our X12/EDIFACT readers to canonical orders vs pyx12 / pydifact tokenizing alone.

Builds a 1,000-PO x 50-line X12 interchange and an equivalent EDIFACT one in memory and prints a
markdown table. Targets: X12 to canonical >= 3x pyx12's X12Reader; EDIFACT >= 5x pydifact.
Run: .venv/bin/python bench/edi.py [--pos 1000 --lines 50]
"""

from __future__ import annotations

import argparse
import io
import time
import warnings


def build_x12(pos: int, lines: int) -> str:
    seg = []
    a = seg.append
    a(
        "ISA*00*          *00*          *ZZ*BUYERCO        *ZZ*SELLERCO       *260101*1200*U*00401*000000001*0*P*>"
    )
    a("GS*PO*BUYERCO*SELLERCO*20260101*1200*1*X*004010")
    for p in range(1, pos + 1):
        start = len(seg)
        a(f"ST*850*{p:04d}")
        a(f"BEG*00*SA*PO{p:06d}**20260101")
        a("CUR*BY*USD")
        a(f"REF*DP*{p % 97:03d}")
        a("DTM*002*20260115")
        a(f"N1*ST*STORE {p}*92*{p:05d}")
        a("N3*1 MAIN ST")
        a("N4*SPRINGFIELD*IL*62701")
        for n in range(1, lines + 1):
            a(f"PO1*{n}*{n % 12 + 1}*EA*{n % 50 + 1}.25*PE*BP*CP{n:05d}*VN*SKU{n:05d}*UP*0001234{n:05d}")
            a(f"PID*F****WIDGET NUMBER {n}")
        a(f"CTT*{lines}")
        a(f"SE*{len(seg) - start + 1}*{p:04d}")
    a(f"GE*{pos}*1")
    a("IEA*1*000000001")
    return "~\n".join(seg) + "~\n"


def build_edifact(pos: int, lines: int) -> str:
    seg = ["UNA:+.? '", "UNB+UNOC:3+5400110000009:14+5013546107732:14+260101:1200+REF1"]
    a = seg.append
    for p in range(1, pos + 1):
        start = len(seg)
        a(f"UNH+{p}+ORDERS:D:96A:UN:EAN008")
        a(f"BGM+220+PO{p:06d}+9")
        a("DTM+137:20260101:102")
        a("DTM+2:20260115:102")
        a("NAD+BY+5400110000009::9")
        a(f"NAD+DP+54001100{p:05d}::9")
        a("CUX+2:EUR:9")
        for n in range(1, lines + 1):
            a(f"LIN+{n}++0001234{n:05d}:EN")
            a(f"PIA+1+CP{n:05d}:BP")
            a(f"IMD+F++:::WIDGET NUMBER {n}")
            a(f"QTY+21:{n % 12 + 1}:PCE")
            a(f"PRI+AAA:{n % 50 + 1}.25")
        a("UNS+S")
        a(f"CNT+2:{lines}")
        a(f"UNT+{len(seg) - start + 1}+{p}")
    a(f"UNZ+{pos}+REF1")
    return seg[0] + "'\n".join(seg[1:]) + "'\n"


def _time(fn, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def run(pos: int = 1000, lines: int = 50) -> list[dict]:
    from pydifact.segmentcollection import Interchange
    from pyx12.x12file import X12Reader

    from orderflow.extractors.edifact_orders import EdifactExtractor
    from orderflow.extractors.x12_850 import X12Extractor

    rows = []
    x12_text = build_x12(pos, lines)
    x12_bytes = x12_text.encode()
    x12_segs = x12_text.count("~")
    result = {}

    def ours_x12() -> None:
        result["x12"] = X12Extractor().extract(x12_bytes)

    def pyx12_tok() -> None:
        for _s in X12Reader(io.StringIO(x12_text)):
            pass

    t_ours = _time(ours_x12)
    assert len(result["x12"].orders) == pos and len(result["x12"].orders[-1].lines) == lines
    t_pyx12 = _time(pyx12_tok)
    rows.append(
        {
            "format": "X12 850",
            "reader": "orderflow → canonical",
            "segments": x12_segs,
            "seconds": t_ours,
            "orders": pos,
        }
    )
    rows.append(
        {
            "format": "X12 850",
            "reader": "pyx12 X12Reader (tokenize only)",
            "segments": x12_segs,
            "seconds": t_pyx12,
            "orders": None,
        }
    )

    ed_text = build_edifact(pos, lines)
    ed_bytes = ed_text.encode()
    ed_segs = ed_text.count("'\n") + 0

    def ours_ed() -> None:
        result["ed"] = EdifactExtractor().extract(ed_bytes)

    def pydifact_parse() -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ic = Interchange.from_str(ed_text)
            for _m in ic.get_messages():
                pass

    t_ours_ed = _time(ours_ed)
    assert len(result["ed"].orders) == pos and len(result["ed"].orders[-1].lines) == lines
    t_pyd = _time(pydifact_parse)
    rows.append(
        {
            "format": "EDIFACT ORDERS",
            "reader": "orderflow → canonical",
            "segments": ed_segs,
            "seconds": t_ours_ed,
            "orders": pos,
        }
    )
    rows.append(
        {
            "format": "EDIFACT ORDERS",
            "reader": "pydifact Interchange (parse only)",
            "segments": ed_segs,
            "seconds": t_pyd,
            "orders": None,
        }
    )
    rows[0]["ratio"] = t_pyx12 / t_ours
    rows[2]["ratio"] = t_pyd / t_ours_ed
    return rows


def table(rows: list[dict]) -> str:
    out = [
        "| format | reader | segments | seconds | segments/s | orders/s | speed-up |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        orders = f"{r['orders'] / r['seconds']:,.0f}" if r["orders"] else "—"
        ratio = f"{r['ratio']:.1f}x" if "ratio" in r else ""
        rate = r["segments"] / r["seconds"]
        out.append(
            f"| {r['format']} | {r['reader']} | {r['segments']:,} | {r['seconds']:.2f} | {rate:,.0f} | "
            f"{orders} | {ratio} |"
        )
    return "\n".join(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--pos", type=int, default=1000)
    ap.add_argument("--lines", type=int, default=50)
    args = ap.parse_args()
    print(table(run(args.pos, args.lines)))
    print("\nTargets: X12 to canonical >= 3x pyx12 tokenizer; EDIFACT to canonical >= 5x pydifact.")


if __name__ == "__main__":
    main()
