"""Line tables of real purchase orders (docs/real/po, never the hold-out ten): one test per cause of issue 19.

Each test reads a real document the engine was not built on and checks the values the gold answer
holds for the cause named; a document stands for a layout family, not for itself.
"""

from __future__ import annotations

from decimal import Decimal
from functools import cache

from fixtures.real_docs import extract_real

from orderflow.bench.accuracy import same


@cache
def _read(stem: str) -> tuple[dict, dict]:
    result, gold = extract_real(stem)
    assert len(result.orders) == 1, result.issues
    return result.orders[0].to_json_dict(), gold


def _lines(stem: str) -> tuple[list[dict], list[dict]]:
    order, gold = _read(stem)
    return order["lines"], gold["lines"]


def _same(keys: tuple[str, ...], got: dict, want: dict) -> None:
    """The bench's verdict per field (Decimal equality for numbers, fuzzy descriptions)."""
    for k in keys:
        assert same(k, want.get(k), got.get(k)), (k, got.get(k), want.get(k))


def test_header_over_two_lines_neither_enough_alone():
    """Cause "table header not found": "Pos | Unsere Nr. | Ihre Nummer | Menge | EUR" over
    "Artikelbezeichnung | Preis / Einheit | Termin" (Swiss ERP) names the columns only together."""
    got, want = _lines("etimark_2500548")
    assert len(got) == len(want) == 2
    for g, w in zip(got, want, strict=True):
        _same(("line_no", "customer_part", "description", "qty", "unit_price", "amount"), g, w)


def test_records_over_two_baselines_under_a_two_tier_header():
    """Cause "record segmentation": each header line labels one row of every record (Nassau
    "Your-item-# / Our-item-#", "Qty/Unit / Unit-price"; SAP "Pos. Material / Bestellmenge Einheit Preis
    Nettowert"); the second row completes the record instead of becoming a line of its own. The
    document's appended second copy adds no lines."""
    got, want = _lines("nassau_2246085")
    assert len(got) == len(want) == 47
    for g, w in zip(got, want, strict=True):
        _same(("line_no", "sku", "customer_part", "description", "qty", "unit_price", "amount"), g, w)
    got, want = _lines("vpgroup_1364004")
    assert len(got) == len(want) == 2
    for g, w in zip(got, want, strict=True):
        _same(("line_no", "customer_part", "qty", "uom", "unit_price", "amount"), g, w)


def test_amount_column_found_by_arithmetic():
    """Cause "column roles from header words only": a "SUBTOTAL" column the lexicon does not read as the
    line amount is the one where qty × unit cost closes (Kuwaiti dinars, three decimals)."""
    got, want = _lines("uellow_P00342")
    assert len(got) == len(want) == 17
    closing = [g for g in got if Decimal(g["qty"]) * Decimal(g["unit_price"]) == Decimal(g["amount"])]
    assert len(closing) == 17
    for g, w in zip(got, want, strict=True):
        _same(("line_no", "qty", "unit_price", "amount"), g, w)  # "1" over "0" in a narrow cell is line 10


def test_swiss_apostrophe_thousands_in_cells():
    """Cause "value parsing": ``2’851.20`` (typographic apostrophe) is one number, not ``2``."""
    got, want = _lines("etimark_2500548")
    assert Decimal(got[1]["amount"]) == Decimal(want[1]["amount"]) == Decimal("2851.20")


def test_tax_rows_and_net_value_rows_are_not_lines():
    """Cause "table extent": a ``VAT@5%`` row priced like an item (qty 1.0000) and an Indian
    ``IN: Integrated GST 18.00 7623.72`` sub-row are taxes; ``Net Value ( INR )`` closes the table."""
    got, want = _lines("canserve_PO00694")
    assert len(got) == len(want) == 2
    assert not any("VAT" in (g.get("description") or "") for g in got)
    got, want = _lines("jindal_4561185506")
    assert len(got) == len(want) == 1
    _same(("line_no", "customer_part", "qty", "uom", "unit_price", "amount"), got[0], want[0])


def test_code_led_product_cell_and_code_subrow():
    """Causes "column boundaries" and "record segmentation" on a Brazilian retail form: the "Produto" cell
    starts with the buyer's code (``01994888 SORVETE …``) and the row under it holds the supplier's
    reference and an EAN (``8030200100 (CX/12) 731199799696``), which are codes, not description."""
    got, want = _lines("condor_009205753")
    assert len(got) == len(want) == 8
    for g, w in zip(got, want, strict=True):
        _same(("sku", "customer_part", "description", "qty", "unit_price", "amount"), g, w)


def test_dimension_subrows_and_unit_under_the_quantity_header():
    """Causes "record segmentation" and "column boundaries" (Italian bilingual form): ``Alt. 20,00 Larg.
    184,00 Prof. 120,00`` rows are dimensions, neither lines nor description; "Quantità" stands over the
    unit ``NR`` while the quantity is printed right of it under no header."""
    got, want = _lines("poliform_300000946")
    assert len(got) == len(want) == 13
    for g, w in zip(got, want, strict=True):
        _same(("line_no", "description", "qty", "uom", "unit_price", "amount"), g, w)


def test_dates_under_a_money_header_are_no_amount():
    """Cause "column roles from header words only": "Importo | Consegna" over one column of delivery dates
    (the amount cell left empty) gives no amount of 18 from ``18/02/26``."""
    got, want = _lines("deca_A000125")
    assert len(got) == len(want) == 17
    for g, w in zip(got, want, strict=True):
        _same(("qty", "unit_price", "amount"), g, w)
