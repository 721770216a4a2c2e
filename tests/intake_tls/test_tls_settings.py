"""``ca_file`` from orderflow.toml reaches the IMAP poller: `orderflow health` against the TLS-only Dovecot."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from orderflow.flows.cli import app

pytestmark = pytest.mark.servers


def _health(tmp_path, account, ca_line: str) -> dict:
    cfg = tmp_path / "orderflow.toml"
    cfg.write_text(
        f'home = "{tmp_path / "home"}"\nerp = "file"\n'
        f'[[imap]]\nname = "orders"\nhost = "{account.host}"\nport = {account.server.imaps_port}\ntls = "ssl"\n'
        f'user = "{account.user}"\npassword_env = "TLS_BOX_PW"\n{ca_line}'
    )
    res = CliRunner().invoke(app, ["health", "--json"],
                             env={"ORDERFLOW_CONFIG": str(cfg), "TLS_BOX_PW": account.password})
    assert account.password not in res.output
    return {r["name"]: r for r in json.loads(res.output)}["orders"]


def test_mailbox_with_a_private_ca_from_the_config_file(tmp_path, tls_account, tls_certs):
    row = _health(tmp_path, tls_account, f'ca_file = "{tls_certs.ca}"\n')
    assert row["ok"] and row["detail"] == "login ok, folder INBOX"


def test_mailbox_without_the_ca_reports_why_in_one_line(tmp_path, tls_account):
    row = _health(tmp_path, tls_account, "")
    assert not row["ok"]
    assert "certificate verification failed" in row["detail"] and "ca_file" in row["detail"]
