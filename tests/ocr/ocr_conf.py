"""Shared helpers for the spreadsheet tests: the corpus location and a field-by-field gold scorer."""

from __future__ import annotations

import json
import os
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pytest
from rapidfuzz import fuzz

CORPUS = Path(os.environ.get("ORDERFLOW_CORPUS", "/work/shared/corpus/docs/po"))
LINE_KEYS = ("line_no", "sku", "customer_part", "description", "qty", "uom", "unit_price", "amount")


def _num_eq(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    try:
        return Decimal(str(a)) == Decimal(str(b))
    except InvalidOperation:
        return False


def _text_eq(a, b, fuzzy: int = 90) -> bool:
    if not a or not b:
        return not a and not b
    na, nb = " ".join(str(a).lower().split()), " ".join(str(b).lower().split())
    return na == nb or fuzz.ratio(na, nb) >= fuzzy


def score_order(order, gold: dict) -> dict[str, bool]:
    """Field → correct?, for the header fields and every gold line field (lines matched by position)."""
    d = order.to_json_dict()
    out: dict[str, bool] = {
        "po_number": (d["po_number"] or None) == gold["po_number"],
        "po_date": d["po_date"] == gold["po_date"],
        "buyer": _text_eq((d["buyer"] or {}).get("name"), gold["buyer"]),
        "supplier": _text_eq((d["supplier"] or {}).get("name"), gold["supplier"]),
        "currency": d["currency"] == gold["currency"],
        "payment_terms": _text_eq(d["payment_terms"], gold["payment_terms"]),
        "total": _num_eq(d["declared_total"], gold["total"]),
    }
    st = d["ship_to"] or {}
    gst = gold["ship_to"] or {}
    out["ship_to.name"] = _text_eq(st.get("name"), gst.get("name"))
    out["ship_to.address"] = _text_eq((st.get("address") or {}).get("text"), gst.get("address"))
    out["line_count"] = len(d["lines"]) == len(gold["lines"])
    for i, g in enumerate(gold["lines"]):
        mine = d["lines"][i] if i < len(d["lines"]) else {}
        for k in LINE_KEYS:
            if k in ("qty", "unit_price", "amount"):
                ok = _num_eq(mine.get(k), g[k])
            elif k == "description":
                ok = _text_eq(mine.get(k), g[k])
            else:
                ok = (mine.get(k) or None) == g[k] or _text_eq(mine.get(k), g[k], 100)
            out[f"lines[{i}].{k}"] = ok
    return out


def load_gold(name: str) -> dict:
    return json.loads((CORPUS / f"{name}.expected.json").read_text())


@pytest.fixture(scope="session")
def corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.fail(f"development corpus missing at {CORPUS}")
    return CORPUS
