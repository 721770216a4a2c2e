"""Template-free PDF POs in IT/PT/PL/SV/DA/NO/CS/TR/ZH/JA (tests/pdf/generate.py make_lang): labels, dates in
numbers and in words, decimal commas, net/VAT/gross rows ending the table, CID fonts for Chinese/Japanese."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from generate import MORE_LANGS, make_lang

from orderflow.bench.accuracy import score_folder
from orderflow.extractors import ExtractContext, extract

SEEDS = 4  # label variants rotate with the seed; seed 1 and 3 print dates in words where the language has them


@pytest.fixture(scope="module")
def lang_docs(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("langs")
    for lang in MORE_LANGS:
        for seed in range(SEEDS):
            make_lang(out / f"{lang}_{seed:03d}.pdf", seed, lang)
    return out


def _order(path: Path):
    return extract(path.read_bytes(), ExtractContext(filename=path.name, ocr=False)).orders[0]


@pytest.mark.parametrize("lang", sorted(MORE_LANGS))
def test_language_field_accuracy(lang_docs, lang):
    report = score_folder(lang_docs, ocr=False, pattern=f"{lang}_*")
    assert report["documents"] == SEEDS
    assert report["field_accuracy"] >= 0.98, report["errors_by_field"]


@pytest.mark.parametrize("lang", sorted(MORE_LANGS))
def test_language_header_and_first_line(lang_docs, lang):
    for seed in (0, 1):  # a numeric date and (where the language has month names) a date in words
        path = lang_docs / f"{lang}_{seed:03d}.pdf"
        gold = json.loads(path.with_suffix(".expected.json").read_text())
        o = _order(path)
        assert o.po_number == gold["po_number"]
        assert o.po_date.isoformat() == gold["po_date"]
        assert o.requested_delivery_date.isoformat() == gold["requested_delivery_date"]
        assert o.currency == gold["currency"]
        assert o.declared_total == Decimal(gold["total"])  # the gross row, not the net or VAT row
        assert len(o.lines) == len(gold["lines"])  # the totals rows end the table
        first = o.lines[0]
        assert first.qty == Decimal(gold["lines"][0]["qty"])
        assert first.unit_price == Decimal(gold["lines"][0]["unit_price"])
        assert first.description == gold["lines"][0]["description"]


def test_cid_fonts_round_trip_through_pdfplumber(lang_docs):
    import pdfplumber

    for lang, words in (("zh", ("采购订单号", "物料描述", "总计")), ("ja", ("注文書", "品名", "合計金額"))):
        with pdfplumber.open(lang_docs / f"{lang}_000.pdf") as pdf:
            text = pdf.pages[0].extract_text()
        assert all(w in text for w in words), text[:300]
