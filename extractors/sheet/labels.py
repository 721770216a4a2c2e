"""Column-label and header-label synonyms, matched fuzzily (rapidfuzz) in several languages.

A label maps to a canonical field when it is close to a synonym and carries none of the
field's veto words (``Tax Amount`` is not the line amount, ``Case Quantity`` not the qty).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from rapidfuzz import fuzz

# Column labels of the line table. "code" is an item code whose owner the label does not say.
COLUMN_SYNONYMS: dict[str, list[str]] = {
    "line_no": ["s no", "sr no", "sl no", "serial no", "line", "line no", "line number", "ln", "no", "pos",
                "position", "item no", "line item", "nr", "lfd nr", "num", "n", "ligne", "linea", "regel", "regelnr",
                "posicion", "pos nr", "sr", "sl", "sno", "srno", "slno", "line #", "ln no", "item line"],
    "sku": ["sku", "vendor sku", "supplier sku", "vendor item", "vendor item no", "vendor part", "vendor part no",
            "supplier part", "supplier part no", "supplier item code", "supplier code", "vendor code",
            "seller sku", "seller id", "manufacturer part", "mfr part", "mfg part no",
            "your item no", "artikelnummer lieferant", "referencia proveedor", "ref fournisseur",
            "reference fournisseur", "lieferantenartikel", "artikelnummer leverancier", "vendor item number",
            "supplier item", "supplier item no", "vendor part number", "mfr part no", "mfg part", "model number",
            "model no", "model", "vendor stock number", "vsn", "vendor style", "mpn", "manufacturer part number",
            "vendor article", "supplier article", "supplier ref", "catalog no", "catalogue no", "catalog number",
            "cat no", "catalog", "style", "style no", "style number", "vendor style no", "vendor catalog no"],
    "customer_part": ["customer part", "customer part no", "customer item", "buyer part", "buyer item",
                      "buyers catalog or stock keeping no", "buyer s catalog or stock keeping no",
                      "buyers catalog no", "buyer s catalog no",
                      "our part no", "cust part", "customer sku", "fsn", "fsn isbn13", "buyer sku", "our part",
                      "our item no", "our item number", "our ref", "customer item no", "customer part number", "asin",
                      "buyer item no", "buyer item number", "retailer item", "store item", "item nbr",
                      "buyer article", "customer article", "our item", "our item code", "our code", "our sku", "our article no"],
    "code": ["item code", "sku code", "product code", "product number", "product no", "article", "article no",
             "article number", "item", "item number", "part no", "part number", "part", "material",
             "material no", "artikel nr", "artikelnummer", "codigo", "referencia", "ref", "code", "item id",
             "product id", "reference", "art nr", "artnr", "codigo articulo", "code article",
             "articlenummer", "sku code", "articulo", "cod articulo", "cod", "codigo de articulo", "code produit",
             "ref article", "artikelcode", "artikel code", "produktnummer"],
    "gtin": ["ean", "upc", "gtin", "ean upc code", "ean code", "upc code", "barcode", "ean13", "isbn", "external id", "gtin 13",
             "gtin 14", "upc ean", "ean upc"],
    "description": ["description", "item description", "item desc", "product description", "product name",
                    "item name", "title", "product", "name", "bezeichnung", "beschreibung", "artikel",
                    "descripcion", "designation", "libelle", "article description", "particulars", "omschrijving",
                    "artikelbezeichnung", "artikelomschrijving", "denominacion", "concepto", "item title", "short text",
                    "material description", "item text", "material text"],
    "qty": ["qty", "quantity", "qty ordered", "ordered qty", "order qty", "order quantity", "qty ord",
            "quantity ordered", "units", "menge", "bestellmenge", "cantidad", "quantite", "qte", "pcs",
            "no of units", "qty units", "aantal", "anzahl", "quantity ordered", "qty ord d", "order quantity units",
            "qte commandee", "quantite commandee", "cant", "cantidad pedida", "hoeveelheid", "quantity requested",
            "requested qty", "qty requested", "requested quantity", "submitted quantity", "qty req", "uds",
            "unidades", "unds", "uds pedidas", "stuks", "aantal stuks", "stk", "stuck", "nombre"],
    "uom": ["uom", "unit", "unit of measure", "units of measure", "um", "u m", "einheit", "me", "unidad",
            "unite", "measure", "pack unit", "sales unit", "eenheid", "mengeneinheit", "u m", "unidad de medida", "order unit", "purchase unit", "po unit",
            "base unit", "unit of order"],
    "unit_price": ["unit price", "price", "rate", "unit cost", "cost", "basic cost", "price per unit",
                   "unit base cost", "supplier price", "net price", "unit rate", "each", "price each",
                   "preis", "einzelpreis", "stuckpreis", "precio", "precio unitario", "prix unitaire",
                   "prix", "list price", "po price", "buying price", "prix unitaire ht", "prix ht", "prijs", "stukprijs",
                   "eenheidsprijs", "precio unidad", "pu ht", "p u", "unit price excl vat", "price per each", "price unit", "cost price", "unit net price",
                   "net unit price", "purchase price", "cost each"],
    "amount": ["amount", "total", "line total", "total amount", "total value", "extended price", "ext price",
               "extended", "net amount", "line amount", "value", "net value", "gesamtpreis", "betrag",
               "importe", "total linea", "montant", "subtotal", "total price", "extended cost", "montant ht",
               "total ht", "bedrag", "totaal", "regeltotaal", "positionswert", "gesamt", "ext amount", "ext cost",
               "line value", "total cost", "cost total", "ext total", "extension", "ext", "ext value", "amount due",
               "net order value", "order value", "po value", "gross value"],
    "requested_date": ["required by date", "delivery date", "need by", "need by date", "ship date", "deliv date",
                       "deliv date", "delivery by", "requested delivery date", "expected date", "eta",
                       "requested date", "due date", "date required", "liefertermin", "fecha entrega"],
    "currency": ["currency", "curr", "ccy", "wahrung", "moneda", "devise", "currency code", "valuta", "order currency"],
    "po_number": ["po number", "po no", "po", "po num", "po n", "purchase order", "purchase order number",
                  "purchase order no", "order number", "order no", "order id", "bestellnummer", "numero pedido",
                  "pedido", "po id", "p o number", "p o no", "indent no", "order ref", "p o", "po #", "bestell nr",
                  "bestellnr", "n de commande", "no de commande", "numero de commande", "numero commande",
                  "bon de commande n", "commande n", "n pedido", "no pedido", "numero de pedido", "pedido n",
                  "ordernummer", "bestelnummer", "inkoopordernummer", "inkooporder", "order nr", "po nr",
                  "customer po", "customer po number", "customer po no", "your po", "your po no", "your order no",
                  "your order number", "buyer po", "buyer po no", "purchase order ref", "purchasing document",
                  "purchasing doc", "purch doc", "po document", "purchase document"],
    "po_date": ["po date", "order date", "date", "datum", "order datum", "purchase order date", "bestelldatum", "fecha pedido",
                "fecha", "date ordered", "date de commande", "fecha de pedido", "besteldatum", "orderdatum",
                "date of order", "issue date", "po issue date", "document date", "doc date", "creation date",
                "created on", "po created date"],
    "buyer": ["customer", "customer name", "bill to", "billed to", "purchaser",
              "company", "kunde", "cliente", "sold to", "besteller", "client", "acheteur", "comprador",
              "opdrachtgever", "buying company", "bill to name", "billing address", "bill to address", "billed to address", "invoice to"],
    "supplier": ["supplier", "vendor", "supplier name", "vendor name", "seller", "lieferant", "proveedor", "bill from",
                 "billed by", "vendor details", "supplier details", "fournisseur", "leverancier", "auftragnehmer",
                 "vendor address", "supplier address", "order from", "to vendor", "party name", "party", "vendor party"],
    "ship_to": ["ship to", "ship to name", "shipped to name", "deliver to",
                "lieferadresse", "shipping address", "delivery address", "direccion de entrega", "consignee", "destination", "shipped to", "shipped to address",
                "ship to location", "delivery location", "deliver to address", "lieferanschrift", "adresse de livraison",
                "lieu de livraison", "livraison", "direccion de envio", "lugar de entrega", "afleveradres",
                "leveradres", "leveringsadres", "afleveren op", "delivery to", "ship to address"],
    "ship_to_address": ["ship to address", "shipping address", "delivery address", "ship address",
                        "ship to street"],
    "total": ["order total", "po total", "grand total", "document total", "total order value", "invoice total",
              "total po value"],
    "payment_terms": ["payment terms", "terms", "credit term", "credit terms", "zahlungsbedingungen",
                      "condiciones de pago", "conditions de paiement", "conditions de reglement", "modalites de paiement",
                      "forma de pago", "betalingsvoorwaarden", "betalingstermijn", "zahlungsziel",
                      "zahlungskonditionen", "payment", "terms of payment"],
}

# IT/PT/PL/SV/DA/NO/CS/TR/ZH/JA labels, written as norm_label leaves them (accents folded, ł→l, ø→o, å→a,
# ı→i; CJK kept as is). Short CJK words match exactly only, like every word of three letters or less.
_MORE_LANGUAGES: dict[str, list[str]] = {
    'line_no': [
        "riga", "n riga", "lp", "l p", "rad", "radnr", "linje", "linjenr", "c", "cislo radku", "radek",
        "pol", "sira", "sira no", "序号", "行号", "项次", "行", "項番", "明細番号",
    ],
    'sku': [
        "codice articolo fornitore", "codice fornitore", "codigo do fornecedor", "indeks dostawcy",
        "artikelnr leverantor", "varenr leverandor", "kod dodavatele", "tedarikci kodu", "供应商料号", "型番",
        "メーカー品番", "仕入先品番",
    ],
    'customer_part': [
        "物料编码", "物料号", "物料编号", "物料代码", "料号", "品番", "品目コード",
    ],
    'code': [
        "codice", "codice articolo", "cod art", "codice prodotto", "codigo do produto", "codigo do item",
        "indeks", "kod towaru", "kod", "symbol", "artikelnr", "artikelnummer", "varenr", "varenummer",
        "artikkelnr", "artikkelnummer", "kod zbozi", "katalogove cislo", "urun kodu", "stok kodu",
        "malzeme kodu", "商品编码", "产品编号", "产品编码", "货号", "商品コード",
    ],
    'description': [
        "descrizione", "denominazione", "descrizione articolo", "descricao", "descricao do produto",
        "designacao", "nazwa", "nazwa towaru", "opis", "benamning", "beskrivning", "artikelbenamning",
        "beskrivelse", "varebeskrivelse", "varetekst", "nazev", "nazev zbozi", "popis", "aciklama",
        "urun adi", "malzeme adi", "物料描述", "名称", "商品名称", "产品名称", "描述", "品名", "商品名", "品目",
    ],
    'qty': [
        "q ta", "qta", "quantita", "qtd", "qtde", "quantidade", "ilosc", "antal", "antall", "mangd",
        "maengde", "mengde", "mnozstvi", "pocet", "miktar", "adet", "数量", "采购数量", "订购数量", "発注数", "注文数",
        "発注数量", "注文数量",
    ],
    'uom': [
        "unita di misura", "unita", "un", "unid", "unidade", "j m", "jm", "jedn", "jednostka", "enhet",
        "enhed", "enh", "mj", "m j", "jednotka", "birim", "单位", "単位",
    ],
    'unit_price': [
        "prezzo unitario", "prezzo", "prezzo netto", "preco unitario", "preco", "valor unitario",
        "cena jedn netto", "cena jednostkowa", "cena netto", "cena", "a pris", "apris", "styckpris",
        "enhetspris", "enhedspris", "pris", "pris pr stk", "cena mj", "cena za mj", "jednotkova cena",
        "birim fiyat", "birim fiyati", "fiyat", "单价", "単価",
    ],
    'amount': [
        "importo", "importo totale", "valor total", "valor", "wartosc netto", "wartosc", "wartosc brutto",
        "belopp", "summa", "belob", "belop", "cena celkem", "celkem", "castka", "tutar", "toplam tutar",
        "金额", "金額", "小计金额",
    ],
    'requested_date': [
        "data consegna", "data di consegna", "prazo de entrega", "data de entrega", "termin dostawy",
        "data dostawy", "leveransdatum", "leveringsdato", "datum dodani", "termin dodani", "teslim tarihi",
        "teslimat tarihi", "交货日期", "交期", "納期", "納入日",
    ],
    'currency': [
        "moeda", "waluta", "mena", "para birimi", "doviz", "币种", "货币", "通貨",
    ],
    'po_number': [
        "numero ordine", "n ordine", "ordine n", "ordine d acquisto n", "ordine di acquisto n",
        "pedido de compra n", "numero do pedido", "n do pedido", "zamowienie nr", "nr zamowienia",
        "numer zamowienia", "inkopsorder nr", "inkopsordernummer", "bestallningsnummer", "ordrenummer",
        "ordrenr", "indkobsordre nr", "innkjopsordre nr", "bestillingsnummer", "cislo objednavky",
        "objednavka c", "siparis no", "siparis numarasi", "采购订单号", "订单号", "订单编号", "注文番号", "発注番号",
    ],
    'po_date': [
        "data ordine", "data", "data do pedido", "data de emissao", "data zamowienia", "data wystawienia",
        "bestallningsdatum", "ordredato", "dato", "datum objednavky", "datum vystaveni", "siparis tarihi",
        "tarih", "订单日期", "日期", "発注日", "注文日", "日付",
    ],
    'buyer': [
        "acquirente", "committente", "adquirente", "zamawiajacy", "nabywca", "kopare", "bestallare",
        "kober", "kjoper", "odberatel", "objednatel", "alici", "musteri", "采购方", "买方", "需方", "発注者",
    ],
    'supplier': [
        "fornitore", "fornecedor", "dostawca", "sprzedawca", "leverantor", "leverandor", "dodavatel",
        "tedarikci", "satici", "供应商", "供方", "卖方", "仕入先", "発注先",
    ],
    'ship_to': [
        "indirizzo di consegna", "luogo di consegna", "destinazione merce", "endereco de entrega",
        "local de entrega", "adres dostawy", "miejsce dostawy", "leveransadress", "leveringsadresse",
        "dodaci adresa", "misto dodani", "teslimat adresi", "sevk adresi", "收货地址", "送货地址", "交货地点", "納入先",
        "納品先",
    ],
    'total': [
        "totale", "totale ordine", "totale documento", "valor total do pedido", "total do pedido", "razem",
        "razem do zaplaty", "att betala", "i alt", "a betale", "celkem k uhrade", "genel toplam", "总计",
        "价税合计", "合計金額",
    ],
    'payment_terms': [
        "condizioni di pagamento", "termini di pagamento", "modalita di pagamento",
        "condicoes de pagamento", "forma de pagamento", "prazo de pagamento", "warunki platnosci",
        "termin platnosci", "forma platnosci", "betalningsvillkor", "betalingsbetingelser",
        "betalingsvilkar", "platebni podminky", "splatnost", "odeme kosullari", "odeme sekli", "付款条件",
        "付款方式", "支払条件",
    ],
}
for _field, _words in _MORE_LANGUAGES.items():
    COLUMN_SYNONYMS[_field].extend(w for w in _words if w not in COLUMN_SYNONYMS[_field])

# Labels that name the field although they hold one of its veto words: the flat-file (SPS/EDI 850 export)
# "PO Line #" is the line number, not a PO reference.
EXACT: dict[str, str] = {"po line no": "line_no", "po line": "line_no", "po line number": "line_no",
                         # a letter's To / From cards ("To," over the supplier, "From," over the buyer)
                         "to": "supplier", "from": "buyer", "order to": "supplier", "order by": "buyer",
                         "messrs": "supplier"}

# Words that disqualify a label for a field (the label names something else).
VETOES: dict[str, tuple[str, ...]] = {
    "qty": ("pending", "case", "pack", "received", "shipped", "free", "total", "open", "inner", "outer", "min",
            "moq", "balance", "delivered", "outstanding", "accepted", "confirmed", "cancelled", "backordered"),
    "unit_price": ("tax", "gst", "cgst", "sgst", "igst", "vat", "cess", "mrp", "landing", "discount", "total",
                   "amount", "amt", "value", "margin", "ust", "iva"),
    "amount": ("tax", "taxable", "gst", "cgst", "sgst", "igst", "vat", "cess", "discount", "mrp", "qty",
               "quantity", "rate", "words", "amt", "ust", "iva", "unit"),
    "description": ("hsn", "code", "brand", "type", "vertical", "category", "date"),
    "uom": ("price", "cost", "rate", "value", "amount", "qty", "quantity"),
    "line_no": ("part", "sku", "product", "code", "date", "po", "order"),
    "code": ("hsn", "ean", "upc", "tax", "description", "desc", "name", "type", "qty", "price", "date", "vendor",
             "supplier", "customer", "buyer"),
    "po_date": ("delivery", "expiry", "expected", "release", "required", "due", "ship", "invoice", "need"),
    "po_number": ("date", "line", "expiry", "reference", "contract", "vendor", "account"),
    "buyer": ("by", "from", "gstin", "id", "code", "number", "phone", "email", "contact"),
    "supplier": ("address", "gstin", "id", "code", "number", "phone", "email", "contact", "price", "mrp"),
}

_NORM = re.compile(r"[^a-z0-9\u3040-\u30ff\u3400-\u9fff]+")  # CJK (kana, ideographs) kept
_ACCENTS: dict[int, Any] = {  # str.translate table: code point -> replacement
    **str.maketrans("áàâäãéèêëíìîïóòôöõúùûüñçß", "aaaaaeeeeiiiiooooouuuuncs"),
    **str.maketrans("łśćżźńąęěřčůšžýňťďşğıøåőűÿ", "lsczznaeercuszyntdsgioaouy"),
    **str.maketrans({"æ": "ae", "\u0307": ""}),  # "İ".lower() is "i" + a combining dot
}


# "(incl. GST)", "(excl. VAT)", "(Cases)", "(each)": qualifiers that do not change what a column is.
_QUALIFIER = re.compile(
    r"\((?:(?:incl|excl|inc|ex|including|excluding|before|after|without|w/o|with|per|in)\b[^)]*"
    r"|(?!(?:tax|gst|vat|cgst|sgst|igst|cess|mwst|iva|tva|ust|mrp|disc|discount)\))[a-z]{1,8}\.?)\)"
)


def norm_label(text: str) -> str:
    """Lower-case, accents folded, punctuation to single spaces, currency tags like (INR) dropped."""
    t = str(text).lower().translate(_ACCENTS)
    if t.strip() in ("#", "no.", "n°", "nº", "no"):
        return "no"
    t = re.sub(r"\((?!(?:tax|gst|vat|iva|tva|ust)\))(?:[a-z]{3}|rs|%|in [a-z]{3}|€|\$|£)\)", " ", t)
    t = _QUALIFIER.sub(" ", t)
    t = re.sub(r"^\s*item\s*#", "item", t).replace("#", " no ")  # "Item #" is the item code, "Line #" a number
    t = re.sub(r"\bp\s*\.\s*o\b\.?", "po", t).replace("°", " ").replace("º", " ").replace("€", " ")
    return _NORM.sub(" ", t).strip()


@lru_cache(maxsize=65536)
def label_score(label: str, field: str) -> float:
    """0–100: how surely ``label`` names ``field``."""
    n = norm_label(label)
    if not n or len(n) > 60:
        return 0.0
    if EXACT.get(n) == field:
        return 100.0
    tokens = set(n.split())
    for veto in VETOES.get(field, ()):
        if veto in tokens:
            return 0.0
    best = 0.0
    for syn in COLUMN_SYNONYMS[field]:
        if n == syn:
            return 100.0
        if len(syn) <= 3 or len(n) <= 3:
            continue  # short words only match exactly
        best = max(best, fuzz.ratio(n, syn))
    return best


def best_field(label: str, fields: list[str] | None = None, threshold: float = 84.0) -> tuple[str | None, float]:
    """The field ``label`` most likely names, and the score; (None, 0) below the threshold."""
    best: tuple[str | None, float] = (None, 0.0)
    for f in fields or list(COLUMN_SYNONYMS):
        s = label_score(label, f)
        if s > best[1]:
            best = (f, s)
    return best if best[1] >= threshold else (None, 0.0)


LINE_FIELDS = ["line_no", "sku", "customer_part", "code", "gtin", "description", "qty", "uom", "unit_price",
               "amount", "requested_date", "currency"]
HEADER_FIELDS = ["po_number", "po_date", "buyer", "supplier", "ship_to", "payment_terms", "currency"]
