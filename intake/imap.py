"""IMAP mailbox poller: one Envelope per order attachment, moved only after commit.

Every message still in the watched folder is offered (UNSEEN ones and any a crashed poll
left behind); the store's sha256 check turns a re-offer into "duplicate", which is then
simply moved. BODY.PEEK keeps \\Seen untouched until the message is moved away.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from imapclient import IMAPClient
from imapclient.exceptions import LoginError
from imapclient.imapclient import DELETED

from orderflow.canonical import Envelope
from orderflow.intake.base import (
    NOT_AN_ORDER,
    Commit,
    PollReport,
    Secret,
    describe_error,
    outcome_of,
    record,
)
from orderflow.intake.mime import MailSplit, split_message
from orderflow.intake.names import original_if_changed
from orderflow.intake.tls import TLS_MODES, client_context, describe_tls_error

log = logging.getLogger(__name__)

__all__ = ["TLS_MODES", "ImapConfig", "connect", "describe_connect_error", "poll_imap"]


@dataclass(frozen=True)
class ImapConfig:
    """One mailbox. The password comes from ``password_env`` (a variable name) or ``password_file``."""

    host: str
    user: str
    port: int = 993
    tls: str = "ssl"  # none | ssl | starttls
    password_env: str | None = None
    password_file: str | None = None
    folder: str = "INBOX"
    processed_folder: str = "Processed"
    failed_folder: str = "Failed"
    name: str | None = None  # label in reports and metadata; defaults to user@host
    timeout: float = 60.0
    ca_file: str | None = None  # extra CA bundle for a private server certificate
    max_messages: int = 200  # per poll; the rest waits for the next one
    use_move: bool | None = None  # None: MOVE when the server has it, else COPY + \Deleted + EXPUNGE

    @property
    def label(self) -> str:
        return self.name or f"{self.user}@{self.host}"


def connect(config: ImapConfig) -> IMAPClient:
    """Open, secure and log in. Raises with a readable message (never containing the password)."""
    if config.tls not in TLS_MODES:
        raise ValueError(f"tls must be one of {', '.join(TLS_MODES)}, not {config.tls!r}")
    password = Secret(config.password_env, config.password_file).read()
    if password is None:
        raise ValueError("no password configured (set password_env or password_file)")
    use_ssl = config.tls == "ssl"
    client = IMAPClient(
        config.host,
        port=config.port,
        ssl=use_ssl,
        ssl_context=client_context(config.ca_file) if use_ssl else None,
        timeout=config.timeout,
    )
    try:
        client.normalise_times = False
        if config.tls == "starttls":
            client.starttls(client_context(config.ca_file))
        client.login(config.user, password)
    except BaseException:
        _close(client)
        raise
    return client


def describe_connect_error(exc: BaseException, config: ImapConfig) -> str:
    """One line naming what failed (TLS trust, handshake, login) and what to change."""
    where = f"{config.host}:{config.port}"
    tls_text = describe_tls_error(exc, where, config.ca_file, config.tls)
    if tls_text is not None:
        return tls_text
    if isinstance(exc, LoginError):
        text = str(exc)
        if text.startswith(("b'", 'b"')) and text.endswith(("'", '"')):
            text = text[2:-1]  # imapclient hands over the server's bytes repr
        hint = " (the server may accept logins only over TLS: set tls = ssl or starttls)"
        return f"login refused for {config.user} at {where}: {text}" + (hint if config.tls == "none" else "")
    return describe_error(exc)


def _close(client: IMAPClient) -> None:
    try:
        client.logout()
    except Exception:
        try:
            client.shutdown()
        except Exception:
            pass


def ensure_folder(client: IMAPClient, folder: str) -> None:
    if not client.folder_exists(folder):
        client.create_folder(folder)


def move(client: IMAPClient, uid: int, dest: str, use_move: bool | None = None) -> None:
    """MOVE when possible, else COPY + \\Deleted + (UID) EXPUNGE."""
    if use_move is None:
        use_move = client.has_capability("MOVE")
    if use_move:
        client.move([uid], dest)
        return
    client.copy([uid], dest)
    client.add_flags([uid], [DELETED], silent=True)
    if client.has_capability("UIDPLUS"):
        client.uid_expunge([uid])
    else:
        client.expunge()


def envelopes_for(
    split: MailSplit, raw: bytes, uid: int, received: dt.datetime, meta: dict
) -> tuple[list[Envelope], bool]:
    """The envelopes to commit for one mail, and whether the mail as a whole failed."""
    common: dict[str, Any] = dict(
        channel="imap",
        sender=split.sender,
        subject=split.subject,
        message_id=split.message_id,
        received_at=split.date or received,
    )
    reason = split.failure_reason()
    if reason is not None:
        env = Envelope(
            data=raw,
            filename=f"message-{uid}.eml",
            content_type="message/rfc822",
            metadata={**meta, NOT_AN_ORDER: reason, "ignored": split.ignored},
            **common,
        )
        return [env], True
    out: list[Envelope] = []
    others = [a.filename for a in split.not_orders]
    for i, att in enumerate(split.orders):
        out.append(
            Envelope(
                data=att.data,
                filename=att.filename,
                content_type=att.content_type,
                metadata={**meta, "attachment_index": i, "other_attachments": others,
                          **original_if_changed(att.original_name, att.filename)},
                **common,
            )
        )
    for att in split.not_orders:  # kept and marked, but they do not hold the orders back
        out.append(
            Envelope(
                data=att.data,
                filename=att.filename,
                content_type=att.content_type,
                metadata={**meta, NOT_AN_ORDER: att.reason, **original_if_changed(att.original_name, att.filename)},
                **common,
            )
        )
    return out, False


class _Skip(Exception):
    """The message vanished between SEARCH and FETCH (another poller took it)."""


def poll_imap(config: ImapConfig, commit: Commit) -> PollReport:
    """Take every message in ``config.folder``; commit its documents; then move it. Never raises."""
    report = PollReport(channel="imap")
    try:
        client = connect(config)
    except Exception as exc:
        report.errors.append(f"{config.label}: cannot connect or log in: {describe_connect_error(exc, config)}")
        return report
    try:
        ensure_folder(client, config.processed_folder)
        ensure_folder(client, config.failed_folder)
        selected = client.select_folder(config.folder)
        uidvalidity = selected.get(b"UIDVALIDITY")
        uids = sorted(client.search(["ALL"]))[: config.max_messages]
        for uid in uids:
            try:
                _process_one(client, config, uid, uidvalidity, commit, report)
            except _Skip:
                continue
            except Exception as exc:  # the connection is in an unknown state: stop, retry next poll
                report.errors.append(
                    f"{config.label} {config.folder} uid {uid}: server error, message left in place: "
                    f"{describe_error(exc)}"
                )
                break
    except Exception as exc:
        report.errors.append(f"{config.label}: {describe_error(exc)}")
    finally:
        _close(client)
    return report


def _process_one(
    client: IMAPClient, config: ImapConfig, uid: int, uidvalidity, commit: Commit, report: PollReport
) -> None:
    fetched = client.fetch([uid], ["BODY.PEEK[]", "INTERNALDATE"])
    data = fetched.get(uid)
    if not data or b"BODY[]" not in data:
        raise _Skip()
    raw: bytes = data[b"BODY[]"]
    received = data.get(b"INTERNALDATE") or dt.datetime.now(dt.UTC)
    if received.tzinfo is None:
        received = received.replace(tzinfo=dt.UTC)
    meta = {
        "mailbox": config.label,
        "folder": config.folder,
        "uid": uid,
        "uidvalidity": uidvalidity,
    }
    split = split_message(raw)
    envelopes, whole_failed = envelopes_for(split, raw, uid, received, meta)
    label = f"{config.label} {config.folder} uid {uid}"
    for env in envelopes:
        try:
            outcome = outcome_of(commit(env))
        except Exception as exc:
            report.errors.append(
                f"{label} {env.filename}: not stored, message left in {config.folder}: {describe_error(exc)}"
            )
            return
        record(report, env, outcome, f"{label} {env.filename}")
    dest = config.failed_folder if whole_failed else config.processed_folder
    move(client, uid, dest, config.use_move)
    log.info("%s: moved to %s", label, dest)
