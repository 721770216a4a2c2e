"""Issue 21 through the real CLI (subprocess) on real purchase orders: a sender's first document is
processed as if it came from that sender, the CSR's final version is saved with ``queue fix --from``, and
the sender's next document comes out better (``extract --sender`` and ``process --sender``) — for that
sender only. Bad input to ``queue fix --from`` is a clear exit 2, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fixtures.real_cli import cli, doc, gold

from orderflow.bench.accuracy import score_document
from orderflow.bench.learning_real import gold_version

FIRST, NEXT, OTHER = "unico_HDM-UB-11-2025-0291", "unico_HDM-UB-12-2025-0227", "deca_A000125"
SENDER, STRANGER = "orders@unico.example", "orders@deca.example"


def extract(home: Path, stem: str, sender: str) -> dict:
    res = cli(home, "extract", str(doc(stem)), "--json", "--sender", sender)
    assert res.returncode == 0, res.stderr
    [order] = json.loads(res.stdout)
    return order


def process(home: Path, stem: str, sender: str) -> dict:
    res = cli(home, "process", str(doc(stem)), "--sender", sender, "--json", "--no-push")
    assert res.returncode in (0, 1), res.stderr
    [outcome] = json.loads(res.stdout)
    return outcome


def show(home: Path, order_id: int) -> dict:
    res = cli(home, "queue", "show", str(order_id))
    assert res.returncode == 0, res.stderr
    return json.loads(res.stdout)


def test_one_saved_version_onboards_the_sender(tmp_path: Path) -> None:
    home = tmp_path / "home"
    want = gold(NEXT)
    before = extract(home, NEXT, SENDER)
    assert not score_document(want, before)["perfect"]  # the engine alone misreads the sender's table
    other_before = extract(home, OTHER, STRANGER)

    first = process(home, FIRST, SENDER)
    assert first["channel"] == "imap" and first["state"] == "processed"
    [row] = first["orders"]
    shown = show(home, row["id"])
    assert shown["document"]["sender"] == SENDER and shown["document"]["channel"] == "imap"

    version = tmp_path / "final.json"
    version.write_text(json.dumps(gold_version(gold(FIRST))))
    res = cli(home, "queue", "fix", str(row["id"]), "--from", str(version), "--user", "csr1")
    assert res.returncode == 0, res.stderr
    assert "learned:" in res.stdout
    saved = show(home, row["id"])["order"]
    assert saved["po_number"] == gold(FIRST)["po_number"]
    assert len(saved["lines"]) == len(gold(FIRST)["lines"])
    assert [ln["sku"] for ln in saved["lines"]] == [ln["sku"] for ln in gold(FIRST)["lines"]]
    assert score_document(gold(FIRST), saved)["perfect"]
    assert any(a["action"] == "fix" and a["actor"] == "csr1" for a in show(home, row["id"])["audit"])

    after = extract(home, NEXT, SENDER)
    assert score_document(want, after)["perfect"]  # what one saved version taught: every field right
    assert score_document(want, after)["right"] > score_document(want, before)["right"]
    [nxt] = process(home, NEXT, SENDER)["orders"]
    assert nxt["po_number"] == want["po_number"]

    # no leak: the same document from another sender, and another sender's own document, are untouched
    stranger = extract(home, NEXT, STRANGER)
    assert {k: v for k, v in stranger.items() if k != "source"} == {k: v for k, v in before.items() if k != "source"}
    other_after = extract(home, OTHER, STRANGER)
    assert {k: v for k, v in other_after.items() if k != "source"} == \
        {k: v for k, v in other_before.items() if k != "source"}

    # the old form of queue fix still works
    res = cli(home, "queue", "fix", str(nxt["id"]), "payment_terms", "T/T 30 DAYS")
    assert res.returncode == 0, res.stderr
    assert show(home, nxt["id"])["order"]["payment_terms"] == "T/T 30 DAYS"


@pytest.fixture(scope="module")
def first_processed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A home whose store holds FIRST processed as order 1, no version saved. Every bad-input case
    below must leave it exactly so (nothing half-saved), so they share it: one ``process`` run, not five."""
    home = tmp_path_factory.mktemp("onboarding") / "home"
    [row] = process(home, FIRST, SENDER)["orders"]
    assert row["id"] == 1
    (home / "processed.json").write_text(json.dumps(show(home, 1)["order"]))
    return home


@pytest.mark.parametrize(("content", "order", "needle"), [
    ('{"po_number": "A", "lines": [', "1", "not valid JSON"),
    ('["a", "b"]', "1", "one order as a JSON object"),
    ('{"po_number": "X-1", "colour": "red"}', "1", "'colour' is not a field"),
    ('{"lines": [{"qty": "ten"}]}', "1", "lines[0].qty"),
    ('{"po_number": "X-1"}', "999", "order 999 does not exist"),
])
def test_queue_fix_from_refuses_bad_input_clearly(first_processed: Path, tmp_path: Path, content: str, order: str,
                                                  needle: str) -> None:
    home = first_processed
    bad = tmp_path / "bad.json"
    bad.write_text(content)
    res = cli(home, "queue", "fix", order, "--from", str(bad))
    assert res.returncode == 2, res.stdout + res.stderr
    assert needle in res.stderr and "Traceback" not in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1
    assert show(home, 1)["order"] == json.loads((home / "processed.json").read_text())  # nothing half-saved


def test_process_refuses_an_unknown_channel(tmp_path: Path) -> None:
    res = cli(tmp_path / "home", "process", str(doc(FIRST)), "--sender", SENDER, "--channel", "fax")
    assert res.returncode == 2 and "--channel 'fax'" in res.stderr and "Traceback" not in res.stderr


def test_what_a_save_taught_reaches_the_senders_waiting_orders(tmp_path: Path) -> None:
    home = tmp_path / "home"
    [first] = process(home, FIRST, SENDER)["orders"]
    [waiting] = process(home, NEXT, SENDER)["orders"]
    [stranger] = process(home, NEXT, STRANGER)["orders"]  # the same file from another sender
    assert not score_document(gold(NEXT), show(home, waiting["id"])["order"])["perfect"]
    version = tmp_path / "final.json"
    version.write_text(json.dumps(gold_version(gold(FIRST))))
    res = cli(home, "queue", "fix", str(first["id"]), "--from", str(version))
    assert res.returncode == 0, res.stderr
    assert f"re-applied to waiting order(s) {waiting['id']}" in res.stdout
    shown = show(home, waiting["id"])
    assert score_document(gold(NEXT), shown["order"])["perfect"]
    assert shown["order"]["source"]["sender"] == SENDER and shown["order"]["source"]["channel"] == "imap"
    assert any(a["action"] == "reextracted" for a in shown["audit"])
    assert not score_document(gold(NEXT), show(home, stranger["id"])["order"])["perfect"]  # no leak to another sender
