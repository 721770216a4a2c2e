"""Portal JSON: the canonical order shape posted by a buyer portal or dropped as a file.

A file may hold one order object, an array of them, or ``{"orders": [...]}``. A ``source`` block
in the document is ignored (the pipeline sets it from the channel). A schema violation becomes a PARSE_ERROR naming the field path (``lines[0].qty``), never a traceback.
"""

from __future__ import annotations

import json
import re
from typing import Any

from pydantic import ValidationError

from orderflow.canonical import CanonicalOrder, Extraction, Issue, IssueCode, Provenance, Severity, Source
from orderflow.extractors import limits
from orderflow.extractors.base import ExtractContext, ExtractionError

MAX_DEPTH = 40


# A string (to its end, or to the end of the text when unterminated) or one bracket: strings are
# skipped at C speed, so a 40 MB document of long texts costs a few tokens, not 40 M loop turns.
_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*(?:"|\\?$)|[\[\]{}]', re.S)


def _depth_ok(text: str, limit: int = MAX_DEPTH) -> bool:
    """Reject absurd nesting before json.loads recurses into it."""
    if text.count("[") + text.count("{") <= limit:
        return True
    depth = 0
    for m in _TOKEN.finditer(text):
        ch = text[m.start()]
        if ch == "[" or ch == "{":
            depth += 1
            if depth > limit:
                return False
        elif ch == "]" or ch == "}":
            depth -= 1
    return True


def field_path(loc: tuple[int | str, ...]) -> str:
    """pydantic's ``("lines", 0, "qty")`` → ``lines[0].qty``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def validation_issues(exc: ValidationError, prefix: str = "") -> list[Issue]:
    issues = []
    for err in exc.errors():
        path = field_path(tuple(err["loc"]))
        full = f"{prefix}{path}" if path else prefix.rstrip(".") or None
        issues.append(
            Issue(
                code=IssueCode.PARSE_ERROR,
                severity=Severity.ERROR,
                field=full,
                message=f"{full or 'order'}: {err['msg']}",
                actual=_short(err.get("input")),
            )
        )
    return issues


def _short(value: Any) -> Any:
    text = json.dumps(value, default=str) if not isinstance(value, str) else value
    return text if len(text) <= 200 else text[:197] + "..."


def _looks_like_order(obj: Any) -> bool:
    return isinstance(obj, dict) and ("lines" in obj or "po_number" in obj or "schema_version" in obj)


class PortalJsonExtractor:
    name = "portal_json"

    def sniff(self, data: bytes, filename: str | None) -> float:
        head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
        if head[:1] not in (b"{", b"["):
            return 0.0
        if b'"po_number"' in data[:65536] or b'"lines"' in data[:65536] or b'"orders"' in data[:65536]:
            return 0.9
        name = (filename or "").lower()
        return 0.6 if name.endswith(".json") else 0.3

    def extract(self, data: bytes, ctx: ExtractContext) -> Extraction:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ExtractionError(f"The JSON file is not UTF-8 text (byte {exc.start}).") from None
        if not _depth_ok(text):
            raise ExtractionError(f"The JSON is nested more than {MAX_DEPTH} levels deep; refusing to read it.")
        try:
            payload = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ExtractionError(f"The JSON is malformed: {exc.msg} at line {exc.lineno}, column {exc.colno}.") from None
        if isinstance(payload, dict) and isinstance(payload.get("orders"), list):
            items, prefix = payload["orders"], "orders"
        elif isinstance(payload, list):
            items, prefix = payload, ""
        else:
            items, prefix = [payload], None
        if not items:
            raise ExtractionError("The JSON holds no orders.")
        limits.check("orders", len(items), "The JSON")  # before a single order is validated
        total_lines = 0
        for index, item in enumerate(items):
            if isinstance(item, dict) and isinstance(item.get("lines"), list):
                limits.check("lines", len(item["lines"]), f"{'' if prefix is None else f'{prefix}[{index}] '}order")
                total_lines += len(item["lines"])
        limits.check("file_lines", total_lines, "The JSON")
        result = Extraction(format=self.name)
        for index, item in enumerate(items):
            item_prefix = "" if prefix is None else f"{prefix}[{index}]."
            if not _looks_like_order(item):
                result.issues.append(
                    Issue(
                        code=IssueCode.PARSE_ERROR,
                        field=item_prefix.rstrip(".") or None,
                        message=f"{item_prefix.rstrip('.') or 'The document'} is not a canonical order "
                        "(no po_number or lines).",
                    )
                )
                continue
            try:
                order = CanonicalOrder.model_validate(item)
            except ValidationError as exc:
                result.issues.extend(validation_issues(exc, item_prefix))
                continue
            # ``source`` (channel, sender, partner ids …) is the channel's to say, never the document's:
            # a body claiming {"partner_ids": {"ZZ": "ACMEMFG"}} must not speak for ACME.
            order.source = Source(format=self.name)
            if not order.provenance:
                order.provenance = {
                    "po_number": Provenance(raw=order.po_number, confidence=1.0, extractor=self.name)
                }
            result.orders.append(order)
        if result.orders and result.issues:
            # keep the good orders; a bad sibling is reported, not silently dropped
            for issue in result.issues:
                issue.severity = Severity.ERROR
        return result
