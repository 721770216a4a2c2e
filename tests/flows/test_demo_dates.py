"""The demo's date move: every sample format reads back with its dates moved and nothing else changed."""

from __future__ import annotations

import datetime as dt
import io
import re

from orderflow.extractors import ExtractContext
from orderflow.extractors import extract as run_extract
from orderflow.flows.demo import INBOX
from orderflow.flows.demo_dates import shift_document, shift_text

DAYS = 400  # across a year end: months, days and years all move


def _orders(name: str, data: bytes):
    return run_extract(data, ExtractContext(filename=name)).orders


def test_every_sample_format_reads_back_with_its_dates_moved() -> None:
    later = dt.timedelta(days=DAYS)
    for name in ("acme-po-5531.pdf", "hooli-po-HS-2291.xlsx", "acme-po-5540-unknown-item.csv",
                 "acme-portal-PO-9017-backorder.json", "globex-850-GX-448120.edi", "globex-orders-GX-EU-5520.edi"):
        data = (INBOX / name).read_bytes()
        moved = shift_document(name, data, DAYS)
        assert moved != data, name
        (before,), (after,) = _orders(name, data), _orders(name, moved)
        assert before.po_date is not None and after.po_date == before.po_date + later, name
        if before.requested_delivery_date:
            assert after.requested_delivery_date == before.requested_delivery_date + later, name
        assert after.po_number == before.po_number and after.lines == before.lines, name  # only dates move
        assert shift_document(name, data, DAYS) == moved, name  # the same day gives the same bytes (sha256)


def test_pdf_keeps_a_valid_cross_reference_table() -> None:
    moved = shift_document("po.pdf", (INBOX / "initech-po-77120.pdf").read_bytes(), DAYS)
    xref = moved.rfind(b"\nxref\n") + 1
    assert int(moved.rsplit(b"startxref\n", 1)[1].split()[0]) == xref
    rows = moved[xref:moved.index(b"trailer", xref)].split(b"\n")[2:-1]
    for num, row in enumerate(rows):
        if row.endswith(b" n "):
            assert moved[int(row[:10]):].startswith(b"%d 0 obj" % num), num


def test_edi_envelope_dates_move_with_the_order() -> None:
    text = shift_text("ISA*00*          *00*          *12*4405197800     *ZZ*NORTHWIND      *261120*0930*U*00401"
                      "*000000771*0*P*>~GS*PO*4405197800*NORTHWIND*20261120*0930*771*X*004010~"
                      "UNB+UNOC:3+8711576000012:14+NORTHWIND:ZZ+261121:1015+4412'", 45)
    assert "*270104*0930*" in text and "*20270104*0930*" in text and "+270105:1015+" in text
    assert "000000771" in text and "8711576000012" in text  # numbers that are no dates stay


def test_numbers_that_only_look_like_dates_stay() -> None:
    assert shift_text("qty 20261340, part 2026-13-45, 13/45/2026, 1234-05-06", 30) == \
        "qty 20261340, part 2026-13-45, 13/45/2026, 1234-05-06"
    assert re.fullmatch(r"due 2026-12-23 / 12/23/2026", shift_text("due 2026-11-23 / 11/23/2026", 30))


def test_an_unknown_format_is_left_as_it_is() -> None:
    data = io.BytesIO(b"\x89PNG 2026-11-23").getvalue()
    assert shift_document("scan.png", data, 30) == data
