"""Progress of a CLI run over many documents: a rich bar on a terminal, one line per document otherwise.

``orderflow process`` on forty PDFs used to print nothing until the end (16 s and more). Lines go to
stderr, so stdout keeps the summary table (or the JSON), and a log file or CI output shows each document
as it finishes.
"""

from __future__ import annotations

import sys
from types import TracebackType
from typing import Any, TextIO


def describe(outcome: Any) -> str:
    """One document's result in words: ``processed: 2 orders (pushed, needs_review)`` or ``failed: reason``."""
    if outcome.state == "failed":
        return f"failed: {outcome.reason or 'no reason recorded'}"
    states = ", ".join(o.state for o in outcome.orders) or "no order"
    n = len(outcome.orders)
    return f"{outcome.state}{' (already known)' if outcome.duplicate else ''}: {n} order{'s' * (n != 1)} ({states})"


class DocumentProgress:
    """Context manager: ``done(name, outcome)`` after each document."""

    def __init__(self, total: int, *, stream: TextIO | None = None, enabled: bool = True) -> None:
        self.total, self.count, self.enabled = total, 0, enabled
        self.stream = stream or sys.stderr
        self._bar: Any = None
        self._task: Any = None

    def __enter__(self) -> DocumentProgress:
        if self.enabled and self.stream.isatty():
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self._bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                 TimeElapsedColumn(), console=Console(file=self.stream), transient=True)
            self._bar.start()
            self._task = self._bar.add_task("processing", total=self.total)
        return self

    def done(self, name: str | None, outcome: Any) -> None:
        self.count += 1
        if not self.enabled:
            return
        if self._bar is not None:
            self._bar.update(self._task, advance=1, description=f"{name or 'document'}")
            return
        print(f"[{self.count}/{self.total}] {name or 'document'}: {describe(outcome)}", file=self.stream, flush=True)

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._bar is not None:
            self._bar.stop()
