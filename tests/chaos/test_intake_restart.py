"""IMAP and SFTP servers crashed in the middle of a poll, end to end with the real store:
after the restart every document is stored once, processed once, and its source acknowledged."""

from __future__ import annotations

import pytest
from fixtures import batch_runner as chaos
from harness import portal_order
from sqlalchemy import func, select

from orderflow.flows.channels import make_commit
from orderflow.intake.imap import ImapConfig, poll_imap
from orderflow.intake.mime import build_message
from orderflow.intake.sftp import SftpConfig, poll_sftp
from orderflow.store.models import Document, Order

pytestmark = pytest.mark.servers
N = 5


def crashing_commit(services, crash):
    """The real store commit; the server is crashed right after the 3rd document is stored."""
    commit = make_commit(services)
    seen = []

    def wrapped(env):
        out = commit(env)
        seen.append(env.filename)
        if len(seen) == 3:
            crash()
        return out

    return wrapped


def assert_once_each(services, prefix: str) -> None:
    with services.session_factory() as s:
        assert s.scalar(select(func.count()).select_from(Document)) == N
        assert sorted(s.scalars(select(Document.state)).all()) == ["processed"] * N
        per_doc = s.execute(select(Order.document_id, func.count()).group_by(Order.document_id)).all()
        assert [n for _, n in per_doc] == [1] * N
        pos = sorted(s.scalars(select(Order.po_number)).all())
    assert pos == [f"{prefix}-{i}" for i in range(N)]


def test_imap_server_crash_mid_poll(imap_account, workdir, monkeypatch):
    monkeypatch.setenv("CHAOS_IMAP_PW", imap_account.password)
    for i in range(N):
        att = [(f"po-{i}.json", portal_order(f"IM-{i}"), "application/json")]
        imap_account.append(build_message("purchasing@acme-mfg.example", "orders@example.com", f"PO IM-{i}",
                                          "Order attached.", att))
    config = ImapConfig(host="127.0.0.1", port=imap_account.port, tls="none", user=imap_account.user,
                        password_env="CHAOS_IMAP_PW", name="chaos")
    services = chaos.build(workdir / "home", erp_url=None, database_url=None, push_attempts=5)

    first = poll_imap(config, crashing_commit(services, imap_account.server.crash))
    assert len(first.taken) == 3 and first.errors  # the third was stored, its move died with the server
    down = poll_imap(config, make_commit(services))
    assert down.taken == [] and "cannot connect" in down.errors[0]
    imap_account.server.start()
    second = poll_imap(config, make_commit(services))
    assert second.errors == [] and len(second.duplicates) == 1 and len(second.taken) == 2
    assert imap_account.count("INBOX") == 0 and imap_account.count("Processed") == N

    assert chaos.process_pending(services)["processed"] == N
    assert chaos.push_until_done(services, max_seconds=10)["pushed"] == N
    assert_once_each(services, "IM")


def test_sftp_server_crash_mid_poll(sftp_drop, workdir):
    for i in range(N):
        sftp_drop.upload(f"po-{i}.json", portal_order(f"SF-{i}"))
    s = sftp_drop.server
    config = SftpConfig(host="127.0.0.1", port=s.port, user="root", key_file=s.client_key,
                        known_host_key=s.host_key_line, inbound=sftp_drop.inbound, archive=sftp_drop.archive,
                        failed=sftp_drop.failed, outbox=sftp_drop.outbox, name="chaos", settle_seconds=0.1)
    services = chaos.build(workdir / "home", erp_url=None, database_url=None, push_attempts=5)

    first = poll_sftp(config, crashing_commit(services, s.crash))
    assert len(first.taken) == 3 and first.errors
    assert len(sftp_drop.names(sftp_drop.inbound)) == N - 2  # the third is stored but not archived
    s.start()
    second = poll_sftp(config, make_commit(services))
    assert second.errors == [] and len(second.duplicates) == 1 and len(second.taken) == 2
    assert sftp_drop.names(sftp_drop.inbound) == [] and len(sftp_drop.names(sftp_drop.archive)) == N

    assert chaos.process_pending(services)["processed"] == N
    assert chaos.push_until_done(services, max_seconds=10)["pushed"] == N
    assert_once_each(services, "SF")
