"""Optional mail back to the sender: "order received" confirmations and exception notices.

Threads onto the buyer's original mail (In-Reply-To/References) so it lands in the same
conversation. Sending never raises: the result says whether it went and why not.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr

from orderflow.canonical import Envelope
from orderflow.intake.base import Secret, describe_error

TLS_MODES = ("none", "ssl", "starttls")


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    sender: str  # From: address, e.g. "Orders <orders@example.com>"
    port: int = 587
    tls: str = "starttls"  # none | ssl | starttls
    user: str | None = None
    password_env: str | None = None
    password_file: str | None = None
    timeout: float = 30.0
    ca_file: str | None = None


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
    """Send one message. Never raises."""
    if config.tls not in TLS_MODES:
        return NoticeResult(False, error=f"tls must be one of {', '.join(TLS_MODES)}")
    try:
        password = Secret(config.password_env, config.password_file).read()
        ctx = ssl.create_default_context(cafile=config.ca_file)
        if config.tls == "ssl":
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                config.host, config.port, timeout=config.timeout, context=ctx
            )
        else:
            smtp = smtplib.SMTP(config.host, config.port, timeout=config.timeout)
        with smtp:
            if config.tls == "starttls":
                smtp.starttls(context=ctx)
            if config.user and password is not None:
                smtp.login(config.user, password)
            smtp.send_message(msg)
    except Exception as exc:
        return NoticeResult(False, error=f"cannot send to {msg['To']}: {describe_error(exc)}")
    return NoticeResult(True, message_id=msg["Message-ID"])


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
