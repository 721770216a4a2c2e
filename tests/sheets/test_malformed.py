"""Hostile and broken inputs end as PARSE_ERROR with a reason, quickly, never as an exception."""

from __future__ import annotations

import io
import os
import time
import zipfile

import openpyxl
import pytest

from orderflow.canonical import IssueCode
from orderflow.extractors import ExtractContext, extract
from orderflow.extractors.csv_orders import CsvExtractor
from orderflow.extractors.sheet import loaders
from orderflow.extractors.spreadsheet import SpreadsheetExtractor


def _valid_xlsx() -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["PO Number", "P-1"])
    ws.append(["Item", "Description", "Qty", "Price"])
    ws.append(["A", "Thing", 1, 2])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _rezip(data: bytes, replace: dict[str, bytes]) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, replace.get(info.filename, src.read(info.filename)))
        for name, body in replace.items():
            if name not in src.namelist():
                dst.writestr(name, body)
    return out.getvalue()


def _parse_error(result, *words: str) -> str:
    assert not result.orders
    assert result.issues and result.issues[0].code == IssueCode.PARSE_ERROR
    message = result.issues[0].message
    for w in words:
        assert w.lower() in message.lower(), message
    return message


def test_valid_xlsx_baseline_reads():
    result = SpreadsheetExtractor().extract(_valid_xlsx(), ExtractContext())
    assert result.orders[0].po_number == "P-1"


def test_truncated_and_corrupt_xlsx():
    data = _valid_xlsx()
    _parse_error(SpreadsheetExtractor().extract(data[: len(data) // 2], ExtractContext()), "corrupt")
    flipped = bytearray(data)
    mid = len(flipped) // 3
    flipped[mid : mid + 200] = os.urandom(200)
    result = SpreadsheetExtractor().extract(bytes(flipped), ExtractContext())
    _parse_error(result)


def test_binary_junk():
    junk = os.urandom(4096) + b"\x00"
    _parse_error(SpreadsheetExtractor().extract(junk, ExtractContext(filename="x.xlsx")))
    _parse_error(CsvExtractor().extract(junk, ExtractContext(filename="x.csv")))
    result = extract(junk, ExtractContext(filename="x.csv"))
    assert not result.orders and result.issues[0].code in (IssueCode.PARSE_ERROR, IssueCode.UNSUPPORTED_FORMAT)


def test_zip_bomb_is_refused_fast():
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        with z.open("xl/worksheets/sheet1.xml", "w") as fh:
            chunk = b"\0" * (1 << 20)
            for _ in range(64):
                fh.write(chunk)
    data = bomb.getvalue()
    assert len(data) < 200_000
    t = time.monotonic()
    result = extract(data, ExtractContext(filename="bomb.xlsx"))
    assert time.monotonic() - t < 3
    _parse_error(result, "zip bomb")


def test_inflation_budget_stops_lying_or_huge_archives(monkeypatch):
    monkeypatch.setattr(loaders, "MAX_UNZIPPED", 2 * 1024 * 1024)
    big = os.urandom(3 * 1024 * 1024)  # incompressible: the ratio check alone would not stop it
    data = _rezip(_valid_xlsx(), {"xl/media/image1.bin": big})
    _parse_error(SpreadsheetExtractor().extract(data, ExtractContext()), "inflates")


def test_xxe_in_xlsx_part():
    data = _valid_xlsx()
    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    doctype = b'<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    if sheet.startswith(b"<?xml"):
        head, _, body = sheet.partition(b"?>")
        sheet = head + b"?>" + doctype + body
    else:
        sheet = doctype + sheet
    evil = sheet.replace(b"<v>", b"<v>&xxe;", 1)
    assert b"<!DOCTYPE" in evil and b"&xxe;" in evil
    result = extract(_rezip(data, {"xl/worksheets/sheet1.xml": evil}), ExtractContext(filename="e.xlsx"))
    msg = _parse_error(result, "DTD")
    assert "root:" not in msg


@pytest.mark.parametrize("payload", [
    b'<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>',
    b'<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
])
def test_entities_in_spreadsheetml(payload):
    xml = (b'<?xml version="1.0"?>' + payload +
           b'<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet><Table><Row>'
           b'<Cell><Data ss:Type="String" xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">&lol2;</Data>'
           b'</Cell></Row></Table></Worksheet></Workbook>')
    t = time.monotonic()
    result = extract(xml, ExtractContext(filename="e.xls"))
    assert time.monotonic() - t < 2
    _parse_error(result, "XXE")


def test_workbook_without_a_line_table():
    wb = openpyxl.Workbook()
    wb.active.append(["Hello", "World"])
    buf = io.BytesIO()
    wb.save(buf)
    _parse_error(extract(buf.getvalue(), ExtractContext(filename="n.xlsx")), "No order line table")


def test_ole2_header_with_junk_is_a_parse_error():
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + os.urandom(2048)
    result = extract(data, ExtractContext(filename="old.xls"))
    _parse_error(result, "XLS workbook cannot be read")
