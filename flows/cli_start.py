"""The ``orderflow`` console script's entry, and what it needs before typer is imported.

``orderflow extract FILE --json [--pretty]`` (the bulk EDI path: a 200,000-segment interchange to
JSON) runs here without typer, click and the command table (~0.1 s of a cold start); any other
command line goes to the typer app (``flows.cli``), which uses the same functions below, so both
paths write the same bytes, messages and exit codes (``tests/flows/test_cli_start.py``).
"""

from __future__ import annotations

import gc
import json
import logging
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NoReturn


class UsageFailure(Exception):
    """Unusable input or configuration: exit 2 with this message."""


def read_file(path: Path) -> bytes:
    if not path.exists():
        raise UsageFailure(f"{path}: no such file")
    if path.is_dir():
        raise UsageFailure(f"{path}: is a directory")
    try:
        return path.read_bytes()
    except OSError as exc:
        raise UsageFailure(f"{path}: cannot read ({exc.strerror})") from None


def first_order(data: bytes, context: Any, name: str) -> tuple[Any, Any, Iterator[Any]]:
    """``(summary, first order, the other orders)`` streamed from the document; a file without an
    order is a usage failure with the extractor's reason."""
    from orderflow.extractors import stream

    summary, orders = stream(data, context)
    first = next(orders, None)
    if first is None:  # unusable input (is_unusable) or a file without an order
        reason = "; ".join(i.message for i in summary.issues) or "no purchase order found"
        raise UsageFailure(f"{name}: {reason}")
    return summary, first, orders


def broken_off(summary: Any) -> bool:
    """True when reading stopped half-way (a cap, a broken segment): the orders before it were
    shown. Such a PARSE_ERROR names no field; one on an order's value (``orders[0].lines[2].qty``)
    leaves the other values and orders usable, so it is reported without failing the run."""
    return any(i.code == "PARSE_ERROR" and i.severity == "error" and not i.field for i in summary.issues)


def write_json(summary: Any, first: Any, orders: Iterator[Any], pretty: bool) -> int:
    """``extract --json``'s output and exit code (1: reading broke off half-way)."""
    from orderflow.flows.cli_json import write_orders

    write_orders(sys.stdout.buffer, first, orders, pretty=pretty or sys.stdout.isatty())
    for issue in summary.issues:
        if issue.code == "PARSE_ERROR":  # an order's bad value, or the file broke off half-way
            print(f"{issue.severity}: {issue.code}: {issue.message}", file=sys.stderr)
    return 1 if broken_off(summary) else 0


def extract_json(file: Path, pretty: bool) -> int:
    """``orderflow extract FILE --json`` without ``--sender`` / ``--explain``."""
    data = read_file(file)
    if not pretty and not sys.stdout.isatty():
        from orderflow.flows.cli_wire import extract_x12, report

        done = extract_x12(data, file.name, sys.stdout.buffer)  # X12 without pydantic
        if done is not None:
            return report(done[1])
    from orderflow.extractors import ExtractContext

    summary, first, orders = first_order(data, ExtractContext(filename=file.name), file.name)
    del data  # the extractor holds what it still needs
    return write_json(summary, first, orders, pretty)


class QuietFormatter(logging.Formatter):
    """One line per log record; tracebacks only with ORDERFLOW_DEBUG=1 (a CSR's terminal is no debugger)."""

    def formatException(self, ei) -> str:  # noqa: N802 - logging's name
        return super().formatException(ei) if os.environ.get("ORDERFLOW_DEBUG") else ""

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        if not os.environ.get("ORDERFLOW_DEBUG") and record.exc_info and record.exc_info[1] is not None:
            exc = record.exc_info[1]
            text = f"{text.rstrip()} ({type(exc).__name__}: {exc})"
        return text.rstrip()


class JsonFormatter(logging.Formatter):
    """One JSON object per line for log shippers (``ORDERFLOW_LOG_FORMAT=json``).

    Messages carry ids, counts and codes only: prices, addresses and secrets are never logged."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info and record.exc_info[1] is not None:
            entry["error"] = f"{type(record.exc_info[1]).__name__}: {record.exc_info[1]}"
        return json.dumps(entry, ensure_ascii=False)


def configure_logging() -> None:
    handler = logging.StreamHandler(sys.stderr)
    if os.environ.get("ORDERFLOW_LOG_FORMAT", "").lower() == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(QuietFormatter("orderflow: %(levelname)s: %(message)s"))
    level = logging.DEBUG if os.environ.get("ORDERFLOW_DEBUG") else logging.WARNING
    handler.setLevel(level)  # libraries that log INFO on their own loggers (Prefect) stay quiet too
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)


def plain_extract(args: list[str]) -> tuple[Path, bool] | None:
    """``(FILE, pretty)`` for ``extract FILE --json [--pretty]`` in any order, else None (typer's)."""
    if not args or args[0] != "extract":
        return None
    files = [a for a in args[1:] if not a.startswith("-")]
    options = [a for a in args[1:] if a.startswith("-")]
    if len(files) != 1 or "--json" not in options or not set(options) <= {"--json", "--pretty"}:
        return None
    return Path(files[0]), "--pretty" in options


def main() -> NoReturn:
    """Console-script entry: exit 0 ok, 1 processed with exceptions, 2 unusable input (one line on
    stderr, never a traceback)."""
    plain = plain_extract(sys.argv[1:])
    if plain is None:
        from orderflow.flows.cli import main as typer_main

        typer_main()
    # a one-shot command: the cyclic collector would only rescan the import-time objects (pydantic's
    # schemas) on the way to the stream, which pauses it anyway (``no_gc``); ~8% of the start-up
    gc.disable()
    configure_logging()
    try:
        sys.exit(extract_json(*plain))
    except UsageFailure as exc:
        print(f"orderflow: {exc}", file=sys.stderr)
        sys.exit(2)
    except Exception as exc:  # anything unforeseen: one line, as the typer path says it
        print(f"orderflow: {type(exc).__name__}: {exc}", file=sys.stderr)
        sys.exit(2)
