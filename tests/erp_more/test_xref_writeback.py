"""Issue 7: cross-references learned in review are written back to the ERP's customer product codes."""

from __future__ import annotations

import csv
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from fixtures.tryton import free_port
from proteus import Model
from typer.testing import CliRunner

from orderflow.canonical import CrossReference, Envelope
from orderflow.erp_push.file_adapter import FileAdapter
from orderflow.erp_push.rest_adapter import RestAdapter
from orderflow.erp_push.tryton_conn import connect
from orderflow.flows.cli import app
from orderflow.flows.erp import install_xref_writeback, pending_cross_references, write_back_cross_references
from orderflow.flows.pipeline import ingest_and_process
from orderflow.flows.services import build_services
from orderflow.flows.settings import SAMPLES_DIR, load_settings
from orderflow.store import repository as repo

CSV_PO = SAMPLES_DIR / "inbox" / "acme-po-5540-unknown-item.csv"
runner = CliRunner()


def customer_codes(cfg, party_code: str) -> dict[str, str]:
    """Read Tryton directly: customer code → product code for one party."""
    Code = Model.get("sale.product_customer", config=connect(cfg))
    return {c.code: (c.product.code if c.product else c.template.code) for c in Code.find([("party.code", "=", party_code)])}


def feed_csv(services) -> int:
    out = ingest_and_process(services, Envelope(data=CSV_PO.read_bytes(), filename=CSV_PO.name, channel="imap",
                                                sender="purchasing@acme-mfg.example"))
    (order,) = out.orders
    assert order.state == "needs_review" and "SKU_UNKNOWN" in order.issues
    return order.id


def test_queue_fix_writes_the_code_to_tryton_and_erp_sync_reads_it_back(tryton_env, tryton_cfg) -> None:
    services = build_services(load_settings())
    order_id = feed_csv(services)
    assert "AC-99120" not in customer_codes(tryton_cfg, "ACME")

    res = runner.invoke(app, ["queue", "fix", str(order_id), "lines[1].sku", "FAS-1002", "--user", "dana"])
    assert res.exit_code == 0, res.output
    assert customer_codes(tryton_cfg, "ACME")["AC-99120"] == "FAS-1002"
    with services.session_factory() as s:
        (mark,) = [e for e in repo.audit_trail(s, "cross_reference", "ACME|AC-99120") if e.action == "erp_written"]
        assert mark.after == {"sku": "FAS-1002", "adapter": "tryton", "created": True}
        assert pending_cross_references(s) == []

    res = runner.invoke(app, ["erp", "sync"])
    assert res.exit_code == 0, res.output
    with services.session_factory() as s:
        ref = repo.latest_reference_snapshot(s)
    erp = [x for x in ref.cross_references if x.customer_id == "ACME" and x.customer_part == "AC-99120"]
    assert [(x.sku, x.source) for x in erp] == [("FAS-1002", "erp")]

    # nothing left to write: a second pass (the scheduled flow) changes nothing
    res = runner.invoke(app, ["erp", "write-back"])
    assert res.exit_code == 0 and "written 0" in res.output, res.output


def test_review_session_hook_and_a_changed_mapping_moves_the_tryton_code(tryton_services, tryton_cfg) -> None:
    from orderflow.review import actions

    services = tryton_services
    install_xref_writeback(services)
    install_xref_writeback(services)  # twice is harmless: one write per commit
    order_id = feed_csv(services)

    def fix(sku: str) -> None:
        with services.session_factory() as s:
            actions.fix_field(s, order_id, "lines[1].sku", sku, user="dana",
                              revalidate=lambda c, o: ([], dict(o.resolved or {})), learn=False)
            assert customer_codes(tryton_cfg, "ACME").get("AC-99120") != sku  # not before the commit
            s.commit()

    fix("FAS-1001")
    assert customer_codes(tryton_cfg, "ACME")["AC-99120"] == "FAS-1001"
    with services.session_factory() as s:  # the stub revalidation leaves it valid: still correctable
        row = repo.get_order(s, order_id)
        assert row.state == "valid"
    fix("FAS-1002")  # the CSR corrects the mapping: Tryton's code follows, still one record
    codes = customer_codes(tryton_cfg, "ACME")
    assert codes["AC-99120"] == "FAS-1002"
    assert codes["AC-77813"] == "FAS-1003"  # the ERP's own codes are untouched
    with services.session_factory() as s:
        marks = [e.after["sku"] for e in repo.audit_trail(s, "cross_reference", "ACME|AC-99120")
                 if e.action == "erp_written"]
    assert marks == ["FAS-1001", "FAS-1002"]

    # a rolled-back fix writes nothing
    with services.session_factory() as s:
        actions.fix_field(s, order_id, "lines[1].sku", "FAS-1005", user="dana",
                          revalidate=lambda c, o: ([], dict(o.resolved or {})), learn=False)
        s.rollback()
    assert customer_codes(tryton_cfg, "ACME")["AC-99120"] == "FAS-1002"


def test_tryton_refuses_an_unknown_sku_once_and_reports_it(tryton_services, tryton_cfg) -> None:
    services = tryton_services
    with services.session_factory() as s, s.begin():
        repo.add_cross_reference(s, CrossReference(customer_id="ACME", customer_part="AC-1", sku="NOPE-1",
                                                   source="learned"))
        repo.add_cross_reference(s, CrossReference(customer_id="ACME", customer_part="AC-2", sku="FAS-1004",
                                                   source="learned"))
    report = write_back_cross_references(services)
    assert report["written"] == 1 and [r["sku"] for r in report["refused"]] == ["NOPE-1"]
    assert "NOPE-1 does not exist" in report["refused"][0]["error"]
    assert customer_codes(tryton_cfg, "ACME")["AC-2"] == "FAS-1004"
    again = write_back_cross_references(services)
    assert (again["written"], again["refused"]) == (0, [])  # not retried until the mapping changes


def test_file_adapter_appends_each_mapping_once(settings, tmp_path) -> None:
    adapter = FileAdapter(tmp_path / "outbox")
    assert adapter.add_cross_reference("ACME", "AC-99120", "FAS-1002") is True
    assert adapter.add_cross_reference("ACME", "AC-99120", "FAS-1002") is False
    assert adapter.add_cross_reference("ACME", "AC-5", "FAS-1001") is True
    rows = list(csv.DictReader((tmp_path / "outbox" / "cross_references.csv").open()))
    assert [(r["customer_id"], r["customer_part"], r["sku"]) for r in rows] == [
        ("ACME", "AC-99120", "FAS-1002"), ("ACME", "AC-5", "FAS-1001")]
    assert all(r["written_at"] for r in rows)
    # the pipeline on the file adapter: learned mappings reach the outbox file through the flow
    services = build_services(settings)
    with services.session_factory() as s, s.begin():
        repo.add_cross_reference(s, CrossReference(customer_id="ACME", customer_part="AC-7", sku="FAS-1003",
                                                   source="learned"))
    assert write_back_cross_references(services)["written"] == 1
    text = (settings.outbox / "cross_references.csv").read_text()
    assert "ACME,AC-7,FAS-1003," in text


class _XrefErp(BaseHTTPRequestHandler):
    seen: list[dict] = []

    def log_message(self, *args) -> None:
        pass

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        if self.path != "/erp/cross-references":
            code = 404
        elif body["sku"] == "BAD":
            code = 422
        else:
            code = 200 if body in self.seen else 201
            if code == 201:
                self.seen.append(body)
        data = json.dumps({"message": "unknown item"} if code == 422 else body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def test_rest_adapter_posts_cross_references() -> None:
    from orderflow.erp_push.base import PermanentERPError

    server = ThreadingHTTPServer(("127.0.0.1", free_port()), _XrefErp)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        adapter = RestAdapter(f"http://127.0.0.1:{server.server_port}/erp")
        assert adapter.add_cross_reference("ACME", "AC-1", "FAS-1001") is True
        assert adapter.add_cross_reference("ACME", "AC-1", "FAS-1001") is False
        with pytest.raises(PermanentERPError, match="unknown item"):
            adapter.add_cross_reference("ACME", "AC-2", "BAD")
        assert _XrefErp.seen == [{"customer_id": "ACME", "customer_part": "AC-1", "sku": "FAS-1001"}]
        adapter.close()
    finally:
        server.shutdown()
        server.server_close()
