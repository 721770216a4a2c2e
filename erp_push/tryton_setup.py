"""Creating the demo Tryton database and filling it from a ``ReferenceData`` value.

``orderflow erp init-demo`` calls :func:`init_demo_database`: a real ERP with company, chart of
accounts, customers and addresses, products with codes/UOMs/GTINs, customer price lists,
credit limits, customer product codes and open quotations (sales moved to ``quotation``), so
the demo pushes into Tryton, not into a folder.
Conventions used to carry orderflow ids in Tryton fields are in ``tryton_config``.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

from orderflow.canonical import Quote, ReferenceData
from orderflow.erp_push.tryton_config import (
    CANONICAL_TO_TRYTON_UOM,
    TrytonConfig,
    tryton_quantity,
    write_trytond_conf,
)
from orderflow.erp_push.tryton_conn import connect

MODULES = ("sale", "sale_price_list", "sale_credit_limit", "sale_product_customer")
COMPANY_NAME = "Orderflow Demo Supply Co."


def _trytond_admin() -> str:
    exe = Path(sys.executable).with_name("trytond-admin")
    return str(exe) if exe.exists() else "trytond-admin"


def create_database(config_file: Path, database: str, *, admin_password: str,
                    sqlite_dir: Path | None = None, modules: tuple[str, ...] = MODULES,
                    log_file: Path | None = None) -> None:
    """Run ``trytond-admin --all`` (~20 s): tables, modules, the admin user."""
    if sqlite_dir is not None:
        sqlite_dir.mkdir(parents=True, exist_ok=True)
        (sqlite_dir / f"{database}.sqlite").touch()
    with tempfile.NamedTemporaryFile("w", suffix=".pass", delete=False) as pw:
        pw.write(admin_password)
    env = {**os.environ, "TRYTONPASSFILE": pw.name}
    cmd = [_trytond_admin(), "-c", str(config_file), "-d", database, "--all", "-u", *modules,
           "--activate-dependencies", "--email", "admin@example.com"]
    try:
        log = open(log_file, "ab") if log_file else subprocess.DEVNULL  # noqa: SIM115
        try:
            proc = subprocess.run(cmd, env=env, stdout=log, stderr=subprocess.STDOUT if log_file else subprocess.PIPE,
                                  timeout=600, check=False)
        finally:
            if not isinstance(log, int):  # our log file, not DEVNULL
                log.close()
    finally:
        os.unlink(pw.name)
    if proc.returncode != 0:
        detail = proc.stderr.decode(errors="replace")[-2000:] if proc.stderr else f"see {log_file}"
        raise RuntimeError(f"trytond-admin failed ({proc.returncode}): {detail}")


def _model(conn: Any, name: str) -> Any:
    from proteus import Model

    return Model.get(name, config=conn)


def setup_company(conn: Any, *, currency: str = "USD", today: dt.date | None = None) -> Any:
    """Company, chart of accounts, fiscal year, payment term: the minimum a sale needs."""
    from proteus import Wizard

    Company = _model(conn, "company.company")
    if Company.find([]):
        return Company.find([])[0]
    cur = _currency(conn, currency)
    Party = _model(conn, "party.party")
    party = Party(name=COMPANY_NAME)
    party.save()
    wiz = Wizard("company.company.config", config=conn)
    wiz.execute("company")
    wiz.form.party = party
    wiz.form.currency = cur
    wiz.execute("add")
    company = Company.find([])[0]
    # The user must hold the company before any sale can be made (context reloaded below).
    User = _model(conn, "res.user")
    user = User(conn.user) if getattr(conn, "user", None) else User.find([("login", "=", "admin")])[0]
    if user.company != company:
        user.companies.append(company)
        user.company = company
        user.save()
    conn._context = User.get_preferences(True, {})
    _create_chart(conn, company)
    _create_fiscal_year(conn, company, today or dt.date.today())
    return company


def _currency(conn: Any, code: str) -> Any:
    Currency = _model(conn, "currency.currency")
    found = Currency.find([("code", "=", code)])
    if found:
        return found[0]
    cur = Currency(name=code, symbol=code, code=code, rounding=Decimal("0.01"))
    cur.save()
    _model(conn, "currency.currency.rate")(date=dt.date(1970, 1, 1), rate=Decimal(1), currency=cur).save()
    return cur


def _create_chart(conn: Any, company: Any) -> None:
    from proteus import Wizard

    ModelData = _model(conn, "ir.model.data")
    template = _model(conn, "account.account.template")(
        ModelData.get_id("account.account_template_root_en", conn.context))
    wiz = Wizard("account.create_chart", config=conn)
    wiz.execute("account")
    wiz.form.account_template = template
    wiz.form.company = company
    wiz.execute("create_account")
    Account = _model(conn, "account.account")

    def first(kind: str) -> Any:
        return Account.find([(f"type.{kind}", "=", True), ("company", "=", company.id),
                             ("closed", "!=", True)], limit=1)[0]

    receivable, payable = first("receivable"), first("payable")
    wiz.form.account_receivable = receivable
    wiz.form.account_payable = payable
    if hasattr(wiz.form, "category_account_revenue"):
        wiz.form.category_account_revenue = first("revenue")
        wiz.form.category_account_expense = first("expense")
    wiz.execute("create_properties")
    Category = _model(conn, "product.category")
    cat = Category(name="Goods", accounting=True)
    cat.account_revenue = first("revenue")
    cat.account_expense = first("expense")
    cat.save()
    PaymentTerm = _model(conn, "account.invoice.payment_term")
    term = PaymentTerm(name="Net 30")
    term.lines.new(type="remainder")
    term.save()


def _create_fiscal_year(conn: Any, company: Any, today: dt.date) -> None:
    FiscalYear = _model(conn, "account.fiscalyear")
    SeqStrict = _model(conn, "ir.sequence.strict")
    SeqType = _model(conn, "ir.sequence.type")
    start, end = dt.date(today.year - 1, 1, 1), dt.date(today.year + 1, 12, 31)
    fy = FiscalYear(name=f"{start.year}-{end.year}", start_date=start, end_date=end, company=company)
    move_type = SeqType.find([("name", "=", "Account Move")], limit=1)[0]
    fy.move_sequence = SeqStrict(name="moves", sequence_type=move_type, company=company)
    fy.move_sequence.save()
    inv_type = SeqType.find([("name", "=", "Invoice")], limit=1)[0]
    inv_seq = SeqStrict(name="invoices", sequence_type=inv_type, company=company)
    inv_seq.save()
    seq = fy.invoice_sequences[0]
    seq.out_invoice_sequence = seq.in_invoice_sequence = inv_seq
    seq.out_credit_note_sequence = seq.in_credit_note_sequence = inv_seq
    fy.save()
    fy.click("create_period")


def _gtin_ok(gtin: str) -> bool:
    digits = gtin.strip()
    if not digits.isdigit() or len(digits) not in (8, 12, 13, 14):
        return False
    body, check = digits[:-1], int(digits[-1])
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10 == check


class _Uoms:
    """Tryton UOM records for canonical codes: Tryton's own, or created ones named ``CODE:SKU``
    (one item) / ``CODE:*`` (every item). The name carries the key: symbols are limited to 10 chars."""

    def __init__(self, conn: Any, ref: ReferenceData) -> None:
        self.conn = conn
        self.Uom = _model(conn, "product.uom")
        existing = self.Uom.find([])
        self.by_symbol = {u.symbol: u for u in existing if ":" not in u.name}
        self.by_name = {u.name: u for u in existing if ":" in u.name}
        self.ref = ref

    def native(self, code: str) -> Any | None:
        symbol = CANONICAL_TO_TRYTON_UOM.get(code.upper())
        return self.by_symbol.get(symbol) if symbol else None

    def factor(self, code: str, to_code: str, sku: str) -> Decimal | None:
        """``1 code = factor to_code`` for this item, following chains (CA → BX → EA).

        The item's own conversions win over generic ones for the same pair of units.
        """
        edges: dict[str, dict[str, Decimal]] = {}
        for specific in (False, True):  # item-specific last, so they overwrite generic edges
            for conv in self.ref.uom_conversions:
                if bool(conv.sku) != specific or (conv.sku and conv.sku.upper() != sku.upper()) or not conv.factor:
                    continue
                edges.setdefault(conv.from_uom, {})[conv.to_uom] = conv.factor
                edges.setdefault(conv.to_uom, {})[conv.from_uom] = Decimal(1) / conv.factor
        seen, frontier = {code: Decimal(1)}, [code]
        while frontier:
            nxt = []
            for unit in frontier:
                for other, f in edges.get(unit, {}).items():
                    if other not in seen:
                        seen[other] = seen[unit] * f
                        nxt.append(other)
            frontier = nxt
        return seen.get(to_code) if to_code != code else Decimal(1)

    def base_for(self, sku: str, base: str) -> Any:
        found = self.native(base)
        return found if found is not None else self._make(f"{base}:{sku}", base, self.by_symbol["u"], Decimal(1))

    def sell_uom(self, sku: str, code: str, base: str, base_uom: Any) -> Any | None:
        if code == base:
            return base_uom
        factor = self.factor(code, base, sku)
        if factor is None:
            native = self.native(code)
            if native is not None and native.category == base_uom.category:
                factor = Decimal(str(native.factor)) / Decimal(str(base_uom.factor))
        if factor is None:
            return None
        return self._make(f"{code}:{sku}", code, base_uom, factor)

    def _make(self, name: str, code: str, base_uom: Any, factor: Decimal) -> Any:
        if name in self.by_name:
            return self.by_name[name]
        counted = base_uom.rounding >= 1  # cases of units: whole numbers; kilos of grease: base precision
        uom = self.Uom(name=name, symbol=code[:10], category=base_uom.category,
                       factor=float(factor * Decimal(str(base_uom.factor))),
                       rounding=1.0 if counted else base_uom.rounding, digits=0 if counted else base_uom.digits)
        uom.save()
        self.by_name[name] = uom
        return uom


def load_reference(conn: Any, ref: ReferenceData) -> dict[str, int]:
    """Customers, addresses, products, customer codes, price lists and credit limits from ``ref``."""
    counts: dict[str, int] = {}
    Party = _model(conn, "party.party")
    Company = _model(conn, "company.company")
    company = Company.find([])[0]
    parties: dict[str, Any] = {}
    for cust in ref.customers:
        party = Party(name=cust.name, code=cust.id)
        for email in cust.emails:
            party.contact_mechanisms.new(type="email", value=email)
        for edi in cust.edi_ids:
            party.identifiers.new(code=f"edi:{edi}")
        for dom in cust.email_domains:
            party.identifiers.new(code=f"domain:{dom}")
        party.save()
        parties[cust.id] = party
    counts["customers"] = len(parties)
    n_ship = 0
    Address = _model(conn, "party.address")
    Identifier = _model(conn, "party.identifier")
    for st in ref.ship_tos:
        party = parties.get(st.customer_id)
        if party is None:
            continue
        blank = [a for a in Address.find([("party", "=", party.id)]) if not a.street and not a.party_name]
        addr = blank[0] if blank else Address(party=party)
        addr.party_name = st.name
        if st.address is not None:
            addr.street = "\n".join(st.address.lines) or None
            addr.city = st.address.city
            addr.postal_code = st.address.postal_code
        addr.invoice = False
        addr.delivery = True
        addr.save()
        # The ship-to id (and the buyer's location codes) ride on identifiers linked to the address.
        Identifier(party=party, address=addr, code=f"shipto:{st.id}").save()
        for qual, value in st.ids.items():
            Identifier(party=party, address=addr, code=f"loc:{qual}={value}").save()
        n_ship += 1
    counts["ship_tos"] = n_ship

    Template = _model(conn, "product.template")
    Category = _model(conn, "product.category")
    category = Category.find([("accounting", "=", True)], limit=1)[0]
    uoms = _Uoms(conn, ref)
    products: dict[str, Any] = {}
    list_price = {p.sku.upper(): p.price for p in ref.price_agreements}
    for item in ref.items:
        base_uom = uoms.base_for(item.sku, item.base_uom)
        tmpl = Template(name=item.description or item.sku, type="goods", salable=True,
                        default_uom=base_uom, code=item.sku)
        tmpl.account_category = category
        tmpl.list_price = list_price.get(item.sku.upper(), Decimal(0))
        tmpl.sale_uom = base_uom
        if item.lead_time_days is not None:
            tmpl.lead_time = dt.timedelta(days=item.lead_time_days)
        tmpl.save()
        product = tmpl.products[0]
        if item.gtin:
            product.identifiers.new(type="ean" if _gtin_ok(item.gtin) else None, code=item.gtin)
        product.save()
        for code in item.sellable_uoms:
            uoms.sell_uom(item.sku, code, item.base_uom, base_uom)
        if not item.active:
            tmpl.active = False
            tmpl.save()
        products[item.sku.upper()] = product
    counts["items"] = len(products)

    for conv in ref.uom_conversions:  # generic conversions: one UOM per code, named ``CODE:*``
        if conv.sku is None and CANONICAL_TO_TRYTON_UOM.get(conv.to_uom) and uoms.native(conv.from_uom) is None:
            uoms._make(f"{conv.from_uom}:*", conv.from_uom, uoms.native(conv.to_uom), conv.factor)

    ProductCustomer = _model(conn, "sale.product_customer")
    n_x = 0
    for x in ref.cross_references:
        product, party = products.get(x.sku.upper()), parties.get(x.customer_id)
        if product is None or party is None:
            continue
        ProductCustomer(product=product, template=product.template, party=party, code=x.customer_part).save()
        n_x += 1
    counts["cross_references"] = n_x

    counts["price_lists"] = _load_price_lists(conn, ref, parties, products, uoms, company)
    for cred in ref.credit:
        party = parties.get(cred.customer_id)
        if party is None:
            continue
        party.credit_limit_amount = Decimal(0) if cred.hold else cred.limit
        party.save()
    counts["credit"] = len(ref.credit)
    counts["quotes"] = load_quotes(conn, ref.quotes)
    for cust in ref.customers:  # closed customers last: an inactive party cannot take addresses
        if not cust.active:
            parties[cust.id].active = False
            parties[cust.id].save()
    return counts


def _load_price_lists(conn: Any, ref: ReferenceData, parties: dict[str, Any], products: dict[str, Any],
                      uoms: _Uoms, company: Any) -> int:
    PriceList = _model(conn, "product.price_list")
    groups: dict[tuple[str, str, str], list[Any]] = {}
    for pa in ref.price_agreements:
        key = (pa.customer_id, pa.valid_from.isoformat() if pa.valid_from else "",
               pa.valid_to.isoformat() if pa.valid_to else "")
        groups.setdefault(key, []).append(pa)
    today = dt.date.today().isoformat()
    for (cust_id, start, end), agreements in groups.items():
        party = parties.get(cust_id)
        if party is None:
            continue
        pl = PriceList(name=f"orderflow:{cust_id}:{start}:{end}", price="list_price", unit="product_default",
                       company=company)
        # Tryton picks the first matching line: biggest quantity break first.
        for pa in sorted(agreements, key=lambda a: (a.sku, -a.min_qty)):
            product = products.get(pa.sku.upper())
            if product is None:
                continue
            item = ref.item(pa.sku)
            base = item.base_uom if item else pa.uom
            price, min_qty = pa.price, pa.min_qty
            if pa.uom != base:
                factor = uoms.factor(pa.uom, base, pa.sku)
                if not factor:
                    continue
                price, min_qty = pa.price / factor, pa.min_qty * factor
            line = pl.lines.new(product=product)
            line.quantity = float(min_qty) if min_qty else None
            line.formula = format(price.normalize(), "f")
        pl.save()
        if (not start or start <= today) and (not end or end >= today):
            party.sale_price_list = pl
            party.save()
    return len(groups)


class QuoteSetupError(ValueError):
    """A quote that cannot be made in Tryton (unknown customer, product or unit)."""


def _sale_unit(conn: Any, product: Any, sku: str, code: str) -> Any:
    """The Tryton UOM for canonical ``code`` on this product, by the ``CODE:SKU`` / ``CODE:*`` names."""
    base = product.default_uom
    if base.name == f"{code}:{sku}" or (":" not in base.name and CANONICAL_TO_TRYTON_UOM.get(code) == base.symbol):
        return base
    Uom = _model(conn, "product.uom")
    for name in (f"{code}:{sku}", f"{code}:*"):
        found = Uom.find([("name", "=", name), ("category", "=", base.category.id)], limit=1)
        if found:
            return found[0]
    symbol = CANONICAL_TO_TRYTON_UOM.get(code)
    found = Uom.find([("symbol", "=", symbol), ("category", "=", base.category.id)], limit=1) if symbol else []
    if found:
        return found[0]
    raise QuoteSetupError(f"product {sku} is not sold in {code} in Tryton")


def create_quotation(conn: Any, quote: Quote, *, today: dt.date | None = None) -> Any:
    """A Tryton sale for ``quote``, moved to state ``quotation`` (the ``quote`` button); returns it.

    The sale keeps ``quote.number`` when given (in-process; see ``_keep_number``), and
    expires on ``quote.valid_to``: quotation date today (or ``valid_to`` if that is earlier) plus
    the validity in between. Raises ``QuoteSetupError`` for an unknown customer, product or unit.
    """
    Party, Product, Sale = (_model(conn, m) for m in ("party.party", "product.product", "sale.sale"))
    parties = Party.find([("code", "=", quote.customer_id)], limit=1)
    if not parties:
        raise QuoteSetupError(f"quote {quote.number}: customer {quote.customer_id} is not in Tryton")
    sale = Sale(party=parties[0])
    if quote.valid_to is not None:
        start = min(today or dt.date.today(), quote.valid_to)
        sale.quotation_date = start
        sale.quotation_validity = quote.valid_to - start
    for ql in quote.lines:
        products = Product.find([("code", "=", ql.sku)], limit=1)
        if not products:
            raise QuoteSetupError(f"quote {quote.number}: product {ql.sku} is not in Tryton")
        line = sale.lines.new(product=products[0])
        line.unit = _sale_unit(conn, products[0], ql.sku, ql.uom)
        line.quantity = tryton_quantity(ql.qty)
        line.unit_price = ql.price  # last: product/unit/quantity changes re-price the line
    sale.save()
    if quote.number:
        _keep_number(conn, sale, quote.number)
    sale.click("quote")
    return sale


def _keep_number(conn: Any, sale: Any, number: str) -> None:
    """Give a draft sale our quote number, so ``quote`` keeps it instead of drawing from the sequence.

    ``number`` is read-only to clients; in-process proteus lets the set-up skip that field
    check (``_check_access`` False). A remote server refuses, and Tryton numbers the sale itself.
    """
    try:
        conn.get_proxy("sale.sale").write([sale.id], {"number": number}, {**conn.context, "_check_access": False})
    except Exception as exc:  # remote: an access Fault, then Tryton's own number stands
        if not _is_access_refusal(exc):
            raise
    sale.reload()


def _is_access_refusal(exc: BaseException) -> bool:
    text = f"{type(exc).__name__} {exc}"
    return "AccessError" in text or "not allowed" in text


def load_quotes(conn: Any, quotes: list[Quote]) -> int:
    """Each quote as a Tryton quotation; ones Tryton cannot take (unknown code) are skipped."""
    made = 0
    for quote in quotes:
        try:
            create_quotation(conn, quote)
        except ValueError:  # QuoteSetupError, or a quantity Tryton's float cannot carry
            continue
        made += 1
    return made


def init_demo_database(db_dir: Path, ref: ReferenceData, *, database: str = "orderflow",
                       admin_password: str = "admin", target_state: str = "quotation",
                       database_uri: str | None = None) -> TrytonConfig:
    """Create (or reuse) the Tryton database in ``db_dir`` and load ``ref`` into it.

    ``database_uri`` (e.g. ``postgresql://user@host:port/``) puts the database on that server
    instead of a SQLite file in ``db_dir``; ``db_dir`` then only holds the config file.
    """
    db_dir = Path(db_dir).resolve()
    db_dir.mkdir(parents=True, exist_ok=True)
    conf = write_trytond_conf(db_dir / "trytond.conf", db_dir=db_dir, database_uri=database_uri)
    create_database(conf, database, admin_password=admin_password,
                    sqlite_dir=None if database_uri else db_dir, log_file=db_dir / "trytond-admin.log")
    cfg = TrytonConfig(database=database, config_file=conf, password=admin_password, target_state=target_state)
    conn = connect(cfg)
    currency = ref.customers[0].currency if ref.customers else "USD"
    setup_company(conn, currency=currency)
    load_reference(conn, ref)
    return cfg
