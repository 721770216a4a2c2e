"""Credit: would this order take the customer over its limit, or is the account on hold?

Exposure = open receivables + open orders (live from the ERP when a query is given, bounded
by a timeout; else the snapshot) + this order. A timed-out or failing live query falls back
to the snapshot with a CREDIT_STALE warning rather than blocking the whole run.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from decimal import Decimal

from orderflow.canonical import CanonicalOrder, CreditRecord, Issue, IssueCode, Purpose, ReferenceData
from orderflow.validators.cache import customer_chain, customer_index
from orderflow.validators.model import ValidationConfig, ValidationContext, fmt, make_issue

RULE = "credit"


def _live(query: Callable[[str], Decimal | None], customer_id: str, timeout: float) -> tuple[Decimal | None, str | None]:
    """Run the live query in a daemon thread so a hung ERP cannot hang validation."""
    box: dict[str, object] = {}

    def run() -> None:
        try:
            box["value"] = query(customer_id)
        except Exception as exc:  # the ERP's failure is reported, not raised
            box["error"] = f"{type(exc).__name__}: {exc}"

    worker = threading.Thread(target=run, name=f"credit-{customer_id}", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        return None, f"the ERP did not answer within {timeout:g} s"
    if "error" in box:
        return None, f"the ERP query failed ({box['error']})"
    value = box.get("value")
    if value is None:
        return None, "the ERP could not report the exposure"
    return Decimal(str(value)), None


def check_credit(
    order: CanonicalOrder,
    order_total: Decimal | None,
    ref: ReferenceData,
    customer_id: str | None,
    ctx: ValidationContext,
    config: ValidationConfig,
) -> list[Issue]:
    if not customer_id or order.purpose == Purpose.CANCEL:
        return []
    credit = customer_index(ref).credit
    record: CreditRecord | None = None
    for cid in customer_chain(ref, customer_id):  # credit is often held on the parent account
        record = credit.get(cid)
        if record:
            break
    if record is None:
        return []
    issues: list[Issue] = []
    account = record.customer_id
    if record.hold:
        issues.append(make_issue(
            IssueCode.CREDIT_HOLD,
            f"Account {account} is on credit hold: finance must release the hold before this order can go to the ERP.",
            field="customer", actual="hold", rule=RULE))

    exposure: Decimal | None = None
    stale_reason: str | None = None
    if ctx.live_credit is not None:
        exposure, stale_reason = _live(ctx.live_credit, account, config.credit_live_timeout_s)
    if exposure is None:
        exposure = record.exposure
        as_of = record.as_of or ref.as_of
        if stale_reason is None and as_of is not None:
            now = config.current_time()
            if as_of.tzinfo is None and now.tzinfo is not None:
                now = now.replace(tzinfo=None)
            age = now - as_of
            if age > config.credit_snapshot_max_age:
                stale_reason = f"the credit snapshot is {age.days} day(s) {age.seconds // 3600} h old"
        if stale_reason:
            issues.append(make_issue(
                IssueCode.CREDIT_STALE,
                f"Credit for {account} was checked against the snapshot because {stale_reason}; "
                "re-check credit before releasing a large order.",
                severity="warning", field="customer", rule=RULE))
    this_order = order_total if order_total is not None and order_total > 0 else Decimal(0)
    total = exposure + this_order
    if total > record.limit:
        issues.append(make_issue(
            IssueCode.CREDIT_EXCEEDED,
            f"Account {account} would owe {fmt(total)} (open {fmt(exposure)} + this order {fmt(this_order)}), "
            f"over its credit limit of {fmt(record.limit)} by {fmt(total - record.limit)}: send to finance.",
            field="customer", expected=record.limit, actual=total, rule=RULE))
    return issues
