"""The shared file-drop algorithm behind the SFTP and watched-folder pollers.

list → skip names still being written → two looks agree on (size, mtime) → old enough →
read → commit → rename into archive (orders) or failed (not orders). The rename happens
only after commit returned, so a crash anywhere leaves the file in the inbound directory.

The two looks are one poll's and the next one's (a ``SizeTracker`` kept by a long-running
poller) or two looks ``settle_seconds`` apart within one poll. A writer that stalls mid-file
between two looks at the same size would pass that test, so a local folder also requires the
file's last write to be ``min_age_seconds`` old (the SFTP server's clock is not ours: 0 there).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from orderflow.canonical import Envelope
from orderflow.intake.base import (
    NOT_AN_ORDER,
    Commit,
    PollReport,
    SizeTracker,
    describe_error,
    outcome_of,
    record,
)
from orderflow.intake.names import clean_name, escaped, original_if_changed
from orderflow.intake.sniff import Kind, classify, in_progress_name


@dataclass(frozen=True)
class FileStat:
    name: str
    size: int
    mtime: float  # seconds since the epoch


class DropFS(Protocol):
    def list(self, directory: str) -> list[FileStat]: ...  # regular files only
    def read(self, path: str) -> bytes: ...
    def rename(self, src: str, dst: str) -> None: ...  # atomic, replaces dst
    def join(self, directory: str, name: str) -> str: ...
    def alive(self) -> bool: ...
    def exists(self, path: str) -> bool: ...


class DropSettings(Protocol):
    """What a channel config says about its drop directories (FolderConfig, SftpConfig)."""

    @property
    def label(self) -> str: ...
    @property
    def inbound(self) -> str: ...
    @property
    def archive(self) -> str: ...
    @property
    def failed(self) -> str: ...
    @property
    def settle_seconds(self) -> float: ...
    @property
    def empty_grace_seconds(self) -> float: ...
    @property
    def max_files(self) -> int: ...


@dataclass(frozen=True)
class DropPlan:
    channel: str
    label: str
    inbound: str
    archive: str
    failed: str
    settle_seconds: float = 2.0
    empty_grace_seconds: float = 300.0
    max_files: int = 500
    min_age_seconds: float = 0.0  # the last write must be at least this old (local clock only)

    @classmethod
    def of(cls, channel: str, config: DropSettings) -> DropPlan:
        """The plan for a watched-folder or SFTP channel config (both carry the same drop settings)."""
        return cls(
            channel=channel,
            label=config.label,
            inbound=config.inbound,
            archive=config.archive,
            failed=config.failed,
            settle_seconds=config.settle_seconds,
            empty_grace_seconds=config.empty_grace_seconds,
            max_files=config.max_files,
            min_age_seconds=getattr(config, "min_age_seconds", 0.0),
        )


def _stable_files(
    fs: DropFS,
    plan: DropPlan,
    report: PollReport,
    tracker: SizeTracker | None,
    sleep: Callable[[float], None],
) -> list[FileStat]:
    first = [f for f in fs.list(plan.inbound)]
    candidates = []
    for f in sorted(first, key=lambda f: (f.mtime, f.name)):
        if in_progress_name(f.name):
            report.skipped.append(f"{plan.label} {f.name}: temporary or hidden name, still being written")
        else:
            candidates.append(f)
    stable: list[FileStat] = []
    if tracker is not None:
        tracker.keep_only({f.name for f in candidates})
        for f in candidates:
            if tracker.stable(f.name, f.size, f.mtime):
                stable.append(f)
            else:
                report.skipped.append(f"{plan.label} {f.name}: first seen or still growing, next poll")
        return _old_enough(stable, plan, report)
    if not candidates:
        return []
    sleep(plan.settle_seconds)
    second = {f.name: f for f in fs.list(plan.inbound)}
    for f in candidates:
        again = second.get(f.name)
        if again is None:
            continue  # taken by someone else meanwhile
        if (again.size, again.mtime) != (f.size, f.mtime):
            report.skipped.append(f"{plan.label} {f.name}: size changing ({f.size} → {again.size} bytes)")
        else:
            stable.append(again)
    return _old_enough(stable, plan, report)


def _old_enough(files: list[FileStat], plan: DropPlan, report: PollReport) -> list[FileStat]:
    """Files whose last write is at least ``min_age_seconds`` old: a stalled writer is not done."""
    if plan.min_age_seconds <= 0:
        return files
    now = time.time()
    out = []
    for f in sorted(files, key=lambda f: (f.mtime, f.name)):
        age = now - f.mtime
        if age < plan.min_age_seconds:
            report.skipped.append(f"{plan.label} {f.name}: written {max(age, 0):.1f}s ago, "
                                  f"taken once {plan.min_age_seconds:g}s old")
        else:
            out.append(f)
    return out


def poll_drop(
    fs: DropFS,
    plan: DropPlan,
    commit: Commit,
    tracker: SizeTracker | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> PollReport:
    """One pass over the inbound directory. Never raises; problems land in ``report.errors``."""
    report = PollReport(channel=plan.channel)
    try:
        files = _stable_files(fs, plan, report, tracker, sleep)
    except Exception as exc:
        report.errors.append(f"{plan.label}: cannot list {plan.inbound}: {describe_error(exc)}")
        return report
    now = time.time()
    for f in files[: plan.max_files]:
        label = f"{plan.label} {f.name}"
        if f.size == 0 and now - f.mtime < plan.empty_grace_seconds:
            report.skipped.append(f"{label}: empty file, waiting {plan.empty_grace_seconds:.0f}s for content")
            continue
        try:
            _take(fs, plan, f, commit, report, label)
        except Exception as exc:
            report.errors.append(f"{label}: left in {plan.inbound}: {describe_error(exc)}")
            if not fs.alive():
                report.errors.append(f"{plan.label}: connection lost, stopping this poll")
                break
        if tracker is not None:
            tracker.forget(f.name)
    return report


def _take(fs: DropFS, plan: DropPlan, f: FileStat, commit: Commit, report: PollReport, label: str) -> None:
    src = fs.join(plan.inbound, f.name)
    data = fs.read(src)
    if len(data) != f.size:
        report.skipped.append(f"{label}: changed while reading ({f.size} → {len(data)} bytes), next poll")
        return
    name = clean_name(f.name) or "file"
    kind, reason = classify(name, data)
    meta: dict = {"drop": plan.label, "path": escaped(src), "size": f.size, "mtime": f.mtime,
                  **original_if_changed(f.name, name)}
    if kind is not Kind.ORDER:
        meta[NOT_AN_ORDER] = reason
    env = Envelope(
        data=data,
        filename=name,
        channel=plan.channel,
        received_at=dt.datetime.fromtimestamp(f.mtime, dt.UTC),
        metadata=meta,
    )
    try:
        outcome = outcome_of(commit(env))
    except Exception as exc:
        report.errors.append(f"{label}: not stored, left in {plan.inbound}: {describe_error(exc)}")
        return
    record(report, env, outcome, label)
    dest_dir = plan.failed if NOT_AN_ORDER in meta else plan.archive
    fs.rename(src, archive_path(fs, dest_dir, f.name, data))


def archive_path(fs: DropFS, directory: str, name: str, data: bytes) -> str:
    """Where a taken file goes: its own name, or, when an earlier, different file of that name is
    already there (partners reuse names like ``orders.csv``), ``stem.<sha256 prefix>.ext`` — never
    over it. The same bytes again (a re-sent duplicate) replace their identical copy."""
    dest = fs.join(directory, name)
    if not fs.exists(dest) or _same_bytes(fs, dest, data):
        return dest
    stem, dot, ext = name.rpartition(".")
    if not stem:
        stem, dot, ext = name, "", ""
    digest = hashlib.sha256(data).hexdigest()
    for n in range(100):
        tag = digest[:12] if n == 0 else f"{digest[:12]}-{n}"
        dest = fs.join(directory, f"{stem}.{tag}{dot}{ext}")
        if not fs.exists(dest):
            return dest
    raise FileExistsError(f"{directory}: 100 archived files named like {name}")


def _same_bytes(fs: DropFS, path: str, data: bytes) -> bool:
    try:
        return fs.read(path) == data
    except OSError:
        return False
