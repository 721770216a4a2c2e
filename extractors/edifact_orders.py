"""EDIFACT ORDERS (and ORDCHG) to canonical orders: one order per UNH..UNT.

Tokenizing, character sets and envelope checks live in ``extractors.edi.edifact``.

Speed: lines and provenance entries are built without validation (``extractors.edi.fast``) and
line fields are written straight into the line's ``__dict__``; in a "plain" message (no release
characters, no repetition separator) the hot segments (LIN, PIA, IMD, QTY, PRI) split their
components directly instead of calling ``val()`` per component, and quantity/price texts already
seen come from a Decimal cache. Both paths give the same values (tests/edi/test_speed_paths.py).

Issues about one order carry a field path ``orders[i].<canonical field>`` (i = position in
``Extraction.orders``): ``orders[i].declared_line_count`` (CNT differs from the line count),
``orders[i].declared_total`` (MOA total differs from the lines), ``orders[i].source`` (envelope
errors of its message). The pipeline files them under order i; unprefixed issues concern the
whole document.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from orderflow.canonical import (
    Address,
    CanonicalOrder,
    Charge,
    Extraction,
    Issue,
    IssueCode,
    OrderLine,
    Party,
    Provenance,
    Purpose,
    Severity,
    Source,
)
from orderflow.extractors import limits
from orderflow.extractors.base import ExtractContext
from orderflow.extractors.edi import edifact, fast
from orderflow.extractors.edi.mapping import (
    EdiExtractor,
    column,
    envelope_issue,
    line_count_issue,
    nonempty,
    provenance,
    provenance_template,
    release_segments,
    total_mismatch_issue,
)
from orderflow.extractors.edi.partners import (
    TradingPartner,
    default_partner,
    partner_from_hints,
    pick,
)
from orderflow.extractors.edi.values import bounds_error, to_date, to_decimal

NAME = "edifact_orders"
ORDER_TYPES = {"ORDERS": "edifact_orders", "ORDCHG": "edifact_ordchg"}
# BGM 1225 message function codes
_FUNCTION = {"1": Purpose.CANCEL, "3": Purpose.CANCEL, "4": Purpose.CHANGE, "5": Purpose.CHANGE}
_PARTY_FIELD = {"BY": "buyer", "DP": "ship_to", "ST": "ship_to", "IV": "bill_to", "SU": "supplier"}
_TOTAL_MOA = ("86", "128", "79", "39", "77")

# Lines are built without validation (values are typed here) and share one fields-set holding
# every field name, so the mapper writes line fields into ``__dict__``.
_LINE_FIELDS = set(OrderLine.model_fields)
_PROV_TEMPLATE = provenance_template(NAME)
_LINE_TEXT = ("AFM", "LIN")  # FTX subjects that describe the line (free text about the item)
# number text → Decimal for quantities and prices already seen (bounded, immutable values)
_DECIMALS: dict[str, Decimal] = {}


class _MessageMapper:
    def __init__(self, segs: edifact.Segments, msg: dict[str, Any], partner: TradingPartner) -> None:
        self.segs = segs
        self.msg = msg
        self.comp = segs.seps.component
        self.tr = segs.restore
        self.dec = segs.seps.decimal
        self.rep = segs.seps.repetition if msg.get("syntax_version") == "4" else ""
        self.sku_q, self.part_q, self.gtin_q = partner.qualifiers("EDIFACT")
        self.plain = not self.tr and not self.rep  # no release characters, no repetitions: split directly
        self.issues: list[Issue] = []

    def val(self, parts: list[str], i: int, c: int = 0) -> str:
        if len(parts) <= i:
            return ""
        e = parts[i]
        if c or self.comp in e:
            cs = e.split(self.comp)
            e = cs[c] if len(cs) > c else ""
        if self.rep and self.rep in e:
            e = e.split(self.rep)[0]
        if self.tr:
            e = e.translate(self.tr)
        return e.strip()

    def num(self, raw: str, index: int, position: int) -> Decimal | None:
        if not raw:
            return None
        v = to_decimal(raw.replace(",", "."), ".")
        if v is None:
            tag = self.segs.items[index][0]
            self.msg["segment_errors"].append(
                {
                    "tag": tag,
                    "position": index - self.msg["start"] + 1,
                    "element": position,
                    "code": "12",
                    "value": raw[:35],
                }
            )
            reason = bounds_error(raw.replace(",", "."))
            if reason is not None:  # a number too large or too long: a readable PARSE_ERROR
                self.issues.append(
                    Issue(
                        code=IssueCode.PARSE_ERROR,
                        severity=Severity.ERROR,
                        field=f"orders[{self.msg.get('order_index', 0)}]",
                        message=f"Segment {index + 1} ({tag}): {reason}.",
                        actual=raw[:40],
                    )
                )
        return v

    def prov(self, index: int, element: int | None = None) -> Provenance:
        return provenance(_PROV_TEMPLATE, index, element)

    def cached_num(self, raw: str, index: int, position: int) -> Decimal | None:
        """``num`` with a cache of texts already read (the same few quantities and prices repeat)."""
        v = _DECIMALS.get(raw)
        if v is None:
            v = self.num(raw, index, position)
            if v is not None:
                if len(_DECIMALS) > 50_000:
                    _DECIMALS.clear()
                _DECIMALS[raw] = v
        return v

    def run(self) -> CanonicalOrder:  # noqa: C901 - one flat dispatch over segment tags
        items = self.segs.items
        start, end = self.msg["start"], self.msg["end"]
        order = CanonicalOrder()
        prov = order.provenance
        lines = order.lines
        line: OrderLine | None = None
        ld: dict[str, Any] = {}  # line.__dict__: hot fields are written straight into it
        comp = self.comp
        plain = self.plain
        cached_num = self.cached_num
        sku_q, part_q, gtin_q = self.sku_q, self.part_q, self.gtin_q
        # line provenance as column entries (segments[n] for line n): ``lines`` the LIN (line
        # number, ids), ``lines.qty``/``lines.uom`` the QTY, ``lines.unit_price`` the PRI,
        # ``lines.description`` the IMD
        lin_segs: list[int | None] = []
        qty_segs: list[int | None] = []
        price_segs: list[int | None] = []
        desc_segs: list[int | None] = []
        desc_src = ""  # where the line's description came from: "" none, "FTX", "IMD" + IMD01
        prov_ = self.prov
        party: Party | None = None
        charge: Charge | None = None
        saw_bgm = False
        in_summary = False
        discrete_qty_line: dict[str, Any] | None = None
        val = self.val
        max_lines = limits.cap("lines")
        for index in range(start + 1, end if end is not None else len(items)):
            parts = items[index]
            tag = parts[0]
            if tag == "LIN":
                line = self._line(parts)
                ld = line.__dict__
                lin_segs.append(index)
                qty_segs.append(None)
                price_segs.append(None)
                desc_segs.append(None)
                lines.append(line)
                if len(lines) > max_lines:
                    raise limits.over_cap("lines", f"Message {self.msg['control']}")
                party = charge = None
                desc_src = ""
            elif tag == "PIA" and line is not None:
                ids = ld["ids"]
                for i in range(2, min(len(parts), 7)):
                    if plain:
                        cs = parts[i].split(comp)
                        ident = cs[0].strip()
                        typ = cs[1].strip() if len(cs) > 1 else ""
                    else:
                        ident, typ = val(parts, i, 0), val(parts, i, 1)
                    if ident and typ:
                        ids.setdefault(typ, ident)
                ld["sku"] = pick(ids, sku_q)
                ld["customer_part"] = pick(ids, part_q)
                ld["gtin"] = pick(ids, gtin_q)
            elif tag == "IMD" and line is not None:
                if plain:
                    cs = parts[3].split(comp) if len(parts) > 3 else []
                    a = cs[3].strip() if len(cs) > 3 else ""
                    b = cs[4].strip() if len(cs) > 4 else ""
                else:
                    a, b = val(parts, 3, 3), val(parts, 3, 4)
                desc = f"{a} {b}" if a and b else a or b
                if desc:
                    kind = "IMD" + (parts[1].strip() if len(parts) > 1 else "")  # IMD01: F free text, C coded …
                    if desc_src[:3] != "IMD":  # the first IMD of the line (over an FTX text)
                        if desc_src == "FTX":
                            ld["notes"].append(ld["description"])
                            del prov[f"lines[{len(lines) - 1}].description"]
                        ld["description"] = desc
                        desc_src = kind
                        desc_segs[-1] = index
                    elif kind == desc_src:  # a description spread over several IMDs of one kind, joined
                        ld["description"] = f"{ld['description']} {desc}"
                    else:  # another kind of description (a coded one after a free text …)
                        ld["notes"].append(desc)
            elif tag == "QTY":
                if plain:
                    cs = parts[1].split(comp) if len(parts) > 1 else []
                    n_cs = len(cs)
                    q = cs[0].strip() if n_cs else ""
                    amount = cs[1].strip() if n_cs > 1 else ""
                    unit = cs[2].strip() if n_cs > 2 else ""
                else:
                    q, amount, unit = val(parts, 1, 0), val(parts, 1, 1), val(parts, 1, 2)
                if line is None:
                    continue
                if q in ("21", "113") and (ld["qty"] is None or ld is discrete_qty_line):
                    ld["qty"] = cached_num(amount, index, 1) if amount else None
                    ld["uom"] = unit or None
                    discrete_qty_line = None
                    qty_segs[-1] = index
                elif q == "1" and ld["qty"] is None and amount:
                    # QTY+1 (discrete quantity) orders the line when no QTY+21/113 says otherwise
                    ld["qty"] = cached_num(amount, index, 1)
                    ld["uom"] = unit or None
                    discrete_qty_line = ld
                    qty_segs[-1] = index
                elif q:
                    ld["notes"].append(f"QTY {q}: {amount} {unit}".strip())
            elif tag == "PRI" and line is not None:
                if plain:
                    cs = parts[1].split(comp) if len(parts) > 1 else []
                    n_cs = len(cs)
                    q = cs[0].strip() if n_cs else ""
                    raw_price = cs[1].strip() if n_cs > 1 else ""
                else:
                    cs = []
                    n_cs = 0
                    q, raw_price = val(parts, 1, 0), val(parts, 1, 1)
                price = cached_num(raw_price, index, 1) if raw_price else None
                if price is not None and (
                    q in ("AAA", "CAL", "INV") or (q == "AAB" and ld["unit_price"] is None)
                ):
                    ld["unit_price"] = price
                    price_segs[-1] = index
                    if plain:
                        basis_qty = cs[4].strip() if n_cs > 4 else ""
                        basis_unit = cs[5].strip() if n_cs > 5 else ""
                    else:
                        basis_qty, basis_unit = val(parts, 1, 4), val(parts, 1, 5)
                    if basis_qty:
                        ld["price_basis"] = f"per {basis_qty} {basis_unit}".strip()
                    else:
                        ld["price_basis"] = q
            elif tag == "MOA":
                q, money = val(parts, 1, 0), self.num(val(parts, 1, 1), index, 1)
                if money is None:
                    continue
                if charge is not None and q in ("8", "23", "204", "25"):
                    charge.amount = money
                elif line is not None and not in_summary and q == "146":
                    # MOA 146 is the unit price (5025), not a line amount; a PRI price wins
                    if line.unit_price is None:
                        line.unit_price = money
                elif line is not None and not in_summary and q in ("203", "66"):
                    if q == "203" or line.amount is None:
                        line.amount = money
                elif (
                    (line is None or in_summary)
                    and q in _TOTAL_MOA
                    and (order.declared_total is None or q in ("86", "128"))
                ):
                    order.declared_total = money
                    prov["declared_total"] = self.prov(index, 1)
            elif tag == "ALC":
                flag = val(parts, 1)
                charge = Charge(
                    kind="allowance" if flag == "A" else "charge",
                    code=val(parts, 5) or val(parts, 2) or None,
                    description=val(parts, 5, 3) or None,
                )
                (line.charges if line is not None else order.charges).append(charge)
            elif tag == "PCD" and charge is not None:
                charge.percent = self.num(val(parts, 1, 1), index, 1)
            elif tag == "BGM":
                saw_bgm = True
                self._bgm(order, parts, index)
            elif tag == "DTM":
                q, raw, fmt = val(parts, 1, 0), val(parts, 1, 1), val(parts, 1, 2)
                d = to_date(raw, fmt or None)
                if raw and d is None:
                    self.msg["segment_errors"].append(
                        {
                            "tag": "DTM",
                            "position": index - start + 1,
                            "element": 1,
                            "code": "12",
                            "value": raw[:35],
                        }
                    )
                if d is None:
                    continue
                if line is not None:
                    if q in ("2", "10", "63", "64", "69") and line.requested_date is None:
                        line.requested_date = d
                    continue
                order.references.setdefault(f"DTM{q}", d.isoformat())
                if q in ("137", "4") and order.po_date is None:
                    order.po_date = d
                    prov["po_date"] = self.prov(index, 1)
                elif q in ("2", "10", "63", "64", "69") and (
                    order.requested_delivery_date is None or q == "2"
                ):
                    order.requested_delivery_date = d
                    prov["requested_delivery_date"] = self.prov(index, 1)
            elif tag == "RFF":
                q, v = val(parts, 1, 0), val(parts, 1, 1)
                if q and v:
                    if line is not None:
                        line.notes.append(f"RFF {q}: {v}")
                    else:
                        order.references.setdefault(q, v)
            elif tag == "NAD":
                party = self._nad(order, parts, index, line is not None)
            elif tag == "CTA" and party is not None:
                party.contact = val(parts, 2, 1) or val(parts, 2, 0) or party.contact
            elif tag == "CUX":
                order.currency = val(parts, 1, 1) or order.currency
                prov["currency"] = self.prov(index, 1)
            elif tag == "PAT":
                terms = self._terms(parts)
                if terms and order.payment_terms is None:
                    order.payment_terms = terms
                    prov["payment_terms"] = self.prov(index)
            elif tag == "FTX":
                text = " ".join(x for x in (val(parts, 4, i) for i in range(5)) if x)
                if not text:
                    continue
                if line is None:
                    order.notes.append(text)
                elif val(parts, 1) in _LINE_TEXT and desc_src[:3] != "IMD":
                    # free text about the item: the line's description when no IMD carries one
                    if desc_src == "FTX":
                        ld["description"] = f"{ld['description']} {text}"
                    else:
                        ld["description"] = text
                        desc_src = "FTX"
                        prov[f"lines[{len(lines) - 1}].description"] = prov_(index, 4)
                else:
                    line.notes.append(text)
            elif tag == "UNS":
                in_summary = val(parts, 1) == "S"
                line = None
                charge = None
            elif tag == "CNT":
                q, v = val(parts, 1, 0), val(parts, 1, 1)
                if q == "2":
                    n = self.num(v, index, 1)
                    order.declared_line_count = (
                        int(n) if n is not None and n == n.to_integral_value() else None
                    )
        if lin_segs:
            prov["lines"] = column(_PROV_TEMPLATE, lin_segs)
            for key, segments, element in (
                ("lines.qty", qty_segs, 1),
                ("lines.uom", list(qty_segs), 1),
                ("lines.unit_price", price_segs, 1),
                ("lines.description", desc_segs, 3),
            ):
                if any(segments):
                    prov[key] = column(_PROV_TEMPLATE, segments, element)
        if not saw_bgm:
            self.msg["segment_errors"].append({"tag": "BGM", "position": 2, "code": "13"})
        try:
            self._checks(order)
        except ArithmeticError:  # absurd exponents (1E+999999) overflow the sums: skip the cross-checks
            pass
        return order

    def _bgm(self, order: CanonicalOrder, parts: list[str], index: int) -> None:
        order.order_type = self.val(parts, 1, 0) or None
        order.po_number = self.val(parts, 2, 0) or None
        function = self.val(parts, 3, 0)
        order.purpose = _FUNCTION.get(function, Purpose.ORIGINAL)
        if self.msg["type"] == "ORDCHG" and order.purpose == Purpose.ORIGINAL:
            order.purpose = Purpose.CHANGE
        if function:
            order.references["message_function"] = function
        for key in ("po_number", "purpose"):
            order.provenance[key] = self.prov(index)

    def _line(self, parts: list[str]) -> OrderLine:
        ids: dict[str, str] = {}
        n = len(parts)
        if self.plain:  # no release characters, no repetitions: what val() returns, without the calls
            line_no = parts[1].split(self.comp)[0].strip() if n > 1 else ""
            change = parts[2].split(self.comp)[0].strip() if n > 2 else ""
            cs = parts[3].split(self.comp) if n > 3 else []
            ident = cs[0].strip() if cs else ""
            typ = cs[1].strip() if len(cs) > 1 else ""
        else:
            line_no, change = self.val(parts, 1), self.val(parts, 2)
            ident, typ = self.val(parts, 3, 0), self.val(parts, 3, 1)
        if ident:
            ids[typ or "LIN"] = ident
        values: dict[str, Any] = {
            "line_no": line_no or None,
            "qty": None,
            "uom": None,
            "unit_price": None,
            "price_basis": None,
            "amount": None,
            "customer_part": pick(ids, self.part_q),
            "sku": pick(ids, self.sku_q),
            "gtin": pick(ids, self.gtin_q),
            "description": None,
            "ids": ids,
            "requested_date": None,
            "promised_date": None,
            "change_code": change or None,
            "charges": [],
            "destinations": [],
            "notes": [],
        }
        return fast.one(OrderLine, values, _LINE_FIELDS)

    def _resolve(self, line: OrderLine) -> None:
        line.sku = pick(line.ids, self.sku_q)
        line.customer_part = pick(line.ids, self.part_q)
        line.gtin = pick(line.ids, self.gtin_q)

    def _nad(self, order: CanonicalOrder, parts: list[str], index: int, in_line: bool) -> Party:
        val = self.val
        code = val(parts, 1)
        ident = val(parts, 2, 0)
        qual = val(parts, 2, 2) or val(parts, 2, 1) or "ZZZ"
        name = " ".join(x for x in (val(parts, 4, i) for i in range(5)) if x)
        unstructured = [x for x in (val(parts, 3, i) for i in range(5)) if x]  # C058 name-and-address lines
        if not name and unstructured:
            name = unstructured.pop(0)
        party = Party(name=name or None, ids={qual: ident} if ident else {})
        street = [x for x in (val(parts, 5, i) for i in range(4)) if x] or unstructured
        city, region, postal, country = val(parts, 6), val(parts, 7), val(parts, 8), val(parts, 9)
        if street or city or postal or country:
            party.address = Address(
                lines=street,
                city=city or None,
                region=region or None,
                postal_code=postal or None,
                country=country or None,
            )
        if in_line and order.lines:
            order.lines[-1].destinations.append(
                {"qualifier": code, "name": party.name, "ids": dict(party.ids)}
            )
            return party
        key = _PARTY_FIELD.get(code)
        if key and (getattr(order, key) is None or (key == "ship_to" and code == "DP")):
            setattr(order, key, party)
            order.provenance[key] = self.prov(index)
        else:
            order.notes.append(f"Party {code}: {party.name or ''} {party.ids or ''}".strip())
        return party

    def _terms(self, parts: list[str]) -> str | None:
        val = self.val
        text = val(parts, 2, 3) or val(parts, 2, 4)
        if text:
            return text
        ref, rel, period, count = val(parts, 3, 0), val(parts, 3, 1), val(parts, 3, 2), val(parts, 3, 3)
        units = {"D": "days", "WK": "weeks", "M": "months", "CD": "days"}
        refs = {"5": "invoice date", "1": "date of order", "66": "specified date", "21": "receipt of goods"}
        if count:
            rel_txt = {"3": "after", "1": "before", "2": "on"}.get(rel, "after")
            return (
                f"{count} {units.get(period, period or 'days')} {rel_txt} {refs.get(ref, 'reference ' + ref)}"
            )
        return val(parts, 1) and f"payment terms type {val(parts, 1)}" or None

    def _checks(self, order: CanonicalOrder) -> None:
        i = self.msg["order_index"]
        if order.declared_line_count is not None and order.declared_line_count != len(order.lines):
            self.issues.append(
                line_count_issue(i, "CNT", order.declared_line_count, len(order.lines), "edifact_cnt")
            )
        if order.declared_total is not None:
            computed = order.computed_total()
            if computed is not None:
                issue = total_mismatch_issue(i, "MOA", order.declared_total, computed, "edifact_moa")
                if issue is not None:
                    self.issues.append(issue)


def sniff_edifact(data: bytes) -> float:
    head = data[:2048]
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    head = head.lstrip(b" \t\r\n\x00")
    if head.startswith(b"UNA") and len(head) >= 9:
        return 1.0
    if head.startswith((b"UNB", b"UNH", b"UNG")) and len(head) > 3 and not chr(head[3]).isalnum():
        return 1.0 if b"UNH" in head or head.startswith(b"UNB") else 0.8
    return 0.0


class EdifactExtractor(EdiExtractor):
    """Extractor plug-in for EDIFACT ORDERS/ORDCHG (any directory, any separators, any UNOx charset)."""

    name = NAME
    standard = "EDIFACT"

    def sniff(self, data: bytes, filename: str | None) -> float:
        return sniff_edifact(data)

    def _orders(
        self, data: bytes, ctx: ExtractContext, out: Extraction, release: bool = False
    ) -> Iterator[CanonicalOrder]:
        """The orders of the file one message at a time; issues, diagnostics and the envelope go
        to ``out`` (complete when the iterator is done); ``release`` drops each mapped message's
        segments (streaming)."""
        text, charset, diags0 = edifact.decode(data)
        segs = edifact.tokenize(text)
        del text
        segs.charset = charset
        segs.diagnostics.extend(diags0)
        meta, diags = edifact.envelope(segs)
        out.diagnostics = diags
        out.metadata = {"edi": meta, "segments": len(segs.items)}
        hinted = partner_from_hints(ctx.hints)
        issues = out.issues
        total_lines = 0
        skipped: list[str] = []
        count = 0
        for ic, grp, msg in edifact.iter_messages(meta):
            fmt = ORDER_TYPES.get(msg["type"].upper())
            if fmt is None:
                skipped.append(f"{msg['type']} {msg['control']}")
                continue
            partner = (
                hinted
                or self.partners.match((ic["sender"], grp["sender"] if grp else None))
                or default_partner()
            )
            msg["order_index"] = count
            limits.check("orders", count + 1, "The EDIFACT file")
            msg["syntax_version"] = ic["syntax_version"]
            mapper = _MessageMapper(segs, msg, partner)
            order = mapper.run()
            controls = {
                "UNB05": ic["control"],
                "UNG05": grp["control"] if grp else "",
                "UNH01": msg["control"],
            }
            order.source = Source(
                format=fmt,
                filename=ctx.filename,
                channel=ctx.channel,
                sender=ctx.sender,
                control_numbers=nonempty(controls.items()),
                partner_ids=nonempty(
                    (
                        ("UNB02", ic["sender"]),
                        ("UNB02.qualifier", ic["sender_qualifier"]),
                        ("UNB03", ic["receiver"]),
                        ("UNB03.qualifier", ic["receiver_qualifier"]),
                        ("UNG02", grp["sender"] if grp else ""),
                        ("customer_id", partner.customer_id or ""),
                    )
                ),
                index=count,
            )
            issues.extend(mapper.issues)
            total_lines += len(order.lines)
            limits.check("file_lines", total_lines, "The EDIFACT file")
            unit = f"Message {msg['control']}"
            issue = envelope_issue(count, unit, msg["errors"], edifact.MISSING, "edifact_envelope")
            if issue is not None:
                issues.append(issue)
            if release:
                release_segments(segs.items, segs.raws, msg["start"], msg["end"])
            count += 1
            yield order
        edifact.finalize_status(meta)
        meta["skipped_messages"] = skipped
        if not count:
            if skipped:
                issues.append(
                    Issue(
                        code=IssueCode.NOT_AN_ORDER,
                        message=f"The EDIFACT file holds no ORDERS message; it holds {', '.join(skipped)}.",
                    )
                )
            else:
                issues.append(
                    Issue(
                        code=IssueCode.PARSE_ERROR,
                        message="No EDIFACT message found: the file has no UNH segment.",
                    )
                )
