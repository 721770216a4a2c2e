"""Issue 23 item 1: what the review picker offers and what a pick decides (customer and ship-to)."""

from __future__ import annotations

from validators_helpers import acme_order, line

from orderflow.canonical import Address, CanonicalOrder, OrderLine, Party
from orderflow.validators import ValidationConfig, ValidationContext, validate
from orderflow.validators.customer import resolve_customer, suggest_customers
from orderflow.validators.ship_to import resolve_ship_to

CFG = ValidationConfig()


def _order(**kw) -> CanonicalOrder:
    return CanonicalOrder(po_number="1", lines=[OrderLine(qty=1, sku="FAS-1001")], **kw)


def test_a_buyer_no_name_matches_still_gets_customers_scored_by_the_ship_to_address(ref):
    order = _order(buyer=Party(name="Zentralbeschaffung GmbH"),
                   ship_to=Party(name="Receiving", address=Address(lines=["4120 Freidrich Lane", "Suite 300"],
                                                                   city="Austin", postal_code="78744")))
    match = resolve_customer(order, ref, ValidationContext(), CFG)
    assert match.customer_id is None
    [issue] = match.issues
    assert issue.code == "CUSTOMER_UNKNOWN" and issue.field == "buyer"
    assert issue.suggestions and issue.suggestions[0].value == "INITECH"  # its delivery address is the one printed
    assert len(issue.suggestions) <= 3
    assert [s.score for s in issue.suggestions] == sorted((s.score for s in issue.suggestions), reverse=True)


def test_customer_suggestions_by_a_printed_id_and_never_an_inactive_customer(ref):
    by_id = suggest_customers(_order(buyer=Party(name="?", ids={"ZZ": "UMBRELLALAB"})), ref)
    assert by_id[0].value == "UMBRELLA" and by_id[0].score >= 90
    ref.customers[0].active = False  # ACME
    ref.customers = list(ref.customers)
    assert "ACME" not in {s.value for s in suggest_customers(_order(buyer=Party(name="ACME Manufacturing")), ref)}
    assert suggest_customers(_order(), ref) == []  # nothing printed: nothing to score by


def test_a_customer_picked_in_review_decides_in_any_case_and_an_unknown_one_is_offered_others(ref):
    order = _order(buyer=Party(name="Acme"))
    match = resolve_customer(order, ref, ValidationContext(customer_id="acme"), CFG)
    assert (match.customer_id, match.how, match.issues) == ("ACME", "csr", [])
    bad = resolve_customer(order, ref, ValidationContext(customer_id="ACME Manufacturing"), CFG)  # a name, not an id
    assert bad.customer_id is None
    [issue] = bad.issues
    assert issue.code == "CUSTOMER_UNKNOWN" and issue.field == "buyer" and "chosen in review" in issue.message
    assert "ACME" in {s.value for s in issue.suggestions}


def test_a_ship_to_picked_in_review_must_be_the_customers(ref):
    order = acme_order(line(qty=1, sku="FAS-1001"), ship_to=Party(name="Somewhere else"))
    assert resolve_ship_to(order, ref, "ACME", CFG).ship_to_id is None
    picked = resolve_ship_to(order, ref, "ACME", CFG, chosen="ACME-DC")
    assert (picked.ship_to_id, picked.how, picked.issues) == ("ACME-DC", "csr", [])
    other = resolve_ship_to(order, ref, "ACME", CFG, chosen="GLOBEX-0042")  # another customer's address
    assert other.ship_to_id is None
    [issue] = other.issues
    assert issue.code == "SHIP_TO_UNKNOWN" and {s.value for s in issue.suggestions} == {"ACME-PLANT1", "ACME-DC"}


def test_the_runner_takes_both_picks_from_the_context(ref):
    order = _order(buyer=Party(name="Acme"), ship_to=Party(name="Somewhere else"))
    result = validate(order, ref, ValidationContext(customer_id="ACME", ship_to_id="ACME-DC"), CFG)
    assert (result.customer_id, result.ship_to_id) == ("ACME", "ACME-DC")
    assert not {"CUSTOMER_UNKNOWN", "SHIP_TO_UNKNOWN"} & set(result.codes())
