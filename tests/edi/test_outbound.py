"""997/855/CONTRL/ORDRSP for the corpus read back through our parser, pyx12 and pydifact."""

from __future__ import annotations

import datetime as dt
import io
import warnings
from decimal import Decimal
from pathlib import Path

import pytest
from edi_helpers import corpus_files, extract_any
from pydifact.segmentcollection import Interchange
from pyx12.x12file import X12Reader

from orderflow.extractors.edi import edifact as ed
from orderflow.extractors.edi import x12 as x
from orderflow.extractors.edi.lint import lint
from orderflow.intake.replies import LineStatus, build_855, build_997, build_contrl, build_ordrsp

NOW = dt.datetime(2026, 3, 1, 9, 30)
X12_FILES = [p for p in corpus_files() if p.name.startswith("x12_")]
ED_FILES = [p for p in corpus_files() if p.name.startswith("edifact_")]


def _pyx12_clean(text: str) -> list:
    reader = X12Reader(io.StringIO(text))
    segs = list(reader)
    reader.cleanup()
    assert reader.pop_errors() == []
    return segs


def _ours(text: str):
    segs = x.tokenize(text)
    meta, diags = x.envelope(segs)
    assert diags == []
    return segs, meta


@pytest.mark.parametrize("path", X12_FILES, ids=lambda p: p.name)
def test_997_and_855_read_back(path: Path):
    r = extract_any(path.read_bytes(), path.name)
    ack = build_997(r.metadata["edi"], isa_control=42, gs_control=43, now=NOW)
    _pyx12_clean(ack)
    assert lint(ack.encode()) == []
    segs, meta = _ours(ack)
    ic = meta["interchanges"][0]
    assert ic["control"] == "000000042" and ic["groups"][0]["control"] == "43"
    inbound_groups = [g for i in r.metadata["edi"]["interchanges"] for g in i["groups"]]
    sets = ic["groups"][0]["sets"]
    assert [s["id"] for s in sets] == ["997"] * len(inbound_groups)
    ak2 = [p[2] for p in segs.items if p[0] == "AK2"]
    assert ak2 == [t["control"] for g in inbound_groups for t in g["sets"]]

    order = r.orders[0]
    statuses = [LineStatus(order.lines[0].line_no, "IQ", qty=Decimal(1), date=dt.date(2026, 4, 1))]
    if len(order.lines) > 1:
        statuses.append(LineStatus(order.lines[1].line_no, "IR"))
    text = build_855(
        order, statuses, isa_control=44, gs_control=45, st_control=7, erp_order_no="SO-1", now=NOW
    )
    _pyx12_clean(text)
    segs, meta = _ours(text)
    tx = meta["interchanges"][0]["groups"][0]["sets"][0]
    assert (tx["id"], tx["control"]) == ("855", "0007")
    bak = next(p for p in segs.items if p[0] == "BAK")
    assert bak[2] == "AC" and bak[3] == order.po_number and bak[8] == "SO-1"
    acks = [p for p in segs.items if p[0] == "ACK"]
    assert len(acks) == len(order.lines)
    assert acks[0][1:3] == ["IQ", "1"] and acks[0][4:6] == ["068", "20260401"]
    if len(order.lines) > 1:
        assert acks[1][1:3] == ["IR", "0"]


def test_855_all_accepted_is_ad_and_all_rejected_is_rj():
    r = extract_any(X12_FILES[0].read_bytes(), X12_FILES[0].name)
    order = r.orders[0]
    ad = build_855(order, [], isa_control=1, gs_control=1, now=NOW)
    assert "BAK*00*AD*" in ad
    rj = build_855(
        order, [LineStatus(ln.line_no, "IR") for ln in order.lines], isa_control=1, gs_control=1, now=NOW
    )
    assert "BAK*00*RJ*" in rj


def _pydifact_messages(text: str) -> list:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return list(Interchange.from_str(text).get_messages())


@pytest.mark.parametrize("path", ED_FILES, ids=lambda p: p.name)
def test_contrl_and_ordrsp_read_back(path: Path):
    r = extract_any(path.read_bytes(), path.name)
    contrl = build_contrl(r.metadata["edi"], control_ref=77, now=NOW)
    assert [m.type for m in _pydifact_messages(contrl)] == ["CONTRL"]
    segs = ed.tokenize(contrl)
    meta, diags = ed.envelope(segs)
    assert diags == [] and meta["interchanges"][0]["control"] == "77"
    ucm = [p for p in segs.items if p[0] == "UCM"]
    msgs = [m for _, _, m in ed.iter_messages(r.metadata["edi"])]
    assert [p[1] for p in ucm] == [m["control"] for m in msgs]
    assert lint(contrl.encode()) == []

    order = r.orders[0]
    text = build_ordrsp(
        order,
        [LineStatus(order.lines[0].line_no, "IP", unit_price=Decimal("9.99"))],
        control_ref=78,
        message_ref=5,
        now=NOW,
    )
    assert [m.type for m in _pydifact_messages(text)] == ["ORDRSP"]
    assert lint(text.encode()) == []
    back = ed.tokenize(text)
    meta, diags = ed.envelope(back)
    assert diags == []
    assert meta["interchanges"][0]["messages"][0]["control"] == "5"
    assert any(p[0] == "PRI" and p[1] == "AAA:9.99" for p in back.items)
    assert any(p[0] == "BGM" and p[3] == "4" for p in back.items)
