"""Acknowledgements back to EDI trading partners: 997/CONTRL on receipt, 855/ORDRSP on decision.

Control numbers come from the store's per-partner counter, so they never repeat across
runs or workers. Replies are written atomically to ``replies_dir/<partner>/``; the channel
flows upload that folder to the partner's SFTP outbox.
"""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path
from typing import Any

from orderflow.canonical import CanonicalOrder, Extraction
from orderflow.store import repository as repo

log = logging.getLogger("orderflow.acks")


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("_") or "partner"


def write_reply(replies_dir: Path, partner: str, name: str, text: str) -> Path:
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
    meta = extraction.metadata.get("edi")
    if not meta:
        return []
    from orderflow.intake.replies import build_997, build_contrl

    if meta.get("standard") == "X12":
        partner = _x12_partner(meta)
        if not any(g for ic in meta.get("interchanges", []) for g in ic.get("groups", [])):
            return []
        with session_factory() as s, s.begin():
            isa = repo.next_control_number(s, partner, "isa")
            gs = repo.next_control_number(s, partner, "gs")
        text = build_997(meta, isa_control=isa, gs_control=gs)
        return [(partner, f"997-{isa:09d}.edi", text)]
    if meta.get("standard") == "EDIFACT":
        ics = meta.get("interchanges") or []
        partner = (ics[0].get("sender") if ics else None) or "unknown"
        with session_factory() as s, s.begin():
            ref = repo.next_control_number(s, partner, "unb")
        text = build_contrl(meta, control_ref=ref)
        return [(partner, f"CONTRL-{ref:09d}.edi", text)]
    return []


def order_ack(session_factory, order: CanonicalOrder, *, accepted: bool, erp_order_no: str | None) -> tuple[str, str, str] | None:
    """(partner, file name, text) for the 855 / ORDRSP that tells the buyer what we decided."""
    from orderflow.intake.replies import LineStatus, build_855, build_ordrsp

    status = "IA" if accepted else "IR"
    lines = [
        LineStatus(line_no=ln.line_no or str(i + 1), status=status, qty=ln.qty, uom=ln.uom, unit_price=ln.unit_price,
                   date=ln.promised_date)
        for i, ln in enumerate(order.lines)
    ]
    pid = order.source.partner_ids
    if order.source.format == "x12_850":
        partner = pid.get("ISA06") or pid.get("GS02") or "unknown"
        with session_factory() as s, s.begin():
            isa = repo.next_control_number(s, partner, "isa")
            gs = repo.next_control_number(s, partner, "gs")
        text = build_855(order, lines, isa_control=isa, gs_control=gs, erp_order_no=erp_order_no)
        return partner, f"855-{_safe(order.po_number or 'po')}-{isa:09d}.edi", text
    if order.source.format == "edifact_orders":
        partner = pid.get("UNB02") or "unknown"
        with session_factory() as s, s.begin():
            ref = repo.next_control_number(s, partner, "unb")
        text = build_ordrsp(order, lines, control_ref=ref, document_number=erp_order_no)
        return partner, f"ORDRSP-{_safe(order.po_number or 'po')}-{ref:09d}.edi", text
    return None


def send(replies_dir: Path | None, replies: list[tuple[str, str, str]]) -> list[Path]:
    if replies_dir is None:
        return []
    written = []
    for partner, name, text in replies:
        written.append(write_reply(replies_dir, partner, name, text))
        log.info("acknowledgement %s written for partner %s", name, partner)
    return written
