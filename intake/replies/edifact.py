"""Outbound EDIFACT: CONTRL syntax acknowledgments and ORDRSP order responses.

Serialized with pydifact (escaping and UNA done right); control references come in as
parameters, the text comes out. EDIFACT has a release character, so ``+ : ' ?`` in a value are
escaped (``?+``) and go back intact; control characters in envelope ids become spaces.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from pydifact.control import Characters
from pydifact.segments import Segment
from pydifact.serializer import Serializer

from orderflow.canonical import CanonicalOrder
from orderflow.intake.replies.x12 import LineStatus

# LineStatus.status → ORDRSP LIN 1229 action code
_LIN_ACTION = {"IA": "5", "IR": "7", "IQ": "3", "IP": "3", "IB": "3", "DR": "3", "ID": "2"}


def _s(value: Any) -> str:
    if value is None:
        return ""
    text = format(value, "f") if isinstance(value, Decimal) else str(value)
    return "".join(" " if (ord(ch) < 32 or 127 <= ord(ch) < 160) else ch for ch in text).strip()


def _party(ident: str, qualifier: str | None) -> list[str] | str:
    """A UNB/UCI party (id, qualifier); ids come from a partner's envelope, so they are cleaned."""
    return [_s(ident), _s(qualifier)] if qualifier else _s(ident)


def _serialize(segments: list[Segment], break_lines: bool) -> str:
    return Serializer(Characters()).serialize(segments, with_una_header=True, break_lines=break_lines)


def _unb(
    me: tuple[str, str | None], them: tuple[str, str | None], ref: str, now: dt.datetime, syntax: str
) -> Segment:
    return Segment(
        "UNB", [syntax, "3"], _party(*me), _party(*them), [now.strftime("%y%m%d"), now.strftime("%H%M")], ref
    )


def build_contrl(
    edi_meta: dict[str, Any],
    *,
    control_ref: int | str,
    sender: tuple[str, str | None] | None = None,
    receiver: tuple[str, str | None] | None = None,
    now: dt.datetime | None = None,
    syntax: str = "UNOC",
    break_lines: bool = True,
) -> str:
    """One interchange with one CONTRL per inbound interchange: UCI (7 acknowledged / 4 rejected),
    UCF per group, UCM per message (with UCS for segment errors). ``edi_meta`` is
    ``Extraction.metadata["edi"]`` from the EDIFACT extractor."""
    now = now or dt.datetime.now(dt.UTC)
    ics = edi_meta.get("interchanges", [])
    if not ics:
        return ""
    ref = _s(control_ref)
    first = ics[0]
    me = sender or (first.get("receiver") or "RECEIVER", first.get("receiver_qualifier") or None)
    them = receiver or (first.get("sender") or "SENDER", first.get("sender_qualifier") or None)
    segs: list[Segment] = [_unb(me, them, ref, now, syntax)]
    for n, ic in enumerate(ics, start=1):
        body: list[Segment] = []
        uci = [
            ic.get("control") or "",
            _party(ic.get("sender") or "", ic.get("sender_qualifier") or None),
            _party(ic.get("receiver") or "", ic.get("receiver_qualifier") or None),
            ic.get("action", "7"),
        ]
        if ic["errors"]:
            uci.append(ic["errors"][0])
        body.append(Segment("UCI", *uci))

        def ucm(m: dict[str, Any], body: list[Segment] = body) -> None:
            ident = [m["type"], m["version"], m["release"], m["agency"]]
            el = [m["control"], [x for x in ident if x] or [m["type"] or "ORDERS"], m.get("action", "7")]
            if m["errors"]:
                el.append(m["errors"][0])
            body.append(Segment("UCM", *el))
            for err in m.get("segment_errors", [])[:20]:
                body.append(Segment("UCS", _s(err["position"]), err.get("code", "12")))

        for m in ic.get("messages", []):
            ucm(m)
        for g in ic["groups"]:
            gact = "4" if g["messages"] and all(m.get("action") == "4" for m in g["messages"]) else "7"
            uf = [g["control"], g["sender"], g["receiver"], gact]
            if g["errors"]:
                uf.append(g["errors"][0])
            body.append(Segment("UCF", *uf))
            for m in g["messages"]:
                ucm(m)
        mref = str(n)
        segs.append(Segment("UNH", mref, ["CONTRL", "D", "3", "UN"]))
        segs.extend(body)
        segs.append(Segment("UNT", str(len(body) + 2), mref))
    segs.append(Segment("UNZ", str(len(ics)), ref))
    return _serialize(segs, break_lines)


def build_ordrsp(
    order: CanonicalOrder,
    line_statuses: list[LineStatus],
    *,
    control_ref: int | str,
    message_ref: int | str = 1,
    document_number: str | None = None,
    sender: tuple[str, str | None] | None = None,
    receiver: tuple[str, str | None] | None = None,
    now: dt.datetime | None = None,
    syntax: str = "UNOC",
    break_lines: bool = True,
    function: str | None = None,
    reasons: dict[str, str] | None = None,
) -> str:
    """An ORDRSP D:96A for one order: BGM 231 with function 29 (accepted), 4 (changed) or 27 (rejected),
    then per line LIN with its action code, QTY+21 and PRI+AAA for what we commit to.

    For an ORDCHG the caller passes the change's own order (its lines are the changed lines), the
    BGM ``function`` to use and ``reasons`` per rejected line (written as FTX+AAO)."""
    now = now or dt.datetime.now(dt.UTC)
    pid = order.source.partner_ids
    me = sender or (pid.get("UNB03") or "RECEIVER", pid.get("UNB03.qualifier"))
    them = receiver or (pid.get("UNB02") or "SENDER", pid.get("UNB02.qualifier"))
    by_line = {s.line_no: s for s in line_statuses}
    statuses = [
        by_line.get(ln.line_no or str(i + 1)) or LineStatus(ln.line_no or str(i + 1))
        for i, ln in enumerate(order.lines)
    ]
    if function is not None:
        pass
    elif statuses and all(s.status == "IR" for s in statuses):
        function = "27"
    elif all(s.status == "IA" for s in statuses):
        function = "29"
    else:
        function = "4"
    mref = _s(message_ref)
    body: list[Segment] = [
        Segment("BGM", "231", document_number or order.po_number or "", function),
        Segment("DTM", ["137", now.strftime("%Y%m%d"), "102"]),
        Segment("RFF", ["ON", order.po_number or ""]),
    ]
    if order.po_date:
        body.append(Segment("DTM", ["171", order.po_date.strftime("%Y%m%d"), "102"]))
    for code, party in (("BY", order.buyer), ("SU", order.supplier), ("DP", order.ship_to)):
        if party is not None and party.ids:
            qual, ident = next(iter(party.ids.items()))
            body.append(Segment("NAD", code, [ident, "", qual]))
    if order.currency:
        body.append(Segment("CUX", ["2", order.currency, "9"]))
    for line, status in zip(order.lines, statuses, strict=True):
        item = next(((v, q) for q, v in line.ids.items() if q in ("EN", "SRV", "UP")), None)
        lin: list[str | list[str]] = [status.line_no, _LIN_ACTION.get(status.status, "3")]  # a composite as a list
        if item:
            lin.append([item[0], item[1]])
        body.append(Segment("LIN", *lin))
        for q, v in line.ids.items():
            if item is None or q != item[1]:
                body.append(Segment("PIA", "1", [v, q]))
                break
        qty = status.qty if status.qty is not None else (Decimal(0) if status.status == "IR" else line.qty)
        qty_el = ["21", _s(qty)]
        if status.uom or line.uom:
            qty_el.append(status.uom or line.uom or "")
        body.append(Segment("QTY", qty_el))
        price = status.unit_price if status.unit_price is not None else line.unit_price
        if price is not None:
            body.append(Segment("PRI", ["AAA", _s(price)]))
        if status.date is not None:
            body.append(Segment("DTM", ["2", status.date.strftime("%Y%m%d"), "102"]))
        if reasons and status.status == "IR" and reasons.get(status.line_no):
            body.append(Segment("FTX", "AAO", "", "", [reasons[status.line_no][:512]]))
    body.append(Segment("UNS", "S"))
    body.append(Segment("CNT", ["2", str(len(order.lines))]))
    segs = [
        _unb(me, them, _s(control_ref), now, syntax),
        Segment("UNH", mref, ["ORDRSP", "D", "96A", "UN"]),
        *body,
        Segment("UNT", str(len(body) + 2), mref),
        Segment("UNZ", "1", _s(control_ref)),
    ]
    return _serialize(segs, break_lines)
