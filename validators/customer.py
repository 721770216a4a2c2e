"""Customer resolution: who sent this order?

Channel facts first (EDI sender ids, sender email/domain, portal account) because they
cannot be mistyped; then the printed buyer/bill-to ids and name, matched fuzzily. An unsure
match never auto-resolves: it becomes CUSTOMER_UNKNOWN with the closest customers offered.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from orderflow.canonical import CanonicalOrder, Customer, Issue, IssueCode, ReferenceData, Suggestion
from orderflow.validators.cache import customer_index
from orderflow.validators.model import ValidationConfig, ValidationContext, make_issue
from orderflow.validators.text import email_parts, norm_text, partner_id_variants

RULE = "customer"
_RECEIVER_KEYS = ("receiver", "recipient", "isa07", "isa08", "gs03", "unb03", "to")


@dataclass
class CustomerMatch:
    customer_id: str | None
    how: str | None = None  # edi_id | email | domain | account | party_id | name | csr
    issues: list[Issue] = field(default_factory=list)


def _is_receiver(key: str) -> bool:
    low = key.lower()
    return any(low == k or (len(k) > 3 and k in low) for k in _RECEIVER_KEYS)


def resolve_customer(
    order: CanonicalOrder, ref: ReferenceData, ctx: ValidationContext, config: ValidationConfig
) -> CustomerMatch:
    idx = customer_index(ref)
    if ctx.customer_id:
        if ctx.customer_id in idx.customers:
            return CustomerMatch(ctx.customer_id, "csr")
        return CustomerMatch(None, issues=[make_issue(
            IssueCode.CUSTOMER_UNKNOWN, f"Customer '{ctx.customer_id}' chosen in review is not in the ERP.",
            field="customer", actual=ctx.customer_id, rule=RULE)])

    # 1. EDI envelope ids and portal accounts (channel facts).
    partner = {**order.source.partner_ids, **ctx.partner_ids}
    for key, value in partner.items():
        if _is_receiver(key):
            continue
        for variant in partner_id_variants(value):
            if variant in idx.customer_by_edi:
                return _checked(idx.customer_by_edi[variant], "edi_id")
            if variant in idx.customer_by_id_upper:  # a portal account is our customer id
                return _checked(idx.customer_by_id_upper[variant], "account")

    # 2. Sender email address, then its domain; a sender that is not an address is an id
    #    (SFTP and AS2 channels report the partner's EDI id as the sender).
    sender = ctx.sender or order.source.sender
    address, domain = email_parts(sender)
    if sender and not address:
        for variant in partner_id_variants(sender):
            if variant in idx.customer_by_edi:
                return _checked(idx.customer_by_edi[variant], "edi_id")
            if variant in idx.customer_by_id_upper:
                return _checked(idx.customer_by_id_upper[variant], "account")
    if address and address in idx.customer_by_email:
        return _checked(idx.customer_by_email[address], "email")
    if domain:
        # sub.acme-mfg.example also belongs to acme-mfg.example
        parts = domain.split(".")
        for i in range(len(parts) - 1):
            found = idx.customer_by_domain.get(".".join(parts[i:]))
            if found:
                return _checked(found, "domain")

    # 3. Ids printed for the buyer / bill-to (GLN, DUNS, our account number).
    parties = [p for p in (order.buyer, order.bill_to) if p is not None]
    for party in parties:
        for value in party.ids.values():
            for variant in partner_id_variants(value):
                found = idx.customer_by_edi.get(variant) or idx.customer_by_id_upper.get(variant)
                if found:
                    return _checked(found, "party_id")

    # 4. Buyer / bill-to name, fuzzy.
    names = [p.name for p in parties if p.name]
    best: dict[str, float] = {}
    for name in names:
        query = norm_text(name)
        if not query:
            continue
        for _choice, score, cid in process.extract(
            query, idx.customer_names, scorer=fuzz.WRatio, limit=3, score_cutoff=config.fuzzy_suggest_cutoff
        ):
            best[cid] = max(best.get(cid, 0.0), float(score))
    ranked = sorted(best.items(), key=lambda kv: -kv[1])
    if ranked:
        top_id, top = ranked[0]
        runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
        if top >= config.fuzzy_accept_score and top - runner_up >= config.fuzzy_accept_margin:
            return _checked(idx.customers[top_id], "name")
    suggestions = [
        Suggestion(value=cid, label=idx.customers[cid].name, score=round(score, 1)) for cid, score in ranked[:3]
    ]
    seen = names[0] if names else (sender or None)
    message = (
        f"Cannot tell which customer sent this order (buyer '{seen}'). Pick the customer."
        if seen
        else "The order names no buyer and the channel does not identify the sender. Pick the customer."
    )
    return CustomerMatch(None, issues=[make_issue(
        IssueCode.CUSTOMER_UNKNOWN, message, field="buyer", actual=seen, suggestions=suggestions, rule=RULE)])


def _checked(customer: Customer, how: str) -> CustomerMatch:
    if customer.active:
        return CustomerMatch(customer.id, how)
    return CustomerMatch(customer.id, how, [make_issue(
        IssueCode.CUSTOMER_UNKNOWN,
        f"Customer {customer.id} ({customer.name}) is inactive in the ERP: reactivate it or reject the order.",
        field="buyer", actual=customer.id, rule=RULE)])
