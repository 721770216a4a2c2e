"""What the X12 850 and EDIFACT ORDERS mappers share: provenance, order issues, the plug-in shell.

The two mappers read different segments but report in the same words: one provenance entry per
segment, the same LINE_COUNT_MISMATCH / TOTAL_MISMATCH / ENVELOPE issues with an
``orders[i].<field>`` path, and a PARSE_ERROR instead of a traceback. Provenance entries are built
without validation (``fast``): they are on the hot path.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from orderflow.canonical import Extraction, Issue, IssueCode, Provenance, Severity
from orderflow.extractors.base import ExtractContext, ExtractionError
from orderflow.extractors.edi import fast
from orderflow.extractors.edi.partners import PartnerDirectory
from orderflow.extractors.edi.values import no_gc

# one fields-set object for every provenance entry: pydantic only ever adds names already in it
PROV_FIELDS = set(Provenance.model_fields)


def provenance_template(extractor: str) -> dict[str, Any]:
    """Every Provenance field, typed, for one segment of an EDI file (copy it, fill segment and raw)."""
    template: dict[str, Any] = {
        "page": None,
        "bbox": None,
        "sheet": None,
        "cell": None,
        "segment": None,
        "raw": None,
        "confidence": 1.0,
        "extractor": extractor,
        "hint": None,
    }
    assert set(template) == PROV_FIELDS
    return template


def provenance(template: dict[str, Any], index: int, raw: str) -> Provenance:
    """The provenance of segment ``index`` (text ``raw``), without validation."""
    values = template.copy()  # copying a template dict is 2x faster than a dict literal
    values["segment"] = index
    values["raw"] = raw
    return fast.one(Provenance, values, PROV_FIELDS)


def line_keys(field: str, count: int) -> list[str]:
    """Provenance keys ``lines[n].<field>`` for n < count, made once rather than once per line."""
    return [f"lines[{n}].{field}" for n in range(count)]


def nonempty(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """The pairs whose value is not empty (control numbers and partner ids a file may lack)."""
    return {k: v for k, v in pairs if v}


def line_count_issue(order_index: int, segment: str, declared: int, actual: int, rule: str) -> Issue:
    return Issue(
        code=IssueCode.LINE_COUNT_MISMATCH,
        severity=Severity.WARNING,
        field=f"orders[{order_index}].declared_line_count",
        message=f"{segment} says {declared} lines, the order has {actual}.",
        expected=declared,
        actual=actual,
        rule=rule,
    )


def total_mismatch_issue(
    order_index: int, segment: str, declared: Decimal, computed: Decimal, rule: str
) -> Issue | None:
    """TOTAL_MISMATCH when the declared total and the lines differ by more than a cent, else None."""
    if abs(computed - declared) <= Decimal("0.01"):
        return None
    return Issue(
        code=IssueCode.TOTAL_MISMATCH,
        severity=Severity.WARNING,
        field=f"orders[{order_index}].declared_total",
        message=f"{segment} says {declared}, the lines add up to {computed}.",
        expected=str(declared),
        actual=str(computed),
        rule=rule,
    )


def envelope_issue(
    order_index: int, unit: str, errors: list[str], missing_code: str, rule: str
) -> Issue | None:
    """The envelope faults of one message / transaction set as an issue on its order (None: no faults).

    A missing trailer (``missing_code``) means the content may be cut short: an error; any other
    fault is a warning, since the content was read anyway.
    """
    if not errors:
        return None
    level = Severity.ERROR if missing_code in errors else Severity.WARNING
    consequence = "it may be truncated." if level == Severity.ERROR else "the content was read anyway."
    return Issue(
        code=IssueCode.ENVELOPE,
        severity=level,
        field=f"orders[{order_index}].source",
        message=f"{unit} has envelope errors (codes {', '.join(errors)}); {consequence}",
        rule=rule,
    )


class EdiExtractor:
    """The plug-in shell both EDI extractors share: partner directory, and ``extract`` that pauses
    the garbage collector and turns any failure of ``_extract`` into a PARSE_ERROR."""

    name = "edi"
    standard = "EDI"  # the word used in the PARSE_ERROR message

    def __init__(self, partners: PartnerDirectory | None = None) -> None:
        self.partners = partners or PartnerDirectory()

    def extract(self, data: bytes, ctx: ExtractContext | None = None) -> Extraction:
        ctx = ctx or ExtractContext()
        try:
            with no_gc():
                return self._extract(data, ctx)
        except ExtractionError as exc:  # a readable reason (a cap, an endless segment): as it is
            return Extraction(format=self.name, issues=[Issue(code=IssueCode.PARSE_ERROR, message=str(exc))])
        except Exception as exc:  # bad input never escapes as a traceback
            return Extraction(
                format=self.name,
                issues=[
                    Issue(
                        code=IssueCode.PARSE_ERROR,
                        message=f"The {self.standard} file could not be read: {type(exc).__name__}: {exc}",
                    )
                ],
            )

    def _extract(self, data: bytes, ctx: ExtractContext) -> Extraction:
        raise NotImplementedError
