"""`orderflow stats` and `orderflow health` on a real store and real (or missing) channels."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from docgen import envelopes
from typer.testing import CliRunner

from orderflow.canonical import Envelope
from orderflow.flows.cli import app
from orderflow.flows.cli_ops import compute_stats, parse_since, percentile
from orderflow.flows.pipeline import ingest
from orderflow.flows.services import build_services
from orderflow.flows.settings import load_settings
from orderflow.flows.workers import process_claimed
from orderflow.store import repository as repo
from orderflow.store.models import Order


def test_percentile_and_since() -> None:
    assert percentile([5, 1, 3, 2, 4], 50) == 3
    assert percentile(list(range(1, 101)), 95) == 95
    assert percentile([], 50) is None
    assert parse_since("7d") == dt.timedelta(days=7) and parse_since("30m") == dt.timedelta(minutes=30)
    with pytest.raises(Exception, match="unit"):
        parse_since("soon")


def test_stats_counts_touchless_exceptions_queue_age_and_learned_lines(tmp_path: Path) -> None:
    home = tmp_path / "home"
    svc = build_services(load_settings(home=home, erp="file"))
    for env in envelopes(10):  # 8 valid portal orders, 2 CSVs without a known customer
        ingest(svc, env)
    process_claimed(svc, worker="t")
    with svc.session_factory() as s, s.begin():
        row = s.query(Order).filter(Order.state == "pushed").first()
        row.resolved = {**row.resolved, "lines": [{**row.resolved["lines"][0], "resolved_by": "learned"}]}
    ingest(svc, Envelope(data=b'{"po_number": "X", "lines": [', filename="broken.json", channel="portal"))
    process_claimed(svc, worker="t")
    with svc.session_factory() as s, s.begin():  # a CSR clears one of the two unknown customers
        fixed = s.query(Order).filter(Order.state == "needs_review").order_by(Order.id).first()
        repo.replace_issues(s, fixed, [])
    stats = compute_stats(svc.session_factory, dt.timedelta(days=1))
    # raised in the window counts the cleared one too; open counts what is left
    assert stats["exceptions_by_code"]["CUSTOMER_UNKNOWN"] == 2
    assert stats["open_exceptions_by_code"]["CUSTOMER_UNKNOWN"] == 1
    [failed] = stats["failed_documents"]
    assert failed["filename"] == "broken.json" and "malformed" in failed["reason"]
    assert stats["orders"] == 10 and stats["pushed"] == 8 and stats["touchless"] == 8
    assert stats["touchless_rate"] == 0.8
    assert stats["queue_age"]["count"] == 2 and stats["queue_age"]["p95_seconds"] >= 0
    assert stats["by_channel"]["portal"]["touchless_rate"] == 1.0
    assert stats["by_channel"]["sftp"]["needs_review"] == 2
    assert stats["by_customer"]["ACME"]["pushed"] == 8
    assert stats["learned_xref_lines"] == 1
    assert compute_stats(svc.session_factory, dt.timedelta(days=1), now=dt.datetime.now(dt.UTC)
                         + dt.timedelta(days=3))["orders"] == 0  # the window excludes old orders

    res = CliRunner().invoke(app, ["stats", "--since", "1d", "--json"], env={"ORDERFLOW_HOME": str(home)})
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["touchless"] == 8 and "unit_price" not in res.output
    res = CliRunner().invoke(app, ["stats", "--since", "1d"], env={"ORDERFLOW_HOME": str(home)})
    assert res.exit_code == 0 and "CUSTOMER_UNKNOWN" in res.output and "80.0%" in res.output
    assert "broken.json" in res.output and "failed documents (1)" in res.output


def test_health_reports_up_and_down_channels_and_the_erp(tmp_path: Path) -> None:
    inbound = tmp_path / "in"
    inbound.mkdir()
    cfg = tmp_path / "orderflow.toml"
    cfg.write_text(
        f'home = "{tmp_path / "home"}"\nerp = "file"\n'
        f'[[folders]]\nname = "ok"\ninbound = "{inbound}"\n'
        f'[[folders]]\nname = "gone"\ninbound = "{tmp_path / "missing"}"\n'
        '[[imap]]\nname = "mail"\nhost = "127.0.0.1"\nport = 9\ntls = "none"\nuser = "u"\npassword_env = "X_PW"\n'
    )
    res = CliRunner().invoke(app, ["health", "--json"], env={"ORDERFLOW_CONFIG": str(cfg), "X_PW": "secret-pw"})
    assert res.exit_code == 1
    rows = {r["name"]: r for r in json.loads(res.output)}
    assert rows["ok"]["ok"] and not rows["gone"]["ok"] and not rows["mail"]["ok"]
    assert rows["file"]["ok"] and rows["file"]["kind"] == "erp"
    assert "secret-pw" not in res.output
    cfg.write_text(f'home = "{tmp_path / "home"}"\nerp = "file"\n[[folders]]\nname = "ok"\ninbound = "{inbound}"\n')
    res = CliRunner().invoke(app, ["health"], env={"ORDERFLOW_CONFIG": str(cfg)})
    assert res.exit_code == 0 and "up" in res.output
