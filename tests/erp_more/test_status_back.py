"""Issue 7: sale state and shipments read back from Tryton into the order's timeline; 855 on the decision."""

from __future__ import annotations

from pathlib import Path

from proteus import Model
from typer.testing import CliRunner

from orderflow.canonical import Envelope
from orderflow.erp_push.tryton_conn import connect
from orderflow.flows.erp import sync_statuses
from orderflow.flows.pipeline import ingest_and_process, push_approved
from orderflow.flows.settings import SAMPLES_DIR
from orderflow.store import repository as repo

X12_SENDER = "4405197800"


def feed_and_push(services, name: str) -> tuple[int, str]:
    raw = (SAMPLES_DIR / "changes" / name).read_bytes()
    out = ingest_and_process(services, Envelope(data=raw, filename=name, channel="sftp", sender=X12_SENDER))
    (order,) = out.orders
    assert order.state == "approved", order.issues
    (pushed,) = push_approved(services)
    assert pushed.ok, pushed.error
    return order.id, pushed.erp_order_id


def sale_of(cfg, number: str):
    Sale = Model.get("sale.sale", config=connect(cfg))
    (sale,) = Sale.find([("number", "=", number)])
    return sale


def acks_855(settings) -> list[Path]:
    return sorted((settings.replies / X12_SENDER).glob("855-*.edi"))


def bak(text: str) -> list[str]:
    return next(seg for seg in text.replace("\n", "").split("~") if seg.startswith("BAK*")).split("*")


def events(services, order_id: int, action: str) -> list:
    with services.session_factory() as s:
        return [e for e in repo.audit_trail(s, "order", order_id) if e.action == action]


def test_confirmed_sale_acknowledges_the_order_once_with_state_and_shipments(tryton_services, tryton_cfg,
                                                                            settings) -> None:
    services = tryton_services
    order_id, number = feed_and_push(services, "globex-850-GX-448300.edi")
    at_push = acks_855(settings)
    assert len(at_push) == 1  # the pipeline's 855 when the sale was created

    first = sync_statuses(services)  # still a quotation: recorded in the timeline, nothing decided
    assert first["changed"] == [order_id] and first["acknowledged"] == []
    (ev,) = events(services, order_id, "erp_status")
    assert ev.after == {"erp_order_id": number, "state": "quotation", "shipments": []}
    assert sync_statuses(services)["changed"] == []  # unchanged: no second event

    sale = sale_of(tryton_cfg, number)
    sale.click("confirm")
    sale.reload()
    assert sale.state in ("confirmed", "processing")
    report = sync_statuses(services)
    # the acceptance went out when the sale was created: the partner does not get it twice
    assert report["acknowledged"] == [order_id] and report["acks"] == 0
    with services.session_factory() as s:
        assert repo.get_order(s, order_id).state == "acknowledged"
    last = events(services, order_id, "erp_status")[-1]
    assert last.after["state"] == sale.state and last.before["state"] == "quotation"
    assert [sh["number"] for sh in last.after["shipments"]] == [sh.number for sh in sale.shipments]
    assert last.after["shipments"] and last.after["shipments"][0]["state"] in ("waiting", "assigned", "draft")
    assert f"ERP sale {number} is {sale.state}" in last.reason and "shipments:" in last.reason
    (accepted,) = events(services, order_id, "erp_accepted")
    assert accepted.before == {"state": "pushed"} and accepted.after == {"state": "acknowledged"}
    assert acks_855(settings) == at_push
    assert bak(at_push[0].read_text())[2] in ("AD", "AC") and number in at_push[0].read_text()
    (sent,) = events(services, order_id, "erp_ack")
    assert sent.after == {"accepted": True, "partner": X12_SENDER, "file": at_push[0].name}

    again = sync_statuses(services)  # nothing new: no event, no transition, no 855
    assert (again["changed"], again["acknowledged"], again["acks"]) == ([], [], 0)
    assert acks_855(settings) == at_push


def test_acceptance_that_could_not_be_written_at_push_goes_out_when_the_erp_confirms(
        tryton_services, tryton_cfg, settings, tmp_path) -> None:
    services = tryton_services
    replies = services.replies_dir
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the replies folder should be")
    services.replies_dir = blocked  # the 855 cannot be written when the sale is created
    try:
        order_id, number = feed_and_push(services, "globex-850-GX-448300.edi")
    finally:
        services.replies_dir = replies
    assert acks_855(settings) == [] and events(services, order_id, "erp_ack") == []
    sale_of(tryton_cfg, number).click("confirm")
    report = sync_statuses(services)
    assert report["acknowledged"] == [order_id] and report["acks"] == 1
    (ack,) = acks_855(settings)
    assert bak(ack.read_text())[2] in ("AD", "AC") and number in ack.read_text()
    assert [e.after["file"] for e in events(services, order_id, "erp_ack")] == [ack.name]


def test_sale_cancelled_in_the_erp_sends_the_order_to_review_with_a_rejection(tryton_services, tryton_cfg,
                                                                             settings) -> None:
    services = tryton_services
    order_id, number = feed_and_push(services, "globex-850-GX-448400.edi")
    sale = sale_of(tryton_cfg, number)
    sale.click("cancel")
    report = sync_statuses(services)
    assert report["rejected"] == [order_id] and report["acks"] == 1
    with services.session_factory() as s:
        row = repo.get_order(s, order_id)
        assert row.state == "needs_review"
        (issue,) = [i for i in row.issues if i.code == "ERP_REJECTED"]
        assert number in issue.message and issue.severity == "error"
    (ev,) = events(services, order_id, "erp_rejected")
    assert ev.before == {"state": "pushed"} and "cancelled" in ev.reason
    rejection = [p for p in acks_855(settings) if bak(p.read_text())[2] == "RJ"]
    assert len(rejection) == 1 and len(acks_855(settings)) == 2  # the acceptance at push, then this
    assert [e.after["accepted"] for e in events(services, order_id, "erp_ack")] == [True, False]
    assert sync_statuses(services)["checked"] == 0  # in review: no longer followed


def test_cli_erp_status(tryton_env, tryton_cfg) -> None:
    from orderflow.flows.cli import app
    from orderflow.flows.services import build_services
    from orderflow.flows.settings import load_settings

    services = build_services(load_settings())
    order_id, number = feed_and_push(services, "globex-850-GX-448300.edi")
    sale_of(tryton_cfg, number).click("confirm")
    res = CliRunner().invoke(app, ["erp", "status"])
    assert res.exit_code == 0, res.output
    assert "acknowledged 1" in res.output and "acknowledgements sent 0" in res.output
    with services.session_factory() as s:
        assert repo.get_order(s, order_id).state == "acknowledged"
