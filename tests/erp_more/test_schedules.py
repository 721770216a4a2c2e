"""Issue 13 and the scheduled ERP follow-ups: change expiry, status back and write-back as deployments."""

from __future__ import annotations

from typer.testing import CliRunner

from orderflow.canonical import Envelope
from orderflow.flows.cli import app
from orderflow.flows.pipeline import ingest_and_process
from orderflow.flows.services import build_services
from orderflow.flows.settings import SAMPLES_DIR, load_settings
from orderflow.store import repository as repo


def test_changes_expire_uses_change_wait_hours(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("ORDERFLOW_HOME", str(tmp_path / "var"))
    name = "globex-860-GX-448400-before-original.edi"
    services = build_services(load_settings())
    out = ingest_and_process(services, Envelope(data=(SAMPLES_DIR / "changes" / name).read_bytes(), filename=name,
                                                channel="sftp", sender="4405197800"))
    (waiting,) = out.orders
    assert waiting.state == "waiting_for_original"
    assert load_settings().change_wait_hours == 24

    res = CliRunner().invoke(app, ["changes", "expire"])  # 24 h default: too early
    assert res.exit_code == 0 and "0 change(s)" in res.output, res.output
    monkeypatch.setenv("ORDERFLOW_CHANGE_WAIT_HOURS", "0")
    res = CliRunner().invoke(app, ["changes", "expire"])
    assert res.exit_code == 0 and f"1 change(s) sent to review: {waiting.id}" in res.output, res.output
    with services.session_factory() as s:
        row = repo.get_order(s, waiting.id)
        assert row.state == "needs_review" and "ORIGINAL_NOT_FOUND" in [i.code for i in row.issues]


def test_serve_schedules_status_write_back_and_expiry(tmp_path) -> None:
    from orderflow.flows.serve import deployments

    settings = load_settings(home=tmp_path / "var", erp="tryton", status_interval_seconds=120,
                             change_wait_hours=6, change_expiry_interval_seconds=600, erp_status_acks=False)
    found = {d.name: d for d in deployments(settings)}
    assert {"erp-status", "write-back-cross-references", "expire-waiting-changes", "reconcile"} <= set(found)
    assert found["expire-waiting-changes"].parameters == {"hours": 6}
    assert found["erp-status"].parameters == {"send_acks": False}
    intervals = {n: found[n].schedules[0].schedule.interval.total_seconds()
                 for n in ("erp-status", "write-back-cross-references", "expire-waiting-changes")}
    assert intervals == {"erp-status": 120, "write-back-cross-references": 120, "expire-waiting-changes": 600}
