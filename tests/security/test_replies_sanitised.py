"""Issue 18, replies: values from a partner's document never break or inject into our 997/855/CONTRL,
and never choose the folder replies are written to.

The attack: an 850 written with ``|`` as element separator and ``'`` as segment terminator may
legally carry ``AB~GS~IEA`` as its sender id (ISA06/GS02) and ``A*1`` as its PO number. Before the
fix our reply put ISA06 verbatim between ``~``-terminated segments (new GS/IEA segments injected),
a ``*`` in an id made the 855 fail silently, and ``A*1`` went back as ``A 1``. X12 has no release
character: the reply now picks delimiters its values do not contain (``intake/replies/x12.py``).
"""

from __future__ import annotations

import io
import re
from pathlib import Path

from pydifact.segmentcollection import Interchange
from pyx12.x12file import X12Reader

from orderflow.canonical import Envelope
from orderflow.extractors import ExtractContext, extract
from orderflow.extractors.edi import x12 as x
from orderflow.flows import acks
from orderflow.flows.pipeline import ingest_and_process
from orderflow.flows.services import build_services
from orderflow.flows.settings import load_settings

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "inbox" / "globex-850-GX-448120.edi"


def hostile_850(sender_id: str = "AB~GS~IEA", po: str = "A*1", part: str = "X>1^2") -> bytes:
    """The sample 850 re-delimited (``|`` elements, ``'`` segments, ``:`` components) with hostile values."""
    text = SAMPLE.read_text()
    text = text.replace("*", "|").replace("~\n", "'\n").replace("|>'", "|:'")
    text = text.replace("4405197800     ", sender_id.ljust(15)[:15], 1)
    text = text.replace("|4405197800|", f"|{sender_id}|", 1)
    text = text.replace("GX-448120", po).replace("GX-PT-800", part)
    return text.encode()


def _read_back(text: str):
    """Our tokenizer and pyx12 must both read the reply cleanly; returns our segments and envelope."""
    reader = X12Reader(io.StringIO(text))
    list(reader)
    reader.cleanup()
    assert reader.pop_errors() == []
    segs = x.tokenize(text)
    meta, diags = x.envelope(segs)
    assert diags == [], diags
    return segs, meta


def _extract(data: bytes):
    result = extract(data, ExtractContext(filename="po.edi", channel="sftp"))
    assert result.orders, result.issues
    return result


def test_hostile_ids_and_values_go_back_exactly_without_injecting_segments(tmp_path: Path) -> None:
    result = _extract(hostile_850())
    order = result.orders[0]
    assert order.po_number == "A*1" and order.source.partner_ids["ISA06"] == "AB~GS~IEA"
    services = build_services(load_settings(home=tmp_path / "var"))

    [(_, _, ack997)] = acks.functional_acks(services.session_factory, result)
    segs, meta = _read_back(ack997)
    assert [p[0] for p in segs.items].count("GS") == 1 and [p[0] for p in segs.items].count("IEA") == 1
    ic = meta["interchanges"][0]
    assert ic["receiver"] == "AB~GS~IEA"  # our reply goes to them: their id, intact, in ISA08
    assert len(ic["groups"]) == 1 and [s["id"] for s in ic["groups"][0]["sets"]] == ["997"]

    reply = acks.order_ack(services.session_factory, order, accepted=True, erp_order_no="SO-1")
    assert reply is not None
    segs, meta = _read_back(reply[2])
    tags = [p[0] for p in segs.items]
    assert tags.count("ISA") == 1 and tags.count("GS") == 1 and tags.count("ST") == 1
    bak = next(p for p in segs.items if p[0] == "BAK")
    assert bak[2] == "AD" and bak[3] == "A*1"  # not "A 1"
    po1 = next(p for p in segs.items if p[0] == "PO1")
    assert "X>1^2" in po1
    isa = reply[2][:106]
    assert isa[3] not in "AB~GS~IEA*X>1^2" and isa[105] not in "AB~GS~IEA*X>1^2"


def test_a_star_in_the_sender_id_still_gets_its_855(tmp_path: Path) -> None:
    result = _extract(hostile_850(sender_id="GLOB*EX", po="PO-7"))
    services = build_services(load_settings(home=tmp_path / "var"))
    reply = acks.order_ack(services.session_factory, result.orders[0], accepted=True, erp_order_no="SO-2")
    assert reply is not None
    _, meta = _read_back(reply[2])
    assert meta["interchanges"][0]["receiver"] == "GLOB*EX"


def test_edifact_ids_with_separators_are_released_not_injected(tmp_path: Path) -> None:
    from orderflow.intake.replies import build_contrl

    meta = {"standard": "EDIFACT", "interchanges": [{
        "control": "1", "sender": "GLOBEX'UNZ+1", "sender_qualifier": "14", "receiver": "NORTHWIND",
        "receiver_qualifier": "14", "action": "7", "errors": [], "messages": [], "groups": []}]}
    text = build_contrl(meta, control_ref=5)
    raw = [seg.strip() for seg in re.split(r"(?<!\?)'", text) if seg.strip()]
    assert [seg[:3] for seg in raw] == ["UNA", "UNB", "UNH", "UCI", "UNT", "UNZ"]
    segs = list(Interchange.from_str(text).segments)
    uci = next(s for s in segs if s.tag == "UCI")
    assert uci.elements[1] == ["GLOBEX'UNZ+1", "14"]


def test_reply_folder_comes_from_the_channel_not_the_body(tmp_path: Path) -> None:
    services = build_services(load_settings(home=tmp_path / "var"))
    env = Envelope(data=hostile_850(sender_id="../../ETC"), filename="po.edi", channel="sftp",
                   metadata={"drop": "globex"})
    out = ingest_and_process(services, env)
    assert out.state == "processed", out
    replies = services.replies_dir
    assert [p.name for p in replies.iterdir()] == ["globex"]
    assert any(p.name.startswith("997-") for p in (replies / "globex").iterdir())
    assert not (tmp_path / "ETC").exists() and not (tmp_path / "var" / "ETC").exists()
    # without a configured channel the id is sanitised: no "..", no separators
    assert acks.reply_folder({}, "../../ETC") == "ETC"
    assert acks.reply_folder(None, "GLOBEX'UNZ'1") == "GLOBEX_UNZ_1"
    assert acks.reply_folder({}, "..") == "partner"
