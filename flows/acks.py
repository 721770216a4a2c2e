"""Acknowledgements back to EDI trading partners: 997/CONTRL on receipt, 855/ORDRSP on decision.

Control numbers come from the store's per-partner counter, so they never repeat across
runs or workers. A trading partner hears each decision on an order once: the acceptance sent when
the ERP took the order is not sent again when the ERP later confirms it (``erp_ack`` audit events,
``ack_sent``/``record_ack``); a later cancellation in the ERP is a new decision and is sent. Replies are written atomically to ``replies_dir/<partner>/``; the channel
flows upload that folder to the partner's SFTP outbox.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from orderflow.canonical import CanonicalOrder, Extraction
from orderflow.store import repository as repo

log = logging.getLogger("orderflow.acks")

ACK_ACTION = "erp_ack"  # audit action: one 855/ORDRSP sent for a decision on the order
CHANGE_FORMATS = frozenset({"x12_860", "edifact_ordchg"})  # order changes: answered by an 865/ORDRSP, not an 855


def ack_sent(s: Any, order_id: int, *, accepted: bool) -> bool:
    """True when the partner has already been sent this decision (acceptance or rejection) on the order."""
    return any((e.after or {}).get("accepted") == accepted
               for e in repo.audit_trail(s, "order", order_id) if e.action == ACK_ACTION)


def record_ack(s: Any, order_id: int, *, accepted: bool, reply: tuple[str, str, str], actor: str) -> None:
    """Remember that ``reply`` (partner, file name, text) told the partner this decision."""
    partner, name, _text = reply
    repo.add_audit(s, entity="order", entity_id=order_id, action=ACK_ACTION, actor=actor,
                   after={"accepted": accepted, "partner": partner, "file": name},
                   reason=f"{'acceptance' if accepted else 'rejection'} sent to {partner} as {name}")


def _safe(name: str) -> str:
    """A file or folder name from a value: ``[A-Za-z0-9._-]`` only, no leading dots ("..", hidden), capped."""
    text = re.sub(r"_+", "_", re.sub(r"\.{2,}", "_", re.sub(r"[^A-Za-z0-9._-]+", "_", name)))
    return text.strip("._")[:64].rstrip("._") or "partner"


def reply_folder(meta: dict[str, Any] | None, partner: str) -> str:
    """The folder under ``replies_dir`` for a document's replies: named after the channel it came by
    (the configured SFTP drop or watched folder), so a value in the document's body never chooses
    where replies go; documents without one (CLI, mail) use the sanitised partner id."""
    drop = (meta or {}).get("drop")
    return _safe(str(drop)) if drop else _safe(partner)


def write_reply(replies_dir: Path, partner: str, name: str, text: str) -> Path:
    """Write atomically to ``replies_dir/<partner>/<name>`` (``partner``: a ``reply_folder`` or an id)."""
    folder = replies_dir / _safe(partner)
    folder.mkdir(parents=True, exist_ok=True)
    final = folder / _safe(name)
    tmp = final.with_suffix(final.suffix + ".part")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, final)
    return final


def _x12_partner(meta: dict[str, Any]) -> str:
    ics = meta.get("interchanges") or []
    return (ics[0].get("sender") if ics else None) or "unknown"


def functional_acks(session_factory, extraction: Extraction) -> list[tuple[str, str, str]]:
    """(partner, file name, text) for the 997 or CONTRL that answers this document, if it is EDI."""
    with session_factory() as s, s.begin():
        return functional_acks_in(s, extraction)


def functional_acks_in(s: Any, extraction: Extraction) -> list[tuple[str, str, str]]:
    """``functional_acks`` in the caller's transaction: the control numbers are taken there, so the
    reply rendered here is owed (``replies.owe_receipt``) by the commit that stores the document's result."""
    meta = extraction.metadata.get("edi")
    if not meta:
        return []
    from orderflow.intake.replies import build_997, build_contrl

    if meta.get("standard") == "X12":
        partner = _x12_partner(meta)
        if not any(g for ic in meta.get("interchanges", []) for g in ic.get("groups", [])):
            return []
        isa = repo.next_control_number(s, partner, "isa")
        gs = repo.next_control_number(s, partner, "gs")
        text = build_997(meta, isa_control=isa, gs_control=gs)
        return [(partner, f"997-{isa:09d}.edi", text)]
    if meta.get("standard") == "EDIFACT":
        ics = meta.get("interchanges") or []
        partner = (ics[0].get("sender") if ics else None) or "unknown"
        ref = repo.next_control_number(s, partner, "unb")
        text = build_contrl(meta, control_ref=ref)
        return [(partner, f"CONTRL-{ref:09d}.edi", text)]
    return []


def order_ack(
    session_factory,
    order: CanonicalOrder,
    *,
    accepted: bool,
    erp_order_no: str | None,
    resolved: dict[str, Any] | None = None,
) -> tuple[str, str, str] | None:
    """``order_ack_in`` in a transaction of its own (the control numbers are taken there)."""
    with session_factory() as s, s.begin():
        return order_ack_in(s, order, accepted=accepted, erp_order_no=erp_order_no, resolved=resolved)


def order_ack_in(
    s: Any,
    order: CanonicalOrder,
    *,
    accepted: bool,
    erp_order_no: str | None,
    resolved: dict[str, Any] | None = None,
    reason: str | None = None,
) -> tuple[str, str, str] | None:
    """(partner, file name, text) for the 855 / ORDRSP that tells the buyer what we decided, its control
    numbers taken in the caller's transaction: the push renders it in the transaction that moves the
    order to ``pushed`` (``replies.owe``), so a re-delivery writes the same interchange again.

    With ``resolved`` (the order's stored validation payload) each line says what availability
    found: accepted (IA), date rescheduled (DR), backordered with its date (IB), quantity changed
    (IQ) or rejected (IR); a line shipped partly now and partly later carries both parts.
    """
    from orderflow.intake.replies import build_855, build_ordrsp

    if order.source.format in CHANGE_FORMATS:  # order changes: 865 / ORDRSP
        info = (resolved or {}).get("change") or {}
        return change_ack_in(s, order, info, accepted=accepted, erp_order_no=erp_order_no, reason=reason)
    plans = line_plans(order, resolved, accepted=accepted)
    pid = order.source.partner_ids
    if order.source.format == "x12_850":
        partner = pid.get("ISA06") or pid.get("GS02") or "unknown"
        isa = repo.next_control_number(s, partner, "isa")
        gs = repo.next_control_number(s, partner, "gs")
        text = build_855(order, [p.x12 for p in plans], isa_control=isa, gs_control=gs, erp_order_no=erp_order_no)
        return partner, f"855-{_safe(order.po_number or 'po')}-{isa:09d}.edi", add_x12_ship_now(text, plans)
    if order.source.format == "edifact_orders":
        partner = pid.get("UNB02") or "unknown"
        ref = repo.next_control_number(s, partner, "unb")
        text = build_ordrsp(order, [p.edifact for p in plans], control_ref=ref, document_number=erp_order_no)
        return partner, f"ORDRSP-{_safe(order.po_number or 'po')}-{ref:09d}.edi", add_edifact_backorders(text, plans)
    return None


@dataclass
class LinePlan:
    """What we promise for one line, as the 855 (``x12`` + optional ship-now ACK) and ORDRSP see it."""

    line_no: str
    x12: Any  # LineStatus: IB carries the backordered part
    edifact: Any  # LineStatus: IB carries the ship-now part
    ship_now: Any = None  # LineStatus IA for the part that ships now, when a line is split
    backorder: Any = None  # (qty, uom, date) of the later part, when a line is split


def _dec(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value)) if value not in (None, "") else None
    except ArithmeticError:
        return None


def _day(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def line_plans(order: CanonicalOrder, resolved: dict[str, Any] | None, *, accepted: bool) -> list[LinePlan]:
    """Per-line acknowledgement from the resolved availability (all IA / all IR without it)."""
    from orderflow.intake.replies import LineStatus

    by_index = {ln.get("index", i): ln for i, ln in enumerate((resolved or {}).get("lines") or [])}
    plans = []
    for i, line in enumerate(order.lines):
        no = line.line_no or str(i + 1)
        info = by_index.get(i) or {}
        uom = info.get("uom") or line.uom
        price = _dec(info.get("unit_price")) if info.get("unit_price") is not None else line.unit_price
        status = info.get("ack_status") or "IA"
        if not accepted:
            st = LineStatus(no, "IR", qty=Decimal(0), uom=uom, unit_price=price)
            plans.append(LinePlan(no, st, st))
            continue
        now_qty, now_day = _dec(info.get("ship_now_qty")), _day(info.get("ship_date"))
        back_qty, back_day = _dec(info.get("backorder_qty")), _day(info.get("backorder_date"))
        promised = _day(info.get("promised_date")) or line.promised_date
        if status == "IR":
            st = LineStatus(no, "IR", qty=Decimal(0), uom=uom, unit_price=price)
            plans.append(LinePlan(no, st, st))
        elif status == "IQ":
            st = LineStatus(no, "IQ", qty=now_qty, uom=uom, unit_price=price, date=now_day)
            plans.append(LinePlan(no, st, st))
        elif status == "IB" and now_qty and back_qty:
            later = LineStatus(no, "IB", qty=back_qty, uom=uom, unit_price=price, date=back_day)
            first = LineStatus(no, "IB", qty=now_qty, uom=uom, unit_price=price, date=now_day)
            ship = LineStatus(no, "IA", qty=now_qty, uom=uom, unit_price=price, date=now_day)
            plans.append(LinePlan(no, later, first, ship_now=ship, backorder=(back_qty, uom, back_day)))
        elif status == "IB":
            st = LineStatus(no, "IB", qty=back_qty or line.qty, uom=uom, unit_price=price, date=back_day or promised)
            plans.append(LinePlan(no, st, st))
        else:
            st = LineStatus(no, status, qty=line.qty, uom=uom, unit_price=price, date=promised)
            plans.append(LinePlan(no, st, st))
    return plans


def add_x12_ship_now(text: str, plans: list[LinePlan]) -> str:
    """Put an ``ACK*IA`` for the part that ships now before a split line's ``ACK*IB`` (ACK repeats
    in the 855's PO1 loop), and recount SE01."""
    from orderflow.intake.replies.x12 import delimiters_of

    if not any(p.ship_now for p in plans):
        return text
    delims = delimiters_of(text)
    SEG, ELEM = delims.seg, delims.elem  # noqa: N806 - the interchange's own delimiters
    eol = "\n" if f"{SEG}\n" in text else ""
    segs = [x.strip("\r\n") for x in text.split(SEG)]
    trailer = segs.pop() if not segs[-1] else ""
    out: list[str] = []
    ack_no, st_at = 0, 0
    for seg in segs:
        tag = seg.split(ELEM, 1)[0]
        if tag == "ST":
            st_at = len(out)
        if tag == "ACK":
            plan = plans[ack_no] if ack_no < len(plans) else None
            ack_no += 1
            if plan is not None and plan.ship_now is not None:
                ship = plan.ship_now
                parts = ["ACK", "IA", format(ship.qty, "f"), ship.uom or ""]
                if ship.date:
                    parts += ["068", ship.date.strftime("%Y%m%d")]
                out.append(ELEM.join(parts))
        if tag == "SE":
            fields = seg.split(ELEM)
            fields[1] = str(len(out) - st_at + 1)
            seg = ELEM.join(fields)
        out.append(seg)
    return "".join(f"{x}{SEG}{eol}" for x in out) + trailer


_EDI_SEG = re.compile(r"(?<!\?)'")


def add_edifact_backorders(text: str, plans: list[LinePlan]) -> str:
    """After a split line's ship-now QTY/DTM, add ``QTY+83`` (backorder quantity) and
    ``DTM+69`` (promised date for it); recount UNT."""
    if not any(p.backorder for p in plans):
        return text
    eol = "\n" if "'\n" in text else ""
    segs = [x.strip("\r\n") for x in _EDI_SEG.split(text)]
    if segs and not segs[-1]:
        segs.pop()
    plans_by_no = {p.line_no: p for p in plans}
    out: list[str] = []
    current: LinePlan | None = None
    unh_at = 0

    def flush() -> None:
        if current is not None and current.backorder is not None:
            qty, uom, day = current.backorder
            out.append(f"QTY+83:{format(qty, 'f')}" + (f":{uom}" if uom else ""))
            if day is not None:
                out.append(f"DTM+69:{day.strftime('%Y%m%d')}:102")

    for seg in segs:
        tag = seg[:3]
        if tag in ("LIN", "UNS"):
            flush()
            current = plans_by_no.get(seg.split("+")[1]) if tag == "LIN" else None
        if tag == "UNH":
            unh_at = len(out)
        if tag == "UNT":
            fields = seg.split("+")
            fields[1] = str(len(out) - unh_at + 1)
            seg = "+".join(fields)
        out.append(seg)
    return "".join(f"{x}'{eol}" for x in out)


def promise_summary(order: CanonicalOrder, resolved: dict[str, Any] | None) -> list[str]:
    """One human line per order line with its promise dates, for the email / portal confirmation."""
    lines = []
    for plan, line in zip(line_plans(order, resolved, accepted=True), order.lines, strict=True):
        what = f"Line {plan.line_no}: {line.sku or line.customer_part or line.description or ''} {line.qty} {line.uom or ''}"
        st = plan.x12
        if plan.ship_now is not None:
            qty, uom, day = plan.backorder
            text = (f"{plan.ship_now.qty} ship {plan.ship_now.date or 'now'}, {qty} {uom or ''} backordered "
                    f"to {day or 'a date to be confirmed'}")
        elif st.status == "IR":
            text = "cannot be supplied (rejected)"
        elif st.status == "IQ":
            text = f"only {st.qty} {st.uom or ''} available, ships {st.date or 'now'}; the rest is cancelled"
        elif st.status == "IB":
            text = f"backordered, ships {st.date or 'on a date to be confirmed'}"
        else:
            text = f"ships {st.date}" if st.date else "accepted"
        lines.append(" ".join(f"{what} — {text}".split()))
    return lines


def send(replies_dir: Path | None, replies: list[tuple[str, str, str]], folder: str | None = None) -> list[Path]:
    """Write each reply under ``folder`` (see ``reply_folder``), or else its partner id's folder."""
    if replies_dir is None:
        return []
    written = []
    for partner, name, text in replies:
        written.append(write_reply(replies_dir, folder or partner, name, text))
        log.info("acknowledgement %s written for partner %s", name, partner)
    return written


# --------------------------------------------------------------------------- order changes (860 / ORDCHG)


def change_ack(
    session_factory,
    order: CanonicalOrder,
    info: dict[str, Any],
    *,
    accepted: bool,
    erp_order_no: str | None,
    reason: str | None = None,
) -> tuple[str, str, str] | None:
    """``change_ack_in`` in a transaction of its own (the control numbers are taken there)."""
    with session_factory() as s, s.begin():
        return change_ack_in(s, order, info, accepted=accepted, erp_order_no=erp_order_no, reason=reason)


def change_ack_in(
    s: Any,
    order: CanonicalOrder,
    info: dict[str, Any],
    *,
    accepted: bool,
    erp_order_no: str | None,
    reason: str | None = None,
) -> tuple[str, str, str] | None:
    """(partner, file name, text) for the 865 / ORDRSP that answers a change document, its control
    numbers taken in the caller's transaction (the push's, when the reply is owed).

    ``order`` is the stored new version, ``info`` its ``resolved["change"]`` (the change document's
    own order and what became of each changed line). ``accepted=False`` (the ERP refused the
    change) rejects every line with ``reason``.
    """
    from orderflow.intake.replies import LineStatus, build_865, build_ordrsp

    if info.get("raw"):
        raw = CanonicalOrder.model_validate(info["raw"])
    else:  # no record of the change document: report the lines the change touched (they keep their code)
        raw = order.model_copy(update={"lines": [ln for ln in order.lines if ln.change_code]})
    fmt = raw.source.format
    if fmt not in CHANGE_FORMATS:
        return None
    if info.get("mode") == "cancel" or raw.purpose.value == "cancel":
        raw = raw.model_copy(update={"lines": [ln.model_copy(update={"change_code": "DI"}) for ln in order.lines]})
    outcome = {c["line_no"]: c for c in info.get("lines") or []}
    statuses, reasons = [], {}
    for i, line in enumerate(raw.lines):
        no = line.line_no or str(i + 1)
        c = outcome.get(no) or {}
        ok = accepted and c.get("accepted", True)
        deleted = c.get("op") in ("delete", "cancel")
        if not ok:
            statuses.append(LineStatus(no, "IR", uom=line.uom, unit_price=line.unit_price))
            reasons[no] = (c.get("reason") if accepted else reason) or "change not accepted"
        elif deleted:
            statuses.append(LineStatus(no, "ID", qty=Decimal(0), uom=line.uom))
        else:
            statuses.append(LineStatus(no, "IA", qty=line.qty, uom=line.uom, unit_price=line.unit_price))
    pid = raw.source.partner_ids
    if fmt == "x12_860":
        partner = pid.get("ISA06") or pid.get("GS02") or "unknown"
        isa = repo.next_control_number(s, partner, "isa")
        gs = repo.next_control_number(s, partner, "gs")
        text = build_865(raw, statuses, isa_control=isa, gs_control=gs, reasons=reasons, erp_order_no=erp_order_no)
        return partner, f"865-{_safe(raw.po_number or 'po')}-{isa:09d}.edi", text
    partner = pid.get("UNB02") or "unknown"
    ref = repo.next_control_number(s, partner, "unb")
    if all(st.status == "IR" for st in statuses) and statuses:
        function = "27"
    elif all(st.status != "IR" for st in statuses):
        function = "29"
    else:
        function = "4"
    text = build_ordrsp(raw, statuses, control_ref=ref, document_number=erp_order_no, function=function,
                        reasons=reasons)
    return partner, f"ORDRSP-{_safe(raw.po_number or 'po')}-{ref:09d}.edi", text
