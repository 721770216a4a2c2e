"""Is this file an order document, noise to ignore, or something to keep and flag?

Deliberately shallow: the extractors decide the exact format later. Intake only needs to
know whether a file is worth a document (order), is mail furniture (logo, signature,
vCard: ignored), or is something else a person should see (kept as "not an order").
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import PurePosixPath

ORDER_EXTENSIONS = {".pdf", ".xlsx", ".xlsm", ".xls", ".csv", ".json", ".edi", ".x12", ".edifact", ".850"}
EDI_TEXT_EXTENSIONS = {".txt", ".dat", ".in", ""}
IGNORED_EXTENSIONS = {".p7s", ".p7m", ".vcf", ".asc", ".sig", ".ics"}
IGNORED_TYPES = {
    "application/pkcs7-signature",
    "application/x-pkcs7-signature",
    "application/pgp-signature",
    "text/vcard",
    "text/x-vcard",
    "text/calendar",
}
IMAGE_EXTENSIONS = {".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".webp", ".emz", ".wmf"}
IN_PROGRESS_SUFFIXES = (".tmp", ".part", ".partial", ".filepart", ".crdownload", ".swp")


class Kind(StrEnum):
    ORDER = "order"
    IGNORE = "ignore"
    NOT_ORDER = "not_order"


def looks_like_edi(data: bytes) -> bool:
    """X12 (ISA) or EDIFACT (UNA/UNB) at the start, after a BOM and whitespace."""
    head = data[:512].lstrip(b"\xef\xbb\xbf").lstrip()
    return head[:3] in (b"ISA", b"UNA", b"UNB")


def in_progress_name(name: str) -> bool:
    """Names writers use while a file is not finished yet (or hidden files)."""
    base = PurePosixPath(name).name
    return base.startswith(".") or base.lower().endswith(IN_PROGRESS_SUFFIXES)


def classify(filename: str | None, data: bytes, content_type: str | None = None) -> tuple[Kind, str]:
    """Kind of the file plus a short reason (used as the failed document's reason)."""
    name = (filename or "").strip()
    ext = PurePosixPath(name.lower()).suffix
    ctype = (content_type or "").lower()
    if ext in IGNORED_EXTENSIONS or ctype in IGNORED_TYPES:
        return Kind.IGNORE, f"{name or ctype}: signature/contact card"
    if not data:
        return Kind.NOT_ORDER, f"{name or 'file'}: empty file (0 bytes)"
    if data.startswith(b"%PDF") or ext == ".pdf" or ctype == "application/pdf":
        if not data[:1024].lstrip().startswith(b"%PDF"):
            return Kind.NOT_ORDER, f"{name}: named .pdf but is not a PDF"
        return Kind.ORDER, "pdf"
    if looks_like_edi(data):
        return Kind.ORDER, "edi"
    if ext in ORDER_EXTENSIONS:
        if ext in {".edi", ".x12", ".edifact", ".850"}:
            return Kind.NOT_ORDER, f"{name}: EDI file name but no ISA/UNB interchange header"
        return Kind.ORDER, ext.lstrip(".")
    if data.startswith(b"PK\x03\x04") and b"xl/" in data[:4096]:
        return Kind.ORDER, "xlsx"
    if ext in IMAGE_EXTENSIONS or ctype.startswith("image/"):
        return Kind.NOT_ORDER, f"{name or ctype}: an image, not an order document (send a PDF)"
    if ext in EDI_TEXT_EXTENSIONS and ext:
        return Kind.NOT_ORDER, f"{name}: text file without an EDI interchange header"
    return Kind.NOT_ORDER, f"{name or ctype or 'file'}: not an order format (PDF, XLSX/XLS, CSV, EDI, JSON)"
