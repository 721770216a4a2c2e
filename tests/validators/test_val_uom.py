from __future__ import annotations

from decimal import Decimal

from validators_helpers import acme_order, line

from orderflow.canonical import Item, ReferenceData, UomConversion
from orderflow.validators import ValidationConfig
from orderflow.validators.cache import item_index
from orderflow.validators.sku import resolve_skus
from orderflow.validators.uom import check_uoms


def _check(ref, *lines, config=None):
    config = config or ValidationConfig()
    order = acme_order(*lines)
    resolved, sku_issues = resolve_skus(order, ref, "ACME", config)
    assert sku_issues == []
    return resolved, check_uoms(order, resolved, ref, config)


def test_aliases_and_chains_to_base(ref):
    resolved, issues = _check(
        ref,
        line(qty=2, uom="PLT", sku="JAN-3001"),  # 1 PL = 40 CA, 1 CA = 12 RL
        line(qty=3, uom="cases", sku="SAF-2001"),  # 1 CA = 10 BX
        line(qty=1, uom="CS", sku="FAS-1001"),  # 1 CA = 10 BX, 1 BX = 100 EA
        line(qty=5, uom="ROLL", sku="JAN-3001"),  # base itself (case pack 12: warning)
        line(qty=2, uom="DZ", sku="SAF-2003"),  # catalog-wide DZ → PR
    )
    assert [(r.uom, r.factor, r.base_qty) for r in resolved] == [
        ("PL", Decimal(480), Decimal(960)), ("CA", Decimal(10), Decimal(30)), ("CA", Decimal(1000), Decimal(1000)),
        ("RL", Decimal(1), Decimal(5)), ("DZ", Decimal(12), Decimal(24)),
    ]
    assert [i.code for i in issues] == ["CASE_PACK"]
    assert issues[0].field == "lines[3].qty" and issues[0].suggestions[0].value == "12"


def test_reverse_chain_factor():
    ref = ReferenceData(items=[Item(sku="X", base_uom="EA", sellable_uoms=["EA", "PL"])],
                        uom_conversions=[UomConversion(sku="X", from_uom="PL", to_uom="CA", factor=Decimal(40)),
                                         UomConversion(sku="X", from_uom="CA", to_uom="EA", factor=Decimal(6))])
    idx = item_index(ref)
    assert idx.factor("X", "PL", "EA") == Decimal(240)
    assert idx.factor("X", "EA", "PL") * 240 == Decimal(1)
    assert idx.factor("X", "BX", "EA") is None


def test_uom_not_sold_and_unknown(ref):
    resolved, issues = _check(
        ref,
        line(qty=1, uom="BX", sku="FAS-1011"),  # threaded rod sold by the each only
        line(qty=1, uom="FOO", sku="FAS-1001"),
        line(qty=20, uom="EA", sku="SAF-2001"),  # gloves: EA not sold and no EA conversion
    )
    codes = [(i.code, i.field) for i in issues]
    assert ("UOM_NOT_SOLD", "lines[0].uom") in codes
    assert ("UOM_UNKNOWN", "lines[1].uom") in codes
    assert ("UOM_NOT_SOLD", "lines[2].uom") in codes and ("UOM_UNKNOWN", "lines[2].uom") not in codes  # one is enough
    not_sold = next(i for i in issues if i.field == "lines[2].uom" and i.code == "UOM_NOT_SOLD")
    assert not_sold.expected == ["BX", "CA"] and not_sold.actual == "EA"
    assert [s.value for s in not_sold.suggestions] == ["BX", "CA"] and "1 CA = 10 BX" in not_sold.suggestions[1].label
    assert resolved[1].base_qty is None


def test_missing_uom_defaults_to_base(ref):
    resolved, issues = _check(ref, line(qty=200, sku="FAS-1003"))
    assert (resolved[0].uom, resolved[0].base_qty) == ("EA", Decimal(200)) and issues == []


def test_case_pack_and_moq_severity_follow_config(ref):
    strict = ValidationConfig(case_pack_severity="error", moq_severity="error")
    _r, issues = _check(ref, line(qty=150, uom="EA", sku="FAS-1001"), line(qty=4, uom="EA", sku="FAS-1011"),
                        config=strict)
    by_code = {i.code: i for i in issues}
    assert by_code["CASE_PACK"].severity == "error" and by_code["CASE_PACK"].suggestions[0].value == "200"
    assert by_code["MIN_ORDER_QTY"].severity == "error" and by_code["MIN_ORDER_QTY"].suggestions[0].value == "10"
    _r, issues = _check(ref, line(qty=150, uom="EA", sku="FAS-1001"), line(qty=4, uom="EA", sku="FAS-1011"))
    assert {i.code: i.severity.value for i in issues} == {"CASE_PACK": "warning", "MIN_ORDER_QTY": "warning"}
    _r, issues = _check(ref, line(qty=2, uom="BX", sku="FAS-1001"), line(qty=10, uom="EA", sku="FAS-1011"))
    assert issues == []


def test_sellable_uom_without_conversion_is_unknown():
    ref = ReferenceData(items=[Item(sku="X", base_uom="EA", sellable_uoms=["EA", "BX"])])
    order = acme_order(line(qty=2, uom="BX", sku="X"))
    config = ValidationConfig()
    resolved, _ = resolve_skus(order, ref, None, config)
    issues = check_uoms(order, resolved, ref, config)
    assert [(i.code, i.expected, i.actual) for i in issues] == [("UOM_UNKNOWN", "EA", "BX")]
    assert "no conversion from BX to EA" in issues[0].message and resolved[0].base_qty is None
