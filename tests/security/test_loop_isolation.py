"""Issue 18: one bad document (or order) must not stop every loop that processes documents or pushes orders.

The attack: a portal order with ``"revision": 10**30`` — an integer no store column holds. Before the fix
the portal answered 503, the document stayed ``processing``, and once its claim went stale ``orderflow push``
exited 2 on OverflowError, so approved orders never went out.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import update

from orderflow.canonical import Envelope
from orderflow.flows.channels import make_portal_app
from orderflow.flows.demo import INBOX
from orderflow.flows.pipeline import ingest, ingest_and_process, push_approved, resume_pending
from orderflow.flows.services import build_services
from orderflow.flows.settings import load_settings
from orderflow.store import repository as repo
from orderflow.store.models import Document, Order

HUGE = 10**30
PORTAL_ORDER = json.loads((INBOX / "acme-portal-PO-9001.json").read_text())


def _portal_envelope(body: dict, key: str) -> Envelope:
    return Envelope(data=json.dumps(body).encode(), filename=f"portal-{key}.json", channel="portal",
                    sender="purchasing@acme-mfg.example", content_type="application/json")


def _approved(services, po: str, key: str) -> int:
    out = ingest_and_process(services, _portal_envelope({**PORTAL_ORDER, "po_number": po}, key))
    assert out.state == "processed" and out.orders[0].state == "approved", out
    return out.orders[0].id


def test_portal_revision_overflow_is_an_answer_not_a_503(tmp_path: Path) -> None:
    services = build_services(load_settings(home=tmp_path / "var"))
    client = TestClient(make_portal_app(services, {"tok": "purchasing@acme-mfg.example"}), raise_server_exceptions=False)
    res = client.post("/api/orders", json={**PORTAL_ORDER, "revision": HUGE},
                      headers={"Authorization": "Bearer tok", "Idempotency-Key": "huge-1"})
    assert res.status_code == 422, res.text
    assert "revision" in res.text
    with services.session_factory() as s:
        stuck = s.query(Document).filter(Document.state == "processing").count()
    assert stuck == 0
    # the next order still goes through
    ok = client.post("/api/orders", json={**PORTAL_ORDER, "po_number": "PO-9002"},
                     headers={"Authorization": "Bearer tok", "Idempotency-Key": "ok-1"})
    assert ok.status_code == 201, ok.text


def test_stale_overflowing_document_does_not_stop_push(tmp_path: Path) -> None:
    home = tmp_path / "var"
    services = build_services(load_settings(home=home))
    good = _approved(services, "PO-7001", "good")
    # a document a crashed run left in processing, claimed an hour ago
    bad_id, _ = ingest(services, _portal_envelope({**PORTAL_ORDER, "po_number": "PO-7002", "revision": HUGE}, "bad"))
    with services.session_factory() as s, s.begin():
        s.execute(update(Document).where(Document.id == bad_id).values(
            state="processing", claimed_by="dead-worker", claimed_at=dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)))
    env = {**os.environ, "ORDERFLOW_HOME": str(home)}
    res = subprocess.run([sys.executable, "-m", "orderflow.flows.cli", "push"], capture_output=True, text=True,
                         env=env, timeout=300, cwd=tmp_path)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "Traceback" not in res.stderr and "OverflowError" not in res.stderr
    assert f"order {good}: pushed as" in res.stdout
    with services.session_factory() as s:
        doc = repo.get_document(s, bad_id)
        assert doc.state == "failed"
        assert "revision" in doc.reason and "out of range" in doc.reason
        assert repo.get_order(s, good).state == "pushed"
    assert len(list((home / "outbox").glob("*.json"))) == 1


def test_resume_pending_isolates_each_document(tmp_path: Path) -> None:
    services = build_services(load_settings(home=tmp_path / "var"))
    bad_id, _ = ingest(services, _portal_envelope({**PORTAL_ORDER, "po_number": "PO-7003", "revision": HUGE}, "b"))
    good_id, _ = ingest(services, _portal_envelope({**PORTAL_ORDER, "po_number": "PO-7004"}, "g"))
    outcomes = {o.document_id: o for o in resume_pending(services)}
    assert outcomes[bad_id].state == "failed" and "revision" in outcomes[bad_id].reason
    assert outcomes[good_id].state == "processed"
    assert outcomes[good_id].orders[0].po_number == "PO-7004"


def test_an_order_that_breaks_the_push_goes_to_review_and_the_rest_go_out(tmp_path: Path) -> None:
    services = build_services(load_settings(home=tmp_path / "var"))
    broken = _approved(services, "PO-7005", "broken")
    fine = _approved(services, "PO-7006", "fine")
    with services.session_factory() as s, s.begin():  # a stored promise date no calendar has
        row = repo.get_order(s, broken)
        resolved = dict(row.resolved)
        resolved["lines"] = [{**ln, "promised_date": "2026-13-45"} for ln in resolved["lines"]]
        s.execute(update(Order).where(Order.id == broken).values(resolved=resolved))
    results = {r.order_id: r for r in push_approved(services)}
    assert not results[broken].ok and "ValueError" in results[broken].error
    assert results[fine].ok and results[fine].erp_order_id
    with services.session_factory() as s:
        row = repo.get_order(s, broken)
        assert row.state == "needs_review"
        assert any(i.code == "RULE_ERROR" and "could not be pushed" in i.message for i in repo.order_issues(row))
        assert repo.get_order(s, fine).state == "pushed"
