"""What every channel poller shares: the commit contract, the poll report, secrets.

The rule "nothing lost" lives here as a contract: a poller hands each document to the
caller's ``commit`` callable and acknowledges the source (IMAP move, SFTP/folder archive)
only after ``commit`` returned. If ``commit`` raises, the source is left untouched and
the next poll offers the document again (the store then answers "duplicate").
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from orderflow.canonical import Envelope

#: Envelope.metadata key set on envelopes that are kept but are not orders. Its value is a
#: human-readable reason ("no order attachment", "malformed MIME: ...", "empty file", ...).
#: The caller must store such an envelope as a *failed* document with that reason.
NOT_AN_ORDER = "not_an_order"


class CommitOutcome(StrEnum):
    """What the caller's commit did with an envelope. Raising means "not stored"."""

    STORED = "stored"
    DUPLICATE = "duplicate"  # already in the store (same sha256): acknowledge the source anyway


#: Supplied by the caller (the flows): save the document, say whether it was new.
Commit = Callable[[Envelope], "CommitOutcome | str"]


def is_not_an_order(envelope: Envelope) -> bool:
    return NOT_AN_ORDER in envelope.metadata


def not_an_order_reason(envelope: Envelope) -> str | None:
    return envelope.metadata.get(NOT_AN_ORDER)


@dataclass
class PollReport:
    """Everything one poll did, as readable lines (one per document or message).

    ``taken``: committed as new documents; ``duplicates``: already in the store, acknowledged;
    ``failed``: committed as failed documents (not an order) and moved to the failed place;
    ``skipped``: left alone for a later poll (still being written); ``errors``: what went
    wrong (connection, commit raised, move failed) — the affected source stays for the next poll.
    """

    channel: str
    taken: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def counts(self) -> dict[str, int]:
        return {
            "taken": len(self.taken),
            "duplicates": len(self.duplicates),
            "failed": len(self.failed),
            "skipped": len(self.skipped),
            "errors": len(self.errors),
        }

    def summary(self) -> str:
        return f"{self.channel}: " + ", ".join(f"{k} {v}" for k, v in self.counts().items())


def outcome_of(value: CommitOutcome | str) -> CommitOutcome:
    """Accept the enum or its string; anything else is a caller bug worth a clear message."""
    try:
        return CommitOutcome(value)
    except ValueError as exc:
        raise ValueError(f"commit returned {value!r}; expected 'stored' or 'duplicate'") from exc


def record(report: PollReport, envelope: Envelope, outcome: CommitOutcome, label: str) -> None:
    """File one committed envelope under the right heading of the report."""
    reason = not_an_order_reason(envelope)
    if reason is not None:
        report.failed.append(f"{label}: {reason}" + (" (already stored)" if outcome == "duplicate" else ""))
    elif outcome == CommitOutcome.DUPLICATE:
        report.duplicates.append(label)
    else:
        report.taken.append(label)


def describe_error(exc: BaseException) -> str:
    """One readable line for an exception (no traceback, no secrets)."""
    text = str(exc).strip() or exc.__class__.__name__
    return f"{exc.__class__.__name__}: {text}" if text != exc.__class__.__name__ else text


@dataclass(frozen=True)
class Secret:
    """Where a password comes from: an environment variable name or a file path. Never the value."""

    env: str | None = None
    file: str | None = None

    def read(self) -> str | None:
        if self.env:
            value = os.environ.get(self.env)
            if value is None:
                raise ValueError(f"environment variable {self.env} is not set")
            return value
        if self.file:
            try:
                return Path(self.file).read_text(encoding="utf-8").rstrip("\r\n")
            except OSError as exc:
                raise ValueError(f"cannot read secret file {self.file}: {exc.strerror}") from exc
        return None


class ChannelError(Exception):
    """A channel operation failed (connection, permission, ...); the message is readable as is."""


class SizeTracker:
    """Remembers each file's (size, mtime) from the previous look, across polls.

    A file is taken only when two looks agree: a writer still appending changes one or both.
    Keep one tracker per drop in a long-running poller; without one, a poll looks twice
    with a short pause instead.
    """

    def __init__(self) -> None:
        self._seen: dict[str, tuple[int, float]] = {}

    def stable(self, key: str, size: int, mtime: float) -> bool:
        previous = self._seen.get(key)
        self._seen[key] = (size, mtime)
        return previous == (size, mtime)

    def forget(self, key: str) -> None:
        self._seen.pop(key, None)

    def keep_only(self, keys: set[str]) -> None:
        for key in set(self._seen) - keys:
            del self._seen[key]
