"""Mail back to buyers (issues 6 and 12): a confirmation with each line's promise date once the
order is in the ERP, and an exception notice when an emailed order needs review or its
document cannot be read.

Only when SMTP is configured (``Settings.smtp`` → ``mailer(settings)`` → ``Services.mailer``).
Every entry point here is called after the pipeline's own work is committed and never raises
(but for the replies outbox's ``strict`` delivery of exception notices, which keeps a notice that
could not go owed for the next pass): a mail that cannot go is logged and recorded, the order is untouched. Each notice
leaves an audit event (``buyer_notice``), which also stops the same notice going twice when a
document is processed again.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from email.utils import parseaddr
from typing import Any

from orderflow.canonical import CanonicalOrder, Envelope, Issue
from orderflow.canonical.states import OrderState
from orderflow.intake.smtp_notify import NoticeResult, SmtpConfig, build_notice, notify_exception, send_notice
from orderflow.store import repository as repo

log = logging.getLogger("orderflow.notify")

CONFIRM_CHANNELS = frozenset({"imap", "email", "portal"})  # buyers who get a confirmation mail
EXCEPTION_CHANNELS = frozenset({"imap", "email"})  # buyers who get an exception notice
NOTICE_ACTION = "buyer_notice"

# What each issue code means to the buyer (never internal figures: the code's own message is for CSRs).
PLAIN_WORDS: dict[str, str] = {
    "PARSE_ERROR": "the document could not be read",
    "UNSUPPORTED_FORMAT": "the file format is not one we can read",
    "NOT_AN_ORDER": "the document does not look like a purchase order",
    "MISSING_FIELD": "required information is missing (PO number, lines, quantities or item numbers)",
    "LOW_CONFIDENCE": "part of the document was hard to read and must be checked by hand",
    "ARITHMETIC": "a line amount does not equal quantity times price",
    "TOTAL_MISMATCH": "the order total does not match the sum of the lines",
    "LINE_COUNT_MISMATCH": "the number of lines does not match the declared count",
    "ENVELOPE": "the electronic envelope of the document is damaged",
    "CUSTOMER_UNKNOWN": "we could not tell which customer account the order is for",
    "SHIP_TO_UNKNOWN": "the delivery address does not match one we have on file",
    "SKU_UNKNOWN": "an item could not be matched to our catalogue",
    "SKU_INACTIVE": "an item is no longer sold",
    "UOM_UNKNOWN": "a unit of measure is not recognised",
    "UOM_NOT_SOLD": "an item is not sold in the unit ordered",
    "CASE_PACK": "a quantity is not a whole number of case packs",
    "MIN_ORDER_QTY": "a quantity is below the minimum order quantity",
    "PRICE_MISMATCH": "a price differs from your agreed price",
    "PRICE_MISSING": "a price is missing and no agreed price covers it",
    "NO_CONTRACT_PRICE": "an item has no agreed price",
    "CURRENCY_MISMATCH": "the currency differs from your account's currency",
    "CREDIT_EXCEEDED": "the order needs a check of your account's credit",
    "CREDIT_HOLD": "your account is on hold; our credit team will contact you",
    "CREDIT_STALE": "your account's credit position must be confirmed",
    "DUPLICATE_PO": "the PO number was already received (possible duplicate order)",
    "ORIGINAL_NOT_FOUND": "the change refers to an order we have not received",
    "AVAILABILITY_SHORT": "not all of an item's quantity is in stock for the requested date",
    "LEAD_TIME": "a requested date is earlier than the item's lead time allows",
    "QUOTE_EXPIRED": "the quote referred to has expired",
    "QUOTE_MISMATCH": "the order does not match the quote referred to",
    "APPROVAL_REQUIRED": "the order needs an internal approval before we confirm it",
    "ERP_REJECTED": "our order system did not accept the order as it is",
    "CHANGE_REJECTED": "a requested change could not be applied",
    "RULE_ERROR": "an internal check could not be completed",
}


@dataclass(frozen=True)
class Mailer:
    """SMTP configuration plus which notices are wanted."""

    config: SmtpConfig
    confirmations: bool = True
    exception_notices: bool = True


def mailer(settings: Any) -> Mailer | None:
    """``Settings`` → Mailer, or None when no SMTP is configured (no mail at all)."""
    smtp = getattr(settings, "smtp", None)
    if smtp is None or not smtp.host:
        return None
    config = SmtpConfig(host=smtp.host, sender=smtp.from_addr, port=smtp.port, tls=smtp.tls, user=smtp.user,
                        password_env=smtp.password_env, password_file=smtp.password_file,
                        ca_file=smtp.ca_file, timeout=smtp.timeout_seconds)
    return Mailer(config, confirmations=smtp.confirmations, exception_notices=smtp.exception_notices)


# --------------------------------------------------------------------------- texts


_LINE_FIELD = re.compile(r"^lines\[(\d+)\]")


def plain_reason(issue: Issue, order: CanonicalOrder | None = None) -> str:
    """One buyer-readable reason: "Line 2: an item could not be matched to our catalogue (SKU_UNKNOWN)"."""
    words = PLAIN_WORDS.get(issue.code, issue.code.replace("_", " ").lower())
    where = ""
    m = _LINE_FIELD.match(issue.field or "")
    if m:
        index = int(m.group(1))
        line_no = None
        if order is not None and index < len(order.lines):
            line_no = order.lines[index].line_no
        where = f"Line {line_no or index + 1}: "
    text = f"{where}{words} ({issue.code})"
    return text[0].upper() + text[1:]


def confirmation_text(order: CanonicalOrder, resolved: dict[str, Any] | None, erp_order_id: str | None) -> str:
    """The confirmation body: our order number and one line per order line with its promise date."""
    from orderflow.flows.acks import promise_summary

    ref = f" Our order number is {erp_order_id}." if erp_order_id else ""
    lines = "\n".join(f"  {t}" for t in promise_summary(order, resolved)) or "  (no lines)"
    return (
        f"Thank you for your purchase order {order.po_number or ''}. It is confirmed.{ref}\n\n"
        f"Promise dates per line:\n{lines}\n\n"
        "This is an automatic message."
    )


def buyer_address(channel: str | None, sender: str | None, order: CanonicalOrder | None) -> str | None:
    """Where to write: the mail's sender, else (portal) a contact address on the order."""
    candidates = [sender]
    if order is not None:
        candidates += [p.contact for p in (order.buyer, order.bill_to) if p is not None]
    for value in candidates:
        addr = parseaddr(value or "")[1]
        if "@" in addr and "." in addr.rpartition("@")[2]:
            return value
    return None


# --------------------------------------------------------------------------- hooks (never raise)


def order_pushed(services: Any, order_id: int, *, strict: bool = False) -> NoticeResult | None:
    """After the ERP push: confirm to an email / portal buyer with each line's promise date. ``strict``
    (the replies outbox): a confirmation that could not be sent raises, so it stays owed; one already
    sent (audited ``buyer_notice``) is not repeated."""
    try:
        result = _order_pushed(services, order_id)
    except Exception:
        log.exception("the buyer confirmation for order %s failed", order_id)
        if strict:
            raise
        return None
    if strict and result is not None and not result.ok:
        raise OSError(f"the buyer confirmation for order {order_id} was not sent: {result.error}")
    return result


def document_routed(services: Any, document_id: int, *, strict: bool = False) -> list[NoticeResult]:
    """After processing: an exception notice to an email buyer for a failed document, or for each of
    its orders that went to review (naming the issues in plain words). ``strict`` (the replies
    outbox): a notice that could not be sent raises, so it stays owed; the ones sent are not repeated."""
    try:
        results = _document_routed(services, document_id)
    except Exception:
        log.exception("the buyer exception notice for document %s failed", document_id)
        if strict:
            raise
        return []
    if strict and (failed := [r for r in results if not r.ok]):
        raise OSError(f"exception notice for document {document_id} not sent: {failed[0].error}")
    return results


def notices_due(services: Any, channel: str | None) -> bool:
    """Whether a document from ``channel`` may owe its buyer an exception notice (SMTP set, notices on,
    a mail channel): the replies outbox records one in the transaction that routes the document."""
    m = _mailer(services)
    return m is not None and m.exception_notices and channel in EXCEPTION_CHANNELS


def _mailer(services: Any) -> Mailer | None:
    return getattr(services, "mailer", None)


def _envelope(doc: Any, to: str | None = None) -> Envelope:
    """Enough of the original envelope to answer it in the same thread."""
    return Envelope(data=b"", filename=doc.filename, channel=doc.channel, sender=to or doc.sender,
                    subject=doc.subject, message_id=doc.message_id)


def _already_sent(s: Any, entity: str, entity_id: int, kind: str, key: str) -> bool:
    return any(
        ev.action == NOTICE_ACTION and (ev.after or {}).get("kind") == kind and (ev.after or {}).get("key") == key
        and (ev.after or {}).get("ok")
        for ev in repo.audit_trail(s, entity, entity_id)
    )


def _record(services: Any, entity: str, entity_id: int, kind: str, key: str, to: str,
            result: NoticeResult) -> None:
    with services.session_factory() as s, s.begin():
        repo.add_audit(s, entity=entity, entity_id=entity_id, action=NOTICE_ACTION, actor="system",
                       after={"kind": kind, "key": key, "to": to, "ok": result.ok,
                              "message_id": result.message_id},
                       reason=result.error)
    if not result.ok:
        log.warning("%s to %s not sent: %s", kind, to, result.error)


def _order_pushed(services: Any, order_id: int) -> NoticeResult | None:
    m = _mailer(services)
    if m is None or not m.confirmations:
        return None
    with services.session_factory() as s:
        row = repo.get_order(s, order_id)
        if row is None or row.state not in (OrderState.PUSHED, OrderState.ACKNOWLEDGED) or row.document is None:
            return None
        doc = row.document
        order = repo.order_canonical(row)
        to = buyer_address(doc.channel, doc.sender, order) if doc.channel in CONFIRM_CHANNELS else None
        if to is None:
            return None
        key = row.erp_order_id or str(row.id)
        if _already_sent(s, "order", row.id, "confirmation", key):
            return None
        body = confirmation_text(order, row.resolved, row.erp_order_id)
        subject = f"Order confirmation: PO {order.po_number or '?'}" + (
            f" (our order {row.erp_order_id})" if row.erp_order_id else "")
        envelope = _envelope(doc, to)
    msg = build_notice(m.config, to, subject, body, envelope.message_id)
    result = send_notice(m.config, msg)
    _record(services, "order", order_id, "confirmation", key, to, result)
    return result


def _document_routed(services: Any, document_id: int) -> list[NoticeResult]:
    m = _mailer(services)
    if m is None or not m.exception_notices:
        return []
    pending: list[tuple[str, int, str, list[str]]] = []  # (entity, id, key, reasons)
    with services.session_factory() as s:
        doc = repo.get_document(s, document_id)
        if doc is None or doc.channel not in EXCEPTION_CHANNELS:
            return []
        to = buyer_address(doc.channel, doc.sender, None)
        if to is None:
            return []
        if doc.state == "failed":
            key = doc.reason or "failed"
            if not _already_sent(s, "document", doc.id, "exception", key):
                pending.append(("document", doc.id, key, [doc.reason or "the document could not be read"]))
        for row in doc.orders:
            if row.state != OrderState.NEEDS_REVIEW:
                continue
            order = repo.order_canonical(row)
            issues = repo.order_issues(row)
            shown = [i for i in issues if i.blocking] or [i for i in issues if i.code == "APPROVAL_REQUIRED"]
            if not shown and (row.resolved or {}).get("approvals_required"):
                shown = [Issue(code="APPROVAL_REQUIRED", message="approval required")]
            reasons = list(dict.fromkeys(plain_reason(i, order) for i in shown)) or ["the order needs a check"]
            key = ",".join(sorted({i.code for i in shown})) or "review"
            if not _already_sent(s, "order", row.id, "exception", key):
                po = f"PO {order.po_number}: " if order.po_number else ""
                pending.append(("order", row.id, key, [f"{po}{r}" for r in reasons]))
        envelope = _envelope(doc, to)
    results = []
    for entity, entity_id, key, reasons in pending:
        result = notify_exception(m.config, envelope, reasons)
        _record(services, entity, entity_id, "exception", key, to, result)
        results.append(result)
    return results
