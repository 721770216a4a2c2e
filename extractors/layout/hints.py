"""Partner hints: small per-buyer corrections applied on top of the template-free engine.

Hints never replace the engine; they only teach it what it cannot know (a label it has never
seen, a column header it cannot name, a date or number convention, a value at a fixed spot).
Hand-written YAML and hints learned from CSR corrections use the same format: a list of dicts.

Common keys:

``id``
    Stable name of the hint; a value a hint produced carries it in ``Provenance.hint``.
``scope``
    Who it applies to: ``{"sender": "@acme.com"}`` (a domain: any address at it or a subdomain),
    ``{"sender": "po@acme.com"}`` (one address), a list of either, and/or ``{"customer": "C-100"}``.
    No scope = applies to every document it is given to.
``kind``
    One of the kinds below; unknown kinds (``edi_partner``…) are ignored here.

Kinds:

``label_alias``  ``{"kind": "label_alias", "field": "po_number", "label": "Cust. Ord. Ref"}``
    ``label`` is a label for ``field`` (po_number, po_date, delivery_date, payment_terms, currency,
    total, buyer, supplier, ship_to, bill_to); it is tried before the built-in lexicon.
``column_map``  ``{"kind": "column_map", "header": "Mat.-Nr.", "field": "customer_part"}``
    A line-table column whose header text is ``header`` (case/space-insensitive) holds ``field``
    (sku, customer_part, gtin, description, qty, uom, unit_price, amount, line_no, price_basis,
    or ``ignore`` for a column to leave unread).
    Mapped headers also count as table-header words: a row whose labels the lexicon does not know
    ("Stk | Artikel-Kurztext | Pos.-Wert") is found as the line table's header when two or more of its
    labels are mapped and one of them is qty, unit_price or amount (or mapped + known labels make three).
``date_order``  ``{"kind": "date_order", "day_first": true}``
    Resolve ambiguous dates (03/04/2026) day-first (or month-first with ``false``).
``number_format``  ``{"kind": "number_format", "decimal_comma": true}``
    ``1.234,56`` style numbers (``false``: ``1,234.56``).
``region``  ``{"kind": "region", "field": "po_number", "anchor_label": "Ref.", "dx": 0, "dy": 12, "w": 120, "h": 14}``
    The value of ``field`` is the text inside the box at (dx, dy) from the top-left corner of the
    first phrase that starts with ``anchor_label``, ``w`` wide and ``h`` high, in PDF points (y down).
    Fields: po_number, po_date, delivery_date, payment_terms, currency, total, buyer, supplier, ship_to (its
    name), ship_to_address (the rows in the box). ``"page": 1`` without ``anchor_label``: the box is placed
    from page 1's top-left corner (a buyer named only in the letterhead).
``table_layout``  ``{"kind": "table_layout", "header": "...", "anchor": "qty", "fields": {...}, ...}``
    A sender's line table read by learned column ranges and record shape instead of the template-free
    reader (learned from a saved version; see ``extractors/layout/records.py`` for the keys).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

KINDS = {"label_alias", "column_map", "date_order", "number_format", "region", "table_layout"}


def load_hints_yaml(path: str | Path) -> list[dict[str, Any]]:
    """Hints from a YAML file: a list of hint dicts, or ``{"hints": [...]}``. Entries that are not
    dicts are dropped; a missing file or bad YAML raises (configuration errors should be loud)."""
    import yaml  # noqa: PLC0415 - only needed when hints are configured

    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    if isinstance(data, dict):
        data = data.get("hints", [])
    return [h for h in (data or []) if isinstance(h, dict)]


def _sender_matches(pattern: str, sender: str) -> bool:
    pattern, sender = pattern.strip().lower(), sender.strip().lower()
    m = re.search(r"<([^>]+)>", sender)  # "Name <po@acme.com>"
    if m:
        sender = m.group(1)
    if not pattern or not sender:
        return False
    if "@" in pattern and not pattern.startswith("@"):
        return sender == pattern
    domain = pattern.lstrip("@")
    host = sender.rsplit("@", 1)[-1]
    return host == domain or host.endswith("." + domain)


def _scope_ok(scope: Any, sender: str | None, customer: str | None) -> bool:
    if not scope:
        return True
    if not isinstance(scope, dict):
        return False
    ok = True
    if "sender" in scope:
        pats = scope["sender"] if isinstance(scope["sender"], list) else [scope["sender"]]
        ok = sender is not None and any(_sender_matches(str(p), sender) for p in pats)
    if ok and "customer" in scope:
        custs = scope["customer"] if isinstance(scope["customer"], list) else [scope["customer"]]
        ok = customer is not None and str(customer) in {str(c) for c in custs}
    return ok


def hints_for_sender(hints: list[dict[str, Any]], sender: str | None, *,
                     customer: str | None = None) -> list[dict[str, Any]]:
    """The hints whose scope matches this sender (email or domain) and customer; unscoped hints always."""
    return [h for h in hints or [] if isinstance(h, dict) and _scope_ok(h.get("scope"), sender, customer)]


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def label_pattern(label: str) -> str:
    """A literal label as a regex that tolerates spacing differences ("Cust.Ord. Ref" ≈ "Cust. Ord. Ref")."""
    parts = [re.escape(p) for p in re.split(r"\s+", label.strip().rstrip(":").strip()) if p]
    return r"\s*".join(parts)


@dataclass
class Hints:
    """Hints compiled for the layout engine."""

    labels: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # field → [(regex, hint id)]
    columns: list[tuple[str, str, str]] = field(default_factory=list)  # (normalised header, role, hint id)
    day_first: bool | None = None
    day_first_hint: str | None = None
    decimal_comma: bool | None = None
    decimal_comma_hint: str | None = None
    regions: list[dict[str, Any]] = field(default_factory=list)
    table_layout: dict[str, Any] | None = None  # the latest table_layout hint (with its "id")

    def column_role(self, header: str) -> tuple[str, str] | None:
        """(role, hint id) for a column header named by a column_map hint."""
        h = _norm(header)
        if not h:
            return None
        for want, role, hid in self.columns:
            if h == want or re.search(r"(?:^|\s)" + re.escape(want) + r"(?:\s|$)", h):
                return role, hid
        return None

    def header_cells(self, text: str) -> tuple[list[str], str]:
        """The roles of the column_map headers printed in a line (each hint once, spans not overlapping,
        whole words only) and the line's text with those headers cut out. Lets the table finder know a
        header row whose labels only the partner's hints name."""
        rest = _norm(text)
        roles: list[str] = []
        for want, role, _ in sorted(self.columns, key=lambda c: -len(c[0])):  # "our ref no" before "ref"
            m = re.search(r"(?:^|\s)" + re.escape(want) + r"(?=\s|$)", rest) if want else None
            if m:
                roles.append(role)
                rest = rest[:m.start()] + " | " + rest[m.end():]
        return roles, rest


def compile_hints(hints: list[dict[str, Any]] | dict[str, Any] | None) -> Hints:
    """Hint dicts → ``Hints``. A bare dict of ``day_first``/``decimal_comma`` (older callers) still works."""
    out = Hints()
    if isinstance(hints, dict):
        legacy: list[dict[str, Any]] = []
        if "day_first" in hints:
            legacy.append({"kind": "date_order", "id": hints.get("id"), "day_first": hints["day_first"]})
        if "decimal_comma" in hints:
            legacy.append({"kind": "number_format", "id": hints.get("id"), "decimal_comma": hints["decimal_comma"]})
        hints = legacy
    for i, h in enumerate(hints or []):
        if not isinstance(h, dict):
            continue
        kind, hid = h.get("kind"), str(h.get("id") or f"hint-{i}")
        if kind == "label_alias" and h.get("field") and h.get("label"):
            out.labels.setdefault(str(h["field"]), []).append((label_pattern(str(h["label"])), hid))
        elif kind == "column_map" and h.get("header") and h.get("field"):
            out.columns.append((_norm(str(h["header"])), str(h["field"]), hid))
        elif kind == "date_order" and isinstance(h.get("day_first"), bool):
            out.day_first, out.day_first_hint = h["day_first"], hid
        elif kind == "number_format" and isinstance(h.get("decimal_comma"), bool):
            out.decimal_comma, out.decimal_comma_hint = h["decimal_comma"], hid
        elif kind == "table_layout" and isinstance(h.get("fields"), dict) and h.get("header"):
            out.table_layout = {**h, "id": hid}
        elif kind == "region" and h.get("field") and (h.get("anchor_label") or h.get("page") == 1):
            try:
                box = {k: float(h.get(k, 0)) for k in ("dx", "dy", "w", "h")}
            except (TypeError, ValueError):
                continue
            out.regions.append({"field": str(h["field"]), "anchor": _norm(str(h.get("anchor_label") or "")), "id": hid,
                                **box})
    return out
