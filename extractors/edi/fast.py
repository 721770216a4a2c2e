"""Pydantic models built without validation, one at a time or in bulk, for the EDI hot paths.

A 50,000-line interchange needs 150,000 small models; ``model_construct`` costs ~10 µs each and
``object.__setattr__`` by name ~0.3 µs per slot. Here the slot descriptors of ``BaseModel`` are
called directly, and in bulk through ``map`` (C speed, no bytecode per object). Values must be
typed already and must name every field; the result equals the validated model (tests check).
"""

from __future__ import annotations

from collections import deque
from itertools import repeat
from typing import Any

from pydantic import BaseModel

_new = object.__new__
set_dict = BaseModel.__dict__["__dict__"].__set__
set_fields = BaseModel.__dict__["__pydantic_fields_set__"].__set__
set_extra = BaseModel.__dict__["__pydantic_extra__"].__set__
set_private = BaseModel.__dict__["__pydantic_private__"].__set__


def one(cls: type, values: dict[str, Any], fields: set[str] | None = None) -> Any:
    """One model from a complete dict of typed values (``fields``: its fields-set, shared or not)."""
    obj: Any = _new(cls)
    set_dict(obj, values)
    set_fields(obj, set(values) if fields is None else fields)
    set_extra(obj, None)
    set_private(obj, None)
    return obj


def many(cls: type, values: list[dict[str, Any]], fields: set[str]) -> list[Any]:
    """Models from complete value dicts, sharing one fields-set that already holds every field name
    (pydantic only ever adds names to it, so sharing changes nothing)."""
    n = len(values)
    objs: list[Any] = list(map(_new, repeat(cls, n)))
    deque(map(set_dict, objs, values), 0)
    deque(map(set_fields, objs, repeat(fields, n)), 0)
    deque(map(set_extra, objs, repeat(None, n)), 0)
    deque(map(set_private, objs, repeat(None, n)), 0)
    return objs


# per class: its fields' defaults (immutable ones shared) and the fields made by a default factory
_BLANKS: dict[type, tuple[dict[str, Any], list[tuple[str, Any]], set[str]]] = {}


def blank(cls: type, **values: Any) -> Any:
    """``cls(**values)`` without validation: every field at its default (a fresh list/dict/model
    from its factory) unless given. Values must be typed already; the per-order models of a
    2,000-set interchange (order, parties, addresses, source) were a quarter of its mapping."""
    spec = _BLANKS.get(cls)
    if spec is None:
        fields = cls.model_fields  # type: ignore[attr-defined]
        defaults = {name: f.default for name, f in fields.items()}
        factories = [(name, f.default_factory) for name, f in fields.items() if f.default_factory is not None]
        spec = _BLANKS[cls] = (defaults, factories, set(fields))
    defaults, factories, names = spec
    data = defaults.copy()
    for name, factory in factories:
        if name not in values:
            data[name] = factory()
    if values:
        data.update(values)
    return one(cls, data, names)

