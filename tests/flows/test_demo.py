"""`orderflow demo`: every sample ends in its expected state, asserted from the store; twice adds nothing;
a month later (the clock moved through ``today``) the samples tell the same story."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from rich.console import Console
from sqlalchemy import func, select

from orderflow.flows.demo import INBOX, demo_envelopes, home_demo_day, run_demo, sample_day
from orderflow.flows.services import open_store
from orderflow.flows.settings import load_settings
from orderflow.store import models
from orderflow.store import repository as repo

MANIFEST = json.loads((INBOX / "manifest.json").read_text())


def _check_store(settings) -> None:
    _, factory = open_store(settings)
    day = home_demo_day(settings)
    assert day is not None
    sent = {env.filename: env.data for env in demo_envelopes(day=day)}  # the samples as moved to the demo's day
    with factory() as s:
        for entry in MANIFEST["documents"]:
            data = sent[entry["file"]]
            doc = repo.find_document(s, hashlib.sha256(data).hexdigest())
            assert doc is not None, entry["file"]
            expect = entry["expect"]
            assert doc.state == expect["document"], (entry["file"], doc.state, doc.reason)
            if "reason_contains" in expect:
                assert expect["reason_contains"] in (doc.reason or "")
            orders = sorted(doc.orders, key=lambda o: o.doc_index)
            assert len(orders) == len(expect.get("orders", [])), entry["file"]
            for row, want in zip(orders, expect.get("orders", []), strict=True):
                assert row.state == want["state"], (entry["file"], row.state, [i.code for i in row.issues])
                codes = {i.code for i in row.issues}
                for code in (*want.get("issues", []), *want.get("warnings", [])):
                    assert code in codes, (entry["file"], codes)
                if "revision" in want:  # order changes: a version of an earlier order
                    assert row.revision == want["revision"], entry["file"]
                if "previous" in want:
                    prev = repo.get_order(s, row.previous_order_id) if row.previous_order_id else None
                    assert prev is not None and prev.document.filename == want["previous"], entry["file"]
                if want["state"] == "pushed":
                    assert row.erp_order_id, entry["file"]
                    assert any(a.ok for a in row.push_attempts)


def _counts(settings) -> tuple[int, int, int]:
    _, factory = open_store(settings)
    with factory() as s:
        return (
            s.scalar(select(func.count()).select_from(models.Document)),
            s.scalar(select(func.count()).select_from(models.Order)),
            s.scalar(select(func.count()).select_from(models.PushAttempt)),
        )


@pytest.mark.parametrize("use_prefect", [False, True], ids=["plain", "prefect-task-per-document"])
def test_demo_states_and_idempotent_rerun(tmp_path: Path, use_prefect: bool) -> None:
    # On Prefect: a task run per document (the default, 25 per run, is what the batches test drives)
    settings = load_settings(home=tmp_path / "var", prefect_task_batch=1)
    quiet = Console(file=io.StringIO(), width=200)
    assert run_demo(settings, use_prefect=use_prefect, console=quiet) == 0
    _check_store(settings)
    first = _counts(settings)
    outbox_files = sorted(p.name for p in (tmp_path / "var" / "outbox").glob("*.json"))
    assert len(outbox_files) == sum(
        1 for e in MANIFEST["documents"] for o in e["expect"].get("orders", []) if o["state"] == "pushed"
    )
    assert run_demo(settings, use_prefect=use_prefect, console=quiet) == 0
    assert _counts(settings) == first  # no new documents, orders or pushes
    assert sorted(p.name for p in (tmp_path / "var" / "outbox").glob("*.json")) == outbox_files
    _check_store(settings)
    _, factory = open_store(settings)
    with factory() as s:  # the demo inbox shows a CSR every kind of exception, these three among them
        queued = {i.code for row in repo.list_queue(s) for i in row.issues}
    assert {"CUSTOMER_UNKNOWN", "SHIP_TO_UNKNOWN", "UOM_NOT_SOLD", "SKU_UNKNOWN", "PRICE_MISMATCH",
            "CREDIT_EXCEEDED", "CREDIT_HOLD", "DUPLICATE_PO"} <= queued, queued


def test_demo_a_month_later_still_backorders(tmp_path: Path) -> None:
    """The clock 30 days on (``today``): the samples and the reference data move with it, so PO-9017 is
    still short of stretch wrap and backordered for the incoming delivery, and every sample ends as its
    manifest says. Without the move, the incoming delivery of 2026-12-10 lies in the past and covers it."""
    later = dt.date.today() + dt.timedelta(days=30)
    settings = load_settings(home=tmp_path / "var", erp="file")
    quiet = Console(file=io.StringIO(), width=200)
    assert run_demo(settings, use_prefect=False, console=quiet, today=later) == 0
    assert home_demo_day(settings) == later
    _check_store(settings)
    shift = later - sample_day()
    _, factory = open_store(settings)
    with factory() as s:
        (row,) = [o for o in s.scalars(select(models.Order)) if o.po_number == "PO-9017"]
        order = repo.order_canonical(row)
        assert order.po_date == dt.date(2026, 11, 21) + shift
        assert order.requested_delivery_date == dt.date(2026, 11, 30) + shift
        wrap = next(ln for ln in row.resolved["lines"] if ln["sku"] == "MRO-5002")
        assert Decimal(wrap["backorder_qty"]) > 0, wrap
        assert wrap["backorder_date"] == (dt.date(2026, 12, 10) + shift).isoformat()  # samples/reference/incoming.csv
        assert row.state == "pushed" and "AVAILABILITY_SHORT" in {i.code for i in row.issues}
    # the same home keeps its day: a run for another day is refused, not mixed in
    from orderflow.flows.settings import ConfigError

    with pytest.raises(ConfigError, match="ran for"):
        run_demo(settings, use_prefect=False, console=quiet, today=later + dt.timedelta(days=1))


def test_demo_on_prefect_with_task_batches(tmp_path: Path) -> None:
    """``prefect_task_batch = 4``: the same end states, a few larger task runs named after their first
    document, nothing processed or pushed twice on a second run."""
    import asyncio

    from prefect.client.orchestration import get_client
    from prefect.client.schemas.sorting import TaskRunSort

    async def task_run_names() -> list[str]:  # the newest 200 (the API's page size)
        async with get_client() as client:
            runs = await client.read_task_runs(sort=TaskRunSort.EXPECTED_START_TIME_DESC, limit=200)
            return [r.name for r in runs]

    before = set(asyncio.run(task_run_names()))
    settings = load_settings(home=tmp_path / "var", prefect_task_batch=4)
    quiet = Console(file=io.StringIO(), width=200)
    assert run_demo(settings, use_prefect=True, console=quiet) == 0
    _check_store(settings)
    first = _counts(settings)
    new = [n for n in asyncio.run(task_run_names()) if n not in before]
    processed = [n for n in new if n.startswith("process ")]
    batches = [n for n in processed if n.endswith(" +3 more")]
    assert len(batches) >= 3 and len(processed) - len(batches) <= 1, new  # only the last may be smaller
    assert any(n.startswith("push orders ") for n in new)
    assert run_demo(settings, use_prefect=True, console=quiet) == 0
    assert _counts(settings) == first
    _check_store(settings)
