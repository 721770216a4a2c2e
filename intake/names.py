"""File names that came from outside (mail attachments, files in a drop) made safe to show and store.

A sender chooses these names: NUL and control characters break logs and file systems, bidi
controls (U+202E) make ``invoice\u202efdp.exe`` display as ``invoiceexe.pdf``, and a
1,000-character name overflows every column and path. The cleaned name is what the store,
the review app and the archive use; the original is kept in the document's metadata.
"""

from __future__ import annotations

import unicodedata
from pathlib import PurePosixPath

#: Longest cleaned name, in characters (file systems allow 255 bytes; UTF-8 takes up to 4 per char).
MAX_NAME_CHARS = 120
_MAX_SUFFIX = 16

# Cc controls (NUL, ESC, DEL...), Cf format characters (bidi overrides and isolates, zero-width
# joiners, BOM), Cs surrogates, Co private use, Cn unassigned; plus the line/paragraph separators.
_DROPPED = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def clean_name(name: str, max_chars: int = MAX_NAME_CHARS) -> str:
    """``name`` without control, format and bidi characters, whitespace runs as one space, no
    leading/trailing dots or spaces, at most ``max_chars`` characters (the extension is kept).
    Returns "" when nothing usable is left (the caller picks a fallback name)."""
    text = unicodedata.normalize("NFC", name)
    text = "".join(" " if ch.isspace() else ch for ch in text if unicodedata.category(ch) not in _DROPPED)
    text = " ".join(text.split()).strip(" .")
    if len(text) <= max_chars:
        return text
    suffix = PurePosixPath(text).suffix
    if len(suffix) > _MAX_SUFFIX or len(suffix) >= max_chars:
        suffix = ""
    stem = text[: len(text) - len(suffix)] if suffix else text
    return stem[: max_chars - len(suffix)].rstrip(" .") + suffix


def escaped(name: str) -> str:
    """``name`` with every character ``clean_name`` drops written as ``\\uXXXX`` (and ``\\`` doubled):
    printable, storable (PostgreSQL JSON refuses NUL) and reversible."""
    out = []
    for ch in name.replace("\\", "\\\\"):
        if unicodedata.category(ch) in _DROPPED:
            out.append(f"\\u{ord(ch):04x}" if ord(ch) <= 0xFFFF else f"\\U{ord(ch):08x}")
        else:
            out.append(ch)
    return "".join(out)


def original_if_changed(original: str | None, cleaned: str) -> dict[str, str]:
    """``{"original_filename": ...}`` (escaped, capped at 4,096 characters) for the document's metadata
    when cleaning changed the sender's name."""
    if original is None or original == cleaned:
        return {}
    return {"original_filename": escaped(original)[:4096]}
