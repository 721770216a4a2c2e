"""Words of every page → one CanonicalOrder with per-field provenance, plus warnings."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from orderflow.canonical import (
    Address,
    CanonicalOrder,
    Charge,
    Issue,
    IssueCode,
    OrderLine,
    Party,
    Provenance,
    Purpose,
    Severity,
)
from orderflow.canonical.tax import tax_rate_between
from orderflow.extractors.layout import arithmetic
from orderflow.extractors.layout import fields as F
from orderflow.extractors.layout import revision as R
from orderflow.extractors.layout.hints import Hints, compile_hints
from orderflow.extractors.layout.lexicon import ORG_HINT, PURCHASE_EVIDENCE, SALES_EVIDENCE
from orderflow.extractors.layout.lines import Line, Word, bbox, group_lines, phrase_text, to_words
from orderflow.extractors.layout.records import Record, read_records
from orderflow.extractors.layout.table import Row, read_tables
from orderflow.extractors.values import (
    ISO_CURRENCIES,
    detect_currency,
    guess_day_first,
    parse_date,
    parse_decimal,
)

LOW_CONFIDENCE = 0.6
# sub-rows under an item that are not its description: "Colour: Red", "- BR: brand", "Note Code, Content: …"
_SUBROW = re.compile(r"^\s*[-–•*]?\s*[A-Za-z][\w .,/()&-]{0,30}\s?:(?:\s|$)"
                     r"|^\s*make\s*-\s*\w", re.IGNORECASE)  # "Make - Bharat Bijlee": the maker's sub-row
# a reference printed under the item ("_Rif. Ns. comm. C23-304-03_", "*rif. C25-365*", "Bestellnummer SDS 178",
# "Int. Article No."): an order, drawing or cost-centre reference, not the item's name
_REF_ROW = re.compile(r"^[\W_]{0,2}(?:rif|ref|réf|int\.?\s*article|article\s+no|bestell(?:nummer|nr)|eq-?nr"
                      r"|kostenstelle|our\s+ref|your\s+ref|ns\.?\s+rif)\b", re.IGNORECASE)
_LEADING_CODE = re.compile(r"^(\d{6,14})\s+(?=.*[A-Za-z]{3})(\S.*)$")
_PRICE_PER = re.compile(r"^\s*([-(]?[$€£₹]?\s?\d[\d.,' ]*?)\s*(?:/|\bper\b|(?<=\d)per\b|\bpro\b|\bje\b)\s*(\d[\d.,]*)"
                        r"\s*[^\W\d_]{0,6}\.?\s*$", re.IGNORECASE)  # "125.00 / 10 PC", "726,85per 100 Stck"
# not a run inside a longer dotted number: "+33 (0)3.28.35.08.00" is a telephone number, not March 28th
_DATE_TOKEN = re.compile(r"(?<![\d.])\d{1,4}[-/.]\d{1,2}[-/.]\d{2,4}(?![\d-]|[./]\d)")
_EMBEDDED_IDS = [
    ("sku", re.compile(r"\b(?:SE_ID|seller\s+id|supplier\s+(?:item|part)|vendor\s+(?:item|part)|your\s+material\s+"
                       r"(?:number|no\.?)|ihre\s*materialnummer)\s*[:#]?\s*([\w./-]+)", re.IGNORECASE)),
    ("customer_part", re.compile(r"\b(?:BY_ID|buyer\s+id|customer\s+(?:item|part)|buyer\s+(?:item|part))\s*[:#]?\s*"
                                 r"([\w./-]+)", re.IGNORECASE)),
    ("gtin", re.compile(r"\b(?:GTIN|EAN|UPC)\s*[:#]?\s*(\d{8,14})\b", re.IGNORECASE)),
]


@dataclass
class PageWords:
    """One page's words (pdfplumber format) and size; ``extractor`` names the source of the words."""

    number: int  # 1-based
    width: float
    height: float
    words: list[dict[str, Any]]
    extractor: str = "pdf_text"


@dataclass
class _Ctx:
    extractor: dict[int, str]
    decimal_comma: bool | None
    day_first: bool | None
    prov: dict[str, Provenance] = field(default_factory=dict)
    date_hint: str | None = None  # id of the date_order hint, named on the dates it resolved
    whole_money: bool = False  # the order's currency has no minor unit (IDR, JPY…): "900.000" groups thousands

    def put(self, path: str, words: list[Word], raw: str | None = None, confidence: float | None = None,
            hint: str | None = None) -> None:
        if not words:
            return
        conf = confidence if confidence is not None else min(w.conf for w in words) / 100.0
        pages = {w.page for w in words}
        page = min(pages)
        ws = [w for w in words if w.page == page]
        self.prov[path] = Provenance(page=page, bbox=bbox(ws), raw=raw if raw is not None else phrase_text(words),
                                     confidence=round(conf, 3), extractor=self.extractor.get(page, "pdf_text"),
                                     hint=hint)


def _dec(text: str, ctx: _Ctx) -> Decimal | None:
    return parse_decimal(text, decimal_comma=ctx.decimal_comma)


_TIME = re.compile(r"(?:[01]?\d|2[0-4])[.:][0-5]\d")
_TIME_NEXT = re.compile(r"^(?:[-–—]|bis|to|à|a|al|uhr|h|hrs?|heures?|ore|horas?)$", re.IGNORECASE)


def _is_time(words: list[Word], i: int) -> bool:
    """'Montag - Donnerstag 7.00 - 16.00 Uhr': a clock time in opening hours, not an amount with a decimal
    point (German delivery notes print their hours with dots)."""
    if not _TIME.fullmatch(words[i].text):
        return False
    near = [words[j].text for j in (i - 1, i + 1) if 0 <= j < len(words)]
    return any(_TIME_NEXT.match(t) or _TIME.fullmatch(t) for t in near)


def _decimal_comma(words: list[Word]) -> bool | None:
    comma = sum(1 for w in words if re.fullmatch(r"[-(]?[\d .]*\d,\d{2}\)?", w.text))
    dot = sum(1 for i, w in enumerate(words) if re.fullmatch(r"[-(]?[$€£₹]?[\d ,]*\d\.\d{2,4}\)?", w.text)
              and not _is_time(words, i))
    if comma == dot:
        return None
    return comma > dot


def extract_order(pages: list[PageWords], *, hints: list[dict[str, Any]] | dict[str, Any] | None = None
                  ) -> tuple[CanonicalOrder, list[Issue]]:
    """Template-free extraction of one PO from positioned words; never raises for odd layouts."""
    page_lines: list[list[Line]] = []
    all_words: list[Word] = []
    widths, heights, extractor = {}, {}, {}
    for p in pages:
        ws = to_words(p.words, p.number)
        all_words += ws
        page_lines.append(group_lines(ws, p.number))
        widths[p.number], heights[p.number], extractor[p.number] = p.width, p.height, p.extractor
    compiled = compile_hints(hints)
    text = "\n".join(ln.text for lines in page_lines for ln in lines)
    day_first = compiled.day_first
    if day_first is None:
        country = _issuer_country(page_lines, heights) or ("US" if "$" in text else None)
        day_first = guess_day_first(_DATE_TOKEN.findall(text), country=country)
    decimal_comma = compiled.decimal_comma if compiled.decimal_comma is not None else _decimal_comma(all_words)
    if day_first is None and decimal_comma:
        day_first = True  # "04/09/25" beside "1.234,50": the decimal-comma countries all write the day first
    ctx = _Ctx(extractor, decimal_comma, day_first, date_hint=compiled.day_first_hint)
    issues: list[Issue] = []
    order = CanonicalOrder()
    doc = F.Doc([ln for lines in page_lines for ln in lines], widths, set(), extra_labels=compiled.labels)

    buyer_first = F.find_party(doc, "buyer")
    buyer_words = set()
    if buyer_first and buyer_first.value:
        buyer_words = {w.lower() for w in buyer_first.value.split() if len(w) >= 4}
    lh = F.letterhead(doc, set())
    if lh:
        buyer_words |= {w.lower() for w in lh.value.split() if len(w) >= 4}
    buyer_words -= {"limited", "supply", "international", "company", "industries", "group", "solutions"}
    supplier = F.find_party(doc, "supplier")
    supplier_words = {w.lower() for w in (supplier.value or "").split() if len(w) >= 3 and w.isalpha()
                      and not ORG_HINT.fullmatch(w)} - buyer_words if supplier else set()
    supplier_words -= {"the", "and", "supply", "international", "company", "industries", "group", "solutions"}
    kind = doc_kind(doc)
    tables = read_tables(page_lines, heights, buyer_words, compiled, kind, supplier_words)
    for t in tables:
        for ln in t.header_lines:
            doc.skip.add(id(ln))
        for r in t.rows:
            doc.skip.add(id(r.anchor))
            doc.skip.update(id(x) for x in r.extra)

    covered: set[int] = set()
    learned = read_records(page_lines, compiled.table_layout, lambda t: _dec(t, ctx), covered) \
        if compiled.table_layout else []
    doc.skip |= covered
    _header(doc, ctx, order, text, lh, kind)
    ctx.whole_money = order.currency in _WHOLE_CURRENCIES
    _revision(doc, ctx, order, heights)
    _apply_regions(doc, ctx, order, compiled)
    table_of: list[int] = []
    free_ctx = _Ctx(extractor, decimal_comma, day_first, date_hint=compiled.day_first_hint,
                    whole_money=ctx.whole_money) if learned else ctx
    free: list[OrderLine] = []
    for ti, t in enumerate(tables):
        for row in t.rows:
            line = _line(row, free_ctx, len(free))
            if line is not None:
                free.append(line)
                table_of.append(ti)
    if learned and compiled.table_layout:  # the sender's learned table layout replaces the template-free reader
        hid = str(compiled.table_layout.get("id"))
        order.lines = [_record_line(rec, ctx, i, hid) for i, rec in enumerate(learned)]
        _fill_unlearned(order.lines, free, compiled.table_layout, ctx, free_ctx)
        table_of = [len(tables) - 1] * len(order.lines)
    else:
        order.lines = free
    keep = _drop_reprinted(order.lines)
    if len(keep) < len(order.lines):
        _reindex_lines(ctx, keep)
        order.lines = [order.lines[i] for i in keep]
        table_of = [table_of[i] for i in keep]
    keep = _drop_pack_breakdown(order.lines)
    if len(keep) < len(order.lines):
        _reindex_lines(ctx, keep)
        order.lines = [order.lines[i] for i in keep]
        table_of = [table_of[i] for i in keep]
    if order.declared_total is None:
        _table_total(order, tables, table_of, ctx)
    order.provenance = ctx.prov
    issues += _checks(order, ctx)
    return order, issues


_PHONE_CC = re.compile(r"(?:^|[\s(:])\+\s?(\d{1,3})[\s.\-(]")
_CALLING_CODES = {"1": "US", "44": "GB", "33": "FR", "49": "DE", "32": "BE", "31": "NL", "34": "ES", "39": "IT",
                  "41": "CH", "43": "AT", "353": "IE", "351": "PT", "45": "DK", "46": "SE", "47": "NO", "48": "PL",
                  "91": "IN", "61": "AU", "64": "NZ", "27": "ZA", "55": "BR", "52": "MX", "65": "SG", "60": "MY",
                  "63": "PH", "971": "AE"}


def _issuer_country(page_lines: list[list[Line]], heights: dict[int, float]) -> str | None:
    """The issuer's country from the telephone code in its footer (else its letterhead): the issuer's
    convention prints the dates (an en_US system writes 04/11/2017 for April 11 to a Belgian customer)."""
    def codes(lines: list[Line]) -> list[str]:
        out = []
        for ln in lines:
            for m in _PHONE_CC.finditer(ln.text + " "):
                cc = next((m.group(1)[:n] for n in (3, 2, 1) if m.group(1)[:n] in _CALLING_CODES), None)
                if cc:
                    out.append(_CALLING_CODES[cc])
        return out

    footer, head = [], []
    for n, lines in enumerate(page_lines):
        if not lines:
            continue
        h = heights.get(lines[0].page) or max(ln.bottom for ln in lines)
        footer += [ln for ln in lines if ln.top > 0.85 * h]
        if n == 0:
            head = [ln for ln in lines if ln.bottom < 0.15 * h]
    for region in (footer, head):
        found = Counter(codes(region))
        if len(found) == 1:
            return next(iter(found))
    return None


_TITLE_SALES = re.compile(r"^(?:sales\s+order|order\s+confirmation|order\s+acknowledge?ment|quotation|quote|"
                          r"pro[\s-]*forma(?:\s+invoice)?|(?:tax\s+|commercial\s+)?invoice)\b", re.IGNORECASE)
_TITLE_PURCHASE = re.compile(r"^(?:(?:local\s+)?purchase\s+order|p\.?\s?o\.?$|bestellung|bon\s+de\s+commande|commande"
                             r"|orden\s+de\s+compra|inkooporder|ordine(?:\s+(?:d['’]\s*acquisto|di\s+acquisto|a?\s*fornitore))?"
                             r"|(?:pedido|ordem)\s+de\s+compra|zam[óo]wienie)\b|^(?:注文書|発注書)", re.IGNORECASE)


def doc_kind(doc: F.Doc) -> str:
    """"sales" for a seller's document (sales order, confirmation, quotation, invoice: the letterhead is the
    supplier, the address block is the customer), else "purchase" (a buyer's PO). Titles near the top of
    page 1 weigh double; the rest is vocabulary ("Salesperson", "Customer PO" vs "Vendor", "Supplier")."""
    sales = purchase = 0
    if not doc.lines:
        return "purchase"
    first = doc.lines[0].page
    page_h = max([ln.bottom for ln in doc.lines if ln.page == first] + [400])
    titles = {"sales": 0, "purchase": 0}
    for ln in doc.lines:
        for ph in ln.phrases:
            t = _MAIL_URL.sub(" ", phrase_text(ph))
            if len(t.split()) < 8:  # labels and titles; a sentence of terms prose ("… der Rechnung sowie") is no evidence
                sales += len(SALES_EVIDENCE.findall(t))
                purchase += len(PURCHASE_EVIDENCE.findall(t))
            if ln.page == first and ln.top < 0.35 * page_h and len(t) < 40:
                titles["sales"] += bool(_TITLE_SALES.match(t))
                titles["purchase"] += bool(_TITLE_PURCHASE.match(t))
    if titles["purchase"] and not titles["sales"]:
        return "purchase"  # the document's own title decides
    if titles["sales"] and not titles["purchase"]:
        return "sales"
    return "sales" if sales > purchase else "purchase"


_MAIL_URL = re.compile(r"\S+@\S+|(?:https?://|www\.)\S+", re.IGNORECASE)


_PO_SPACED = re.compile(r"(?!(?:PO|NO|NR|N[°º])\s)([A-Z]{1,2}\s+\d[\w/-]*\d|\d{1,3}(?:\s\d{3}){1,3}|[A-Z]*\d+\s[-–]\s\d+)(?=\s|$)")


def _po_ok(val: str, words: list[Word]) -> str | None:
    """A PO-number token: the first word of the value (colons, hashes stripped), or a number printed with
    spaces as one ("A 000125" series letter, "300 000 946" digit groups, "UP1 - 102217"); after a title
    ("ORDER TO SUPPLIER 591/09/2025") the first token with three digits after the title's capitals."""
    m = _PO_SPACED.match(val.strip(" :#"))
    if m:
        return m.group(1)
    toks = val.split()
    if toks and not any(c.isdigit() for c in toks[0]):
        for i, t in enumerate(toks[:5]):
            if sum(c.isdigit() for c in t) >= 3:
                if all(x.isupper() and x.isalpha() for x in toks[:i]):
                    val = " ".join(toks[i:])
                break
    tok = val.split()[0] if val.split() else ""
    tok = tok.strip(":#.,")
    if not tok or "{" in tok or not any(c.isdigit() for c in tok) or len(tok) > 30:
        return None
    if parse_date(tok) is not None and _DATE_TOKEN.fullmatch(tok):
        return None
    return tok


def _numbers(doc: F.Doc, ctx: _Ctx, order: CanonicalOrder, kind: str) -> None:
    """The PO number. On a buyer's PO: its labelled number. On a seller's document: the order's own number
    as printed ("Order N° SO021", "Sales Order SO-1042"), the buyer's PO number it quotes kept in
    ``references["customer_po"]``; an invoice is about the buyer's order, so there the quoted PO number
    wins and the invoice number is kept in ``references["invoice_number"]``."""
    if kind != "sales":
        f = F.combined_inline(doc, "po_number")  # "PO Number / Date 4517145590 / 12.05.2026"
        f = f if f is not None and _po_ok(f.value, f.words) else F.find_simple(doc, "po_number", _po_ok)
    else:
        own = F.find_simple(doc, "doc_number", _po_ok)
        cust = F.find_simple(doc, "customer_po", _po_ok)
        if own and cust and own.value == cust.value:
            own = None
        invoice = own is not None and _label_is_invoice(own)
        if cust:
            order.references["customer_po"] = cust.value
        if own and invoice:
            order.references["invoice_number"] = own.value
        f = (cust or own) if invoice else (own or cust)
    if f:
        order.po_number = f.value
        ctx.put("po_number", [w for w in f.words if f.value in w.text] or f.words, raw=phrase_text(f.words),
                hint=f.hint)


def _label_is_invoice(found: F.Found) -> bool:
    """Whether a document number was printed after an invoice label (the words just left of it say so)."""
    if not found.words:
        return False
    return bool(re.search(r"invoice|rechnung|facture", found.label or "", re.IGNORECASE))


_SECOND_SCRIPT = re.compile(r"\s*[·|/]\s*[^A-Za-z0-9À-ɏ]*[\u0590-\u08ff\ufb1d-\ufefc][^A-Za-z]*$")
_CODE_AFFIX = re.compile(r"[(\[]\s*(?:[A-Z]{3}|[$€£₹])?\s*[)\]]|[(\[]?\b(?:" + "|".join(sorted(ISO_CURRENCIES)) + r")\b[)\]]?")


def _header(doc: F.Doc, ctx: _Ctx, order: CanonicalOrder, text: str, lh: F.Found | None, kind: str = "purchase"
            ) -> None:
    _numbers(doc, ctx, order, kind)

    for key, attr in (("po_date", "po_date"), ("delivery_date", "requested_delivery_date")):
        def date_ok(val: str, words: list[Word]) -> str | None:
            return val if parse_date(val, day_first=ctx.day_first) else None

        f = F.find_simple(doc, key, date_ok) or F.boxed_date(doc, key)
        if f is None:
            f = F.combined_inline(doc, key)
            f = f if f is not None and date_ok(f.value, f.words) else None
        if f:
            setattr(order, attr, parse_date(f.value, day_first=ctx.day_first))
            ctx.put(attr, f.words, hint=f.hint or ctx.date_hint)

    def terms_ok(val: str, words: list[Word]) -> str | None:
        v = _SECOND_SCRIPT.sub("", val).strip(" :")  # "Cash / KNET on delivery · <the same in Arabic>"
        if not v or len(v) > 80 or not re.search(r"\w", v) or F.STOP_LABELS.match(v) or " " in v and F.is_label(v):
            return None  # "Condizioni Pagamento" under "Pagamento": the next label, not the value
        return v

    f = F.find_simple(doc, "payment_terms", terms_ok, run_on=True)
    if f:
        f = F.sentence_block(doc, f) or f
        order.payment_terms = f.value
        ctx.put("payment_terms", f.words, hint=f.hint)

    def cur_ok(val: str, words: list[Word]) -> str | None:
        tok = val.strip().split()[0].upper() if val.strip() else ""
        if tok in ("EURO", "EUROS"):
            return "EUR"  # "Valuta / Currency" over "EURO": the currency's name, not its code
        return tok if tok in ISO_CURRENCIES else detect_currency(val)

    f = F.find_simple(doc, "currency", cur_ok)
    if f:
        order.currency = f.value if f.value in ISO_CURRENCIES else detect_currency(f.value)
        ctx.put("currency", f.words, hint=f.hint)
    else:
        codes = Counter(c for c in (detect_currency(w.text) for ln in doc.lines for w in ln.words) if c)
        hdr = re.findall(r"\(([A-Z]{3})\)", text)
        codes.update(h for h in hdr if h in ISO_CURRENCIES)
        if codes:
            order.currency = codes.most_common(1)[0][0]

    def total_ok(val: str, words: list[Word]) -> str | None:
        val = _CODE_AFFIX.sub(" ", val).strip()  # "191,613.00 (SAR)", "[ EUR]": the currency beside the amount
        v = _dec(val, ctx)
        if v is None and val.split():
            v = _dec(val.split()[-1], ctx) or _dec(" ".join(val.split()[:2]), ctx)
        return format(v, "f") if v is not None else None

    def total_strict(val: str) -> str | None:
        v = _dec(_CODE_AFFIX.sub(" ", val).strip(), ctx)
        return format(v, "f") if v is not None else None

    f = F.find_amount(doc, "total", total_ok, total_strict)
    if f:
        order.declared_total = Decimal(f.value)
        ctx.put("declared_total", f.words, hint=f.hint)

    # parties
    fo = (F.footer_org(doc) or F.signature_org(doc)) if kind != "sales" else None
    if fo and (lh is None or F.same_org(lh.value, fo.value) or _heads_block(doc, lh)):
        # the footer's legal name is the issuer; a letterhead candidate heading an address block while the
        # footer names another organisation is the addressee in the envelope window
        lh = fo
    elif kind != "sales" and lh is not None and _heads_block(doc, lh):
        top = _top_block(doc)
        if top is not None and top.words[0] is not lh.words[0] and F.ORG_HINT.search(top.value):
            lh = top  # the sender's block at the top of the page; the letterhead candidate was the addressee
    ret = F.return_address(doc) if kind != "sales" else None  # a letter: sender's line over the window address
    sup = ret[1] if ret else F.find_party(doc, "supplier")
    if sup is None:
        for ln in doc.lines:
            for ph in ln.phrases:
                t = phrase_text(ph)
                if t.endswith("御中") and len(t) > 3:
                    sup = F.Found(t[:-2].strip(), ph)
                    break
            if sup:
                break
    blocks = F.address_blocks(doc) if kind == "sales" else []
    if kind == "sales" and sup is None:
        sup = _issuer(doc, blocks, lh)
    scanned_head = bool(doc.lines) and ctx.extractor.get(doc.lines[0].page) == "pdf_ocr"
    if kind != "sales" and sup is None and not scanned_head:  # OCR'd names are too noisy to rule a block out
        sup = _window_address(doc, lh)
    if sup and sup.value:
        m = re.search(r",\s*([A-Z]{3})$", sup.value)
        if m and m.group(1) in ISO_CURRENCIES:
            sup = F.Found(sup.value[: m.start()], sup.words, hint=sup.hint)  # "SDS GmbH, EUR": the order's currency
        sal = F.SALUTATION.match(sup.value)
        if sal and sal.end() < len(sup.value):  # "M/s S.R.ENGINEERING" in an unlabelled window block
            sup = F.Found(sup.value[sal.end():], sup.words[1:] or sup.words, hint=sup.hint)
        order.supplier = Party(name=sup.value)
        ctx.put("supplier.name", sup.words, hint=sup.hint)
    buyer = F.find_party(doc, "buyer")
    if buyer and (not buyer.value or F.is_person_block(buyer) and not _is_letterhead(buyer, lh)):
        buyer = None  # a person's name; but the letterhead's own name ("Vision Operations") is the organisation
    if buyer is None and ret and ret[0]:
        buyer = ret[0]  # the sender named on its return-address line
    if buyer is None and kind == "sales":
        # a seller's document: the customer is the address block that is not the seller's, else the
        # invoice/ship-to party
        seller = (order.supplier.name or "").lower() if order.supplier else ""
        cust = [b for b in blocks if b.value.lower() != seller and not (seller and seller in b.value.lower())]
        buyer = cust[0] if cust else (F.find_party(doc, "bill_to") or F.find_party(doc, "ship_to"))
        if buyer is not None:
            buyer = F.Found(buyer.value, buyer.words, hint=buyer.hint)
    if buyer is None and kind != "sales":
        exclude = {order.supplier.name.lower()} if order.supplier and order.supplier.name else set()
        buyer = lh
        if buyer is not None and (any(e in buyer.value.lower() for e in exclude) or F.looks_like_person(buyer.value)
                                  and not _is_letterhead(F.find_party(doc, "bill_to"), lh)
                                  and not _heads_address(doc, lh)):
            buyer = None
        if buyer is None or not F.ORG_HINT.search(buyer.value):
            for ln in doc.lines[:40]:
                for ph in ln.phrases:
                    t = phrase_text(ph)
                    if F.ORG_HINT.search(t) and not any(e in t.lower() for e in exclude) and not F._TITLE.search(t) \
                            and ":" not in t and not t.endswith("御中") and len(t) < 60 and F.name_ok(t):
                        buyer = F.Found(t, ph)
                        break
                else:
                    continue
                break
    if buyer is None and kind != "sales":
        buyer = F.find_party(doc, "bill_to")  # no buyer label, no letterhead: the invoice-to party orders
        if buyer is not None and order.supplier and F.same_org(buyer.value, order.supplier.name or ""):
            buyer = None
    if buyer and buyer.value and lh is not None and lh.value.lower().startswith(buyer.value.lower() + " ") \
            and F._LEGAL_FORM.search(lh.value[len(buyer.value):]):
        buyer = F.Found(lh.value, buyer.words, hint=buyer.hint)  # "Uellow" in the card, "Uellow W.L.L" on top
    if buyer and buyer.value:
        name = _trim_after_legal_form(buyer.value)
        name = _OFFICE_SUFFIX.sub("", name).strip() or name  # "UNFI ACCOUNTS PAYABLE": the buyer's office
        buyer = F.Found(name, buyer.words, hint=buyer.hint)
        order.buyer = Party(name=buyer.value)
        ctx.put("buyer.name", buyer.words, hint=buyer.hint)
    for key in ("ship_to", "bill_to"):
        blk = F.find_party(doc, key)
        if not blk or not blk.lines:
            continue
        texts = [phrase_text(b) for b in blk.lines]
        name, addr_lines = texts[0], [t for t in texts[1:] if not F.is_phone_line(t)]
        while addr_lines and _DEPARTMENT.match(addr_lines[0]) and len(addr_lines) > 1:
            addr_lines = addr_lines[1:]  # "Purchasing Department" under the name: an attention line, not the address
        if not addr_lines and name.count(",") >= 2:
            head, rest = name.split(",", 1)
            if not re.search(r"\d", head) and re.search(r"\d", rest):
                # "Feldmann Verpackungen, Meteorstraße 10-18, D-59590 Geseke": name and address on one line
                name, addr_lines = head.strip(), [rest.strip()]
        split = re.split(r"\s+[—–]\s+|\s+-\s+", name, maxsplit=1)
        if len(split) == 2 and (not addr_lines or re.match(r"\d", split[1])):
            # "REDLINE-HOU — 8300 Market Street": the name, then the address starting on the same line
            name, addr_lines = split[0], [split[1], *addr_lines]
        party_name: str | None = name
        if key == "ship_to" and _address_line(name):
            party_name, addr_lines = None, [name, *addr_lines]  # "300 DUFFY AVENUE" / "HICKSVILLE, NY 11801": no name
        joined = ""
        for a in addr_lines:
            if joined and (re.fullmatch(r"[\d -]{4,10}|[A-Z]{1,2}\d[\w ]{2,6}", a) or joined.endswith((",", "-", "&"))):
                joined = joined.rstrip() + " " + a  # a postcode, or a line wrapped after its own comma or dash
            else:
                joined = f"{joined}, {a}" if joined else a
        party = Party(name=party_name, address=Address(lines=addr_lines, text=joined or None) if addr_lines else None)
        setattr(order, key, party)
        if party_name is not None:
            ctx.put(f"{key}.name", blk.lines[0], hint=blk.hint)
        if addr_lines:
            rows = blk.lines if party_name is None else blk.lines[1:]
            ctx.put(f"{key}.address", [w for b in rows for w in b] or blk.lines[0], raw=joined)


_PLACE = re.compile(r"^\d+[A-Z]?(?:-\d+)?\s+[^\W\d_]{2,}|\b(?:business|industrial|trading|retail|technology|science)\s+"
                    r"(?:park|estate|centre|center|area)\b", re.IGNORECASE)


def _address_line(text: str) -> bool:
    """A ship-to block that opens with its address, not a name: a house number and a street ("300 DUFFY
    AVENUE"), or a business park ("Rabbit Hill Business Park"), with no organisation word."""
    if F.ORG_HINT.search(text):
        return False
    return bool(_PLACE.search(text)) and (not text[:1].isdigit() or bool(F._STREET.search(text)))


_OFFICE_SUFFIX = re.compile(r"\s+[-–]?\s*(?:accounts?\s+payable|purchasing(?:\s+dep(?:artmen)?t\.?)?|procurement"
                            r"|einkauf|buchhaltung)$", re.IGNORECASE)
_DEPARTMENT = re.compile(r"^(?:[\w&]+\s+){0,2}(?:depart?e?ment|dept\.?|division|abteilung)$|^(?:attn|attention)\b",
                         re.IGNORECASE)

REVISION_AREA = 0.45  # share of page 1 (from the top) where a revision title or number counts


def _revision(doc: F.Doc, ctx: _Ctx, order: CanonicalOrder, heights: dict[int, float]) -> None:
    """A revised or cancelled PO says so near the top of page 1 ("REVISED PURCHASE ORDER", "Revision: 1",
    "CANCELLED"): set ``revision`` and ``purpose`` so the pipeline versions the order instead of calling
    it a duplicate. Line tables and the lower page (form footers: "Form 12 Rev. 3") are not read."""
    if not doc.lines:
        return
    first = doc.lines[0].page
    page_h = heights.get(first) or max(ln.bottom for ln in doc.lines if ln.page == first)
    found: list[tuple[R.Marker, list[Word]]] = []
    for line in doc.lines:
        if line.page != first or line.top > REVISION_AREA * max(page_h, 400) or id(line) in doc.skip:
            continue
        for k, phrase in enumerate(line.phrases):
            text = phrase_text(phrase)
            mark = R.marker(text)
            if mark is None and R.is_revision_label(text):
                for words in (F.value_right(doc, line, k, []), F.value_below(doc, line, k)):
                    value = R.parse_revision_value(phrase_text(words)) if words else None
                    if value is not None:
                        mark, phrase = R.Marker(value, None, f"{text} {phrase_text(words)}"), phrase + words
                        break
            if mark is not None:
                found.append((mark, phrase))
    verdict = R.combine([m for m, _ in found])
    if verdict is None:
        return
    if verdict.revision is not None:
        order.revision = verdict.revision
        ctx.put("revision", next(ws for m, ws in found if m.revision == verdict.revision), confidence=0.9)
    if verdict.purpose is not None:
        order.purpose = Purpose(verdict.purpose)
        words = next((ws for m, ws in found if m.purpose == verdict.purpose), found[0][1])
        ctx.put("purpose", words, raw=verdict.raw, confidence=0.9)


def _issuer(doc: F.Doc, blocks: list[F.Found], lh: F.Found | None) -> F.Found | None:
    """The seller on its own document: the name-and-address block at the very top of page 1 when another
    block (the customer's) follows it, else the letterhead."""
    if len(blocks) >= 2 and doc.lines:
        first = doc.lines[0].page
        page_h = max([ln.bottom for ln in doc.lines if ln.page == first] + [400])
        top = blocks[0]
        if min(w.top for w in top.words) < 0.15 * page_h:
            return F.Found(top.value, top.words)
    return lh


def _is_letterhead(found: F.Found | None, lh: F.Found | None) -> bool:
    """Whether a party's name is also the letterhead's: then it names an organisation, not a person."""
    return bool(found and lh and found.value and found.value.strip().lower() == lh.value.strip().lower())


def _heads_address(doc: F.Doc, lh: F.Found | None) -> bool:
    """Whether the letterhead name heads its own address block ("Blue Heron Bakery" over street and
    town): a sender's name and address, so an organisation even when it reads like a person's name."""
    if lh is None or not lh.words:
        return False
    return any(b.words and b.words[0] is lh.words[0] for b in F.address_blocks(doc, top_share=0.3))


def _top_block(doc: F.Doc) -> F.Found | None:
    """The first name-and-address block when it starts in the top eighth of page 1 (the sender's)."""
    blocks = F.address_blocks(doc)
    if not blocks or not doc.lines:
        return None
    first = doc.lines[0].page
    page_h = max([ln.bottom for ln in doc.lines if ln.page == first] + [400])
    return blocks[0] if min(w.top for w in blocks[0].words) < 0.125 * page_h else None


def _heads_block(doc: F.Doc, lh: F.Found | None) -> bool:
    """Whether a letterhead candidate is the first line of a name-and-address block."""
    if lh is None or not lh.words:
        return False
    return any(b.words and b.words[0] is lh.words[0] for b in F.address_blocks(doc))


def _window_address(doc: F.Doc, lh: F.Found | None) -> F.Found | None:
    """The supplier on a buyer's PO that names no supplier label: the unlabelled name-and-address block
    in the left half of the page head (the envelope window), when it is not the buyer's own block nor a
    labelled ship-to / bill-to block."""
    if not doc.lines:
        return None
    own = {lh.value.lower()} if lh and lh.value else set()
    for key in ("ship_to", "bill_to", "buyer"):
        f = F.find_party(doc, key)
        if f and f.value:
            own.add(f.value.lower())
    width = doc.widths.get(doc.lines[0].page, 600)
    cands = [b for b in F.address_blocks(doc, top_share=0.35)
             if not any(b.value.lower() == o or b.value.lower() in o or o in b.value.lower() or F.same_org(b.value, o)
                        for o in own)]
    # an organisation's block first (a Swiss window sits on the right), else the left-half block
    for b in [b for b in cands if F.ORG_HINT.search(b.value)] + [b for b in cands if b.words[0].x0 < 0.5 * width]:
        return F.Found(b.value, b.words)
    return None


_PACK = re.compile(r"\bpre-?\s?pack|\bprepack|\bratio\s+pack|\b\d+\s*pcs?\s+pack|\bpack\s+of\s+\d+", re.IGNORECASE)


def _drop_reprinted(lines: list[OrderLine]) -> list[int]:
    """Indexes of the lines to keep when the document prints the order twice (a second copy appended):
    a numbered line equal in every field to an earlier one is the copy's, not a new line."""
    seen: set[tuple] = set()
    keep: list[int] = []
    for i, ln in enumerate(lines):
        key = (ln.line_no, ln.sku, ln.customer_part, ln.description, ln.qty, ln.unit_price, ln.amount)
        if ln.line_no is not None and key in seen:
            continue
        seen.add(key)
        keep.append(i)
    return keep


def _drop_pack_breakdown(lines: list[OrderLine]) -> list[int]:
    """Indexes of the lines to keep: the rows right under a pre-pack/assortment line that repeat its
    quantity at a lower price are its size/colour breakdown, not orderable lines."""
    keep: list[int] = []
    pack: OrderLine | None = None
    for i, ln in enumerate(lines):
        desc = ln.description or ""
        if pack is not None and not _PACK.search(desc) and ln.qty == pack.qty and (
                ln.unit_price is None or pack.unit_price is None or ln.unit_price < pack.unit_price):
            continue
        pack = ln if _PACK.search(desc) and ln.qty is not None else None
        keep.append(i)
    return keep


def _reindex_lines(ctx: _Ctx, keep: list[int]) -> None:
    new_index = {old: new for new, old in enumerate(keep)}
    prov: dict[str, Provenance] = {}
    for path, p in ctx.prov.items():
        m = re.match(r"lines\[(\d+)\](.*)", path)
        if not m:
            prov[path] = p
        elif int(m.group(1)) in new_index:
            prov[f"lines[{new_index[int(m.group(1))]}]{m.group(2)}"] = p
    ctx.prov = prov


def _table_total(order: CanonicalOrder, tables: list, table_of: list[int], ctx: _Ctx) -> None:
    """An unlabelled numbers-only row closing the only line table is its total when one of its numbers
    equals the lines' sum (several such rows are per-delivery subtotals: no grand total)."""
    closing = [ti for ti, t in enumerate(tables) if t.total_line is not None]
    if len(closing) != 1 or closing[0] != len(tables) - 1 or not order.lines:
        return
    total = Decimal(0)
    for ln in order.lines:
        if ln.amount is not None:
            total += ln.amount
        elif ln.qty is not None and ln.unit_price is not None:
            total += ln.qty * ln.unit_price
        else:
            return
    for ph in tables[closing[0]].total_line.phrases:
        v = _dec(phrase_text(ph), ctx)
        if v is not None and v == total:
            order.declared_total = v
            ctx.put("declared_total", ph, confidence=0.8)
            return


_LEGAL = re.compile(r"(?:\b(?:ltd\.?\s*şti|a\.ş|sp\.\s?z\s?o\.o|s\.r\.o|inc|llc|ltd|limited|corp|corporation|gmbh|ag|"
                    r"sas|sarl|s\.?a|b\.?v|n\.?v|plc|pvt|llp|s\.?r\.?l|s\.?p\.?a|ltda)\b\.?|株式会社|有限会社|合同会社|有限公司)",
                    re.IGNORECASE)


def _trim_after_legal_form(name: str) -> str:
    """'Demo Customer 株式会社 Osaka' → 'Demo Customer 株式会社': a word or two after the legal form is a
    city or department printed on the same line, not part of the organisation's name."""
    ms = list(_LEGAL.finditer(name))
    if not ms:
        return name
    m = ms[-1]
    rest = name[m.end():].strip(" ,")
    if m.start() > 0 and rest and len(rest.split()) <= 2 and not _LEGAL.search(rest):
        return name[:m.end()].strip()
    return name


def _apply_regions(doc: F.Doc, ctx: _Ctx, order: CanonicalOrder, hints: Hints) -> None:
    """Region hints: the value sits in a box placed relative to an anchor label (fixed-layout forms)."""
    for r in hints.regions:
        anchor: list[Word] = []
        for ln in doc.lines if r["anchor"] else ():
            for ph in ln.phrases:
                if re.sub(r"\s+", " ", phrase_text(ph)).lower().startswith(r["anchor"]):
                    anchor = ph
                    break
            if anchor:
                break
        if not anchor and r["anchor"]:
            continue
        # no anchor label (a letterhead): the box is placed from the first page's top-left corner
        x0 = (anchor[0].x0 if anchor else 0.0) + r["dx"]
        top = (min(w.top for w in anchor) if anchor else 0.0) + r["dy"]
        x1, bottom = x0 + r["w"], top + r["h"]
        page = anchor[0].page if anchor else min((ln.page for ln in doc.lines), default=1)
        rows = [[w for w in ln.words if x0 <= w.xc <= x1 and top <= (w.top + w.bottom) / 2 <= bottom
                 and w not in anchor] for ln in doc.lines if ln.page == page]
        rows = [sorted(ws, key=lambda w: w.x0) for ws in rows if ws]
        words = [w for ws in rows for w in ws]
        if not words:
            continue
        value = phrase_text(words)
        if r["field"] in ("ship_to", "ship_to_address"):
            party = order.ship_to or Party()
            if r["field"] == "ship_to":
                party.name = value
                ctx.put("ship_to.name", words, hint=r["id"])
            else:
                party.address = Address(lines=[phrase_text(ws) for ws in rows], text=value)
                ctx.put("ship_to.address", words, hint=r["id"])
            order.ship_to = party
            continue
        fld, hid = r["field"], r["id"]
        if fld == "po_number":
            order.po_number = value.split()[0].strip(":#")
            ctx.put("po_number", words, hint=hid)
        elif fld in ("po_date", "delivery_date"):
            d = parse_date(value, day_first=ctx.day_first)
            if d:
                attr = "po_date" if fld == "po_date" else "requested_delivery_date"
                setattr(order, attr, d)
                ctx.put(attr, words, hint=hid)
        elif fld == "payment_terms":
            order.payment_terms = value
            ctx.put("payment_terms", words, hint=hid)
        elif fld == "currency":
            cur = value.split()[0].upper() if value.split()[0].upper() in ISO_CURRENCIES else detect_currency(value)
            if cur:
                order.currency = cur
                ctx.put("currency", words, hint=hid)
        elif fld == "total":
            v = _dec(value, ctx) or _dec(value.split()[-1], ctx)
            if v is not None:
                order.declared_total = v
                ctx.put("declared_total", words, hint=hid)
        elif fld in ("buyer", "supplier"):
            setattr(order, fld, Party(name=value))
            ctx.put(f"{fld}.name", words, hint=hid)


def _join_desc(parts: list[str]) -> str:
    out = ""
    for p in parts:
        p = p.strip()
        if not p:
            continue
        if out.endswith("-") and not out.endswith(" -"):
            out += p
        else:
            out = f"{out} {p}" if out else p
    return out


def _fill_unlearned(lines: list[OrderLine], free: list[OrderLine], spec: dict[str, Any], ctx: _Ctx,
                    free_ctx: _Ctx) -> None:
    """Prices the learned layout has no column for (the first document printed none) come from the
    template-free reader's line with the same quantity, matched in order (a text field the CSR left empty
    stays empty); so do the fields the CSR saved but the layout could not place (``unplaced``: a misread scan)."""
    learned = set(spec.get("fields") or {})
    roles = ("unit_price", "amount", "price_basis", *[r for r in spec.get("unplaced") or [] if isinstance(r, str)])
    j = 0
    for i, line in enumerate(lines):
        k = next((k for k in range(j, len(free)) if free[k].qty is not None and free[k].qty == line.qty), None)
        if k is None:
            continue
        j = k + 1
        for role in roles:
            if role not in learned and getattr(line, role, None) is None and getattr(free[k], role, None) is not None:
                setattr(line, role, getattr(free[k], role))
                if (p := free_ctx.prov.get(f"lines[{k}].{role}")) is not None:
                    ctx.prov[f"lines[{i}].{role}"] = p


def _record_line(rec: Record, ctx: _Ctx, index: int, hid: str) -> OrderLine:
    """One record read by a learned ``table_layout`` hint: its fields' words as printed, each value parsed
    as the engine parses a table cell; every value names the hint in its provenance."""
    path, line = f"lines[{index}]", OrderLine()
    for role in ("line_no", "sku", "customer_part", "gtin", "description"):
        if rec.get(role):  # item text printed in quotes ('"CONSULTORIA … Spanish"'): the quotes are no text
            setattr(line, role, phrase_text(rec[role]).strip().strip('"“”„«»').strip() or None)
    if rec.get("qty"):
        m = re.match(r"^\s*([-+(]?[\d.,' ]*\d\)?)\s*(?:/\s*|\s+)?([^\W\d_]{1,5})?\b", phrase_text(rec["qty"]))
        if m:
            line.qty = _dec(m.group(1), ctx)
            line.uom = m.group(2).upper() if m.group(2) else None
    if rec.get("uom"):
        line.uom = rec["uom"][0].text.upper()
    if rec.get("unit_price"):
        price_text = phrase_text(rec["unit_price"])
        per = _PRICE_PER.match(price_text)
        line.unit_price = _money(per.group(1) if per else price_text, ctx, prefer="last")
        basis = _dec(per.group(2), ctx) if per else None
        if line.unit_price is not None and basis and basis not in (0, 1):
            per_unit = line.unit_price / basis
            line.unit_price = per_unit if per_unit * basis == line.unit_price else per_unit.quantize(Decimal("0.0001"))
            line.price_basis = format(basis, "f")
    if rec.get("amount"):
        line.amount = _money(phrase_text(rec["amount"]), ctx, prefer="first")
    for role, words in rec.items():
        if getattr(line, role, None) is not None:
            ctx.put(f"{path}.{role}", words, hint=hid)
    return line


def _line(row: Row, ctx: _Ctx, index: int) -> OrderLine | None:
    c = row.cells
    path = f"lines[{index}]"
    line = OrderLine()

    def txt(role: str) -> str:
        return phrase_text(c.get(role, []))

    if c.get("line_no"):
        tok = txt("line_no").split()[0]
        if len(tok) <= 12:
            line.line_no = tok.rstrip(".")
            ctx.put(f"{path}.line_no", c["line_no"][:1])
        for ln, cells in zip(row.extra, row.extra_cells, strict=False):  # "1" over "0": a number wrapped in a
            ws = cells.get("line_no")  # narrow cell continues on the baseline right under it
            if line.line_no and line.line_no.isdigit() and ws and set(cells) == {"line_no"} and len(ln.words) == 1 \
                    and ws[0].text.isdigit() and 0 <= ln.top - row.anchor.bottom < 0.8 * ln.height:
                line.line_no += ws[0].text
    qty_text = txt("qty")
    if qty_text:
        m = re.match(r"^\s*([-+(]?[\d.,' ]*\d\)?)\s*(?:/\s*|\s+)?([^\W\d_]{1,5})?\b", qty_text)  # "16 Stück"
        if m:
            line.qty = _dec(m.group(1), ctx)
            if m.group(2):
                line.uom = m.group(2).upper()
        ctx.put(f"{path}.qty", c["qty"])
    spill: list[Word] = []
    if c.get("uom"):
        ws = c["uom"]
        u = ws[0].text
        unit = [w for w in ws if re.fullmatch(r"[^\W\d_]{2,8}\.?", w.text)]
        if len(ws) > 1 and "description" in row.roles and unit and len(unit) < len(ws) \
                and not _UNIT_WORD.fullmatch(u):
            # "CASA Y JARDIN 400 ML/12 Unidad": a centred description running into the unit cell; the unit
            # is the cell's last word, the rest is description text
            u, spill = unit[-1].text, [w for w in ws if w is not unit[-1]]
        if re.fullmatch(r"[^\W\d_]+(?:['’.][^\W\d_]*)?", u) and len(u) <= (8 if spill else 6):  # "NOS", "NO'S", "Pcs."  # else ("1 ST" under "Preiseinheit") the unit printed with the quantity
            line.uom = u.upper()
            ctx.put(f"{path}.uom", [w for w in ws if w.text == u][:1])
    if line.uom is None and line.qty is not None:
        for ln, cells in zip(row.extra, row.extra_cells, strict=False):  # "30000.00" over "NOS" in the Qty/Unit
            ws = cells.get("qty")  # cell of a stacked header: the unit printed under the quantity
            if ws and len(ws) == 1 and re.fullmatch(r"[^\W\d_]{2,5}['’.]?[^\W\d_]?", ws[0].text) \
                    and 0 <= ln.top - row.anchor.bottom < 1.5 * ln.height and id(ln) not in row.merged:
                line.uom = ws[0].text.upper()
                ctx.put(f"{path}.uom", ws)
                break
    if c.get("unit_price"):
        price_text = txt("unit_price")
        basis = _dec(txt("price_basis"), ctx) if c.get("price_basis") else None
        per = _PRICE_PER.match(price_text)  # SAP "125.00 / 10 PC": a price per N units
        if per:
            price_text, basis = per.group(1), basis or _dec(per.group(2), ctx)
        line.unit_price = _money(price_text, ctx, prefer="last")
        if line.unit_price is not None and basis and basis not in (0, 1):
            per_unit = line.unit_price / basis  # exact where it divides ("726.85 per 100" → 7.2685)
            line.unit_price = per_unit if per_unit * basis == line.unit_price else per_unit.quantize(Decimal("0.0001"))
            line.price_basis = format(basis, "f")
        ctx.put(f"{path}.unit_price", c["unit_price"])
    if c.get("amount"):
        line.amount = _money(txt("amount"), ctx, prefer="first")
        ctx.put(f"{path}.amount", c["amount"])
    overflow = _ids(row, line, ctx, path) + spill
    _wrapped_codes(row, line)
    # description: the anchor's description cell plus wrapped lines, top to bottom
    pieces: list[tuple[float, list[Word]]] = []
    if c.get("description") or overflow:
        # a record's second row (two-tier header) follows the first: row first, then left to right
        pieces.append((row.anchor.top, sorted(overflow + c.get("description", []) + _unread_run_on(row),
                                              key=lambda w: (w.top > row.anchor.bottom - 0.3 * w.height, w.x0))))
    desc_col = c.get("description")
    tail_codes: list[Word] = []
    for ln, cells in zip(row.extra, row.extra_cells or [{}] * len(row.extra), strict=False):
        # a row that is only a label and an id ("Ihre Materialnummer 3M 9353 R", across the code and text
        # cells) names that id: it is no description text
        labelled = [(role, m) for role, rx in _EMBEDDED_IDS if (m := rx.search(ln.text)) and m.start() == 0
                    and len(ln.text[m.start(1):].strip()) <= 24 and len(ln.text[m.start(1):].split()) <= 3]
        if labelled:
            for role, m in labelled:
                val = ln.text[m.start(1):].strip()
                if getattr(line, role) is None:
                    setattr(line, role, val)
                    ctx.put(f"{path}.{role}", [w for w in ln.words if m.group(1) in w.text] or ln.words[:1])
            continue
        if id(ln) in row.merged:
            continue  # a record's second row: its cells are already the row's
        if "description" in row.roles:
            ws = _phrase_overflow(ln, cells)
            if ws and _other_fields_row(ln, cells, desc_col, row):
                continue  # "?AU 7/21-8/31 N TOP HOW 38-A" begun in the pack column: a schedule sub-row, no text
        else:
            ws = [w for w in ln.words if _in_desc(w, row, desc_col)]
        ws, codes = _code_tail(ws)
        if not _SUBROW.match(ln.text):  # "HSN: 85015210": a labelled tariff code, no item code
            tail_codes += codes
        if ws and _REF_ROW.match(phrase_text(ws)):
            continue
        if ws and not _SUBROW.match(phrase_text(ws)):
            pieces.append((ln.top, ws))
        elif ws:  # a labelled sub-row ("Your material number: SW-854-68") may still name an item code
            for role, rx in _EMBEDDED_IDS:
                m = rx.search(phrase_text(ws))
                if m and getattr(line, role) is None:
                    setattr(line, role, m.group(1))
                    ctx.put(f"{path}.{role}", ws)
    pieces.sort(key=lambda p: p[0])
    raw_desc = _join_desc([phrase_text(ws) for _, ws in pieces])
    for role, rx in _EMBEDDED_IDS:
        for m in rx.finditer(raw_desc):
            if getattr(line, role) is None:
                setattr(line, role, m.group(1))
        raw_desc = rx.sub("", raw_desc)
    m = re.match(r"^\s*\[([\w./-]+)\]\s*(.*)", raw_desc)
    if m and line.sku is None:
        line.sku, raw_desc = m.group(1), m.group(2)
    desc = re.sub(r"\s+", " ", re.sub(r"\s+-\s+(?=-|$)|^\s*-\s*", " ", raw_desc)).strip(" -")
    m = _LEADING_CODE.match(desc)
    if m and line.sku is None and line.customer_part is None and not row.roles & {"sku", "customer_part", "gtin"}:
        line.customer_part, desc = m.group(1), m.group(2)  # "01994888 SORVETE …": the buyer's code leads the cell
    lone = c.get("description", [])
    if len(lone) == 1 and len(pieces) > 1 and _CODE_CELL.match(lone[0].text) and line.sku is None \
            and line.customer_part is None and not row.roles & {"sku", "customer_part", "gtin"} and desc.startswith(lone[0].text):
        # "CO38010067" alone on the item's row, its name on the rows under it ("Item Description & Code"): the code
        line.customer_part, desc = lone[0].text, desc[len(lone[0].text):].strip()
    if tail_codes and line.sku is None and line.customer_part is not None:
        line.sku = tail_codes[0].text  # a second code under the buyer's: the supplier's reference
        ctx.put(f"{path}.sku", tail_codes[:1])
    if desc:
        line.description = desc
        ctx.put(f"{path}.description", [w for _, ws in pieces for w in ws], raw=desc)
    for role, hid in row.hints.items():  # values read from a column a partner hint named
        for key in [k for k in ctx.prov if k == f"{path}.{role}"]:
            ctx.prov[key] = ctx.prov[key].model_copy(update={"hint": hid})
    if line.sku is None and line.gtin:
        line.sku = line.gtin
    for k, cells in enumerate(row.allowances):  # "Less Comp Cigs 1,269.12-" under the item
        money = cells.get("amount") or cells.get("unit_price") or []
        v = _money(phrase_text(money), ctx, prefer="first")
        if v is None:
            continue
        what = phrase_text(cells.get("description", [])) or None
        line.charges.append(Charge(kind="allowance", description=what, amount=abs(v)))
        ctx.put(f"{path}.charges[{k}].amount", money)
    if line.qty is None and c.get("qty") and line.unit_price and line.amount:
        q = arithmetic.whole_qty(c.get("unit_price", []), c.get("amount", []))
        if q is not None and q * line.unit_price == line.amount:
            line.qty = q  # the scan lost the quantity's digits ("NOS" of "5 NOS"): amount ÷ price
            if line.uom is None and re.fullmatch(r"[^\W\d_]{1,5}\.?", qty_text.strip()):
                line.uom = qty_text.strip().upper()
    if line.qty is None and line.amount is None and line.unit_price is None:
        return None
    return line


_CODE_TOKEN = re.compile(r"^\d{6,14}$")
_UNIT_WORD = re.compile(r"(?:pcs?|pieces?|ea|each|nos?|units?|unidad(?:es)?|unid|und|stk|st|stück|pz|pzas?|kg|g|m|mm|cm|"
                        r"l|lt|ltr|box|bx|cs|case|ctn|pk|pack|paquete|set|pair|rolls?|yds?|ft|mtr|sheets?|bags?|kit)\.?",
                        re.IGNORECASE)
_CODE_CELL = re.compile(r"^(?=.*\d)[A-Z0-9][A-Z0-9./-]{4,}$")
_SAP_POS = re.compile(r"^0\d{4,5}$")


def _wrapped_codes(row: Row, line: OrderLine) -> None:
    """An item code wrapped in its narrow cell ("IFC86/200+" over "MP", "…+MP+" over "SD"): a fragment right
    under it, in the same cell, continues it when either side of the break is a joining character."""
    for role in ("customer_part", "sku"):
        code = getattr(line, role)
        if not code or not row.cells.get(role):
            continue
        last = row.anchor.bottom
        for ln, cells in zip(row.extra, row.extra_cells, strict=False):
            ws = cells.get(role)
            if id(ln) in row.merged or not ws or len(ws) != 1 or not 0 <= ln.top - last < 0.8 * ln.height:
                continue
            frag = ws[0].text
            if not (code[-1] in "+-/_." or frag[0] in "+-/_.") or not re.fullmatch(r"[\w+\-/.]{1,12}", frag):
                break
            code += frag
            last = ln.bottom
        setattr(line, role, code)


def _phrase_overflow(ln: Line, cells: dict[str, list[Word]]) -> list[Word]:
    """A wrapped row's description cell, with the words of its phrases that run on past the cell's edge into a
    value column ("DIV Doctor Blade Premium Rakelmesser" reaching under the quantity): one text, not two."""
    ws = cells.get("description", [])
    if not ws:
        return ws
    mine = {id(w) for w in ws}
    held = {id(w) for r in ("sku", "customer_part", "gtin", "line_no") for w in cells.get(r, [])}
    out = list(ws)
    for ph in ln.phrases:
        if any(id(w) in mine for w in ph):
            out += [w for w in ph if id(w) not in mine and id(w) not in held]
    return sorted(out, key=lambda w: w.x0)


def _unread_run_on(row: Row) -> list[Word]:
    """Words of the item row's description phrase that run on into a column no role reads ("… ALMOND
    STUFFED | DATES gf" under "Pack/Size"): the rest of the name, not lost."""
    own = row.cells.get("description", [])
    mine = {id(w) for w in own}
    roled = {id(w) for ws in row.cells.values() for w in ws}
    end = max((w.x1 for w in own), default=1e9)
    out: list[Word] = []
    for w in sorted((w for ph in row.anchor.phrases if any(id(w) in mine for w in ph) for w in ph
                     if id(w) not in roled and w.x0 >= end), key=lambda w: w.x0):
        if any(ch.isdigit() for ch in w.text):
            break  # a pack size, a date or a code printed next ("PT 500ML CX/00012", "22.09.2025"): no name
        out.append(w)
    return out


def _other_fields_row(ln: Line, cells: dict[str, list[Word]], desc_col: list[Word] | None, row: Row) -> bool:
    """A sub-row whose text begins in a column left of the item's description (a delivery schedule, a
    minimum-order note printed from the pack column on) is no wrapped description: wrapped text starts at
    the description's own left edge. Only when the item's row prints its description itself."""
    if not desc_col or id(ln) in row.merged:
        return False
    own = [w for w in desc_col if abs(w.top - row.anchor.top) < 0.5 * w.height]
    if not own:
        return False
    left = min(w.x0 for w in own)
    first = ln.words[0]
    held = {id(w) for r in ("line_no", "sku", "customer_part", "gtin") for w in cells.get(r, [])}
    code = id(first) in held and any(ch.isdigit() for ch in first.text) \
        and bool(re.fullmatch(r"[A-Za-z0-9][\w./-]{3,}", first.text))  # a code wrapped in its own cell; "50%" is none
    return first.x0 < left - 2 * first.height and not code


def _code_tail(ws: list[Word]) -> tuple[list[Word], list[Word]]:
    """Split a wrapped row into its text and a tail of bare item codes ("8030200100 (CX/12) 731199799696"):
    codes printed under the item are not description text."""
    k = next((i for i, w in enumerate(ws) if _CODE_TOKEN.match(w.text)), None)
    if k is None or not all(_CODE_TOKEN.match(w.text) or re.fullmatch(r"\(.*\)", w.text) for w in ws[k:]):
        return ws, []
    return ws[:k], [w for w in ws[k:] if _CODE_TOKEN.match(w.text)]


def _ids(row: Row, line: OrderLine, ctx: _Ctx, path: str) -> list[Word]:
    """Line number and item codes: from the anchor's cells, else from the record's stacked lines
    (Order-X prints # and GTIN/SE_ID/BY_ID above and below the quantities). Labelled IDs inside a
    code cell (``SE_ID: 542668``) name their role. Returns description words that overflowed into
    a code cell."""
    c = row.cells
    stacks = [c] + [ec for ec in row.extra_cells]
    if not c.get("line_no"):
        for ec in row.extra_cells:
            ws = ec.get("line_no")
            if ws and re.fullmatch(r"\d{1,6}[.)]?", ws[0].text):
                line.line_no = ws[0].text.rstrip(".)")
                ctx.put(f"{path}.line_no", ws[:1])
                break
    code_words = [w for st in stacks for role in ("sku", "customer_part", "gtin") for w in st.get(role, [])]
    code_text = phrase_text(code_words)
    labelled = False
    for role, rx in _EMBEDDED_IDS:
        m = rx.search(code_text)
        if m:
            labelled = True
            setattr(line, role, m.group(1))
            ctx.put(f"{path}.{role}", [w for w in code_words if m.group(1) in w.text] or code_words[:1])
    if labelled:
        return []
    overflow: list[Word] = []
    for role in ("sku", "customer_part", "gtin"):
        ws = c.get(role)
        if not ws:
            continue
        if len(ws) > 1 and line.line_no is None and "line_no" not in row.roles and _SAP_POS.match(ws[0].text) \
                and int(ws[0].text) % 10 == 0:
            line.line_no = ws[0].text  # "00010 3448361" under "Artikel Material": SAP position, then the code
            ctx.put(f"{path}.line_no", ws[:1])
            ws = ws[1:]
        k = next((i for i, w in enumerate(ws) if _CODE_CELL.match(w.text)), None)
        if k and not any(ch.isdigit() for w in ws[:k] for ch in w.text) and k <= 3:
            ws = ws[k:]  # "NEW HYDAC 0160D010BH4HC" under "Manufacturer, Part Number": the words before the code name it
        tok = ws[0].text
        if len(ws) > 1 and "description" in row.roles:
            # description text overflowing into the code cell, on the code's own baseline (a two-tier record's
            # second row prints other fields there: "26800 | KITCHEN & LOVE" under "Item # | Brand Name")
            second = {id(w) for ln in row.extra if id(ln) in row.merged for w in ln.words}
            overflow += [w for w in ws[1:] if abs(w.top - ws[0].top) < 0.5 * w.height and id(w) not in second]
        if any(ch.isdigit() for ch in tok) or len(tok) >= 3:
            setattr(line, role, tok)
            ctx.put(f"{path}.{role}", ws[:1])
    return overflow


def _in_desc(w: Word, row: Row, desc_col: list[Word] | None) -> bool:
    if desc_col:
        x0 = min(x.x0 for x in desc_col) - 40
        x1 = max(x.x1 for x in desc_col) + 60
        return x0 <= w.xc <= x1
    return True


_WHOLE_CURRENCIES = {"IDR", "JPY", "KRW", "VND", "CLP", "ISK", "PYG", "UGX", "XOF", "XAF"}
_GROUPED = re.compile(r"(?<![\d.,])\d{1,3}(?:\.\d{3})+(?![\d.,])")


def _money(text: str, ctx: _Ctx, *, prefer: str) -> Decimal | None:
    if ctx.whole_money and not re.search(r"\d,\d", text):
        text = _GROUPED.sub(lambda m: m.group(0).replace(".", ""), text)  # "Rp. 900.000": nine hundred thousand
    if ctx.decimal_comma is False and re.fullmatch(r"\s*[-(]?[$€£₹]?\s?\d{1,3},\d{2}\s*\)?-?\s*", text):
        text = text.replace(",", ".")  # "132,20" among dot-decimal prices: a misread point, not thousands
    v = _dec(text, ctx)
    if v is not None:
        return v
    toks = re.findall(r"[-(]?[$€£₹]?\s?\d[\d.,'’ ]*\d|\d", text)
    priced = [t for t in toks if re.search(r"\d[.,]\d{2,}$", t.strip())]
    if priced and len(priced) < len(toks):
        toks = priced  # "Panel Enclosure, 7,850.000000 Ral 9003": the money token, not a number in overflowing text
    vals = [x for x in (_dec(t.strip(), ctx) for t in toks) if x is not None]
    if not vals:
        return None
    return vals[-1] if prefer == "last" else vals[0]


def _checks(order: CanonicalOrder, ctx: _Ctx) -> list[Issue]:
    issues: list[Issue] = []
    for i, line in enumerate(order.lines):
        if line.qty is not None and line.unit_price is not None and line.amount is not None:
            calc = line.qty * line.unit_price
            tol = max(Decimal("0.02"), abs(line.amount) * Decimal("0.005"))
            # a price per hundred or per thousand ("M": tobacco, paper, fasteners) is no mismatch
            if abs(calc - line.amount) > tol and not any(abs(calc / n - line.amount) <= tol for n in (100, 1000)):
                issues.append(Issue(code=IssueCode.ARITHMETIC, severity=Severity.WARNING, field=f"lines[{i}].amount",
                                    message=f"Line {line.line_no or i + 1}: qty × unit price = {calc} but the amount "
                                            f"printed is {line.amount} (lines[{i}].qty, unit_price, amount).",
                                    expected=str(calc), actual=str(line.amount)))
    computed = order.computed_total()
    if computed is not None:  # line allowances/charges ("Less trade discount") count towards the total
        for line in order.lines:
            for ch in line.charges:
                if ch.amount is not None:
                    computed += -ch.amount if ch.kind == "allowance" else ch.amount
    if order.declared_total is not None and computed is not None and computed != order.declared_total \
            and not tax_rate_between(computed, order.declared_total):  # a gross total: the lines plus GST/VAT
        issues.append(Issue(code=IssueCode.TOTAL_MISMATCH, severity=Severity.WARNING, field="declared_total",
                            message=f"The lines add up to {computed} but the document's total is "
                                    f"{order.declared_total} (lines[*].amount vs declared_total).",
                            expected=str(computed), actual=str(order.declared_total)))
    for path, prov in ctx.prov.items():
        if prov.confidence < LOW_CONFIDENCE:
            issues.append(Issue(code=IssueCode.LOW_CONFIDENCE, severity=Severity.WARNING, field=path,
                                message=f"'{prov.raw}' was read with low confidence ({prov.confidence:.0%}) on "
                                        f"page {prov.page}: please check it.", actual=prov.raw))
    return issues
