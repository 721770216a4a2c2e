"""What ``extractors/edi/fast.py`` relies on in pydantic's internals (it writes the private slots
of ``BaseModel`` directly; pydantic is pinned ``<3`` in pyproject.toml, and these tests say whether
a 2.x release still keeps the invariant): the four slots exist and are what a validated model
holds, and a model built by ``fast`` equals, dumps, copies, validates and assigns like one built by
validation."""

from __future__ import annotations

import copy
import datetime as dt
import pickle
from decimal import Decimal

import pytest
from pydantic import BaseModel

from orderflow.canonical import (
    Address,
    CanonicalOrder,
    Charge,
    OrderLine,
    Party,
    Provenance,
    Purpose,
    Source,
    shapes,
)
from orderflow.extractors.edi import fast
from orderflow.extractors.edi.mapping import order_model, prov_model


def test_the_slots_fast_writes_are_basemodels_and_hold_what_validation_puts_there():
    assert {"__dict__", "__pydantic_fields_set__", "__pydantic_extra__", "__pydantic_private__"} <= set(
        BaseModel.__slots__
    )
    line = OrderLine(line_no="1")
    assert line.__pydantic_extra__ is None and line.__pydantic_private__ is None  # extra="forbid", no private attrs
    assert isinstance(line.__pydantic_fields_set__, set) and isinstance(line.__dict__, dict)


@pytest.mark.parametrize(
    "cls,values",
    [
        (OrderLine, {"line_no": "1", "qty": Decimal("2"), "unit_price": Decimal("1.25"), "ids": {"VN": "A"}, "notes": ["n"]}),
        (Party, {"name": "Acme", "ids": {"92": "1"}, "address": Address(lines=["1 Main"], city="X")}),
        (Address, {"lines": ["1 Main"], "city": "Springfield", "postal_code": "62701"}),
        (Charge, {"kind": "allowance", "code": "C310", "amount": Decimal("1.00"), "percent": None}),
        (Source, {"format": "x12_850", "control_numbers": {"ST02": "1"}, "index": 2}),
        (Provenance, {"segment": 4, "element": 2, "extractor": "x12_850"}),
    ],
)
def test_a_fast_model_behaves_like_a_validated_one(cls: type[BaseModel], values: dict):
    validated = cls(**values)
    built = fast.blank(cls, **values)
    assert built == validated and validated == built
    assert built.model_dump() == validated.model_dump()
    assert built.model_dump_json() == validated.model_dump_json()
    assert built.model_fields_set == set(cls.model_fields)  # fast sets every field
    assert repr(built) == repr(validated)
    dumped = built.model_dump(mode="json")
    assert cls.model_validate(dumped).model_dump(mode="json") == dumped == validated.model_dump(mode="json")
    assert copy.deepcopy(built) == validated and built.model_copy() == validated
    assert pickle.loads(pickle.dumps(built)) == validated
    first = next(iter(cls.model_fields))
    setattr(built, first, getattr(validated, first))  # assignment goes through pydantic's __setattr__
    assert built == validated


def test_an_order_built_from_the_mapper_dicts_equals_the_validated_order():
    d = shapes.order()
    d["po_number"] = "P1"
    d["po_date"] = dt.date(2026, 1, 1)
    d["purpose"] = "change"
    d["ship_to"] = shapes.party("Store")
    d["ship_to"]["address"] = shapes.address()
    d["ship_to"]["address"]["city"] = "X"
    line = shapes.line()
    line.update(line_no="1", qty=Decimal("2"), unit_price=Decimal("3"), charges=[shapes.charge("charge", "D240", None, Decimal("1"), None)])
    d["lines"].append(line)
    d["provenance"] = {"po_number": {"segment": 3, "element": 3, "confidence": 1.0, "extractor": "x12_850"}}
    built = order_model(d)
    dumped = built.model_dump(mode="json")
    assert CanonicalOrder.model_validate(dumped).model_dump(mode="json") == dumped
    assert built.purpose is Purpose.CHANGE and built.model_fields_set == set(CanonicalOrder.model_fields)
    assert isinstance(built.lines[0].charges[0], Charge) and isinstance(built.ship_to.address, Address)
    assert built.provenance["po_number"] == Provenance(segment=3, element=3, extractor="x12_850")
    assert prov_model({"segments": [1, None], "confidence": 1.0, "extractor": "x"}) == Provenance(segments=[1, None], extractor="x")
    assert prov_model({"segment": 2}) == Provenance(segment=2)  # the members left out take the model's defaults
