"""Optional mail back to the sender: "order received" confirmations and exception notices.

Threads onto the buyer's original mail (In-Reply-To/References) so it lands in the same
conversation. Sending never raises: the result says whether it went and why not.
"""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr

from orderflow.canonical import Envelope
from orderflow.intake.base import Secret, describe_error
from orderflow.intake.tls import TLS_MODES, client_context, describe_tls_error


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    sender: str  # From: address, e.g. "Orders <orders@example.com>"
    port: int = 587
    tls: str = "starttls"  # none | ssl | starttls
    user: str | None = None  # AUTH (PLAIN/LOGIN, whatever smtplib picks) when set
    password_env: str | None = None  # the password: an environment variable name ...
    password_file: str | None = None  # ... or a file holding it (never the value itself)
    timeout: float = 30.0
    ca_file: str | None = None  # CA that signed a private server's certificate (plus the system CAs)


@dataclass(frozen=True)
class NoticeResult:
    ok: bool
    message_id: str | None = None
    error: str | None = None


def build_notice(
    config: SmtpConfig, to: str, subject: str, body: str, in_reply_to: str | None = None
) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = config.sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = formatdate(localtime=False, usegmt=True)
    domain = parseaddr(config.sender)[1].rpartition("@")[2] or "orderflow.invalid"
    msg["Message-ID"] = make_msgid(domain=domain)
    msg["Auto-Submitted"] = "auto-replied"  # RFC 3834: other robots must not answer this
    if in_reply_to:
        msg["In-Reply-To"] = in_reply_to
        msg["References"] = in_reply_to
    msg.set_content(body)
    return msg


def send_notice(config: SmtpConfig, msg: EmailMessage) -> NoticeResult:
    """Send one message. Never raises; the error names the failing step, never the password."""
    if config.tls not in TLS_MODES:
        return NoticeResult(False, error=f"tls must be one of {', '.join(TLS_MODES)}")
    try:
        password = Secret(config.password_env, config.password_file).read()
        if config.user and password is None:
            raise ValueError(f"user {config.user} is set but no password (set password_env or password_file)")
        if config.tls == "ssl":
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                config.host, config.port, timeout=config.timeout, context=client_context(config.ca_file)
            )
        else:
            smtp = smtplib.SMTP(config.host, config.port, timeout=config.timeout)
        with smtp:
            if config.tls == "starttls":
                smtp.starttls(context=client_context(config.ca_file))
            if config.user and password is not None:
                smtp.login(config.user, password)
            smtp.send_message(msg)
    except Exception as exc:
        return NoticeResult(False, error=f"cannot send to {msg['To']}: {describe_smtp_error(exc, config)}")
    return NoticeResult(True, message_id=msg["Message-ID"])


def describe_smtp_error(exc: BaseException, config: SmtpConfig) -> str:
    """One line naming what failed (TLS trust, handshake, STARTTLS, login, refusal)."""
    where = f"{config.host}:{config.port}"
    tls_text = describe_tls_error(exc, where, config.ca_file, config.tls)
    if tls_text is not None:
        return tls_text
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return f"login refused for {config.user} at {where}: {_reply(exc)}"
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        text = str(exc)
        if "AUTH" in text and config.tls == "none":
            text += " before TLS (set tls = starttls or ssl)"
        return f"{where}: {text}"
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{where} refused: {_reply(exc)}" + (
            " (set tls = starttls or ssl)" if config.tls == "none" and exc.smtp_code in (530, 538) else ""
        )
    return describe_error(exc)


def _reply(exc: smtplib.SMTPResponseException) -> str:
    text = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
    return f"{exc.smtp_code} {text}"


def _reply_subject(envelope: Envelope) -> str:
    subject = envelope.subject or envelope.filename or "your order"
    return subject if subject.lower().startswith("re:") else f"Re: {subject}"


def notify_received(config: SmtpConfig, envelope: Envelope, order_ref: str) -> NoticeResult:
    """Confirm to the sender that their document became order ``order_ref``."""
    if not envelope.sender:
        return NoticeResult(False, error="envelope has no sender to answer")
    body = (
        f"We have received your purchase order ({envelope.filename or 'document'}).\n"
        f"Our reference: {order_ref}.\n\nThis is an automatic message."
    )
    return send_notice(
        config, build_notice(config, envelope.sender, _reply_subject(envelope), body, envelope.message_id)
    )


def notify_exception(config: SmtpConfig, envelope: Envelope, reasons: list[str]) -> NoticeResult:
    """Tell the sender their document could not be processed as it is, and why."""
    if not envelope.sender:
        return NoticeResult(False, error="envelope has no sender to answer")
    lines = "\n".join(f"  - {r}" for r in reasons) or "  - (no reason recorded)"
    body = (
        f"We could not process your document {envelope.filename or ''} automatically:\n{lines}\n\n"
        "Our customer service team will look at it. You may also send a corrected order.\n\n"
        "This is an automatic message."
    )
    return send_notice(
        config, build_notice(config, envelope.sender, _reply_subject(envelope), body, envelope.message_id)
    )
