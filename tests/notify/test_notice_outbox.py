"""Issue 22: the buyer's exception notice goes through the replies outbox.

It is owed in the transaction that routes the document (to review, or failed), sent right after,
and a notice that could not go — the SMTP server down, or the process killed (SIGKILL) between the
commit and the mail — is sent by the next pass, once."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import subprocess
import sys
import time
from pathlib import Path

from conftest import BUYER
from sqlalchemy import select, update

from orderflow.flows import notify, replies
from orderflow.flows.settings import SAMPLES_DIR
from orderflow.intake.smtp_notify import SmtpConfig
from orderflow.store.models import PendingReply
from orderflow.store.types import utcnow

UNKNOWN_ITEM = "acme-po-5540-unknown-item.csv"  # line 2: SKU_UNKNOWN → review → exception notice
PACKAGE_ROOT = str(Path(os.path.abspath(notify.__file__)).parent.parent.parent)
TESTS = str(Path(__file__).resolve().parents[1])


def _owed(services, kind: str = replies.EXCEPTION_NOTICE) -> list[tuple[str | None, str | None]]:
    with services.session_factory() as s:
        return [(r.delivered_at and "sent", r.error) for r in
                s.scalars(select(PendingReply).where(PendingReply.kind == kind))]


def test_a_notice_the_smtp_server_refused_stays_owed_and_goes_once_when_it_is_back(
        services_with, smtp_sink, submit_sample, closed_port):
    dead = services_with(notify.Mailer(SmtpConfig(host="127.0.0.1", port=closed_port, tls="none",
                                                  sender="orders@supplier.example", timeout=2)))
    out = submit_sample(dead, UNKNOWN_ITEM)
    assert out.orders[0].state == "needs_review" and smtp_sink.mails == []
    [(sent, error)] = _owed(dead)
    assert sent is None and "not sent" in error  # owed, with the reason, not dropped

    back = dataclasses.replace(dead, mailer=notify.Mailer(SmtpConfig(
        host="127.0.0.1", port=smtp_sink.port, tls="none", sender="orders@supplier.example", timeout=10)))
    assert replies.deliver(back) == 0  # it rests a minute before the next try
    with back.session_factory() as s, s.begin():  # … a minute later
        s.execute(update(PendingReply).values(claimed_until=utcnow() - dt.timedelta(seconds=1)))
    assert replies.deliver(back) == 1
    assert replies.deliver(back) == 0
    assert [rcpt for rcpt, _msg in smtp_sink.mails] == [[BUYER]]
    assert "SKU_UNKNOWN" in smtp_sink.mails[0][1].get_content()
    assert _owed(back) == [("sent", None)]


def _env(home: Path, smtp_port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ORDERFLOW_")}
    env.update({"PYTHONPATH": os.pathsep.join((PACKAGE_ROOT, TESTS)), "ORDERFLOW_HOME": str(home),
                "ORDERFLOW_ERP": "file", "ORDERFLOW_OUTBOX_DIR": str(home / "erp-outbox"),
                "ORDERFLOW_CLAIM_STALE_AFTER_SECONDS": "1",
                "ORDERFLOW_SMTP__HOST": "127.0.0.1", "ORDERFLOW_SMTP__PORT": str(smtp_port),
                "ORDERFLOW_SMTP__TLS": "none", "ORDERFLOW_SMTP__FROM_ADDR": "orders@supplier.example"})
    return env


INGEST = (
    "import sys\n"
    "from orderflow.canonical import Envelope\n"
    "from orderflow.flows.pipeline import ingest\n"
    "from orderflow.flows.services import build_services\n"
    "from orderflow.flows.settings import load_settings\n"
    "data = open(sys.argv[1], 'rb').read()\n"
    "ingest(build_services(load_settings()), Envelope(data=data, filename='po.csv', channel='imap',\n"
    "       sender=sys.argv[2], subject='Purchase order', message_id='<po-5540@acme-mfg.example>'))\n"
)


def test_a_notice_owed_by_a_worker_killed_after_routing_is_sent_once_by_the_next_pass(tmp_path, smtp_sink):
    home = tmp_path / "home"
    home.mkdir()
    env = _env(home, smtp_sink.port)
    subprocess.run([sys.executable, "-c", INGEST, str(SAMPLES_DIR / "inbox" / UNKNOWN_ITEM), BUYER], env=env,
                   cwd=home, check=True, timeout=300)
    killed = subprocess.run([sys.executable, "-m", "fixtures.crash_at", "after_process:1", "orderflow.flows.cli",
                             "worker", "--once"], env=env, cwd=home, capture_output=True, text=True, timeout=300)
    assert killed.returncode == -9, killed.stderr[-800:]
    assert smtp_sink.mails == []  # killed after the routing commit, before the mail
    time.sleep(1.2)  # the dead worker's leases lapse
    for _ in range(2):
        p = subprocess.run([sys.executable, "-m", "orderflow.flows.cli", "worker", "--once"], env=env, cwd=home,
                           capture_output=True, text=True, timeout=300)
        assert p.returncode == 0, p.stderr[-800:]
        assert [rcpt for rcpt, _msg in smtp_sink.mails] == [[BUYER]]


SHORT_PO = "acme-portal-PO-9017-backorder.json"  # approved at once; its buyer is confirmed by mail


def test_a_confirmation_the_smtp_server_refused_stays_owed_and_goes_once_when_it_is_back(
        services_with, smtp_sink, submit_sample, closed_port):
    """The confirmation rides on the order's outbox row (owed in the ``pushed`` commit): a confirmation
    the SMTP server refused keeps the row owed, with the reason, and goes once the server is back."""
    from orderflow.flows.pipeline import push_approved

    dead = services_with(notify.Mailer(SmtpConfig(host="127.0.0.1", port=closed_port, tls="none",
                                                  sender="orders@supplier.example", timeout=2)))
    out = submit_sample(dead, SHORT_PO)
    assert [p.ok for p in push_approved(dead)] == [True] and smtp_sink.mails == []  # pushed all the same
    [(sent, error)] = _owed(dead, replies.ORDER_ACK)
    assert sent is None and "not sent" in error

    back = dataclasses.replace(dead, mailer=notify.Mailer(SmtpConfig(
        host="127.0.0.1", port=smtp_sink.port, tls="none", sender="orders@supplier.example", timeout=10)))
    assert replies.deliver(back) == 0  # it rests a minute before the next try
    with back.session_factory() as s, s.begin():  # … a minute later
        s.execute(update(PendingReply).values(claimed_until=utcnow() - dt.timedelta(seconds=1)))
    assert replies.deliver(back) == 1
    assert replies.deliver(back) == 0
    assert [rcpt for rcpt, _msg in smtp_sink.mails] == [[BUYER]]
    assert "PO-9017" in smtp_sink.mails[0][1]["Subject"] and out.orders[0].state == "approved"
    assert _owed(back, replies.ORDER_ACK) == [("sent", None)]
