"""``orderflow extract FILE.edi --json`` for X12 without pydantic: the wire path.

The mapper (``extractors.edi.x12_map``) gives dict-shaped orders; each is written with orjson
(``canonical.wire``) and dropped before the next set is mapped. Importing pydantic and building
the canonical schemas was a third of the whole run on a 216,000-segment interchange. Output,
messages and exit codes are those of the model path (``cli_start.write_json``); the tests run
both on every EDI file we have. Any other file (or a sniff short of certain) returns None: the
caller takes the model path.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any, BinaryIO

from orderflow.extractors.base import ExtractContext, ExtractionError
from orderflow.flows.cli_start import UsageFailure  # stdlib-only module: no circle


def _parse_error(exc: Exception) -> dict[str, Any]:
    """What ``EdiExtractor._parse_error`` says about a failure half-way."""
    if isinstance(exc, ExtractionError):
        return {"code": "PARSE_ERROR", "severity": "error", "message": str(exc)}
    message = f"The X12 file could not be read: {type(exc).__name__}: {exc}"
    return {"code": "PARSE_ERROR", "severity": "error", "message": message}


def _dumps(order: dict[str, Any]) -> bytes:
    from orderflow.canonical.wire import order_bytes

    try:
        return order_bytes(order)
    except (TypeError, ValueError):  # what orjson refuses (an int past 64 bits): pydantic writes it
        from decimal import Decimal  # noqa: PLC0415

        from orderflow.canonical import order_json  # noqa: PLC0415
        from orderflow.extractors.edi.mapping import order_model  # noqa: PLC0415

        for line in order["lines"]:  # the wire mapper's JSON text of a number back to its Decimal
            for key in ("qty", "unit_price"):
                if type(line[key]) is str:
                    line[key] = Decimal(line[key])
        return order_json(order_model(order))


def extract_x12(data: bytes, name: str, out: BinaryIO) -> tuple[int, list[dict[str, Any]]] | None:
    """Write the orders of an X12 file as ``extract --json`` does: ``(orders written, issues)``;
    None (nothing written) when the bytes are not certainly X12 for the registry's sniff."""
    from orderflow.extractors.edi import x12_map
    from orderflow.extractors.edi.partners import PartnerDirectory

    ctx = ExtractContext(filename=name)
    if not data.strip() or len(data) > ctx.max_bytes or x12_map.sniff_x12(data) < 1.0:
        return None
    issues: list[dict[str, Any]] = []

    def found(_diagnostics: list[Any], _metadata: dict[str, Any]) -> None:
        pass

    orders = x12_map.read_orders(
        data,
        partners=PartnerDirectory(),
        hints=ctx.hints,
        filename=ctx.filename,
        channel=ctx.channel,
        sender=ctx.sender,
        issue=issues.append,
        found=found,
        release=True,
        wire=True,
    )

    def guarded() -> Iterator[dict[str, Any]]:
        try:
            yield from orders
        except Exception as exc:  # bad input never escapes as a traceback
            issues.append(_parse_error(exc))

    stream = guarded()
    first = next(stream, None)
    if first is None:
        reason = "; ".join(i["message"] for i in issues) or "no purchase order found"
        raise UsageFailure(f"{name}: {reason}")
    write = out.write
    write(b"[\n")
    write(_dumps(first))
    n = 1
    del first
    for order in stream:
        write(b",\n")
        write(_dumps(order))
        n += 1
    write(b"\n]\n")
    out.flush()
    return n, issues


def report(issues: list[dict[str, Any]]) -> int:
    """The PARSE_ERRORs on stderr, and the exit code (1: reading broke off half-way)."""
    broken = False
    for issue in issues:
        if issue["code"] == "PARSE_ERROR":
            severity = issue.get("severity", "error")
            print(f"{severity}: PARSE_ERROR: {issue['message']}", file=sys.stderr)
            broken = broken or (severity == "error" and not issue.get("field"))
    return 1 if broken else 0
