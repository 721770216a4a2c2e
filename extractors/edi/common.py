"""What the X12 and EDIFACT readers share: decoding, splitting segments, envelope diagnostics.

Both standards are the same shape (segments of elements, nested envelopes whose trailers
repeat a count and a control reference), so the splitting and the way an envelope fault is
recorded (its syntax code on the envelope node for the 997/CONTRL, plus a ``Diagnostic``) are
written once here. Splitting stays whole-list C-speed work (``str.split``, ``map``).
"""

from __future__ import annotations

from decimal import Decimal
from itertools import repeat
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from orderflow.extractors import limits

if TYPE_CHECKING:
    from orderflow.canonical import Diagnostic

MAX_SEGMENT_CHARS = 100_000  # real segments are under a few hundred characters
TAG = itemgetter(0)
_CENT = Decimal("0.01")


def utf8_or_latin1(data: bytes) -> str:
    """UTF-8 when the bytes are valid UTF-8, else latin-1, which never fails."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def check_segment_lengths(raws: list[str], first_index: int = 0) -> None:
    """An endless segment (no terminator, or not EDI) is refused before it becomes a 40 MB quantity."""
    if raws and max(map(len, raws)) > MAX_SEGMENT_CHARS:
        from orderflow.extractors.base import ExtractionError

        i = next(i for i, r in enumerate(raws) if len(r) > MAX_SEGMENT_CHARS)
        raise ExtractionError(
            f"Segment {first_index + i + 1} is {len(raws[i]):,} characters long (limit {MAX_SEGMENT_CHARS:,}): "
            "the file is missing its segment terminators or is not EDI."
        )


def split_segments(
    text: str, segment: str, element: str, first_index: int = 0, lazy: bool = False
) -> tuple[list[str], list[list[str]], list[str]]:
    """``text`` (line breaks already dealt with) as segment texts, element lists and tags.

    Empty and whitespace-only segments are skipped, padded ones stripped, tags upper-cased;
    the clean common file takes only the fast path. ``first_index`` numbers the segments in
    the error for an endless one. ``lazy``: the element lists are left None (``split_elements``
    makes them a range at a time), so a streamed file never holds all of them at once.
    """
    limits.check("segments", first_index + text.count(segment), "The EDI file")  # before any list is built
    raws = text.split(segment)
    if " " + segment in text or segment + " " in text or "\t" in text or text[:1] == " " or text[-1:] == " ":
        raws = [r.strip() if r and (r[0] in " \t" or r[-1] in " \t") else r for r in raws]
    raws = list(filter(None, raws))  # C speed: no bytecode per segment on the common clean file
    if any(map(str.isspace, raws)):
        raws = [r for r in raws if not r.isspace()]
    check_segment_lengths(raws, first_index)
    if lazy:
        tags = list(map(TAG, map(str.split, raws, repeat(element), repeat(1))))
        if not "".join(tags).isupper():
            tags = [t.upper() for t in tags]
        return raws, [None] * len(raws), tags  # type: ignore[list-item]
    items = list(map(str.split, raws, repeat(element)))  # map: no bytecode per segment
    tags = list(map(TAG, items))
    if not "".join(tags).isupper():  # some tag is lower-case: rare
        for parts in items:
            parts[0] = parts[0].upper()
        tags = list(map(TAG, items))
    return raws, items, tags


def split_elements(raws: list[str], element: str) -> list[list[str]]:
    """The element lists of ``raws`` (tags upper-cased), as ``split_segments`` makes them."""
    items = list(map(str.split, raws, repeat(element)))
    if not "".join(map(TAG, items)).isupper():
        for parts in items:
            parts[0] = parts[0].upper()
    return items


def to_int(value: str | None) -> int | None:
    """A count or control number as int; None when empty or not a number."""
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def diag(code: str, message: str, syntax_code: str, level: str = "error", **position: Any) -> Diagnostic:
    """An envelope fault as a ``Diagnostic`` (pydantic is imported here, on a fault only: the
    clean file's wire path never loads it)."""
    from orderflow.canonical import Diagnostic  # noqa: PLC0415

    return Diagnostic(code=code, message=message, level=level, position=position, syntax_code=syntax_code)


def flag(
    node: dict[str, Any],
    diags: list[Diagnostic],
    code: str,
    syntax_code: str,
    message: str,
    level: str = "error",
    **position: Any,
) -> None:
    """Record an envelope fault: ``syntax_code`` on the node (what the 997/CONTRL reports) and a diagnostic."""
    node["errors"].append(syntax_code)
    diags.append(diag(code, message, syntax_code, level, **position))


# Per-order issues in plain dicts (``Issue(**d)`` makes the model): the X12 wire path reports them
# without pydantic; ``mapping`` wraps the same words for the model path.
def line_count_issue(order_index: int, segment: str, declared: int, actual: int, rule: str) -> dict[str, Any]:
    return {
        "code": "LINE_COUNT_MISMATCH",
        "severity": "warning",
        "field": f"orders[{order_index}].declared_line_count",
        "message": f"{segment} says {declared} lines, the order has {actual}.",
        "expected": declared,
        "actual": actual,
        "rule": rule,
    }


def total_mismatch_issue(
    order_index: int, segment: str, declared: Decimal, computed: Decimal, rule: str
) -> dict[str, Any] | None:
    """TOTAL_MISMATCH when the declared total and the lines differ by more than a cent, else None."""
    if abs(computed - declared) <= _CENT:
        return None
    return {
        "code": "TOTAL_MISMATCH",
        "severity": "warning",
        "field": f"orders[{order_index}].declared_total",
        "message": f"{segment} says {declared}, the lines add up to {computed}.",
        "expected": str(declared),
        "actual": str(computed),
        "rule": rule,
    }


def envelope_issue(
    order_index: int, unit: str, errors: list[str], missing_code: str, rule: str
) -> dict[str, Any] | None:
    """The envelope faults of one message / transaction set as an issue on its order (None: no faults).

    A missing trailer (``missing_code``) means the content may be cut short: an error; any other
    fault is a warning, since the content was read anyway.
    """
    if not errors:
        return None
    level = "error" if missing_code in errors else "warning"
    consequence = "it may be truncated." if level == "error" else "the content was read anyway."
    return {
        "code": "ENVELOPE",
        "severity": level,
        "field": f"orders[{order_index}].source",
        "message": f"{unit} has envelope errors (codes {', '.join(errors)}); {consequence}",
        "rule": rule,
    }
