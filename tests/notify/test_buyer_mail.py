"""Issues 6 and 12: mail back to the buyer through a real (in-process) SMTP server.

A pushed order from an email buyer gets one confirmation listing each line's promise date; an
order that goes to review, or a document that cannot be read, gets an exception notice naming
the issues in plain words. Nothing is sent twice, and a dead SMTP server never stops the push."""

from __future__ import annotations

from orderflow.flows import notify
from orderflow.flows.pipeline import push_approved
from orderflow.flows.settings import Settings, SmtpSettings
from orderflow.intake.smtp_notify import SmtpConfig
from orderflow.store import repository as repo

SHORT_PO = "acme-portal-PO-9017-backorder.json"  # line 2 (MRO-5002) is short: 35 CA now, 15 CA on 2026-12-10


def body(msg) -> str:
    return msg.get_content()


def test_pushed_email_order_gets_one_confirmation_with_each_lines_promise(mail_services, smtp_sink, submit_sample):
    out = submit_sample(mail_services, SHORT_PO)
    assert out.orders[0].state == "approved"
    assert smtp_sink.mails == []  # nothing before the ERP has the order
    pushed = push_approved(mail_services)
    assert [p.ok for p in pushed] == [True]
    assert len(smtp_sink.mails) == 1
    rcpt, msg = smtp_sink.mails[0]
    assert rcpt == ["purchasing@acme-mfg.example"]
    assert msg["In-Reply-To"] == f"<{SHORT_PO}@acme-mfg.example>"
    assert pushed[0].erp_order_id in msg["Subject"] and "PO-9017" in msg["Subject"]
    text = " ".join(body(msg).split())
    assert "Line 1: FAS-1005 2000 EA — ships 2026-11-30" in text
    assert "Line 2: MRO-5002 50 CA — 35 ship 2026-11-30, 15 CA backordered to 2026-12-10" in text
    with mail_services.session_factory() as s:
        events = [e for e in repo.audit_trail(s, "order", out.orders[0].id) if e.action == "buyer_notice"]
        assert [(e.after["kind"], e.after["ok"]) for e in events] == [("confirmation", True)]
    # Pushing again (idempotent) and a second hook call send nothing more.
    assert notify.order_pushed(mail_services, out.orders[0].id) is None
    assert len(smtp_sink.mails) == 1


def test_review_routed_email_order_gets_an_exception_notice_in_plain_words(mail_services, smtp_sink, submit_sample):
    out = submit_sample(mail_services, "acme-po-5540-unknown-item.csv")
    assert out.orders[0].state == "needs_review" and out.orders[0].issues == ["SKU_UNKNOWN"]
    assert len(smtp_sink.mails) == 1
    rcpt, msg = smtp_sink.mails[0]
    assert rcpt == ["purchasing@acme-mfg.example"] and msg["Subject"].startswith("Re: Purchase order")
    text = " ".join(body(msg).split())
    assert "Line 2: an item could not be matched to our catalogue (SKU_UNKNOWN)" in text
    assert "AC-99120" not in text  # the CSR's message (parts, candidates) stays inside
    # Processing the same document again does not repeat the notice; nothing is confirmed (not pushed).
    from orderflow.flows.pipeline import process_document

    process_document(mail_services, out.document_id)
    assert push_approved(mail_services) == []
    assert len(smtp_sink.mails) == 1


def test_unreadable_document_from_email_gets_a_notice_with_the_reason(mail_services, smtp_sink, submit_sample):
    out = submit_sample(mail_services, "portal-truncated.json")
    assert out.state == "failed"
    assert len(smtp_sink.mails) == 1
    text = " ".join(body(smtp_sink.mails[0][1]).split())
    assert "could not process your document portal-truncated.json" in text and "The JSON is malformed" in text


def test_portal_buyer_is_confirmed_but_never_sent_exception_notices(mail_services, smtp_sink, submit_sample):
    submit_sample(mail_services, "acme-po-5540-unknown-item.csv", channel="portal")
    assert smtp_sink.mails == []  # review: portal buyers see it in the portal's answer
    submit_sample(mail_services, SHORT_PO, channel="portal")
    push_approved(mail_services)
    assert [rcpt for rcpt, _ in smtp_sink.mails] == [["purchasing@acme-mfg.example"]]
    assert "backordered to 2026-12-10" in body(smtp_sink.mails[0][1])


def test_no_smtp_no_mail_and_a_dead_server_never_stops_the_push(services_with, smtp_sink, submit_sample, closed_port):
    quiet = services_with(None)
    submit_sample(quiet, "acme-po-5540-unknown-item.csv")
    submit_sample(quiet, SHORT_PO)
    assert [p.ok for p in push_approved(quiet)] == [True]
    assert smtp_sink.mails == []

    dead = services_with(notify.Mailer(SmtpConfig(host="127.0.0.1", port=closed_port, tls="none",
                                                  sender="orders@supplier.example", timeout=2)))
    out = submit_sample(dead, SHORT_PO)
    pushed = push_approved(dead)
    assert [p.ok for p in pushed] == [True]
    with dead.session_factory() as s:
        row = repo.get_order(s, out.orders[0].id)
        assert row.state == "pushed"
        notice = [e for e in repo.audit_trail(s, "order", row.id) if e.action == "buyer_notice"][-1]
        assert notice.after["ok"] is False and "cannot send to purchasing@acme-mfg.example" in notice.reason


def test_settings_smtp_builds_a_mailer_only_when_configured():
    assert notify.mailer(Settings(smtp=None)) is None
    m = notify.mailer(Settings(smtp=SmtpSettings(host="mail.example", port=2525, tls="none",
                                                 from_addr="orders@supplier.example", confirmations=False)))
    assert m.config.host == "mail.example" and m.config.port == 2525 and m.config.sender == "orders@supplier.example"
    assert m.confirmations is False and m.exception_notices is True
