"""Every channel into the store and through the pipeline, exactly once: a real Dovecot mailbox,
a real OpenSSH drop (with the 997 uploaded to its outbox), a watched folder and the portal API."""

from __future__ import annotations

import json
from email.message import EmailMessage
from pathlib import Path

from fastapi.testclient import TestClient

from orderflow.flows.channels import make_portal_app, poll_channel
from orderflow.flows.demo import INBOX
from orderflow.flows.pipeline import process_document, push_approved
from orderflow.flows.services import build_services
from orderflow.flows.settings import ImapMailbox, SftpDrop, WatchedFolder, load_settings
from orderflow.store import repository as repo


def _mail_with_pdf() -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = "Purchasing <purchasing@acme-mfg.example>"
    msg["To"] = "orders@northwind.example"
    msg["Subject"] = "PO 5531"
    msg["Message-ID"] = "<po-5531@acme-mfg.example>"
    msg.set_content("Please find our purchase order attached.")
    msg.add_attachment((INBOX / "acme-po-5531.pdf").read_bytes(), maintype="application", subtype="pdf",
                       filename="acme-po-5531.pdf")
    return msg


def test_imap_sftp_folder_exactly_once(tmp_path: Path, imap_account, sftp_drop, monkeypatch) -> None:
    monkeypatch.setenv("TEST_IMAP_PASSWORD", imap_account.password)
    folder_in = tmp_path / "scanner" / "inbound"
    folder_in.mkdir(parents=True)
    settings = load_settings(
        home=tmp_path / "var",
        imap=[ImapMailbox(name="orders", host="127.0.0.1", port=imap_account.port, tls="none",
                          user=imap_account.user, password_env="TEST_IMAP_PASSWORD")],
        sftp=[SftpDrop(name="globex", host="127.0.0.1", port=sftp_drop.server.port, user="root",
                       key_file=sftp_drop.server.client_key, host_key=sftp_drop.server.host_key_line,
                       inbound=sftp_drop.inbound, archive=sftp_drop.archive, failed=sftp_drop.failed,
                       outbox=sftp_drop.outbox)],
        folders=[WatchedFolder(name="scanner", inbound=str(folder_in))],
    )
    services = build_services(settings)
    imap_account.append(_mail_with_pdf())
    sftp_drop.upload("GX-448120.edi", (INBOX / "globex-850-GX-448120.edi").read_bytes())
    (folder_in / "PO-9001.json").write_bytes((INBOX / "acme-portal-PO-9001.json").read_bytes())

    processed = []
    for kind, cfg in (("imap", settings.imap[0]), ("sftp", settings.sftp[0]), ("folder", settings.folders[0])):
        report, stored = poll_channel(kind, cfg, services)
        assert report.ok, report.errors
        assert len(stored) == 1, (kind, report.counts())
        processed += [process_document(services, doc_id) for doc_id in stored]
    push_approved(services)

    assert [o.state for o in processed] == ["processed"] * 3
    with services.session_factory() as s:
        rows = [repo.get_order(s, o.orders[0].id) for o in processed]
        assert [(r.po_number, r.channel, r.state) for r in rows] == [
            ("5531", "imap", "pushed"), ("GX-448120", "sftp", "pushed"), ("PO-9001", "folder", "pushed")]
        assert "purchasing@acme-mfg.example" in rows[0].document.sender
        assert rows[0].document.message_id == "<po-5531@acme-mfg.example>"

    # Sources acknowledged only after the commit: mail moved, files archived; the 997 went back by SFTP.
    assert imap_account.count("INBOX") == 0 and imap_account.count("Processed") == 1
    assert sftp_drop.names(sftp_drop.inbound) == [] and sftp_drop.names(sftp_drop.archive) == ["GX-448120.edi"]
    outbox = sftp_drop.names(sftp_drop.outbox)
    assert any(n.startswith("997-") for n in outbox) and any(n.startswith("855-") for n in outbox), outbox
    assert not list(folder_in.iterdir())

    # Delivered again (the buyer's system re-sends): one document, no new order, no second push.
    imap_account.append(_mail_with_pdf())
    for kind, cfg in (("imap", settings.imap[0]), ("sftp", settings.sftp[0]), ("folder", settings.folders[0])):
        report, stored = poll_channel(kind, cfg, services)
        assert stored == [], kind
    assert imap_account.count("INBOX") == 0
    assert len(list(settings.outbox.glob("*.json"))) == 3


def test_portal_api_into_the_pipeline(tmp_path: Path) -> None:
    services = build_services(load_settings(home=tmp_path / "var"))
    client = TestClient(make_portal_app(services, {"tok-acme": "purchasing@acme-mfg.example"}))
    body = json.loads((INBOX / "acme-portal-PO-9001.json").read_text())
    headers = {"Authorization": "Bearer tok-acme", "Idempotency-Key": "k-1"}
    first = client.post("/api/orders", json=body, headers=headers)
    assert first.status_code == 201, first.text
    again = client.post("/api/orders", json=body, headers=headers)
    assert again.status_code == first.status_code and again.json() == first.json()
    order_id = first.json()["id"]
    got = client.get(f"/api/orders/{order_id}", headers=headers)
    assert got.status_code == 200 and got.json()["po_number"] == "PO-9001"
    assert client.get(f"/api/orders/{order_id}", headers={"Authorization": "Bearer nope"}).status_code == 401
    bad = client.post("/api/orders", json={**body, "lines": [{"qty": "ten"}]},
                      headers={**headers, "Idempotency-Key": "k-2"})
    assert bad.status_code == 422
    with services.session_factory() as s:
        row = repo.get_order(s, order_id)
        assert row.channel == "portal" and row.state in ("approved", "pushed", "valid")
