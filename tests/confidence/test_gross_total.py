"""A gross total (the lines plus GST, tax not itemised) is the document's arithmetic closing, not a
TOTAL_MISMATCH: two real Indian purchase orders (docs/real/po, never the hold-out), read and checked
against their gold answer."""

from __future__ import annotations

from decimal import Decimal

import pytest
from fixtures.real_docs import extract_real

from orderflow.validators.totals import check_totals


@pytest.mark.parametrize(("stem", "net", "gross"), [
    ("wheelindeal_1", Decimal("113628.00"), Decimal("134081.00")),
    ("esbee_PO23008082", Decimal("98600.00"), Decimal("116348.00")),
])
def test_a_gst_gross_total_is_no_mismatch_and_its_total_is_trusted(stem: str, net: Decimal, gross: Decimal) -> None:
    result, gold = extract_real(stem)
    order = result.orders[0]
    assert order.declared_total == gross == Decimal(gold["total"])
    assert sum(line.amount for line in order.lines) == net  # 18% GST on top, printed but not a line
    codes = {str(i.code) for i in result.issues} | {str(i.code) for i in check_totals(order)}
    assert "TOTAL_MISMATCH" not in codes
    assert order.provenance["declared_total"].confidence >= 0.8
