"""Repository functions on SQLite and PostgreSQL: documents, orders, issues, audit, pushes, reference data."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import inspect, select

from orderflow.canonical import (
    CanonicalOrder,
    CreditRecord,
    CrossReference,
    Customer,
    Envelope,
    Issue,
    Item,
    OrderLine,
    Party,
    PriceAgreement,
    ReferenceData,
    Severity,
    Suggestion,
    UomConversion,
)
from orderflow.store import repository as repo
from orderflow.store.db import migrate
from orderflow.store.models import Document, Order


def env(data: bytes = b"%PDF-1.4 order 1", **kw) -> Envelope:
    base = {
        "filename": "po.pdf",
        "channel": "imap",
        "sender": "buyer@acme.test",
        "subject": "PO 4711",
        "message_id": "<m1@acme.test>",
    }
    return Envelope(data=data, **{**base, **kw})


def order(po: str = "4711", **kw) -> CanonicalOrder:
    lines = [
        OrderLine(line_no="1", qty=Decimal("10"), uom="EA", unit_price=Decimal("2.50"), customer_part="AC-1"),
        OrderLine(line_no="2", qty=Decimal("1.125"), uom="CA", unit_price=Decimal("99.9900"), sku="SKU-2"),
    ]
    return CanonicalOrder(po_number=po, lines=lines, ship_to=Party(name="Dock 4"), **kw)


def sku_issue() -> Issue:
    return Issue(
        code="SKU_UNKNOWN",
        field="lines[0].sku",
        message="unknown part AC-1",
        actual="AC-1",
        expected=Decimal("1.50"),
        suggestions=[Suggestion(value="SKU-1", label="Widget", score=91.5)],
    )


def test_migrate_creates_schema_and_is_repeatable(engine, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no working-directory assumption (no alembic.ini lookup)
    migrate(engine)  # second run is a no-op
    names = set(inspect(engine).get_table_names())
    assert {
        "documents",
        "orders",
        "issues",
        "audit_events",
        "push_attempts",
        "reference_snapshots",
        "control_counters",
        "learned_cross_references",
        "users",
        "portal_idempotency_keys",
        "extraction_hints",
        "alembic_version",
    } <= names


def test_save_document_is_idempotent_by_sha256(s):
    doc, created = repo.save_document(s, env())
    s.commit()
    again, created2 = repo.save_document(s, env(filename="other-name.pdf", channel="sftp"))
    s.commit()
    assert created is True and created2 is False
    assert again.id == doc.id
    assert s.scalar(select(Document.id).where(Document.sha256 == env().sha256)) == doc.id
    assert len(s.scalars(select(Document)).all()) == 1
    got = repo.get_document(s, doc.id)
    assert got.data == b"%PDF-1.4 order 1"
    assert got.state == "received" and got.attempts == 0
    assert got.meta["subject"] == "PO 4711" and got.meta["message_id"] == "<m1@acme.test>"
    assert got.received_at.tzinfo is not None and got.received_at.utcoffset() == dt.timedelta(0)
    assert repo.get_document(s, 999_999) is None


def test_mark_document_sets_state_reason_format_and_audits(s):
    doc, _ = repo.save_document(s, env())
    repo.mark_document(s, doc, "failed", reason="not a purchase order", fmt="pdf_text", actor="worker-1")
    s.commit()
    s.expire_all()
    got = repo.get_document(s, doc.id)
    assert (got.state, got.reason, got.format) == ("failed", "not a purchase order", "pdf_text")
    trail = repo.audit_trail(s, "document", doc.id)
    assert [e.action for e in trail] == ["received", "state"]
    assert trail[-1].before["state"] == "received" and trail[-1].after["state"] == "failed"
    with pytest.raises(ValueError):
        repo.mark_document(s, doc, "exploded")


def test_claim_documents_moves_to_processing_and_counts_attempts(s):
    ids = [repo.save_document(s, env(data=f"doc {i}".encode()))[0].id for i in range(5)]
    s.commit()
    first = repo.claim_documents(s, worker="w1", limit=3)
    s.commit()
    second = repo.claim_documents(s, worker="w2", limit=10)
    s.commit()
    assert [d.id for d in first] == ids[:3]
    assert [d.id for d in second] == ids[3:]
    assert all(d.state == "processing" and d.attempts == 1 for d in first + second)
    assert {d.claimed_by for d in first} == {"w1"}
    assert repo.claim_documents(s, worker="w3") == []
    # a dead worker's claim is taken over once stale
    stale = repo.claim_documents(s, worker="w4", limit=2, stale_after=dt.timedelta(seconds=-1))
    s.commit()
    assert [d.id for d in stale] == ids[:2] and stale[0].attempts == 2 and stale[0].claimed_by == "w4"


def test_save_order_round_trip_and_idempotent_per_document_index(s):
    doc, _ = repo.save_document(s, env())
    o = repo.save_order(
        s,
        doc,
        0,
        order(),
        state="needs_review",
        issues=[sku_issue()],
        customer_id="C1",
        ship_to_id="C1-D4",
        resolved={"lines": [{"sku": None}, {"sku": "SKU-2", "price": Decimal("99.99")}]},
    )
    s.commit()
    assert o.idem_key == "C1|4711|original|0"
    again = repo.save_order(
        s, doc, 0, order(), state="valid", issues=[], customer_id="C1", ship_to_id="C1-D4", resolved=None
    )
    s.commit()
    assert again.id == o.id
    assert len(s.scalars(select(Order)).all()) == 1
    s.expire_all()
    got = repo.get_order(s, o.id)
    assert got.state == "valid" and repo.order_issues(got) == []
    canon = repo.order_canonical(got)
    assert canon.lines[1].qty == Decimal("1.125") and canon.lines[1].unit_price == Decimal("99.9900")
    assert isinstance(canon.lines[0].unit_price, Decimal)
    assert [e.action for e in repo.audit_trail(s, "order", o.id)] == ["created", "updated"]


def test_issues_round_trip_with_suggestions(s):
    doc, _ = repo.save_document(s, env())
    warn = Issue(code="LOW_CONFIDENCE", severity=Severity.WARNING, field="po_number", message="blurry")
    o = repo.save_order(
        s,
        doc,
        0,
        order(),
        state="needs_review",
        issues=[sku_issue(), warn],
        customer_id="C1",
        ship_to_id=None,
        resolved=None,
    )
    s.commit()
    s.expire_all()
    issues = repo.order_issues(repo.get_order(s, o.id))
    assert [i.code for i in issues] == ["SKU_UNKNOWN", "LOW_CONFIDENCE"]
    assert issues[0].suggestions[0].value == "SKU-1" and issues[0].suggestions[0].score == 91.5
    assert issues[0].expected == "1.50" and issues[0].blocking and not issues[1].blocking
    repo.replace_issues(s, repo.get_order(s, o.id), [warn])
    s.commit()
    s.expire_all()
    assert [i.code for i in repo.order_issues(repo.get_order(s, o.id))] == ["LOW_CONFIDENCE"]


def test_second_copy_of_a_po_is_stored_without_the_key(s):
    d1, _ = repo.save_document(s, env(data=b"one"))
    d2, _ = repo.save_document(s, env(data=b"two"))
    first = repo.save_order(
        s, d1, 0, order(), state="valid", issues=[], customer_id="C1", ship_to_id=None, resolved=None
    )
    dup = repo.save_order(
        s, d2, 0, order(), state="needs_review", issues=[], customer_id="C1", ship_to_id=None, resolved=None
    )
    s.commit()
    assert first.idem_key == "C1|4711|original|0" and dup.idem_key is None
    assert [o.id for o in repo.find_orders(s, customer_id="C1", po_number="4711", exclude_id=dup.id)] == [
        first.id
    ]
    assert {o.id for o in repo.find_orders(s, customer_id=None, po_number="4711")} == {first.id, dup.id}
    assert repo.find_orders(s, customer_id="C2", po_number="4711") == []
    assert repo.find_order_by_key(s, "C1|4711|original|0").id == first.id


def test_set_order_state_validates_and_audits(s):
    doc, _ = repo.save_document(s, env())
    o = repo.save_order(
        s, doc, 0, order(), state="needs_review", issues=[], customer_id="C1", ship_to_id=None, resolved=None
    )
    repo.set_order_state(s, o, "approved", actor="alice", reason="checked by phone")
    s.commit()
    with pytest.raises(repo.IllegalTransition, match="cannot go from 'approved' to 'acknowledged'"):
        repo.set_order_state(s, o, "acknowledged", actor="bob")
    assert o.state == "approved"
    ev = repo.audit_trail(s, "order", o.id)[-1]
    assert (ev.action, ev.actor, ev.before, ev.after, ev.reason) == (
        "state",
        "alice",
        {"state": "needs_review"},
        {"state": "approved"},
        "checked by phone",
    )
    assert ev.at.tzinfo is not None
    # reprocessing must not silently move a pushed order back
    repo.set_order_state(s, o, "pushed", actor="system")
    with pytest.raises(repo.IllegalTransition):
        repo.save_order(
            s, doc, 0, order(), state="valid", issues=[], customer_id="C1", ship_to_id=None, resolved=None
        )


def test_list_queue_filters(s):
    d_mail, _ = repo.save_document(s, env(data=b"mail", channel="imap"))
    d_sftp, _ = repo.save_document(s, env(data=b"sftp", channel="sftp"))
    a = repo.save_order(
        s,
        d_mail,
        0,
        order("A"),
        state="needs_review",
        issues=[sku_issue()],
        customer_id="C1",
        ship_to_id=None,
        resolved=None,
    )
    b = repo.save_order(
        s,
        d_sftp,
        0,
        order("B"),
        state="needs_review",
        issues=[],
        customer_id="C2",
        ship_to_id=None,
        resolved=None,
    )
    c = repo.save_order(
        s, d_sftp, 1, order("C"), state="valid", issues=[], customer_id="C2", ship_to_id=None, resolved=None
    )
    a.created_at = dt.datetime.now(dt.UTC) - dt.timedelta(hours=3)
    s.commit()
    assert [o.id for o in repo.list_queue(s)] == [a.id, b.id]
    assert [o.id for o in repo.list_queue(s, channel="sftp")] == [b.id]
    assert [o.id for o in repo.list_queue(s, customer="C1")] == [a.id]
    assert [o.id for o in repo.list_queue(s, code="SKU_UNKNOWN")] == [a.id]
    assert [o.id for o in repo.list_queue(s, older_than=dt.timedelta(hours=1))] == [a.id]
    assert [o.id for o in repo.list_queue(s, states=("valid",))] == [c.id]


def test_revision_links_previous_order(s):
    d1, _ = repo.save_document(s, env(data=b"850"))
    d2, _ = repo.save_document(s, env(data=b"860"))
    orig = repo.save_order(
        s, d1, 0, order(), state="valid", issues=[], customer_id="C1", ship_to_id=None, resolved=None
    )
    change = repo.save_order(
        s,
        d2,
        0,
        order(purpose="change", revision=1),
        state="valid",
        issues=[],
        customer_id="C1",
        ship_to_id=None,
        resolved=None,
        previous=orig,
    )
    s.commit()
    assert change.idem_key == "C1|4711|change|1"
    assert [o.id for o in repo.order_history(s, change)] == [change.id, orig.id]


def test_push_attempts_numbered_and_erp_id_stored(s):
    doc, _ = repo.save_document(s, env())
    o = repo.save_order(
        s, doc, 0, order(), state="approved", issues=[], customer_id="C1", ship_to_id=None, resolved=None
    )
    a1 = repo.record_push_attempt(
        s, o, adapter="tryton", ok=False, error="connection refused", transient=True
    )
    a2 = repo.record_push_attempt(s, o, adapter="tryton", ok=True, erp_order_id="SO-0042")
    s.commit()
    assert (a1.attempt, a1.ok, a1.transient) == (1, False, True)
    assert (a2.attempt, a2.ok) == (2, True)
    s.expire_all()
    assert repo.get_order(s, o.id).erp_order_id == "SO-0042"
    assert [p.error for p in repo.push_attempts(s, o)] == ["connection refused", None]


def test_reference_snapshot_round_trip_keeps_decimals(s):
    assert repo.latest_reference_snapshot(s) is None
    ref = ReferenceData(
        items=[
            Item(
                sku="SKU-1",
                case_pack=Decimal("12.000"),
                min_order_qty=Decimal("0.5"),
                sellable_uoms=["EA", "CA"],
            )
        ],
        uom_conversions=[UomConversion(from_uom="CA", to_uom="EA", factor=Decimal("12"))],
        customers=[Customer(id="C1", name="Acme")],
        price_agreements=[
            PriceAgreement(
                id="P1",
                customer_id="C1",
                sku="SKU-1",
                price=Decimal("0.0125"),
                valid_from=dt.date(2026, 1, 1),
            )
        ],
        credit=[
            CreditRecord(
                customer_id="C1",
                limit=Decimal("10000.00"),
                open_orders=Decimal("123.45"),
                as_of=dt.datetime(2026, 5, 1, 12, tzinfo=dt.UTC),
            )
        ],
        source="tryton",
    )
    repo.save_reference_snapshot(s, ReferenceData(source="old"), "old")
    sid = repo.save_reference_snapshot(s, ref, "tryton")
    s.commit()
    got = repo.latest_reference_snapshot(s)
    assert sid > 0 and got.source == "tryton"
    assert got.items[0].case_pack == Decimal("12.000") and str(got.items[0].case_pack) == "12.000"
    assert got.price_agreements[0].price == Decimal("0.0125") and isinstance(
        got.price_agreements[0].price, Decimal
    )
    assert got.credit_by_customer["C1"].exposure == Decimal("123.45")
    assert got.price_agreements[0].valid_from == dt.date(2026, 1, 1)
    assert got == ref


def test_next_control_number_is_per_partner_and_kind(s):
    assert [repo.next_control_number(s, "ACME", "ISA") for _ in range(3)] == [1, 2, 3]
    assert repo.next_control_number(s, "ACME", "GS") == 1
    assert repo.next_control_number(s, "BOLT", "ISA") == 1
    s.commit()
    assert repo.next_control_number(s, "ACME", "ISA") == 4


def test_learned_cross_references_upsert(s):
    at = dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.UTC)
    repo.add_cross_reference(
        s,
        CrossReference(
            customer_id="C1", customer_part="AC-1", sku="SKU-9", created_by="alice", created_at=at
        ),
    )
    repo.add_cross_reference(
        s, CrossReference(customer_id="C1", customer_part="AC-1", sku="SKU-1", uom="CA", created_by="bob")
    )
    repo.add_cross_reference(s, CrossReference(customer_id="C2", customer_part="AC-1", sku="SKU-7"))
    repo.count_cross_reference_use(s, "C1", "AC-1")
    s.commit()
    got = repo.learned_cross_references(s)
    assert [(x.customer_id, x.customer_part, x.sku, x.uom, x.source) for x in got] == [
        ("C1", "AC-1", "SKU-1", "CA", "learned"),
        ("C2", "AC-1", "SKU-7", None, "learned"),
    ]
    assert got[0].created_by == "bob" and got[0].created_at.tzinfo is not None


def test_users_portal_keys_and_hints(s):
    repo.add_user(s, "alice", "$argon2id$fake", role="supervisor")
    s.commit()
    assert repo.get_user(s, "alice").role == "supervisor" and repo.get_user(s, "nobody") is None
    assert repo.portal_response(s, "shopco", "k-1") is None
    assert repo.save_portal_response(s, "shopco", "k-1", {"order_ids": [1], "total": Decimal("5.10")}) == {
        "order_ids": [1],
        "total": Decimal("5.10"),
    }
    s.commit()
    assert repo.save_portal_response(s, "shopco", "k-1", {"order_ids": [2]}) == {
        "order_ids": [1],
        "total": "5.10",
    }
    assert repo.portal_response(s, "shopco", "k-1") == {"order_ids": [1], "total": "5.10"}
    h = repo.add_extraction_hint(
        s,
        kind="field_anchor",
        payload={"field": "po_number", "label": "Order No."},
        sender_scope="acme.test",
        fingerprint="abc123",
        created_by="alice",
    )
    repo.add_extraction_hint(s, kind="field_anchor", payload={}, sender_scope="other.test")
    s.commit()
    assert [x.id for x in repo.extraction_hints(s, sender_scope="acme.test")] == [h.id]
    h.retired = True
    s.commit()
    assert repo.extraction_hints(s, sender_scope="acme.test") == []
    assert len(repo.extraction_hints(s, include_retired=True)) == 2


def test_migration_matches_models(engine):
    """The Alembic schema and the SQLAlchemy models agree (autogenerate finds nothing to do)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from orderflow.store.models import Base

    with engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diffs == []


def test_open_store_on_a_fresh_sqlite_file(tmp_path):
    from orderflow.store.db import open_store

    Session = open_store(f"sqlite:///{tmp_path / 'sub' / 'dir' / 'orderflow.db'}")  # noqa: N806
    with Session() as s:
        doc, created = repo.save_document(s, env())
        s.commit()
    assert created and (tmp_path / "sub" / "dir" / "orderflow.db").exists()
    with Session() as s:
        assert repo.get_document(s, doc.id).sha256 == env().sha256
