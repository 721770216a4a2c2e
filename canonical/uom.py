"""One unit-of-measure code set for the whole pipeline.

Canonical codes are the common X12 355 codes (EA, CA, BX …). UN/ECE Rec 20 codes and free
text found on PDFs and spreadsheets map onto them.
"""

from __future__ import annotations

import re

CANONICAL_UOMS: dict[str, str] = {
    "EA": "each",
    "CA": "case",
    "BX": "box",
    "PK": "pack",
    "PL": "pallet",
    "DZ": "dozen",
    "PR": "pair",
    "ST": "set",
    "RL": "roll",
    "BG": "bag",
    "BO": "bottle",
    "CT": "carton",
    "DR": "drum",
    "GS": "gross",
    "KT": "kit",
    "KG": "kilogram",
    "GR": "gram",
    "LB": "pound",
    "OZ": "ounce",
    "LT": "litre",
    "ML": "millilitre",
    "GA": "gallon",
    "MR": "metre",
    "FT": "foot",
    "IN": "inch",
    "YD": "yard",
    "SM": "square metre",
    "SF": "square foot",
    "HR": "hour",
    "TH": "thousand",
}

_ALIASES: dict[str, str] = {
    # X12 355 variants
    "EA": "EA", "EACH": "EA", "EACHES": "EA", "PC": "EA", "PCS": "EA", "PCE": "EA", "PIECE": "EA",
    "PIECES": "EA", "UN": "EA", "UNIT": "EA", "UNITS": "EA", "C62": "EA", "H87": "EA", "NOS": "EA",
    "NO": "EA", "ST": "ST", "SET": "ST", "SETS": "ST", "SET_": "ST",
    "CA": "CA", "CS": "CA", "CASE": "CA", "CASES": "CA", "CAS": "CA",
    "BX": "BX", "BOX": "BX", "BOXES": "BX",
    "PK": "PK", "PACK": "PK", "PACKS": "PK", "PKG": "PK", "PA": "PK", "PAC": "PK",
    "PL": "PL", "PLT": "PL", "PALLET": "PL", "PALLETS": "PL", "PF": "PL", "PX": "PL",
    "DZ": "DZ", "DOZ": "DZ", "DOZEN": "DZ", "DZN": "DZ",
    "PR": "PR", "PAIR": "PR", "PAIRS": "PR",
    "RL": "RL", "ROLL": "RL", "ROLLS": "RL", "RO": "RL",
    "BG": "BG", "BAG": "BG", "BAGS": "BG",
    "BO": "BO", "BTL": "BO", "BOTTLE": "BO", "BOTTLES": "BO",
    "CT": "CT", "CTN": "CT", "CARTON": "CT", "CARTONS": "CT",
    "DR": "DR", "DRUM": "DR", "DRUMS": "DR",
    "GS": "GS", "GRO": "GS", "GROSS": "GS",
    "KT": "KT", "KIT": "KT", "KITS": "KT",
    "KG": "KG", "KGM": "KG", "KGS": "KG", "KILO": "KG", "KILOGRAM": "KG", "KILOGRAMS": "KG",
    "GR": "GR", "GRM": "GR", "G": "GR", "GRAM": "GR", "GRAMS": "GR",
    "LB": "LB", "LBS": "LB", "LBR": "LB", "POUND": "LB", "POUNDS": "LB",
    "OZ": "OZ", "ONZ": "OZ", "OUNCE": "OZ",
    "LT": "LT", "L": "LT", "LTR": "LT", "LITRE": "LT", "LITER": "LT", "LITRES": "LT", "LITERS": "LT",
    "ML": "ML", "MLT": "ML",
    "GA": "GA", "GAL": "GA", "GLL": "GA", "GALLON": "GA", "GALLONS": "GA",
    "MR": "MR", "M": "MR", "MTR": "MR", "METER": "MR", "METRE": "MR", "METERS": "MR", "METRES": "MR",
    "FT": "FT", "FOT": "FT", "FOOT": "FT", "FEET": "FT",
    "IN": "IN", "INH": "IN", "INCH": "IN", "INCHES": "IN",
    "YD": "YD", "YRD": "YD", "YARD": "YD", "YARDS": "YD",
    "SM": "SM", "MTK": "SM", "M2": "SM", "SQM": "SM",
    "SF": "SF", "FTK": "SF", "SQFT": "SF",
    "HR": "HR", "HUR": "HR", "HOUR": "HR", "HOURS": "HR",
    "TH": "TH", "MIL": "TH", "THOUSAND": "TH",
}


def normalize_uom(raw: str | None) -> str | None:
    """Map any UOM spelling to a canonical code; None when it is not recognised."""
    if raw is None:
        return None
    key = re.sub(r"[^A-Z0-9]", "", raw.strip().upper())
    if not key:
        return None
    if key in _ALIASES:
        return _ALIASES[key]
    if key.endswith("S") and key[:-1] in _ALIASES:
        return _ALIASES[key[:-1]]
    return None
