from __future__ import annotations

import datetime as dt

from validators_helpers import acme_order, line

from orderflow.canonical import Address, CanonicalOrder, OrderLine, Party, Source
from orderflow.validators import ValidationConfig, ValidationContext
from orderflow.validators.customer import resolve_customer
from orderflow.validators.ship_to import resolve_ship_to

CFG = ValidationConfig()


def _order(**kw) -> CanonicalOrder:
    return CanonicalOrder(po_number="1", lines=[OrderLine(qty=1, sku="FAS-1001")], **kw)


def test_corpus_x12_850_sender_resolves_to_globex_and_its_ship_to(ref):
    # Values of /work/shared/corpus/edi/x12_nodex12_850.edi: ISA06=4405197800 (ISA05 12), N1*ST*XYZ RETAIL*9*...
    order = _order(
        source=Source(channel="sftp", format="x12_850",
                      partner_ids={"ISA06": "4405197800", "ISA08": "999999999", "GS02": "4405197800"}),
        ship_to=Party(name="XYZ RETAIL", ids={"9": "0003947268292"}),
    )
    match = resolve_customer(order, ref, ValidationContext(), CFG)
    assert (match.customer_id, match.how, match.issues) == ("GLOBEX", "edi_id", [])
    ship = resolve_ship_to(order, ref, "GLOBEX", CFG)
    assert (ship.ship_to_id, ship.how, ship.issues) == ("GLOBEX-SOLON", "id", [])


def test_corpus_edifact_buyer_gln_resolves_to_globex(ref):
    # edifact_pydifact_order.edi: UNB sender 12345678 (unknown), NAD+BY GLN 8711576000012, NAD+DP 8711576100019
    order = _order(source=Source(partner_ids={"UNB02": "12345678:8"}), buyer=Party(ids={"9": "8711576000012"}),
                   ship_to=Party(ids={"9": "8711576100019"}))
    match = resolve_customer(order, ref, ValidationContext(), CFG)
    assert (match.customer_id, match.how) == ("GLOBEX", "party_id")
    assert resolve_ship_to(order, ref, "GLOBEX", CFG).ship_to_id == "GLOBEX-0042"


def test_receiver_id_is_not_taken_for_the_sender(ref):
    order = _order(source=Source(partner_ids={"receiver": "ACMEMFG", "ISA08": "ACMEMFG"}))
    match = resolve_customer(order, ref, ValidationContext(), CFG)
    assert match.customer_id is None and match.issues[0].code == "CUSTOMER_UNKNOWN"


def test_email_exact_domain_and_subdomain(ref):
    for sender, how in [
        ("AP Team <AP@acme-mfg.example>", "email"),
        ("someone@initech.example", "domain"),
        ("bot@mail.umbrella.example", "domain"),
    ]:
        match = resolve_customer(_order(), ref, ValidationContext(sender=sender), CFG)
        assert match.how == how and match.issues == []
    assert resolve_customer(_order(), ref, ValidationContext(sender="x@hooli.example"), CFG).customer_id == "HOOLI"
    assert resolve_customer(_order(source=Source(sender="bob@globex.example")), ref, ValidationContext(), CFG
                            ).customer_id == "GLOBEX"


def test_portal_account_and_csr_choice(ref):
    match = resolve_customer(_order(), ref, ValidationContext(channel="portal", partner_ids={"account": "hooli"}), CFG)
    assert (match.customer_id, match.how) == ("HOOLI", "account")
    match = resolve_customer(_order(), ref, ValidationContext(customer_id="INITECH"), CFG)
    assert (match.customer_id, match.how) == ("INITECH", "csr")
    bad = resolve_customer(_order(), ref, ValidationContext(customer_id="NOPE"), CFG)
    assert bad.customer_id is None and bad.issues[0].code == "CUSTOMER_UNKNOWN"


def test_buyer_name_fuzzy_accept_and_unknown_with_suggestions(ref):
    ok = resolve_customer(_order(buyer=Party(name="Initech Facilities, Inc.")), ref, ValidationContext(), CFG)
    assert (ok.customer_id, ok.how) == ("INITECH", "name")
    unsure = resolve_customer(_order(bill_to=Party(name="ACME")), ref, ValidationContext(), CFG)
    assert unsure.customer_id is None
    issue = unsure.issues[0]
    assert issue.code == "CUSTOMER_UNKNOWN" and issue.severity == "error" and issue.field == "buyer"
    assert {s.value for s in issue.suggestions} >= {"ACME", "ACME-GROUP"}
    assert all(s.score is not None and s.score >= 60 for s in issue.suggestions)
    nobody = resolve_customer(_order(), ref, ValidationContext(), CFG)
    assert nobody.issues[0].code == "CUSTOMER_UNKNOWN" and "names no buyer" in nobody.issues[0].message


def test_inactive_customer_is_reported(ref):
    ref.customers[0].active = False  # ACME
    ref.customers = list(ref.customers)  # new list identity: indexes rebuild
    match = resolve_customer(_order(), ref, ValidationContext(sender="purchasing@acme-mfg.example"), CFG)
    assert match.customer_id == "ACME" and "inactive" in match.issues[0].message


def test_ship_to_by_address_fuzzy(ref):
    order = acme_order(line(qty=1, sku="FAS-1001"), ship_to=Party(
        name="ACME Mfg Distribution Ctr",
        address=Address(lines=["2200 Commerce Dr"], city="Springfield", region="IL", postal_code="62703")))
    ship = resolve_ship_to(order, ref, "ACME", CFG)
    assert (ship.ship_to_id, ship.how) == ("ACME-DC", "address")


def test_ship_to_unknown_offers_closest_and_defaults(ref):
    order = acme_order(line(qty=1, sku="FAS-1001"), ship_to=Party(
        name="ACME Manufacturing", address=Address(lines=["9 Elm St"], city="Peoria", postal_code="61602")))
    ship = resolve_ship_to(order, ref, "ACME", CFG)
    assert ship.ship_to_id is None
    issue = ship.issues[0]
    assert issue.code == "SHIP_TO_UNKNOWN" and issue.field == "ship_to"
    assert {s.value for s in issue.suggestions} == {"ACME-PLANT1", "ACME-DC"}
    # no ship-to printed: one address → taken; several → asked
    assert resolve_ship_to(acme_order(ship_to=None), ref, "INITECH", CFG).ship_to_id == "INITECH-HQ"
    several = resolve_ship_to(acme_order(ship_to=None), ref, "HOOLI", CFG)
    assert several.ship_to_id is None and several.issues[0].code == "SHIP_TO_UNKNOWN"
    assert resolve_ship_to(acme_order(), ref, None, CFG).issues == []


def test_ship_to_location_code_with_same_qualifier(ref):
    order = acme_order(ship_to=Party(ids={"92": "0002"}), po_date=dt.date(2026, 1, 5))
    assert resolve_ship_to(order, ref, "ACME", CFG).ship_to_id == "ACME-DC"


def test_sftp_sender_that_is_an_edi_id(ref):
    match = resolve_customer(_order(), ref, ValidationContext(sender="8711576000012", channel="sftp"), CFG)
    assert (match.customer_id, match.how) == ("GLOBEX", "edi_id")
    match = resolve_customer(_order(), ref, ValidationContext(sender="umbrella", channel="portal"), CFG)
    assert (match.customer_id, match.how) == ("UMBRELLA", "account")
