"""Label lexicon: how POs name header fields and table columns (EN first, then ES/DE/FR/NL).

Patterns are matched against lower-cased, accent-kept text. Field labels are ordered by
preference: the first pattern that finds a usable value wins.
"""

from __future__ import annotations

import re

FIELD_LABELS: dict[str, list[str]] = {
    "po_number": [
        r"p\.?\s?o\.?\s*(?:no|nbr|num|number|#)\.?",
        r"purchase\s+order\s*(?:no|number|nbr|id|#)\.?",
        r"order\s*(?:no|number|nbr|#|n[°º])\.?",
        r"purchase\s+order",
        r"bestell(?:ung)?(?:nummer|-?nr\.?)",
        r"auftragsnummer",
        r"n[°º]\s*(?:de\s+)?commande",
        r"num[ée]ro\s+de\s+commande",
        r"bon\s+de\s+commande\s*(?:n[°º])?",
        r"commande\s*n[°º]",
        r"n[úu]mero\s+de\s+pedido",
        r"(?:orden\s+de\s+compra|pedido)\s*(?:n[°º.]|no\.?|#)?",
        r"(?:inkoop)?ordernummer",
        r"bestelnummer",
        r"order",
    ],
    "po_date": [
        r"(?:p\.?\s?o\.?|order|purchase\s+order)\s*(?:create\s+|creation\s+|issue\s+)?date",
        r"date\s+of\s+order|date\s+ordered|ordered\s+(?:on|date)",
        r"bestelldatum",
        r"date\s+de\s+(?:la\s+)?commande",
        r"fecha\s+(?:del?\s+)?pedido",
        r"fecha\s+de\s+emisi[oó]n",
        r"besteldatum|orderdatum",
        r"issue\s+date|date\s+issued|document\s+date|date\s+of\s+document",
        r"(?:quotation|quote|invoice|confirmation)\s+date",
        r"発行日|注文日",
        r"datum",
        r"fecha",
        r"date",
        r"date\s+generated",
    ],
    "delivery_date": [
        r"requested[_\s]+delivery[_\s]+date",
        r"(?:required|delivery|need(?:ed)?|ship|due)\s*(?:by|date)",
        r"delivery\s+date|date\s+required|date\s+de\s+livraison",
        r"liefer(?:datum|termin)",
        r"fecha\s+de\s+entrega",
        r"leverdatum",
    ],
    "payment_terms": [
        r"payment[_\s]+terms?(?:[_\s]+desc)?",
        r"terms\s+of\s+payment",
        r"zahlungs(?:bedingungen|ziel)",
        r"conditions\s+de\s+(?:paiement|r[eè]glement)",
        r"condiciones\s+de\s+pago|forma\s+de\s+pago",
        r"betalingsvoorwaarden|betalingstermijn",
        r"terms",
    ],
    "currency": [r"currency(?:\s+code)?", r"w[äa]hrung", r"devise", r"moneda", r"valuta"],
    "total": [
        r"grand\s+total",
        r"total\s+gross\s+amount|gross\s+(?:amount|total)",
        r"(?:po|order|purchase\s+order)\s+total",
        r"total\s+(?:[a-z]{3}\s+)?(?:amount|value|order\s+value|due|incl\.?.*)",
        r"total\s+net\s+value|gesamtnettowert|nettowert\s+gesamt",
        r"gesamt(?:betrag|summe|wert)?|endbetrag",
        r"total\s+ttc|montant\s+total|total\s+g[ée]n[ée]ral",
        r"importe\s+total|total\s+general",
        r"totaal(?:bedrag)?",
        r"合計(?:金額)?|総額",
        r"total",
        r"total\s+amount\s+without\s+vat|total\s+ht|税抜金額|net\s+total|subtotal|sub-total",
    ],
    "buyer": [
        r"buyer(?!\s*(?:contact|id|ref|req|vat|electronic))",
        r"purchaser|customer(?!\s*(?:no|number|id|part|item|p\.?\s?o|order|ref|service|care))|sold\s+to|bill\s+to"
        r"|invoice\s+to",
        r"käufer|besteller|auftraggeber|acheteur|client|comprador|cliente|koper|besteller",
    ],
    "supplier": [
        r"supplier(?:\s+name)?(?!\s*(?:no|number|id|type|part|item|code|vat))",
        r"vendor(?:\s+name)?(?!\s*(?:no|number|id|part|item|code))",
        r"seller|sold\s+by|lieferant|fournisseur|proveedor|leverancier|auftragnehmer",
    ],
    "ship_to": [
        r"(?:invoic(?:e|ing)|billing)\s+(?:and|&)\s+shipping\s+address",
        r"ship[\s-]*to(?:\s+(?:address|location))?(?!\s*(?:code|id|vat|electronic))",
        r"(?:please\s+)?deliver(?:y)?\s+to(?:\s+address)?|delivery\s+address|shipping\s+address|consignee",
        r"lieferadresse|lieferanschrift|(?:bitte\s+)?liefern\s+sie\s+an|adresse\s+de\s+livraison|livrer\s+[àa]|direcci[oó]n\s+de\s+entrega",
        r"enviar\s+a|entregar\s+en|afleveradres|leveringsadres",
    ],
    "bill_to": [r"(?:invoic(?:e|ing)|billing)\s+(?:and|&)\s+shipping\s+address|billing\s+address|bill[\s-]*to|invoice\s+to|invoicee|rechnungsadresse|facturer\s+[àa]|facturar\s+a|factuuradres"],
}

# The document's own number on a supplier-side document (sales order, confirmation, quotation, invoice):
# "Order N° SO021", "Quotation # SO021", "Sales Order SO-1042", "Invoice No. 2024-118".
DOC_NUMBER_LABELS: list[str] = [
    r"(?:sales\s+)?order\s+(?:confirmation|acknowledge?ment)\s*(?:no|number|nbr|#|n[°º])?\.?",
    r"sales\s+order\s*(?:no|number|nbr|#|n[°º])?\.?",
    r"order\s*(?:no|number|nbr|#|n[°º])\.?",
    r"(?:quotation|quote)\s*(?:no|number|nbr|#|n[°º])?\.?",
    r"pro[\s-]*forma(?:\s+invoice)?\s*(?:no|number|nbr|#|n[°º])?\.?",
    r"invoice\s*(?:no|number|nbr|#|n[°º])?\.?",
    r"order",
]
# The buyer's order number quoted on a supplier-side document.
CUSTOMER_PO_LABELS: list[str] = [
    r"(?:customer|client|buyer)(?:'s)?\s+(?:p\.?\s?o\.?|purchase\s+order|order)\s*(?:no|number|nbr|ref|#)?\.?",
    r"your\s+(?:p\.?\s?o\.?|purchase\s+order|order|ref(?:erence)?)\s*(?:no|number|nbr|ref|#)?\.?",
    r"p\.?\s?o\.?\s*(?:no|nbr|num|number|ref|reference|#)\.?",
    r"purchase\s+order\s*(?:no|number|nbr|id|ref|#)?\.?",
]
# Evidence of who issued the document: a seller's document (sales order, invoice) or a buyer's PO.
SALES_EVIDENCE = re.compile(
    r"\b(?:sales\s+order|order\s+confirmation|order\s+acknowledge?ment|quotation|pro[\s-]*forma|invoice\s+(?:no|number|"
    r"date|#)|salesperson|sales\s+rep(?:resentative)?|sold\s+by|customer\s+(?:p\.?\s?o|order)|your\s+(?:p\.?\s?o|order)"
    r"|auftragsbest[äa]tigung|confirmation\s+de\s+commande|rechnung|facture)\b|^\s*invoice\s*$",
    re.IGNORECASE | re.MULTILINE,
)
PURCHASE_EVIDENCE = re.compile(
    r"\b(?:purchase\s+order|p\.\s?o\.|vendor|supplier|bestellung|bon\s+de\s+commande|orden\s+de\s+compra|inkooporder"
    r"|please\s+(?:supply|deliver|ship))\b|注文書|発注書",
    re.IGNORECASE,
)

# Labels a value must never be taken from (they look like a field label but are not).
STOP_LABELS = re.compile(
    r"^(?:buyer\s+contact|buyer\s+id|vendor\s+no|supplier\s+no|supplier\s+type|vendor\s+id|title|email|e-mail|"
    r"phone|tel|fax|contact|page)\b",
    re.IGNORECASE,
)

# ---------------------------------------------------------------- table columns

COLUMN_ROLES: list[tuple[str, str]] = [
    ("unit_price", r"unit\s*(?:price|cost)|price\s*(?:/|per|pro)?\s*(?:unit|einheit)|preis\s+pro\s+einheit|net\s+(?:unit\s+)?price|cost\s+price|ratio\s+pack\s+cost"
                   r"|prix\s+unit|einzelpreis|precio\s+unit|stückpreis|prijs\s+per|eenheidsprijs|単価|^rate$"
                   r"|^(?:list\s+)?(?:price|cost)(?:\s*\(\w{3}\))?\W*$"),
    ("amount", r"ext(?:ended|\.)?\s*(?:price|amount|cost)?|line\s+total|net\s+value|nettowert|(?:net\s+)?amount|order\s+value|total\s+value"
               r"|^total$|^value$|^net$|gesamt(?:preis|betrag)?|betrag|montant|importe|bedrag|金額|total\s+price"
               r"|line\s+total\s+net"),
    ("qty", r"q(?:uan)?\s?ty|^[ao0]ty\.?$|quantity|qté|quantité|menge|anzahl|cantidad|cant\.|aantal|数量|qty\s+ordered|^ordered$"
            r"|no\s+of\s+ratio\s+packs|qty\s+of\s+ratio"),
    ("uom", r"^u\s*/?\s*o?\s*m$|^uom$|^unit$|^units?\s+of\s+measure|^um$|^me$|einheit|unité|^unidad$|eenheid|単位"),
    ("line_no", r"^(?:ln|line|line\s*#|#\s*line|line\s+no\.?|#|no\.?|pos\.?|position|item\s*#|nr\.?|n[°º]|lfd|item\s+no\.?)$"
                r"|注文番号"),
    ("gtin", r"ean|gtin|upc|barcode|itf"),
    ("customer_part", r"customer\s+(?:part|item|material)|buyer\s+(?:part|item)|our\s+(?:part|item|ref)|material"
                      r"|品番|size\s+variant|tpnd|article\s+number|your\s+ref"),
    ("sku", r"item\s+code|product\s+(?:code|id|no)|part\s*(?:no|number|#)|vendor\s+(?:item|part|code)"
            r"|supplier\s+(?:item|part|code)|sku|catalog|article|artikel|référence|^réf|^ref|^code$|^item$"
            r"|mfr|model|código|art\.?\s*nr|artikelnummer"),
    ("description", r"desc|item\s+name|product(?:\s+name)?$|bezeichnung|beschreibung|désignation|designation"
                    r"|descripción|omschrijving|品名|^name"),
    ("date", r"date|due|delivery|liefer|fecha|納期"),
]

HEADER_WORDS = re.compile(
    r"q(?:uan)?ty|quantity|description|price|amount|uom|unit|item|total|line|cost|menge|preis|betrag|"
    r"quantit|prix|montant|cantidad|precio|importe|aantal|prijs|bedrag|omschrijving|bezeichnung|désignation|"
    r"数量|単価|品名|品番|sku|code|barcode|size|ean",
    re.IGNORECASE,
)

STOP_ROW = re.compile(
    r"^(?:sub\s*-?\s*totals?|totals?|grand\s+totals?|(?:order|po|purchase\s+order)\s+totals?|tax|sales\s+tax|vat|tva|mwst|iva|btw|freight|shipping|"
    r"amount\s+due|balance|gesamt(?:netto|brutto)?wert|gesamt|zwischensumme|summe|sous-total|totaal|subtotaal|税抜金額|合計|小計|消費税)\b",
    re.IGNORECASE,
)

PAGE_FOOTER = re.compile(r"\bpage\s+\d+(?:\s+of\s+\d+)?\b|\bseite\s+\d+|\bpágina\s+\d+|^\s*\d+\s*/\s*\d+\s*$",
                         re.IGNORECASE)

ORG_HINT = re.compile(
    r"\b(?:inc|llc|ltd|limited|corp|corporation|co|company|gmbh|ag|kg|sa|sas|sarl|s\.a|bv|b\.v|nv|plc|pvt|"
    r"private|lp|llp|group|industries|supply|solutions|services|international|trading|holdings|enterprises)\b\.?"
    r"|株式会社|有限会社|_",
    re.IGNORECASE,
)


def compiled(patterns: list[str]) -> list[re.Pattern[str]]:
    return [re.compile(p, re.IGNORECASE) for p in patterns]
