"""997 / CONTRL through the replies outbox, black-box: production commands killed with SIGKILL.

The functional acknowledgement a processed EDI document owes is recorded in the transaction that
stores the document's result. A worker killed right after that commit (checkpoint ``after_process``)
used to lose it for good; now the next pass sends it, exactly once. A worker killed after writing the
file but before marking it delivered (``reply_written``) makes the next pass write the same file
again (same control numbers), never a second interchange.
"""

from __future__ import annotations

import collections
import os
import re
import subprocess
import sys
import time
from pathlib import Path

from harness import PACKAGE_ROOT, REPO
from test_push_exactly_once import _env, _ingest, _orderflow, x12_batch

X12_DOCS = 3
EDIFACT_DOCS = 2
GLOBEX_ORDERS = REPO / "samples" / "changes" / "globex-orders-GX-EU-5530.edi"
TESTS = str(Path(__file__).resolve().parents[1])


def edifact_batch(folder: Path, n: int) -> list[str]:
    """``n`` Globex ORDERS with unique PO numbers and interchange references; returns the references."""
    text = GLOBEX_ORDERS.read_text()
    refs = []
    for i in range(n):
        ref = f"{8800 + i}"
        body = text.replace("GX-EU-5530", f"GX-EU-88{i:02d}").replace("+4501'", f"+{ref}'")
        (folder / f"z-orders-{i:03d}.edi").write_text(body)  # named to come after the X12 ones
        refs.append(ref)
    return refs


def receipts(replies: Path) -> dict[str, collections.Counter]:
    """Inbound group / interchange control number → how many 997s / CONTRLs answer it, and the files."""
    x12: collections.Counter = collections.Counter()
    edifact: collections.Counter = collections.Counter()
    files = []
    for p in sorted(replies.rglob("*")):
        if not p.is_file():
            continue
        text = p.read_text(errors="replace")
        if "ST*997*" in text:
            files.append(p.name)
            x12.update(m.group(1) for m in re.finditer(r"AK1\*PO\*(\d+)", text))
        elif "CONTRL" in text:
            files.append(p.name)
            edifact.update(m.group(1) for m in re.finditer(r"UCI\+(\w+)\+", text))
    return {"997": x12, "CONTRL": edifact, "files": collections.Counter(files)}


def _batch(home: Path) -> tuple[dict[str, str], list[str], list[str]]:
    inbox = home / "inbox"
    inbox.mkdir(parents=True)
    x12_batch(inbox, X12_DOCS)
    groups = [str(9000 + i) for i in range(X12_DOCS)]  # x12_batch's GS control numbers
    refs = edifact_batch(inbox, EDIFACT_DOCS)
    # a killed worker's claims (documents, reply leases) lapse after a second, not the default 5 minutes
    env = {**_env(home, f"sqlite:///{home / 'orderflow.db'}"), "ORDERFLOW_CLAIM_STALE_AFTER_SECONDS": "1"}
    _ingest(env, inbox)
    return env, groups, refs


def _killed_worker(env: dict[str, str], spec: str) -> None:
    """``orderflow worker --once`` with a SIGKILL at the named checkpoint hit."""
    p = subprocess.Popen([sys.executable, "-m", "fixtures.crash_at", spec, "orderflow.flows.cli", "worker", "--once"],
                         env={**env, "PYTHONPATH": os.pathsep.join((PACKAGE_ROOT, TESTS))},
                         cwd=env["ORDERFLOW_HOME"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _out, err = p.communicate(timeout=300)
    assert p.returncode == -9, err[-800:]
    time.sleep(1.2)  # its leases lapse


def _outbox_rows(home: Path) -> list[tuple]:
    from sqlalchemy import select

    from orderflow.store.db import make_engine
    from orderflow.store.models import PendingReply

    engine = make_engine(f"sqlite:///{home / 'orderflow.db'}")
    try:
        with engine.connect() as c:
            return c.execute(select(PendingReply.kind, PendingReply.document_id, PendingReply.delivered_at,
                                    PendingReply.attempts).where(PendingReply.kind == "functional_ack")).all()
    finally:
        engine.dispose()


def _passes(env: dict[str, str], home: Path, groups: list[str], refs: list[str], n: int = 2) -> None:
    """``n`` plain worker passes; after each, every document has exactly one 997 / CONTRL."""
    for _ in range(n):
        p = _orderflow(env, "worker", "--once")
        _out, err = p.communicate(timeout=300)
        assert p.returncode == 0, err[-800:]
        got = receipts(home / "replies")
        assert got["997"] == {g: 1 for g in groups}, got
        assert got["CONTRL"] == {r: 1 for r in refs}, got
        assert set(got["files"].values()) == {1} and len(got["files"]) == X12_DOCS + EDIFACT_DOCS, got


def test_a_receipt_owed_by_a_worker_killed_after_the_processed_commit_is_sent_once(workdir):
    """SIGKILL between the ``processed`` commit and the reply, twice: after the first X12 850 (its 997
    owed), then after the first EDIFACT ORDERS (its CONTRL owed). The next pass sends both; one more
    pass sends nothing."""
    home = workdir / "home"
    env, groups, refs = _batch(home)
    _killed_worker(env, "after_process:1")  # documents are taken in name order: x12-000 first
    assert receipts(home / "replies")["files"] == {}  # killed before any reply was written
    owed = _outbox_rows(home)
    assert len(owed) == 1 and owed[0][2] is None  # the first document's 997 is owed, not lost
    _killed_worker(env, "after_process:3")  # x12-001, x12-002, then z-orders-000 (killed)
    got = receipts(home / "replies")
    assert got["997"] == {g: 1 for g in groups[1:]} and got["CONTRL"] == {}, got
    assert sum(1 for _k, _d, delivered, _n in _outbox_rows(home) if delivered is None) == 2

    _passes(env, home, groups, refs)
    rows = _outbox_rows(home)
    assert len(rows) == X12_DOCS + EDIFACT_DOCS
    assert all(delivered is not None for _k, _d, delivered, _n in rows)
    assert sorted(n for *_rest, n in rows) == [1] * len(rows)  # each delivered by one take


def test_a_receipt_written_but_not_marked_is_written_again_as_the_same_interchange(workdir):
    """SIGKILL after the 997 file was written, before its outbox row was marked delivered: the next
    pass takes the row again (its lease lapsed with the process) and rewrites the same file."""
    home = workdir / "home"
    env, groups, refs = _batch(home)
    _killed_worker(env, "reply_written:1")
    first = receipts(home / "replies")
    assert sum(first["files"].values()) == 1
    [written] = list(first["files"])
    body = next((home / "replies").rglob(written)).read_text()

    _passes(env, home, groups, refs)
    assert next((home / "replies").rglob(written)).read_text() == body  # same control numbers, same file
    rows = _outbox_rows(home)
    assert all(delivered is not None for _k, _d, delivered, _n in rows)
    assert sorted(n for *_rest, n in rows) == [1] * (len(rows) - 1) + [2]  # the killed one was taken twice
