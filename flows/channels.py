"""Wiring intake channels to the store: the commit callable and the per-channel configs.

A poller hands each envelope to ``commit``; it is stored (document first, nothing lost)
before the poller acknowledges the source. Processing happens after, from the store.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, MutableMapping
from pathlib import Path
from typing import Any

from orderflow.canonical import Envelope
from orderflow.flows.pipeline import Services, ingest
from orderflow.flows.settings import DEFAULT_FOLDER_SETTLE_SECONDS, ImapMailbox, SftpDrop, WatchedFolder


def make_commit(services: Services, stored: list[int] | None = None) -> Callable[[Envelope], str]:
    """``commit`` for the pollers: saves the document and says stored/duplicate; raises if it could not."""

    def commit(envelope: Envelope) -> str:
        doc_id, created = ingest(services, envelope)
        if stored is not None and created:
            stored.append(doc_id)
        return "stored" if created else "duplicate"

    return commit


def imap_config(box: ImapMailbox):
    from orderflow.intake.imap import ImapConfig

    return ImapConfig(
        host=box.host,
        user=box.user,
        port=box.port,
        tls=box.tls,
        password_env=box.password_env,
        password_file=box.password_file,
        folder=box.folder,
        processed_folder=box.processed_folder,
        failed_folder=box.failed_folder,
        name=box.name,
        ca_file=box.ca_file,
    )


def sftp_config(drop: SftpDrop):
    from orderflow.intake.sftp import SftpConfig

    return SftpConfig(
        host=drop.host,
        user=drop.user,
        known_host_key=drop.host_key or "",
        port=drop.port,
        key_file=drop.key_file,
        password_env=drop.password_env,
        inbound=drop.inbound,
        archive=drop.archive,
        failed=drop.failed,
        outbox=drop.outbox,
        name=drop.name,
        settle_seconds=drop.settle_seconds,
    )


def folder_config(folder: WatchedFolder):
    from orderflow.intake.folder import FolderConfig

    inbound = Path(folder.inbound)
    return FolderConfig(
        inbound=str(inbound),
        archive=folder.archive or str(inbound.parent / "archive"),
        failed=folder.failed or str(inbound.parent / "failed"),
        name=folder.name,
        settle_seconds=DEFAULT_FOLDER_SETTLE_SECONDS if folder.settle_seconds is None else folder.settle_seconds,
    )


def poll_channel(kind: str, config: Any, services: Services) -> tuple[Any, list[int]]:
    """Poll one channel into the store; returns the poll report and the new document ids."""
    stored: list[int] = []
    commit = make_commit(services, stored)
    if kind == "imap":
        from orderflow.intake.imap import poll_imap

        report = poll_imap(imap_config(config), commit)
    elif kind == "sftp":
        from orderflow.intake.sftp import poll_sftp

        report = poll_sftp(sftp_config(config), commit)
    elif kind == "folder":
        from orderflow.intake.folder import poll_folder

        report = poll_folder(folder_config(config), commit)
    else:
        raise ValueError(f"unknown channel kind {kind!r}")
    return report, stored


class StoreIdempotencyCache(MutableMapping[tuple[str, str], tuple[str, int, dict]]):
    """The portal API's first-answer cache kept in the store, so every worker replays the same answer."""

    def __init__(self, services: Services) -> None:
        self.services = services

    def __getitem__(self, key: tuple[str, str]) -> tuple[str, int, dict]:
        from orderflow.store import repository as repo

        with self.services.session_factory() as s:
            found = repo.portal_response(s, key[0], key[1])
        if found is None:
            raise KeyError(key)
        return found["fingerprint"], int(found["status"]), found["body"]

    def __setitem__(self, key: tuple[str, str], value: tuple[str, int, dict]) -> None:
        from orderflow.store import repository as repo

        with self.services.session_factory() as s, s.begin():
            repo.save_portal_response(s, key[0], key[1], {"fingerprint": value[0], "status": value[1], "body": value[2]})

    def __delitem__(self, key: tuple[str, str]) -> None:  # answers are kept for audit
        raise KeyError(key)

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(())

    def __len__(self) -> int:
        return 0


def portal_refusal(services: Services, order_json: dict, client: str) -> dict | None:
    """Why the portal refuses this body (a 422 error entry), or None. A token is bound to its customer
    account: the body may not carry its own ``source`` (the channel sets it) nor name a customer the
    token's account may not order for (buyer/bill-to ids or a clearly matching name)."""
    from orderflow.canonical import CanonicalOrder
    from orderflow.validators import ValidationContext
    from orderflow.validators.customer import channel_customer, named_customer, same_account

    if not isinstance(order_json, dict):
        return None  # not an order object: the extractor's field errors answer it
    if order_json.get("source"):
        return {"loc": ["body", "source"], "type": "source_not_allowed",
                "msg": "'source' is set by the channel (your token), never by the order body: remove it"}
    try:
        order = CanonicalOrder.model_validate(order_json)
    except ValueError:
        return None  # an invalid body: the extractor answers it with the field paths (422)
    ctx = ValidationContext(sender=client, channel="portal")
    account, _how = channel_customer(services.reference, ctx, client)
    named = named_customer(order, services.reference, ctx, services.validation)
    if named.customer is None or (account is not None and same_account(services.reference, account.id,
                                                                         named.customer.id)):
        return None
    mine = f"customer {account.id}" if account is not None else "no customer account"
    return {"loc": ["body", "buyer"], "type": "customer_not_entitled",
            "msg": f"CUSTOMER_NOT_ENTITLED: this token orders for {mine}; the order names {named.customer.id} "
                   f"(by {named.how})"}


def _posted_orders(body: Any) -> list[Any]:
    """The orders of a portal body: one object, an array, or ``{"orders": [...]}``."""
    if isinstance(body, list):
        return body
    if isinstance(body, dict) and isinstance(body.get("orders"), list):
        return body["orders"]
    return [body]


def make_portal_app(services: Services, tokens: dict[str, str]):
    """The portal API wired to the pipeline: a posted order is stored as a document, then processed."""
    import json

    from orderflow.flows.pipeline import ingest_and_process
    from orderflow.intake.portal_api import create_portal_app
    from orderflow.store import repository as repo

    def submit(order_json: Any, client: str, key: str) -> tuple[int, dict]:
        """Store the posted body as one document and process it. A single order answers
        ``{id, state, issues}``; a batch (array / ``{"orders": [...]}``) answers ``{"orders": [...]}``.
        Each order of the body is first checked against the token's account (``portal_refusal``)."""
        for i, one in enumerate(_posted_orders(order_json)):
            refused = portal_refusal(services, one, client)
            if refused is not None:
                if one is not order_json:
                    refused = {**refused, "loc": ["body", "orders", i, *refused["loc"][1:]]}
                return 422, {"detail": [refused]}
        body = json.dumps(order_json, sort_keys=True).encode()
        env = Envelope(
            data=body,
            filename=f"portal-{client}-{key}.json",
            channel="portal",
            sender=client,
            content_type="application/json",
            metadata={"portal_client": client, "idempotency_key": key},
        )
        try:
            out = ingest_and_process(services, env)
        except Exception:
            stored = stored_answer(env, isinstance(order_json, dict) and "orders" not in order_json)
            if stored is None:  # not a lost race (another process storing the same body): a failure
                raise
            return stored
        if not out.orders:  # unreadable, or values the store cannot hold (the document failed with the reason)
            return 422, {"detail": [{"loc": ["body"], "type": "not_stored", "msg": out.reason or "not an order"}]}
        with services.session_factory() as s:
            answers = [answer(repo.get_order(s, o.id)) for o in out.orders]
        return 201, answers[0] if isinstance(order_json, dict) and "orders" not in order_json else {"orders": answers}

    def answer(row: Any) -> dict:
        return {"id": row.id, "state": row.state, "issues": [i.model_dump(mode="json") for i in repo.order_issues(row)]}

    def stored_answer(env: Envelope, single: bool) -> tuple[int, dict] | None:
        """The orders another process stored from these very bytes of this client (it won the race), if any."""
        with services.session_factory() as s:
            doc = repo.find_document(s, env.sha256, repo.document_account(env.channel, env.sender, env.metadata))
            if doc is None or doc.state != "processed" or not doc.orders:
                return None
            answers = [answer(row) for row in sorted(doc.orders, key=lambda o: o.doc_index)]
        return 201, answers[0] if single else {"orders": answers}

    def get_order(client: str, order_id: int) -> dict | None:
        with services.session_factory() as s:
            row = repo.get_order(s, order_id)
            if row is None or row.document is None or row.document.sender != client:
                return None
            return {
                "id": row.id,
                "po_number": row.po_number,
                "state": row.state,
                "erp_order_id": row.erp_order_id,
                "issues": [i.model_dump(mode="json") for i in repo.order_issues(row)],
            }

    return create_portal_app(submit, get_order, tokens, idempotency_cache=StoreIdempotencyCache(services))
