"""Notices to the sender through a real in-process SMTP server (aiosmtpd)."""

from __future__ import annotations

import email
import socket
from email import policy

import pytest
from aiosmtpd.controller import Controller

from orderflow.canonical import Envelope
from orderflow.intake.smtp_notify import SmtpConfig, notify_exception, notify_received


class Recorder:
    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp():
    rec = Recorder()
    ctl = Controller(rec, hostname="127.0.0.1", port=free_port())
    ctl.start()
    yield ctl, rec
    ctl.stop()


def env():
    return Envelope(
        data=b"%PDF-1.4",
        filename="po.pdf",
        channel="imap",
        sender="Buyer <buyer@example.com>",
        subject="PO 4500012345",
        message_id="<po-1@example.com>",
    )


def test_confirmation_threads_onto_the_buyer_mail(smtp):
    ctl, rec = smtp
    cfg = SmtpConfig(host=ctl.hostname, port=ctl.port, tls="none", sender="Orders <orders@supplier.example>")
    result = notify_received(cfg, env(), "SO-1001")
    assert result.ok and result.error is None
    (got,) = rec.envelopes
    assert got.rcpt_tos == ["buyer@example.com"] and got.mail_from == "orders@supplier.example"
    msg = email.message_from_bytes(got.content, policy=policy.default)
    assert msg["Subject"] == "Re: PO 4500012345" and msg["In-Reply-To"] == "<po-1@example.com>"
    assert msg["Auto-Submitted"] == "auto-replied" and "SO-1001" in msg.get_content()


def test_exception_notice_lists_reasons(smtp):
    ctl, rec = smtp
    cfg = SmtpConfig(host=ctl.hostname, port=ctl.port, tls="none", sender="orders@supplier.example")
    assert notify_exception(cfg, env(), ["line 2: unknown part W-99", "price 5.00 differs from 4.50"]).ok
    body = email.message_from_bytes(rec.envelopes[0].content, policy=policy.default).get_content()
    assert "unknown part W-99" in body and "price 5.00 differs" in body


def test_unreachable_server_is_a_result_not_a_raise():
    cfg = SmtpConfig(
        host="127.0.0.1", port=free_port(), tls="none", sender="orders@supplier.example", timeout=3
    )
    result = notify_received(cfg, env(), "SO-1")
    assert not result.ok and "cannot send to" in result.error and "ConnectionRefusedError" in result.error
