"""Corrections → hints → the next document of the sender extracted right (review functions, no browser)."""

from __future__ import annotations

import dataclasses

from learning_conf import ACME, extract, no_rules

from orderflow.bench.learning import LAYOUTS
from orderflow.flows.learning_wiring import hints_for_factory, make_learner
from orderflow.review import actions, learning


def _fix(store, order_id, path, value, **kw):
    with store.Session() as s:
        row = actions.fix_field(s, order_id, path, value, user="csr1", revalidate=no_rules, learner=make_learner(),
                                **kw)
        learned = row.learned
        s.commit()
        return learned


def test_po_number_label_learned_and_applied_to_the_next_document(store, layout_doc):
    pdf1, gold1 = layout_doc(ACME, 0)
    pdf2, gold2 = layout_doc(ACME, 1)
    first = extract(pdf1, ACME.sender)
    assert first.po_number != gold1["po_number"]  # the lexicon does not know "Cust. Ord. Ref"
    order_id = store.save(pdf1, ACME.sender, first)

    learned = _fix(store, order_id, "po_number", gold1["po_number"])
    assert learned.descriptions == ["For mail from @acme-learn.example, 'Cust. Ord. Ref' is the PO number."]
    with store.Session() as s:
        [hint] = learning.list_hints(s)
        assert hint["hint"] == {"id": f"learned-{hint['id']}", "scope": {"sender": "@acme-learn.example"},
                                "kind": "label_alias", "field": "po_number", "label": "Cust. Ord. Ref"}
        assert hint["created_by"] == "csr1" and hint["uses"] == 0
        assert hint["evidence"]["wrong"] is None and hint["evidence"]["right"] == gold1["po_number"]
        evidence = [a for a in actions.repo.audit_trail(s, "order", order_id) if a.action == "correction_evidence"]
        assert evidence[0].after["sender"] == ACME.sender and evidence[0].after["layout"]

    hints_for = hints_for_factory(store.Session)
    hints = hints_for("buyer@acme-learn.example", pdf2)
    second = extract(pdf2, "buyer@acme-learn.example", hints)
    assert second.po_number == gold2["po_number"]
    assert second.provenance["po_number"].hint == f"learned-{hint['id']}"
    with store.Session() as s:
        assert learning.list_hints(s)[0]["uses"] == 1


def test_line_column_and_date_order_learned(store, layout_doc):
    pdf1, gold1 = layout_doc(ACME, 0)
    pdf2, gold2 = layout_doc(ACME, 2)
    order_id = store.save(pdf1, ACME.sender, extract(pdf1, ACME.sender))
    learned = _fix(store, order_id, "lines[0].customer_part", gold1["lines"][0]["customer_part"])
    assert learned.descriptions == [
        "For mail from @acme-learn.example, the column 'Mat.-Nr.' holds the customer's part number."]
    learned = _fix(store, order_id, "po_date", gold1["po_date"].isoformat())
    assert "'Raised on' is the PO date." in learned.descriptions[0]
    assert learned.descriptions[1].endswith("dates are written month first (12/31/2026).")

    second = extract(pdf2, ACME.sender, hints_for_factory(store.Session)(ACME.sender, pdf2))
    assert [ln.customer_part for ln in second.lines] == [ln["customer_part"] for ln in gold2["lines"]]
    assert second.po_date == gold2["po_date"]


def test_hints_never_leak_across_senders(store, layout_doc):
    """Two senders print the same label "Cust. Ord. Ref": for one it is the PO number, for the other
    a customer reference next to the real PO number under "Docket"."""
    other = dataclasses.replace(LAYOUTS[3], labels={"po_number": "Docket", "po_date": "Dated"},
                                extra=[("Cust. Ord. Ref", 330, 140), ("KD-5520-X", 400, 140)])
    a1, ga1 = layout_doc(ACME, 0)
    a2, ga2 = layout_doc(ACME, 1)
    b1, gb1 = layout_doc(other, 0)
    b2, gb2 = layout_doc(other, 1)
    _fix(store, store.save(a1, ACME.sender, extract(a1, ACME.sender)), "po_number", ga1["po_number"])
    learned = _fix(store, store.save(b1, other.sender, extract(b1, other.sender)), "po_number", gb1["po_number"])
    assert learned.descriptions == ["For mail from @delphi-learn.example, 'Docket' is the PO number."]

    hints_for = hints_for_factory(store.Session)
    assert {h["label"] for h in hints_for(ACME.sender, a2)} == {"Cust. Ord. Ref"}
    assert {h["label"] for h in hints_for(other.sender, b2)} == {"Docket"}
    assert extract(a2, ACME.sender, hints_for(ACME.sender, a2)).po_number == ga2["po_number"]
    assert extract(b2, other.sender, hints_for(other.sender, b2)).po_number == gb2["po_number"]
    # even handed every hint, the extractor keeps each one to its own sender
    with store.Session() as s:
        everything = [r.payload["hint"] for r in learning.active_hint_rows(s)]
    assert len(everything) == 2
    assert extract(b2, other.sender, everything).po_number == gb2["po_number"]
    # a sender that was never corrected gets nothing
    assert hints_for("someone@elsewhere.example", a2) == []


def test_different_layout_of_the_same_sender_gets_no_layout_hints(store, layout_doc):
    pdf1, gold1 = layout_doc(ACME, 0)
    _fix(store, store.save(pdf1, ACME.sender, extract(pdf1, ACME.sender)), "po_number", gold1["po_number"])
    other_layout = dataclasses.replace(LAYOUTS[1], sender=ACME.sender)
    pdf_b, _ = layout_doc(other_layout, 0)
    hints_for = hints_for_factory(store.Session)
    assert hints_for(ACME.sender, pdf_b) == []
    assert len(hints_for(ACME.sender, layout_doc(ACME, 4)[0])) == 1


def test_hint_whose_value_is_corrected_again_is_retired(store, layout_doc):
    pdf1, gold1 = layout_doc(ACME, 0)
    _fix(store, store.save(pdf1, ACME.sender, extract(pdf1, ACME.sender)), "po_number", gold1["po_number"])
    hints_for = hints_for_factory(store.Session)
    pdf2, _ = layout_doc(ACME, 1)
    second = extract(pdf2, ACME.sender, hints_for(ACME.sender, pdf2))
    hid = second.provenance["po_number"].hint
    assert hid and hid.startswith("learned-")
    order2 = store.save(pdf2, ACME.sender, second)
    _fix(store, order2, "po_number", "SOMETHING-ELSE-1")  # the CSR says the hint's value was wrong
    with store.Session() as s:
        rows = {h["hint_id"]: h for h in learning.list_hints(s)}
    assert rows[hid]["retired"] and rows[hid]["corrected"] == 1
    assert "corrected on order" in rows[hid]["retired_reason"]
    assert hid not in {h["id"] for h in hints_for(ACME.sender, pdf2)}


def test_decimal_comma_correction_teaches_number_format():
    c = learning.Correction(path="lines[0].unit_price", old="1234", new="12.34", raw="12,34")
    assert learning.derive_hints([], c) == [{"kind": "number_format", "decimal_comma": True}]
    c = learning.Correction(path="po_date", old="2026-03-04", new="2026-04-03", raw="03/04/2026")
    assert learning.derive_hints([], c) == [{"kind": "date_order", "day_first": True}]


def test_fix_still_works_when_the_document_is_not_a_pdf(store, layout_doc):
    pdf, _ = layout_doc(ACME, 0)
    order_id = store.save(b"PO;123;garbage", ACME.sender, extract(pdf, ACME.sender), filename="po.csv")
    learned = _fix(store, order_id, "po_number", "X-1")
    assert learned.added == []
    with store.Session() as s:
        assert learning.list_hints(s) == []
        assert actions.repo.get_order(s, order_id).po_number == "X-1"
