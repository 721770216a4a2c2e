"""Reading Tryton's reference data into a ``ReferenceData`` (``orderflow erp sync``).

Reads with ``search_read`` (one call per model, not one per record) so that a big catalogue
is a handful of round trips. The field conventions are the ones ``tryton_setup`` writes.
Open quotations (sales in state ``quotation`` that orderflow did not push itself) become ``Quote``s.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from orderflow.canonical import (
    Address,
    CreditRecord,
    CrossReference,
    Customer,
    Item,
    PriceAgreement,
    Quote,
    QuoteLine,
    ReferenceData,
    ShipTo,
    UomConversion,
)
from orderflow.erp_push.tryton_config import PRICE_LIST_RE, TRYTON_TO_CANONICAL_UOM, key_from_comment


def _read(conn: Any, model: str, domain: list[Any], fields: list[str]) -> list[dict[str, Any]]:
    proxy = conn.get_proxy(model)
    ctx = {**conn.context, "active_test": False}
    return proxy.search_read(domain, 0, None, [("id", "ASC")], fields, ctx)


def _dec(value: Any) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _date(value: str) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _day(value: Any) -> dt.date | None:
    """A date field as read in-process (``date``) or over RPC (``date`` or ISO text)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return _date(value) if isinstance(value, str) else None


def _qty(value: Any) -> Decimal:
    """Tryton quantities are floats: 20.0 → Decimal("20"), 2.5 → Decimal("2.5") (never an exponent)."""
    d = _dec(value)
    return d.quantize(Decimal(1)) if d == d.to_integral_value() else d.normalize()


def _uom_code(uom: dict[str, Any]) -> str:
    """``CODE:SKU`` / ``CODE:*`` names are ours; Tryton's own units map by symbol."""
    if ":" in uom["name"]:
        return uom["name"].split(":", 1)[0]
    return TRYTON_TO_CANONICAL_UOM.get(uom["symbol"], uom["symbol"])


def pull_reference_data(conn: Any) -> ReferenceData:
    uoms = {u["id"]: u for u in _read(conn, "product.uom", [], ["name", "symbol", "category", "factor"])}
    # the reference unit of each category (factor 1), to express generic conversions against
    category_ref = {u["category"]: u for u in uoms.values() if u["factor"] == 1.0 and ":" not in u["name"]}
    templates = {t["id"]: t for t in _read(conn, "product.template", [],
                                           ["code", "name", "default_uom", "active", "salable", "lead_time"])}
    products = _read(conn, "product.product", [], ["code", "template", "active", "identifiers"])
    idents = {i["id"]: i for i in _read(conn, "product.identifier", [], ["code", "type"])}
    by_product_id: dict[int, str] = {}
    sku_uoms: dict[str, list[dict[str, Any]]] = {}
    for u in uoms.values():
        if ":" in u["name"] and not u["name"].endswith(":*"):
            sku_uoms.setdefault(u["name"].split(":", 1)[1].upper(), []).append(u)

    items: list[Item] = []
    conversions: list[UomConversion] = []
    for p in products:
        tmpl = templates.get(p["template"])
        if not tmpl or not p["code"] or not tmpl["salable"]:
            continue
        sku = p["code"]
        by_product_id[p["id"]] = sku
        base = uoms[tmpl["default_uom"]]
        base_code = _uom_code(base)
        sellable = [base_code]
        for u in sku_uoms.get(sku.upper(), []):
            code = _uom_code(u)
            if u["id"] == base["id"] or code == base_code:
                continue
            sellable.append(code)
            conversions.append(UomConversion(from_uom=code, to_uom=base_code, sku=sku,
                                             factor=(_dec(u["factor"]) / _dec(base["factor"])).normalize()))
        gtins = [idents[i]["code"] for i in p["identifiers"] if i in idents and idents[i]["type"] in ("ean", None)]
        lead = tmpl.get("lead_time")
        items.append(Item(sku=sku, description=tmpl["name"], gtin=gtins[0] if gtins else None, base_uom=base_code,
                          sellable_uoms=sellable, active=bool(p["active"] and tmpl["active"]),
                          lead_time_days=lead.days if isinstance(lead, dt.timedelta) else None))
    for u in uoms.values():  # generic conversions made by the set-up (named ``CODE:*``)
        ref = category_ref.get(u["category"])
        if not u["name"].endswith(":*") or ref is None:
            continue
        conversions.append(UomConversion(from_uom=_uom_code(u), to_uom=_uom_code(ref),
                                         factor=(_dec(u["factor"]) / _dec(ref["factor"])).normalize()))

    company = _read(conn, "company.company", [], ["party", "currency"])
    company_party = company[0]["party"] if company else None
    currency = "USD"
    if company:
        cur = _read(conn, "currency.currency", [("id", "=", company[0]["currency"])], ["code"])
        currency = cur[0]["code"] if cur else currency
    parties = _read(conn, "party.party", [("code", "!=", None), ("id", "!=", company_party)],
                    ["code", "name", "active", "identifiers", "contact_mechanisms", "addresses",
                     "credit_limit_amount", "credit_amount", "receivable"])
    party_code = {p["id"]: p["code"] for p in parties}
    pidents = {i["id"]: i["code"] for i in _read(conn, "party.identifier", [], ["code"])}
    emails = {m["id"]: m["value"] for m in _read(conn, "party.contact_mechanism", [("type", "=", "email")],
                                                 ["value"])}
    customers, credit = [], []
    for p in parties:
        codes = [pidents.get(i, "") for i in p["identifiers"]]
        customers.append(Customer(
            id=p["code"], name=p["name"], currency=currency, active=bool(p["active"]),
            emails=[emails[m] for m in p["contact_mechanisms"] if m in emails],
            edi_ids=[c[4:] for c in codes if c.startswith("edi:")],
            email_domains=[c[7:] for c in codes if c.startswith("domain:")]))
        if p["credit_limit_amount"] is not None:
            exposure = _dec(p["credit_amount"] or 0)
            receivable = max(_dec(p["receivable"] or 0), Decimal(0))
            credit.append(CreditRecord(customer_id=p["code"], limit=_dec(p["credit_limit_amount"]),
                                       open_receivables=receivable, open_orders=max(exposure - receivable, Decimal(0)),
                                       hold=_dec(p["credit_limit_amount"]) == 0,
                                       as_of=dt.datetime.now(dt.UTC)))

    ship_tos = []
    addr_idents: dict[int, list[str]] = {}
    for ident in _read(conn, "party.identifier", [("address", "!=", None)], ["address", "code"]):
        addr_idents.setdefault(ident["address"], []).append(ident["code"] or "")
    addresses = _read(conn, "party.address", [("id", "in", list(addr_idents))],
                      ["party", "party_name", "street", "city", "postal_code"]) if addr_idents else []
    for a in addresses:
        cust = party_code.get(a["party"])
        codes = addr_idents.get(a["id"], [])
        st_id = next((c[7:] for c in codes if c.startswith("shipto:")), None)
        if cust is None or st_id is None:
            continue
        ids = dict(c[4:].split("=", 1) for c in codes if c.startswith("loc:") and "=" in c)
        ship_tos.append(ShipTo(customer_id=cust, id=st_id, name=a["party_name"] or "", ids=ids,
                               address=Address(lines=[s for s in (a["street"] or "").splitlines() if s],
                                               city=a["city"], postal_code=a["postal_code"])))

    xrefs = []
    for x in _read(conn, "sale.product_customer", [], ["party", "code", "product", "template"]):
        cust = party_code.get(x["party"])
        sku = by_product_id.get(x["product"]) if x["product"] else (templates.get(x["template"]) or {}).get("code")
        if cust and sku and x["code"]:
            xrefs.append(CrossReference(customer_id=cust, customer_part=x["code"], sku=sku, source="erp"))

    agreements = []
    item_by_sku = {i.sku: i for i in items}
    lists = {pl["id"]: pl for pl in _read(conn, "product.price_list", [("name", "like", "orderflow:%")], ["name"])}
    if lists:
        lines = _read(conn, "product.price_list.line", [("price_list", "in", list(lists))],
                      ["price_list", "product", "quantity", "formula"])
        for n, ln in enumerate(lines):
            m = PRICE_LIST_RE.match(lists[ln["price_list"]]["name"])
            sku = by_product_id.get(ln["product"]) if ln["product"] else None
            if not m or not sku:
                continue
            try:
                price = Decimal(ln["formula"].strip())
            except (InvalidOperation, AttributeError):
                continue  # a formula, not a fixed contract price
            agreements.append(PriceAgreement(
                id=f"TRY-{ln['id'] or n}", customer_id=m["customer"], sku=sku, price=price,
                uom=item_by_sku[sku].base_uom if sku in item_by_sku else "EA", currency=currency,
                min_qty=_dec(ln["quantity"] or 0).normalize(),
                valid_from=_date(m["start"]), valid_to=_date(m["end"])))

    quotes = _quotes(conn, party_code, by_product_id, uoms)
    return ReferenceData(items=items, uom_conversions=conversions, customers=customers, ship_tos=ship_tos,
                         cross_references=xrefs, price_agreements=agreements, credit=credit, quotes=quotes,
                         as_of=dt.datetime.now(dt.UTC), source="tryton")


def _quotes(conn: Any, party_code: dict[int, str], by_product_id: dict[int, str],
            uoms: dict[int, dict[str, Any]]) -> list[Quote]:
    """Open quotations, in two reads (sales, then all their product lines).

    Only state ``quotation``: a confirmed sale is no longer an offer. Sales orderflow pushed
    itself (a key line in ``comment``; the default push target is ``quotation``) are orders, not
    offers, and are left out. ``quotation_expire`` is read only where the server has it.
    """
    has_expire = "quotation_expire" in conn.get_proxy("sale.sale").fields_get(["quotation_expire"], conn.context)
    fields = ["number", "party", "comment"] + (["quotation_expire"] if has_expire else [])
    sales = [s for s in _read(conn, "sale.sale", [("state", "=", "quotation")], fields)
             if s["party"] in party_code and not key_from_comment(s["comment"])]
    if not sales:
        return []
    lines: dict[int, list[QuoteLine]] = {}
    for ln in _read(conn, "sale.line", [("sale", "in", [s["id"] for s in sales]), ("type", "=", "line")],
                    ["sale", "product", "quantity", "unit", "unit_price"]):
        sku = by_product_id.get(ln["product"]) if ln["product"] else None
        if sku is None or ln["quantity"] is None or ln["unit_price"] is None or ln["unit"] not in uoms:
            continue  # a text line, a product we do not sell, or a line not priced yet
        lines.setdefault(ln["sale"], []).append(QuoteLine(sku=sku, qty=_qty(ln["quantity"]), price=_dec(ln["unit_price"]),
                                                          uom=_uom_code(uoms[ln["unit"]])))
    return [Quote(number=s["number"] or f"sale-{s['id']}", customer_id=party_code[s["party"]],
                  valid_to=_day(s.get("quotation_expire")), lines=lines.get(s["id"], []))
            for s in sales]
