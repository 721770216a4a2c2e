"""Trading-partner config overrides which qualifier is our SKU / the buyer's part; hot-path models are real."""

from __future__ import annotations

import json

from orderflow.canonical import OrderLine
from orderflow.extractors.base import ExtractContext
from orderflow.extractors.edi.lint import lint
from orderflow.extractors.edi.partners import PartnerDirectory
from orderflow.extractors.x12_850 import X12Extractor

DATA = (
    b"ISA*00*          *00*          *ZZ*BUYER          *ZZ*SELLER         *260101*1200*U*00401*000000005*0*P*>~"
    b"GS*PO*BUYERAPP*SELLER*20260101*1200*7*X*004010~ST*850*0001~BEG*00*SA*PO1**20260101~"
    b"PO1*1*2*EA*3.5**VN*THEIRVN*BP*CP1*MG*OURS1~SE*4*0001~GE*1*7~IEA*1*000000005~"
)


def test_partner_file_maps_sender_and_qualifiers(tmp_path):
    cfg = tmp_path / "partners.json"
    cfg.write_text(
        json.dumps(
            {
                "partners": [
                    {
                        "id": "acme",
                        "customer_id": "C-ACME",
                        "sender_ids": ["BUYERAPP"],
                        "sku_qualifiers": ["MG"],
                        "customer_part_qualifiers": ["VN"],
                    }
                ]
            }
        )
    )
    r = X12Extractor(PartnerDirectory.from_file(cfg)).extract(DATA)
    line = r.orders[0].lines[0]
    assert (line.sku, line.customer_part) == ("OURS1", "THEIRVN")
    assert r.orders[0].source.partner_ids["customer_id"] == "C-ACME"
    default = X12Extractor().extract(DATA).orders[0].lines[0]
    assert (default.sku, default.customer_part) == ("THEIRVN", "CP1")


def test_partner_hint_in_context():
    ctx = ExtractContext(hints=[{"kind": "edi_partner", "id": "x", "sku_qualifiers": ["BP"]}])
    assert X12Extractor().extract(DATA, ctx).orders[0].lines[0].sku == "CP1"


def test_fast_built_lines_equal_validated_ones():
    line = X12Extractor().extract(DATA).orders[0].lines[0]
    again = OrderLine.model_validate(line.model_dump())
    assert again == line and again.model_dump(mode="json") == line.model_dump(mode="json")


def test_lint_flags_what_strict_readers_reject():
    assert lint(DATA) == []
    problems = lint(DATA.replace(b"00401", b"00400", 1))
    assert problems and "00400" in problems[0]
    assert any("SE01" in p for p in lint(DATA.replace(b"SE*4*", b"SE*9*")))
