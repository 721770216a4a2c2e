"""Watched local folder: files appear in ``inbound``, are taken once, moved after commit."""

from __future__ import annotations

import os
import shutil
import stat
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from orderflow.intake.base import Commit, PollReport, SizeTracker
from orderflow.intake.drop import DropPlan, FileStat, poll_drop


@dataclass(frozen=True)
class FolderConfig:
    inbound: str
    archive: str
    failed: str
    name: str | None = None
    settle_seconds: float = 5.0  # pause between two looks at a new file, and the age a file must reach
    empty_grace_seconds: float = 300.0  # a 0-byte file younger than this may still be filled
    max_files: int = 500

    @property
    def label(self) -> str:
        return self.name or self.inbound

    @property
    def min_age_seconds(self) -> float:
        """A local file is taken once its last write is ``settle_seconds`` old (our own clock)."""
        return self.settle_seconds


class LocalFS:
    def list(self, directory: str) -> list[FileStat]:
        out = []
        with os.scandir(directory) as it:
            for entry in it:
                st = entry.stat(follow_symlinks=False)
                if stat.S_ISREG(st.st_mode):
                    out.append(FileStat(entry.name, st.st_size, st.st_mtime))
        return out

    def read(self, path: str) -> bytes:
        return Path(path).read_bytes()

    def rename(self, src: str, dst: str) -> None:
        try:
            os.replace(src, dst)
        except OSError as exc:
            if exc.errno != 18:  # EXDEV: archive on another filesystem
                raise
            tmp = dst + ".part"
            shutil.copy2(src, tmp)
            os.replace(tmp, dst)
            os.remove(src)

    def join(self, directory: str, name: str) -> str:
        return os.path.join(directory, name)

    def alive(self) -> bool:
        return True

    def exists(self, path: str) -> bool:
        return os.path.lexists(path)


def poll_folder(
    config: FolderConfig,
    commit: Commit,
    tracker: SizeTracker | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> PollReport:
    """Take every finished file in ``config.inbound``. Never raises."""
    for d in (config.archive, config.failed):
        try:
            os.makedirs(d, exist_ok=True)
        except OSError as exc:
            report = PollReport(channel="folder")
            report.errors.append(f"{config.label}: cannot create {d}: {exc.strerror}")
            return report
    plan = DropPlan.of("folder", config)
    return poll_drop(LocalFS(), plan, commit, tracker, sleep)
