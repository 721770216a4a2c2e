"""IMAP poller against a real Dovecot: real APPENDed mail, real moves."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from intake_docs import FakeStore, pdf_bytes, x12_850

from orderflow.intake.base import NOT_AN_ORDER
from orderflow.intake.imap import ImapConfig, poll_imap
from orderflow.intake.mime import build_message

pytestmark = pytest.mark.servers

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


@pytest.fixture
def config(imap_account, monkeypatch):
    monkeypatch.setenv("TEST_IMAP_PW", imap_account.password)
    return ImapConfig(
        host="127.0.0.1",
        port=imap_account.port,
        tls="none",
        user=imap_account.user,
        password_env="TEST_IMAP_PW",
        name="orders",
    )


def mail(subject="PO 4500012345", attachments=None, body="Please find our order attached.", **kw):
    return build_message("Buyer <buyer@example.com>", "orders@example.com", subject, body, attachments, **kw)


def test_pdf_attachment_taken_logo_and_vcard_ignored(imap_account, config):
    pdf = pdf_bytes()
    msg = mail(
        attachments=[
            ("PO-4500012345.pdf", pdf, "application/pdf"),
            ("buyer.vcf", b"BEGIN:VCARD", "text/vcard"),
        ],
        message_id="<po-1@example.com>",
    )
    msg.get_payload()[0].add_related(PNG, maintype="image", subtype="png", cid="<logo>")
    imap_account.append(msg)

    store = FakeStore()
    report = poll_imap(config, store)

    assert report.errors == [] and len(report.taken) == 1 and report.failed == []
    (env,) = store.envelopes
    assert env.data == pdf and env.filename == "PO-4500012345.pdf" and env.channel == "imap"
    assert env.sender == "Buyer <buyer@example.com>" and env.subject == "PO 4500012345"
    assert env.message_id == "<po-1@example.com>"
    assert env.metadata["uid"] >= 1 and env.metadata["mailbox"] == "orders"
    assert env.received_at.tzinfo is not None
    assert imap_account.count("INBOX") == 0 and imap_account.count("Processed") == 1


def test_edi_body_without_attachment_counts(imap_account, config):
    edi = x12_850().decode()
    imap_account.append(mail(subject="850", body=edi))
    store = FakeStore()
    report = poll_imap(config, store)
    assert len(report.taken) == 1
    (env,) = store.envelopes
    assert env.filename == "message-body.edi" and env.data.lstrip().startswith(b"ISA*00")
    assert b"BEG*00*SA*PO1001" in env.data


def test_edi_attachment_with_txt_name(imap_account, config):
    imap_account.append(mail(attachments=[("order.txt", x12_850("PO77"), "text/plain")]))
    store = FakeStore()
    poll_imap(config, store)
    (env,) = store.envelopes
    assert env.filename == "order.txt" and b"PO77" in env.data


def test_mail_without_order_goes_to_failed_after_commit(imap_account, config):
    imap_account.append(mail(subject="hello", body="Can you call me back?"))
    store = FakeStore()
    report = poll_imap(config, store)
    assert len(report.failed) == 1 and report.taken == []
    (env,) = store.envelopes
    assert env.filename.endswith(".eml") and env.content_type == "message/rfc822"
    assert "no order attachment" in env.metadata[NOT_AN_ORDER]
    assert b"Can you call me back?" in env.data
    assert imap_account.count("INBOX") == 0 and imap_account.count("Failed") == 1


def test_malformed_mime_is_kept_as_failed(imap_account, config):
    raw = (
        b"From: x@example.com\r\nSubject: broken\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="never-here"\r\n\r\n'
        b"this body never has the boundary\r\nJVBERi0xLjQK garbage\r\n"
    )
    imap_account.append(raw)
    store = FakeStore()
    report = poll_imap(config, store)
    assert report.errors == [] and len(report.failed) == 1
    (env,) = store.envelopes
    assert env.metadata[NOT_AN_ORDER].startswith("malformed MIME")
    assert env.data.replace(b"\r\n", b"\n") == raw.replace(b"\r\n", b"\n")
    assert imap_account.count("Failed") == 1


def test_non_order_attachment_kept_and_does_not_block_order(imap_account, config):
    pdf = pdf_bytes("PO 88")
    imap_account.append(
        mail(
            attachments=[
                ("terms.docx", b"PK\x03\x04 word document", "application/octet-stream"),
                ("po88.pdf", pdf, "application/pdf"),
            ]
        )
    )
    store = FakeStore()
    report = poll_imap(config, store)
    assert len(report.taken) == 1 and len(report.failed) == 1 and report.errors == []
    by_name = {e.filename: e for e in store.envelopes}
    assert by_name["po88.pdf"].data == pdf and NOT_AN_ORDER not in by_name["po88.pdf"].metadata
    assert "not an order format" in by_name["terms.docx"].metadata[NOT_AN_ORDER]
    assert by_name["po88.pdf"].metadata["other_attachments"] == ["terms.docx"]
    assert imap_account.count("Processed") == 1 and imap_account.count("Failed") == 0


def test_commit_failure_leaves_message_then_next_poll_takes_it_once(imap_account, config):
    pdf = pdf_bytes("PO 99")
    imap_account.append(mail(attachments=[("po99.pdf", pdf, "application/pdf")]))
    store = FakeStore(fail_times=1)
    first = poll_imap(config, store)
    assert first.taken == [] and len(first.errors) == 1
    assert (
        "not stored, message left in INBOX" in first.errors[0]
        and "store connection dropped" in first.errors[0]
    )
    assert imap_account.count("INBOX") == 1 and imap_account.count("Processed") == 0

    second = poll_imap(config, store)
    assert len(second.taken) == 1 and second.errors == []
    assert [e.data for e in store.envelopes] == [pdf]
    assert imap_account.count("INBOX") == 0 and imap_account.count("Processed") == 1
    assert poll_imap(config, store).counts()["taken"] == 0


def test_same_document_twice_is_duplicate_and_still_moved(imap_account, config):
    pdf = pdf_bytes("PO 5")
    imap_account.append(mail(attachments=[("po5.pdf", pdf, "application/pdf")]))
    imap_account.append(mail(attachments=[("po5.pdf", pdf, "application/pdf")]))
    store = FakeStore()
    report = poll_imap(config, store)
    assert len(report.taken) == 1 and len(report.duplicates) == 1
    assert imap_account.count("INBOX") == 0 and imap_account.count("Processed") == 2


def test_copy_delete_expunge_fallback(imap_account, config):
    from dataclasses import replace

    imap_account.append(mail(attachments=[("a.csv", b"sku,qty\nW-1,3\n", "text/csv")]))
    imap_account.append(mail(subject="nothing", body="hi"))
    store = FakeStore()
    report = poll_imap(replace(config, use_move=False), store)
    assert len(report.taken) == 1 and len(report.failed) == 1
    assert imap_account.count("INBOX") == 0
    assert imap_account.count("Processed") == 1 and imap_account.count("Failed") == 1


def test_server_down_then_back(imap_account, config):
    imap_account.append(mail(attachments=[("po.pdf", pdf_bytes("PO down"), "application/pdf")]))
    imap_account.server.stop()
    store = FakeStore()
    down = poll_imap(config, store)
    assert down.taken == [] and len(down.errors) == 1 and "cannot connect" in down.errors[0]
    assert "Traceback" not in down.errors[0]
    imap_account.server.start()
    up = poll_imap(config, store)
    assert len(up.taken) == 1 and up.errors == []
    assert imap_account.count("INBOX") == 0


def test_server_dies_mid_poll_after_commit(imap_account, config):
    """The store has the document but the move fails: next poll sees a duplicate and moves it."""
    imap_account.append(mail(attachments=[("po.pdf", pdf_bytes("PO mid"), "application/pdf")]))
    store = FakeStore(hook=lambda env: imap_account.server.crash())
    mid = poll_imap(config, store)
    assert len(mid.taken) == 1 and len(mid.errors) == 1 and "left in place" in mid.errors[0]
    imap_account.server.start()
    assert imap_account.count("INBOX") == 1
    store.hook = None
    after = poll_imap(config, store)
    assert len(after.duplicates) == 1 and after.errors == []
    assert len(store.docs) == 1 and imap_account.count("Processed") == 1


def test_bad_password_is_readable_and_secret_free(imap_account, config, tmp_path):
    from dataclasses import replace

    secret = tmp_path / "pw"
    secret.write_text("wrong-pass-123\n")
    report = poll_imap(replace(config, password_env=None, password_file=str(secret)), FakeStore())
    assert len(report.errors) == 1 and "cannot connect or log in" in report.errors[0]
    assert "wrong-pass-123" not in report.errors[0] and "wrong-pass-123" not in repr(config)


def test_25mb_attachment(imap_account, config):
    big = b"%PDF-1.4\n" + os.urandom(25 * 1024 * 1024)
    imap_account.append(mail(attachments=[("big.pdf", big, "application/pdf")]))
    store = FakeStore()
    started = dt.datetime.now()
    report = poll_imap(config, store)
    assert report.errors == [] and len(report.taken) == 1
    (env,) = store.envelopes
    assert env.data == big
    assert (dt.datetime.now() - started).total_seconds() < 60
