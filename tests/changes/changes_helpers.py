"""Small helpers for the order-change tests: feed sample files, read replies back."""

from __future__ import annotations

import io
from pathlib import Path

from pyx12.x12file import X12Reader

from orderflow.canonical import Envelope
from orderflow.extractors.edi import x12 as x
from orderflow.flows.pipeline import DocumentOutcome, ingest_and_process
from orderflow.flows.settings import SAMPLES_DIR

CHANGES = SAMPLES_DIR / "changes"
X12_SENDER = "4405197800"
EDIFACT_SENDER = "8711576000012"


def feed(services, name: str, *, data: bytes | None = None, sender: str = X12_SENDER) -> DocumentOutcome:
    raw = data if data is not None else (CHANGES / name).read_bytes()
    return ingest_and_process(services, Envelope(data=raw, filename=name, channel="sftp", sender=sender))


def replies(settings, pattern: str, partner: str = X12_SENDER) -> list[Path]:
    return sorted((settings.replies / partner).glob(pattern))


def read_865(text: str) -> dict:
    """Read an 865 with pyx12 (no errors allowed) and with our own tokenizer; what the lines say."""
    reader = X12Reader(io.StringIO(text))
    list(reader)
    reader.cleanup()
    assert reader.pop_errors() == []
    segs = x.tokenize(text)
    meta, diags = x.envelope(segs)
    assert diags == []
    tx = meta["interchanges"][0]["groups"][0]["sets"][0]
    items = list(segs.items)
    bca = next(p for p in items if p[0] == "BCA")
    return {
        "set": tx["id"],
        "bca": bca,
        "poc": [p[1:3] for p in items if p[0] == "POC"],
        "ack": [p[1] for p in items if p[0] == "ACK"],
        "ack_qty": [p[2] if len(p) > 2 else None for p in items if p[0] == "ACK"],
        "msg": [p[1] for p in items if p[0] == "MSG"],
        "ref": [p[1:3] for p in items if p[0] == "REF"],
    }


def with_control(text: str, control: int) -> bytes:
    """The same document in a new envelope (ISA13/GS06 changed): different bytes, same content."""
    old = text.split("*")[13][:9]
    gs = text.split("GS*")[1].split("*")[5]
    return text.replace(old, f"{control:09d}").replace(f"*{gs}*X*", f"*{control}*X*").replace(
        f"GE*1*{gs}~", f"GE*1*{control}~").encode()
