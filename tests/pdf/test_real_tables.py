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


def test_units_column_style_codes_and_centred_page_line_numbers():
    """TJX Canada (Winners, HomeSense): "UNITS" is the ordered quantity, "STYLE" the buyer's item number,
    "PAGE- LINE" numbers ("1-1") printed alone, centred in each record's block of key/value sub-rows, and
    the header reprinted on the next page over a single item. Every line, every field."""
    keys = ("line_no", "sku", "customer_part", "description", "qty", "uom", "unit_price", "amount")
    for stem, n in (("winners_467177", 5), ("homesense_564469", 4)):
        got, want = _lines(stem)
        assert len(got) == len(want) == n, stem
        for g, w in zip(got, want, strict=True):
            _same(keys, g, w)


def test_three_line_header_with_numbered_columns():
    """T.J. Maxx: "Total | Units" over a header line naming numbered DC columns ("DC# 891"): the header is
    three lines, "Total Units" the quantity (not the DC split), "TJX Style #" the buyer's item number."""
    got, want = _lines("tjmaxx_044311")
    assert len(got) == len(want) == 6
    for g, w in zip(got, want, strict=True):
        _same(("line_no", "sku", "customer_part", "description", "qty"), g, w)


def test_sap_records_under_labels_left_of_their_values():
    """SAP MEDRUCK (Horn & Bauer): "Pos. | Material | Bezeichnung" over "Bestellmenge | Einheit | Preis pro
    Einheit | Nettowert" label the two rows of each record, the values right-aligned far right of their
    labels (no gutter meets a label); the "Ihre Materialnummer SDS2884" sub-row is the supplier's code; the
    item name is the short text, the long item text under it is not."""
    got, want = _lines("hornbauer_4500205007")
    assert len(got) == len(want) == 1
    _same(("line_no", "sku", "customer_part", "description", "qty", "uom", "unit_price", "amount"), got[0], want[0])


def test_spec_subrows_do_not_bridge_columns_and_page_top_is_no_item():
    """Amcor (SAP): dimension rows inside the description cell ("60 x 0,20 x 007 x 1,3mm") must not merge the
    quantity and unit columns; the page-2 letterhead above the reprinted header is no item; "00010 3448361"
    is the position and the material; the unit comes with the quantity ("100 ST") when the unit column
    holds the price unit ("1 ST")."""
    got, want = _lines("amcor_4530944287")
    assert len(got) == len(want) == 2
    for g, w in zip(got, want, strict=True):
        _same(("line_no", "sku", "customer_part", "qty", "uom", "unit_price", "amount"), g, w)
    _same(("description",), got[1], want[1])  # wrapped past the cell edge into the quantity column


def test_items_printed_as_key_value_cards():
    """Geissmann (combit List & Label): no line table, every item a card of "Artikelnummer / Bezeichnung
    (wrapped) / Menge / Preis in EUR" rows; "Menge / Preis" names two cells and "42.73 per 1 Stk" is the
    price and its basis."""
    got, want = _lines("geissmann_815182")
    assert len(got) == len(want) == 3
    for g, w in zip(got, want, strict=True):
        _same(("customer_part", "description", "qty", "uom", "unit_price"), g, w)


def test_record_codes_open_it_numbers_close_it_and_arithmetic_moves_a_money_role():
    """Feldmann: "B2509-06801 | R7-000878 | 3M 9353R Splicetape" opens each record, its wrapped text follows
    and "16 Stück 37,68 602,88" closes it: the codes are this record's, not wrapped text of the one above.
    The stacked header "EK-Preis nettoBetrag netto" names the price column the amount; 16 × 37,68 = 602,88
    on every row moves the amount to the column that closes the product."""
    got, want = _lines("feldmann_B2509-068")
    assert len(got) == len(want) == 2
    for g, w in zip(got, want, strict=True):
        _same(("customer_part", "qty", "uom", "unit_price", "amount"), g, w)
    _same(("description",), got[1], want[1])


def test_note_between_header_and_items_is_no_stop_row():
    """Radwell: "Shipping Instructions: Use UPS Account …" printed under the item header, above the first
    item, is a note, not the table's closing total (it carries no number); "NEW HYDAC 0160D010BH4HC" under
    "Manufacturer, Part Number" holds the part number after the words naming it."""
    got, want = _lines("radwell_40479801")
    assert len(got) == len(want) == 1
    _same(("customer_part", "description", "qty", "uom", "unit_price", "amount"), got[0], want[0])


def test_centred_description_running_into_the_unit_cell():
    """Quasarbizz: a centred description ("BAYGON RAID CASA Y JARDIN 400 ML/12") runs into the Unidad column's
    gutter; the unit is the cell's unit word (Unidad, Paquete), the rest is description text."""
    got, want = _lines("quasarbizz_oc_2025-07-24")
    assert len(got) == len(want) == 4
    for g, w in zip(got, want, strict=True):
        _same(("description", "qty", "uom", "unit_price", "amount"), g, w)


def test_scan_row_on_two_baselines_and_totals_box_under_it():
    """Atmastco (image-only scan, OCR): the rate printed a few points above the quantity's baseline is the
    same record; the totals box under the items ("Total Basic Amount", "P & F Charges 0.00") makes neither a
    two-tier header nor items; the "Make - Bharat Bijlee" sub-row is no description text."""
    result, want = extract_real("atmastco_2200000164_scan", ocr=True)
    got = result.orders[0].to_json_dict()["lines"]
    assert len(got) == len(want["lines"]) == 1
    _same(("customer_part", "description", "qty", "uom", "unit_price", "amount"), got[0], want["lines"][0])


def test_cards_with_position_numbers_and_unlabelled_text():
    """TKM Meyer (scan, OCR): each item a card "10  Material: 753152 / Ihre Materialnr.: SDS041G / Menge: 10 ST"
    with the position left of its first label and the item text on unlabelled lines under the card."""
    result, want = extract_real("tkmmeyer_888056_scan", ocr=True)
    got = result.orders[0].to_json_dict()["lines"]
    assert len(got) == len(want["lines"]) == 3
    for g, w in zip(got, want["lines"], strict=True):
        _same(("line_no", "customer_part", "description", "qty", "uom"), g, w)
    _same(("sku",), got[1], want["lines"][1])


def test_merged_position_label_and_bilingual_unit_label():
    """Sigma (Spanish/English SAP form): "Ptda. Código / (Item) (Code)" merged over one gutter column holding
    10, 20, 30 is the position column; "Unidad (Unit)" names the unit in either language."""
    got, want = _lines("sigma_4519750544")
    assert len(got) == len(want) == 6
    for g, w in zip(got, want, strict=True):
        _same(("line_no", "qty", "uom", "unit_price", "amount"), g, w)


def test_schedule_subrows_are_no_text_and_the_net_row_completes_the_record():
    """Cause "record segmentation" (multi-row records): UNFI prints each item's delivery schedule on rows
    begun in the pack column ("?AU 7/21-8/31 N TOP  HOW 38-A"), left of where the item's description
    starts: no wrapped text. The row under an item with no line value ("ALLOWANCE - DISC: … 1.35 12.15
    1,458.00") carries its net price and value: qty × 12.15 = 1,458.00 closes, so they are the record's."""
    got, want = _lines("unfi_4417692")
    assert len(got) == len(want) == 5
    assert "HOW" not in got[0]["description"] and "?AU" not in got[0]["description"]
    assert "MIN 50" not in got[0]["description"]
    for g, w in zip(got[:2], want[:2], strict=True):
        _same(("qty", "unit_price", "amount"), g, w)
    assert (Decimal(got[0]["unit_price"]), Decimal(got[0]["amount"])) == (Decimal("12.15"), Decimal("1458.00"))
    for g, w in zip(got, want, strict=True):
        _same(("line_no", "qty", "unit_price", "amount"), g, w)
    got, want = _lines("sigma_4518596136")  # a consulting PO's labelled sub-rows begin at the page's left edge
    _same(("description", "qty", "unit_price", "amount"), got[0], want[0])


def test_brand_column_split_from_the_description_by_its_label():
    """Cause "column boundaries": "Brand | Product Description" over ``CUCAMO PESTO,GENOVESE`` (one phrase on
    every item row, the word gap too narrow for a gutter): the header labels' extents split the column, the
    brand is no part of the item's name; a "Pack U/M" cell holding a size ("7.9 FZ") is no order unit."""
    got, want = _lines("unfi_4417692")
    assert [g["description"] for g in got] == [w["description"] for w in want] == [
        "PESTO,GENOVESE", "PESTO,SUNDRIED TOMAT", "RICE,ABORIO", "ARTICHOKE HEART,MARI", "ARTICHOKES,WHL,MARIN"]
    assert all(g.get("uom") is None for g in got)


def test_unit_words_right_of_the_quantity_under_any_unit_label():
    """Cause "column roles from header words only": the column right of the quantity whose cells are unit
    words is the unit of measure under a label the lexicon reads as a second quantity ("Quantity | Units":
    ``kg``, ``x``) or not at all (German "Menge | Einh": ``rol``)."""
    got, want = _lines("phoenix_PX0924-163")
    assert [g["uom"].lower() for g in got] == [w["uom"] for w in want] == ["kg", "x"]
    for g, w in zip(got, want, strict=True):
        _same(("qty", "unit_price", "amount"), g, w)
    got, want = _lines("nyco_BST026017")
    assert got[0]["uom"].lower() == want[0]["uom"] == "rol"
    _same(("line_no", "qty", "unit_price", "amount"), got[0], want[0])


def test_cramped_value_columns_split_under_their_labels_and_taxable_value_is_the_amount():
    """Cause "column boundaries" on cramped scans: two labels side by side over one gutter column ("HSN / SAC |
    Quantity" over ``84311090 6.000``, "Rate | Dis. Amount/%" over ``80750 -5.00%``) split it where the item
    rows' numbers part under each; the arithmetic then finds the pre-tax "Taxable Value" as the line amount
    (6 × 78,000 = 468,000), with the price column whose label ran on over the discount still a candidate."""
    result, want = extract_real("modularcranes_MCMC-547-25-26_scan", ocr=True)
    got = result.orders[0].to_json_dict()["lines"]
    assert len(got) == len(want["lines"]) == 1
    _same(("qty", "unit_price", "amount"), got[0], want["lines"][0])
    result, want = extract_real("hira_8500000322_scan", ocr=True)
    got = result.orders[0].to_json_dict()["lines"]
    assert [Decimal(g["unit_price"]) for g in got] == [Decimal(w["unit_price"]) for w in want["lines"]] \
        == [Decimal("80750"), Decimal("9400")]


def test_item_column_of_words_is_the_name_and_whole_currency_groups_thousands():
    """Causes "column roles from header words only" and "value parsing": a bare "Item" column holding words
    without digits ("ATK") names the item when no column is headed as its description; in rupiah, which has
    no minor unit, "Rp. 900.000" is nine hundred thousand, not 900."""
    got, want = _lines("cybertrend_002-FA-PO-IX-2015")
    assert len(got) == len(want) == 1
    _same(("line_no", "customer_part", "description", "qty", "uom", "unit_price", "amount"), got[0], want[0])
    assert Decimal(got[0]["amount"]) == Decimal("900000")


def test_code_and_name_under_two_labels_of_one_column():
    """Cause "column boundaries": "Item No. | Description" over ``120GS1016 GT Economy Landscape Seed (20kg)``
    (no gutter between the code and the words) is split between the labels: the code is the buyer's item
    number, the words the description; the seed-mix rows under it ("50% PRG Adagio"), begun left of the
    description, are no part of it."""
    got, want = _lines("greentech_436919")
    assert len(got) == len(want) == 1
    _same(("line_no", "customer_part", "description", "qty", "unit_price", "amount"), got[0], want[0])
    assert got[0]["customer_part"] == "120GS1016"


def test_two_tier_record_name_runs_on_and_brand_row_is_no_text():
    """Cause "record segmentation" (two-row descriptions): Chex prints the item's name on the record's first
    row, running on past its cell into the unread "Pack/Size" column ("… ALMOND STUFFED | DATES gf"), and the
    brand under it ("26800 | KITCHEN & LOVE | 22x16" under "Item # | Brand Name | Ti/Hi"): the name is
    whole, the brand row gives the buyer's item number and no text."""
    got, want = _lines("chex_549928")
    assert len(got) == len(want) == 24
    for g, w in zip(got, want, strict=True):
        _same(("sku", "customer_part", "description", "qty", "uom", "unit_price", "amount"), g, w)
    assert got[0]["description"] == "* DRK CHOC ALMOND STUFFED DATES gf"


def test_name_run_on_stops_at_a_pack_size_or_date():
    """The item's name running on past its cell stops at the first word with a digit: a pack cell ("PT 500ML
    CX/00012", Giassi) or a delivery date ("22.09.2025", Schmid) printed next to it names no item."""
    got, want = _lines("giassi_455340-3")
    assert len(got) == len(want) == 65
    assert all("500ML" not in (g["description"] or "") for g in got)
    for g, w in zip(got, want, strict=True):
        _same(("description",), g, w)
    got, want = _lines("schmidfolien_60245")
    for g, w in zip(got, want, strict=True):
        _same(("description", "qty", "unit_price", "amount"), g, w)


def test_sap_record_values_on_its_labelled_second_row():
    """Cause "record segmentation" (a record over several baselines): a French SAP order prints position,
    text, quantity and unit on the item's row, and "Date de livraison: 09.10.2025 | 234 PCE EUR 3,85 900,90"
    under it. The labelled second row still shows the price and amount columns; it repeats the quantity and
    completes the record (for one piece too, where no product can prove it); "Montant total H.T" closes the
    table; 00010 / 00020 over the records' label words are the positions."""
    result, gold = extract_real("amcorfr_4500292519_vector", ocr=True)  # text drawn as vectors: read by OCR
    got, want = result.orders[0].to_json_dict()["lines"], gold["lines"]
    assert len(got) == len(want) == 2
    for g, w in zip(got, want, strict=True):
        _same(("line_no", "qty", "uom", "unit_price", "amount"), g, w)
    assert [Decimal(g["amount"]) for g in got] == [Decimal("900.90"), Decimal("45.00")]


def test_quantity_lost_by_the_ocr_comes_from_amount_over_price():
    """Cause "text layer" on scans: the OCR kept "NOS" of "5 NOS"; the numbered row still prices 16,000.00
    for 80,000.00, so it is an item of five, not wrapped text of the row above."""
    result, want = extract_real("topper_TWF-STORE-PO-067_scan", ocr=True)
    got = result.orders[0].to_json_dict()["lines"]
    assert len(got) == len(want["lines"]) == 2
    _same(("line_no", "qty", "uom", "unit_price", "amount"), got[1], want["lines"][1])
    assert Decimal(got[1]["qty"]) == 5
