from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from validators_helpers import SAMPLES

from orderflow.erp_push.reference_csv import ReferenceCsvError, load_reference_csv


def test_sample_reference_data_loads_with_decimals(sample_ref):
    ref = sample_ref
    assert len(ref.items) >= 40
    assert {c.id for c in ref.customers} >= {"ACME", "GLOBEX", "INITECH", "UMBRELLA", "HOOLI", "ACME-GROUP"}
    bolt = ref.item("FAS-1001")
    assert bolt.case_pack == Decimal("100") and isinstance(bolt.case_pack, Decimal)
    assert bolt.sellable_uoms == ["EA", "BX", "CA"]
    assert ref.item("FAS-1012").active is False
    hooli = ref.customer("HOOLI")
    assert hooli.parent_id == "ACME-GROUP" and hooli.email_domains == ["hooli.example"]
    globex = ref.customer("GLOBEX")
    assert "4405197800" in globex.edi_ids and "8711576000012" in globex.edi_ids
    assert ref.customer("ACME").edi_ids == ["ACMEMFG", "0614141000012"]
    umbrella = next(c for c in ref.credit if c.customer_id == "UMBRELLA")
    assert umbrella.hold is True
    initech = next(c for c in ref.credit if c.customer_id == "INITECH")
    assert initech.limit - initech.exposure == Decimal("1700.00")
    promo = next(a for a in ref.price_agreements if a.id == "PA-ACME-007")
    assert promo.price == Decimal("6.50") and promo.valid_to.isoformat() == "2026-05-31"
    ship = next(s for s in ref.ship_tos if s.id == "GLOBEX-SOLON")
    assert ship.ids == {"9": "0003947268292"} and ship.address.postal_code == "44139"
    quote = next(q for q in ref.quotes if q.number == "Q-2026-0107")
    assert [ql.sku for ql in quote.lines] == ["ELC-4004", "ELC-4005"]
    assert all(isinstance(a.price, Decimal) for a in ref.price_agreements)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    dest = tmp_path / "ref"
    shutil.copytree(SAMPLES, dest)
    return dest


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def test_bad_decimal_names_file_row_and_column(folder):
    _edit(folder / "price_agreements.csv", "PA-ACME-004,ACME,FAS-1003,0.06", "PA-ACME-004,ACME,FAS-1003,zero.06")
    with pytest.raises(ReferenceCsvError) as err:
        load_reference_csv(folder)
    assert err.value.file == "price_agreements.csv" and err.value.row == 5 and err.value.column == "price"
    assert "price_agreements.csv, row 5, column 'price'" in str(err.value)


def test_missing_column_and_missing_file(folder):
    _edit(folder / "credit.csv", "customer_id,limit", "customer_id,credit_limit")
    with pytest.raises(ReferenceCsvError, match=r"credit.csv, row 1, column 'limit'"):
        load_reference_csv(folder)
    (folder / "items.csv").unlink()
    with pytest.raises(ReferenceCsvError, match="items.csv: file is missing"):
        load_reference_csv(folder)


def test_bad_uom_bool_pairs_date_and_duplicates(folder):
    cases = [
        ("uom_conversions.csv", "FAS-1001,BX,EA,100", "FAS-1001,BXX,EA,100", "from_uom"),
        ("customers.csv", "USD,true,partial", "USD,maybe,partial", "active"),
        ("ship_tos.csv", "92:0001|9:0614141000029", "92-0001", "ids"),
        ("price_agreements.csv", "0,2026-03-01,2026-05-31", "0,2026-03-01,31/05/2026", "valid_to"),
        ("items.csv", "FAS-1002,", "FAS-1001,", "sku"),
        ("uom_conversions.csv", "FAS-1001,BX,EA,100", "FAS-1001,BX,EA,0", "factor"),
    ]
    for name, old, new, column in cases:
        original = (folder / name).read_text()
        _edit(folder / name, old, new)
        with pytest.raises(ReferenceCsvError) as err:
            load_reference_csv(folder)
        assert err.value.file == name and err.value.column == column, str(err.value)
        assert err.value.row is not None and err.value.row >= 2
        (folder / name).write_text(original)
    assert len(load_reference_csv(folder).items) >= 40


def test_extra_cells_are_reported(folder):
    _edit(folder / "stock.csv", "FAS-1001,MAIN,25000,4000", "FAS-1001,MAIN,25000,4000,oops")
    with pytest.raises(ReferenceCsvError, match=r"stock.csv, row 2: 5 cells but the header has 4"):
        load_reference_csv(folder)
