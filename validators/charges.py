"""Charges and allowances the ERP push would drop.

A charge or allowance changes what the buyer owes. When the ERP adapter cannot carry it to the
ERP order (the Tryton sale takes product lines only), pushing would bill the full lines while the
order said otherwise: refuse it with CHARGE_NOT_CARRIED so a person decides, never drop it silently.
"""

from __future__ import annotations

from orderflow.canonical import CanonicalOrder, Charge, Issue, IssueCode
from orderflow.validators.model import ValidationConfig, fmt, make_issue

RULE = "charges"


def _matters(charge: Charge) -> bool:
    return bool(charge.amount) or bool(charge.percent)


def _what(charge: Charge) -> str:
    size = f"{fmt(charge.amount)}" if charge.amount else f"{fmt(charge.percent)} %"
    label = charge.description or charge.code or ""
    return f"{charge.kind} {size}" + (f" ({label})" if label else "")


def check_charges(order: CanonicalOrder, config: ValidationConfig) -> list[Issue]:
    if config.charges_carried:
        return []
    found = [(f"charges[{i}]", c) for i, c in enumerate(order.charges) if _matters(c)]
    for li, line in enumerate(order.lines):
        found += [(f"lines[{li}].charges[{ci}]", c) for ci, c in enumerate(line.charges) if _matters(c)]
    return [
        make_issue(
            IssueCode.CHARGE_NOT_CARRIED,
            f"The order has a {_what(charge)} that the ERP push cannot carry: the ERP order would bill the "
            "full lines without it. Agree it with the buyer and enter it in the ERP by hand, or reject.",
            field=path, actual=charge.amount if charge.amount else charge.percent, rule=RULE)
        for path, charge in found
    ]
