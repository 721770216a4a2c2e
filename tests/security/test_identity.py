"""Issue 18, critical: identity comes from the channel, never from the document.

Each test plays the attack as the issue wrote it, through the real channel (the portal's FastAPI
app, a real Dovecot mailbox, a real OpenSSH drop, a watched folder), then checks the answer.
"""

from __future__ import annotations

import copy
import json
import sys
from email.message import EmailMessage
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

_TESTS = str(Path(__file__).resolve().parents[1])
if _TESTS not in sys.path:
    sys.path.insert(0, _TESTS)

from fixtures.dovecot import dovecot_server, imap_account  # noqa: E402,F401
from fixtures.sshd import sftp_drop, sshd_server  # noqa: E402,F401

from orderflow.canonical import Envelope  # noqa: E402
from orderflow.flows.channels import make_portal_app, poll_channel  # noqa: E402
from orderflow.flows.demo import INBOX  # noqa: E402
from orderflow.flows.pipeline import ingest_and_process, process_document, push_approved  # noqa: E402
from orderflow.flows.services import build_services  # noqa: E402
from orderflow.flows.settings import ImapMailbox, SftpDrop, WatchedFolder, load_settings  # noqa: E402
from orderflow.store import repository as repo  # noqa: E402
from orderflow.store.models import Document, Order  # noqa: E402

ACME_PO = json.loads((INBOX / "acme-portal-PO-9001.json").read_text())  # buyer ids {"92": "ACME"}
SPOOF = {"partner_ids": {"ZZ": "ACMEMFG"}}  # ACME's EDI id, claimed inside the document
TOKENS = {"tok-umbrella": "UMBRELLA", "tok-acme": "ACME", "tok-globex": "GLOBEX"}


def anonymous(po: str = "PO-9001", **extra) -> dict:
    """ACME's sample order with its buyer removed: the body names no customer by itself."""
    body = copy.deepcopy(ACME_PO)
    body.pop("buyer")
    return {**body, "po_number": po, **extra}


def named(buyer: dict, po: str) -> dict:
    return {**anonymous(po), "buyer": buyer}


@pytest.fixture
def services(tmp_path: Path):
    return build_services(load_settings(home=tmp_path / "var"))


@pytest.fixture
def portal(services):
    return TestClient(make_portal_app(services, TOKENS))


def post(portal, token: str, body: dict, key: str):
    return portal.post("/api/orders", json=body, headers={"Authorization": f"Bearer {token}", "Idempotency-Key": key})


def order_row(services, order_id: int):
    with services.session_factory() as s:
        row = repo.get_order(s, order_id)
        return row.customer_id, str(row.state), [i.code for i in row.issues]


def count(services, model) -> int:
    with services.session_factory() as s:
        return s.scalar(select(func.count()).select_from(model))


def pushed_files(services) -> list[Path]:
    return sorted(services.adapter.outbox.glob("*.json")) if hasattr(services.adapter, "outbox") else []


# --------------------------------------------------------------------------- portal


def test_portal_body_cannot_speak_for_another_customer(services, portal):
    # The attack: UMBRELLA (credit hold) posts a body whose source claims ACME's EDI id.
    r = post(portal, "tok-umbrella", anonymous(source=SPOOF), "k-1")
    assert r.status_code == 422, r.text
    assert r.json()["detail"][0]["type"] == "source_not_allowed"
    # Naming ACME as the buyer is refused the same way: the token is bound to UMBRELLA.
    r = post(portal, "tok-umbrella", named({"name": "ACME Manufacturing", "ids": {"92": "ACME"}}, "PO-9002"), "k-2")
    assert r.status_code == 422 and r.json()["detail"][0]["type"] == "customer_not_entitled"
    assert "ACME" in r.json()["detail"][0]["msg"] and "UMBRELLA" in r.json()["detail"][0]["msg"]
    assert count(services, Document) == 0 and count(services, Order) == 0  # refused, nothing stored

    # Without the claims the order is UMBRELLA's, and UMBRELLA's credit hold stops it.
    r = post(portal, "tok-umbrella", anonymous(), "k-3")
    assert r.status_code == 201, r.text
    push_approved(services)
    customer, state, codes = order_row(services, r.json()["id"])
    assert (customer, state) == ("UMBRELLA", "needs_review") and "CREDIT_HOLD" in codes
    assert pushed_files(services) == []

    # ACME's own token may name ACME (the refusal above is about entitlement, not about buyers).
    ok = post(portal, "tok-acme", ACME_PO, "k-4")
    assert ok.status_code == 201 and order_row(services, ok.json()["id"])[:2] == ("ACME", "approved")


def test_portal_cancel_of_another_customers_order_is_not_applied(services, portal):
    first = post(portal, "tok-acme", ACME_PO, "k-1")
    assert first.status_code == 201
    push_approved(services)
    acme_id = first.json()["id"]
    assert order_row(services, acme_id)[:2] == ("ACME", "pushed")
    pushed = pushed_files(services)

    # The attack as written: the same body with purpose cancel and the spoofed source → refused.
    cancel = {"po_number": "PO-9001", "purpose": "cancel"}
    r = post(portal, "tok-umbrella", {**cancel, "source": SPOOF}, "k-2")
    assert r.status_code == 422 and r.json()["detail"][0]["type"] == "source_not_allowed"
    # Without the claim: stored as UMBRELLA's cancel, routed to review, ACME's order untouched.
    r = post(portal, "tok-umbrella", cancel, "k-3")
    assert r.status_code == 201, r.text
    issues = r.json()["issues"]
    assert r.json()["state"] == "needs_review"
    flagged = [i for i in issues if i["code"] == "CUSTOMER_NOT_ENTITLED"]
    assert flagged and "PO-9001" in flagged[0]["message"] and "ACME" in flagged[0]["message"]
    push_approved(services)
    assert order_row(services, acme_id)[:2] == ("ACME", "pushed")
    assert order_row(services, r.json()["id"])[:2] == ("UMBRELLA", "needs_review")
    assert pushed_files(services) == pushed  # nothing new went to the ERP


def test_dedup_is_per_account_not_global(services, portal):
    # Client B posts a body byte-identical to client A's: B gets its own order, not A's.
    body = anonymous("PO-4242")
    a = post(portal, "tok-acme", body, "same-key")
    b = post(portal, "tok-globex", body, "same-key")
    assert a.status_code == b.status_code == 201
    assert a.json()["id"] != b.json()["id"]
    assert order_row(services, a.json()["id"])[0] == "ACME"
    assert order_row(services, b.json()["id"])[0] == "GLOBEX"
    with services.session_factory() as s:
        docs = s.scalars(select(Document).order_by(Document.id)).all()
        assert len(docs) == 2 and docs[0].sha256 == docs[1].sha256
        assert [d.account for d in docs] == ["acme", "globex"]
    # The same bytes again from the same account stay one document (a re-delivery, not a new order).
    again = post(portal, "tok-acme", body, "another-key")
    assert again.status_code == 201 and again.json()["id"] == a.json()["id"]
    assert count(services, Document) == 2


# --------------------------------------------------------------------------- mail, folder, drop


def _mail(sender: str, body: dict, name: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "orders@northwind.example"
    msg["Subject"] = f"Order {body['po_number']}"
    msg["Message-ID"] = f"<{name}@test>"
    msg.set_content("Our order is attached.")
    msg.add_attachment(json.dumps(body).encode(), maintype="application", subtype="json", filename=f"{name}.json")
    return msg


def test_imap_document_names_a_customer_its_sender_is_not_entitled_to(tmp_path, imap_account, monkeypatch):  # noqa: F811
    monkeypatch.setenv("TEST_IMAP_PASSWORD", imap_account.password)
    settings = load_settings(home=tmp_path / "var", imap=[ImapMailbox(
        name="orders", host="127.0.0.1", port=imap_account.port, tls="none", user=imap_account.user,
        password_env="TEST_IMAP_PASSWORD")])
    services = build_services(settings)
    mails = [
        _mail("Procurement <procurement@umbrella.example>", anonymous("UL-1", source=SPOOF), "spoof"),
        _mail("procurement@umbrella.example", named({"name": "ACME Manufacturing", "ids": {"92": "ACME"}}, "UL-2"),
              "names-acme"),
        _mail("someone@freemail.example", named({"name": "ACME Manufacturing", "ids": {"92": "ACME"}}, "FM-1"),
              "unknown-sender"),
        _mail("purchasing@acme-mfg.example", ACME_PO, "acme-own"),  # control: ACME's own buyer
    ]
    for m in mails:
        imap_account.append(m)
    report, stored = poll_channel("imap", settings.imap[0], services)
    assert report.ok, report.errors
    outcomes = {o.orders[0].po_number: o.orders[0] for o in (process_document(services, d) for d in stored)}
    push_approved(services)
    got = {po: order_row(services, o.id) for po, o in outcomes.items()}

    customer, state, codes = got["UL-1"]  # the source block in the JSON is ignored
    assert (customer, state) == ("UMBRELLA", "needs_review") and "CREDIT_HOLD" in codes
    customer, state, codes = got["UL-2"]  # UMBRELLA's sender naming ACME
    assert (customer, state) == ("UMBRELLA", "needs_review") and codes[0] == "CUSTOMER_NOT_ENTITLED"
    customer, state, codes = got["FM-1"]  # an unregistered sender naming ACME: never auto-approved
    assert (customer, state) == ("ACME", "needs_review") and "CUSTOMER_NOT_ENTITLED" in codes
    assert got["PO-9001"][:2] == ("ACME", "pushed") and "CUSTOMER_NOT_ENTITLED" not in got["PO-9001"][2]


def test_folder_json_source_block_is_ignored(tmp_path):
    inbound = tmp_path / "scanner" / "inbound"
    inbound.mkdir(parents=True)
    settings = load_settings(home=tmp_path / "var", folders=[WatchedFolder(name="scanner", inbound=str(inbound))])
    services = build_services(settings)
    body = named({"name": "Umbrella Labs", "ids": {"92": "UMBRELLA"}}, "UL-7") | {"source": {
        **SPOOF, "channel": "portal", "sender": "purchasing@acme-mfg.example", "format": "x12_850"}}
    (inbound / "UL-7.json").write_text(json.dumps(body))
    report, stored = poll_channel("folder", settings.folders[0], services)
    assert report.ok and len(stored) == 1
    out = process_document(services, stored[0])
    customer, state, codes = order_row(services, out.orders[0].id)
    assert (customer, state) == ("UMBRELLA", "needs_review") and "CREDIT_HOLD" in codes
    with services.session_factory() as s:
        source = repo.order_canonical(repo.get_order(s, out.orders[0].id)).source
    assert (source.channel, source.sender, source.format, source.partner_ids) == ("folder", None, "portal_json", {})


def test_sftp_drop_bound_to_a_customer_checks_the_envelope(tmp_path, sftp_drop):  # noqa: F811
    def drop(customer: str) -> SftpDrop:
        return SftpDrop(name="partner", host="127.0.0.1", port=sftp_drop.server.port, user="root",
                        key_file=sftp_drop.server.client_key, host_key=sftp_drop.server.host_key_line,
                        inbound=sftp_drop.inbound, archive=sftp_drop.archive, failed=sftp_drop.failed,
                        outbox=sftp_drop.outbox, customer=customer)

    edi = (INBOX / "globex-850-GX-448120.edi").read_bytes()  # ISA06 = GLOBEX's id
    results = {}
    for customer in ("ACME", "GLOBEX"):  # ACME's drop carries GLOBEX's envelope; GLOBEX's own drop is the control
        settings = load_settings(home=tmp_path / customer, sftp=[drop(customer)])
        services = build_services(settings)
        sftp_drop.upload("GX-448120.edi", edi)
        report, stored = poll_channel("sftp", settings.sftp[0], services)
        assert report.ok and len(stored) == 1, report.errors
        out = process_document(services, stored[0])
        push_approved(services)
        results[customer] = order_row(services, out.orders[0].id)
    customer, state, codes = results["ACME"]
    assert (customer, state) == ("ACME", "needs_review") and codes[0] == "CUSTOMER_NOT_ENTITLED"
    assert results["GLOBEX"][:2] == ("GLOBEX", "pushed") and "CUSTOMER_NOT_ENTITLED" not in results["GLOBEX"][2]


def test_edi_change_from_another_customers_mailbox_is_not_applied(services):
    original = ingest_and_process(services, Envelope(
        data=(INBOX / "globex-850-GX-448120.edi").read_bytes(), filename="GX-448120.edi", channel="sftp",
        sender="4405197800"))
    push_approved(services)
    original_id = original.orders[0].id
    assert order_row(services, original_id)[:2] == ("GLOBEX", "pushed")
    change = ingest_and_process(services, Envelope(
        data=(INBOX / "globex-860-GX-448120.edi").read_bytes(), filename="GX-448120-860.edi", channel="imap",
        sender="procurement@umbrella.example"))
    push_approved(services)
    customer, state, codes = order_row(services, change.orders[0].id)
    assert state == "needs_review" and "CUSTOMER_NOT_ENTITLED" in codes
    assert order_row(services, original_id)[:2] == ("GLOBEX", "pushed")  # not superseded, not changed
    with services.session_factory() as s:
        assert repo.get_order(s, change.orders[0].id).previous_order_id is None
