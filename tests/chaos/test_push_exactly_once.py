"""Exactly-once push under concurrency, black-box: the production commands as subprocesses.

A fresh batch (portal orders and X12 850s) is stored, then one ``orderflow worker --once`` and
several ``orderflow push`` runs start together on the same store. Each order must be pushed once:
one ok push attempt, one ``pushed`` transition, one outbox file, one 855 per X12 order.
"""

from __future__ import annotations

import collections
import os
import re
import subprocess
import sys
import time
from pathlib import Path

from harness import PACKAGE_ROOT, REPO, make_batch

PUSHERS = 5
X12_ORDERS = 8
PORTAL_ORDERS = 24
GLOBEX_850 = REPO / "samples" / "changes" / "globex-850-GX-448300.edi"


def x12_batch(folder: Path, n: int) -> list[str]:
    """``n`` Globex 850s with unique PO numbers and interchange control numbers."""
    text = GLOBEX_850.read_text()
    pos = []
    for i in range(n):
        po = f"GX-77{i:04d}"
        body = text.replace("GX-448300", po).replace("000000801", f"{900000000 + i:09d}")
        body = body.replace("*801*X*", f"*{9000 + i}*X*").replace("GE*1*801~", f"GE*1*{9000 + i}~")
        (folder / f"x12-{i:03d}.edi").write_text(body)
        pos.append(po)
    return pos


def _env(home: Path, database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ORDERFLOW_")}
    env.update({
        "PYTHONPATH": PACKAGE_ROOT,
        "ORDERFLOW_HOME": str(home),
        "ORDERFLOW_DATABASE_URL": database_url,
        "ORDERFLOW_ERP": "file",
        "ORDERFLOW_OUTBOX_DIR": str(home / "erp-outbox"),
        "ORDERFLOW_REPLIES_DIR": str(home / "replies"),
    })
    return env


def _orderflow(env: dict[str, str], *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "orderflow.flows.cli", *args], env=env, cwd=env["ORDERFLOW_HOME"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _ingest(env: dict[str, str], inbox: Path) -> None:
    """Store the batch (received, unprocessed) through the product's own ingest, in a subprocess."""
    code = (
        "import sys; from pathlib import Path\n"
        "from orderflow.canonical import Envelope\n"
        "from orderflow.flows.pipeline import ingest\n"
        "from orderflow.flows.services import build_services\n"
        "from orderflow.flows.settings import load_settings\n"
        "sv = build_services(load_settings())\n"
        "for p in sorted(Path(sys.argv[1]).iterdir()):\n"
        "    ingest(sv, Envelope(data=p.read_bytes(), filename=p.name, channel='folder'))\n"
    )
    subprocess.run([sys.executable, "-c", code, str(inbox)], env=env, check=True, timeout=300,
                   cwd=env["ORDERFLOW_HOME"])


def _counts(database_url: str) -> dict[str, collections.Counter]:
    from sqlalchemy import select

    from orderflow.store.db import make_engine, session_factory
    from orderflow.store.models import AuditEvent, Order, PushAttempt

    engine = make_engine(database_url)
    try:
        with session_factory(engine)() as s:
            ok = collections.Counter(a.order_id for a in s.scalars(select(PushAttempt).where(PushAttempt.ok)))
            pushed = collections.Counter(
                int(e.entity_id) for e in s.scalars(select(AuditEvent).where(AuditEvent.entity == "order"))
                if (e.after or {}).get("state") == "pushed"
            )
            states = collections.Counter(o.state for o in s.scalars(select(Order)))
            claimed = [o.id for o in s.scalars(select(Order).where(Order.claimed_by.is_not(None)))]
    finally:
        engine.dispose()
    return {"ok_attempts": ok, "pushed": pushed, "states": states, "claimed": collections.Counter(claimed)}


def _855s(replies: Path) -> collections.Counter:
    """PO number → number of 855s written (BAK segment's PO number)."""
    out: collections.Counter = collections.Counter()
    for p in replies.rglob("*"):
        if p.is_file() and "ST*855*" in (text := p.read_text(errors="replace")):
            for m in re.finditer(r"BAK\*\d\d\*\w+\*([^*~]+)\*", text):
                out[m.group(1)] += 1
    return out


def _997s(replies: Path) -> collections.Counter:
    """Inbound GS control number → number of 997s answering it (AK1 segment)."""
    out: collections.Counter = collections.Counter()
    for p in replies.rglob("*"):
        if p.is_file() and "ST*997*" in (text := p.read_text(errors="replace")):
            out.update(m.group(1) for m in re.finditer(r"AK1\*PO\*(\d+)", text))
    return out


def run_concurrent(home: Path, database_url: str) -> dict[str, object]:
    inbox = home / "inbox"
    make_batch(inbox, PORTAL_ORDERS, broken_every=0, seed=22)
    x12_pos = x12_batch(inbox, X12_ORDERS)
    env = _env(home, database_url)
    _ingest(env, inbox)
    procs = [_orderflow(env, "worker", "--once")] + [_orderflow(env, "push") for _ in range(PUSHERS)]
    results = [(p.wait(timeout=600), p.stdout.read(), p.stderr.read()) for p in procs]
    for p in procs:
        p.stdout.close()
        p.stderr.close()
    return {"results": results, "x12_pos": x12_pos, **_counts(database_url),
            "files": sorted(p.name for p in (home / "erp-outbox").glob("*.json")),
            "tmp": sorted(p.name for p in (home / "erp-outbox").glob(".tmp-*")),
            "acks": _855s(home / "replies"), "receipts": _997s(home / "replies")}


def assert_exactly_once(run: dict[str, object]) -> None:
    orders = PORTAL_ORDERS + X12_ORDERS
    crashed = [(rc, err[-800:]) for rc, _out, err in run["results"] if rc not in (0, 1)]
    assert not crashed, crashed
    assert run["states"] == {"pushed": orders}, run["states"]
    assert len(run["ok_attempts"]) == orders and set(run["ok_attempts"].values()) == {1}, \
        {k: v for k, v in run["ok_attempts"].items() if v != 1}
    assert len(run["pushed"]) == orders and set(run["pushed"].values()) == {1}, \
        {k: v for k, v in run["pushed"].items() if v != 1}
    assert len(run["files"]) == orders and not run["tmp"]
    assert run["acks"] == {po: 1 for po in run["x12_pos"]}, run["acks"]
    assert run["receipts"] == {str(9000 + i): 1 for i in range(X12_ORDERS)}, run["receipts"]  # one 997 each
    assert not run["claimed"], run["claimed"]


def test_worker_and_push_runs_push_each_order_once_sqlite(workdir):
    home = workdir / "home"
    home.mkdir()
    assert_exactly_once(run_concurrent(home, f"sqlite:///{home / 'orderflow.db'}"))


def test_worker_and_push_runs_push_each_order_once_postgres(workdir, postgres_server):
    home = workdir / "home"
    home.mkdir()
    assert_exactly_once(run_concurrent(home, postgres_server.create_database()))


# --------------------------------------------------------------------------- leases (stale_after)


def _stamp_claims(database_url: str, doc_ages: dict[int, float], order_token: str | None = None) -> None:
    """Make documents look claimed by a worker ``age`` seconds ago (a dead one, or a live one)."""
    import datetime as dt

    from sqlalchemy import update

    from orderflow.store.db import make_engine
    from orderflow.store.models import Document
    from orderflow.store.types import utcnow

    engine = make_engine(database_url)
    try:
        with engine.begin() as c:
            for doc_id, age in doc_ages.items():
                c.execute(update(Document).where(Document.id == doc_id).values(
                    state="processing", claimed_by=f"gone:{doc_id}", claimed_at=utcnow() - dt.timedelta(seconds=age)))
    finally:
        engine.dispose()


def _doc_states(database_url: str) -> dict[int, str]:
    from sqlalchemy import select

    from orderflow.store.db import make_engine
    from orderflow.store.models import Document

    engine = make_engine(database_url)
    try:
        with engine.connect() as c:
            return dict(c.execute(select(Document.id, Document.state)).all())
    finally:
        engine.dispose()


def test_stale_after_is_a_setting_and_a_dead_workers_documents_are_retaken(workdir):
    """``ORDERFLOW_CLAIM_STALE_AFTER_SECONDS=90``: a document a dead worker claimed 2 minutes ago is
    processed by the next ``worker --once`` (not after the old hard-coded 15 minutes); one claimed a
    moment ago (a live worker's) is left alone."""
    home = workdir / "home"
    home.mkdir()
    url = f"sqlite:///{home / 'orderflow.db'}"
    make_batch(home / "inbox", 2, broken_every=0, seed=31)
    env = {**_env(home, url), "ORDERFLOW_CLAIM_STALE_AFTER_SECONDS": "90"}
    _ingest(env, home / "inbox")
    _stamp_claims(url, {1: 120.0, 2: 0.0})
    p = _orderflow(env, "worker", "--once")
    out, err = p.communicate(timeout=300)
    assert p.returncode == 0, err[-800:]
    assert _doc_states(url) == {1: "processed", 2: "processing"}


def test_a_live_worker_renews_its_claim_and_a_dead_ones_lapses(workdir):
    """The heartbeat keeps a 1-second lease alive for 3 seconds of work; once it stops, the lease
    lapses and another worker takes the document."""
    import datetime as dt

    from orderflow.flows.leases import Heartbeat, renew_documents
    from orderflow.store import repository as repo
    from orderflow.store.db import make_engine, session_factory

    home = workdir / "home"
    home.mkdir()
    url = f"sqlite:///{home / 'orderflow.db'}"
    make_batch(home / "inbox", 1, broken_every=0, seed=32)
    _ingest(_env(home, url), home / "inbox")
    engine = make_engine(url)
    factory = session_factory(engine)
    lease = dt.timedelta(seconds=1)

    def claim(worker: str) -> list[int]:
        with factory() as s, s.begin():
            return [d.id for d in repo.claim_documents(s, worker=worker, limit=5, stale_after=lease)]

    try:
        assert claim("a") == [1]
        taken_by_b = []
        with Heartbeat(factory, lambda s: renew_documents(s, [1], "a"), lease) as beat:
            deadline = time.monotonic() + 3
            while time.monotonic() < deadline:
                taken_by_b += claim("b")
                time.sleep(0.1)
        assert taken_by_b == [] and beat.beats >= 4
        time.sleep(1.2)
        assert claim("b") == [1]
    finally:
        engine.dispose()


# --------------------------------------------------------------------------- a killed write's temp file


def test_a_killed_writers_temp_file_is_cleaned_by_the_next_write(workdir):
    """A process killed (SIGKILL) between creating its temp file and linking it leaves a
    ``.tmp-*.part`` in the outbox; the next writer removes it, and leaves a live writer's alone."""
    import os

    from orderflow.erp_push.file_adapter import FileAdapter

    outbox = workdir / "erp-outbox"
    outbox.mkdir()
    killed = subprocess.run(
        [sys.executable, "-c",
         "import os, sys\nfrom orderflow.erp_push.file_adapter import FileAdapter\n"
         "FileAdapter(sys.argv[1])._temp()\nos.kill(os.getpid(), 9)\n", str(outbox)],
        env={**os.environ, "PYTHONPATH": PACKAGE_ROOT}, timeout=120)
    assert killed.returncode == -9
    left = [p.name for p in outbox.glob(".tmp-*.part")]
    assert len(left) == 1
    live_fd, live = FileAdapter(outbox)._temp()  # this process's own temp: a writer still at work
    os.close(live_fd)
    assert FileAdapter(outbox).add_cross_reference("ACME", "PART-1", "FAS-1001")
    assert sorted(p.name for p in outbox.glob(".tmp-*.part")) == [Path(live).name]


# --------------------------------------------------------------------------- the replies outbox


def _killed_push(env: dict[str, str], spec: str) -> None:
    """``orderflow push`` with a power cut (SIGKILL) at the named checkpoint hit."""
    killed = subprocess.Popen(
        [sys.executable, "-m", "fixtures.crash_at", spec, "orderflow.flows.cli", "push"],
        env={**env, "PYTHONPATH": os.pathsep.join((PACKAGE_ROOT, str(Path(__file__).resolve().parents[1])))},
        cwd=env["ORDERFLOW_HOME"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _out, err = killed.communicate(timeout=300)
    assert killed.returncode == -9, err[-800:]


def _order_ack_rows(url: str) -> list[tuple]:
    """(order id, file name, delivered at, attempts) of every 855/ORDRSP owed (the 997s have their own test)."""
    from sqlalchemy import select

    from orderflow.store.db import make_engine
    from orderflow.store.models import PendingReply

    engine = make_engine(url)
    try:
        with engine.connect() as c:
            return c.execute(select(PendingReply.order_id, PendingReply.name, PendingReply.delivered_at,
                                    PendingReply.attempts).where(PendingReply.kind == "order_ack")).all()
    finally:
        engine.dispose()


def _ack_events(url: str) -> collections.Counter:
    """Order id → ``erp_ack`` audit events (one per 855 the partner was told of)."""
    from sqlalchemy import select

    from orderflow.store.db import make_engine
    from orderflow.store.models import AuditEvent

    engine = make_engine(url)
    try:
        with engine.connect() as c:
            return collections.Counter(int(i) for (i,) in c.execute(
                select(AuditEvent.entity_id).where(AuditEvent.entity == "order", AuditEvent.action == "erp_ack")))
    finally:
        engine.dispose()


def _push_runs(env: dict[str, str], home: Path, pos: list[str], n: int = 2) -> None:
    """``n`` plain ``orderflow push`` runs; after each, every X12 order has exactly one 855."""
    for _ in range(n):
        p = _orderflow(env, "push")
        _out, err = p.communicate(timeout=300)
        assert p.returncode == 0, err[-800:]
        assert _855s(home / "replies") == {po: 1 for po in pos}


def test_an_855_owed_by_a_push_killed_after_its_commit_is_sent_once_by_the_next_run(workdir):
    """``orderflow push`` killed (SIGKILL) right after the commit that moved the order to ``pushed``
    and before its 855 went out: the reply was owed in that same transaction, so the next run sends
    it; a third run sends nothing more. Every X12 order ends with exactly one 855."""
    home = workdir / "home"
    home.mkdir()
    url = f"sqlite:///{home / 'orderflow.db'}"
    (home / "inbox").mkdir()
    pos = x12_batch(home / "inbox", 3)
    env = _env(home, url)
    _ingest(env, home / "inbox")

    _killed_push(env, "before_reply:1")  # a power cut at its first owed reply
    after_kill = _counts(url)
    assert sum(after_kill["pushed"].values()) == 1 and _855s(home / "replies") == {}
    (owed,) = _order_ack_rows(url)  # rendered in the pushed commit: its file name is already known
    assert owed[1].startswith("855-") and owed[2] is None

    _push_runs(env, home, pos)
    rows = _order_ack_rows(url)
    assert len(rows) == 3 and all(d is not None for _o, _n, d, _a in rows) and sorted(a for *_r, a in rows) == [1, 1, 1]
    assert owed[1] in {p.name for p in (home / "replies").rglob("855-*")}  # the one owed, not a new one


def test_an_855_written_but_not_recorded_is_written_again_as_the_same_interchange(workdir):
    """``orderflow push`` killed (SIGKILL) after the first 855's file was written and before its
    ``erp_ack`` was recorded (checkpoint ``ack_written``). The 855 was rendered, control numbers and
    all, in the commit that moved the order to ``pushed``, so the next run writes the same file again:
    one 855 per order, the same ISA/GS control numbers, one ``erp_ack`` each. (Rendered at delivery,
    the next run took new control numbers and the partner got a second 855 for the order.)"""
    home = workdir / "home"
    home.mkdir()
    url = f"sqlite:///{home / 'orderflow.db'}"
    (home / "inbox").mkdir()
    pos = x12_batch(home / "inbox", 3)
    # the killed run's reply lease lapses after a second, not the default minutes
    env = {**_env(home, url), "ORDERFLOW_CLAIM_STALE_AFTER_SECONDS": "1"}
    _ingest(env, home / "inbox")

    _killed_push(env, "ack_written:1")
    time.sleep(1.2)
    files = [p for p in (home / "replies").rglob("855-*") if p.is_file()]
    assert len(files) == 1 and _ack_events(url) == {}  # written, not recorded
    [written] = files
    body = written.read_text()
    isa13 = re.search(r"ISA(?:\*[^*]*){12}\*(\d{9})\*", body).group(1)
    assert written.name.endswith(f"-{isa13}.edi")

    _push_runs(env, home, pos)
    assert written.read_text() == body  # same file, same control numbers
    assert len([p for p in (home / "replies").rglob("855-*") if p.is_file()]) == len(pos)
    rows = _order_ack_rows(url)
    assert sorted(a for *_r, a in rows) == [1, 1, 2]  # the killed delivery was taken again
    assert all(d is not None for _o, _n, d, _a in rows)
    assert set(_ack_events(url).values()) == {1} and len(_ack_events(url)) == len(pos)
    assert _counts(url)["states"] == {"pushed": len(pos)}


def _rejections(replies: Path) -> collections.Counter:
    """PO number → 855s that reject the order (BAK02 RJ)."""
    out: collections.Counter = collections.Counter()
    for p in replies.rglob("855-*"):
        for m in re.finditer(r"BAK\*\d\d\*RJ\*([^*~]+)\*", p.read_text(errors="replace")):
            out[m.group(1)] += 1
    return out


def test_an_erp_cancellation_owes_its_855_in_the_commit_that_records_it(workdir):
    """The ERP cancels three pushed X12 orders (the file ERP's sale state). ``orderflow erp status`` is
    killed (SIGKILL) after the commit that sends them back to review and before any rejection went out:
    the 855s were owed in that commit, so the next ``orderflow push`` sends one rejection per order, and
    another ``erp status`` sends nothing more."""
    import json

    home = workdir / "home"
    home.mkdir()
    url = f"sqlite:///{home / 'orderflow.db'}"
    (home / "inbox").mkdir()
    pos = x12_batch(home / "inbox", 3)
    env = _env(home, url)
    _ingest(env, home / "inbox")
    _push_runs(env, home, pos, n=1)  # pushed and accepted: one 855 each
    for sale in (home / "erp-outbox").glob("*.json"):
        data = json.loads(sale.read_text())
        sale.write_text(json.dumps({**data, "state": "cancelled"}))

    killed = subprocess.Popen(
        [sys.executable, "-m", "fixtures.crash_at", "before_reply:1", "orderflow.flows.cli", "erp", "status"],
        env={**env, "PYTHONPATH": os.pathsep.join((PACKAGE_ROOT, str(Path(__file__).resolve().parents[1])))},
        cwd=env["ORDERFLOW_HOME"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _out, err = killed.communicate(timeout=300)
    assert killed.returncode == -9, err[-800:]
    assert _counts(url)["states"] == {"needs_review": len(pos)} and _rejections(home / "replies") == {}

    for args in (("push",), ("erp", "status")):  # the owed rejections go with the next pass; then nothing more
        p = _orderflow(env, *args)
        _out, err = p.communicate(timeout=300)
        assert p.returncode == 0, err[-800:]
        assert _rejections(home / "replies") == {po: 1 for po in pos}
        assert _855s(home / "replies") == {po: 2 for po in pos}  # the acceptance at push, then the rejection
    assert _ack_events(url) == {i: 2 for i in _ack_events(url)} and len(_ack_events(url)) == len(pos)
