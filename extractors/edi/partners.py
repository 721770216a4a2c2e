"""Trading-partner configuration: which envelope ids belong to which customer, and which
product-id qualifier is our SKU and which the buyer's part number.

Read from a YAML/JSON file (a list of partners, or ``{"partners": [...]}``) or built from
store rows; the extractors also accept one partner as an ``ExtractContext`` hint
(``{"kind": "edi_partner", ...}``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

X12_SKU = ("VN", "VP", "SK", "VA", "VC", "MG")
X12_CUSTOMER_PART = ("BP", "IN", "CB", "PI", "PD")
X12_GTIN = ("UP", "UK", "EN", "UA", "EO", "UI")
EDIFACT_SKU = ("SA", "MF", "SRS", "VN", "VP")
EDIFACT_CUSTOMER_PART = ("IN", "BP", "BY")
EDIFACT_GTIN = ("EN", "SRV", "UP")


@dataclass
class TradingPartner:
    id: str
    customer_id: str | None = None
    sender_ids: list[str] = field(default_factory=list)  # ISA06 / GS02 / UNB sender ids
    sku_qualifiers: list[str] | None = None  # overrides the defaults, in priority order
    customer_part_qualifiers: list[str] | None = None
    gtin_qualifiers: list[str] | None = None
    send_997: bool = True
    send_855: bool = True

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> TradingPartner:
        known = {k: d[k] for k in cls.__dataclass_fields__ if k in d}
        known.setdefault("id", str(d.get("customer_id") or d.get("name") or "partner"))
        known["sender_ids"] = [str(s).strip() for s in known.get("sender_ids") or []]
        return cls(**known)

    def qualifiers(self, standard: str) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
        """(sku, customer_part, gtin) qualifier priority lists for X12 or EDIFACT."""
        base: tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]
        if standard == "X12":
            base = (X12_SKU, X12_CUSTOMER_PART, X12_GTIN)
        else:
            base = (EDIFACT_SKU, EDIFACT_CUSTOMER_PART, EDIFACT_GTIN)
        return (
            tuple(self.sku_qualifiers) if self.sku_qualifiers is not None else base[0],
            tuple(self.customer_part_qualifiers) if self.customer_part_qualifiers is not None else base[1],
            tuple(self.gtin_qualifiers) if self.gtin_qualifiers is not None else base[2],
        )


class PartnerDirectory:
    """Partners by sender id; the first id of an envelope that matches wins."""

    def __init__(self, partners: Iterable[TradingPartner] = ()) -> None:
        self.partners = list(partners)
        self._by_id: dict[str, TradingPartner] = {}
        for p in self.partners:
            for sid in p.sender_ids:
                self._by_id[sid.strip().upper()] = p

    @classmethod
    def from_file(cls, path: str | Path) -> PartnerDirectory:
        text = Path(path).read_text(encoding="utf-8")
        if str(path).endswith((".yaml", ".yml")):
            import yaml

            raw = yaml.safe_load(text)
        else:
            raw = json.loads(text)
        if isinstance(raw, dict):
            raw = raw.get("partners", [])
        return cls(TradingPartner.from_dict(d) for d in raw or [])

    def match(self, sender_ids: Iterable[str | None]) -> TradingPartner | None:
        for sid in sender_ids:
            if sid and (p := self._by_id.get(sid.strip().upper())):
                return p
        return None


def partner_from_hints(hints: Iterable[dict[str, Any]]) -> TradingPartner | None:
    """A partner given directly through ``ExtractContext.hints``."""
    for h in hints:
        if isinstance(h, dict) and h.get("kind") == "edi_partner":
            return TradingPartner.from_dict(h)
    return None


def default_partner() -> TradingPartner:
    return TradingPartner(id="default")


def pick(ids: dict[str, str], qualifiers: tuple[str, ...]) -> str | None:
    for q in qualifiers:
        v = ids.get(q)
        if v:
            return v
    return None
