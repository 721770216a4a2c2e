"""Issue 12: the pushed Tryton sale carries the requested and promised dates."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from proteus import Model

from orderflow.canonical import CanonicalOrder, OrderLine
from orderflow.erp_push.base import PushRequest
from orderflow.erp_push.file_adapter import FileAdapter
from orderflow.erp_push.tryton import TrytonAdapter, dates_from_note, dates_note
from orderflow.erp_push.tryton_conn import connect
from orderflow.flows.pipeline import build_push_request
from orderflow.store import repository as repo

TODAY = dt.date.today()


def request(requested: list[dt.date | None], promised: list[dt.date | None], *,
            order_date: dt.date | None = None, po: str = "PO-D1") -> PushRequest:
    lines = [OrderLine(line_no=str(i + 1), sku="FAS-1001", qty=Decimal(100), uom="EA", unit_price=Decimal("0.18"),
                       requested_date=r, promised_date=p)
             for i, (r, p) in enumerate(zip(requested, promised, strict=True))]
    order = CanonicalOrder(po_number=po, lines=lines, requested_delivery_date=order_date)
    return PushRequest(key=f"ACME|{po}|original|0", order=order, customer_id="ACME",
                       resolved_skus=["FAS-1001"] * len(lines), uoms=["EA"] * len(lines))


def sale(cfg, number: str):
    Sale = Model.get("sale.sale", config=connect(cfg))
    (found,) = Sale.find([("number", "=", number)])
    return found


def test_line_notes_carry_both_dates_and_the_sale_ships_from_the_earliest_promise(tryton_cfg) -> None:
    d = [TODAY + dt.timedelta(days=n) for n in (10, 14, 7, 9)]
    result = TrytonAdapter(tryton_cfg).push(request([d[0], None], [d[1], d[3]], order_date=d[2]))
    s = sale(tryton_cfg, result.erp_order_id)
    notes = [dates_from_note(ln.note) for ln in s.lines]
    assert notes == [{"requested": d[0], "promised": d[1]}, {"requested": d[2], "promised": d[3]}]
    assert s.lines[0].note == f"requested-date: {d[0].isoformat()}\npromised-date: {d[1].isoformat()}"
    assert s.shipping_date == d[3]  # the earliest promise
    s.click("confirm")  # Tryton's own rule (shipping date not before the sale date) holds
    s.reload()
    assert s.state in ("confirmed", "processing")
    assert s.sale_date in {TODAY, dt.date.today()}  # confirmed today (the run may have crossed midnight)


def test_past_dates_stay_on_the_lines_but_not_on_the_sale(tryton_cfg) -> None:
    past = TODAY - dt.timedelta(days=3)
    result = TrytonAdapter(tryton_cfg).push(request([past], [None], po="PO-D2"))
    s = sale(tryton_cfg, result.erp_order_id)
    assert dates_from_note(s.lines[0].note) == {"requested": past}
    assert s.shipping_date is None
    none = TrytonAdapter(tryton_cfg).push(request([None], [None], po="PO-D3"))
    assert sale(tryton_cfg, none.erp_order_id).lines[0].note is None


def test_note_round_trip_ignores_other_text() -> None:
    day = dt.date(2026, 12, 1)
    assert dates_from_note(f"dock 4\n{dates_note(None, day)}\nrequested-date: garbage") == {"promised": day}
    assert dates_note(None, None) is None


def test_pipeline_push_sends_validation_promises_to_tryton(tryton_services, tryton_cfg) -> None:
    from test_status_back import feed_and_push

    services = tryton_services
    order_id, number = feed_and_push(services, "globex-850-GX-448300.edi")
    with services.session_factory() as s:
        req = build_push_request(repo.get_order(s, order_id))
    promised = [ln.promised_date for ln in req.order.lines]
    assert all(promised), promised  # availability promised every line
    s = sale(tryton_cfg, number)
    assert [dates_from_note(ln.note).get("promised") for ln in s.lines] == promised
    assert s.shipping_date == min(promised)


def test_file_adapter_lines_carry_the_dates(tmp_path) -> None:
    import json

    d1, d2 = TODAY + dt.timedelta(days=5), TODAY + dt.timedelta(days=8)
    adapter = FileAdapter(tmp_path)
    req = request([d1], [d2])
    adapter.push(req)
    body = json.loads(adapter.path_for(req.key).read_text())
    assert body["lines"][0]["requested_date"] == d1.isoformat()
    assert body["lines"][0]["promised_date"] == d2.isoformat()
