"""Outbound X12: 997 functional acknowledgments and 855 purchase-order acknowledgments.

Written with pyx12's ``X12Writer`` (it counts SE/GE/IEA for us). Builders are pure: control
numbers come in as parameters (the store keeps the per-partner counters), the text comes out.

Delimiters: X12 has no release character, so a value may never contain one of the interchange's
delimiters. The standard lets the sender choose them (ISA declares them by position), so each
reply uses ``~ * > ^`` unless a value it carries (a partner id in ISA06/GS02, a PO number, a part
number) contains one; then that delimiter is replaced by the first free one of a fixed list
(``choose_delimiters``). Values go back exactly as received — PO ``A*1`` stays ``A*1`` — and
``AB~GS~IEA`` in ISA06 is an id, never segments. Control characters become spaces.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from pyx12.segment import Segment
from pyx12.x12file import X12Writer

from orderflow.canonical import CanonicalOrder

SEG, ELEM, COMP, REP = "~", "*", ">", "^"  # preferred; see choose_delimiters

# Candidates per role, in preference order: printable, not letters/digits/space (X12 basic set + common).
_CANDIDATES = {
    "seg": "~'!`|@#$%&",
    "elem": "*|^+#`!@$%",
    "comp": ">:\\<@}{]`!",
    "rep": "^{!`}]|@#$",
}


@dataclass(frozen=True)
class Delimiters:
    seg: str = SEG
    elem: str = ELEM
    comp: str = COMP
    rep: str = REP


def choose_delimiters(values: Iterable[str]) -> Delimiters:
    """The reply's delimiters: the preferred ones unless the data uses them (see the module doc)."""
    used = set("".join(values))
    chosen: dict[str, str] = {}
    for role, pool in _CANDIDATES.items():
        free = next((ch for ch in pool if ch not in used and ch not in chosen.values()), None)
        if free is None:
            raise ValueError(f"no {role} delimiter left that the reply's values do not contain")
        chosen[role] = free
    return Delimiters(**chosen)


def delimiters_of(text: str) -> Delimiters:
    """The delimiters an interchange we wrote declares in its ISA (element at 3, ISA16 at 104, then the
    segment terminator)."""
    if not text.startswith("ISA") or len(text) < 106:
        return Delimiters()
    rep = text[82] if text[82] != "U" else REP
    return Delimiters(seg=text[105], elem=text[3], comp=text[104], rep=rep)


@dataclass(frozen=True)
class Party12:
    """An ISA/GS party: ISA05 qualifier + ISA06 id, and the GS02/GS03 application id."""

    id: str
    qualifier: str = "ZZ"
    app_id: str | None = None


@dataclass
class LineStatus:
    """What we answer for one PO line in an 855/ORDRSP.

    ``status``: IA accepted, IR rejected, IQ quantity changed, IP price changed, IB backordered,
    DR date rescheduled. ``qty``/``unit_price``/``date`` are the values we commit to.
    """

    line_no: str
    status: str = "IA"
    qty: Decimal | None = None
    uom: str | None = None
    unit_price: Decimal | None = None
    date: dt.date | None = None


def _clean(value: Any) -> str:
    """A value as X12 text: control characters (CR, LF, NUL...) become spaces; delimiters are kept
    (the reply picks delimiters the values do not use)."""
    text = "" if value is None else (format(value, "f") if isinstance(value, Decimal) else str(value))
    return "".join(" " if (ord(ch) < 32 or 127 <= ord(ch) < 160) else ch for ch in text).strip()


def _seg(*elements: Any) -> list[str]:
    parts = [_clean(e) for e in elements]
    while len(parts) > 1 and parts[-1] == "":
        parts.pop()
    return parts


def _isa(
    sender: Party12, receiver: Party12, control: int, now: dt.datetime, usage: str, version: str
) -> list[str]:
    """ISA with fixed-width fields; ISA11 (repetition) and ISA16 (component) are set by ``_write``."""
    fields = [
        "ISA",
        "00",
        " " * 10,
        "00",
        " " * 10,
        _clean(sender.qualifier).ljust(2)[:2],
        _clean(sender.id).ljust(15)[:15],
        _clean(receiver.qualifier).ljust(2)[:2],
        _clean(receiver.id).ljust(15)[:15],
        now.strftime("%y%m%d"),
        now.strftime("%H%M"),
        REP if version >= "00402" else "U",
        version,
        f"{control:09d}",
        "0",
        _clean(usage or "P")[:1] or "P",
        COMP,
    ]
    return fields


def _gs(
    functional_id: str, me: Party12, them: Party12, now: dt.datetime, control: int, version: str
) -> list[str]:
    return _seg(
        "GS",
        functional_id,
        me.app_id or me.id,
        them.app_id or them.id,
        now.strftime("%Y%m%d"),
        now.strftime("%H%M"),
        control,
        "X",
        version,
    )


def _id_pairs(ids: dict[str, str]) -> list[str]:
    """The first ten (qualifier, id) pairs flattened, as PO1/POC carry them."""
    return [x for pair in list(ids.items())[:10] for x in pair]


def _write(segments: list[list[str]], eol: str) -> str:
    """Serialise with delimiters none of the values contain (ISA11/ISA16 declare them)."""
    isa_fixed = {11, 16}
    d = choose_delimiters(
        v for seg in segments for i, v in enumerate(seg) if not (seg[0] == "ISA" and i in isa_fixed)
    )
    buf = io.StringIO()
    writer = X12Writer(buf, seg_term=d.seg, ele_term=d.elem, subele_term=d.comp, eol=eol, repetition_term=d.rep)
    for parts in segments:
        if parts[0] == "ISA":
            parts = [*parts[:11], d.rep if parts[11] != "U" else "U", *parts[12:16], d.comp]
        writer.Write(Segment(d.elem.join(parts), d.seg, d.elem, d.comp))
    writer.close()
    return buf.getvalue()


def _parties(
    ic: dict[str, Any], grp: dict[str, Any] | None, sender: Party12 | None, receiver: Party12 | None
) -> tuple[Party12, Party12]:
    """Reply parties default to the inbound envelope, reversed."""
    me = sender or Party12(
        ic.get("receiver") or "RECEIVER",
        ic.get("receiver_qualifier") or "ZZ",
        (grp or {}).get("receiver") or None,
    )
    them = receiver or Party12(
        ic.get("sender") or "SENDER", ic.get("sender_qualifier") or "ZZ", (grp or {}).get("sender") or None
    )
    return me, them


def _order_parties(
    order: CanonicalOrder, sender: Party12 | None, receiver: Party12 | None
) -> tuple[Party12, Party12]:
    """Reply parties default to the order's own envelope ids (``Source.partner_ids``), reversed."""
    pid = order.source.partner_ids
    me = sender or Party12(pid.get("ISA08") or "RECEIVER", pid.get("ISA07") or "ZZ", pid.get("GS03"))
    them = receiver or Party12(pid.get("ISA06") or "SENDER", pid.get("ISA05") or "ZZ", pid.get("GS02"))
    return me, them


def _statuses(order: CanonicalOrder, line_statuses: list[LineStatus]) -> list[LineStatus]:
    """One status per order line, matched by line number; a line without one is accepted (IA)."""
    by_line = {s.line_no: s for s in line_statuses}
    return [
        by_line.get(ln.line_no or str(i + 1)) or LineStatus(ln.line_no or str(i + 1))
        for i, ln in enumerate(order.lines)
    ]


def _opening(functional_id: str, set_id: str, st: str, me: Party12, them: Party12, now: dt.datetime,
             isa_control: int, gs_control: int, usage: str, version: str) -> list[list[str]]:
    """ISA, GS and ST of a one-set reply (855, 865)."""
    gs_version = "005010" if version >= "00501" else "004010"
    return [
        _isa(me, them, isa_control, now, usage, version),
        _gs(functional_id, me, them, now, gs_control, gs_version),
        _seg("ST", set_id, st),
    ]


def build_997(
    edi_meta: dict[str, Any],
    *,
    isa_control: int,
    gs_control: int,
    sender: Party12 | None = None,
    receiver: Party12 | None = None,
    now: dt.datetime | None = None,
    version: str = "00401",
    eol: str = "\n",
) -> str:
    """One interchange with one 997 per inbound functional group (acknowledgment groups are not acked).

    ``edi_meta`` is ``Extraction.metadata["edi"]`` from the X12 extractor (statuses already set).
    Returns "" when there is nothing to acknowledge.
    """
    now = now or dt.datetime.now(dt.UTC)
    groups = [
        (ic, g) for ic in edi_meta.get("interchanges", []) for g in ic["groups"] if g["functional_id"] != "FA"
    ]
    if not groups:
        return ""
    ic0, g0 = groups[0]
    me, them = _parties(ic0, g0, sender, receiver)
    gs_version = "005010X231A1" if version >= "00501" else "004010"
    segs = [
        _isa(me, them, isa_control, now, ic0.get("usage") or "P", version),
        _gs("FA", me, them, now, gs_control, gs_version),
    ]
    for n, (_ic, g) in enumerate(groups, start=1):
        st = f"{n:04d}"
        segs.append(_seg("ST", "997", st))
        ak1 = ["AK1", g["functional_id"] or "PO", g["control"]]
        if version >= "00501" and g.get("version"):
            ak1.append(g["version"])
        segs.append(_seg(*ak1))
        for tx in g["sets"]:
            segs.append(_seg("AK2", tx["id"], tx["control"]))
            for err in tx.get("segment_errors", [])[:20]:
                segs.append(_seg("AK3", err["tag"], err["position"], "", err.get("code", "8")))
                for el in err.get("elements", [])[:5]:
                    segs.append(
                        _seg("AK4", el["position"], "", el.get("code", "6"), el.get("value", "")[:99])
                    )
            segs.append(_seg("AK5", tx.get("status", "A"), *tx["errors"][:5]))
        received = len(g["sets"])
        accepted = g.get("accepted_sets", received)
        segs.append(_seg("AK9", g.get("status", "A"), received, received, accepted, *g["errors"][:5]))
        segs.append(_seg("SE", 0, st))
    return _write(segs, eol)


def ack_type(statuses: list[LineStatus]) -> str:
    """BAK02: AD accepted as sent, RJ all rejected, AC accepted with changes."""
    if statuses and all(s.status == "IR" for s in statuses):
        return "RJ"
    if all(s.status == "IA" for s in statuses):
        return "AD"
    return "AC"


def build_855(
    order: CanonicalOrder,
    line_statuses: list[LineStatus],
    *,
    isa_control: int,
    gs_control: int,
    st_control: int = 1,
    sender: Party12 | None = None,
    receiver: Party12 | None = None,
    erp_order_no: str | None = None,
    now: dt.datetime | None = None,
    version: str = "00401",
    usage: str = "P",
    eol: str = "\n",
) -> str:
    """An 855 for one order: BAK (AD/AC/RJ) and, per line, PO1 with the committed values plus ACK.

    Lines without a status are acknowledged as sent (IA). Parties default to the order's own
    envelope ids, reversed.
    """
    now = now or dt.datetime.now(dt.UTC)
    me, them = _order_parties(order, sender, receiver)
    statuses = _statuses(order, line_statuses)
    st = f"{st_control:04d}"
    segs = [
        *_opening("PR", "855", st, me, them, now, isa_control, gs_control, usage, version),
        _seg(
            "BAK",
            "00",
            ack_type(statuses),
            order.po_number or "",
            (order.po_date or now.date()).strftime("%Y%m%d"),
            "",
            "",
            "",
            erp_order_no or "",
            now.strftime("%Y%m%d"),
        ),
    ]
    if order.currency:
        segs.append(_seg("CUR", "SE", order.currency))
    if order.ship_to is not None:
        qual, ident = next(iter(order.ship_to.ids.items()), ("", ""))
        segs.append(_seg("N1", "ST", order.ship_to.name or "", qual if ident else "", ident))
    hash_total = Decimal(0)
    for line, status in zip(order.lines, statuses, strict=True):
        qty = status.qty if status.qty is not None else (Decimal(0) if status.status == "IR" else line.qty)
        price = status.unit_price if status.unit_price is not None else line.unit_price
        uom = status.uom or line.uom or "EA"
        pairs = _id_pairs(line.ids)
        segs.append(
            _seg("PO1", status.line_no, line.qty, line.uom or uom, price, line.price_basis or "", *pairs)
        )
        if line.description:
            segs.append(_seg("PID", "F", "", "", "", line.description[:80]))
        ack = ["ACK", status.status, qty if qty is not None else "", uom]
        if status.date is not None:
            ack += ["068", status.date.strftime("%Y%m%d")]
        segs.append(_seg(*ack))
        hash_total += qty or 0
    segs.append(_seg("CTT", len(order.lines), hash_total))
    segs.append(_seg("SE", 0, st))
    return _write(segs, eol)


def change_ack_type(statuses: list[LineStatus]) -> str:
    """BCA02: AD all changes accepted, RD all rejected (with detail), AC some accepted, some not."""
    if statuses and all(s.status == "IR" for s in statuses):
        return "RD"
    if all(s.status != "IR" for s in statuses):
        return "AD"
    return "AC"


def build_865(
    change: CanonicalOrder,
    line_statuses: list[LineStatus],
    *,
    isa_control: int,
    gs_control: int,
    st_control: int = 1,
    reasons: dict[str, str] | None = None,
    change_codes: dict[str, str] | None = None,
    sender: Party12 | None = None,
    receiver: Party12 | None = None,
    erp_order_no: str | None = None,
    now: dt.datetime | None = None,
    version: str = "00401",
    usage: str = "P",
    eol: str = "\n",
) -> str:
    """An 865 answering an 860: BCA (AD/AC/RD) and, per changed line, POC with the buyer's change
    code and values, MSG with the reason when rejected, and ACK (IA accepted, ID deleted, IR rejected).

    ``change`` is the change document's own order (its lines are the changed lines); statuses are
    matched by line number, lines without one are reported accepted.
    """
    now = now or dt.datetime.now(dt.UTC)
    me, them = _order_parties(change, sender, receiver)
    reasons, codes = reasons or {}, change_codes or {}
    statuses = _statuses(change, line_statuses)
    st = f"{st_control:04d}"
    segs = [
        *_opening("CA", "865", st, me, them, now, isa_control, gs_control, usage, version),
        _seg(
            "BCA",
            "00",
            change_ack_type(statuses),
            change.po_number or "",
            change.references.get("release", ""),
            change.references.get("change_sequence", ""),
            (change.po_date or now.date()).strftime("%Y%m%d"),
            "",
            "",
            now.strftime("%Y%m%d"),
        ),
    ]
    if erp_order_no:
        segs.append(_seg("REF", "VN", erp_order_no))
    hash_total = Decimal(0)
    for line, status in zip(change.lines, statuses, strict=True):
        pairs = _id_pairs(line.ids)
        code = codes.get(status.line_no) or line.change_code or "CA"
        price = status.unit_price if status.unit_price is not None else line.unit_price
        segs.append(
            _seg(
                "POC",
                status.line_no,
                code,
                line.qty,
                "",
                line.uom or status.uom or "",
                price,
                line.price_basis or "",
                *pairs,
            )
        )
        if status.status == "IR" and reasons.get(status.line_no):
            segs.append(_seg("MSG", reasons[status.line_no][:264]))
        ack: list[Any] = ["ACK", status.status]  # _seg formats each element
        if status.qty is not None:
            ack += [status.qty, status.uom or line.uom or "EA"]
            hash_total += status.qty
        if status.date is not None:
            ack += [""] * (4 - len(ack)) + ["068", status.date.strftime("%Y%m%d")]
        segs.append(_seg(*ack))
    segs.append(_seg("CTT", len(change.lines), hash_total))
    segs.append(_seg("SE", 0, st))
    return _write(segs, eol)
