"""IMAP polling over TLS against a real Dovecot that refuses LOGIN without TLS.

The server (conftest ``tls_dovecot``) has ``ssl = required`` and ``disable_plaintext_auth = yes``,
so a poll that gets the mail proves the session really was encrypted.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from tls_helpers import RecordingCommit, order_mail, order_pdf

from orderflow.intake.imap import ImapConfig, poll_imap

pytestmark = pytest.mark.servers


def config_for(account, monkeypatch, **kw) -> ImapConfig:
    monkeypatch.setenv("TEST_IMAPS_PW", account.password)
    base = dict(host=account.host, user=account.user, password_env="TEST_IMAPS_PW", name="orders", timeout=10)
    return ImapConfig(**{**base, **kw})


def assert_taken(report, commit, account, pdf):
    assert report.errors == [] and len(report.taken) == 1 and report.failed == []
    (env,) = commit.envelopes
    assert env.filename == "PO-4500077001.pdf" and env.data == pdf and env.channel == "imap"
    assert env.subject == "PO 4500077001" and env.metadata["mailbox"] == "orders"
    assert account.count("INBOX") == 0 and account.count("Processed") == 1


def test_implicit_tls_with_private_ca(tls_account, tls_certs, monkeypatch):
    pdf = order_pdf()
    tls_account.append(order_mail(pdf))
    cfg = config_for(
        tls_account, monkeypatch, tls="ssl", port=tls_account.server.imaps_port, ca_file=str(tls_certs.ca)
    )
    commit = RecordingCommit()
    assert_taken(poll_imap(cfg, commit), commit, tls_account, pdf)


def test_starttls_on_the_plain_port(tls_account, tls_certs, monkeypatch):
    pdf = order_pdf("PURCHASE ORDER STARTTLS")
    tls_account.append(order_mail(pdf))
    cfg = config_for(tls_account, monkeypatch, tls="starttls", port=tls_account.port, ca_file=str(tls_certs.ca))
    commit = RecordingCommit()
    assert_taken(poll_imap(cfg, commit), commit, tls_account, pdf)


def test_starttls_checks_the_hostname_too(tls_account, tls_certs, monkeypatch):
    """The certificate names localhost/127.0.0.1/127.0.0.2; any other name is refused."""
    tls_account.append(order_mail(order_pdf()))
    cfg = config_for(
        tls_account, monkeypatch, tls="starttls", port=tls_account.port, ca_file=str(tls_certs.ca)
    )
    # A name the certificate lacks that still reaches the server: "127.2" is inet_aton's short form
    # of 127.0.0.2, and it is not one of the certificate's names.
    cfg = replace(cfg, host="127.2")
    report = poll_imap(cfg, RecordingCommit())
    assert report.taken == [] and len(report.errors) == 1
    err = report.errors[0]
    assert "certificate" in err.lower() and "127.2" in err and "Traceback" not in err
    assert tls_account.count("INBOX") == 1


def test_untrusted_certificate_is_a_readable_poll_error(tls_account, monkeypatch):
    """No ca_file: the system trust store does not know the test CA."""
    tls_account.append(order_mail(order_pdf()))
    cfg = config_for(tls_account, monkeypatch, tls="ssl", port=tls_account.server.imaps_port)
    commit = RecordingCommit()
    report = poll_imap(cfg, commit)
    assert report.taken == [] and commit.envelopes == [] and len(report.errors) == 1
    err = report.errors[0]
    assert err.startswith("orders: ") and "certificate verification failed" in err
    assert "ca_file" in err and "Traceback" not in err and "\n" not in err
    assert tls_account.password not in err
    assert tls_account.count("INBOX") == 1 and tls_account.count("Processed") == 0


def test_untrusted_certificate_via_starttls(tls_account, monkeypatch):
    tls_account.append(order_mail(order_pdf()))
    cfg = config_for(tls_account, monkeypatch, tls="starttls", port=tls_account.port)
    report = poll_imap(cfg, RecordingCommit())
    assert report.taken == [] and len(report.errors) == 1
    assert "certificate verification failed" in report.errors[0]
    assert tls_account.count("INBOX") == 1


def test_plaintext_login_refused_by_a_tls_only_server(tls_account, monkeypatch):
    tls_account.append(order_mail(order_pdf()))
    cfg = config_for(tls_account, monkeypatch, tls="none", port=tls_account.port)
    commit = RecordingCommit()
    report = poll_imap(cfg, commit)
    assert report.taken == [] and commit.envelopes == [] and len(report.errors) == 1
    err = report.errors[0]
    assert "cannot connect or log in" in err and "login refused" in err
    assert "Plaintext authentication disallowed" in err and "tls" in err
    assert tls_account.password not in err and "Traceback" not in err
    assert tls_account.count("INBOX") == 1


def test_tls_to_a_plaintext_port_is_readable(tls_account, tls_certs, monkeypatch):
    """tls="ssl" pointed at the STARTTLS port: the handshake fails, the poll reports it."""
    cfg = config_for(tls_account, monkeypatch, tls="ssl", port=tls_account.port, ca_file=str(tls_certs.ca))
    report = poll_imap(cfg, RecordingCommit())
    assert report.taken == [] and len(report.errors) == 1
    assert "cannot connect or log in" in report.errors[0] and "TLS" in report.errors[0]
