"""860 / ORDCHG / revised POs through the whole pipeline on the file adapter: versions, 865, ORDRSP."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from changes_helpers import EDIFACT_SENDER, feed, read_865, replies, with_control

from orderflow.canonical import Envelope
from orderflow.extractors import extract
from orderflow.extractors.edi import edifact as ed
from orderflow.flows import changes
from orderflow.flows.pipeline import ingest_and_process, push_approved
from orderflow.flows.settings import SAMPLES_DIR
from orderflow.store import repository as repo

PO = "GX-448300"

# change sample → (what the new version must hold, the 865's ACK statuses)
CASES = {
    "quantity": (lambda o: o.lines[0].qty == 288 and len(o.lines) == 3, ["IA"]),
    "add": (lambda o: [(ln.line_no, ln.sku, ln.qty, ln.uom) for ln in o.lines][3] == ("4", "JAN-3003", 10, "CA"),
            ["IA"]),
    "delete": (lambda o: [ln.line_no for ln in o.lines] == ["1", "2"], ["ID"]),
    "price": (lambda o: o.lines[1].unit_price == Decimal("2.39") and o.lines[1].qty == 120, ["IA"]),
    "date": (lambda o: o.requested_delivery_date == dt.date(2026, 12, 10)
             and o.lines[0].requested_date == dt.date(2026, 12, 15), ["IA"]),
    "ship-to": (lambda o: o.ship_to.ids == {"92": "0042"} and o.ship_to.name == "Globex Store 42", []),
    "replace-line": (lambda o: o.lines[1].qty == 144 and o.lines[1].customer_part == "GX-TT-1000", ["IA"]),
    "unknown-line": (lambda o: o.lines[0].qty == 288 and len(o.lines) == 3, ["IA", "IR"]),
    "cancel": (lambda o: o.purpose.value == "cancel", ["ID", "ID", "ID"]),
}


def _pushed_original(services) -> int:
    out = feed(services, f"globex-850-{PO}.edi")
    assert [o.state for o in out.orders] == ["approved"]
    assert [p.ok for p in push_approved(services)] == [True]
    return out.orders[0].id


@pytest.mark.parametrize("kind", list(CASES))
def test_each_change_type_updates_the_pushed_order_and_answers_with_an_865(services, settings, kind) -> None:
    original_id = _pushed_original(services)
    out = feed(services, f"globex-860-{PO}-{kind}.edi")
    (o,) = out.orders
    assert o.state == "approved", o.issues
    pushed = push_approved(services)
    assert [p.ok for p in pushed] == [True]
    with services.session_factory() as s:
        new = repo.get_order(s, o.id)
        old = repo.get_order(s, original_id)
        assert new.state == "pushed" and new.previous_order_id == original_id and new.revision == 1
        assert old.state == "superseded"
        assert new.erp_order_id == old.erp_order_id  # the same ERP order, changed
        assert [r.id for r in repo.order_history(s, new)] == [new.id, original_id]
        want, statuses = CASES[kind]
        assert want(repo.order_canonical(new))
        key = f"GLOBEX|{PO}|{'cancel' if kind == 'cancel' else 'change'}|1"
        assert new.idem_key == key
    body = json.loads(services.adapter.path_for(key).read_text())
    assert body["erp_order_id"] == old.erp_order_id and body["changes"] == old.erp_order_id
    assert body["state"] == ("cancelled" if kind == "cancel" else "changed")
    (reply,) = replies(settings, f"865-{PO}-*.edi")
    got = read_865(reply.read_text())
    assert got["set"] == "865" and got["bca"][3] == PO
    assert got["ack"] == statuses
    assert got["bca"][2] == {"IR": "AC"}.get(next((s for s in statuses if s == "IR"), ""), "AD")
    assert ["VN", old.erp_order_id] in got["ref"]
    if kind == "unknown-line":
        assert got["msg"] == ["line 9 is not on the order"]


def test_change_before_the_push_supersedes_at_once_and_is_pushed_as_the_order(services, settings) -> None:
    first = feed(services, f"globex-850-{PO}.edi").orders[0]
    change = feed(services, f"globex-860-{PO}-quantity.edi").orders[0]
    with services.session_factory() as s:
        assert repo.get_order(s, first.id).state == "superseded"
        assert repo.get_order(s, change.id).state == "approved"
    assert [p.order_id for p in push_approved(services)] == [change.id]  # one ERP order, the latest version
    files = sorted(p.name for p in services.adapter.outbox.glob("*.json"))
    assert len(files) == 1 and files[0].startswith(f"GLOBEX_{PO}_change_1")
    (reply,) = replies(settings, f"865-{PO}-*.edi")
    assert read_865(reply.read_text())["ack"] == ["IA"]
    assert replies(settings, f"855-{PO}-*.edi") == []


def test_redelivered_860_changes_nothing_a_second_time(services, settings) -> None:
    _pushed_original(services)
    text = (SAMPLES_DIR / "changes" / f"globex-860-{PO}-quantity.edi").read_text()
    feed(services, "a.edi", data=text.encode())
    push_approved(services)
    again = feed(services, "a.edi", data=text.encode())  # the very same bytes: the same document
    assert again.duplicate
    other = feed(services, "b.edi", data=with_control(text, 999))  # new envelope, same change
    (o,) = other.orders
    assert o.state == "rejected" and o.issues == ["DUPLICATE_PO"]
    assert push_approved(services) == []
    assert len(list(services.adapter.outbox.glob("*change*.json"))) == 1
    assert len(replies(settings, f"865-{PO}-*.edi")) == 1
    with services.session_factory() as s:
        heads = [r for r in repo.find_orders(s, customer_id="GLOBEX", po_number=PO) if r.state == "pushed"]
        assert [r.revision for r in heads] == [1]


def test_change_waits_for_its_original_and_is_applied_when_it_comes(services) -> None:
    early = feed(services, "globex-860-GX-448400-before-original.edi").orders[0]
    assert early.state == "waiting_for_original" and "ORIGINAL_NOT_FOUND" in early.issues
    original = feed(services, "globex-850-GX-448400.edi").orders[0]
    assert original.state == "approved"  # the waiting change is no duplicate of it
    with services.session_factory() as s:
        row = repo.get_order(s, early.id)
        assert row.state == "approved" and row.previous_order_id == original.id and row.revision == 1
        assert [ln.qty for ln in repo.order_canonical(row).lines] == [240, 144, 30]
        assert repo.get_order(s, original.id).state == "superseded"
        assert not any(i.code == "ORIGINAL_NOT_FOUND" for i in row.issues)
    assert [p.order_id for p in push_approved(services)] == [early.id]


def test_a_change_nobody_sent_the_original_of_goes_to_review_after_the_wait(services) -> None:
    early = feed(services, "globex-860-GX-448400-before-original.edi").orders[0]
    assert changes.expire_waiting(services, older_than=dt.timedelta(hours=1)) == []
    assert changes.expire_waiting(services, older_than=dt.timedelta(0)) == [early.id]
    with services.session_factory() as s:
        row = repo.get_order(s, early.id)
        assert row.state == "needs_review" and "ORIGINAL_NOT_FOUND" in [i.code for i in row.issues]


def test_price_change_is_revalidated_and_a_mismatch_goes_to_review(services) -> None:
    _pushed_original(services)
    text = (SAMPLES_DIR / "changes" / f"globex-860-{PO}-price.edi").read_text().replace("*2.39*", "*1.99*")
    (o,) = feed(services, "price-low.edi", data=text.encode()).orders
    assert o.state == "needs_review" and "PRICE_MISMATCH" in o.issues
    with services.session_factory() as s:
        prev = repo.get_order(s, repo.get_order(s, o.id).previous_order_id)
        assert prev.state == "pushed"  # the ERP still holds the previous version


def test_ordchg_changes_the_order_and_answers_with_ordrsp(services, settings) -> None:
    out = feed(services, "globex-orders-GX-EU-5530.edi", sender=EDIFACT_SENDER)
    assert [o.state for o in out.orders] == ["approved"]
    push_approved(services)
    (o,) = feed(services, "globex-ordchg-GX-EU-5530.edi", sender=EDIFACT_SENDER).orders
    assert o.state == "approved", o.issues
    assert [p.ok for p in push_approved(services)] == [True]
    with services.session_factory() as s:
        new = repo.order_canonical(repo.get_order(s, o.id))
        assert [(ln.line_no, ln.qty, ln.uom) for ln in new.lines] == [("2", 144, "RL"), ("3", 10, "BX")]
    first_rsp, reply = replies(settings, "ORDRSP-GX-EU-5530-*.edi", EDIFACT_SENDER)  # ORDERS', then ORDCHG's
    text = reply.read_text()
    segs = ed.tokenize(text)
    meta, diags = ed.envelope(segs)
    assert diags == [] and meta["interchanges"][0]["messages"][0]["type"] == "ORDRSP"
    lins = [p[1:3] for p in segs.items if p[0] == "LIN"]
    assert lins == [["1", "2"], ["2", "5"], ["3", "5"], ["7", "7"]]  # deleted, accepted, accepted, rejected
    assert any(p[0] == "BGM" and p[3] == "4" for p in segs.items)
    assert any(p[0] == "FTX" and "line 7 is not on the order" in p[-1] for p in segs.items)
    assert extract(reply.read_bytes()).metadata["edi"]["standard"] == "EDIFACT"


def test_portal_revision_replaces_the_order_and_keeps_the_history(services) -> None:
    inbox = SAMPLES_DIR / "inbox"
    first = ingest_and_process(services, Envelope(
        data=(inbox / "acme-portal-PO-9001.json").read_bytes(), filename="po.json", channel="portal",
        sender="purchasing@acme-mfg.example")).orders[0]
    push_approved(services)
    data = json.loads((inbox / "acme-portal-PO-9001.json").read_text())
    data["revision"] = 1
    data["lines"] = data["lines"][:2]
    data["lines"][1]["qty"] = "600"
    data.pop("declared_total")
    (o,) = ingest_and_process(services, Envelope(
        data=json.dumps(data).encode(), filename="po-rev1.json", channel="portal",
        sender="purchasing@acme-mfg.example")).orders
    assert o.state == "approved", o.issues
    push_approved(services)
    with services.session_factory() as s:
        row = repo.get_order(s, o.id)
        assert row.state == "pushed" and row.previous_order_id == first.id and row.revision == 1
        assert [ln.qty for ln in repo.order_canonical(row).lines] == [1000, 600]
        info = row.resolved["change"]
        assert info["incremental"] is False
        assert [(c["line_no"], c["op"]) for c in info["lines"]] == [("2", "change"), ("3", "delete")]
        assert repo.get_order(s, first.id).state == "superseded"


def test_second_change_on_a_version_still_in_review_updates_the_erp_order_not_a_new_one(services) -> None:
    original_id = _pushed_original(services)
    folder = SAMPLES_DIR / "changes"
    bad_add = (folder / f"globex-860-{PO}-add.edi").read_text().replace("VN*JAN-3003", "VN*JAN-9999").replace(
        "TRASH BAG 45 GAL BLACK", "MYSTERY WIDGET")
    (pending,) = feed(services, "bad-add.edi", data=bad_add.encode()).orders
    assert pending.state == "needs_review" and "SKU_UNKNOWN" in pending.issues
    fix = (folder / f"globex-860-{PO}-delete.edi").read_text().replace(
        "POC*3*DI*0**BX*18.90**BP*GX-SAF-0007", "POC*4*DI*0**CA*42.00**VN*JAN-9999").replace(
        f"BCH*04*SA*{PO}**1*", f"BCH*04*SA*{PO}**2*")
    (second,) = feed(services, "drop-bad-line.edi", data=fix.encode()).orders
    assert second.state == "approved", second.issues
    (pushed,) = push_approved(services)
    with services.session_factory() as s:
        orig, mid, new = (repo.get_order(s, i) for i in (original_id, pending.id, second.id))
        assert pushed.ok and pushed.erp_order_id == orig.erp_order_id
        assert (orig.state, mid.state, new.state) == ("superseded", "superseded", "pushed")
        assert [r.revision for r in repo.order_history(s, new)] == [2, 1, 0]
        assert [ln.line_no for ln in repo.order_canonical(new).lines] == ["1", "2", "3"]
    assert len(list(services.adapter.outbox.glob("*.json"))) == 2  # the original and one change file
    body = json.loads(services.adapter.path_for(f"GLOBEX|{PO}|change|2").read_text())
    assert body["changes"] == orig.erp_order_id


def test_a_change_that_cannot_be_applied_goes_to_review_instead_of_crashing(services) -> None:
    original_id = _pushed_original(services)
    with services.session_factory() as s, s.begin():  # a previous version the merge cannot read
        row = repo.get_order(s, original_id)
        data = dict(row.canonical)
        data["lines"] = [{**data["lines"][0], "qty": "not a number"}]
        row.canonical = data
    out = feed(services, f"globex-860-{PO}-quantity.edi")
    assert out.state == "processed"
    (o,) = out.orders
    assert o.state == "needs_review" and "RULE_ERROR" in o.issues
    with services.session_factory() as s:
        assert repo.get_order(s, original_id).state == "pushed"
        assert f"order {original_id}" in next(i.message for i in repo.get_order(s, o.id).issues
                                              if i.code == "RULE_ERROR")
