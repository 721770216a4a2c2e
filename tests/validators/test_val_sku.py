from __future__ import annotations

import datetime as dt
from decimal import Decimal

from validators_helpers import acme_order, line

from orderflow.canonical import CrossReference, Item, ReferenceData
from orderflow.validators import ValidationConfig, ValidationContext, validate
from orderflow.validators.cache import item_index
from orderflow.validators.sku import fuzzy_candidates, resolve_skus

CFG = ValidationConfig()


def _resolve(ref, *lines, customer="ACME", config=CFG):
    return resolve_skus(acme_order(*lines), ref, customer, config)


def test_exact_xref_gtin_and_qualifier_paths(ref):
    lines, issues = _resolve(
        ref,
        line(qty=1, sku="fas-1003"),  # our SKU, any case
        line(qty=1, customer_part="AC-77813"),  # ACME's part → FAS-1003
        line(qty=1, gtin="00085001200017"),  # GTIN-14 of the UPC-A 085001200017 (FAS-1002)
        line(qty=1, ids={"VN": "JAN-3004", "BP": "x"}),  # X12 vendor item number
        line(qty=1, customer_part="SAF-2004"),  # our SKU printed in the part column
        line(qty=1, gtin="4006380000001"),  # GTIN-13 of FAS-1001
    )
    assert issues == []
    assert [(rl.sku, rl.resolved_by) for rl in lines] == [
        ("FAS-1003", "exact"), ("FAS-1003", "xref"), ("FAS-1002", "gtin"), ("JAN-3004", "partner_qualifier"),
        ("SAF-2004", "exact"), ("FAS-1001", "gtin"),
    ]


def test_partner_specific_qualifier_and_parent_xref(ref):
    config = ValidationConfig(partner_qualifiers={"GLOBEX": {"ZZ": "sku", "CB": "customer_part"}})
    lines, issues = _resolve(ref, line(qty=1, ids={"ZZ": "ELC-4002"}), line(qty=1, ids={"CB": "GX-SAF-0007"}),
                             customer="GLOBEX", config=config)
    assert issues == [] and [(rl.sku, rl.resolved_by) for rl in lines] == [
        ("ELC-4002", "partner_qualifier"), ("SAF-2007", "partner_qualifier")]
    # without the partner config, ZZ means nothing and the line is unknown
    _lines, issues = _resolve(ref, line(qty=1, ids={"ZZ": "ELC-4002"}), customer="GLOBEX")
    assert [i.code for i in issues] == ["SKU_UNKNOWN"]
    # a parent account's cross-reference serves its children
    ref.cross_references = [*ref.cross_references, CrossReference(customer_id="ACME-GROUP", customer_part="GRP-1",
                                                                   sku="MRO-5003")]
    lines, issues = _resolve(ref, line(qty=1, customer_part="grp-1"), customer="HOOLI")
    assert issues == [] and (lines[0].sku, lines[0].resolved_by) == ("MRO-5003", "xref")


def test_fuzzy_accepts_only_a_clear_winner(ref):
    lines, issues = _resolve(ref, line(qty=1, description="stretch wrap film 18 in x 1500 ft"))
    assert issues == [] and (lines[0].sku, lines[0].resolved_by) == ("MRO-5002", "fuzzy")
    assert lines[0].match_score >= CFG.fuzzy_accept_score

    # "nitrile gloves powder-free blue" fits large and medium equally: suggestions, no guess
    lines, issues = _resolve(ref, line(line_no="7", qty=1, customer_part="GLV-NIT", description="nitrile gloves powder-free blue"))
    assert lines[0].sku is None
    issue = issues[0]
    assert issue.code == "SKU_UNKNOWN" and issue.field == "lines[0].sku" and issue.severity == "error"
    values = [s.value for s in issue.suggestions]
    assert set(values[:2]) == {"SAF-2001", "SAF-2002"} and len(values) <= 3
    assert abs(issue.suggestions[0].score - issue.suggestions[1].score) < CFG.fuzzy_accept_margin
    assert "Line 7" in issue.message and "GLV-NIT" in issue.message


def test_fuzzy_thresholds_are_configurable(ref):
    strict = ValidationConfig(fuzzy_accept_score=99.5)
    lines, issues = _resolve(ref, line(qty=1, description="stretch wrap film 18 in x 1500 ft"), config=strict)
    assert lines[0].sku is None and issues[0].suggestions[0].value == "MRO-5002"


def test_typo_in_code_suggests_the_item(ref):
    lines, issues = _resolve(ref, line(qty=1, sku="ELC-4O05"))  # letter O for zero: an OCR look-alike
    assert (lines[0].sku, lines[0].resolved_by, lines[0].match_score) == ("ELC-4005", "fuzzy", 97.0)
    lines, issues = _resolve(ref, line(qty=1, sku="ELC-4095"))  # a real typo: several neighbours tie
    assert lines[0].sku is None
    assert "ELC-4005" in [s.value for s in issues[0].suggestions] and issues[0].suggestions[0].score > 80


def test_nothing_alike_gives_unknown_without_suggestions(ref):
    _lines, issues = _resolve(ref, line(qty=1, customer_part="QQQ", description="zzzz yyyy"))
    assert [i.code for i in issues] == ["SKU_UNKNOWN"] and issues[0].suggestions == []


def test_inactive_item(ref):
    lines, issues = _resolve(ref, line(qty=100, sku="FAS-1012"))
    assert lines[0].sku == "FAS-1012" and [i.code for i in issues] == ["SKU_INACTIVE"]
    assert issues[0].field == "lines[0].sku" and "no longer sold" in issues[0].message


def test_learned_cross_reference_makes_the_second_identical_order_pass(ref):
    order = acme_order(line(qty=100, uom="EA", customer_part="AC-99001", description="bolt m8 special", unit_price="0.18"))
    first = validate(order, ref, ValidationContext(), ValidationConfig())
    assert "SKU_UNKNOWN" in first.codes() and first.blocking
    # the CSR picks FAS-1001; review stores it as a learned cross-reference
    ref.cross_references.append(CrossReference(customer_id="ACME", customer_part="AC-99001", sku="FAS-1001",
                                               source="learned", created_by="csr1"))
    second = validate(order, ref, ValidationContext(), ValidationConfig())
    assert not second.blocking, second.codes()
    assert (second.lines[0].sku, second.lines[0].resolved_by) == ("FAS-1001", "learned")
    assert second.lines[0].contract_price == Decimal("0.18")


def test_erp_xref_wins_over_a_conflicting_learned_one(ref):
    ref.cross_references.append(CrossReference(customer_id="ACME", customer_part="AC-77812", sku="FAS-1002",
                                               source="learned"))
    lines, _ = _resolve(ref, line(qty=1, customer_part="AC-77812"))
    assert (lines[0].sku, lines[0].resolved_by) == ("FAS-1001", "xref")


def test_fuzzy_on_a_generated_catalog_finds_the_right_item():
    items = [Item(sku=f"HB-{i:05d}", description=f"HEX BOLT M{6 + i % 7} X {10 + (i // 7) % 40}MM GRADE {i // 280}")
             for i in range(20000)]
    ref = ReferenceData(items=items)
    idx = item_index(ref)
    # one mistyped digit: the intended item ties with its neighbours, so nothing is auto-accepted
    cands = fuzzy_candidates(idx, "HB-12X45", None, 60)
    assert len(cands) == 3 and cands[0][1] == cands[2][1] < ValidationConfig().fuzzy_accept_score
    # an OCR look-alike (S for 5) scores just under exact and clearly above the neighbours
    cands = fuzzy_candidates(idx, "HB-1234S", None, 60)
    assert cands[0][0].sku == "HB-12345" and cands[0][1] == 97.0 and cands[0][1] - cands[1][1] > 8
    target = items[4321]
    cands = fuzzy_candidates(idx, None, target.description.lower(), 60)
    assert cands[0][0].sku == target.sku and cands[0][1] == 100


def test_xref_uom_is_used_when_the_line_has_none(ref):
    order = acme_order(line(qty=2, customer_part="AC-30501", unit_price="38.40"), po_date=dt.date(2026, 6, 1))
    result = validate(order, ref, ValidationContext(), ValidationConfig())
    rl = result.lines[0]
    assert (rl.sku, rl.uom, rl.base_qty) == ("JAN-3001", "CA", Decimal("24"))
    assert not result.blocking, result.codes()


def test_in_place_edit_needs_invalidate_appends_do_not(ref):
    from orderflow.validators.cache import invalidate

    assert _resolve(ref, line(qty=1, sku="FAS-1003"))[1] == []
    ref.item("FAS-1003").active = False  # in place: same list, same length
    invalidate(ref)
    assert [i.code for i in _resolve(ref, line(qty=1, sku="FAS-1003"))[1]] == ["SKU_INACTIVE"]
    ref.items.append(Item(sku="NEW-1", description="brand new"))  # append: picked up without invalidate
    assert _resolve(ref, line(qty=1, sku="NEW-1"))[1] == []


def test_a_few_words_contained_in_one_description_are_not_enough(ref):
    # "hex bolt m8 zinc" is contained only in FAS-1001, but four words are weak evidence: suggest, do not take
    lines, issues = _resolve(ref, line(qty=1, description="hex bolt M8 zinc"))
    assert lines[0].sku is None and issues[0].suggestions[0].value == "FAS-1001"
    lone = ReferenceData(items=[Item(sku="A", description="hex bolt")])
    lines, issues = resolve_skus(acme_order(line(qty=1, description="hex")), lone, None, CFG)
    assert lines[0].sku is None and [s.value for s in issues[0].suggestions] == ["A"]
