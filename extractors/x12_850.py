"""X12 850 purchase orders (and 860 changes, 875 grocery orders) to canonical orders: one order per ST..SE.

Tokenizing and envelope checks live in ``extractors.edi.x12``, the mapping of segments to
dict-shaped orders in ``extractors.edi.x12_map`` (pydantic-free: ``extract --json`` writes those
dicts directly); this plug-in makes the models from them without validation
(``mapping.order_model``) and the issues' models. Per-order issues carry ``orders[i].<field>``
paths (see ``x12_map``); the pipeline files them under order i.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from orderflow.canonical import CanonicalOrder, Extraction, Issue
from orderflow.extractors.base import ExtractContext
from orderflow.extractors.edi import x12_map
from orderflow.extractors.edi.mapping import EdiExtractor, order_model

NAME = x12_map.NAME
ORDER_SETS = x12_map.ORDER_SETS
sniff_x12 = x12_map.sniff_x12


class X12Extractor(EdiExtractor):
    """Extractor plug-in for X12 850/860 (any version, any delimiters)."""

    name = NAME
    standard = "X12"

    def sniff(self, data: bytes, filename: str | None) -> float:
        return sniff_x12(data)

    def _orders(
        self, data: bytes, ctx: ExtractContext, out: Extraction, release: bool = False
    ) -> Iterator[CanonicalOrder]:
        """The orders of the file one transaction set at a time; issues, diagnostics and the
        envelope go to ``out`` (complete when the iterator is done). ``release`` drops each set's
        segments once it is mapped, so a streamed interchange holds one order at a time."""

        def found(diagnostics: list[Any], metadata: dict[str, Any]) -> None:
            out.diagnostics = diagnostics
            if metadata:
                out.metadata = metadata

        def issue(d: dict[str, Any]) -> None:
            out.issues.append(Issue(**d))

        for order in x12_map.read_orders(
            data,
            partners=self.partners,
            hints=ctx.hints,
            filename=ctx.filename,
            channel=ctx.channel,
            sender=ctx.sender,
            issue=issue,
            found=found,
            release=release,
        ):
            yield order_model(order)
