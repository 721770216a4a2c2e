"""The extractor plug-in protocol: sniff bytes, extract canonical drafts.

An extractor takes bytes and plain parameters and returns an ``Extraction``. It never
raises for bad input: it returns a PARSE_ERROR issue with a reason a CSR can read
(``ExtractionError`` is the one way to say "this document is unusable").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:  # annotations only: this module loads without pydantic (the EDI wire path)
    from orderflow.canonical import Extraction


class ExtractionError(Exception):
    """The document cannot be read: the message is the reason shown to a person."""


@dataclass(frozen=True)
class ExtractContext:
    """What an extractor may know besides the bytes.

    ``hints`` are partner or learned hints for this sender (same format for both);
    ``limits`` bound pages, cells and seconds so hostile files cannot run away.
    """

    filename: str | None = None
    sender: str | None = None
    channel: str = "cli"
    hints: list[dict[str, Any]] = field(default_factory=list)
    max_pages: int = 200
    max_seconds: float = 120.0
    max_bytes: int = 50 * 1024 * 1024
    ocr: bool = True


@runtime_checkable
class Extractor(Protocol):
    """One document format."""

    name: str

    def sniff(self, data: bytes, filename: str | None) -> float:
        """0.0 (not mine) … 1.0 (certainly mine), judged by content first, name second."""
        ...

    def extract(self, data: bytes, ctx: ExtractContext) -> Extraction:
        """Turn the bytes into canonical drafts; never raise except ``ExtractionError``."""
        ...
