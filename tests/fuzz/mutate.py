"""Mutation fuzzing of every extractor, shared by tests/fuzz and bench/stress.py.

Seeds are real documents (the demo inbox and sample EDI); mutations are byte-level
(flips, inserts, deletes, splices, truncation), token-level for text formats (numbers,
delimiters, repeated lines, odd unicode) and structure-aware for XLSX (a mutated XML part
re-zipped, so the bytes reach the sheet parser instead of failing at the zip layer).

The oracle: the extractor the registry would pick may only raise ``ExtractionError``; the
registry's ``extract`` must end in orders or a readable PARSE_ERROR/UNSUPPORTED_FORMAT.
"""

from __future__ import annotations

import io
import random
import re
import time
import traceback
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent.parent
SAMPLES = REPO / "samples"

FORMATS = ("edi", "csv", "xlsx", "json", "pdf")
_EXT = {".edi": "edi", ".csv": "csv", ".xlsx": "xlsx", ".json": "json", ".pdf": "pdf"}
_INTERESTING = [b"\x00", b"\xff", b"*", b"~", b"'", b"+", b":", b"?", b"\n", b"\r\n", b",", b";", b'"', b"{",
                b"}", b"[", b"]", b"\\", b"-1", b"1e999", b"NaN", b"99999999999999999999", b"\xef\xbb\xbf",
                "\u202e\u00e9\U0001f600".encode(), b"%PDF", b"ISA", b"UNA:+.? '", b"endobj", b"<"]
_NUM = re.compile(rb"\d+(?:\.\d+)?")


def load_seeds() -> dict[str, list[tuple[str, bytes]]]:
    """Seed documents by format (file name kept: sniffing also looks at it)."""
    out: dict[str, list[tuple[str, bytes]]] = {f: [] for f in FORMATS}
    for folder in (SAMPLES / "inbox", SAMPLES / "edi"):
        for p in sorted(folder.iterdir()):
            fmt = _EXT.get(p.suffix.lower())
            if fmt and p.name != "manifest.json":
                out[fmt].append((p.name, p.read_bytes()))
    return out


# --------------------------------------------------------------------------- mutators


def _bytes_mutation(rng: random.Random, data: bytes, other: bytes) -> bytes:
    b = bytearray(data)
    op = rng.randrange(8)
    if not b:
        return bytes(rng.choice(_INTERESTING))
    i = rng.randrange(len(b))
    if op == 0:
        for _ in range(rng.randint(1, 8)):
            j = rng.randrange(len(b))
            b[j] ^= 1 << rng.randrange(8)
    elif op == 1:
        b[i:i] = rng.choice(_INTERESTING) * rng.randint(1, 4)
    elif op == 2:
        del b[i : i + rng.randint(1, max(1, len(b) // 8))]
    elif op == 3:
        chunk = b[i : i + rng.randint(1, 64)]
        b[i:i] = chunk * rng.randint(1, 50)
    elif op == 4:
        b = b[: rng.randrange(len(b))]
    elif op == 5:
        j = rng.randrange(len(other)) if other else 0
        b = b[:i] + bytearray(other[j:])
    elif op == 6:
        b[i : i + 1] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 16)))
    else:
        b[i : i + 2] = rng.choice(_INTERESTING)
    return bytes(b)


def _text_mutation(rng: random.Random, data: bytes) -> bytes:
    op = rng.randrange(5)
    if op == 0:
        nums = list(_NUM.finditer(data))
        if nums:
            m = rng.choice(nums)
            repl = rng.choice([b"0", b"-1", b"1e999", b"99999999999999999999999", b"0.0000001", b"1,000.5",
                               b"NaN", b"", b"12.3.4", b"\xd9\xa3"])
            return data[: m.start()] + repl + data[m.end() :]
    lines = data.splitlines(keepends=True)
    if not lines:
        return data
    i = rng.randrange(len(lines))
    if op == 1:
        lines[i:i] = [lines[i]] * rng.randint(2, 200)
    elif op == 2:
        del lines[i]
    elif op == 3:
        j = rng.randrange(len(lines))
        lines[i], lines[j] = lines[j], lines[i]
    else:
        for a, b in ((b",", b";"), (b"*", b"~"), (b"'", b"+"), (b'"', b""), (b":", b",")):
            if rng.random() < 0.3:
                lines[i] = lines[i].replace(a, b)
    return b"".join(lines)


def _xlsx_mutation(rng: random.Random, data: bytes, other: bytes) -> bytes:
    """Mutate one XML part inside the workbook and zip it again."""
    try:
        zin = zipfile.ZipFile(io.BytesIO(data))
        parts = {n: zin.read(n) for n in zin.namelist()}
    except Exception:
        return _bytes_mutation(rng, data, other)
    xml = [n for n in parts if n.endswith(".xml")]
    name = rng.choice(xml)
    parts[name] = _text_mutation(rng, parts[name]) if rng.random() < 0.4 else _bytes_mutation(rng, parts[name], b"")
    if rng.random() < 0.1:
        parts.pop(rng.choice(list(parts)))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zout:
        for n, v in parts.items():
            zout.writestr(n, v)
    return buf.getvalue()


def mutate(rng: random.Random, fmt: str, data: bytes, other: bytes) -> bytes:
    """1–3 stacked mutations suited to the format."""
    for _ in range(rng.randint(1, 3)):
        if fmt == "xlsx" and rng.random() < 0.8:
            data = _xlsx_mutation(rng, data, other)
        elif fmt in ("edi", "csv", "json") and rng.random() < 0.5:
            data = _text_mutation(rng, data)
        else:
            data = _bytes_mutation(rng, data, other)
    return data[: 2_000_000]


# --------------------------------------------------------------------------- the oracle


@dataclass
class FuzzReport:
    inputs: int = 0
    by_format: dict[str, int] = field(default_factory=dict)
    outcomes: dict[str, int] = field(default_factory=dict)  # orders / parse_error / unsupported / ...
    crashes: list[str] = field(default_factory=list)  # readable: format, seed, exception, last frame
    seconds: float = 0.0
    slowest: float = 0.0


def check_one(data: bytes, filename: str, report: FuzzReport, fmt: str, label: str) -> None:
    """Run the picked extractor directly (only ExtractionError allowed), then the registry's contract."""
    from orderflow.canonical import IssueCode
    from orderflow.extractors import ExtractContext, extract, is_unusable
    from orderflow.extractors.base import ExtractionError
    from orderflow.extractors.registry import sniff

    ctx = ExtractContext(filename=filename, ocr=False, max_seconds=20)
    started = time.monotonic()
    report.inputs += 1
    report.by_format[fmt] = report.by_format.get(fmt, 0) + 1
    ex = sniff(data, filename) if data.strip() else None
    if ex is not None:
        try:
            ex.extract(data, ctx)
        except ExtractionError as exc:
            if not str(exc).strip():
                report.crashes.append(f"{fmt} {label}: ExtractionError without a reason")
        except Exception as exc:  # the bug class this fuzzer hunts
            frame = traceback.extract_tb(exc.__traceback__)[-1]
            report.crashes.append(f"{fmt} {label}: {ex.name} raised {type(exc).__name__}: {str(exc)[:120]} "
                                  f"at {Path(frame.filename).name}:{frame.lineno}")
    result = extract(data, ctx)
    if result.orders:
        kind = "orders"
    elif is_unusable(result) and all(i.message.strip() and "Traceback" not in i.message for i in result.issues):
        kind = {IssueCode.UNSUPPORTED_FORMAT: "unsupported"}.get(result.issues[0].code, "parse_error")
    else:
        kind = "no_reason"
        report.crashes.append(f"{fmt} {label}: no orders and no readable PARSE_ERROR: "
                              f"{[(i.code, i.message) for i in result.issues]}")
    report.outcomes[kind] = report.outcomes.get(kind, 0) + 1
    report.slowest = max(report.slowest, time.monotonic() - started)


def run(count: int, seed: int = 0, formats: tuple[str, ...] = FORMATS, report: FuzzReport | None = None) -> FuzzReport:
    """``count`` mutated inputs spread evenly over ``formats``; deterministic for a given seed."""
    report = report or FuzzReport()
    seeds = load_seeds()
    rng = random.Random(seed)
    started = time.monotonic()
    for n in range(count):
        fmt = formats[n % len(formats)]
        name, data = rng.choice(seeds[fmt])
        _, other = rng.choice(seeds[rng.choice(FORMATS)])
        mutated = mutate(rng, fmt, data, other)
        check_one(mutated, name, report, fmt, f"seed={seed} n={n} from {name}")
    report.seconds += time.monotonic() - started
    return report
