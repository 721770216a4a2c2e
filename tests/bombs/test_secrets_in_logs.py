"""Secrets, prices and personal data stay out of logs, even when things fail (ERP down, bad input)."""

from __future__ import annotations

import json
import logging
import subprocess
from pathlib import Path

from fixtures import batch_runner as chaos

from orderflow.canonical import Envelope
from orderflow.erp_push.rest_adapter import RestAdapter
from orderflow.flows.pipeline import ingest_and_process
from orderflow.flows.services import build_services
from orderflow.flows.settings import Settings

TOKEN = "tok-5ecret-9f8e7d"
PRICE = "987.65"
PERSON = "Zebulon Quartermaine"
EMAIL = "zebulon.q@acme-mfg.example"


def _order(po: str, price: str = PRICE, qty: str = "3") -> bytes:
    return json.dumps({
        "po_number": po, "currency": "USD",
        "buyer": {"name": "ACME Manufacturing", "ids": {"92": "ACME"}},
        "ship_to": {"name": PERSON, "ids": {"92": "0002"}},
        "notes": [f"Contact {PERSON} <{EMAIL}>"],
        "lines": [{"line_no": "1", "sku": "FAS-1001", "qty": qty, "uom": "EA", "unit_price": price}],
    }).encode()


def test_failures_log_no_token_price_or_person(tmp_path, caplog):
    from harness_free_port import free_port

    dead_erp = f"http://127.0.0.1:{free_port()}/"
    settings = Settings(home=tmp_path, push_attempts=2)
    services = build_services(settings, adapter=RestAdapter(dead_erp, token=TOKEN, timeout=2))
    caplog.set_level(logging.DEBUG)
    envs = [
        Envelope(data=_order("SEC-1"), filename="sec-1.json", channel="imap", sender=EMAIL),
        Envelope(data=_order("SEC-2", price="0.15", qty="1000"), filename="sec-2.json", channel="imap", sender=EMAIL),
        Envelope(data=_order("SEC-3")[:-9], filename="sec-3.json", channel="imap", sender=EMAIL),  # broken
        Envelope(data=b"%PDF-1.4\n" + _order("SEC-4"), filename="sec-4.pdf", channel="imap", sender=EMAIL),
    ]
    outcomes = [ingest_and_process(services, e) for e in envs]
    assert [o.state for o in outcomes] == ["processed", "processed", "failed", "failed"]
    pushed = chaos.push_until_done(services, max_seconds=1, interval=0.1)
    assert pushed["transient"] >= 1 and pushed["pushed"] == 0  # the ERP is down: failures were logged
    text = caplog.text + "".join(str(r.args) for r in caplog.records)
    assert caplog.records  # something was logged, so the checks below are not vacuous
    for secret in (TOKEN, PRICE, PERSON, EMAIL):
        assert secret not in text, f"{secret!r} found in the logs"


def test_settings_hold_secret_names_never_values(tmp_path, monkeypatch):
    monkeypatch.setenv("ORDERFLOW_REST_TOKEN_ENV", "ERP_TOKEN")
    monkeypatch.setenv("ERP_TOKEN", TOKEN)
    s = Settings(home=tmp_path)
    assert s.rest_token_env == "ERP_TOKEN"
    assert TOKEN not in s.model_dump_json() and TOKEN not in repr(s)


def test_pip_audit_runs_against_the_venv():
    """pip-audit over the venv. Here the package index offers no vulnerability JSON API, so every
    package is reported as 'could not be audited'; the test asserts the tool ran and found nothing
    known, and CI with PyPI access gets the full audit from the same command."""
    pip_audit = Path(__file__).resolve().parents[2] / ".venv" / "bin" / "pip-audit"
    p = subprocess.run([str(pip_audit), "-l", "--progress-spinner", "off", "--format", "json"],
                       capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stderr[-2000:]
    report = json.loads(p.stdout)
    vulnerable = [d["name"] for d in report["dependencies"] if d.get("vulns")]
    assert vulnerable == []
