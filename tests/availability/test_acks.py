"""The 855 / ORDRSP for a short order tell the truth, and read back through our own parsers."""

from __future__ import annotations

import datetime as dt
import io
import warnings
from decimal import Decimal

from availability_helpers import INBOX, check, inbox_order
from pydifact.segmentcollection import Interchange
from pyx12.x12file import X12Reader

from orderflow.canonical import IncomingSupply
from orderflow.extractors.edi import edifact as ed
from orderflow.extractors.edi import x12 as x
from orderflow.extractors.edi.lint import lint
from orderflow.flows import acks
from orderflow.flows.pipeline import resolved_payload
from orderflow.store.db import open_store

D = Decimal


def _partial_globex(ref):
    ref.customers[[c.id for c in ref.customers].index("GLOBEX")].ship_policy = "partial"


def test_855_for_a_short_order_reads_back_with_line_statuses_and_dates(ref, tmp_path):
    _partial_globex(ref)
    ref.incoming = [*ref.incoming, IncomingSupply(sku="SAF-2007", qty=D(100), expected_date=dt.date(2026, 12, 12))]
    o, _ = inbox_order("globex-850-GX-448120.edi")
    reserved = {"JAN-3001": D(60640), "JAN-3002": D(350), "SAF-2007": D(80)}
    result = check(o, ref, reserved=reserved)
    assert [rl.ack_status for rl in result.lines] == ["IR", "IQ", "IB"]
    factory = open_store(f"sqlite:///{tmp_path}/store.db")
    partner, name, text = acks.order_ack(factory, o, accepted=True, erp_order_no="SO-7",
                                         resolved=resolved_payload(result))
    assert partner == "4405197800" and name.startswith("855-")
    segs = x.tokenize(text)
    meta, diags = x.envelope(segs)
    assert diags == []  # SE01 recounted after the extra ACK
    assert meta["interchanges"][0]["groups"][0]["sets"][0]["id"] == "855"
    reader = X12Reader(io.StringIO(text))
    list(reader)
    reader.cleanup()
    assert reader.pop_errors() == []
    assert lint(text.encode()) == []
    bak = next(p for p in segs.items if p[0] == "BAK")
    assert bak[2] == "AC" and bak[8] == "SO-7"
    got = [p[1:] for p in segs.items if p[0] == "ACK"]
    assert got == [
        ["IR", "0", "RL"],
        ["IQ", "50", "RL", "068", "20261201"],
        ["IA", "10", "BX", "068", "20261201"],
        ["IB", "20", "BX", "068", "20261212"],
    ]


def test_ordrsp_for_a_short_order_reads_back_with_actions_quantities_and_dates(ref, tmp_path):
    _partial_globex(ref)
    ref.incoming = [*ref.incoming, IncomingSupply(sku="JAN-3003", qty=D(100), expected_date=dt.date(2026, 12, 20))]
    o, _ = inbox_order("globex-orders-GX-EU-5520.edi")
    result = check(o, ref, reserved={"JAN-3003": D(270)})
    assert [rl.ack_status for rl in result.lines] == ["IB", "IA"]
    factory = open_store(f"sqlite:///{tmp_path}/store.db")
    partner, name, text = acks.order_ack(factory, o, accepted=True, erp_order_no="SO-8",
                                         resolved=resolved_payload(result))
    assert partner == "8711576000012" and name.startswith("ORDRSP-")
    segs = ed.tokenize(text)
    meta, diags = ed.envelope(segs)
    assert diags == []  # UNT recounted after the backorder segments
    assert lint(text.encode()) == []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        [msg] = list(Interchange.from_str(text).get_messages())
    assert msg.type == "ORDRSP"
    assert [s.elements for s in msg.segments if s.tag == "QTY"][1] == [["83", "15", "CA"]]
    items = [(p[0], p[1:]) for p in segs.items if p[0] in ("BGM", "LIN", "QTY", "DTM")]
    body = items[items.index(next(i for i in items if i[0] == "LIN")):]
    assert next(i for i in items if i[0] == "BGM")[1][2] == "4"  # accepted with changes
    line1, line2 = o.lines[0].line_no, o.lines[1].line_no
    assert body == [
        ("LIN", [line1, "3"] + body[0][1][2:]),
        ("QTY", ["21:10:CA"]),
        ("DTM", ["2:20261205:102"]),
        ("QTY", ["83:15:CA"]),
        ("DTM", ["69:20261220:102"]),
        ("LIN", [line2, "5"] + body[5][1][2:]),
        ("QTY", ["21:120:RL"]),
        ("DTM", ["2:20261205:102"]),
    ]


def test_rejected_order_and_no_resolution_fall_back_to_all_lines(ref, tmp_path):
    o, _ = inbox_order("globex-850-GX-448120.edi")
    plans = acks.line_plans(o, None, accepted=False)
    assert {p.x12.status for p in plans} == {"IR"}
    assert [p.x12.status for p in acks.line_plans(o, None, accepted=True)] == ["IA"] * len(o.lines)


def test_confirmation_lines_list_promise_dates(ref):
    o, _ = inbox_order("acme-portal-PO-9017-backorder.json")
    summary = acks.promise_summary(o, resolved_payload(check(o, ref)))
    assert summary == [
        "Line 1: FAS-1005 2000 EA — ships 2026-11-30",
        "Line 2: MRO-5002 50 CA — 35 ship 2026-11-30, 15 CA backordered to 2026-12-10",
    ]
    assert (INBOX / "acme-portal-PO-9017-backorder.json").exists()
