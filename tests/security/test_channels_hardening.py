"""Issue 18, channels: half-written files, archives that overwrite, attachment names from the sender.

Each test does the attack as the issue describes it, on the real server where one is involved (a real
OpenSSH for the SFTP archive, a real Dovecot for attachment names), then checks the expected answer.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from pathlib import Path

_TESTS = str(Path(__file__).resolve().parent.parent)
if _TESTS not in sys.path:
    sys.path.insert(0, _TESTS)

from fixtures.dovecot import dovecot_server, imap_account  # noqa: E402,F401
from fixtures.sshd import sftp_drop, sshd_server  # noqa: E402,F401

from orderflow.flows.channels import folder_config, poll_channel  # noqa: E402
from orderflow.flows.services import build_services  # noqa: E402
from orderflow.flows.settings import ImapMailbox, SftpDrop, WatchedFolder, load_settings  # noqa: E402
from orderflow.intake.base import SizeTracker  # noqa: E402
from orderflow.intake.folder import FolderConfig, poll_folder  # noqa: E402
from orderflow.intake.names import MAX_NAME_CHARS  # noqa: E402
from orderflow.store.models import Document  # noqa: E402

CSV_HEAD = b"po_number,sku,qty,uom\n"
CSV_ROWS = b"".join(b"PO-STALL,FAS-1001,%d,EA\n" % i for i in range(1, 200))


def _documents(services) -> list[Document]:
    with services.session_factory() as s:
        rows = s.query(Document).order_by(Document.id).all()
        for r in rows:
            s.expunge(r)
        return rows


# --------------------------------------------------------------------------- half-written files


def test_folder_writer_stalling_mid_file_is_not_taken_half_written(tmp_path: Path) -> None:
    inbound = tmp_path / "scanner" / "inbound"
    inbound.mkdir(parents=True)
    settings = load_settings(home=tmp_path / "var", folders=[WatchedFolder(name="scanner", inbound=str(inbound))])
    services = build_services(settings)
    target = inbound / "po.csv"
    full = CSV_HEAD + CSV_ROWS

    def writer() -> None:  # half the file, a 1.2 s stall (a slow share, a busy scanner), then the rest
        with open(target, "wb") as fh:
            fh.write(full[: len(full) // 2])
            fh.flush()
            time.sleep(1.2)
            fh.write(full[len(full) // 2:])

    t = threading.Thread(target=writer)
    t.start()
    time.sleep(0.2)
    first, stored = poll_channel("folder", settings.folders[0], services)
    t.join()
    assert stored == [] and first.taken == [], first
    assert first.skipped and "po.csv" in first.skipped[0]
    second, stored = poll_channel("folder", settings.folders[0], services)
    assert len(stored) == 1, second
    docs = _documents(services)
    assert len(docs) == 1 and bytes(docs[0].data) == full


def test_folder_settle_seconds_is_a_setting(tmp_path: Path, monkeypatch) -> None:
    cfg = tmp_path / "orderflow.toml"
    cfg.write_text(f'home = "{tmp_path / "var"}"\nfolder_settle_seconds = 3.5\n'
                   f'[[folders]]\nname = "a"\ninbound = "{tmp_path / "a"}"\n'
                   f'[[folders]]\nname = "b"\ninbound = "{tmp_path / "b"}"\nsettle_seconds = 9\n')
    monkeypatch.setenv("ORDERFLOW_CONFIG", str(cfg))
    settings = load_settings()
    assert [folder_config(f).settle_seconds for f in settings.folders] == [3.5, 9.0]


def test_unchanged_across_two_polls_but_written_just_now_waits_for_the_settle_time(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    cfg = FolderConfig(inbound=str(tmp_path / "in"), archive=str(tmp_path / "ar"), failed=str(tmp_path / "f"),
                       settle_seconds=2.0)
    f = tmp_path / "in" / "po.json"
    f.write_bytes(b'{"po_number": "1"}')
    young = time.time() - 0.5
    os.utime(f, (young, young))
    taken: list = []

    def commit(env):
        taken.append(env)
        return "stored"

    tracker = SizeTracker()
    poll_folder(cfg, commit, tracker=tracker)
    second = poll_folder(cfg, commit, tracker=tracker)  # same size and mtime, but only 0.5 s old
    assert taken == [] and "written" in second.skipped[0]
    old = time.time() - 3
    os.utime(f, (old, old))
    poll_folder(cfg, commit, tracker=tracker)
    assert len(poll_folder(cfg, commit, tracker=tracker).taken) == 1 and taken[0].data == b'{"po_number": "1"}'


# --------------------------------------------------------------------------- archives


def test_sftp_archive_keeps_an_earlier_file_of_the_same_name(tmp_path: Path, sftp_drop) -> None:  # noqa: F811
    server = sftp_drop.server
    drop = SftpDrop(name="globex", host="127.0.0.1", port=server.port, user="root", key_file=server.client_key,
                    host_key=server.host_key_line, inbound=sftp_drop.inbound, archive=sftp_drop.archive,
                    failed=sftp_drop.failed, outbox=sftp_drop.outbox, settle_seconds=0.1)
    services = build_services(load_settings(home=tmp_path / "var"))
    monday = CSV_HEAD + b"PO-MON,FAS-1001,10,EA\n"
    tuesday = CSV_HEAD + b"PO-TUE,FAS-1001,20,EA\n"
    sftp_drop.upload("orders.csv", monday)
    report, _ = poll_channel("sftp", drop, services)
    assert len(report.taken) == 1, report
    sftp_drop.upload("orders.csv", tuesday)  # the partner reuses the name the next day
    report, _ = poll_channel("sftp", drop, services)
    assert len(report.taken) == 1, report
    archived = sftp_drop.names(sftp_drop.archive)
    assert len(archived) == 2 and "orders.csv" in archived, archived
    contents = {(sftp_drop.local(sftp_drop.archive) / n).read_bytes() for n in archived}
    assert contents == {monday, tuesday}
    other = next(n for n in archived if n != "orders.csv")
    assert other.startswith("orders.") and other.endswith(".csv")


def test_folder_archive_keeps_an_earlier_file_of_the_same_name(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    cfg = FolderConfig(inbound=str(tmp_path / "in"), archive=str(tmp_path / "ar"), failed=str(tmp_path / "f"),
                       settle_seconds=0.05)
    for body in (b'{"po_number": "A"}', b'{"po_number": "B"}', b'{"po_number": "C"}', b'{"po_number": "A"}'):
        (tmp_path / "in" / "po.json").write_bytes(body)
        old = time.time() - 60
        os.utime(tmp_path / "in" / "po.json", (old, old))
        assert len(poll_folder(cfg, lambda env: "stored").taken) == 1
    kept = sorted(p.read_bytes() for p in (tmp_path / "ar").iterdir())  # A again replaced only its own copy
    assert kept == [b'{"po_number": "A"}', b'{"po_number": "B"}', b'{"po_number": "C"}']
    assert (tmp_path / "ar" / "po.json").read_bytes() == b'{"po_number": "A"}'


# --------------------------------------------------------------------------- attachment names


def _mail_with_names(names: list[str], body: bytes) -> bytes:
    """A raw mail whose attachments carry names as a hostile sender writes them (RFC 2231 percent-encoded,
    so NUL, control and bidi characters reach the parser unchanged)."""
    from urllib.parse import quote

    parts = []
    for i, name in enumerate(names):
        parts.append(
            b"--XX\r\nContent-Type: text/csv\r\n"
            b"Content-Disposition: attachment; filename*=utf-8''" + quote(name, safe="").encode() + b"\r\n"
            b"Content-Transfer-Encoding: 7bit\r\n\r\n" + body.replace(b"PO-STALL", b"PO-N%d" % i) + b"\r\n"
        )
    return (b"From: Purchasing <purchasing@acme-mfg.example>\r\nTo: orders@northwind.example\r\n"
            b"Subject: orders\r\nMessage-ID: <names-1@acme-mfg.example>\r\nMIME-Version: 1.0\r\n"
            b"Content-Type: multipart/mixed; boundary=XX\r\n\r\n" + b"".join(parts) + b"--XX--\r\n")


def test_imap_attachment_names_are_cleaned_and_the_original_kept(tmp_path: Path, imap_account, monkeypatch) -> None:  # noqa: F811, E501
    monkeypatch.setenv("TEST_IMAP_PASSWORD", imap_account.password)
    box = ImapMailbox(name="orders", host="127.0.0.1", port=imap_account.port, tls="none",
                      user=imap_account.user, password_env="TEST_IMAP_PASSWORD")
    services = build_services(load_settings(home=tmp_path / "var"))
    hostile = [
        "po\x00.csv",                      # NUL
        "order\x1b[31m\r\n.csv",           # terminal escape, CR/LF
        "invoice\u202efdp.csv",            # RTL override: displays as "invoicepdf.csv"-ish
        "A" * 1000 + ".csv",               # 1,000 characters
    ]
    imap_account.append(_mail_with_names(hostile, CSV_HEAD + b"PO-STALL,FAS-1001,1,EA\n"))
    report, stored = poll_channel("imap", box, services)
    assert report.errors == [] and len(stored) == 4, report
    docs = _documents(services)
    names = [d.meta["filename"] for d in docs]
    for name in names:
        assert all(ch.isprintable() for ch in name), repr(name)
        assert "\u202e" not in name and "\x00" not in name
        assert len(name) <= MAX_NAME_CHARS and name.endswith(".csv")
    assert names[0] == "po.csv" and names[2] == "invoicefdp.csv"
    assert names[3] == "A" * (MAX_NAME_CHARS - 4) + ".csv"
    originals = [d.meta.get("original_filename") for d in docs]
    assert originals[0] == "po\\u0000.csv" and originals[2] == "invoice\\u202efdp.csv"  # escaped, reversible
    assert originals[3] == "A" * 1000 + ".csv"
    assert [d.filename for d in docs] == names


def test_drop_file_names_are_cleaned_too(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    cfg = FolderConfig(inbound=str(tmp_path / "in"), archive=str(tmp_path / "ar"), failed=str(tmp_path / "f"),
                       settle_seconds=0.05)
    raw = os.fsencode(str(tmp_path / "in")) + b"/po\x1b[2J\xe2\x80\xae\xff.json"  # escape, RTL override, bad byte
    with open(raw, "wb") as fh:
        fh.write(b'{"po_number": "1"}')
    old = time.time() - 60
    os.utime(raw, (old, old))
    seen = []
    report = poll_folder(cfg, lambda env: seen.append(env) or "stored")
    assert len(report.taken) == 1, report
    (env,) = seen
    assert env.filename == "po[2J.json"
    assert env.metadata["original_filename"] == "po\\u001b[2J\\u202e\\udcff.json"
    assert "\udcff" not in env.metadata["path"]
