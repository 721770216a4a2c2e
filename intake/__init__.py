"""orderflow.intake — channel sources yielding Envelopes, acknowledged only after commit.

Public API (imported lazily so ``import orderflow.intake`` does not load paramiko/fastapi):

- ``poll_imap(ImapConfig, commit) -> PollReport``
- ``poll_sftp(SftpConfig, commit, tracker=None) -> PollReport``; ``write_outbox(SftpConfig, name, data) -> str``
- ``poll_folder(FolderConfig, commit, tracker=None) -> PollReport``
- ``create_portal_app(submit, get_order, tokens) -> FastAPI``
- ``notify_received / notify_exception(SmtpConfig, envelope, ...) -> NoticeResult``

``commit(envelope) -> "stored" | "duplicate"`` (or raises: the source is left for the next poll).
Envelopes with ``metadata[NOT_AN_ORDER]`` must be stored as failed documents with that reason.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "NOT_AN_ORDER": "base",
    "ChannelError": "base",
    "Commit": "base",
    "CommitOutcome": "base",
    "PollReport": "base",
    "SizeTracker": "base",
    "is_not_an_order": "base",
    "not_an_order_reason": "base",
    "ImapConfig": "imap",
    "poll_imap": "imap",
    "SftpConfig": "sftp",
    "poll_sftp": "sftp",
    "write_outbox": "sftp",
    "FolderConfig": "folder",
    "poll_folder": "folder",
    "create_portal_app": "portal_api",
    "SmtpConfig": "smtp_notify",
    "NoticeResult": "smtp_notify",
    "notify_received": "smtp_notify",
    "notify_exception": "smtp_notify",
    "send_notice": "smtp_notify",
    "split_message": "mime",
    "classify": "sniff",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'orderflow.intake' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"orderflow.intake.{module}"), name)
    globals()[name] = value
    return value
