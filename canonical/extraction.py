"""What an extractor returns: draft orders, document-level issues and diagnostics."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

from orderflow.canonical.issues import Issue
from orderflow.canonical.order import CanonicalOrder


class Diagnostic(BaseModel):
    """A structured finding about the document itself (EDI envelope counts, bad pages …).

    ``level`` is error|warning; ``position`` points at the segment/page/cell. EDI
    diagnostics carry the X12/EDIFACT error codes that drive 997/CONTRL content.
    """

    model_config = ConfigDict(extra="forbid")
    code: str
    message: str
    level: str = "error"
    position: dict[str, Any] = Field(default_factory=dict)
    syntax_code: str | None = None  # e.g. X12 AK5/AK9 code or EDIFACT CONTRL code


class Extraction(BaseModel):
    """Result of running one extractor over one document."""

    model_config = ConfigDict(extra="forbid")
    format: str
    orders: list[CanonicalOrder] = Field(default_factory=list)
    issues: list[Issue] = Field(default_factory=list)  # document-level (PARSE_ERROR …)
    diagnostics: list[Diagnostic] = Field(default_factory=list)
    metadata: dict[str, Any] = Field(default_factory=dict)  # e.g. EDI envelope, layout fingerprint
    # PDF pages (1-based) that are one big image with a text layer, as the reader saw them; None: not known.
    # Kept out of the JSON: it only spares the confidence stage laying the pages out a second time.
    _scanned_text_pages: list[int] | None = PrivateAttr(default=None)
