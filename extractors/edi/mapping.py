"""What the X12 850 and EDIFACT ORDERS mappers share: provenance, order issues, the plug-in shell.

The two mappers read different segments but report in the same words: provenance per segment
(column entries ``lines`` — the segment each line starts with, covering its fields — and
``lines.<field>`` for a field read from another segment; see ``canonical.field_provenance``),
the same LINE_COUNT_MISMATCH / TOTAL_MISMATCH / ENVELOPE issues with an ``orders[i].<field>`` path, and a PARSE_ERROR instead of a traceback. Provenance entries are built
without validation (``fast``): they are on the hot path.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

from orderflow.canonical import (
    Address,
    CanonicalOrder,
    Charge,
    Extraction,
    Issue,
    IssueCode,
    OrderLine,
    Party,
    Provenance,
    Purpose,
    Source,
)
from orderflow.extractors.base import ExtractContext, ExtractionError
from orderflow.extractors.edi import common, fast
from orderflow.extractors.edi.partners import PartnerDirectory
from orderflow.extractors.edi.values import no_gc

# one fields-set object for every provenance entry: pydantic only ever adds names already in it
PROV_FIELDS = set(Provenance.model_fields)


def provenance_template(extractor: str) -> dict[str, Any]:
    """Every Provenance field, typed, for one segment of an EDI file (copy it, fill segment/element).

    No ``raw``: EDI provenance is the segment index (and element position); the segment text is
    read from the stored document when someone needs it (the review app does).
    """
    template: dict[str, Any] = {
        "page": None,
        "bbox": None,
        "sheet": None,
        "cell": None,
        "segment": None,
        "element": None,
        "segments": None,
        "raw": None,
        "confidence": 1.0,
        "extractor": extractor,
        "hint": None,
    }
    assert set(template) == PROV_FIELDS
    return template


def provenance(template: dict[str, Any], index: int, element: int | None = None) -> Provenance:
    """The provenance of segment ``index`` (element ``element``), without validation."""
    values = template.copy()  # copying a template dict is 2x faster than a dict literal
    values["segment"] = index
    values["element"] = element
    return fast.one(Provenance, values, PROV_FIELDS)


def column(template: dict[str, Any], segments: list[int | None], element: int | None = None) -> Provenance:
    """A column entry (``lines``, ``lines.description``): ``segments[n]`` is where line n's value
    came from (None: not from such a segment). One object per order instead of one per line:
    building 100,000 per-line entries was 40% of the X12 mapping time."""
    values = template.copy()
    values["segments"] = segments
    values["element"] = element
    return fast.one(Provenance, values, PROV_FIELDS)


def nonempty(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """The pairs whose value is not empty (control numbers and partner ids a file may lack)."""
    return {k: v for k, v in pairs if v}


def line_count_issue(order_index: int, segment: str, declared: int, actual: int, rule: str) -> Issue:
    return Issue(**common.line_count_issue(order_index, segment, declared, actual, rule))


def total_mismatch_issue(
    order_index: int, segment: str, declared: Decimal, computed: Decimal, rule: str
) -> Issue | None:
    """TOTAL_MISMATCH when the declared total and the lines differ by more than a cent, else None."""
    found = common.total_mismatch_issue(order_index, segment, declared, computed, rule)
    return None if found is None else Issue(**found)


def envelope_issue(
    order_index: int, unit: str, errors: list[str], missing_code: str, rule: str
) -> Issue | None:
    """The envelope faults of one message / transaction set as an issue on its order (None: no faults)."""
    found = common.envelope_issue(order_index, unit, errors, missing_code, rule)
    return None if found is None else Issue(**found)


def release_segments(items: list[Any], raws: list[Any], start: int, end: int | None) -> None:
    """Forget the segments ``start..end`` of a mapped set/message (streaming: one order in memory)."""
    stop = len(items) if end is None else min(end + 1, len(items))
    if stop > start:
        items[start:stop] = [None] * (stop - start)
        raws[start:stop] = [None] * (stop - start)


class EdiExtractor:
    """The plug-in shell both EDI extractors share: partner directory, ``extract`` that pauses
    the garbage collector and turns any failure into a PARSE_ERROR, and ``stream`` that hands the
    orders out one at a time. Subclasses write ``_orders`` (a generator)."""

    name = "edi"
    standard = "EDI"  # the word used in the PARSE_ERROR message

    def __init__(self, partners: PartnerDirectory | None = None) -> None:
        self.partners = partners or PartnerDirectory()

    def _parse_error(self, exc: Exception) -> Issue:
        """PARSE_ERROR for a failure: an ``ExtractionError`` (a cap, an endless segment) is already
        a readable reason and is kept as it is; anything else is named with its type."""
        if isinstance(exc, ExtractionError):
            return Issue(code=IssueCode.PARSE_ERROR, message=str(exc))
        return Issue(
            code=IssueCode.PARSE_ERROR,
            message=f"The {self.standard} file could not be read: {type(exc).__name__}: {exc}",
        )

    def extract(self, data: bytes, ctx: ExtractContext | None = None) -> Extraction:
        ctx = ctx or ExtractContext()
        try:
            with no_gc():
                out = Extraction(format=self.name)
                out.orders = list(self._orders(data, ctx, out))
                return out
        except Exception as exc:  # bad input never escapes as a traceback
            return Extraction(format=self.name, issues=[self._parse_error(exc)])

    def stream(
        self, data: bytes, ctx: ExtractContext | None = None
    ) -> tuple[Extraction, Iterator[CanonicalOrder]]:
        """``(summary, orders)``: the orders one by one, each mapped when asked for and its
        segments dropped after; ``summary`` (orders left empty) gets the issues, diagnostics and
        envelope as they are found and is complete when the iterator is exhausted. A failure
        half-way ends the iterator with a PARSE_ERROR in ``summary``."""
        ctx = ctx or ExtractContext()
        out = Extraction(format=self.name)

        def orders() -> Iterator[CanonicalOrder]:
            try:
                with no_gc():
                    yield from self._orders(data, ctx, out, release=True)
            except Exception as exc:  # bad input never escapes as a traceback
                out.issues.append(self._parse_error(exc))

        return out, orders()

    def _orders(
        self, data: bytes, ctx: ExtractContext, out: Extraction, release: bool = False
    ) -> Iterator[CanonicalOrder]:
        raise NotImplementedError


# The models of a dict-shaped order (``canonical.shapes``), built without validation: the values
# are typed already, the keys are the models' fields (``canonical.order`` asserts it).
_ORDER_FIELDS = set(CanonicalOrder.model_fields)
_LINE_FIELDS = set(OrderLine.model_fields)
_PARTY_FIELDS = set(Party.model_fields)
_ADDRESS_FIELDS = set(Address.model_fields)
_CHARGE_FIELDS = set(Charge.model_fields)
_SOURCE_FIELDS = set(Source.model_fields)
_PROV_BLANK = {name: f.default for name, f in Provenance.model_fields.items()}  # confidence 1.0, the rest None


def _party(d: dict[str, Any] | None) -> Party | None:
    if d is None:
        return None
    if d["address"] is not None:
        d["address"] = fast.one(Address, d["address"], _ADDRESS_FIELDS)
    return fast.one(Party, d, _PARTY_FIELDS)


def _charges(charges: list[dict[str, Any]]) -> list[Charge]:
    return fast.many(Charge, charges, _CHARGE_FIELDS) if charges else []


def prov_model(entry: dict[str, Any]) -> Provenance:
    """A ``Provenance`` from an entry that names only its members that are not None."""
    values = _PROV_BLANK.copy()
    values.update(entry)
    return fast.one(Provenance, values, PROV_FIELDS)


def order_model(d: dict[str, Any]) -> CanonicalOrder:
    """The ``CanonicalOrder`` of a dict-shaped order (consumed: its dicts become the models')."""
    lines = d["lines"]
    for line in lines:
        if line["charges"]:
            line["charges"] = _charges(line["charges"])
    d["lines"] = fast.many(OrderLine, lines, _LINE_FIELDS)
    d["charges"] = _charges(d["charges"])
    d["purpose"] = Purpose(d["purpose"])
    for key in ("buyer", "supplier", "bill_to", "ship_to"):
        if d[key] is not None:
            d[key] = _party(d[key])
    d["source"] = fast.one(Source, d["source"], _SOURCE_FIELDS)
    prov = d["provenance"]
    blank = _PROV_BLANK
    d["provenance"] = dict(zip(prov, fast.many(Provenance, [blank | e for e in prov.values()], PROV_FIELDS), strict=True))
    return fast.one(CanonicalOrder, d, _ORDER_FIELDS)
