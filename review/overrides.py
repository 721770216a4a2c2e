"""Who may override which blocking issue, and how the override is explained (issue 23 item 6).

One table for the review app, ``orderflow queue approve`` and the "Send to lead/finance" buttons: a
credit code (CREDIT_HOLD, CREDIT_EXCEEDED) is finance's to release, any other blocking code a lead's
(finance and admin may too). A CSR overrides nothing. The reason is one of a few standard reasons plus
free text; the approval and an ``override`` audit event keep the codes overridden, the reason's key and
its text.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

LEAD_ROLES = frozenset({"lead", "supervisor", "finance", "admin"})
FINANCE_ROLES = frozenset({"finance", "admin"})
# Every role that may override something (the rest: CSRs) — what ``review.actions.OVERRIDE_ROLES`` names.
OVERRIDE_ROLES = LEAD_ROLES | FINANCE_ROLES
# Blocking codes a CSR cannot clear by correcting the order: a decision for someone with authority.
DECISION_CODES = frozenset({"PRICE_MISMATCH"})

# The standard reasons of the approve form's select (key, label); "other" needs the free text.
REASONS: tuple[tuple[str, str], ...] = (
    ("customer_confirmed", "Customer confirmed the order as sent"),
    ("price_agreed", "Price agreed with the customer"),
    ("payment_received", "Payment received / account cleared"),
    ("limit_raised", "Credit limit raised for this order"),
    ("one_time_exception", "One-time exception, approved"),
    ("other", "Other (say why)"),
)
REASON_LABELS = dict(REASONS)
TEXT_MAX = 500


def is_credit(code: str) -> bool:
    return code.startswith("CREDIT_")


def is_decision(code: str) -> bool:
    """A code only someone with authority can clear (a price, credit), not a correction a CSR makes."""
    return code in DECISION_CODES or is_credit(code)


def decider(code: str) -> str:
    """The role that decides a blocking code: credit is finance's, a price or any other override the lead's."""
    return "finance" if is_credit(code) else "lead"


def roles_for(code: str) -> frozenset[str]:
    return FINANCE_ROLES if is_credit(code) else LEAD_ROLES


def may_override(role: str, code: str) -> bool:
    return role in roles_for(code)


def not_mine(role: str, codes: Iterable[str]) -> list[str]:
    """The codes among ``codes`` this role may not override, sorted."""
    return sorted({c for c in codes if not may_override(role, c)})


def decisions_for_others(role: str, codes: Iterable[str]) -> list[str]:
    """Decision codes (price, credit) this role may not override: approving cannot help, sending can."""
    return [c for c in not_mine(role, codes) if is_decision(c)]


def refusal(role: str, codes: Iterable[str]) -> str | None:
    """Why ``role`` cannot override ``codes`` (None when it can): names the codes and who decides them."""
    refused = not_mine(role, codes)
    if not refused:
        return None
    decided = [c for c in refused if is_decision(c)]
    if not decided:
        return f"role '{role}' cannot override blocking issues ({', '.join(refused)})"
    who = sorted({decider(c) for c in decided})
    return (f"a {role} cannot override {', '.join(decided)}: only {' or '.join(who)} may decide "
            f"{'it' if len(decided) == 1 else 'them'} — send the order to {' or '.join(who)}")


@dataclass(frozen=True)
class Reason:
    key: str  # one of REASONS
    text: str  # what is stored as the approval's reason: the label, then the free text

    @property
    def label(self) -> str:
        return REASON_LABELS[self.key]


class ReasonError(ValueError):
    """The override reason does not say why (no choice and no text, an unknown choice, "other" alone)."""


def reason(choice: str | None, text: str | None) -> Reason | None:
    """The override reason from the form's select and text (the CLI's ``--reason-code`` / ``--reason``).

    Nothing at all → None (no override asked). Text alone is an "other" reason, stored as typed; a
    standard reason is stored as its label, with the text after it when given."""
    key = (choice or "").strip()
    free = " ".join((text or "").split())[:TEXT_MAX]
    if not key and not free:
        return None
    if key and key not in REASON_LABELS:
        raise ReasonError(f"'{key}' is not an override reason (use {', '.join(k for k, _ in REASONS)})")
    if key in ("", "other"):
        if not free:
            raise ReasonError("say why the issues are overridden: 'Other' needs the reason in words")
        return Reason("other", free)
    return Reason(key, f"{REASON_LABELS[key]}: {free}" if free else REASON_LABELS[key])


def sentence(after: dict) -> str:
    """The timeline's words for an ``override`` audit event (its reason is shown beside it)."""
    codes = ", ".join(str(c) for c in after.get("codes") or []) or "none"
    return f"Overrode {codes} (as {after.get('role')})."
