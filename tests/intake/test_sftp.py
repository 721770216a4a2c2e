"""SFTP poller and outbox against a real OpenSSH server (paramiko uploads, server-side checks)."""

from __future__ import annotations

import os
from dataclasses import replace

import pytest
from intake_docs import FakeStore, pdf_bytes, x12_850

from orderflow.intake.base import NOT_AN_ORDER, ChannelError, SizeTracker
from orderflow.intake.sftp import SftpConfig, poll_sftp, write_outbox

pytestmark = pytest.mark.servers


@pytest.fixture
def config(sftp_drop):
    s = sftp_drop.server
    return SftpConfig(
        host="127.0.0.1",
        port=s.port,
        user="root",
        key_file=s.client_key,
        known_host_key=s.host_key_line,
        inbound=sftp_drop.inbound,
        archive=sftp_drop.archive,
        failed=sftp_drop.failed,
        outbox=sftp_drop.outbox,
        name="acme",
        settle_seconds=0.2,
    )


def test_orders_taken_and_archived_not_order_failed(sftp_drop, config):
    pdf, edi = pdf_bytes(), x12_850()
    sftp_drop.upload("po1.pdf", pdf)
    sftp_drop.upload("po2.x12", edi)
    sftp_drop.upload("readme.docx", b"PK\x03\x04 not a spreadsheet")
    store = FakeStore()
    report = poll_sftp(config, store)
    assert report.errors == [] and len(report.taken) == 2 and len(report.failed) == 1
    by_name = {e.filename: e for e in store.envelopes}
    assert by_name["po1.pdf"].data == pdf and by_name["po2.x12"].data == edi
    assert by_name["po1.pdf"].channel == "sftp"
    assert by_name["po1.pdf"].metadata["path"] == f"{sftp_drop.inbound}/po1.pdf"
    assert "not an order format" in by_name["readme.docx"].metadata[NOT_AN_ORDER]
    assert sftp_drop.names(sftp_drop.inbound) == []
    assert sftp_drop.names(sftp_drop.archive) == ["po1.pdf", "po2.x12"]
    assert sftp_drop.names(sftp_drop.failed) == ["readme.docx"]
    assert sftp_drop.local(f"{sftp_drop.archive}/po1.pdf").read_bytes() == pdf


def test_temporary_hidden_and_empty_files(sftp_drop, config):
    sftp_drop.upload("po.pdf.part", b"%PDF-1.4 half")
    sftp_drop.upload(".po.pdf", b"%PDF-1.4 hidden")
    sftp_drop.upload("empty.csv", b"")
    store = FakeStore()
    report = poll_sftp(config, store)
    assert store.calls == [] and len(report.skipped) == 3
    assert any("empty file" in s for s in report.skipped)
    assert sorted(sftp_drop.names(sftp_drop.inbound)) == [".po.pdf", "empty.csv", "po.pdf.part"]

    report = poll_sftp(replace(config, empty_grace_seconds=0), store)
    assert len(report.failed) == 1 and "empty file (0 bytes)" in report.failed[0]
    assert store.envelopes[0].metadata[NOT_AN_ORDER].endswith("empty file (0 bytes)")
    assert sftp_drop.names(sftp_drop.failed) == ["empty.csv"]


def test_file_still_growing_is_skipped_then_taken(sftp_drop, config):
    sftp_drop.upload("big.csv", b"sku,qty\n")
    target = sftp_drop.local(f"{sftp_drop.inbound}/big.csv")

    def writer_appends(seconds):
        with open(target, "ab") as f:
            f.write(b"W-1,10\n")

    store = FakeStore()
    report = poll_sftp(config, store, sleep=writer_appends)
    assert store.calls == [] and len(report.skipped) == 1 and "size changing" in report.skipped[0]
    report = poll_sftp(config, store)
    assert len(report.taken) == 1 and store.envelopes[0].data == b"sku,qty\nW-1,10\n"


def test_size_tracker_across_polls(sftp_drop, config):
    sftp_drop.upload("a.csv", b"sku,qty\nA,1\n")
    tracker, store = SizeTracker(), FakeStore()
    first = poll_sftp(config, store, tracker=tracker)
    assert store.calls == [] and "first seen" in first.skipped[0]
    second = poll_sftp(config, store, tracker=tracker)
    assert len(second.taken) == 1 and sftp_drop.names(sftp_drop.archive) == ["a.csv"]


def test_commit_failure_leaves_file_then_taken_once(sftp_drop, config):
    sftp_drop.upload("po.pdf", pdf_bytes("PO X"))
    store = FakeStore(fail_times=1)
    first = poll_sftp(config, store)
    assert first.taken == [] and "not stored, left in" in first.errors[0]
    assert sftp_drop.names(sftp_drop.inbound) == ["po.pdf"]
    second = poll_sftp(config, store)
    assert len(second.taken) == 1 and len(store.docs) == 1
    assert sftp_drop.names(sftp_drop.archive) == ["po.pdf"] and sftp_drop.names(sftp_drop.inbound) == []


def test_same_name_again_overwrites_archive_safely(sftp_drop, config):
    pdf = pdf_bytes("v1")
    sftp_drop.upload("po.pdf", pdf)
    store = FakeStore()
    poll_sftp(config, store)
    sftp_drop.upload("po.pdf", pdf)
    report = poll_sftp(config, store)
    assert len(report.duplicates) == 1 and report.errors == []
    assert sftp_drop.names(sftp_drop.inbound) == [] and sftp_drop.names(sftp_drop.archive) == ["po.pdf"]


def test_server_down_between_polls(sftp_drop, config):
    sftp_drop.upload("po.pdf", pdf_bytes("down"))
    sftp_drop.server.stop()
    store = FakeStore()
    down = poll_sftp(config, store)
    assert len(down.errors) == 1 and "cannot connect" in down.errors[0] and store.calls == []
    sftp_drop.server.start()
    up = poll_sftp(config, store)
    assert len(up.taken) == 1 and up.errors == []


def test_server_dies_after_commit_before_archive(sftp_drop, config):
    sftp_drop.upload("a.pdf", pdf_bytes("a"))
    sftp_drop.upload("b.pdf", pdf_bytes("b"))
    store = FakeStore(hook=lambda env: sftp_drop.server.crash())
    mid = poll_sftp(config, store)
    assert len(mid.taken) == 1 and mid.errors and "connection lost" in mid.errors[-1]
    sftp_drop.server.start()
    assert sftp_drop.names(sftp_drop.inbound) == ["a.pdf", "b.pdf"]
    store.hook = None
    after = poll_sftp(config, store)
    assert len(after.duplicates) == 1 and len(after.taken) == 1 and after.errors == []
    assert len(store.docs) == 2 and sftp_drop.names(sftp_drop.archive) == ["a.pdf", "b.pdf"]


def test_wrong_pinned_host_key_is_refused(sftp_drop, config, tmp_path):
    os.system(f"ssh-keygen -q -t ed25519 -N '' -f {tmp_path}/other")
    other = " ".join((tmp_path / "other.pub").read_text().split()[:2])
    sftp_drop.upload("po.pdf", pdf_bytes())
    store = FakeStore()
    report = poll_sftp(replace(config, known_host_key=other), store)
    assert store.calls == [] and "cannot connect" in report.errors[0]
    assert sftp_drop.names(sftp_drop.inbound) == ["po.pdf"]


def test_write_outbox_atomic(sftp_drop, config):
    path = write_outbox(config, "997_000000001.x12", b"ISA*first~")
    assert path == f"{sftp_drop.outbox}/997_000000001.x12"
    write_outbox(config, "997_000000001.x12", b"ISA*second~")
    assert sftp_drop.names(sftp_drop.outbox) == ["997_000000001.x12"]
    assert sftp_drop.local(path).read_bytes() == b"ISA*second~"
    with pytest.raises(ChannelError, match="invalid outbox file name"):
        write_outbox(config, "../escape", b"x")


def test_25mb_file(sftp_drop, config):
    big = b"%PDF-1.4\n" + os.urandom(25 * 1024 * 1024)
    sftp_drop.upload("big.pdf", big)
    store = FakeStore()
    report = poll_sftp(config, store)
    assert report.errors == [] and store.envelopes[0].data == big
