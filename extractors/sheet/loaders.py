"""Read XLSX, XLS (BIFF), Excel 2003 SpreadsheetML and CSV bytes into ``Sheet`` grids.

Hostile files are refused before a parser sees them: an XLSX is inflated member by member
under a byte budget (zip bombs stop early), and any DTD/entity in an XML part is rejected
(no XXE, no billion laughs). Every failure is a ``SheetError`` with a readable reason.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from decimal import Decimal, InvalidOperation

from orderflow.canonical import bounded_or_none
from orderflow.extractors.sheet.grid import Sheet, SheetError

MAX_UNZIPPED = 200 * 1024 * 1024  # total inflated bytes an XLSX may have
MAX_RATIO = 400  # inflated/compressed ratio of one member (bombs are >1000)
MAX_MEMBERS = 10_000
MAX_CSV_CELLS = 2_000_000
_DTD = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


def is_zip(data: bytes) -> bool:
    return data[:4] == b"PK\x03\x04"


def is_biff(data: bytes) -> bool:
    return data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def is_spreadsheetml(data: bytes) -> bool:
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith(b"<?xml") and b"urn:schemas-microsoft-com:office:spreadsheet" in data[:8192]


# ----------------------------------------------------------------------------- XLSX


def _check_zip(data: bytes) -> zipfile.ZipFile:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise SheetError(f"The XLSX file is corrupt (not a readable zip archive: {exc}).") from None
    infos = zf.infolist()
    if len(infos) > MAX_MEMBERS:
        raise SheetError(f"The XLSX archive has {len(infos):,} parts; refusing to read it.")
    names = {i.filename for i in infos}
    if "xl/workbook.xml" not in names and not any(n.endswith("workbook.xml") for n in names):
        raise SheetError("The zip archive is not an Excel workbook (no xl/workbook.xml).")
    budget = MAX_UNZIPPED
    for info in infos:
        if info.file_size > budget:
            raise SheetError(
                f"The XLSX part {info.filename} inflates to {info.file_size:,} bytes: a zip bomb or far too large."
            )
        if info.compress_size and info.file_size > 1_000_000 and info.file_size / info.compress_size > MAX_RATIO:
            raise SheetError(
                f"The XLSX part {info.filename} has a compression ratio of "
                f"{info.file_size // max(info.compress_size, 1):,}:1: a zip bomb."
            )
        # Inflate for real: declared sizes can lie. Stop as soon as the budget is spent.
        seen = 0
        head = b""
        try:
            with zf.open(info) as fh:
                while True:
                    chunk = fh.read(1 << 20)
                    if not chunk:
                        break
                    if not head:
                        head = chunk[:65536]
                    seen += len(chunk)
                    if seen > budget:
                        raise SheetError(
                            f"The XLSX part {info.filename} inflates past {MAX_UNZIPPED:,} bytes: a zip bomb."
                        )
        except SheetError:
            raise
        except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError) as exc:
            raise SheetError(f"The XLSX file is corrupt ({info.filename}: {exc}).") from None
        except Exception as exc:  # zlib.error and friends
            raise SheetError(f"The XLSX file is corrupt ({info.filename}: {type(exc).__name__}: {exc}).") from None
        budget -= seen
        if info.filename.endswith((".xml", ".rels", ".vml")) and _DTD.search(head):
            raise SheetError(
                f"The XLSX part {info.filename} declares a DTD or XML entities (possible XXE attack); refusing it."
            )
    return zf


_UNCACHED = re.compile(rb"(?:</f>|<f\b[^>]*/>)\s*(?:<v\s*/>|<v>\s*</v>)?\s*</c>")


def _uncached_formulas(zf: zipfile.ZipFile) -> bool:
    """Does any worksheet hold a formula without a stored result (written by a library, never opened)?"""
    for name in zf.namelist():
        if name.startswith("xl/worksheets/") and name.endswith(".xml"):
            with zf.open(name) as fh:
                if _UNCACHED.search(fh.read(MAX_UNZIPPED)):
                    return True
    return False


def _fill_formulas(data: bytes, sheets: list[Sheet]) -> None:
    """Compute the arithmetic formulas that have no cached value (``=E5*F5``, ``=SUM(G2:G9)``)."""
    import openpyxl

    from orderflow.extractors.sheet.formulas import evaluate_missing

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), data_only=False, read_only=False)
    except Exception:
        return
    for ws, sheet in zip(wb.worksheets, sheets, strict=False):
        formulas = {(c.row - 1, c.column - 1): c.value for row in ws.iter_rows() for c in row
                    if isinstance(c.value, str) and c.value.startswith("=") and (c.row - 1, c.column - 1)
                    not in sheet.cells}
        if not formulas:
            continue
        values = {k: c.value for k, c in sheet.cells.items()}
        for (r, c), v in evaluate_missing(formulas, values).items():
            sheet.put(r, c, v)


def load_xlsx(data: bytes) -> list[Sheet]:
    zf = _check_zip(data)
    import openpyxl

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), data_only=True, read_only=False)
    except Exception as exc:
        raise SheetError(f"The XLSX workbook cannot be read: {type(exc).__name__}: {exc}") from None
    sheets: list[Sheet] = []
    for ws in wb.worksheets:
        sheet = Sheet(ws.title, hidden=ws.sheet_state != "visible")
        for row in ws.iter_rows():
            for c in row:
                if c.value is not None and c.data_type != "e":  # #N/A, #REF!: no value, as in XLS
                    sheet.put(c.row - 1, c.column - 1, c.value, c.number_format)
        for rng in ws.merged_cells.ranges:
            sheet.merges.append((rng.min_row - 1, rng.min_col - 1, rng.max_row - 1, rng.max_col - 1))
        sheets.append(sheet)
    if _uncached_formulas(zf):
        _fill_formulas(data, sheets)
    return sheets


# ----------------------------------------------------------------------------- XLS (BIFF)


def load_xls(data: bytes) -> list[Sheet]:
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=False, on_demand=True)
    except Exception as exc:
        raise SheetError(f"The XLS workbook cannot be read: {type(exc).__name__}: {exc}") from None
    sheets: list[Sheet] = []
    for idx in range(book.nsheets):
        ws = book.sheet_by_index(idx)
        if ws.nrows * ws.ncols > 10 * MAX_CSV_CELLS:
            raise SheetError(f"Sheet {ws.name!r} is {ws.nrows:,}x{ws.ncols:,}; refusing to read it.")
        sheet = Sheet(ws.name, hidden=bool(getattr(ws, "visibility", 0)))
        for r in range(ws.nrows):
            for c in range(ws.ncols):
                cell = ws.cell(r, c)
                if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
                    continue
                value = cell.value
                if cell.ctype == xlrd.XL_CELL_DATE:
                    try:
                        value = xlrd.xldate.xldate_as_datetime(value, book.datemode)
                    except Exception:
                        pass
                elif cell.ctype == xlrd.XL_CELL_BOOLEAN:
                    value = bool(value)
                sheet.put(r, c, value)
        for r0, r1, c0, c1 in getattr(ws, "merged_cells", []) or []:
            sheet.merges.append((r0, c0, r1 - 1, c1 - 1))
        sheets.append(sheet)
    return sheets


# ----------------------------------------------------------------------------- SpreadsheetML

_SS = "{urn:schemas-microsoft-com:office:spreadsheet}"


def load_spreadsheetml(data: bytes) -> list[Sheet]:
    """Excel 2003 XML (``<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">``)."""
    import defusedxml.ElementTree as det
    from defusedxml import DefusedXmlException

    if _DTD.search(data[:65536]):
        raise SheetError("The XML spreadsheet declares a DTD or XML entities (possible XXE attack); refusing it.")
    try:
        root = det.fromstring(data)
    except DefusedXmlException as exc:
        raise SheetError(f"The XML spreadsheet uses forbidden XML features ({type(exc).__name__}).") from None
    except Exception as exc:
        raise SheetError(f"The XML spreadsheet is not well-formed: {exc}") from None
    sheets: list[Sheet] = []
    for ws in root.iter(f"{_SS}Worksheet"):
        sheet = Sheet(ws.get(f"{_SS}Name") or f"Sheet{len(sheets) + 1}")
        visible = ws.find("{urn:schemas-microsoft-com:office:excel}WorksheetOptions/"
                          "{urn:schemas-microsoft-com:office:excel}Visible")
        sheet.hidden = visible is not None and (visible.text or "").strip() in ("SheetHidden", "SheetVeryHidden")
        table = ws.find(f"{_SS}Table")
        if table is None:
            sheets.append(sheet)
            continue
        r = -1
        for row in table.iter(f"{_SS}Row"):
            idx = row.get(f"{_SS}Index")
            r = int(idx) - 1 if idx and idx.isdigit() else r + 1
            c = -1
            for cell in row.findall(f"{_SS}Cell"):
                cidx = cell.get(f"{_SS}Index")
                c = int(cidx) - 1 if cidx and cidx.isdigit() else c + 1
                across = int(cell.get(f"{_SS}MergeAcross") or 0)
                down = int(cell.get(f"{_SS}MergeDown") or 0)
                dnode = cell.find(f"{_SS}Data")
                if dnode is not None:
                    text = "".join(dnode.itertext())
                    sheet.put(r, c, _ssml_value(text, dnode.get(f"{_SS}Type") or "String"))
                if across or down:
                    sheet.merges.append((r, c, r + down, c + across))
                c += across
        sheets.append(sheet)
    if not sheets:
        raise SheetError("The XML spreadsheet has no worksheet.")
    return sheets


def _ssml_value(text: str, kind: str) -> object:
    if kind == "Number":
        try:
            d = Decimal(text.strip())
            if bounded_or_none(d) is None:
                return text  # 1E999999999 stays text: no int() or arithmetic may touch it
            return int(d) if d == d.to_integral_value() and "." not in text and "E" not in text.upper() else d
        except InvalidOperation:
            return text
    if kind == "DateTime":
        try:
            return dt.datetime.fromisoformat(text.strip())
        except ValueError:
            return text
    if kind == "Boolean":
        return text.strip() == "1"
    return text


# ----------------------------------------------------------------------------- CSV


def decode_text(data: bytes) -> str:
    """Decode by BOM, then UTF-8, then cp1252 (never fails: latin-1 maps every byte)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the first lines most consistently (``,`` ``;`` tab ``|``)."""
    sample = text[:20000]
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        pass
    lines = [ln for ln in sample.splitlines()[:30] if ln.strip()]
    best, score = ",", -1.0
    for d in (",", ";", "\t", "|"):
        counts = [ln.count(d) for ln in lines]
        if not counts or max(counts) == 0:
            continue
        s = sum(counts) / len(counts)
        if s > score:
            best, score = d, s
    return best


def read_csv_rows(data: bytes) -> list[list[str]]:
    text = decode_text(data)
    if "\x00" in text:
        raise SheetError("The file contains binary data (NUL bytes); it is not a CSV text file.")
    delim = sniff_delimiter(text)
    rows: list[list[str]] = []
    cells = 0
    csv.field_size_limit(10 * 1024 * 1024)
    try:
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delim):
            cells += len(row)
            if cells > MAX_CSV_CELLS:
                raise SheetError(f"The CSV has more than {MAX_CSV_CELLS:,} cells; refusing to read it.")
            rows.append(row)
    except csv.Error as exc:
        raise SheetError(f"The CSV cannot be parsed: {exc}") from None
    return rows


def load_csv(data: bytes, name: str = "Sheet1") -> list[Sheet]:
    sheet = Sheet(name)
    for r, row in enumerate(read_csv_rows(data)):
        for c, value in enumerate(row):
            sheet.put(r, c, value.strip())
    return [sheet]


def load_any(data: bytes, filename: str | None = None) -> tuple[str, list[Sheet]]:
    """(kind, sheets) with kind xlsx | xls | spreadsheetml | csv."""
    if is_zip(data):
        return "xlsx", load_xlsx(data)
    if is_biff(data):
        return "xls", load_xls(data)
    if is_spreadsheetml(data):
        return "spreadsheetml", load_spreadsheetml(data)
    return "csv", load_csv(data)
