"""Strict lint for EDI files (``orderflow edi lint FILE``): what a strict partner's translator would say.

X12 goes through pyx12's reader (fixed-width ISA, 00401/00501 only, counts and control numbers);
EDIFACT through pydifact plus our own trailer count checks (pydifact does not count). Our
tolerant readers accept much more; this tells a person what is non-standard.
"""

from __future__ import annotations

import io
import warnings

from orderflow.extractors.edi import edifact, x12


def _lint_x12(text: str) -> list[str]:
    from pyx12.errors import X12Error
    from pyx12.x12file import X12Reader

    problems: list[str] = []
    try:
        reader = X12Reader(io.StringIO(text.lstrip("\ufeff")))
        count = sum(1 for _seg in reader)
        reader.cleanup()
        for err in reader.pop_errors():
            problems.append(f"pyx12: {err[0]} error {err[1]}: {err[2]}")
    except X12Error as exc:
        problems.append(f"pyx12: {exc}")
        count = 0
    except Exception as exc:  # pyx12 raising anything else is still a finding, not a crash
        problems.append(f"pyx12: {type(exc).__name__}: {exc}")
        count = 0
    ours = x12.tokenize(text)
    if count and count < len(ours.items):
        problems.append(
            f"pyx12 read {count} segments, the file has {len(ours.items)} (empty segment or "
            "unterminated last segment)."
        )
    _meta, diags = x12.envelope(ours)
    problems += [f"envelope: {d.message}" for d in diags]
    return list(dict.fromkeys(problems))


def _lint_edifact(text: str) -> list[str]:
    from pydifact.segmentcollection import Interchange

    problems: list[str] = []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            interchange = Interchange.from_str(text)
            list(interchange.get_messages())
    except Exception as exc:
        problems.append(f"pydifact: {type(exc).__name__}: {exc}")
    segs = edifact.tokenize(text)
    _meta, diags = edifact.envelope(segs)
    problems += [f"envelope: {d.message}" for d in diags]
    return problems


def lint(data: bytes) -> list[str]:
    """Strict findings for an X12 or EDIFACT file; an empty list means clean."""
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith((b"UNA", b"UNB", b"UNH", b"UNG")):
        text, _charset, diags = edifact.decode(data)
        return [d.message for d in diags] + _lint_edifact(text)
    if not head:
        return ["The file is empty."]
    text = x12.decode(data)
    if not x12.tokenize(text).items:
        return ["Neither X12 (ISA/ST) nor EDIFACT (UNA/UNB/UNH) content."]
    return _lint_x12(text)
