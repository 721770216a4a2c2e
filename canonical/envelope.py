"""Envelope: raw bytes of one document plus what the channel knew about it."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, computed_field


class Envelope(BaseModel):
    """One document as a channel delivered it. Its sha256 is its identity."""

    model_config = ConfigDict(extra="forbid")
    data: bytes
    filename: str | None = None
    channel: str = "cli"
    sender: str | None = None
    subject: str | None = None
    message_id: str | None = None
    received_at: dt.datetime = Field(default_factory=lambda: dt.datetime.now(dt.UTC))
    content_type: str | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()
