"""Notices through a real in-process SMTP server (aiosmtpd) over STARTTLS and implicit TLS, with AUTH.

The handler records, per delivered mail, the TLS version of the connection it came over, so a
test proves the mail really travelled encrypted, not just that it arrived.
"""

from __future__ import annotations

import email
from email import policy

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from fixtures.procs import free_port

from orderflow.canonical import Envelope
from orderflow.intake.smtp_notify import SmtpConfig, notify_exception, notify_received

USER, PASSWORD = "orders@supplier.example", "pa55-w0rd-xyz"
SENDER = "Orders <orders@supplier.example>"


class Recorder:
    def __init__(self):
        self.mails = []  # (envelope, tls version or None, authenticated login or None)

    async def handle_DATA(self, server, session, envelope):
        ssl_object = server.transport.get_extra_info("ssl_object")
        login = session.auth_data.login.decode() if session.authenticated else None
        self.mails.append((envelope, ssl_object.version() if ssl_object else None, login))
        return "250 Message accepted for delivery"


class Authenticator:
    """Accepts USER/PASSWORD only; remembers which mechanism each attempt used."""

    def __init__(self):
        self.attempts = []

    def __call__(self, server, session, envelope, mechanism, auth_data):
        assert isinstance(auth_data, LoginPassword)
        self.attempts.append(mechanism)
        ok = auth_data.login == USER.encode() and auth_data.password == PASSWORD.encode()
        # handled=False: aiosmtpd answers itself (235, or 535 for a wrong password)
        return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)


def buyer_envelope():
    return Envelope(
        data=b"%PDF-1.4",
        filename="po.pdf",
        channel="imap",
        sender="Buyer <buyer@example.com>",
        subject="PO 4500012345",
        message_id="<po-1@example.com>",
    )


@pytest.fixture
def start_smtp(tls_certs):
    """Start an aiosmtpd Controller on a free 127.0.0.1 port with the given SMTP parameters."""
    started = []

    def start(**kw):
        rec = Recorder()
        ctl = Controller(rec, hostname="127.0.0.1", port=free_port(), **kw)
        ctl.start()
        started.append(ctl)
        return ctl, rec

    yield start
    for ctl in started:
        ctl.stop()


def parsed(rec, i=0):
    envelope, tls_version, login = rec.mails[i]
    return envelope, email.message_from_bytes(envelope.content, policy=policy.default), tls_version, login


def assert_confirmation(result, rec, tls_version_expected=True, login=None):
    assert result.ok and result.error is None
    envelope, msg, tls_version, got_login = parsed(rec)
    assert envelope.rcpt_tos == ["buyer@example.com"] and envelope.mail_from == "orders@supplier.example"
    assert msg["From"] == SENDER and msg["To"] == "Buyer <buyer@example.com>"
    assert msg["Subject"] == "Re: PO 4500012345" and msg["In-Reply-To"] == "<po-1@example.com>"
    assert msg["References"] == "<po-1@example.com>" and msg["Message-ID"] == result.message_id
    assert msg["Auto-Submitted"] == "auto-replied" and "SO-7001" in msg.get_content()
    assert (tls_version or "").startswith("TLS") is tls_version_expected
    assert got_login == login


def test_starttls_required(start_smtp, tls_certs):
    ctl, rec = start_smtp(tls_context=tls_certs.server_context(), require_starttls=True)
    cfg = SmtpConfig(host=ctl.hostname, port=ctl.port, tls="starttls", sender=SENDER, ca_file=str(tls_certs.ca))
    assert_confirmation(notify_received(cfg, buyer_envelope(), "SO-7001"), rec)


def test_plaintext_to_a_starttls_only_server_is_refused_readably(start_smtp, tls_certs):
    ctl, rec = start_smtp(tls_context=tls_certs.server_context(), require_starttls=True)
    cfg = SmtpConfig(host=ctl.hostname, port=ctl.port, tls="none", sender=SENDER, timeout=5)
    result = notify_received(cfg, buyer_envelope(), "SO-7001")
    assert result.ok is False and rec.mails == []
    assert "530" in result.error and "STARTTLS" in result.error and "set tls = starttls" in result.error


def test_implicit_tls(start_smtp, tls_certs):
    ctl, rec = start_smtp(ssl_context=tls_certs.server_context())
    cfg = SmtpConfig(host=ctl.hostname, port=ctl.port, tls="ssl", sender=SENDER, ca_file=str(tls_certs.ca))
    assert_confirmation(notify_received(cfg, buyer_envelope(), "SO-7001"), rec)


@pytest.mark.parametrize("mechanism", ["PLAIN", "LOGIN"])
def test_auth_over_starttls(start_smtp, tls_certs, monkeypatch, mechanism):
    auth = Authenticator()
    other = {"PLAIN": "LOGIN", "LOGIN": "PLAIN"}[mechanism]
    ctl, rec = start_smtp(
        tls_context=tls_certs.server_context(), require_starttls=True, authenticator=auth,
        auth_required=True, auth_require_tls=True, auth_exclude_mechanism=[other],
    )
    monkeypatch.setenv("TEST_SMTP_PW", PASSWORD)
    cfg = SmtpConfig(
        host=ctl.hostname, port=ctl.port, tls="starttls", sender=SENDER, ca_file=str(tls_certs.ca),
        user=USER, password_env="TEST_SMTP_PW",
    )
    assert_confirmation(notify_received(cfg, buyer_envelope(), "SO-7001"), rec, login=USER)
    assert auth.attempts == [mechanism]


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")
def test_auth_with_password_file_over_implicit_tls(start_smtp, tls_certs, tmp_path):
    """aiosmtpd counts only STARTTLS as TLS for AUTH, so auth_require_tls is off on this port;
    the recorder still proves the session was TLS."""
    auth = Authenticator()
    ctl, rec = start_smtp(
        ssl_context=tls_certs.server_context(), authenticator=auth, auth_required=True, auth_require_tls=False
    )
    secret = tmp_path / "smtp.pw"
    secret.write_text(PASSWORD + "\n")
    cfg = SmtpConfig(
        host=ctl.hostname, port=ctl.port, tls="ssl", sender=SENDER, ca_file=str(tls_certs.ca),
        user=USER, password_file=str(secret),
    )
    assert notify_exception(cfg, buyer_envelope(), ["line 2: unknown part W-99"]).ok
    _, msg, tls_version, login = parsed(rec)
    assert tls_version.startswith("TLS") and login == USER and "unknown part W-99" in msg.get_content()


def test_wrong_password_is_a_readable_result_without_the_password(start_smtp, tls_certs, monkeypatch):
    auth = Authenticator()
    ctl, rec = start_smtp(
        tls_context=tls_certs.server_context(), require_starttls=True, authenticator=auth, auth_required=True
    )
    monkeypatch.setenv("TEST_SMTP_PW", "wrong-secret-987")
    cfg = SmtpConfig(
        host=ctl.hostname, port=ctl.port, tls="starttls", sender=SENDER, ca_file=str(tls_certs.ca),
        user=USER, password_env="TEST_SMTP_PW", timeout=5,
    )
    result = notify_received(cfg, buyer_envelope(), "SO-7001")
    assert result.ok is False and rec.mails == []
    assert auth.attempts == ["PLAIN", "LOGIN"]  # smtplib tries each offered mechanism once
    assert result.error.startswith("cannot send to Buyer <buyer@example.com>: login refused for " + USER)
    assert "535" in result.error and "Authentication credentials invalid" in result.error
    assert "wrong-secret-987" not in result.error and "wrong-secret-987" not in repr(cfg)


def test_user_without_password_is_refused_before_connecting(start_smtp, tls_certs):
    ctl, rec = start_smtp(tls_context=tls_certs.server_context(), require_starttls=True)
    cfg = SmtpConfig(host=ctl.hostname, port=ctl.port, tls="starttls", sender=SENDER, user=USER)
    result = notify_received(cfg, buyer_envelope(), "SO-7001")
    assert result.ok is False and rec.mails == [] and "no password" in result.error


def test_untrusted_certificate_is_a_readable_result(start_smtp, tls_certs):
    ctl, rec = start_smtp(tls_context=tls_certs.server_context(), require_starttls=True)
    cfg = SmtpConfig(host=ctl.hostname, port=ctl.port, tls="starttls", sender=SENDER, timeout=5)
    result = notify_received(cfg, buyer_envelope(), "SO-7001")
    assert result.ok is False and rec.mails == []
    assert f"TLS certificate verification failed for 127.0.0.1:{ctl.port}" in result.error
    assert "set ca_file" in result.error and "Traceback" not in result.error


def test_implicit_tls_to_a_starttls_port_is_readable(start_smtp, tls_certs):
    ctl, rec = start_smtp(tls_context=tls_certs.server_context(), require_starttls=True)
    cfg = SmtpConfig(
        host=ctl.hostname, port=ctl.port, tls="ssl", sender=SENDER, ca_file=str(tls_certs.ca), timeout=5
    )
    result = notify_received(cfg, buyer_envelope(), "SO-7001")
    assert result.ok is False and rec.mails == []
    assert "TLS handshake" in result.error and "did not answer TLS" in result.error


def test_smtp_settings_from_the_config_file_reach_the_private_server(start_smtp, tls_certs, tmp_path, monkeypatch):
    """``[smtp] ca_file`` in orderflow.toml → the mailer the flows build → a delivered notice over STARTTLS."""
    from orderflow.flows.notify import mailer
    from orderflow.flows.settings import load_settings

    ctl, rec = start_smtp(tls_context=tls_certs.server_context(), require_starttls=True)
    cfg = tmp_path / "orderflow.toml"
    cfg.write_text(f'[smtp]\nhost = "{ctl.hostname}"\nport = {ctl.port}\ntls = "starttls"\n'
                   f'from_addr = "{SENDER}"\nca_file = "{tls_certs.ca}"\n')
    monkeypatch.setenv("ORDERFLOW_CONFIG", str(cfg))
    built = mailer(load_settings())
    assert built is not None and built.config.ca_file == str(tls_certs.ca)
    assert_confirmation(notify_received(built.config, buyer_envelope(), "SO-7001"), rec)
