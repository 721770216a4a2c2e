"""Value parsers shared by every document extractor (PDF text, OCR, spreadsheets).

Printed numbers, dates and currencies come in many national forms; these functions turn one
printed token into a typed value or ``None``. They never raise on bad input, so a caller can
try a token against several parsers and keep whichever answers.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from orderflow.canonical.bounded import MAX_DIGITS, MAX_INTEGER_DIGITS, bounded_or_none
from orderflow.canonical.uom import normalize_uom

__all__ = [
    "detect_currency",
    "guess_day_first",
    "parse_date",
    "parse_decimal",
    "parse_price_per",
    "parse_qty_uom",
]

# ---------------------------------------------------------------- currency

_SYMBOLS: list[tuple[str, str]] = [
    ("US$", "USD"),
    ("C$", "CAD"),
    ("A$", "AUD"),
    ("R$", "BRL"),
    ("HK$", "HKD"),
    ("S$", "SGD"),
    ("€", "EUR"),
    ("£", "GBP"),
    ("₹", "INR"),
    ("¥", "JPY"),
    ("￥", "JPY"),
    ("$", "USD"),
    ("₩", "KRW"),
    ("₽", "RUB"),
    ("₺", "TRY"),
    ("zł", "PLN"),
]
ISO_CURRENCIES = frozenset(
    [
        "USD",
        "EUR",
        "GBP",
        "INR",
        "JPY",
        "CNY",
        "CAD",
        "AUD",
        "CHF",
        "SEK",
        "NOK",
        "DKK",
        "PLN",
        "CZK",
        "HUF",
        "RON",
        "BGN",
        "HRK",
        "MXN",
        "BRL",
        "ZAR",
        "SGD",
        "HKD",
        "NZD",
        "KRW",
        "TWD",
        "THB",
        "MYR",
        "IDR",
        "PHP",
        "VND",
        "AED",
        "SAR",
        "ILS",
        "TRY",
        "RUB",
        "ARS",
        "CLP",
        "COP",
        "PEN",
        "EGP",
        "NGN",
        "KES",
        "PKR",
        "BDT",
        "LKR",
        "QAR",
        "KWD",
        "OMR",
        "BHD",
        "RMB",
    ]
)
_ISO_RE = re.compile(r"(?<![A-Za-z])(" + "|".join(sorted(ISO_CURRENCIES)) + r")(?![A-Za-z])")
_INR_RE = re.compile(r"(?<![A-Za-z])(Rs\.?|INR|Rupees?)(?![A-Za-z])", re.IGNORECASE)


def detect_currency(text: str) -> str | None:
    """The ISO currency a text shows, by code first, then by symbol; None when it shows none."""
    if not text:
        return None
    m = _ISO_RE.search(text)
    if m:
        code = m.group(1)
        return "CNY" if code == "RMB" else code
    if _INR_RE.search(text):
        return "INR"
    for sym, code in _SYMBOLS:
        if sym in text:
            return code
    if "円" in text:
        return "JPY"
    return None


# ---------------------------------------------------------------- numbers

_STRIP_RE = re.compile(
    r"^(?:[A-Z]{3}|Rs\.?|US\$|[$€£₹¥￥])\s*|\s*(?:[A-Z]{3}|Rs\.?|KD|[$€£₹¥￥]|円)$", re.IGNORECASE
)
_NUM_CHARS_RE = re.compile(r"^[+-]?[\d.,' \u00a0\u202f\u2019]*\d[\d.,' \u00a0\u202f\u2019]*$")


def _strip_currency(s: str) -> str:
    prev = None
    while prev != s:
        prev = s
        s = _STRIP_RE.sub("", s).strip()
    return s


def parse_decimal(text: str, *, decimal_comma: bool | None = None) -> Decimal | None:
    """A printed amount or quantity as a Decimal, or None when the text is not one number.

    ``decimal_comma`` forces the comma's role; None decides from the token itself (the last
    separator followed by other than three digits is the decimal mark, Indian grouping
    ``1,53,592.32`` included).
    """
    if text is None:
        return None
    s = str(text).strip()
    if not s:
        return None
    negative = False
    if s.startswith("(") and s.endswith(")"):
        negative, s = True, s[1:-1].strip()
    s = _strip_currency(s)
    if s.endswith("-") and len(s) > 1:
        negative, s = not negative, s[:-1].strip()
    if s.startswith("-"):
        negative, s = not negative, s[1:].strip()
    elif s.startswith("+"):
        s = s[1:].strip()
    s = _strip_currency(s)
    if s.startswith("-"):
        negative, s = not negative, s[1:].strip()
    if not s or not _NUM_CHARS_RE.match(s):
        return None
    # spaces / apostrophes are only ever thousands separators
    if re.search(r"\d[ \u00a0\u202f'\u2019]\d", s):
        groups = re.split(r"[ \u00a0\u202f'\u2019]", s)
        if not all(re.fullmatch(r"\d{3}(?:[.,]\d*)?", g) for g in groups[1:]):
            return None
    s = re.sub(r"[ \u00a0\u202f'\u2019]", "", s)
    if s.count(".") and s.count(","):
        dec = "." if s.rfind(".") > s.rfind(",") else ","
    elif "," in s:
        if decimal_comma is not None:
            dec = "," if decimal_comma else "."
        else:
            parts = s.split(",")
            # one comma followed by exactly 3 digits is a thousands separator (1,200); else decimal
            dec = "." if (len(parts) > 2 or len(parts[-1]) == 3) else ","
        if s.count(",") > 1 and dec == ",":
            return None
    elif "." in s:
        if decimal_comma is True:
            dec = ","
            if not all(len(p) == 3 for p in s.split(".")[1:]):
                dec = "."  # 12.5 cannot be thousands-grouped; trust the token over the hint
        else:
            dec = "." if s.count(".") == 1 else ","
    else:
        dec = "."
    thou = "," if dec == "." else "."
    whole, _, frac = s.partition(dec) if dec in s else (s, "", "")
    if dec in frac:
        return None
    if thou in whole:
        parts = whole.split(thou)
        if not parts[0] or not all(p.isdigit() for p in parts):
            return None
        # Western (3) or Indian (2,2,…,3) grouping
        if not (
            all(len(p) == 3 for p in parts[1:])
            or (len(parts[-1]) == 3 and all(len(p) == 2 for p in parts[1:-1]))
        ):
            return None
        whole = "".join(parts)
    if thou in frac or not whole.isdigit() and whole != "" or frac and not frac.isdigit():
        return None
    if whole == "" and frac == "":
        return None
    if len(whole) > MAX_INTEGER_DIGITS or len(frac) > MAX_DIGITS:
        return None  # a 100,000-digit "number" is not an amount: never build it (canonical.bounded)
    try:
        value = Decimal(f"{whole or '0'}.{frac}" if frac else whole)
    except InvalidOperation:
        return None
    return bounded_or_none(-value if negative else value)


_QTY_UOM_RE = re.compile(r"^\s*([-+(]?[\d.,' ]*\d\)?)\s*(?:/|\s|-)?\s*([A-Za-z]{1,12}\.?)\s*$")


def parse_qty_uom(text: str) -> tuple[Decimal | None, str | None]:
    """``510/EA``, ``12 CS``, ``4.61/Ea`` → (number, normalised UOM); (None, None) otherwise."""
    if not text:
        return None, None
    m = _QTY_UOM_RE.match(str(text))
    if not m:
        return parse_decimal(text), None
    number = parse_decimal(m.group(1))
    unit = m.group(2).rstrip(".")
    if number is None:
        return None, None
    norm = normalize_uom(unit)
    return number, norm or unit.upper()


_PER_RE = re.compile(
    r"^\s*(.+?)\s*(?:/|\bper\b|\bpro\b|\bpar\b|\bje\b)\s*([\d.,' ]+)\s*([A-Za-z]{0,8})\s*$", re.IGNORECASE
)


def parse_price_per(text: str) -> Decimal | None:
    """A price printed per N units (``7,190.00/1,000``, ``20,00 per 2``) as the price per one unit."""
    if not text:
        return None
    m = _PER_RE.match(str(text))
    if not m:
        return parse_decimal(text)
    price = parse_decimal(m.group(1))
    per = parse_decimal(m.group(2))
    if price is None or per is None or per == 0:
        return None
    value = (price / per).normalize()
    exponent = value.as_tuple().exponent  # an int for a finite value
    if isinstance(exponent, int) and exponent > -2:
        value = value.quantize(Decimal("0.01"))
    return value


# ---------------------------------------------------------------- dates

_MONTHS: dict[str, int] = {}
for _num, _names in enumerate(
    [
        "jan january janv janvier januar jänner enero ene januari gen gennaio",
        "feb february fév fev févr fevr février fevrier februar febrero februari febbraio",
        "mar march mars märz marz mrz marzo maart",
        "apr april avr avril abril abr aprile",
        "may mai mayo mei maggio",
        "jun june juin juni junio giugno",
        "jul july juil juillet juli julio luglio",
        "aug august août aout agosto augustus ago",
        "sep sept september septembre septiembre setiembre settembre set",
        "oct october octobre oktober octubre okt ott ottobre",
        "nov november novembre noviembre",
        "dec december déc decembre décembre dezember diciembre dic dez dicembre",
    ],
    start=1,
):
    for _n in _names.split():
        _MONTHS[_n] = _num
# IT/PT/PL/SV/DA/NO/CS/TR month names (PL and CS dates use the genitive: "15 marca 2026", "15. března 2026";
# Turkish also without diacritics, as ASCII-only systems print it). Abbreviations that are common words in
# another language ("sie", "des", "lut") are left out.
for _num, _names in enumerate(
    [
        "genn styczeń stycznia styczen sty leden ledna ocak janeiro jan.",
        "fevereiro luty lutego únor února unor unora şubat subat",
        "março marco marzec marca marts březen března brezen brezna mart",
        "kwiecień kwietnia kwiecien kwi duben dubna nisan",
        "mag maio maj maja květen května kveten kvetna mayıs mayis",
        "giu junho czerwiec czerwca czerwiec červen června cerven cervna haziran",
        "lug julho lipiec lipca lipiec červenec července cervenec cervence temmuz",
        "agosto sierpień sierpnia sierpien augusti srpen srpna ağustos agustos",
        "setembro wrzesień września wrzesien wrzesnia wrz září zari eylül eylul",
        "outubro out październik października pazdziernik pazdziernika paź říjen října rijen rijna ekim",
        "novembro listopad listopada listopadu lis kasım kasim",
        "dezembro grudzień grudnia grudzien gru desember prosinec prosince aralık aralik",
    ],
    start=1,
):
    for _n in _names.split():
        _MONTHS.setdefault(_n.rstrip("."), _num)

_MONTH_ALT = "|".join(sorted((re.escape(k) for k in _MONTHS), key=len, reverse=True))
_ISO_RE_D = re.compile(r"(?<!\d)(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)")
_CJK_RE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
# Japanese era dates ("令和8年3月15日"): era name → the Gregorian year before its first year.
_ERA_RE = re.compile(r"(令和|平成)\s*(\d{1,2}|元)\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_ERA_BASE = {"令和": 2018, "平成": 1988}
_NUMERIC_RE = re.compile(r"(?<!\d)(\d{1,2})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{2}|\d{4})(?!\d)")
_DMY_NAME_RE = re.compile(
    r"(?<!\d)(\d{1,2})(?:st|nd|rd|th|er|\.)?[\s\-/.]*(?:de\s+)?("
    + _MONTH_ALT
    + r")\.?[\s\-/.,]*(?:de\s+)?(\d{4}|\d{2})(?!\d)",
    re.IGNORECASE,
)
_MDY_NAME_RE = re.compile(
    r"(?<![A-Za-z])("
    + _MONTH_ALT
    + r")\.?\s*[-/.]?\s*(\d{1,2})(?:st|nd|rd|th)?\s*[,.\-/]?\s*(\d{4}|\d{2})(?!\d)",
    re.IGNORECASE,
)
_COMPACT_RE = re.compile(r"(?<!\d)(20\d{2})(\d{2})(\d{2})(?!\d)")


def _year(y: str) -> int:
    n = int(y)
    if len(y) == 2:
        return 2000 + n if n < 70 else 1900 + n
    return n


def _mk(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def parse_date(text: str, *, day_first: bool | None = None) -> dt.date | None:
    """A printed date as a ``date``; ``day_first`` settles 05/08/25-style ambiguity (default
    day-first unless a component proves otherwise)."""
    if not text:
        return None
    s = str(text).strip()
    m = _CJK_RE.search(s)
    if m:
        return _mk(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    m = _ERA_RE.search(s)
    if m:
        year = _ERA_BASE[m.group(1)] + (1 if m.group(2) == "元" else int(m.group(2)))
        return _mk(year, int(m.group(3)), int(m.group(4)))
    m = _ISO_RE_D.search(s)
    if m:
        return _mk(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    m = _DMY_NAME_RE.search(s)
    if m and m.group(2).lower() in _MONTHS:
        return _mk(_year(m.group(3)), _MONTHS[m.group(2).lower()], int(m.group(1)))
    m = _MDY_NAME_RE.search(s)
    if m and m.group(1).lower() in _MONTHS:
        return _mk(_year(m.group(3)), _MONTHS[m.group(1).lower()], int(m.group(2)))
    m = _NUMERIC_RE.search(s)
    if m:
        a, b, y = int(m.group(1)), int(m.group(2)), _year(m.group(3))
        if a > 12 and b <= 12:
            return _mk(y, b, a)
        if b > 12 and a <= 12:
            return _mk(y, a, b)
        if day_first is False:
            return _mk(y, a, b)
        return _mk(y, b, a)
    m = _COMPACT_RE.search(s)
    if m and len(s) <= 10:
        return _mk(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    return None


_DAY_FIRST_COUNTRIES = frozenset(
    [
        "GB",
        "UK",
        "IE",
        "FR",
        "DE",
        "ES",
        "IT",
        "NL",
        "BE",
        "PT",
        "AT",
        "CH",
        "DK",
        "SE",
        "NO",
        "FI",
        "PL",
        "CZ",
        "IN",
        "AU",
        "NZ",
        "ZA",
        "BR",
        "AR",
        "MX",
        "CL",
        "CO",
        "PE",
        "SG",
        "MY",
        "HK",
        "AE",
        "SA",
        "EG",
        "NG",
        "KE",
        "PK",
        "BD",
        "LK",
        "TR",
        "RU",
        "GR",
        "HU",
        "RO",
    ]
)
_MONTH_FIRST_COUNTRIES = frozenset({"US", "PH", "FM", "MH", "PW"})


def guess_day_first(
    date_strings: list[str], *, language: str | None = None, country: str | None = None
) -> bool | None:
    """Settle DD/MM vs MM/DD from the document's own evidence.

    A numeric date with a first component > 12 proves day-first, a second component > 12
    proves month-first; otherwise the country (US → month-first) or language (non-English
    → day-first) decides; None when nothing does.
    """
    votes_df = votes_mf = 0
    for s in date_strings or []:
        for m in _NUMERIC_RE.finditer(str(s)):
            a, b = int(m.group(1)), int(m.group(2))
            if a > 12 and b <= 12:
                votes_df += 1
            elif b > 12 and a <= 12:
                votes_mf += 1
    if votes_df != votes_mf:
        return votes_df > votes_mf
    if country:
        c = country.strip().upper()
        if c in ("USA", "UNITED STATES", "US"):
            return False
        if c in _MONTH_FIRST_COUNTRIES:
            return False
        if c in _DAY_FIRST_COUNTRIES or c in ("UNITED KINGDOM", "INDIA", "FRANCE", "GERMANY"):
            return True
    if language:
        lang = language.strip().lower()[:2]
        if lang and lang != "en":
            return True
    return None
