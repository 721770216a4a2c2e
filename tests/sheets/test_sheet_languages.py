"""Spreadsheet POs with header and column labels in IT/PT/PL/SV/DA/NO/CS/TR/ZH/JA: the lines and the
header fields are read without a template (labels matched through extractors/sheet/labels.py)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest

from orderflow.extractors import ExtractContext, extract

# lang: (header labels: po number, order date, supplier, currency, payment terms),
#       (columns: line, code, description, qty, uom, unit price, amount), date as printed, terms, currency
FORMS = {
    "it": (("Numero ordine", "Data ordine", "Fornitore", "Valuta", "Condizioni di pagamento"),
           ("Pos.", "Codice articolo", "Descrizione", "Q.tà", "U.M.", "Prezzo unitario", "Importo"),
           "15/03/2026", "Bonifico 60 gg", "EUR"),
    "pt": (("Número do pedido", "Data do pedido", "Fornecedor", "Moeda", "Condições de pagamento"),
           ("Nº", "Código", "Descrição", "Qtd.", "Un.", "Preço unitário", "Valor total"),
           "15 de março de 2026", "28 DDL", "BRL"),
    "pl": (("Nr zamówienia", "Data zamówienia", "Dostawca", "Waluta", "Warunki płatności"),
           ("Lp.", "Indeks", "Nazwa towaru", "Ilość", "J.m.", "Cena jedn. netto", "Wartość netto"),
           "15 marca 2026", "Przelew 30 dni", "PLN"),
    "sv": (("Beställningsnummer", "Orderdatum", "Leverantör", "Valuta", "Betalningsvillkor"),
           ("Rad", "Artikelnr", "Benämning", "Antal", "Enhet", "À-pris", "Belopp"),
           "2026-03-15", "30 dagar netto", "SEK"),
    "da": (("Ordrenummer", "Ordredato", "Leverandør", "Valuta", "Betalingsbetingelser"),
           ("Linje", "Varenr.", "Beskrivelse", "Antal", "Enhed", "Enhedspris", "Beløb"),
           "15. marts 2026", "Netto 30 dage", "DKK"),
    "no": (("Bestillingsnummer", "Dato", "Leverandør", "Valuta", "Betalingsbetingelser"),
           ("Linje", "Varenr.", "Beskrivelse", "Antall", "Enhet", "Enhetspris", "Beløp"),
           "15.03.2026", "30 dager netto", "NOK"),
    "cs": (("Číslo objednávky", "Datum objednávky", "Dodavatel", "Měna", "Platební podmínky"),
           ("Č.", "Kód zboží", "Název", "Množství", "MJ", "Cena/MJ", "Cena celkem"),
           "15. března 2026", "Převodem 30 dní", "CZK"),
    "tr": (("SİPARİŞ NO", "Sipariş Tarihi", "Tedarikçi", "Para Birimi", "Ödeme Koşulları"),
           ("Sıra", "Ürün Kodu", "Açıklama", "Miktar", "Birim", "Birim Fiyat", "Tutar"),
           "15 Mart 2026", "60 gün vadeli", "TRY"),
    "zh": (("采购订单号", "订单日期", "供应商", "币种", "付款条件"),
           ("序号", "物料编码", "物料描述", "数量", "单位", "单价", "金额"),
           "2026年3月15日", "月结30天", "CNY"),
    "ja": (("注文番号", "発注日", "仕入先", "通貨", "支払条件"),
           ("行", "品番", "品名", "数量", "単位", "単価", "金額"),
           "2026年3月15日", "月末締め翌月25日払い", "JPY"),
}
LINES = [("A-1001", "Vite M6 / 六角螺栓", 100, "PZ", "0.25"), ("B-2002", "Dado M6 / 螺母", 40, "CF", "12.50"),
         ("C-3003", "Rondella / 垫圈", 1200, "KG", "3.75")]


def _workbook(lang: str, *, text_numbers: bool) -> bytes:
    head, cols, date, terms, currency = FORMS[lang]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "Acme"
    for row, (label, value) in enumerate(zip(head, (f"PO-{lang.upper()}-77", date, f"Vendor {lang}", currency,
                                                    terms), strict=True), 3):
        ws.cell(row, 1, label)
        ws.cell(row, 2, value)
    ws.append([])
    ws.append(list(cols))
    for i, (code, desc, qty, uom, price) in enumerate(LINES, 1):
        amount = Decimal(qty) * Decimal(price)
        if text_numbers:  # decimal-comma text as many European ERPs export it
            row = [i, code, desc, str(qty), uom, price.replace(".", ","), f"{amount:.2f}".replace(".", ",")]
        else:
            row = [i, code, desc, qty, uom, Decimal(price), amount]  # numeric cells (openpyxl writes Decimal)
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.mark.parametrize("lang", sorted(FORMS))
@pytest.mark.parametrize("text_numbers", [False, True], ids=["numbers", "text"])
def test_sheet_lines_and_header_in_language(lang, text_numbers):
    result = extract(_workbook(lang, text_numbers=text_numbers), ExtractContext(filename=f"po_{lang}.xlsx"))
    assert result.format == "spreadsheet"
    assert len(result.orders) == 1, [i.message for i in result.issues]
    o = result.orders[0]
    assert len(o.lines) == len(LINES)
    for ln, (code, desc, qty, uom, price) in zip(o.lines, LINES, strict=True):
        assert isinstance(ln.qty, Decimal) and ln.qty == Decimal(qty)
        assert ln.unit_price == Decimal(price)
        assert ln.amount == Decimal(qty) * Decimal(price)
        assert (ln.sku or ln.customer_part) == code  # an item code whose owner the label does not say
        assert ln.description == desc
        assert ln.uom == uom
    assert [ln.line_no for ln in o.lines] == ["1", "2", "3"]
    assert o.po_number == f"PO-{lang.upper()}-77"
    assert o.po_date == dt.date(2026, 3, 15)
    assert o.supplier is not None and o.supplier.name == f"Vendor {lang}"
    assert o.currency == FORMS[lang][4]
    assert o.payment_terms == FORMS[lang][3]
