"""kill -9 of the processing run at random points of a batch, then restarts: nothing lost, nothing twice."""

from __future__ import annotations

import os
import random

from harness import POINTS, kill_schedule, lost_and_duplicated, make_batch, read_ledger, run_batch

STRESS = os.environ.get("ORDERFLOW_STRESS") == "1"

DOCS = 300
KILLS = 40 if STRESS else 10


def test_kill9_at_random_points_then_restart(workdir, erp):
    rng = random.Random(20261117)
    inbox, home = workdir / "inbox", workdir / "home"
    home.mkdir()
    expected = make_batch(inbox, DOCS)
    # max_hit small enough that every kill lands inside the batch (points are hit ~once per document)
    schedule = kill_schedule(rng, KILLS, max_hit=max(2, DOCS // (KILLS + 2)))
    killed_at = []
    for target in schedule:
        r = run_batch(inbox, home, erp_url=erp.url, kill_at=target)
        if r.killed:
            killed_at.append(target)
        else:
            assert r.returncode == 0, r.stderr[-2000:]
    final = run_batch(inbox, home, erp_url=erp.url)
    assert final.returncode == 0, final.stderr[-2000:]

    # every point was really hit by a kill, not only scheduled
    assert {t.split(":")[0] for t in killed_at} == set(POINTS)
    assert len(killed_at) >= int(0.75 * KILLS)  # a few late kills find the batch already done
    led = read_ledger(home)
    lost, duplicated = lost_and_duplicated(expected, led, erp.sales())
    assert (lost, duplicated) == (0, 0)
    assert led.stuck == []
    assert led.doc_rows == DOCS
    good = [n for n, s in expected.items() if s == "processed"]
    assert all(led.orders_per_doc[n] == 1 for n in good)
    assert all(led.orders_per_doc[n] == 0 for n in expected if n not in good)
    assert led.order_states == {"pushed": len(good)}
    sales = {s["key"]: s["id"] for s in erp.sales()}
    assert sales == led.pushed_keys  # one ERP sale per pushed order, and the store knows its number
    # a kill after the ERP call but before the store commit shows up as a replay the key absorbed
    replays = [c for c in erp.calls() if c["status"] == 200]
    assert len(replays) == sum(1 for t in killed_at if t.startswith("after_push"))
