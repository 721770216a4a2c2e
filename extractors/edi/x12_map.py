"""X12 850 (and 860 changes, 875 grocery orders) segments to canonical orders as plain dicts.

One order per ST..SE, shaped like ``CanonicalOrder`` (``canonical.shapes``: same keys, order and
typed values) but without pydantic: ``orderflow extract --json`` writes these dicts with orjson
(``extractors.edi.wire``) and never imports pydantic; ``extractors.x12_850`` builds the models
from them without validation. Issues are plain dicts too (``Issue(**d)`` makes the model).

Issues about one order carry a field path that starts with ``orders[i].`` (i = position in the
file's orders), followed by the canonical field the check concerns, e.g. ``orders[3].declared_total``
(AMT total differs from the lines), ``orders[3].declared_line_count`` (CTT01 differs from the line
count), ``orders[3].lines`` (CTT02 quantity hash differs), ``orders[3].source`` (envelope errors of
its transaction set). Issues without that prefix (PARSE_ERROR, NOT_AN_ORDER) concern the whole file.

Speed: a clean PO1 is read inline in the dispatch loop (no call, no validation, quantities and
prices from a cache of texts already parsed); provenance is per segment (``canonical.order``'s
``Provenance``), one column entry for the lines instead of one entry per field.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from typing import Any

from orderflow.canonical import shapes
from orderflow.extractors import limits
from orderflow.extractors.edi import x12
from orderflow.extractors.edi.common import envelope_issue, line_count_issue, to_int, total_mismatch_issue
from orderflow.extractors.edi.partners import (
    PartnerDirectory,
    TradingPartner,
    default_partner,
    partner_from_hints,
)
from orderflow.extractors.edi.values import bounds_error, implied, to_date, to_decimal

NAME = "x12_850"
ORDER_SETS = {"850": "x12_850", "860": "x12_860", "875": "x12_850"}

# BEG01 / BCH01 transaction set purpose codes (353), as ``Purpose`` values
_PURPOSE = {
    "00": "original",
    "06": "original",
    "07": "original",
    "22": "original",
    "01": "cancel",
    "03": "cancel",
    "04": "change",
    "05": "change",
}
_PARTY_FIELD = {
    "BY": "buyer",
    "ST": "ship_to",
    "BT": "bill_to",
    "VN": "supplier",
    "SU": "supplier",
    "SE": "supplier",
    "SF": "ship_from",
}
_LINE_DATE = {"002", "010", "106", "074", "037"}
_LINE_TEMPLATE = shapes.line_template()

Issue = dict[str, Any]


def _g(parts: list[str], i: int) -> str:
    return parts[i].strip() if len(parts) > i else ""


def provenance(index: int, element: int | None = None) -> dict[str, Any]:
    """Where a value came from: segment ``index`` (element ``element``), the members that are not
    None, in ``Provenance``'s field order (what ``extract --json`` writes; the model fills the rest)."""
    if element is None:
        return {"segment": index, "confidence": 1.0, "extractor": NAME}
    return {"segment": index, "element": element, "confidence": 1.0, "extractor": NAME}


def column(segments: list[int | None], element: int | None = None) -> dict[str, Any]:
    """A column entry (``lines``, ``lines.description``): ``segments[n]`` is where line n's value
    came from (None: not from such a segment). One entry per order, not one per line."""
    if element is None:
        return {"segments": segments, "confidence": 1.0, "extractor": NAME}
    return {"element": element, "segments": segments, "confidence": 1.0, "extractor": NAME}


# Element text -> Decimal for quantities and prices already seen: Decimals are immutable, and
# order files repeat the same few quantities and prices, so a dict hit replaces a parse. Beside
# it the same numbers as JSON text (``format(d, "f")``, what ``BoundedDecimal`` writes) for the
# wire path; both hold the same keys.
_DECIMALS: dict[str, Decimal] = {}
_JSON_NUMBERS: dict[str, str] = {}


def _learn_decimals(parts: list[str], cache: dict[str, Decimal]) -> None:
    """Remember PO1 quantity and price texts that are plain finite numbers (for the hot path)."""
    for i in (2, 4):
        if len(parts) > i and (text := parts[i]) and text not in cache:
            if text.strip() != text or "_" in text:
                continue  # Decimal() accepts these; keep them on the careful path
            value = to_decimal(text)  # finite and inside the bounds, or None
            if value is not None:
                cache[text] = value
                _JSON_NUMBERS[text] = format(value, "f")


def _pick(ids: dict[str, str], qualifiers: tuple[str, ...]) -> str | None:
    """The id of the first qualifier, in priority order, that ``ids`` has."""
    for q in qualifiers:
        if q in ids:
            return ids[q]
    return None


class SetMapper:
    """Maps the segments of one transaction set; collects segment errors for the 997."""

    def __init__(
        self,
        items: list[list[str]],
        raws: list[str],
        tx: dict[str, Any],
        delims: x12.Delimiters,
        partner: TradingPartner,
        wire: bool = False,
    ) -> None:
        self.wire = wire  # extract --json: clean lines' numbers as JSON text, no cross-checks
        self.items = items
        self.raws = raws
        self.tx = tx
        self.rep = delims.repetition
        self.sku_q, self.part_q, self.gtin_q = partner.qualifiers("X12")
        self.issues: list[Issue] = []

    def seg_error(
        self,
        index: int,
        code: str,
        element: int | None = None,
        element_code: str | None = None,
        value: str | None = None,
    ) -> None:
        err: dict[str, Any] = {
            "tag": self.items[index][0],
            "position": index - self.tx["start"] + 1,
            "code": code,
        }
        if element is not None:
            err["elements"] = [{"position": element, "code": element_code, "value": (value or "")[:40]}]
        self.tx["segment_errors"].append(err)

    def num(self, parts: list[str], i: int, index: int, field: str | None = None) -> Decimal | None:
        raw = _g(parts, i)
        if not raw:
            return None
        value = to_decimal(raw)
        if value is None:
            self.seg_error(index, "8", i, "6", raw)
            self.out_of_bounds(raw, index, i, field)
        return value

    def out_of_bounds(self, raw: str, index: int, element: int, field: str | None) -> None:
        """A number too large or too long for the bounds is a PARSE_ERROR a person can read."""
        reason = bounds_error(raw)
        if reason is None:
            return
        order = f"orders[{self.tx.get('order_index', 0)}]"
        tag = self.items[index][0]
        self.issues.append(
            {
                "code": "PARSE_ERROR",
                "severity": "error",
                "field": f"{order}.{field}" if field else order,
                "message": f"Segment {index + 1} ({tag}{element:02d}): {reason}.",
                "actual": raw[:40],
            }
        )

    def text(self, parts: list[str], i: int) -> str:
        v = _g(parts, i)
        if self.rep and self.rep in v:
            v = v.split(self.rep)[0]
        return v

    def run(self) -> dict[str, Any]:  # noqa: C901 - one flat dispatch over segment tags
        items, raws = self.items, self.raws
        start, end = self.tx["start"], self.tx["end"]
        order = shapes.order()
        prov = order["provenance"]
        lines = order["lines"]
        line: dict[str, Any] | None = None
        rep = self.rep
        sku_q, part_q, gtin_q = self.sku_q, self.part_q, self.gtin_q
        # "" for none: the hot path's ids never hold an empty qualifier
        sku0, part0, gtin0 = (q[0] if q else "" for q in (sku_q, part_q, gtin_q))
        decimals = _DECIMALS
        if len(decimals) > 50_000:  # bounded: a file of all-different prices must not grow it forever
            decimals.clear()
            _JSON_NUMBERS.clear()
        max_lines = limits.cap("lines")
        line_template = _LINE_TEMPLATE
        party: dict[str, Any] | None = None
        party_key: str | None = None
        extra_parties: list[tuple[str, dict[str, Any]]] = []
        contact: str | None = None
        qty_hash: Decimal | None = None
        amt: tuple[str, Decimal] | None = None
        saw_header = False
        # line provenance, two column entries: ``lines`` (the PO1/POC of each line: every field
        # read from it) and ``lines.description`` (the PID a line's description came from)
        line_segs: list[int | None] = []
        desc_segs: list[int | None] = []
        pid_kind: str | None = None  # PID01 of the PID the line's description came from (None: none yet)
        stop = end if end is not None else len(items)
        # bound methods fetched once: the loop runs per segment (a few % of the mapping)
        # the wire path writes a clean line's quantity and price as the JSON text the Decimal
        # would give (orjson then calls no formatter for them): one lookup either way
        number, new_line = (_JSON_NUMBERS if self.wire else decimals).get, line_template.copy
        add_line, add_line_seg, add_desc_seg = lines.append, line_segs.append, desc_segs.append
        for index in range(start + 1, stop):
            parts = items[index]
            tag = parts[0]
            if tag == "PO1" or tag == "POC":
                # Hot path: a clean PO1 (no padding, no repeats, numbers seen before) is read
                # inline with no function call; anything else goes to _line, which checks every
                # element and records segment errors.
                raw = raws[index]
                if (
                    tag == "PO1"
                    and len(parts) >= 8
                    and "" not in parts  # no empty id, qualifier, line number, unit, basis, qty or price
                    and " " not in raw
                    and raw.isprintable()
                    and not (rep and rep in raw)
                    and (qty := number(parts[2])) is not None
                    and (price := number(parts[4])) is not None
                ):
                    ids = dict(zip(parts[6::2], parts[7::2], strict=False))  # an odd last qualifier is dropped
                    # the first qualifier in priority order the line has (nearly always the first)
                    if (sku := ids.get(sku0)) is None:
                        sku = _pick(ids, sku_q)
                    if (part := ids.get(part0)) is None:
                        part = _pick(ids, part_q)
                    if (gtin := ids.get(gtin0)) is None:
                        gtin = _pick(ids, gtin_q)
                    line = new_line()  # every other field is None
                    if "PD" in ids:  # product description as a PO1 id: the description until a PID says otherwise
                        line["description"] = ids["PD"]
                    line["line_no"] = parts[1]
                    line["qty"] = qty
                    line["uom"] = parts[3]
                    line["unit_price"] = price
                    line["price_basis"] = parts[5]
                    line["customer_part"] = part
                    line["sku"] = sku
                    line["gtin"] = gtin
                    line["ids"] = ids
                    line["charges"] = []
                    line["destinations"] = []
                    line["notes"] = []
                else:
                    _learn_decimals(parts, decimals)
                    line = self._line(parts, index, tag, len(lines) + 1)
                add_line(line)
                add_line_seg(index)
                add_desc_seg(None)
                pid_kind = None
                if len(lines) > max_lines:
                    raise limits.over_cap("lines", f"Transaction set {self.tx['control']}")
                party = None
            elif tag == "PID":
                desc = parts[5].strip() if len(parts) > 5 else ""
                if rep and rep in desc:
                    desc = desc.split(rep)[0]
                if line is not None and desc:
                    if pid_kind is None:
                        # the first PID of the line: its description (over a PO1 PD text)
                        line["description"] = desc
                        pid_kind = parts[1]  # PID01: F free-form, S structured, X both
                        desc_segs[-1] = index
                    elif parts[1] == pid_kind:  # a description spread over several PIDs of one kind
                        line["description"] = f"{line['description']} {desc}"
                    else:  # another kind (a structured PID after the free-form one)
                        line["notes"].append(desc)
                elif desc:
                    order["notes"].append(desc)
            elif tag == "PO4" and line is not None:
                pack, size, uom = _g(parts, 1), _g(parts, 2), _g(parts, 3)
                if pack or size:
                    line["notes"].append(f"pack {pack or '?'} x {size or '?'} {uom}".strip())
            elif tag == "CTP" and line is not None:
                price = self.num(parts, 3, index, f"lines[{len(lines) - 1}].unit_price")
                if price is not None and line["unit_price"] is None:
                    line["unit_price"] = price
                    line["price_basis"] = line["price_basis"] or _g(parts, 2) or None
            elif tag == "SAC":
                charge = self._charge(parts, index)
                if charge is not None:
                    (line["charges"] if line is not None else order["charges"]).append(charge)
            elif tag == "SDQ" and line is not None:
                uom, qual = _g(parts, 1), _g(parts, 2)
                for i in range(3, min(len(parts), 23), 2):
                    loc = _g(parts, i)
                    if not loc:
                        continue
                    line["destinations"].append(
                        {
                            "qualifier": qual,
                            "location": loc,
                            "qty": self.num(parts, i + 1, index),
                            "uom": uom or None,
                        }
                    )
            elif tag == "BEG" or tag == "BCH":
                saw_header = True
                self._header(order, parts, index, tag)
            elif tag == "CUR":
                order["currency"] = _g(parts, 2) or None
                prov["currency"] = provenance(index, 2)
            elif tag == "REF" or tag == "N9":
                q = _g(parts, 1)
                v = self.text(parts, 2) or self.text(parts, 3)
                if q and v:
                    if line is None:
                        order["references"].setdefault(q, v)
                    else:
                        line["notes"].append(f"REF {q}: {v}")
            elif tag == "PER":
                name = _g(parts, 2)
                comm = " ".join(x for x in (_g(parts, 4), _g(parts, 6)) if x)
                contact = ", ".join(x for x in (name, comm) if x) or contact
            elif tag == "ITD":
                terms = self._terms(parts)
                if terms and order["payment_terms"] is None:
                    order["payment_terms"] = terms
                    prov["payment_terms"] = provenance(index)
            elif tag == "DTM":
                q, d = _g(parts, 1), to_date(_g(parts, 2))
                if _g(parts, 2) and d is None:
                    self.seg_error(index, "8", 2, "8", _g(parts, 2))
                if d is None:
                    continue
                if line is not None:
                    if q in _LINE_DATE and line["requested_date"] is None:
                        line["requested_date"] = d
                        prov[f"lines[{len(lines) - 1}].requested_date"] = provenance(index, 2)
                    elif q in ("067", "068", "069") and line["promised_date"] is None:
                        line["promised_date"] = d
                    continue
                order["references"].setdefault(f"DTM{q}", d.isoformat())
                if q in ("002", "010", "074", "106") and (
                    order["requested_delivery_date"] is None or q == "002"
                ):
                    order["requested_delivery_date"] = d
                    prov["requested_delivery_date"] = provenance(index, 2)
            elif tag == "N1":
                code = _g(parts, 1)
                party = shapes.party(self.text(parts, 2) or None)
                if _g(parts, 3) and _g(parts, 4):
                    party["ids"][_g(parts, 3)] = self.text(parts, 4)
                if line is not None:
                    line["destinations"].append({"qualifier": code, "name": party["name"], "ids": dict(party["ids"])})
                    party = None
                    continue
                party_key = _PARTY_FIELD.get(code)
                if party_key and party_key != "ship_from" and order[party_key] is None:
                    order[party_key] = party
                    prov[party_key] = provenance(index)
                else:
                    extra_parties.append((code, party))
            elif tag in ("N2", "N3") and party is not None:
                address = party["address"] = party["address"] or shapes.address()
                address["lines"].extend(x for x in (self.text(parts, 1), self.text(parts, 2)) if x)
            elif tag == "N4" and party is not None:
                address = party["address"] = party["address"] or shapes.address()
                address["city"] = _g(parts, 1) or None
                address["region"] = _g(parts, 2) or None
                address["postal_code"] = _g(parts, 3) or None
                address["country"] = _g(parts, 4) or None
            elif tag == "MSG" or tag == "NTE" or tag == "MTX":
                note = self.text(parts, 2 if tag != "MSG" else 1)
                if note:
                    (line["notes"] if line is not None else order["notes"]).append(note)
            elif tag == "CTT":
                order["declared_line_count"] = to_int(_g(parts, 1))
                if _g(parts, 1) and order["declared_line_count"] is None:
                    self.seg_error(index, "8", 1, "6", _g(parts, 1))
                qty_hash = self.num(parts, 2, index)
                line = None
            elif tag == "AMT":
                q = _g(parts, 1)
                total = self.num(parts, 2, index, "declared_total")
                if total is not None and q in ("TT", "1", "GV") and (amt is None or q == "TT"):
                    amt = (q, total)
                    order["declared_total"] = total
                    prov["declared_total"] = provenance(index, 2)
        if line_segs:
            prov["lines"] = column(line_segs)
            if any(desc_segs):
                prov["lines.description"] = column(desc_segs, 5)
        if contact:
            if order["buyer"] is not None:
                order["buyer"]["contact"] = contact
            else:
                order["notes"].append(f"Buyer contact: {contact}")
        for code, p in extra_parties:
            order["notes"].append(f"Party {code}: {p['name'] or ''} {p['ids'] or ''}".strip())
        if not saw_header:
            self.tx["segment_errors"].append(
                {"tag": "BEG" if self.tx["id"] != "860" else "BCH", "position": 2, "code": "3"}
            )
        try:
            if not self.wire:  # their issues (counts, totals) are no part of extract --json's output
                self._checks(order, qty_hash, amt)
        except ArithmeticError:  # absurd exponents (1E+999999) overflow the sums: skip the cross-checks
            pass
        return order

    def _header(self, order: dict[str, Any], parts: list[str], index: int, tag: str) -> None:
        order["purpose"] = _PURPOSE.get(_g(parts, 1), "original")
        if tag == "BCH" and _g(parts, 1) not in ("01", "03"):
            order["purpose"] = "change"
        order["order_type"] = _g(parts, 2) or None
        order["po_number"] = self.text(parts, 3) or None
        refs = order["references"]
        if _g(parts, 4):
            refs["release"] = _g(parts, 4)
        if tag == "BEG" and _g(parts, 6):
            refs["contract"] = _g(parts, 6)
        date_raw = _g(parts, 6 if tag == "BCH" else 5)
        if tag == "BCH":
            if _g(parts, 5):
                refs["change_sequence"] = _g(parts, 5)
                order["revision"] = to_int(_g(parts, 5)) or 0
            if _g(parts, 11):
                refs["change_request_date"] = _g(parts, 11)
        order["po_date"] = to_date(date_raw)
        if date_raw and order["po_date"] is None:
            self.seg_error(index, "8", 6 if tag == "BCH" else 5, "8", date_raw)
        for key, element in (("po_number", 3), ("po_date", 6 if tag == "BCH" else 5), ("purpose", 1)):
            order["provenance"][key] = provenance(index, element)

    def _line(self, parts: list[str], index: int, tag: str, count: int) -> dict[str, Any]:
        """One PO1/POC as a line dict, every element checked (padding, repeats, bad numbers)."""
        n = len(parts)
        if n < 9:
            parts = parts + [""] * (9 - n)
            n = 9
        change_code = None
        if tag == "PO1":
            line_no, qty_raw, uom, price_raw, basis = parts[1:6]
            first = 6
        else:  # POC: line, change code, qty ordered, qty left, uom, price, basis, pairs from 8
            line_no, change_code, qty_raw, _left, uom, price_raw, basis = parts[1:8]
            change_code = change_code.strip() or None
            first = 8
        qty = price = None
        if qty_raw:
            qty = to_decimal(qty_raw)
            if qty is None:
                self.seg_error(index, "8", 2 if tag == "PO1" else 3, "6", qty_raw)
                self.out_of_bounds(qty_raw, index, 2 if tag == "PO1" else 3, f"lines[{count - 1}].qty")
        if price_raw:
            price = to_decimal(price_raw)
            if price is None:
                self.seg_error(index, "8", 4 if tag == "PO1" else 6, "6", price_raw)
                self.out_of_bounds(price_raw, index, 4 if tag == "PO1" else 6, f"lines[{count - 1}].unit_price")
        rep = self.rep
        raw = self.raws[index]
        keys = parts[first::2]
        vals = parts[first + 1 :: 2]
        if len(keys) > len(vals):
            keys.pop()
        if "" in keys or "" in vals or " " in raw or not raw.isprintable() or (rep and rep in raw):
            ids: dict[str, str] = {}
            for q, v in zip(keys, vals, strict=False):  # slow, careful path: padding, repeats
                if q and v:
                    if rep and rep in v:
                        v = v.split(rep)[0]
                    ids[q.strip()] = v.strip()
        else:
            ids = dict(zip(keys, vals, strict=False))
        sku = part = gtin = None
        for q in self.sku_q:
            if q in ids:
                sku = ids[q]
                break
        for q in self.part_q:
            if q in ids:
                part = ids[q]
                break
        for q in self.gtin_q:
            if q in ids:
                gtin = ids[q]
                break
        values = _LINE_TEMPLATE.copy()  # every other field is None
        values["description"] = ids.get("PD") or None  # product description as a PO1 id (qualifier PD)
        values["line_no"] = line_no.strip() or str(count)
        values["qty"] = qty
        values["uom"] = uom.strip() or None
        values["unit_price"] = price
        values["price_basis"] = basis.strip() or None
        values["customer_part"] = part
        values["sku"] = sku
        values["gtin"] = gtin
        values["ids"] = ids
        values["change_code"] = change_code
        values["charges"] = []
        values["destinations"] = []
        values["notes"] = []
        return values

    def _charge(self, parts: list[str], index: int) -> dict[str, Any] | None:
        flag = _g(parts, 1)
        if flag not in ("A", "C"):
            return None
        raw_amount = _g(parts, 5)
        amount = implied(raw_amount) if raw_amount else None
        if raw_amount and amount is None:
            self.seg_error(index, "8", 5, "6", raw_amount)
        return shapes.charge(
            "allowance" if flag == "A" else "charge",
            _g(parts, 2) or None,
            self.text(parts, 15) or None,
            amount,
            to_decimal(_g(parts, 7)),
        )

    @staticmethod
    def _terms(parts: list[str]) -> str | None:
        text = _g(parts, 12)
        if text:
            return text
        pct, disc_days, net_days = _g(parts, 3), _g(parts, 5), _g(parts, 7)
        bits = []
        if pct and disc_days and to_decimal(pct):  # "0% 0 days" is no discount
            bits.append(f"{pct}% {disc_days} days")
        if net_days:
            bits.append(f"net {net_days}")
        return ", ".join(bits) or None

    def _checks(self, order: dict[str, Any], qty_hash: Decimal | None, amt: tuple[str, Decimal] | None) -> None:
        i = self.tx.get("order_index") or 0
        lines = order["lines"]
        declared_count = order["declared_line_count"]
        if declared_count is not None and declared_count != len(lines):
            self.issues.append(line_count_issue(i, "CTT", declared_count, len(lines), "x12_ctt"))
        if qty_hash is not None:
            total_qty = sum((ln["qty"] for ln in lines if ln["qty"] is not None), Decimal(0))
            if total_qty != qty_hash:
                self.issues.append(
                    {
                        "code": "LINE_COUNT_MISMATCH",
                        "severity": "warning",
                        "field": f"orders[{i}].lines",
                        "message": f"CTT02 quantity hash {qty_hash} differs from the sum of line quantities {total_qty}.",
                        "expected": str(qty_hash),
                        "actual": str(total_qty),
                        "rule": "x12_ctt_hash",
                    }
                )
        if amt is not None:
            qual, declared = amt
            if qual == "1":
                computed = sum(
                    (
                        ln["qty"] * ln["unit_price"]
                        for ln in lines
                        if ln["qty"] is not None and ln["unit_price"] is not None
                    ),
                    Decimal(0),
                )
            else:
                computed = shapes.computed_total(lines, order["charges"])
                for ln in lines:
                    for ch in ln["charges"]:
                        if computed is not None and ch["amount"] is not None:
                            computed += -ch["amount"] if ch["kind"] == "allowance" else ch["amount"]
            if computed is not None:
                issue = total_mismatch_issue(i, f"AMT*{qual}", declared, computed, "x12_amt")
                if issue is not None:
                    self.issues.append(issue)


def sniff_x12(data: bytes) -> float:
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n\x00")
    if head.startswith(b"ISA") and len(head) > 3 and not chr(head[3]).isalnum():
        return 1.0
    if x12._ISA_START.search(head.decode("latin-1")) and b"GS" in head:
        return 0.9
    if (
        head.startswith(b"GS")
        and head[2:3] in (b"*", b"|", b"~", b"^")
        or (
            head.startswith(b"ST")
            and len(head) > 6
            and head[2:3] in (b"*", b"|", b"^", b"\x1c", b"\x1d", b"\x1e", b"\x1f")
            and head[3:6].isdigit()
        )
    ):
        return 0.8
    return 0.0


def _nonempty(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """The pairs whose value is not empty (control numbers and partner ids a file may lack)."""
    return {k: v for k, v in pairs if v}


def read_orders(
    data: bytes,
    *,
    partners: PartnerDirectory,
    hints: list[dict[str, Any]],
    filename: str | None,
    channel: str,
    sender: str | None,
    issue: Callable[[Issue], None],
    found: Callable[[list[Any], dict[str, Any]], None],
    release: bool = False,
    wire: bool = False,
) -> Iterator[dict[str, Any]]:
    """The orders of the file as dicts, one transaction set at a time.

    ``issue`` is called with each issue as it is found, ``found`` once with the envelope's
    diagnostics and metadata (the metadata dict is completed when the iterator is done: 997
    statuses, skipped sets). ``release`` drops each set's segments once it is mapped, so a
    streamed interchange holds one order at a time. ``wire`` (``extract --json``, written by
    orjson and dropped): a clean line's quantity and price come as their JSON text, and the
    cross-checks (line count, quantity hash, totals: issues that command does not print) are
    skipped."""
    # streamed: element lists made a set at a time (a third of the peak memory); else all at once
    # (one pass, no tags pass apart: the caller keeps every order anyway)
    segs = x12.tokenize(x12.decode(data), lazy=release)
    if not segs.items:
        found(segs.diagnostics, {})
        issue(
            {
                "code": "PARSE_ERROR",
                "message": "No X12 segments found: the file has no ISA header and no ST..SE transaction set.",
            }
        )
        return
    meta, diags = x12.envelope(segs)
    found(diags, {"edi": meta, "segments": len(segs.items)})
    hinted = partner_from_hints(hints)
    total_lines = 0
    skipped: list[str] = []
    count = 0
    for ic, grp, tx in x12.iter_sets(meta):
        fmt = ORDER_SETS.get(tx["id"])
        if fmt is None:
            skipped.append(f"{tx['id']} {tx['control']}")
            continue
        partner = hinted or partners.match((ic["sender"], grp["sender"])) or default_partner()
        tx["order_index"] = count
        limits.check("orders", count + 1, "The X12 file")
        segs.split(tx["start"], len(segs.items) if tx["end"] is None else tx["end"] + 1)
        mapper = SetMapper(segs.items, segs.raws, tx, segs.delims_at(tx["start"]), partner, wire)
        order = mapper.run()
        order["source"].update(
            channel=channel,
            format=fmt,
            filename=filename,
            sender=sender,
            control_numbers=_nonempty((("ISA13", ic["control"]), ("GS06", grp["control"]), ("ST02", tx["control"]))),
            partner_ids=_nonempty(
                (
                    ("ISA05", ic["sender_qualifier"]),
                    ("ISA06", ic["sender"]),
                    ("ISA07", ic["receiver_qualifier"]),
                    ("ISA08", ic["receiver"]),
                    ("GS02", grp["sender"]),
                    ("GS03", grp["receiver"]),
                    ("customer_id", partner.customer_id or ""),
                )
            ),
            index=count,
        )
        for found_issue in mapper.issues:
            issue(found_issue)
        total_lines += len(order["lines"])
        limits.check("file_lines", total_lines, "The X12 file")
        env = envelope_issue(count, f"Transaction set {tx['control']}", tx["errors"], x12.SET_TRAILER_MISSING, "x12_envelope")
        if env is not None:
            issue(env)
        if release:
            _release(segs.items, segs.raws, tx["start"], tx["end"])
        count += 1
        yield order
    x12.finalize_status(meta)
    meta["skipped_sets"] = skipped
    if not count:
        reason = (
            f"The X12 file holds no purchase order (850/860); it holds {', '.join(skipped)}."
            if skipped
            else "The X12 file holds no transaction set (no ST segment)."
        )
        issue({"code": "NOT_AN_ORDER" if skipped else "PARSE_ERROR", "message": reason})


def _release(items: list[Any], raws: list[Any], start: int, end: int | None) -> None:
    """Forget the segments ``start..end`` of a mapped set (streaming: one order in memory)."""
    stop = len(items) if end is None else min(end + 1, len(items))
    if stop > start:
        items[start:stop] = [None] * (stop - start)
        raws[start:stop] = [None] * (stop - start)
