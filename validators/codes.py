"""Every issue code the validators raise: severity, meaning and what the CSR does.

``CODES`` feeds the README table (``markdown_table()``) and the review UI's help text.
Severities marked "config" follow ``ValidationConfig``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CodeInfo:
    code: str
    severity: str
    meaning: str
    action: str


CODES: list[CodeInfo] = [
    CodeInfo("MISSING_FIELD", "error", "PO number, lines, a line quantity or any item identity is missing.",
             "Read the value from the document (or ask the buyer) and fill it in."),
    CodeInfo("CUSTOMER_UNKNOWN", "error", "Neither the channel (EDI id, sender email/domain, portal account) nor the "
             "buyer's ids/name identify one active customer.", "Pick the customer from the suggestions; ask IT to "
             "add the sender's id or domain to the customer so it resolves next time."),
    CodeInfo("CUSTOMER_NOT_ENTITLED", "error", "The document names a customer its channel may not order for (a "
             "portal token, mailbox sender or partner drop bound to another account), or a change/cancel came from "
             "another customer than the original. Never auto-approved; a change is not applied.",
             "Confirm with the bound account who really ordered; reject the order if it is not theirs."),
    CodeInfo("SHIP_TO_UNKNOWN", "error", "The ship-to matches none (or several) of the customer's delivery addresses.",
             "Pick the delivery address; if it is new, have it created in the ERP first."),
    CodeInfo("SKU_UNKNOWN", "error", "A line's item matches no SKU, cross-reference, GTIN or partner qualifier, and "
             "no fuzzy candidate is clearly best.", "Pick the item from the scored suggestions; the choice is "
             "learned as a cross-reference for this customer."),
    CodeInfo("SKU_INACTIVE", "error", "The item exists but is no longer sold.",
             "Offer the customer a replacement (suggestions) or remove the line."),
    CodeInfo("UOM_UNKNOWN", "error", "The unit of measure is not recognised, or the item has no conversion from it "
             "to its base unit.", "Correct the unit; if it is valid, ask the ERP team to add the conversion."),
    CodeInfo("UOM_NOT_SOLD", "error", "The item is not sold in the ordered unit (e.g. by the each when only cases "
             "are sold).", "Change unit and quantity with the buyer's agreement (suggestions show the factors)."),
    CodeInfo("CASE_PACK", "config (warning)", "The base quantity is not a multiple of the case pack.",
             "Round up to the suggested quantity or confirm the split pack."),
    CodeInfo("MIN_ORDER_QTY", "config (warning)", "The base quantity is below the item's minimum order quantity.",
             "Raise the quantity to the minimum or get the buyer's consent."),
    CodeInfo("PRICE_MISMATCH", "error", "The PO price differs from the contract price (customer or parent account, "
             "valid on the PO date, quantity break, converted to the ordered unit) beyond the tolerance.",
             "Use the contract price, or accept the PO price as an override (routes to lead approval)."),
    CodeInfo("PRICE_MISSING", "warning", "The PO has no price; the contract price was filled in.",
             "Nothing unless the buyer expects another price."),
    CodeInfo("NO_CONTRACT_PRICE", "warning", "No agreement covers this customer, item, date and currency.",
             "Check the PO price against the list price; ask sales for an agreement if it recurs."),
    CodeInfo("CURRENCY_MISMATCH", "error", "The order currency differs from the customer's billing currency.",
             "Confirm the currency with the buyer and correct the order."),
    CodeInfo("CREDIT_HOLD", "error", "The account (or its parent) is on credit hold.", "Send to finance; do not push."),
    CodeInfo("CREDIT_EXCEEDED", "error", "Open receivables + open orders + this order exceed the credit limit.",
             "Send to finance for a limit decision or a prepayment."),
    CodeInfo("CREDIT_STALE", "warning", "Credit was checked against an old snapshot, or the live ERP query failed "
             "or timed out.", "Re-check credit before releasing a large order."),
    CodeInfo("DUPLICATE_PO", "error", "The same customer + PO number is already open or pushed.",
             "Reject the copy; if it differs, treat it as a change of the original."),
    CodeInfo("ORIGINAL_NOT_FOUND", "error", "A change or cancel arrived but no original order with that PO exists.",
             "Wait for the original or check the PO number with the buyer."),
    CodeInfo("AVAILABILITY_SHORT", "config (warning)", "Available-to-promise (on hand − committed − reserved by our "
             "open orders + incoming by the ship date) is below the line quantity. The message gives the quantity "
             "available, the earliest full date and the split the customer's ship policy implies (partial: ship "
             "now + backorder; complete: all on the full date; reject_short: line rejected).",
             "Confirm the split with the buyer, or reduce the quantity to what is available (suggestion)."),
    CodeInfo("LEAD_TIME", "config (warning)", "The requested date is earlier than today + the lead time (customer's "
             "own, else the item's).", "Tell the buyer the earliest date (suggestion); it is the promised date."),
    CodeInfo("QUOTE_EXPIRED", "config (error)", "The PO cites a quotation that expired before the PO date.",
             "Re-quote, or honour the old quote as an exception with sales' approval."),
    CodeInfo("QUOTE_MISMATCH", "config (error)", "The cited quote is unknown or another customer's, or a line's "
             "quantity is above the quoted one or its price differs from the quoted price.",
             "Use the quoted values (suggestions) or agree the difference with sales."),
    CodeInfo("CHARGE_NOT_CARRIED", "error", "The order has a charge or allowance that the ERP push cannot carry "
             "(the Tryton sale takes lines only); pushing would silently drop it.",
             "Agree the charge with the buyer and enter it in the ERP by hand (a lead overrides with a reason), "
             "or reject the order."),
    CodeInfo("LOW_CONFIDENCE", "error", "An extracted value's confidence (the engine's calibrated estimate that "
             "it is right) is under `review_confidence` (0.8); `lines` when the line set itself is in doubt.",
             "Compare the value with the document (j/k walk the doubtful fields): correct it, or accept it as read."),
    CodeInfo("ARITHMETIC", "config (error)", "qty x unit price differs from the line amount on the document "
             "(per 1, 100, 1000 or the printed price basis).",
             "Compare quantity and price with the document and correct the misread value, or accept it as read."),
    CodeInfo("LINE_COUNT_MISMATCH", "config (error)", "The document's declared line count (CTT/CNT, or printed) "
             "differs from the lines read.", "Look for a missed or extra line."),
    CodeInfo("TOTAL_MISMATCH", "config (error)", "The document's total (AMT, or printed) differs from the sum of "
             "lines and charges.", "Look for a misread price/quantity or a charge that was not captured."),
    CodeInfo("APPROVAL_REQUIRED", "warning", "The total is above an approval threshold, or a price was overridden: "
             "the listed roles must approve in sequence (lead, then finance).", "Route to the approvers shown."),
    CodeInfo("RULE_ERROR", "error", "A validation rule crashed on this order (a bug, reported, never silent).",
             "Check the named part by hand and report the order to IT."),
]


def markdown_table() -> str:
    rows = ["| code | severity | meaning | what the CSR does |", "|---|---|---|---|"]
    rows += [f"| `{c.code}` | {c.severity} | {c.meaning} | {c.action} |" for c in CODES]
    return "\n".join(rows)


if __name__ == "__main__":  # python -m orderflow.validators.codes > table for the README
    print(markdown_table())
