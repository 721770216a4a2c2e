"""Watched-folder poller on real directories."""

from __future__ import annotations

import os
import time

import pytest
from intake_docs import FakeStore, pdf_bytes, x12_850

from orderflow.intake.base import NOT_AN_ORDER, SizeTracker
from orderflow.intake.folder import FolderConfig, poll_folder


@pytest.fixture
def dirs(tmp_path):
    (tmp_path / "in").mkdir()
    return tmp_path


@pytest.fixture
def config(dirs):
    return FolderConfig(
        inbound=str(dirs / "in"),
        archive=str(dirs / "archive"),
        failed=str(dirs / "failed"),
        settle_seconds=0.05,
    )


def names(path):
    return sorted(p.name for p in path.iterdir()) if path.exists() else []


def test_taken_once_and_moved_after_commit(dirs, config):
    pdf = pdf_bytes()
    (dirs / "in" / "po.pdf").write_bytes(pdf)
    (dirs / "in" / "po.edi").write_bytes(x12_850())
    (dirs / "in" / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0 jpeg")
    store = FakeStore()
    report = poll_folder(config, store)
    assert len(report.taken) == 2 and len(report.failed) == 1 and report.errors == []
    assert names(dirs / "in") == [] and names(dirs / "archive") == ["po.edi", "po.pdf"]
    assert names(dirs / "failed") == ["photo.jpg"]
    by_name = {e.filename: e for e in store.envelopes}
    assert by_name["po.pdf"].data == pdf and by_name["po.pdf"].channel == "folder"
    assert "an image" in by_name["photo.jpg"].metadata[NOT_AN_ORDER]
    assert poll_folder(config, store).counts() == dict(taken=0, duplicates=0, failed=0, skipped=0, errors=0)


def test_commit_raises_file_stays(dirs, config):
    (dirs / "in" / "a.csv").write_bytes(b"sku,qty\nA,1\n")
    store = FakeStore(fail_times=1)
    first = poll_folder(config, store)
    assert "store connection dropped" in first.errors[0] and names(dirs / "in") == ["a.csv"]
    second = poll_folder(config, store)
    assert len(second.taken) == 1 and names(dirs / "archive") == ["a.csv"] and len(store.docs) == 1


def test_half_written_and_zero_byte(dirs, config):
    growing = dirs / "in" / "slow.csv"
    growing.write_bytes(b"sku,qty\n")
    (dirs / "in" / "x.pdf.tmp").write_bytes(b"%PDF")
    (dirs / "in" / "zero.pdf").write_bytes(b"")

    def append(_):
        with open(growing, "ab") as f:
            f.write(b"B,2\n")

    store = FakeStore()
    report = poll_folder(config, store, sleep=append)
    assert store.calls == [] and len(report.skipped) == 3
    old = time.time() - 3600
    os.utime(dirs / "in" / "zero.pdf", (old, old))
    report = poll_folder(config, store)
    assert len(report.taken) == 1 and len(report.failed) == 1
    by_name = {e.filename: e for e in store.envelopes}
    assert by_name["slow.csv"].data == b"sku,qty\nB,2\n"
    assert by_name["zero.pdf"].metadata[NOT_AN_ORDER] == "zero.pdf: empty file (0 bytes)"
    assert names(dirs / "failed") == ["zero.pdf"] and names(dirs / "in") == ["x.pdf.tmp"]


def test_tracker_needs_two_equal_looks(dirs, config):
    (dirs / "in" / "a.json").write_bytes(b'{"po_number": "1"}')
    old = time.time() - 60  # older than the settle time: only the two looks decide here
    os.utime(dirs / "in" / "a.json", (old, old))
    tracker, store = SizeTracker(), FakeStore()
    assert poll_folder(config, store, tracker=tracker).taken == []
    assert len(poll_folder(config, store, tracker=tracker).taken) == 1


def test_missing_inbound_is_a_readable_error(dirs):
    cfg = FolderConfig(inbound=str(dirs / "nope"), archive=str(dirs / "a"), failed=str(dirs / "f"))
    report = poll_folder(cfg, FakeStore())
    assert len(report.errors) == 1 and "cannot list" in report.errors[0] and "nope" in report.errors[0]
