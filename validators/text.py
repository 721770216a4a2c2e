"""Small text normalisers shared by the matching rules (codes, GTINs, emails)."""

from __future__ import annotations

import re
from email.utils import parseaddr

from rapidfuzz import utils as rf_utils

_NON_ALNUM = re.compile(r"[^0-9A-Z]")
# "18 in", "1500 ft", "24 oz" → "18in": PO text and catalog spell measures both ways.
_NUMBER_UNIT = re.compile(r"\b(\d+(?:\.\d+)?)\s+(mm|cm|m|in|inch|ft|oz|gal|lb|lbs|l|ml|qt|w|v|mil|ply|db)\b")


def norm_code(value: str | None) -> str:
    """Codes compare without case, spaces or punctuation: "fas-1001 " == "FAS1001"."""
    return _NON_ALNUM.sub("", value.upper()) if value else ""


_OCR_FOLD = str.maketrans("OQDILSBZG", "001115826")


def ocr_fold(code: str) -> str:
    """Fold characters OCR and typists confuse (O/0, I/1, S/5, B/8 …) to one form."""
    return code.translate(_OCR_FOLD)


def norm_text(value: str | None) -> str:
    """Free text for fuzzy scoring: lower case, punctuation to spaces, trimmed."""
    if not value:
        return ""
    return _NUMBER_UNIT.sub(r"\1\2", rf_utils.default_process(value))


def norm_gtin(value: str | None) -> str | None:
    """GTIN-8/12/13/14 compare on their digits without leading zeros; None if not a GTIN."""
    if not value:
        return None
    digits = re.sub(r"[\s-]", "", value)
    if not digits.isdigit() or len(digits) not in (8, 12, 13, 14):
        return None
    return digits.lstrip("0") or None


def email_parts(sender: str | None) -> tuple[str | None, str | None]:
    """"Jane <Jane@Acme-Mfg.example>" → ("jane@acme-mfg.example", "acme-mfg.example")."""
    if not sender:
        return None, None
    address = parseaddr(sender)[1].strip().lower()
    if "@" not in address:
        return None, None
    return address, address.rsplit("@", 1)[1]


def partner_id_variants(value: str | None) -> list[str]:
    """EDI ids arrive as "4405197800", "12:4405197800" or "ZZ:ACMEMFG"; try each form."""
    if not value:
        return []
    raw = value.strip().upper()
    out = [raw]
    if ":" in raw:
        out.extend(p.strip() for p in raw.split(":") if p.strip())
    return out
