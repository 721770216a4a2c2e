"""Doubled-glyph removal (fake bold) for text-layer PDF pages, in O(n log n).

pdfplumber's ``dedupe_chars`` keeps the right glyphs but restores their order with
``sorted(kept, key=chars.index)``: one linear scan of the page's glyphs (comparing whole char dicts) per
glyph kept, quadratic on a glyph-heavy page (41k glyphs: ~18 s of one PO). This module does the same
clustering and keeps the same glyphs in the same order, by remembering each glyph's position instead.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

Char = dict[str, Any]

DEDUPE_ATTRS: tuple[str, ...] = ("fontname", "size")  # pdfplumber's default ``extra_attrs``


def _chain_clusters(items: list[int], value: Callable[[int], Any], tolerance: float) -> list[list[int]]:
    """Items grouped as pdfplumber's ``cluster_objects`` groups them: the distinct values sorted and
    chained while each is within ``tolerance`` of the previous one; clusters in value order, items of
    one cluster in their given order."""
    distinct = sorted(set(map(value, items)))
    cluster_of: dict[Any, int] = {}
    n = -1
    last = None
    for v in distinct:
        if last is None or not v <= last + tolerance:
            n += 1
        cluster_of[v] = n
        last = v
    out: list[list[int]] = [[] for _ in range(n + 1)]
    for i in items:
        out[cluster_of[value(i)]].append(i)
    return out


def dedupe_chars(chars: Sequence[Char], tolerance: float = 1,
                 extra_attrs: tuple[str, ...] = DEDUPE_ATTRS) -> list[Char]:
    """The glyphs pdfplumber's ``utils.dedupe_chars(chars, tolerance, extra_attrs)`` keeps, in page order:
    glyphs sharing upright, text and ``extra_attrs`` are clustered by ``doctop`` then by ``x0`` (chains
    of values within ``tolerance``), and of each cluster the one with the smallest (doctop, x0) is kept,
    the first of equals. Raises ``KeyError`` like pdfplumber when a glyph lacks an attribute compared."""
    names = ("upright", "text", *extra_attrs)
    groups: dict[tuple[Any, ...], list[int]] = {}
    for i, c in enumerate(chars):
        groups.setdefault(tuple(c[k] for k in names), []).append(i)
    doctop = [c["doctop"] for c in chars]
    x0 = [c["x0"] for c in chars]
    kept: list[int] = []
    for members in groups.values():
        for row in _chain_clusters(members, doctop.__getitem__, tolerance):
            for cell in _chain_clusters(row, x0.__getitem__, tolerance):
                kept.append(min(cell, key=lambda i: (doctop[i], x0[i], i)))
    kept.sort()
    return [chars[i] for i in kept]


def dedupe_page(page: Any, tolerance: float = 1) -> Any:
    """The page (a pdfplumber page) with its doubled glyphs removed, as ``page.dedupe_chars(tolerance=...)``
    returns it: other objects untouched."""
    keep = {id(c) for c in dedupe_chars(page.chars, tolerance)}
    return page.filter(lambda obj: obj.get("object_type") != "char" or id(obj) in keep)
