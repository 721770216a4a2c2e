"""Hostile files and the bounded runner, shared by tests/bombs and bench/stress.py.

Each case is built on disk, then extracted in a child process under ``RLIMIT_AS`` and a
timeout, so a bomb that escaped its bounds kills only the child and the test sees it. The
child prints one JSON line: the issues, the time taken and its peak RSS.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import time
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
MEM_LIMIT_MB = 2048
TIMEOUT_S = 180


@dataclass(frozen=True)
class Case:
    name: str
    filename: str
    build: Callable[[Path], None]  # writes the hostile file to the given path
    expect: str  # a phrase the readable reason must contain (case-insensitive)
    max_seconds: float = 60.0
    max_rss_mb: float = 1200.0


# --------------------------------------------------------------------------- builders


def _minimal_xlsx_parts() -> dict[str, bytes]:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["PO Number", "PO-BOMB"])
    ws.append(["SKU", "Qty", "Price"])
    ws.append(["FAS-1001", 10, 0.15])
    buf = io.BytesIO()
    wb.save(buf)
    zf = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    return {n: zf.read(n) for n in zf.namelist()}


def _write_zip(path: Path, parts: dict[str, bytes], big: tuple[str, int] | None = None) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for n, v in parts.items():
            if big and n == big[0]:
                continue
            zf.writestr(n, v)
        if big:
            name, size = big
            row = b'<row><c t="inlineStr"><is><t>AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA</t></is></c></row>'
            chunk = row * ((1 << 20) // len(row))
            with zf.open(name, "w", force_zip64=True) as fh:
                fh.write(b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/'
                         b'spreadsheetml/2006/main"><sheetData>')
                written = 0
                while written < size:
                    fh.write(chunk)
                    written += len(chunk)
                fh.write(b"</sheetData></worksheet>")


def xlsx_zip_bomb(path: Path) -> None:
    """A workbook whose sheet inflates to 1 GiB (about 1 MB on disk)."""
    _write_zip(path, _minimal_xlsx_parts(), big=("xl/worksheets/sheet1.xml", 1 << 30))


def xlsx_xxe(path: Path) -> None:
    """External entity to /etc/passwd in sharedStrings, billion laughs in the sheet."""
    parts = _minimal_xlsx_parts()
    parts["xl/sharedStrings.xml"] = (
        b'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
        b"<si><t>&xxe;</t></si></sst>"
    )
    laughs = b"".join(
        b'<!ENTITY l%d "%s">' % (i, (b"&l%d;" % (i - 1)) * 10 if i else b"lol") for i in range(10)
    )
    sheet = parts["xl/worksheets/sheet1.xml"]
    parts["xl/worksheets/sheet1.xml"] = sheet.replace(
        b"?>", b"?><!DOCTYPE worksheet [" + laughs + b"]>", 1
    ).replace(b"PO-BOMB", b"&l9;")
    _write_zip(path, parts)


def pdf_many_pages(path: Path, pages: int = 5000) -> None:
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path))
    for i in range(pages):
        c.drawString(72, 720, f"PURCHASE ORDER PO-{i}  page {i + 1}")
        c.showPage()
    c.save()


def pdf_huge_image(path: Path) -> None:
    """A 200 x 200 inch page (the PDF maximum) filled by a 60,000 x 60,000 px image: 3.6 GB decoded."""
    w = h = 60_000
    raw = zlib.compress(b"\xff" * (w * 64), 9)  # the first 64 rows; the decoder pads the rest
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 14400 14400] /Resources << /XObject << /Im0 5 0 R >> >>"
        b" /Contents 4 0 R >>",
    ]
    content = b"q 14400 0 0 14400 0 0 cm /Im0 Do Q"
    objs.append(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
    objs.append(b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "
                b"/BitsPerComponent 8 /Filter /FlateDecode /Length %d >>\nstream\n" % (w, h, len(raw))
                + raw + b"\nendstream")
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objs, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % i + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref))
    path.write_bytes(out.getvalue())


def pdf_encrypted(path: Path) -> None:
    from reportlab.lib import pdfencrypt
    from reportlab.pdfgen import canvas

    enc = pdfencrypt.StandardEncryption("s3cret-user", ownerPassword="s3cret-owner", canPrint=0)
    c = canvas.Canvas(str(path), encrypt=enc)
    c.drawString(72, 720, "PURCHASE ORDER PO-ENC")
    c.drawString(72, 700, "1  FAS-1001  10 EA  0.15")
    c.showPage()
    c.save()


def attachment_200mb(path: Path) -> None:
    with open(path, "wb") as fh:
        fh.write(b"%PDF-1.4\n")
        block = os.urandom(1 << 20)
        for _ in range(200):
            fh.write(block)


def json_deep(path: Path) -> None:
    path.write_bytes(b'{"po_number": "PO-DEEP", "lines": ' + b"[" * 1_000_000 + b"]" * 1_000_000 + b"}")


def edi_endless_segment(path: Path) -> None:
    """A valid ISA, then one 40 MB segment that never ends."""
    isa = b"ISA*00*          *00*          *ZZ*BUYER          *ZZ*SELLER         *240101*1200*U*00401*000000001*0*P*>~"
    with open(path, "wb") as fh:
        fh.write(isa + b"GS*PO*BUYER*SELLER*20240101*1200*1*X*004010~ST*850*0001~PO1*1*")
        block = b"9" * (1 << 20)
        for _ in range(40):
            fh.write(block)


def edifact_endless_segment(path: Path) -> None:
    with open(path, "wb") as fh:
        fh.write(b"UNA:+.? 'UNB+UNOC:3+SENDER+RECEIVER+240101:1200+1'UNH+1+ORDERS:D:96A:UN'FTX+AAI+++")
        block = b"A" * (1 << 20)
        for _ in range(40):
            fh.write(block)


CASES: list[Case] = [
    Case("xlsx zip bomb (1 GiB sheet)", "bomb.xlsx", xlsx_zip_bomb, "zip bomb"),
    Case("xlsx XXE + billion laughs", "xxe.xlsx", xlsx_xxe, "XXE"),
    Case("pdf 5,000 pages", "pages.pdf", pdf_many_pages, "page limit"),
    Case("pdf 60,000 px image on a 200 in page", "image.pdf", pdf_huge_image, "no readable text", max_seconds=120),
    Case("pdf encrypted", "locked.pdf", pdf_encrypted, "password-protected"),
    Case("200 MB attachment", "big.pdf", attachment_200mb, "byte limit"),
    Case("json nested 1,000,000 deep", "deep.json", json_deep, "nested"),
    Case("x12 one endless 40 MB segment", "endless.edi", edi_endless_segment, "segment terminators"),
    Case("edifact one endless 40 MB segment", "endless.edifact", edifact_endless_segment, "segment terminators"),
]


# --------------------------------------------------------------------------- the bounded child


@dataclass
class Outcome:
    case: str
    returncode: int
    seconds: float
    peak_rss_mb: float | None
    orders: int | None
    issues: list[tuple[str, str]]
    file_mb: float
    stderr_tail: str = ""

    @property
    def reason(self) -> str:
        return "; ".join(m for c, m in self.issues if c in ("PARSE_ERROR", "UNSUPPORTED_FORMAT", "NOT_AN_ORDER"))


def run_case(case: Case, workdir: Path, *, mem_mb: int = MEM_LIMIT_MB, timeout: float = TIMEOUT_S) -> Outcome:
    path = workdir / case.filename
    case.build(path)
    size = path.stat().st_size / 1e6
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    started = time.monotonic()
    try:
        p = subprocess.run([sys.executable, str(HERE / "child.py"), str(path), case.filename, str(mem_mb)],
                           capture_output=True, text=True, timeout=timeout, env=env)
    except subprocess.TimeoutExpired:
        return Outcome(case.name, -1, time.monotonic() - started, None, None, [], size, "timeout")
    finally:
        path.unlink(missing_ok=True)
    lines = [ln for ln in p.stdout.splitlines() if ln.startswith("{")]
    if p.returncode != 0 or not lines:
        return Outcome(case.name, p.returncode, time.monotonic() - started, None, None, [], size, p.stderr[-1500:])
    data = json.loads(lines[-1])
    return Outcome(case.name, 0, data["seconds"], data["peak_rss_mb"], data["orders"],
                   [tuple(i) for i in data["issues"]], size, p.stderr[-500:])
