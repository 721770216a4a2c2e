"""Customer resolution: who sent this order?

Identity comes from the channel, never from the document: a portal token's account, the mailbox
sender's address/domain, the id an SFTP/AS2 channel reports, a drop bound to a customer. The
document (EDI envelope ids, printed buyer/bill-to ids, name matched fuzzily) only *names* a
customer: it decides only on the operators' own channels (folder, CLI), and elsewhere a name the
channel may not order for is CUSTOMER_NOT_ENTITLED. An unsure match never auto-resolves: it
becomes CUSTOMER_UNKNOWN with the closest customers offered.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from orderflow.canonical import CanonicalOrder, Customer, Issue, IssueCode, ReferenceData, Suggestion
from orderflow.validators.cache import customer_chain, customer_index
from orderflow.validators.model import ValidationConfig, ValidationContext, make_issue
from orderflow.validators.text import email_parts, norm_text, partner_id_variants

RULE = "customer"
_RECEIVER_KEYS = ("receiver", "recipient", "isa07", "isa08", "gs03", "unb03", "to")


@dataclass
class CustomerMatch:
    customer_id: str | None
    how: str | None = None  # channel | edi_id | email | domain | account | party_id | name | csr
    issues: list[Issue] = field(default_factory=list)


def _is_receiver(key: str) -> bool:
    low = key.lower()
    return any(low == k or (len(k) > 3 and k in low) for k in _RECEIVER_KEYS)


def resolve_customer(
    order: CanonicalOrder, ref: ReferenceData, ctx: ValidationContext, config: ValidationConfig
) -> CustomerMatch:
    """The channel decides who sent the order; the document only names a customer, and a name the
    channel is not entitled to order for is CUSTOMER_NOT_ENTITLED (never auto-approved)."""
    idx = customer_index(ref)
    if ctx.customer_id:
        chosen = idx.customers.get(ctx.customer_id) or idx.customer_by_id_upper.get(ctx.customer_id.strip().upper())
        if chosen is not None:
            return _checked(chosen, "csr")
        return CustomerMatch(None, issues=[make_issue(
            IssueCode.CUSTOMER_UNKNOWN, f"Customer '{ctx.customer_id}' chosen in review is not in the ERP: pick another.",
            field="buyer", actual=ctx.customer_id, suggestions=suggest_customers(order, ref), rule=RULE)])

    # order.source is the channel's, set by the pipeline (a document's own source block is never read)
    sender = ctx.sender or order.source.sender
    channel, channel_how = channel_customer(ref, ctx, sender)
    named = named_customer(order, ref, ctx, config)
    if channel is not None:
        match = _checked(channel, channel_how or "channel")
        if named.customer is not None and not same_account(ref, channel.id, named.customer.id):
            match.issues.insert(0, _not_entitled(
                f"The order names {named.customer.id} ({named.customer.name}, by {named.how}) but came from "
                f"{_who(ctx, sender)}, which orders for {channel.id} only: confirm with {channel.id} or reject.",
                expected=channel.id, actual=named.customer.id))
        return match
    if named.customer is not None:
        match = _checked(named.customer, named.how or "name")
        if identifying(ctx, sender):
            match.issues.insert(0, _not_entitled(
                f"The order names {named.customer.id} ({named.customer.name}) but {_who(ctx, sender)} is not registered "
                f"for {named.customer.id}: confirm with the customer (and register the sender) or reject.",
                expected=None, actual=named.customer.id))
        return match
    seen = named.seen or (sender or None)
    message = (
        f"Cannot tell which customer sent this order (buyer '{seen}'). Pick the customer."
        if seen
        else "The order names no buyer and the channel does not identify the sender. Pick the customer."
    )
    return CustomerMatch(None, issues=[make_issue(
        IssueCode.CUSTOMER_UNKNOWN, message, field="buyer", actual=seen,
        suggestions=named.suggestions or suggest_customers(order, ref), rule=RULE)])


def suggest_customers(order: CanonicalOrder, ref: ReferenceData, limit: int = 3) -> list[Suggestion]:
    """The customers a person most likely means, for the review picker: each active customer scored 0–100
    by the best of its name against the buyer/bill-to names, its delivery addresses against the document's
    ship-to, and its ids against the ids the document prints. Offered even when weak (a person decides;
    nothing here resolves the order)."""
    idx = customer_index(ref)
    names = [q for p in (order.buyer, order.bill_to) if p is not None and p.name if (q := norm_text(p.name))]
    ship = order.ship_to
    ship_text = norm_text(" ".join([ship.name or "", ship.address.one_line() if ship.address else ""])) if ship else ""
    printed = {v for p in (order.buyer, order.bill_to, order.ship_to) if p is not None
               for value in p.ids.values() for v in partner_id_variants(value)}
    scored: list[tuple[float, str]] = []
    for cid, customer in idx.customers.items():
        if not customer.active:
            continue
        score = max((float(fuzz.WRatio(q, idx.customer_names[cid])) for q in names), default=0.0)
        if ship_text:
            for st in idx.ship_tos.get(cid, []):
                text = norm_text(" ".join([st.name, st.address.one_line() if st.address else ""]))
                score = max(score, float(fuzz.token_set_ratio(ship_text, text)) - 5)  # an address names a place
        codes = [cid.upper(), *(e.upper() for e in customer.edi_ids)]
        if printed and codes:
            score = max(score, *(float(fuzz.ratio(v, c)) for v in printed for c in codes))
        scored.append((score, cid))
    scored.sort(key=lambda t: (-t[0], t[1]))
    return [Suggestion(value=cid, label=idx.customers[cid].name, score=round(score, 1))
            for score, cid in scored[:limit] if score > 0]


def identifying(ctx: ValidationContext, sender: str | None) -> bool:
    """A channel that says who is sending (a sender, or a drop/mailbox bound to a customer); the folder
    and the CLI are operators' channels and say nothing, so there the document names the customer."""
    return bool(sender or ctx.channel_customer)


def channel_customer(
    ref: ReferenceData, ctx: ValidationContext, sender: str | None
) -> tuple[Customer | None, str | None]:
    """The customer the channel itself identifies: a bound drop/mailbox, else the sender (an id or
    account for portal/SFTP/AS2 senders, an email address or its domain for mail)."""
    idx = customer_index(ref)
    if ctx.channel_customer:
        return idx.customer_by_id_upper.get(ctx.channel_customer.upper()), "channel"
    if not sender:
        return None, None
    address, domain = email_parts(sender)
    if not address:
        for variant in partner_id_variants(sender):
            if variant in idx.customer_by_edi:
                return idx.customer_by_edi[variant], "edi_id"
            if variant in idx.customer_by_id_upper:  # a portal account is our customer id
                return idx.customer_by_id_upper[variant], "account"
        return None, None
    if address in idx.customer_by_email:
        return idx.customer_by_email[address], "email"
    if domain:
        # sub.acme-mfg.example also belongs to acme-mfg.example
        parts = domain.split(".")
        for i in range(len(parts) - 1):
            found = idx.customer_by_domain.get(".".join(parts[i:]))
            if found:
                return found, "domain"
    return None, None


@dataclass
class NamedCustomer:
    customer: Customer | None = None
    how: str | None = None  # edi_id | account | party_id | name
    seen: str | None = None  # the buyer name read, for the message
    suggestions: list[Suggestion] = field(default_factory=list)


def named_customer(
    order: CanonicalOrder, ref: ReferenceData, ctx: ValidationContext, config: ValidationConfig
) -> NamedCustomer:
    """The customer the document names: EDI envelope sender ids, then the buyer/bill-to ids (GLN, DUNS,
    our account number), then the buyer/bill-to name if one fuzzy match is clearly best."""
    idx = customer_index(ref)
    for key, value in {**order.source.partner_ids, **ctx.partner_ids}.items():
        if _is_receiver(key):
            continue
        for variant in partner_id_variants(value):
            if variant in idx.customer_by_edi:
                return NamedCustomer(idx.customer_by_edi[variant], "edi_id")
            if variant in idx.customer_by_id_upper:  # an account number is our customer id
                return NamedCustomer(idx.customer_by_id_upper[variant], "account")
    parties = [p for p in (order.buyer, order.bill_to) if p is not None]
    for party in parties:
        for value in party.ids.values():
            for variant in partner_id_variants(value):
                found = idx.customer_by_edi.get(variant) or idx.customer_by_id_upper.get(variant)
                if found:
                    return NamedCustomer(found, "party_id")
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
    seen = names[0] if names else None
    if ranked:
        top_id, top = ranked[0]
        runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
        if top >= config.fuzzy_accept_score and top - runner_up >= config.fuzzy_accept_margin:
            return NamedCustomer(idx.customers[top_id], "name", seen)
    suggestions = [
        Suggestion(value=cid, label=idx.customers[cid].name, score=round(score, 1)) for cid, score in ranked[:3]
    ]
    return NamedCustomer(None, None, seen, suggestions)


def same_account(ref: ReferenceData, channel_id: str, named_id: str) -> bool:
    """A channel may order for its own account and name its parent or child accounts (a member's PO
    billed to its group, a group ordering for a member); the order stays the channel's customer."""
    return named_id in customer_chain(ref, channel_id) or channel_id in customer_chain(ref, named_id)


def _who(ctx: ValidationContext, sender: str | None) -> str:
    if ctx.channel_customer:
        return f"the {ctx.channel or 'channel'} bound to {ctx.channel_customer}"
    return f"{ctx.channel or 'channel'} sender '{sender}'"


def _not_entitled(message: str, *, expected: str | None, actual: str) -> Issue:
    return make_issue(IssueCode.CUSTOMER_NOT_ENTITLED, message, field="customer", expected=expected, actual=actual,
                      rule=RULE)


def _checked(customer: Customer, how: str) -> CustomerMatch:
    if customer.active:
        return CustomerMatch(customer.id, how)
    return CustomerMatch(customer.id, how, [make_issue(
        IssueCode.CUSTOMER_UNKNOWN,
        f"Customer {customer.id} ({customer.name}) is inactive in the ERP: reactivate it or reject the order.",
        field="buyer", actual=customer.id, rule=RULE)])
