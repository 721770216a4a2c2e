"""Causes of issue 19 shared by real purchase orders (docs/real/po, never the hold-out ten): text layers padded
with blanks, page footers under every page's items, description labels centred over left-aligned text, date
labels and label rows. Each test reads a real document and checks the values its gold answer holds."""

from __future__ import annotations

from decimal import Decimal
from functools import cache

import pytest
from fixtures.real_docs import extract_real

from orderflow.bench.accuracy import predicted_dict, same


@cache
def _read(stem: str) -> tuple[dict, dict]:
    result, gold = extract_real(stem)
    assert len(result.orders) == 1, result.issues
    return predicted_dict(result.orders[0].to_json_dict()), gold


def test_blank_padding_printed_over_the_text():
    """Chex: every field is padded with spaces printed over its glyphs ("5 4 9 9 2 8" by position). Without
    the blanks the words come back: the 24 lines with their codes, quantities and money, the date, terms."""
    got, want = _read("chex_549928")
    assert len(got["lines"]) == len(want["lines"]) == 24
    for g, w in zip(got["lines"], want["lines"], strict=True):
        for k in ("customer_part", "qty", "unit_price", "amount"):
            assert same(k, w[k], g[k]), (k, g[k], w[k])
    assert (got["po_date"], got["payment_terms"]) == ("2024-09-03", "NET 30")
    assert got["ship_to.name"] == "CHEX FINER FOODS, INC"


def test_page_footer_is_not_item_text_and_centred_description_label():
    """Pikes Peak: four pages of items, each closed by the issuer's address and a "Printed:" stamp, and a
    "Description" label printed 20 pt right of its left-aligned values. All 69 lines with their text and
    quantity (3 on line 20), none taking the footer as a row."""
    got, want = _read("pikespeak_2023-12-000020")
    assert len(got["lines"]) == len(want["lines"]) == 69
    for g, w in zip(got["lines"], want["lines"], strict=True):
        assert (g["description"], Decimal(g["qty"])) == (w["description"], Decimal(w["qty"]))
    assert Decimal(got["lines"][19]["qty"]) == 3
    assert got["po_date"] == "2024-01-11"  # "Issued date" over "11/Jan/24"


@pytest.mark.parametrize(("stem", "date"), [
    ("cybertrend_002-FA-PO-IX-2015", "2015-09-10"),  # "Date  :  10 September 2015": a colon column between
    ("unico_HDM-UB-12-2025-0227", "2025-12-12"),  # "- ISSUED DATE: 12 Dec 2025": a bullet before the label
    ("vergerdelporte_45125088-L260104", "2026-07-10"),  # "LPO Date" (Gulf local purchase order)
    ("wheelindeal_1", "2026-04-09"),  # Tally "Dated" over "9-Apr-26"
    ("nyco_BST026017", "2025-09-12"),  # "Auftragsdatum : 12.09.2025"
])
def test_order_date_labels(stem, date):
    got, want = _read(stem)
    assert got["po_date"] == want["po_date"] == date


@pytest.mark.parametrize("stem", ["hha_8573", "canserve_PO00694"])
def test_row_of_labels_gives_each_label_the_value_under_it(stem):
    """"Payment Terms | Freight Terms | FOB | Ship Via" over "30 DAYS NET" (the other cells empty): the
    neighbouring label is not the terms' value."""
    got, want = _read(stem)
    assert got["payment_terms"] == want["payment_terms"]


def test_telephone_number_is_no_date_evidence():
    """TKM France prints "04/09/25" and the telephone "+33 (0)3.28.35.08.00": a run inside a longer dotted
    number is not "3.28.35" (month 3, day 28) voting month-first; the French document writes the day first."""
    got, want = _read("tkmfrance_CF043922")
    assert got["po_date"] == want["po_date"] == "2025-09-04"


def test_quantity_with_a_non_ascii_unit_and_sap_gross_price_label():
    """Bischof + Klein (SAP, German): "500,000 Stück" is the quantity cell and "G-Preis EUR" the line value."""
    got, want = _read("bischofklein_10891037")
    assert len(got["lines"]) == 1
    line, gold = got["lines"][0], want["lines"][0]
    for k in ("line_no", "uom", "unit_price", "amount"):
        assert same(k, gold[k], line[k]), (k, line[k], gold[k])


def test_quantity_total_is_no_order_total():
    """Pikes Peak closes with "Total Qty on PO 71" and "Total Weight on PO": no money total is printed."""
    got, want = _read("pikespeak_2023-12-000020")
    assert want["total"] is None and got["total"] is None


@pytest.mark.parametrize("stem", ["sigma_4518596136", "sigma_4519750544"])
def test_bilingual_labels_with_the_translation_in_parentheses(stem):
    """Sigma (SAP, Mexico): "Orden de Compra" over "(Purchase Order)" over the number, "FECHA" over "(Date)"
    over "10.12.2025": the parenthesised translation is the label right above the value."""
    got, want = _read(stem)
    assert (got["po_number"], got["po_date"]) == (want["po_number"], want["po_date"])
