"""The demo's calendar: sample documents and reference data moved to the day the demo runs.

The samples are real documents with real dates, written for one day (``sample_day`` in the
inbox manifest). Availability, lead times and quote validity are judged against *today*, so
fixed dates rot: two weeks later a backorder sample has nothing to backorder. The demo moves
every date in a sample and in the reference CSVs by the same number of days (demo day − sample
day), so each document keeps its story on any day. Text formats (JSON, CSV, X12/EDIFACT with
their envelope dates), XLSX (text cells in the workbook XML) and PDFs written with a classic
xref table (text in Flate/ASCII85 content streams) are moved; dates drawn as pixels (a scan)
cannot be and stay as they are.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

_ISO = re.compile(r"(?<![\d-])(20\d\d)-(\d\d)-(\d\d)(?!\d)")
_COMPACT = re.compile(r"(?<!\d)(20\d\d)(\d\d)(\d\d)(?!\d)")  # X12 DTM/BEG, EDIFACT DTM 102
_US = re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})/(20\d\d)(?![\d/])")
_UNB_DATE = re.compile(r"(UNB\+[^+']*\+[^+']*\+[^+']*\+)(\d{6})(?=:)")
TEXT_SUFFIXES = frozenset({".json", ".csv", ".edi", ".x12", ".txt", ".xml", ".tsv"})


def _moved(year: int, month: int, day: int, days: int) -> dt.date | None:
    try:
        return dt.date(year, month, day) + dt.timedelta(days=days)
    except ValueError:  # not a date after all (e.g. a number that only looks like one)
        return None


def shift_text(text: str, days: int) -> str:
    """Every date in ``text`` (2026-11-23, 20261123, 11/23/2026, X12 ISA and EDIFACT UNB YYMMDD) moved
    by ``days``, each in its own format."""
    if not days:
        return text

    def iso(m: re.Match[str]) -> str:
        d = _moved(int(m[1]), int(m[2]), int(m[3]), days)
        return d.isoformat() if d else m[0]

    def compact(m: re.Match[str]) -> str:
        d = _moved(int(m[1]), int(m[2]), int(m[3]), days)
        return d.strftime("%Y%m%d") if d else m[0]

    def us(m: re.Match[str]) -> str:
        d = _moved(int(m[3]), int(m[1]), int(m[2]), days)
        if d is None:
            return m[0]
        month = f"{d.month:02d}" if len(m[1]) == 2 else str(d.month)
        day = f"{d.day:02d}" if len(m[2]) == 2 else str(d.day)
        return f"{month}/{day}/{d.year}"

    def short(value: str) -> str:
        d = _moved(2000 + int(value[:2]), int(value[2:4]), int(value[4:6]), days)
        return d.strftime("%y%m%d") if d else value

    text = _ISO.sub(iso, text)
    text = _COMPACT.sub(compact, text)
    text = _US.sub(us, text)
    text = _UNB_DATE.sub(lambda m: m[1] + short(m[2]), text)
    return _shift_isa(text, short)


def _shift_isa(text: str, short: Callable[[str], str]) -> str:
    """ISA09 (interchange date, YYMMDD) of each X12 interchange; the ISA segment has fixed-width fields."""
    out, pos = [], 0
    for m in re.finditer(r"ISA(?P<sep>[^\w\s])", text):
        sep = m["sep"]
        fields = text[m.start():m.start() + 106].split(sep)
        if len(fields) < 10 or not re.fullmatch(r"\d{6}", fields[9]):
            continue
        start = m.start() + sum(len(f) + 1 for f in fields[:9])
        out += [text[pos:start], short(fields[9])]
        pos = start + 6
    return "".join(out) + text[pos:]


def shift_document(filename: str, data: bytes, days: int) -> bytes:
    """A sample's bytes with its dates moved by ``days`` (unchanged when there is nothing to move)."""
    if not days:
        return data
    suffix = Path(filename).suffix.lower()
    if suffix in TEXT_SUFFIXES:
        return shift_text(data.decode("latin-1"), days).encode("latin-1")  # byte-for-byte outside the dates
    if suffix in (".xlsx", ".xlsm"):
        return _shift_zip_xml(data, days)
    if suffix == ".pdf":
        return shift_pdf(data, days)
    return data


def _shift_zip_xml(data: bytes, days: int) -> bytes:
    """An Office Open XML package with the dates in its XML parts moved (text cells, document properties)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            part = src.read(info)
            if info.filename.endswith((".xml", ".rels")):
                part = shift_text(part.decode("utf-8"), days).encode("utf-8")
            dst.writestr(info, part)
    return out.getvalue()


# --------------------------------------------------------------------------- PDF

_OBJ = re.compile(rb"(\d+) (\d+) obj\b")
_LENGTH = re.compile(rb"/Length (\d+)(?! \d+ R)")
_FILTER = re.compile(rb"/Filter\s*(\[[^\]]*\]|/\w+)")


def shift_pdf(data: bytes, days: int) -> bytes:
    """A PDF with the dates in its text content streams moved; the xref table is rebuilt.

    Only classic PDFs (an ``xref`` table, direct stream lengths, Flate and ASCII85 filters) are
    rewritten; anything else comes back unchanged rather than broken."""
    xref_at = data.rfind(b"\nxref")
    trailer_at = data.find(b"trailer", xref_at)
    startxref_at = data.find(b"startxref", trailer_at)
    first = _OBJ.search(data)
    if not data.startswith(b"%PDF") or min(xref_at, trailer_at, startxref_at) < 0 or first is None:
        return data
    objects: list[tuple[int, bytes]] = []
    pos = first.start()
    while (m := _OBJ.match(data, pos)) is not None:
        end_obj = data.find(b"endobj", m.end())
        stream_at = data.find(b"stream", m.end())
        if end_obj < 0:
            return data
        if 0 <= stream_at < end_obj:
            rewritten = _rewrite_stream_object(data, m, stream_at, days)
            if rewritten is None:
                return data
            body, end_obj = rewritten
        else:
            body = data[m.start():end_obj]
        objects.append((int(m[1]), body + b"endobj\n"))
        pos = end_obj + len(b"endobj")
        while pos < len(data) and data[pos:pos + 1] in b"\r\n \t":
            pos += 1
    if pos != xref_at + 1:
        return data  # objects after the xref (an incremental update): not ours to rewrite
    out = bytearray(data[:first.start()])
    offsets: dict[int, int] = {}
    for num, body in objects:
        offsets[num] = len(out)
        out += body
    size = max(offsets) + 1
    xref = len(out)
    out += f"xref\n0 {size}\n".encode()
    out += b"0000000000 65535 f \n"
    for num in range(1, size):
        out += f"{offsets[num]:010d} 00000 n \n".encode() if num in offsets else b"0000000000 65535 f \n"
    out += data[trailer_at:startxref_at] + f"startxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def _rewrite_stream_object(data: bytes, m: re.Match[bytes], stream_at: int, days: int) -> tuple[bytes, int] | None:
    """The object with its stream's dates moved and /Length updated; (body up to endobj, endobj position)."""
    head = data[m.start():stream_at]
    length = _LENGTH.search(head)
    if length is None:
        return None
    start = stream_at + len(b"stream")
    start += 2 if data[start:start + 2] == b"\r\n" else 1
    raw = data[start:start + int(length[1])]
    end_obj = data.find(b"endobj", start + len(raw))
    if end_obj < 0:
        return None
    flt = _FILTER.search(head)
    names = re.findall(rb"/(\w+)", flt[1]) if flt else []
    content = _decode(raw, names)
    if content is None:
        return head + data[stream_at:end_obj], end_obj  # a stream we cannot read (an image): as it was
    moved = shift_text(content.decode("latin-1"), days).encode("latin-1")
    if moved == content:
        return head + data[stream_at:end_obj], end_obj
    encoded = _encode(moved, names)
    head = head[:length.start()] + b"/Length %d" % len(encoded) + head[length.end():]
    return head + b"stream\n" + encoded + b"\nendstream\n", end_obj


def _decode(raw: bytes, names: list[bytes]) -> bytes | None:
    import zlib

    data = raw
    for name in names:
        if name == b"ASCII85Decode":
            text = data.strip()
            data = base64.a85decode(text[:-2] if text.endswith(b"~>") else text)
        elif name == b"FlateDecode":
            data = zlib.decompress(data)
        else:
            return None
    return data


def _encode(data: bytes, names: list[bytes]) -> bytes:
    import zlib

    for name in reversed(names):
        if name == b"FlateDecode":
            data = zlib.compress(data, 9)
        elif name == b"ASCII85Decode":
            data = base64.a85encode(data, wrapcol=72) + b"~>"
    return data


# --------------------------------------------------------------------------- reference data


def shifted_reference(source: Path, dest: Path, days: int) -> Path:
    """A copy of the reference CSV folder with its dates (incoming supply, price and quote validity)
    moved by ``days``; written once, so the store and the ERP are seeded from the same copy."""
    dest.mkdir(parents=True, exist_ok=True)
    for path in sorted(source.glob("*.csv")):
        target = dest / path.name
        text = shift_text(path.read_text(encoding="utf-8"), days)
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            target.write_text(text, encoding="utf-8")
    return dest
