"""Reportlab PO generator with gold JSON: varied layouts (ruled/unruled, multi-page, landscape,
decimal comma, EN/DE/FR/ES/NL labels; make_lang: IT/PT/PL/SV/DA/NO/CS/TR/ZH/JA).
``python tests/pdf/generate.py OUTDIR N [N_HARD] [--langs]`` writes N pairs (and 4 per MORE_LANGS language)."""

from __future__ import annotations

import json
import random
import sys
from decimal import Decimal
from pathlib import Path

LANGS = {
    "en": dict(title="PURCHASE ORDER", po="PO Number:", date="PO Date:", terms="Payment Terms:", vendor="Vendor:",
               ship="Ship To", cols=["Line", "Item Code", "Description", "Qty", "UOM", "Unit Price", "Amount"],
               total="TOTAL", terms_v="Net 30", comma=False, fmt="%m/%d/%Y"),
    "de": dict(title="BESTELLUNG", po="Bestellnummer:", date="Bestelldatum:", terms="Zahlungsbedingungen:",
               vendor="Lieferant:", ship="Lieferadresse", cols=["Pos", "Artikelnummer", "Bezeichnung", "Menge",
                                                                "Einheit", "Einzelpreis", "Betrag"],
               total="Gesamtbetrag", terms_v="30 Tage netto", comma=True, fmt="%d.%m.%Y"),
    "fr": dict(title="BON DE COMMANDE", po="N° de commande :", date="Date de commande :",
               terms="Conditions de paiement :", vendor="Fournisseur :", ship="Adresse de livraison",
               cols=["N°", "Référence", "Désignation", "Quantité", "Unité", "Prix unitaire", "Montant"],
               total="Total TTC", terms_v="30 jours fin de mois", comma=True, fmt="%d/%m/%Y"),
    "es": dict(title="ORDEN DE COMPRA", po="Número de pedido:", date="Fecha del pedido:", terms="Condiciones de pago:",
               vendor="Proveedor:", ship="Dirección de entrega", cols=["Nº", "Código", "Descripción", "Cantidad",
                                                                       "Unidad", "Precio unitario", "Importe"],
               total="Importe total", terms_v="60 días", comma=True, fmt="%d/%m/%Y"),
    "nl": dict(title="INKOOPORDER", po="Bestelnummer:", date="Besteldatum:", terms="Betalingsvoorwaarden:",
               vendor="Leverancier:", ship="Afleveradres", cols=["Nr", "Artikel", "Omschrijving", "Aantal",
                                                                 "Eenheid", "Prijs per eenheid", "Bedrag"],
               total="Totaal", terms_v="30 dagen netto", comma=True, fmt="%d-%m-%Y"),
}
WORDS = ["Hex", "Cap", "Screw", "Flat", "Washer", "Nylon", "Bracket", "Steel", "Zinc", "Plated", "Hose", "Coupler", "Valve", "Brass", "Fitting", "Gasket", "Seal"]
UOMS = ["EA", "CS", "BX", "PK", "RL"]


def money(v: Decimal, comma: bool) -> str:
    s = f"{v:,.2f}"
    return s.replace(",", " ").replace(".", ",") if comma else s


def make(path: Path, seed: int) -> dict:
    import datetime as dt

    from reportlab.lib.pagesizes import A4, landscape, letter
    from reportlab.pdfgen import canvas

    rnd = random.Random(seed)
    lang = rnd.choice(list(LANGS))
    L = LANGS[lang]
    size = rnd.choice([letter, A4, landscape(A4)])
    ruled = rnd.random() < 0.5
    n_lines = rnd.choice([2, 5, 9, 30, 45])
    po = f"PO-{rnd.randint(10000, 99999)}"
    date = dt.date(2026, rnd.randint(1, 12), rnd.randint(13, 28))
    buyer = rnd.choice(["Acme Industrial Supply Inc.", "Nordwerk GmbH", "Durand & Fils SARL", "Hortus BV"])
    vendor = rnd.choice(["Grafton-Reese MRO", "Boltcraft Ltd", "Fixations Martin SA"])
    lines, total = [], Decimal(0)
    for i in range(n_lines):
        qty = Decimal(rnd.choice([1, 5, 12, 40, 150, 1200]))
        price = Decimal(rnd.randint(5, 250000)) / 100
        amt = (qty * price).quantize(Decimal("0.01"))
        total += amt
        desc = " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(2, 4)))
        code = f"SK-{rnd.randint(1000, 9999)}-{i}"
        # an unqualified code column ("Item Code", "Artikelnummer", "Código", "Artikel") on the buyer's PO is
        # the buyer's own item number; the French "Référence" is read as the supplier's reference (sku)
        sku, cpart = (code, None) if lang == "fr" else (None, code)
        lines.append(dict(line_no=str(i + 1), sku=sku, customer_part=cpart,
                          description=desc, qty=str(qty), uom=rnd.choice(UOMS), unit_price=f"{price:.2f}",
                          amount=f"{amt:.2f}"))
    c = canvas.Canvas(str(path), pagesize=size)
    W, H = size
    c.setFont("Helvetica-Bold", 16)
    c.drawString(40, H - 50, buyer)
    c.setFont("Helvetica-Bold", 13)
    c.drawString(W - 250, H - 50, L["title"])
    c.setFont("Helvetica", 9)
    y = H - 90
    for label, value in ((L["po"], po), (L["date"], date.strftime(L["fmt"])), (L["terms"], L["terms_v"]),
                         (L["vendor"], vendor)):
        c.drawString(40, y, label)
        c.drawString(160, y, value)
        y -= 14
    c.drawString(40, y - 6, L["ship"])
    ship_name, ship_addr = "Main Warehouse", ["12 Harbour Road", "Springfield 40110"]
    c.drawString(40, y - 20, ship_name)
    for k, a in enumerate(ship_addr):
        c.drawString(40, y - 32 - 12 * k, a)
    y -= 80
    xs = [40, 70, 150, 0.5 * W, 0.5 * W + 45, 0.5 * W + 110, W - 60]

    def header(y: float) -> float:
        c.setFont("Helvetica-Bold", 8.5)
        for x, name in zip(xs, L["cols"], strict=True):
            (c.drawRightString if x >= xs[5] else c.drawString)(x + (40 if x >= xs[5] else 0), y, name)
        if ruled:
            c.line(35, y - 4, W - 20, y - 4)
        c.setFont("Helvetica", 8.5)
        return y - 18

    y = header(y)
    for ln in lines:
        if y < 70:
            c.drawString(40, 30, f"Page {c.getPageNumber()}")
            c.showPage()
            y = header(H - 50)
        vals = [ln["line_no"], ln["customer_part"] or ln["sku"], ln["description"], ln["qty"], ln["uom"],
                money(Decimal(ln["unit_price"]), L["comma"]), money(Decimal(ln["amount"]), L["comma"])]
        for x, v in zip(xs, vals, strict=True):
            (c.drawRightString if x >= xs[5] else c.drawString)(x + (40 if x >= xs[5] else 0), y, v)
        if ruled:
            c.line(35, y - 4, W - 20, y - 4)
        y -= 15
    c.setFont("Helvetica-Bold", 9)
    c.drawString(xs[5] - 30, y - 10, L["total"])
    c.drawRightString(xs[6] + 40, y - 10, money(total, L["comma"]))
    c.save()
    gold = dict(po_number=po, po_date=date.isoformat(), buyer=buyer, supplier=vendor,
                ship_to=dict(name=ship_name, address=", ".join(ship_addr)), currency=None,
                payment_terms=L["terms_v"], lines=lines, total=f"{total:.2f}")
    path.with_suffix(".expected.json").write_text(json.dumps(gold, indent=1, ensure_ascii=False))
    return gold


# ---------------------------------------------------------------- more buyer languages
# Kept apart from LANGS so the seeds of make() keep drawing the same documents. Each entry: title, label
# variants (one picked per seed), column headers, totals rows (net, VAT, gross), payment terms, currency,
# number and date styles (``months``: the month names a "15 marzo 2026"-style date is written with),
# party names, and words for descriptions.
MORE_LANGS: dict[str, dict] = {
    "it": dict(title="ORDINE DI ACQUISTO", po=["Ordine d'acquisto n.", "N. ordine:", "Numero ordine:"],
               date=["Data ordine:", "Data:"], due=["Data consegna:", "Termine di consegna:"],
               terms=["Condizioni di pagamento:", "Modalità di pagamento:"], terms_v="Bonifico 60 gg d.f.f.m.",
               cur_label="Valuta:", currency="EUR", vendor=["Fornitore:"], ship=["Indirizzo di consegna", "Luogo di consegna"],
               cols=["Pos.", "Codice articolo", "Descrizione", "Q.tà", "U.M.", "Prezzo unitario", "Importo"],
               rows=["Imponibile", "IVA 22%", "Totale"], vat="0.22", comma=True, fmt="%d/%m/%Y",
               months="gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre",
               buyers=["Meccanica Rossi S.p.A.", "Ferramenta Bianchi S.r.l."], vendors=["Viteria Lombarda S.r.l."],
               ship_to=("Magazzino centrale", ["Via dell'Industria 12", "20090 Segrate MI"]),
               uoms=["PZ", "NR", "CF", "KG"], words=["Vite", "esagonale", "inox", "Dado", "autobloccante", "Rondella",
                                                     "piana", "zincata", "Guarnizione", "Raccordo", "ottone"]),
    "pt": dict(title="PEDIDO DE COMPRA", po=["Pedido de compra n.º", "Número do pedido:", "Nº do pedido:"],
               date=["Data do pedido:", "Data de emissão:"], due=["Prazo de entrega:", "Data de entrega:"],
               terms=["Condições de pagamento:", "Forma de pagamento:"], terms_v="28 DDL boleto",
               cur_label="Moeda:", currency="BRL", vendor=["Fornecedor:"], ship=["Endereço de entrega", "Local de entrega"],
               cols=["Nº", "Código", "Descrição", "Qtd.", "Un.", "Preço unitário", "Valor total"],
               rows=["Subtotal", "ICMS 18%", "Total do pedido"], vat="0.18", comma=True, fmt="%d/%m/%Y",
               months="janeiro fevereiro março abril maio junho julho agosto setembro outubro novembro dezembro",
               buyers=["Metalúrgica Paulista Ltda.", "Construções Andrade S.A."], vendors=["Parafusos Brasil Ltda."],
               ship_to=("Almoxarifado central", ["Rua das Indústrias 450", "06460-040 Barueri SP"]),
               uoms=["UN", "PC", "CX", "KG"], words=["Parafuso", "sextavado", "inox", "Porca", "Arruela", "lisa",
                                                     "zincada", "Junta", "Conexão", "latão", "Mangueira"]),
    "pl": dict(title="ZAMÓWIENIE", po=["Zamówienie nr", "Nr zamówienia:", "Numer zamówienia:"],
               date=["Data zamówienia:", "Data wystawienia:"], due=["Termin dostawy:", "Data dostawy:"],
               terms=["Warunki płatności:", "Termin płatności:"], terms_v="Przelew 30 dni",
               cur_label="Waluta:", currency="PLN", vendor=["Dostawca:"], ship=["Adres dostawy", "Miejsce dostawy"],
               cols=["Lp.", "Indeks", "Nazwa towaru", "Ilość", "J.m.", "Cena jedn. netto", "Wartość netto"],
               rows=["Razem netto", "VAT 23%", "Razem do zapłaty"], vat="0.23", comma=True, fmt="%d.%m.%Y",
               months="stycznia lutego marca kwietnia maja czerwca lipca sierpnia września października listopada "
                      "grudnia",
               buyers=["Zakłady Mechaniczne Wisła Sp. z o.o.", "Budmat Łódź S.A."], vendors=["Śruby Polskie Sp. z o.o."],
               ship_to=("Magazyn główny", ["ul. Przemysłowa 7", "90-001 Łódź"]),
               uoms=["SZT", "KPL", "KG", "OPAK"], words=["Śruba", "sześciokątna", "nierdzewna", "Nakrętka", "Podkładka",
                                                         "płaska", "ocynkowana", "Uszczelka", "Złączka", "mosiężna"]),
    "sv": dict(title="INKÖPSORDER", po=["Inköpsorder nr", "Ordernummer:", "Beställningsnummer:"],
               date=["Orderdatum:", "Datum:"], due=["Leveransdatum:", "Önskat leveransdatum:"],
               terms=["Betalningsvillkor:"], terms_v="30 dagar netto",
               cur_label="Valuta:", currency="SEK", vendor=["Leverantör:"], ship=["Leveransadress"],
               cols=["Rad", "Artikelnr", "Benämning", "Antal", "Enhet", "À-pris", "Belopp"],
               rows=["Summa exkl. moms", "Moms 25%", "Att betala"], vat="0.25", comma=True, fmt="%Y-%m-%d",
               months="januari februari mars april maj juni juli augusti september oktober november december",
               buyers=["Norrlands Verkstad AB", "Göta Bygg AB"], vendors=["Skruvcentralen i Malmö AB"],
               ship_to=("Centrallager", ["Industrivägen 14", "211 24 Malmö"]),
               uoms=["ST", "FRP", "KG", "M"], words=["Sexkantskruv", "rostfri", "Mutter", "Bricka", "förzinkad",
                                                     "Packning", "Koppling", "mässing", "Slang"]),
    "da": dict(title="INDKØBSORDRE", po=["Indkøbsordre nr.", "Ordrenummer:", "Bestillingsnr.:"],
               date=["Ordredato:", "Dato:"], due=["Leveringsdato:"],
               terms=["Betalingsbetingelser:"], terms_v="Netto 30 dage",
               cur_label="Valuta:", currency="DKK", vendor=["Leverandør:"], ship=["Leveringsadresse", "Leveres til"],
               cols=["Linje", "Varenr.", "Beskrivelse", "Antal", "Enhed", "Enhedspris", "Beløb"],
               rows=["Subtotal", "Moms 25%", "I alt"], vat="0.25", comma=True, fmt="%d.%m.%Y",
               months="januar februar marts april maj juni juli august september oktober november december",
               buyers=["Jydsk Maskinfabrik A/S", "Fyns Byggemarked ApS"], vendors=["Skruecentret ApS"],
               ship_to=("Centrallager", ["Industrivej 8", "5000 Odense C"]),
               uoms=["STK", "PK", "KG", "M"], words=["Sekskantskrue", "rustfri", "Møtrik", "Skive", "forzinket",
                                                     "Pakning", "Kobling", "messing", "Slange"]),
    "no": dict(title="INNKJØPSORDRE", po=["Innkjøpsordre nr.", "Ordrenummer:", "Bestillingsnummer:"],
               date=["Ordredato:", "Dato:"], due=["Leveringsdato:"],
               terms=["Betalingsbetingelser:"], terms_v="30 dager netto",
               cur_label="Valuta:", currency="NOK", vendor=["Leverandør:"], ship=["Leveringsadresse"],
               cols=["Linje", "Varenr.", "Beskrivelse", "Antall", "Enhet", "Enhetspris", "Beløp"],
               rows=["Sum eks. mva", "MVA 25%", "Å betale"], vat="0.25", comma=True, fmt="%d.%m.%Y",
               months="januar februar mars april mai juni juli august september oktober november desember",
               buyers=["Vestland Mekaniske AS", "Trøndelag Bygg AS"], vendors=["Skruesenteret Oslo AS"],
               ship_to=("Sentrallager", ["Industriveien 3", "0581 Oslo"]),
               uoms=["STK", "PK", "KG", "M"], words=["Sekskantskrue", "rustfri", "Mutter", "Skive", "forsinket",
                                                     "Pakning", "Kobling", "messing", "Slange"]),
    "cs": dict(title="OBJEDNÁVKA", po=["Objednávka č.", "Číslo objednávky:"],
               date=["Datum objednávky:", "Datum vystavení:"], due=["Datum dodání:", "Termín dodání:"],
               terms=["Platební podmínky:", "Splatnost:"], terms_v="Převodem 30 dní",
               cur_label="Měna:", currency="CZK", vendor=["Dodavatel:"], ship=["Dodací adresa", "Místo dodání"],
               cols=["Č.", "Kód zboží", "Název", "Množství", "MJ", "Cena/MJ", "Cena celkem"],
               rows=["Základ daně", "DPH 21%", "Celkem k úhradě"], vat="0.21", comma=True, fmt="%d.%m.%Y",
               months="ledna února března dubna května června července srpna září října listopadu prosince",
               buyers=["Strojírny Brno s.r.o.", "Stavebniny Plzeň a.s."], vendors=["Šroubárna Kolín s.r.o."],
               ship_to=("Centrální sklad", ["Průmyslová 12", "602 00 Brno"]),
               uoms=["KS", "BAL", "KG", "M"], words=["Šroub", "šestihranný", "nerezový", "Matice", "Podložka",
                                                    "pozinkovaná", "Těsnění", "Spojka", "mosazná", "Hadice"]),
    "tr": dict(title="SATIN ALMA SİPARİŞİ", po=["Sipariş No:", "Sipariş Numarası:"],
               date=["Sipariş Tarihi:", "Tarih:"], due=["Teslim Tarihi:", "Teslimat Tarihi:"],
               terms=["Ödeme Koşulları:", "Ödeme Şekli:"], terms_v="60 gün vadeli",
               cur_label="Para Birimi:", currency="TRY", vendor=["Tedarikçi:"], ship=["Teslimat Adresi", "Sevk Adresi"],
               cols=["Sıra", "Ürün Kodu", "Açıklama", "Miktar", "Birim", "Birim Fiyat", "Tutar"],
               rows=["Ara Toplam", "KDV %20", "Genel Toplam"], vat="0.20", comma=True, fmt="%d.%m.%Y",
               months="Ocak Şubat Mart Nisan Mayıs Haziran Temmuz Ağustos Eylül Ekim Kasım Aralık",
               buyers=["Anadolu Makina San. ve Tic. A.Ş.", "Ege Yapı Ltd. Şti."], vendors=["Bursa Cıvata San. A.Ş."],
               ship_to=("Merkez Depo", ["Organize Sanayi Bölgesi 5. Cadde No 12", "16140 Nilüfer Bursa"]),
               uoms=["AD", "KG", "PK", "M"], words=["Altıgen", "cıvata", "paslanmaz", "Somun", "Pul", "galvaniz",
                                                    "Conta", "Rakor", "pirinç", "Hortum"]),
    "zh": dict(title="采购订单", po=["采购订单号：", "订单编号："], date=["订单日期："], due=["交货日期："],
               terms=["付款条件："], terms_v="月结30天", cur_label="币种：", currency="CNY", vendor=["供应商："],
               ship=["收货地址"], cols=["序号", "物料编码", "物料描述", "数量", "单位", "单价", "金额"],
               rows=["小计", "税额 13%", "总计"], vat="0.13", comma=False, fmt="%Y年%m月%d日", months=None,
               buyers=["上海精密机械有限公司", "深圳华南电子有限公司"], vendors=["宁波紧固件有限公司"],
               ship_to=("一号仓库", ["上海市浦东新区张江路 88 号", "邮编 201203"]),
               uoms=["个", "件", "套", "箱"], words=["六角螺栓", "不锈钢", "螺母", "平垫圈", "镀锌", "密封圈", "接头",
                                                     "黄铜", "软管"]),
    "ja": dict(title="注文書", po=["注文番号：", "発注番号："], date=["発注日：", "注文日："], due=["納期：", "希望納期："],
               terms=["支払条件："], terms_v="月末締め翌月25日払い", cur_label="通貨：", currency="JPY",
               vendor=["仕入先："], ship=["納入先"], cols=["行", "品番", "品名", "数量", "単位", "単価", "金額"],
               rows=["小計", "消費税 10%", "合計金額"], vat="0.10", comma=False, fmt="%Y年%m月%d日", months=None,
               buyers=["東京精機株式会社", "大阪金属工業株式会社"], vendors=["名古屋ボルト株式会社"],
               ship_to=("第二倉庫", ["東京都大田区平和島 1-2-3", "〒143-0006"]),
               uoms=["個", "本", "箱", "式"], words=["六角ボルト", "ステンレス", "ナット", "平ワッシャー", "亜鉛めっき",
                                                     "パッキン", "継手", "真鍮", "ホース"]),
}
_CID = {"zh": "STSong-Light", "ja": "HeiseiKakuGo-W5"}
_DEJAVU = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def _fonts(lang: str) -> tuple[str, str]:
    """(regular, bold) font names that draw the language's letters: reportlab's CID fonts for ZH/JA,
    DejaVu Sans for Polish/Czech/Turkish letters (outside WinAnsi), Helvetica otherwise."""
    from reportlab.pdfbase import pdfmetrics

    if lang in _CID:
        from reportlab.pdfbase.cidfonts import UnicodeCIDFont

        if _CID[lang] not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(UnicodeCIDFont(_CID[lang]))
        return _CID[lang], _CID[lang]
    if lang in ("pl", "cs", "tr") and Path(_DEJAVU).exists():
        from reportlab.pdfbase.ttfonts import TTFont

        if "DejaVuSans" not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont("DejaVuSans", _DEJAVU))
            pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", _DEJAVU.replace(".ttf", "-Bold.ttf")))
        return "DejaVuSans", "DejaVuSans-Bold"
    return "Helvetica", "Helvetica-Bold"


def make_lang(path: Path, seed: int, lang: str) -> dict:
    """A PO in one of MORE_LANGS: labels of the seed's variant, dates printed numerically or in words,
    delivery date, currency line, net / VAT / gross rows under the table (the gross is the gold total)."""
    import datetime as dt

    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    L = MORE_LANGS[lang]
    rnd = random.Random(f"{lang}-{seed}")
    reg, bold = _fonts(lang)
    W, H = A4
    pick = lambda opts: opts[seed % len(opts)]  # noqa: E731
    n_lines = [3, 6, 12, 40][seed % 4]
    po = f"{rnd.choice(['PO-', '45', 'ZA/', ''])}{rnd.randint(100000, 999999)}"
    date = dt.date(2026, rnd.randint(1, 12), rnd.randint(13, 28))
    due = date + dt.timedelta(days=rnd.randint(7, 40))
    words_date = L["months"] is not None and seed % 2 == 1

    def fmt(d: dt.date) -> str:
        if words_date:
            month = L["months"].split()[d.month - 1]
            return f"{d.day} de {month} de {d.year}" if lang == "pt" else \
                f"{d.day}. {month} {d.year}" if lang in ("cs", "da", "no") else f"{d.day} {month} {d.year}"
        return d.strftime(L["fmt"])

    yen = lang == "ja"
    comma = L["comma"]
    thousands = "." if lang in ("it", "pt", "tr", "da") else " "

    def money(v: Decimal) -> str:
        if yen:
            return f"{v:,.0f}"
        s = f"{v:,.2f}"
        return s.replace(",", "\x00").replace(".", ",").replace("\x00", thousands) if comma else s

    buyer, vendor = rnd.choice(L["buyers"]), rnd.choice(L["vendors"])
    lines, net = [], Decimal(0)
    for i in range(n_lines):
        qty = Decimal(rnd.choice([1, 4, 10, 25, 120, 1500]))
        price = Decimal(rnd.randint(10, 90000)) if yen else Decimal(rnd.randint(5, 250000)) / 100
        amt = (qty * price).quantize(Decimal("0.01"))
        net += amt
        joiner = "" if lang in ("zh", "ja") else " "
        desc = joiner.join(rnd.choice(L["words"]) for _ in range(rnd.randint(2, 3)))
        lines.append(dict(line_no=str(i + 1), sku=f"{rnd.choice(['A', 'K', 'M'])}{rnd.randint(1000, 9999)}-{i}",
                          customer_part=None, description=desc, qty=str(qty), uom=rnd.choice(L["uoms"]),
                          unit_price=f"{price:.2f}", amount=f"{amt:.2f}"))
    # every language's code column ("Codice articolo", "Indeks", "Varenr.", 物料编码, 品番 ...) is unqualified:
    # on the buyer's PO it holds the buyer's own item number
    for ln in lines:
        ln["customer_part"], ln["sku"] = ln["sku"], None
    vat = (net * Decimal(L["vat"])).quantize(Decimal("1" if yen else "0.01"))
    gross = net + vat
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont(bold, 15)
    c.drawString(40, H - 50, buyer)
    c.setFont(bold, 13)
    c.drawRightString(W - 40, H - 50, L["title"])
    c.setFont(reg, 9)
    y = H - 90
    fields = [(pick(L["po"]), po), (pick(L["date"]), fmt(date)), (pick(L["due"]), fmt(due)),
              (pick(L["terms"]), L["terms_v"]), (L["cur_label"], L["currency"]), (pick(L["vendor"]), vendor)]
    for label, value in fields:
        c.drawString(40, y, label)
        c.drawString(170, y, value)
        y -= 14
    c.drawString(40, y - 6, pick(L["ship"]))
    ship_name, ship_addr = L["ship_to"]
    c.drawString(40, y - 20, ship_name)
    for k, a in enumerate(ship_addr):
        c.drawString(40, y - 32 - 12 * k, a)
    y -= 80
    xs = [40, 72, 150, 0.5 * W + 40, 0.5 * W + 55, W - 125, W - 30]  # qty, prices: right edges

    def header(y: float) -> float:
        c.setFont(bold, 8.5)
        for k, (x, name) in enumerate(zip(xs, L["cols"], strict=True)):
            if k == 3 or k >= 5:
                c.drawRightString(x, y, name)
            else:
                c.drawString(x, y, name)
        c.line(35, y - 4, W - 20, y - 4)
        c.setFont(reg, 8.5)
        return y - 18

    y = header(y)
    for ln in lines:
        if y < 70:
            c.drawString(40, 30, f"{c.getPageNumber()} / ?")
            c.showPage()
            y = header(H - 50)
        vals = [ln["line_no"], ln["customer_part"] or ln["sku"], ln["description"],
                f"{Decimal(ln['qty']):,}".replace(",", thousands if comma else ","), ln["uom"],
                money(Decimal(ln["unit_price"])), money(Decimal(ln["amount"]))]
        for k, (x, v) in enumerate(zip(xs, vals, strict=True)):
            if k == 3 or k >= 5:
                c.drawRightString(x, y, v)
            else:
                c.drawString(x, y, v)
        y -= 15
    if y < 110:
        c.showPage()
        y = H - 60
    c.line(35, y + 6, W - 20, y + 6)
    c.setFont(bold, 9)
    for k, (label, v) in enumerate(zip(L["rows"], (net, vat, gross), strict=True)):
        c.drawString(xs[5] - 90, y - 10 - 14 * k, label)
        c.drawRightString(xs[6], y - 10 - 14 * k, money(v))
    c.save()
    if yen:
        for ln in lines:
            ln["unit_price"], ln["amount"] = f"{Decimal(ln['unit_price']):.0f}", f"{Decimal(ln['amount']):.0f}"
    gold = dict(po_number=po, po_date=date.isoformat(), buyer=buyer, supplier=vendor,
                ship_to=dict(name=ship_name, address=", ".join(ship_addr)), currency=L["currency"],
                payment_terms=L["terms_v"], lines=lines, total=f"{gross:.2f}", lang=lang,
                requested_delivery_date=due.isoformat())
    path.with_suffix(".expected.json").write_text(json.dumps(gold, indent=1, ensure_ascii=False))
    return gold


HARD_WORDS = ["Stainless", "Socket", "Head", "Cap", "Screw", "Metric", "Thread", "Assortment", "Heavy", "Duty",
              "Cable", "Tie", "Black", "UV", "Resistant", "Pneumatic", "Quick", "Release", "Coupling", "Female"]


def make_hard(path: Path, seed: int, *, po_label: str = "PO Number", part_header: str = "Our Part",
              sku_header: str = "Vendor Part") -> dict:
    """Harder English layouts: labels above values, Ship To / Bill To side by side, buyer part + vendor
    part + UOM columns, $ prices, descriptions wrapped over 2-3 lines, subtotal/tax/total rows, no rulings."""
    import datetime as dt

    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas

    rnd = random.Random(1000 + seed)
    W, H = letter
    po = f"{rnd.choice(['45', '77', 'PO'])}{rnd.randint(100000, 999999)}"
    date = dt.date(2026, rnd.randint(1, 12), rnd.randint(1, 12))  # ambiguous day/month…
    due = dt.date(2026, rnd.randint(1, 12), rnd.randint(13, 28))  # …resolved by a day > 12 (US: MM/DD)
    buyer = rnd.choice(["Keystone Fabrication LLC", "Harborline Marine Corp.", "Pinecrest Foods Inc."])
    vendor = rnd.choice(["Allied Fastener Supply", "Midwest Industrial Parts Co.", "Summit Tooling Ltd"])
    ship = (rnd.choice(["Plant 2 Receiving", "Dock 4"]), ["1800 Industrial Pkwy", "Dayton, OH 45414"])
    bill = ("Accounts Payable", ["PO Box 5521", "Dayton, OH 45401"])
    c = canvas.Canvas(str(path), pagesize=letter)
    c.setFont("Helvetica-Bold", 18)
    c.drawString(40, H - 48, buyer)
    c.setFont("Helvetica-Bold", 14)
    c.drawRightString(W - 40, H - 48, "PURCHASE ORDER")
    # labels above values (value-below-label), four boxes in a row
    c.setFont("Helvetica-Bold", 8)
    heads = [(po_label, po), ("Order Date", date.strftime("%m/%d/%Y")), ("Required Date", due.strftime("%m/%d/%Y")),
             ("Payment Terms", "2% 10 Net 30")]
    for k, (lab, val) in enumerate(heads):
        x = 40 + k * 135
        c.setFont("Helvetica-Bold", 8)
        c.drawString(x, H - 80, lab)
        c.setFont("Helvetica", 9)
        c.drawString(x, H - 92, val)
    c.setFont("Helvetica-Bold", 8)
    c.drawString(40, H - 116, "Vendor:")
    c.setFont("Helvetica", 9)
    c.drawString(80, H - 116, vendor)
    # Ship To / Bill To side by side
    for x, title, (name, addr) in ((40, "Ship To:", ship), (320, "Bill To:", bill)):
        c.setFont("Helvetica-Bold", 9)
        c.drawString(x, H - 140, title)
        c.setFont("Helvetica", 9)
        for k, t in enumerate([name, *addr]):
            c.drawString(x, H - 152 - 11 * k, t)
    cols = [(40, "Line", "l"), (68, part_header, "l"), (130, sku_header, "l"), (200, "Description", "l"),
            (400, "Qty", "r"), (412, "UOM", "l"), (505, "Unit Price", "r"), (572, "Extended", "r")]

    def header(y: float) -> float:
        c.setFont("Helvetica-Bold", 8)
        for x, name, al in cols:
            (c.drawRightString if al == "r" else c.drawString)(x, y, name)
        c.setFont("Helvetica", 8)
        return y - 16

    y = header(H - 215)
    lines, sub = [], Decimal(0)
    for i in range(rnd.choice([3, 6, 12, 24])):
        qty = Decimal(rnd.choice([2, 10, 24, 100, 250, 1500]))
        price = Decimal(rnd.randint(50, 90000)) / 100
        amt = (qty * price).quantize(Decimal("0.01"))
        sub += amt
        n = rnd.choice([3, 4, 7, 10, 13])
        desc = " ".join(rnd.choice(HARD_WORDS) for _ in range(n))
        wrapped, cur = [], ""
        for w in desc.split():  # word-wrap at ~34 characters: 1-3 printed lines
            if cur and len(cur) + 1 + len(w) > 34:
                wrapped.append(cur)
                cur = w
            else:
                cur = f"{cur} {w}".strip()
        wrapped.append(cur)
        need = 12 * len(wrapped) + 4
        if y - need < 60:
            c.drawString(40, 30, f"Page {c.getPageNumber()}")
            c.showPage()
            y = header(H - 50)
        ln = dict(line_no=str(i + 1), sku=f"{rnd.choice(['AF', 'MW', 'ST'])}-{rnd.randint(10000, 99999)}",
                  customer_part=f"{rnd.randint(100000, 999999)}", description=desc, qty=str(qty),
                  uom=rnd.choice(["EA", "BX", "CS", "FT"]), unit_price=f"{price:.2f}", amount=f"{amt:.2f}")
        lines.append(ln)
        vals = [ln["line_no"], ln["customer_part"], ln["sku"], wrapped[0], f"{qty:,}", ln["uom"], f"${price:,.2f}",
                f"${amt:,.2f}"]
        for (x, _, al), v in zip(cols, vals, strict=True):
            (c.drawRightString if al == "r" else c.drawString)(x, y, v)
        for k, extra in enumerate(wrapped[1:], 1):
            c.drawString(200, y - 11 * k, extra)
        y -= need
    tax = (sub * Decimal("0.0725")).quantize(Decimal("0.01"))
    total = sub + tax
    if y < 110:
        c.showPage()
        y = H - 60
    c.setFont("Helvetica", 9)
    for k, (lab, val) in enumerate((("Subtotal", sub), ("Sales Tax 7.25%", tax), ("Total", total))):
        c.drawRightString(505, y - 14 - 13 * k, lab)
        c.drawRightString(572, y - 14 - 13 * k, f"${val:,.2f}")
    c.save()
    gold = dict(po_number=po, po_date=date.isoformat(), buyer=buyer, supplier=vendor,
                ship_to=dict(name=ship[0], address=", ".join(ship[1])), currency="USD",
                payment_terms="2% 10 Net 30", lines=lines, total=f"{total:.2f}")
    path.with_suffix(".expected.json").write_text(json.dumps(gold, indent=1, ensure_ascii=False))
    return gold


VARIED_PO = ["P.O. #", "Order No.", "Purchase Order No", "PO Number", "P.O. No.", "Order Number"]
VARIED_DATE = ["Date Ordered", "Order Date", "PO Date", "Date"]
VARIED_SHIP = ["Deliver To", "Ship-To Address", "Ship To", "Delivery Address"]
VARIED_TOTAL = ["Grand Total", "Order Total", "Total Due", "Total Amount"]
VARIED_COLS = [  # (header, role) left to right; roles name the gold field
    [("Line", "line_no"), ("Item No.", "customer_part"), ("Description", "description"), ("Qty Ordered", "qty"),
     ("UOM", "uom"), ("Unit Price", "unit_price"), ("Amount", "amount")],
    [("Item #", "customer_part"), ("Description", "description"), ("Quantity", "qty"), ("Unit", "uom"),
     ("Price", "unit_price"), ("Ext. Price", "amount")],
    [("Ln", "line_no"), ("Part Number", "customer_part"), ("Item Description", "description"), ("Qty", "qty"),
     ("U/M", "uom"), ("Unit Cost", "unit_price"), ("Extended", "amount")],
    [("Line", "line_no"), ("Our Item", "customer_part"), ("Vendor Item No.", "sku"), ("Description", "description"),
     ("Ordered", "qty"), ("UOM", "uom"), ("Price", "unit_price"), ("Line Total", "amount")],
]
VARIED_UOMS = [["Each", "Case", "Box"], ["EA", "CS", "PK"], ["each", "case", "roll"]]


def make_varied(path: Path, seed: int) -> dict:
    """Unseen-layout variety (English): other labels for the PO number, date, ship-to and total,
    header fields in ruled key/value boxes or as ``label: value`` text, other column sets (an
    "Item No." beside a "Line" column), UOM words, ``$`` prices with thousands separators."""
    import datetime as dt

    from reportlab.lib.pagesizes import A4, letter
    from reportlab.pdfgen import canvas

    rnd = random.Random(7000 + seed)
    size = rnd.choice([letter, A4])
    W, H = size
    po_label, date_label = VARIED_PO[seed % len(VARIED_PO)], VARIED_DATE[seed % len(VARIED_DATE)]
    ship_label, total_label = VARIED_SHIP[seed % len(VARIED_SHIP)], VARIED_TOTAL[(seed // 2) % len(VARIED_TOTAL)]
    cols = VARIED_COLS[seed % len(VARIED_COLS)]
    uoms = VARIED_UOMS[seed % len(VARIED_UOMS)]
    boxed = seed % 2 == 0
    po = f"{rnd.choice(['', 'PO-', '45'])}{rnd.randint(100000, 999999)}"
    date = dt.date(2026, rnd.randint(1, 12), rnd.randint(13, 28))
    buyer = rnd.choice(["Cascade Hardware Inc.", "Riverbend Foods LLC", "Northgate Electric Corp."])
    vendor = rnd.choice(["Fastenal Supply Co.", "Apex Packaging Ltd", "Brightway Components Inc."])
    ship_name = rnd.choice(["Warehouse 3", "Receiving Dock B", "Main Plant"])
    ship_addr = ["2250 Commerce Drive", "Columbus, OH 43219"]
    terms = rnd.choice(["Net 30", "Net 45", "2% 10 Net 30"])
    c = canvas.Canvas(str(path), pagesize=size)
    c.setFont("Helvetica-Bold", 17)
    c.drawString(40, H - 50, buyer)
    c.setFont("Helvetica", 9)
    c.drawString(40, H - 64, "100 Main Street, Springfield, IL 62701")
    c.setFont("Helvetica-Bold", 15)
    c.drawRightString(W - 40, H - 50, "PURCHASE ORDER")
    fields = [(po_label, po), (date_label, date.strftime("%m/%d/%Y")), ("Payment Terms", terms), ("Vendor", vendor)]
    y = H - 100
    if boxed:  # a key/value table with boxes, right half of the page
        x0, kw, vw, rh = W - 300, 100, 160, 16
        for k, (lab, val) in enumerate(fields):
            top = y - k * rh
            c.rect(x0, top - rh, kw, rh)
            c.rect(x0 + kw, top - rh, vw, rh)
            c.setFont("Helvetica-Bold", 8)
            c.drawString(x0 + 4, top - 11, lab)
            c.setFont("Helvetica", 9)
            c.drawString(x0 + kw + 4, top - 11, val)
    else:
        for k, (lab, val) in enumerate(fields):
            c.setFont("Helvetica-Bold", 9)
            c.drawString(40, y - 14 * k, f"{lab}:")
            c.setFont("Helvetica", 9)
            c.drawString(150, y - 14 * k, val)
    y = H - 100 - 14 * 4 - 24 if not boxed else H - 100
    sx = 40
    c.setFont("Helvetica-Bold", 9)
    c.drawString(sx, y, f"{ship_label}:")
    c.setFont("Helvetica", 9)
    for k, t in enumerate([ship_name, *ship_addr]):
        c.drawString(sx, y - 12 * (k + 1), t)
    y -= 12 * 4 + 30
    # line table
    width = W - 80
    weights = {"line_no": 0.6, "sku": 1.3, "customer_part": 1.1, "description": 3.4, "qty": 1.0, "uom": 0.7,
               "unit_price": 1.2, "amount": 1.3}
    if not any(r == "sku" for _, r in cols):  # the lone (unqualified) code column keeps the code column's width
        weights["customer_part"] = weights["sku"]
    tot_w = sum(weights[r] for _, r in cols)
    xs, x = [], 40.0
    for _, r in cols:
        w = width * weights[r] / tot_w
        xs.append((x, x + w, r))
        x += w
    right = {"qty", "unit_price", "amount"}
    c.setFont("Helvetica-Bold", 8)
    for (h, _), (a, b, r) in zip(cols, xs, strict=True):
        (c.drawRightString(b - 4, y, h) if r in right else c.drawString(a + 2, y, h))
    c.line(40, y - 4, W - 40, y - 4)
    y -= 18
    c.setFont("Helvetica", 8)
    lines, total = [], Decimal(0)
    for i in range(rnd.choice([3, 4, 6, 8])):
        qty = Decimal(rnd.choice([1, 6, 24, 100, 1200, 2500]))
        price = Decimal(rnd.randint(99, 450000)) / 100
        amt = (qty * price).quantize(Decimal("0.01"))
        total += amt
        roles = {r for _, r in cols}
        ln = dict(line_no=str(i + 1) if "line_no" in roles else None,
                  sku=f"{rnd.choice(['HX', 'BR', 'PL'])}-{rnd.randint(1000, 9999)}{rnd.choice(['', '-A', '-XL'])}",
                  customer_part=f"C{rnd.randint(10000, 99999)}" if {"sku", "customer_part"} <= roles else None,
                  description=" ".join(rnd.choice(HARD_WORDS) for _ in range(rnd.randint(2, 4))),
                  qty=str(qty), uom=rnd.choice(uoms), unit_price=f"{price:.2f}", amount=f"{amt:.2f}")
        if "sku" not in roles:  # the one code column is unqualified: the buyer's own item number
            ln["customer_part"], ln["sku"] = ln["sku"], None
        lines.append(ln)
        text = {"line_no": ln["line_no"], "sku": ln["sku"], "customer_part": ln["customer_part"],
                "description": ln["description"], "qty": f"{qty:,}", "uom": ln["uom"],
                "unit_price": f"${price:,.2f}", "amount": f"${amt:,.2f}"}
        for a, b, r in xs:
            (c.drawRightString(b - 4, y, text[r]) if r in right else c.drawString(a + 2, y, text[r] or ""))
        y -= 14
    c.line(40, y + 6, W - 40, y + 6)
    c.setFont("Helvetica-Bold", 9)
    c.drawRightString(xs[-1][0] - 6, y - 10, f"{total_label}:")
    c.drawRightString(W - 44, y - 10, f"${total:,.2f}")
    c.save()
    gold = dict(po_number=po, po_date=date.isoformat(), buyer=buyer, supplier=vendor,
                ship_to=dict(name=ship_name, address=", ".join(ship_addr)), currency="USD",
                payment_terms=terms, lines=lines, total=f"{total:.2f}")
    path.with_suffix(".expected.json").write_text(json.dumps(gold, indent=1, ensure_ascii=False))
    return gold


def make_scan(src: Path, dst: Path, seed: int, *, dpi: int = 200, max_angle: float = 1.0) -> None:
    """A simulated scan of a generated PO: every page rasterised at ``dpi``, turned up to ±``max_angle``°,
    salt-and-pepper noise, bilevel, saved as an image-only PDF; the gold JSON is copied beside it."""
    import io
    import shutil

    import pypdfium2 as pdfium
    from PIL import Image

    rnd = random.Random(5000 + seed)
    doc = pdfium.PdfDocument(src.read_bytes())
    images = []
    for page in doc:
        img = page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
        angle = rnd.uniform(-max_angle, max_angle)
        img = img.rotate(angle, resample=Image.BICUBIC, expand=False, fillcolor=255)
        px = img.load()
        for _ in range(img.width * img.height // 500):
            px[rnd.randrange(img.width), rnd.randrange(img.height)] = rnd.choice((0, 255))
        images.append(img.point(lambda v: 255 if v > 150 else 0).convert("1"))
        page.close()
    doc.close()
    buf = io.BytesIO()
    images[0].save(buf, format="PDF", resolution=dpi, save_all=True, append_images=images[1:])
    dst.write_bytes(buf.getvalue())
    shutil.copy(src.with_suffix(".expected.json"), dst.with_suffix(".expected.json"))


if __name__ == "__main__":
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    for s in range(int(sys.argv[2]) if len(sys.argv) > 2 else 20):
        make(out / f"gen_{s:03d}.pdf", s)
    for s in range(int(sys.argv[3]) if len(sys.argv) > 3 else 0):
        make_hard(out / f"hard_{s:03d}.pdf", s)
    if "--langs" in sys.argv:  # four POs in each of MORE_LANGS
        for lang in MORE_LANGS:
            for s in range(4):
                make_lang(out / f"{lang}_{s:03d}.pdf", s, lang)
    if "--scans" in sys.argv:  # an image-only twin of every PO written above
        for pdf in sorted(out.glob("*.pdf")):
            if not pdf.stem.endswith("_scan"):
                make_scan(pdf, pdf.with_name(pdf.stem + "_scan.pdf"), int(pdf.stem.split("_")[-1]))
