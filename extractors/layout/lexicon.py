"""Label lexicon: how POs name header fields and table columns (EN first, then ES/DE/FR/NL, then
IT/PT/PL/SV/DA/NO/CS/TR/ZH/JA).

Patterns are matched against lower-cased, accent-kept text. Field labels are ordered by
preference: the first pattern that finds a usable value wins. CJK labels end in an optional
full-width colon ("注文番号：") because the field reader's separator only knows the ASCII one; short
words that mean something else in another language ("Data", "Dato", "Sum") are anchored.
"""

from __future__ import annotations

import re

FIELD_LABELS: dict[str, list[str]] = {
    "po_number": [
        r"(?:[a-z](?=po))?p\.?\s?o\.?\s*-?\s*(?:no|nbr|num|number|#)\.?",  # also "MPO-NO:" (master PO)
        r"p\s*/\s*o\s*(?:no|nbr|number|#)?\.?|l\.?\s?p\.?\s?o\.?\s*(?:no|nbr|number|#)?\.?|p\.?\s?o\.?(?=\s*:)",
        r"purchase\s+order\s*(?:no|number|nbr|id|#)\.?",
        r"order\s*(?:no|number|nbr|#|n[°º])\.?",
        r"purchase\s+order",
        r"(?:bestellung|commande|zam[óo]wienie)\s*(?:nr\.?|n[°º])?",  # the title before the number: "Bestellung  B2509-068"
        r"bestell(?:ung)?(?:nummer|-?nr\.?)",
        r"auftragsnummer",
        r"voucher\s*(?:no|number|#)\.?",
        r"n[°º]\s*(?:de\s+)?commande",
        r"num[ée]ro\s+de\s+commande",
        r"bon\s+de\s+commande\s*(?:n[°º])?",
        r"commande\s*n[°º]",
        r"n[úu]mero\s+de\s+pedido",
        r"(?:orden\s+de\s+compra|pedido)\s*(?:n[°º.]|no\.?|#)?",
        r"(?:inkoop)?ordernummer",
        r"bestelnummer",
        # IT
        r"(?:ordine\s+(?:d['’]\s*acquisto|di\s+acquisto|fornitore|d['’]\s*ordine)|ordine)\s*(?:n[°º.]?|nr\.?|num(?:ero)?\.?)",
        r"n(?:[°º.]|r\.?|um(?:ero)?\.?)\s*(?:dell['’]\s*)?ordine",
        # PT / BR
        r"(?:pedido|ordem)\s+de\s+compra\s*(?:n\.?\s*[°º]\.?|nr\.?|n[úu]m(?:ero)?\.?|no\.?)?",
        r"n[úu]mero\s+d[oa]\s+(?:pedido|encomenda)|n\.?\s*[°º]\s*d[oa]\s+(?:pedido|encomenda)",
        r"encomenda\s*(?:n\.?\s*[°º]\.?|nr\.?)",
        # PL
        r"zam[óo]wienie\s+(?:zakupu\s+)?(?:nr|numer)\.?|(?:nr|numer)\.?\s+zam[óo]wienia",
        # SV / DA / NO
        r"ink[öo]psorder\s*(?:nr|nummer)?\.?|indk[øo]bsordre\s*(?:nr|nummer)?\.?|innkj[øo]psordre\s*(?:nr|nummer)?\.?",
        r"best[äa]llnings?\s*(?:nr|nummer)\.?|bestillings?\s*(?:nr|nummer)\.?|ordre\s*(?:nr|nummer)\.?|ordernr\.?",
        # CS
        r"[čc][íi]slo\s+objedn[áa]vky|objedn[áa]vka\s*(?:[čc]\.|[čc][íi]slo)",
        # TR
        r"(?:sat[ıi]n\s*alma\s+)?sipari[şs]i?\s*(?:no|numaras[ıi])\.?",
        # ZH / JA
        r"(?:采购|采購)?(?:订单|訂單|采购单)(?:编号|号码|号)\s*[：:]?",
        r"(?:注文|発注|注文書)(?:番号|no\.?)\s*[：:]?",
        r"num(?:ero|éro)?\.?(?=\s*(?::|$))",  # "Numero" over "A 000072" beside "Documento / Ordine Fornitore"
        r"n[or]?[.°º](?=\s|:|$)|nr(?=\s*(?::|$))|nummer(?=\s*(?::|$))",  # ... "Nummer  888056 / 19.09.2025"  # a bare "No. P00342", "N. 300 000 946", "Nr." beside the title
        r"order",
    ],
    "po_date": [
        r"(?:p\.?\s?o\.?|order|ord\.?|purchase\s+order)\s*(?:create\s+|creation\s+|issue\s+)?date",
        r"(?:deal\s+|document\s+)?creat(?:e|ion)\s+date|date\s+created",
        r"issued\s+(?:date|on)|date\s+of\s+issue|l\.?\s?p\.?\s?o\.?\s+date|auftragsdatum|dated",
        r"date\s+of\s+order|date\s+ordered|ordered\s+(?:on|date)",
        r"bestelldatum|best(?:ell)?[-.]\s*datum",
        r"date\s+de\s+(?:la\s+)?commande",
        r"fecha\s+(?:del?\s+)?pedido",
        r"fecha\s+de\s+emisi[oó]n",
        r"besteldatum|orderdatum",
        r"issue\s+date|date\s+issued|document\s+date|date\s+of\s+document",
        r"(?:quotation|quote|invoice|confirmation)\s+date",
        r"data\s+(?:dell['’]\s*)?ordine|data\s+(?:documento|emissione)",
        r"data\s+d[oa]\s+(?:pedido|encomenda)|data\s+de\s+emiss[ãa]o",
        r"data\s+(?:zam[óo]wienia|wystawienia)",
        r"best[äa]llningsdatum|ordredato|bestillingsdato",
        r"datum\s+(?:objedn[áa]vky|vystaven[íi])",
        r"sipari[şs]\s+tarihi|d[üu]zenleme\s+tarihi",
        r"(?:订单|采购|下单|訂單)日期\s*[：:]?",
        r"(?:発行日|注文日|発注日)\s*[：:]?",
        r"datum",
        r"data(?=\s*(?::|$))|dato(?=\s*(?::|$))|tarih(?=\s*(?::|$))|日期\s*[：:]?|日付\s*[：:]?",
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
        r"data\s+(?:di\s+)?consegna|termine\s+di\s+consegna|consegna\s+richiesta",
        r"prazo\s+de\s+entrega|data\s+(?:prevista\s+)?de\s+entrega",
        r"termin\s+(?:dostawy|realizacji)|data\s+dostawy",
        r"(?:[öo]nskat\s+)?leveransdatum|leveringsdato|leveringsdag",
        r"(?:datum|term[íi]n)\s+dod[áa]n[íi]",
        r"teslim(?:at)?\s+tarihi",
        r"(?:要求)?(?:交货|交貨|到货)(?:日期|期)\s*[：:]?",
        r"(?:希望)?納期\s*[：:]?|(?:納入|納品)日\s*[：:]?",
    ],
    "payment_terms": [
        r"payment[_\s]+terms?(?:[_\s]+desc)?",
        r"zahlungs(?:bedingung(?:en)?|beding\.|bed\.|kondition(?:en)?|ziel|vereinbarung(?:en)?)|zahlung(?=\s*(?::|$))",
        r"terms\s+of\s+payment",
        r"zahlungs(?:bedingungen|ziel)",
        r"conditions?\s+de\s+(?:paiement|r[eè]glement)|mode\s+de\s+(?:r[eè]glement|paiement)",
        r"condiciones\s+de\s+pago|forma\s+de\s+pago",
        r"betalingsvoorwaarden|betalingstermijn",
        r"(?:condizioni|termini|modalit[àa])\s+(?:di\s+)?pagamento",
        r"(?:condi[çc][õo]es|forma|prazo)\s+de\s+pagamento|cond\.?\s*(?:de\s+)?pgto\.?|prazos?\s*/?\s*dias\s+pagto|pagamento(?=\s*(?::|$))",
        r"(?:warunki|termin|forma|spos[óo]b)\s+p[łl]atno[śs]ci",
        r"betalningsvillkor|betalingsbetingelser|betalingsvilk[åa]r",
        r"platebn[íi]\s+podm[íi]nky|zp[ůu]sob\s+platby|splatnost",
        r"[öo]deme\s+(?:ko[şs]ullar[ıi]|[şs]ekli|vadesi)",
        r"(?:付款|结算|付款)(?:条件|方式)\s*[：:]?",
        r"(?:お)?支払(?:い)?(?:条件|方法)\s*[：:]?",
        r"terms",
        r"payment(?=\s*(?::|$))|term(?=\s*(?::|$))",
    ],
    "currency": [r"currency(?:\s+code)?", r"w[äa]hrung", r"devise", r"moneda", r"valuta", r"moeda", r"waluta",
                 r"m[ěe]na", r"para\s+birimi|d[öo]viz", r"(?:币种|币别|货币|通貨)\s*[：:]?"],
    "total": [
        r"grand\s+total|gesamttotal|gesamtsumme\s+brutto|bruttobetrag|total\s+ttc",
        r"total\s+gross\s+amount|gross\s+(?:amount|total|value)",
        r"(?:po|order|purchase\s+order)\s+total|(?:po|order)\s+net(?:\s+(?:total|value|amount))?",
        r"total\s+(?:[a-z]{3}\s+)?(?:amount|value|order\s+value|due|incl\.?.*)",
        r"total\s+net\s+value|gesamtnettowert|nettowert\s+gesamt",
        r"gesamt(?:betrag|summe|wert)?|endbetrag|endsumme",
        r"total\s+ttc|montant\s+total|total\s+g[ée]n[ée]ral|net\s+[àa]\s+payer",
        r"importe\s+total|total\s+general",
        r"totaal(?:bedrag)?",
        r"合計(?:金額)?|総額",
        r"totale\s+(?:ordine|documento|generale|complessivo|da\s+pagare|fornitura)",
        r"valor\s+total(?:\s+do\s+pedido)?|total\s+do\s+pedido",
        r"razem\s+do\s+zap[łl]aty|do\s+zap[łl]aty|warto[śs][ćc]\s+brutto|razem|og[óo][łl]em",
        r"att\s+betala|totalbelopp|totalt|summa|i\s+alt|samlet\s+bel[øo]b|[åa]\s+betale|sum(?=\s*(?::|$))",
        r"celkem\s+k\s+[úu]hrad[ěe]|celkov[áa]\s+[čc][áa]stka|celkem",
        r"genel\s+toplam|toplam\s+tutar|toplam",
        r"(?:价税合计|总计|总金额|订单总额|合计金额|合计)\s*[：:]?",
        r"totale(?!\s+(?:imponibile|iva|netto|merce|righe|quantit))",
        r"total(?!\s+(?:qty|quantity|units?|pcs|pieces|weight|cartons|cases|items|lines|tax|vat|tva|iva|gst|[csi]gst"
        r"|mwst|ust|discount)\b)",  # never a count, nor the tax or discount alone ("Total Tax : AED 24.80")
        r"total\s+amount\s+without\s+vat|total\s+ht|税抜金額|net\s+total|subtotal|sub-total",
        r"(?:totale\s+)?imponibile|warto[śs][ćc]\s+netto|ara\s+toplam|小计\s*[：:]?|小計\s*[：:]?",
    ],
    "buyer": [
        r"buyer(?!\s*(?:contact|id|ref|req|vat|electronic))",
        r"purchaser|customer(?!\s*(?:no|number|id|part|item|p\.?\s?o|order|ref|service|care))|sold\s+to|bill\s+to"
        r"|(?:please\s+)?(?:send\s+|mail\s+)?invoices?\s+to",
        r"käufer|besteller|auftraggeber|acheteur|client|comprador|cliente|koper|besteller",
        r"acquirente|committente|adquirente|zamawiaj[ąa]cy|nabywca|k[öo]pare|best[äa]llare|k[øo]ber|kj[øo]per"
        r"|odb[ěe]ratel|objednatel|kupuj[íi]c[íi]|al[ıi]c[ıi]|m[üu][şs]teri",
        r"(?:采购方|买方|需方|订货方|発注者|注文者|購入者)\s*[：:]?",
        r"from(?=\s*[,:]?\s*$)|order\s+by(?=\s*:?\s*$)",  # the sender card of a To/From (Order By / Order To) pair
    ],
    "supplier": [
        r"supplier(?:\s+name)?(?!\s*(?:no|number|id|type|part|item|code|vat))",
        r"(?:primary\s+|main\s+)?vendor(?:\s+name)?(?!\s*(?:no|number|id|part|item|code))",
        r"seller|sold\s+by|lieferant|fournisseur|proveedor|leverancier|auftragnehmer",
        r"fornitore|fornecedor|destinat[áa]rio(?=\s*:)|dostawca|sprzedawca|leverant[öo]r|leverand[øo]r|dodavatel|tedarik[çc]i|sat[ıi]c[ıi]",
        r"(?:供应商|供貨商|供货方|供方|卖方|仕入先|発注先|納入業者)\s*[：:]?",
        r"spett\.?\s?(?:le|li)|messrs\.?|to(?=\s*[,:]?\s*$)|order\s+to(?=\s*:?\s*$)",  # the addressee card: "Spett.le", "Messrs", "To,"
    ],
    "ship_to": [
        r"(?:invoic(?:e|ing)|billing)\s+(?:and|&)\s+shipping\s+address",
        r"ship[\s-]*to(?:\s+(?:address|location))?(?!\s*(?:code|id|vat|electronic))",
        r"(?:please\s+)?deliver(?:y)?\s+to(?:\s+address)?|del(?:ivery|\.)?\s+address|ship(?:ping|ment)\s+address|consignee",
        r"lieferung\s+f[üu]r|empfangsstelle|anlieferadresse|anlieferung\s+an|warenempf[äa]nger|lieferadresse|lieferanschrift|(?:bitte\s+)?liefern\s+sie\s+an|adresse\s+de\s+livraison|livrer\s+[àa]|direcci[oó]n\s+de\s+entrega",
        r"enviar\s+a|entregar\s+en|afleveradres|leveringsadres",
        r"(?:indirizzo|luogo)\s+di\s+consegna|destinazione\s+merce|consegnare\s+a|consegna(?=\s*(?::|$))",
        r"(?:endere[çc]o|local)\s+de\s+entrega|entregar\s+(?:em|no|na)",
        r"(?:adres|miejsce)\s+dostawy|dostawa\s+do",
        r"leveransadress|leveransplats|leverans\s+till|leveringsadresse|leveres\s+til",
        r"dodac[íi]\s+adresa|m[íi]sto\s+dod[áa]n[íi]|adresa\s+dod[áa]n[íi]",
        r"teslimat\s+adresi|sevk\s+adresi|teslim\s+yeri",
        r"(?:收货地址|送货地址|交货地点|收货方|收货单位|納入先|納品先|送付先|届け先)\s*[：:]?",
    ],
    "bill_to": [r"(?:invoic(?:e|ing)|billing)\s+(?:and|&)\s+shipping\s+address|billing\s+address|bill[\s-]*to|invoice\s+to|invoicee|rechnungsadresse|facturer\s+[àa]|facturar\s+a|factuuradres",
                r"indirizzo\s+di\s+fatturazione|fatturare\s+a|endere[çc]o\s+de\s+fatura[çc][ãa]o|faturar\s+(?:a|para)"
                r"|adres\s+do\s+faktury|dane\s+do\s+faktury|p[łl]atnik|fakturaadress(?:e)?|faktura[čc]n[íi]\s+adresa"
                r"|fatura\s+adresi",
                r"(?:开票地址|发票地址|账单地址|請求先)\s*[：:]?"],
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
    r"|please\s+(?:supply|deliver|ship)|ordine\s+(?:d['’]\s*acquisto|di\s+acquisto|fornitore)|fornitore"
    r"|(?:pedido|ordem)\s+de\s+compra|fornecedor|zam[óo]wienie|dostawca|ink[öo]psorder|leverant[öo]r"
    r"|indk[øo]bsordre|innkj[øo]psordre|leverand[øo]r|objedn[áa]vka|dodavatel|sat[ıi]n\s*alma|tedarik[çc]i)\b"
    r"|注文書|発注書|采购订单|采购单|供应商|仕入先",
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
    ("unit_price", r"unit\s*(?:price|cost|cst)|^(?:basic\s+|net\s+|unit\s+|item\s+)?rate\b(?!.*(?:%|tax|gst|vat))|price\s*(?:/|per|pro)?\s*(?:unit|einheit)|preis\s*(?:pro|je|/)\s*einheit|net\s+(?:unit\s+)?price|cost\s+price|ratio\s+pack\s+cost"
                   r"|prix\s+unit|einzelpreis|^e\.?\s?-?\s?preis$|^preis$|precio\s+unit|stückpreis|prijs\s+per|eenheidsprijs|単価|^rate$"
                   r"|^(?:list\s+)?(?:price|cost)(?:\s*\(\w{3}\))?\W*$"
                   r"|prezzo(?:\s+unit|\s+netto|$)|pre[çc]o\s+(?:unit|l[íi]q)|valor\s+unit|^pre[çc]o$|^prezzo$"
                   r"|cena\s+(?:jedn|netto|za\s+(?:jedn|mj|ks))|cena\s*/\s*(?:mj|ks|szt|j\.?m)|jedn(?:otkov[áa])?\.?\s+cena"
                   r"|^cena$|^[àaá]-?\s?pris$|styckpris|enhe[dt]spris|pris\s*(?:/|per|pr\.?)\s*(?:st|stk|enhe[dt])|^pris$"
                   r"|birim\s+fiyat|^fiyat$|单价|單價"),
    ("amount", r"ext(?:ended|\.)?\s*(?:price|amount|cost)?|\bnet\s+amt\b|^amt\b|line\s+total|net\s+value|nettowert|(?:net\s+)?amount|order\s+value|total\s+value"
               r"|^total$|^value$|^net$|gesamt(?:preis|betrag)?|^g\s?[-.]?\s?preis\b|betrag|montant|importe|bedrag|金額|total\s+price"
               r"|line\s+total\s+net|importo|valor\s+(?:total|l[íi]quido)|^valor$|^total\s+\(?r\$\)?$"
               r"|warto[śs][ćc]|belopp|bel[øo][bp]|^summa$|^sum$|^i\s+alt$|[čc][áa]stka|cena\s+celkem|^celkem$"
               r"|tutar|金额|金額"),
    ("qty", r"q(?:uan)?\s?ty|^[ao0]ty\.?$|quantity|^(?:total\s+|ordered\s+)?units(?:\s+ordered)?$|qté|quantité|menge|anzahl|cantidad|cant\.|aantal|数量|qty\s+ordered|^ordered$"
            r"|no\s+of\s+ratio\s+packs|qty\s+of\s+ratio"
            r"|^q\.?\s?t[àa]\.?$|quantit[àa]|^qtde?\.?$|quantidade|ilo[śs][ćc]|^antal$|^antall$|m[äa]ngd|m[æa]ngde|^mengde$"
            r"|mno[žz]stv[íi]|^po[čc]et$|miktar|^adet$|(?:订购|采购|发注|発注|注文)数"),
    ("uom", r"^u\s*/?\s*o?\s*m$|^uom$|^unit$|^units?\s+of\s+meas|^um$|^me$|einheit|unité|^unidad$|eenheid|単位"
            r"|^u\.\s*m\.?$|unit[àa]\s+di\s+misura|^unit[àa]$|^un(?:id)?\.?$|^unidade$|^j\.?\s?m\.?$|^jedn\.?$"
            r"|^enhe[td]$|^enh\.?$|^m\.?\s?j\.?$|^jednotka$|^birim$|单位|單位"),
    ("line_no", r"^(?:ln|ln\s*#|line|line\s*#|#\s*line|line\s+no\.?|#|no\.?|pos\.?|position|item\s*#|nr\.?|n[°º]|lfd|item\s+no\.?)$"
                r"|^(?:page\s*-?\s*line|pg\s*-?\s*ln)$"
                r"|^(?:s[rl]\.?|s[rl]?\.?\s?no\.?)$"  # Indian "Sr.", "Sl. No.", "S.No"
                r"|^seq\.?(?:\s*(?:no\.?|#))?$"
                r"|注文番号"
                r"|^(?:riga|n\.|l\.?\s?p\.?|rad|linje|[čc]\.|po[řr]\.?|pol\.?|[řr][áa]dek|s[ıi]ra(?:\s+no)?|s\.\s?no)$"
                r"|^(?:序号|行号|项次|行|項番|明細番号|明細)$"),
    ("gtin", r"ean|gtin|upc|barcode|itf"),
    # a tax tariff code (India's HSN/SAC, Brazil's NCM, the HS code): classifies the goods, names no item
    ("tariff", r"^(?:hsn|sac|hsn\s*[/\\]\s*sac|hs[-\s]?code|ncm|tariff)(?:\s*(?:code|no\.?))?$"),
    # the SUPPLIER's code, qualified as such ("Vendor Item #", "Supplier ref.", "Vendor Style", "Lief.-Art",
    # "Supplier's product no."); "Your item" / "Ihre Materialnummer" are read in table.py (_YOUR_CODE)
    ("sku", r"\b(?:vend(?:or)?|supplier|lieferant(?:en)?|fournisseur|proveedor|fornitore|fornecedor|leverant[öo]r"
            r"|dostawc[ay])\b['’]?s?\W*(?:\w+\W+)?(?:item|part|code|style|id\b|no\b|nr\b|#|sku|art|cat|ref|product"
            r"|number|mat|model)"
            r"|\blief\.?\s*-?\s*art|lieferanten\W?(?:art|mat|nr)|référence|^réf|^ref\b|refer[êe]ncia|^sku\s+fornecedor"),
    ("customer_part", r"customer\s+(?:part|item|material)|buyer\s+(?:part|item)|our\s+(?:part|item|ref)|material"
                      r"|unser[e]?\s+(?:nr|nummer|art|material)"
                      r"|品番|size\s+variant|tpnd|article\s+number|your\s+ref"
                      r"|物料(?:编码|编号|号|代码)|^料号$"),
    # an UNQUALIFIED item-code column ("Item Code", "Product Code", "Part Number", "Codice", "Artikel-Nr.", "SKU"):
    # the issuer's own item number - the buyer's part on a PO, the seller's sku on a sales document (table.py)
    ("item_code", r"item\s+code|^item\s*id$|^prod\.?\s*(?:#|no\.?|code)$|^(?:piece\s+)?mark\s*(?:#|no\.?|number)$|product\s+(?:code|id|no)|part\s*(?:no|number|#)"
                  r"|sku|catalog|article|^(?:\w+\s+)?style\s*(?:#|no\.?|number)?$|artikel(?!ben[äa]mning|beskrivning|tekst)|^code$|^item$"
                  r"|mfr|model|código|art\.?\s*nr|artikelnummer"
                  r"|codice(?:\s+articolo)?|cod\.\s*art|^c[óo]d\.?$|^indeks$|kod\s+towaru|^symbol$"
                  r"|^varen(?:r|ummer)\.?$|artikkel(?:nr|nummer)?|^k[óo]d(?:\s+zbo[žz][íi])?$|katalogov[ée]\s+[čc][íi]slo"
                  r"|[üu]r[üu]n\s+kodu|stok\s+kodu|malzeme\s+kodu|商品编码|产品编号|产品编码|货号|型番|型号"),
    ("description", r"desc|item\s+name|product(?:\s+name)?$|^produ(?:to|cto|it)$|^prodotto$|bezeichnung|beschreibung|désignation|designation"
                    r"|descripción|omschrijving|品名|^name"
                    r"|descrizione|denominazione|descri[çc][ãa]o|designa[çc][ãa]o|^nazwa|^opis$|ben[äa]mning|beskrivning"
                    r"|beskrivelse|varetekst|^n[áa]zev|^popis$|a[çc][ıi]klama|[üu]r[üu]n\s+ad[ıi]|物料描述|名称|描述|商品名|品目"),
    ("date", r"date|due|delivery|liefer|fecha|納期"
             r"|consegna|entrega|dostaw|leverans|levering|dod[áa]n[íi]|teslim|交货|交期|到货|納入日"),
]

HEADER_WORDS = re.compile(
    r"q(?:uan)?ty|quantity|description|price|amount|uom|unit|item|total|line|cost|menge|preis|betrag|"
    r"quantit|prix|montant|cantidad|precio|importe|aantal|prijs|bedrag|omschrijving|bezeichnung|désignation|"
    r"数量|単価|品名|品番|sku|code|barcode|size|ean|"
    r"q\.t[àa]|prezzo|importo|descrizione|codice|\bqtde?\b|pre[çc]o|\bvalor\b|descri[çc][ãa]o|c[óo]digo|"
    r"ilo[śs][ćc]|\bcena\b|warto[śs][ćc]|\bnazwa\b|\bindeks\b|\bantal|\bpris\b|belopp|bel[øo][bp]|ben[äa]mning|"
    r"beskriv|\benhe[dt]\b|mno[žz]stv|\bpopis\b|n[áa]zev|\bmj\b|miktar|fiyat|tutar|a[çc][ıi]klama|\bbirim\b|"
    r"单价|金额|单位|物料|名称|描述|金額|単位|\beinheit\b|nettowert|\bpos\b\.?|\bmaterial\b",
    re.IGNORECASE,
)

STOP_ROW = re.compile(
    r"^(?:sub\s*-?\s*totals?|totals?|grand\s+totals?|(?:order|po|purchase\s+order)\s+totals?|tax|sales\s+tax|vat|tva|mwst|iva|btw|freight|shipping|"
    r"amount\s+due|taxable\s+(?:amount|value|total)|net\s+(?:value|total|order\s+value)|balance|gesamt(?:netto|brutto)?wert|gesamt|zwischensumme|summe|sous-total|totaal|subtotaal|税抜金額|合計|小計|消費税"
    r"|totale|imponibile|sconto|spese\s+di\s+trasporto|icms|ipi|frete|razem|suma|og[óo][łl]em|do\s+zap[łl]aty|podatek"
    r"|summa|totalt|moms|att\s+betala|delsumma|frakt|i\s+alt|fragt|at\s+betale|sum|mva|[åa]\s+betale|celkem|dph"
    r"|mezisou[čc]et|sou[čc]et|z[áa]klad\s+dan[ěe]|k\s+[úu]hrad[ěe]|toplam|ara\s+toplam|genel\s+toplam|kdv)\b"
    r"|^(?:合计|小计|总计|税额|税金|增值税|总金额|价税合计|運賃|合計|小計|総額|消費税|税込|税抜)",
    re.IGNORECASE,
)

PAGE_FOOTER = re.compile(r"\bpage\s+\d+(?:\s+of\s+\d+)?\b|\bseite\s+\d+|\bpágina\s+\d+|^\s*\d+\s*/\s*\d+\s*$"
                         r"|\bpagina\s+\d+|\bstrona\s+\d+|\bsida\s+\d+|\bside\s+\d+\s+(?:af|av)\s+\d+|\bstrana\s+\d+"
                         r"|\bsayfa\s+\d+|第\s*\d+\s*页|\d+\s*ページ",
                         re.IGNORECASE)

ORG_HINT = re.compile(
    r"\b(?:inc|llc|ltd|limited|corp|corporation|co|company|gmbh|ag|kg|sa|sas|sarl|s\.a|bv|b\.v|nv|plc|pvt|"
    r"private|lp|llp|group|industries|supply|solutions|services|international|trading|holdings|enterprises)\b\.?"
    r"|\bs\.r\.l\b|\bsrl\b|\bs\.p\.a\b|\bspa\b|\bltda\b|\bsp\.\s?z\s?o\.\s?o\b|\bs\.r\.o\b|\ba/s\b|\baps\b"
    r"|\boy\b|\bw\.?l\.?l\b|\bl\.l\.c\b|\bk\.s\.c\b|(?-i:\b(?:AB|AS|ASA)\b)(?=\s*$)|\ba\.\s?s\.(?=\s*$)|\ba\.ş\b|\bşti\b|\bsan\.\s*ve\s*tic\b"
    r"|(?-i:^PT\.?\s+(?=[A-Z][a-z]|[A-Z]{2}))|\bTbk\b"  # Indonesia: "PT. Cybertrend Intrabuana" (Perseroan Terbatas)
    r"|株式会社|有限会社|合同会社|有限公司|公司|_",
    re.IGNORECASE,
)


def compiled(patterns: list[str]) -> list[re.Pattern[str]]:
    return [re.compile(p, re.IGNORECASE) for p in patterns]
