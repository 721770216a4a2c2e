"""Documents that are not classic POs: sales orders, order confirmations, quotations, invoices.

General rules held here: the document number in the title ("Quotation # SQ00042"), the letterhead is the
supplier and the unlabelled/“Invoice and shipping address” block the customer, "Payment Term(s)", amounts
with currency symbols or codes before or after them, discount sub-rows as allowances (not lines), boxed
dates, and the issuer's phone code settling MM/DD vs DD/MM."""

from __future__ import annotations

import json
from decimal import Decimal

from fixtures.shared import CORPUS as _SHARED_CORPUS  # noqa: E402

from orderflow.bench.accuracy import score_folder
from orderflow.extractors import ExtractContext, extract


def _order(path):
    result = extract(path.read_bytes(), ExtractContext(filename=path.name, ocr=False))
    return result.orders[0], result.issues


def test_generated_sales_documents_accuracy_floor(generated_sales):
    report = score_folder(generated_sales, ocr=False)
    assert report["documents"] == 12
    assert report["field_accuracy"] >= 1.0, report["errors_by_field"]
    assert report["perfect_documents"] == 12


def test_sales_order_keeps_own_number_and_quotes_the_customer_po(generated_sales):
    """Sales order: po_number is the order's own number, the buyer's PO goes to references."""
    path = generated_sales / "sales_000.pdf"
    gold = json.loads(path.with_suffix(".expected.json").read_text())
    order, _ = _order(path)
    assert order.po_number == gold["po_number"] and order.po_number.startswith("SO")
    assert order.references["customer_po"].startswith("45") and len(order.references["customer_po"]) == 10
    assert order.supplier.name == gold["supplier"] and order.buyer.name == gold["buyer"]


def test_invoice_takes_the_quoted_po_number(generated_sales):
    """Invoice: the order it bills is the buyer's PO; the invoice number is kept as a reference."""
    path = generated_sales / "sales_004.pdf"
    gold = json.loads(path.with_suffix(".expected.json").read_text())
    order, _ = _order(path)
    assert order.po_number == gold["po_number"]
    assert order.references["invoice_number"].startswith("INV-")
    assert order.po_date.isoformat() == gold["po_date"]  # read from three boxes


def test_discount_sub_rows_become_allowances_not_lines(generated_sales):
    path = generated_sales / "sales_001.pdf"
    gold = json.loads(path.with_suffix(".expected.json").read_text())
    order, issues = _order(path)
    assert len(order.lines) == len(gold["lines"])
    allowances = [ch for ln in order.lines for ch in ln.charges]
    assert allowances and all(ch.kind == "allowance" and ch.amount > 0 for ch in allowances)
    assert all("discount" in (ch.description or "").lower() for ch in allowances)
    lines_sum = sum(Decimal(ln["amount"]) for ln in gold["lines"])
    assert lines_sum - sum(ch.amount for ch in allowances) == Decimal(gold["total"])
    assert not [i for i in issues if i.code == "TOTAL_MISMATCH"]


def test_odoo_sales_order_from_the_corpus():
    """The corpus' Odoo sales order (wkhtmltopdf): every field right."""

    from orderflow.bench.accuracy import score_document

    pdf = _SHARED_CORPUS / "docs" / "invoices" / "odoo_SO021.pdf"
    gold = json.loads(pdf.with_name("odoo_SO021.expected.json").read_text())
    order, _ = _order(pdf)
    score = score_document(gold, order.to_json_dict())
    assert score["perfect"], score["errors"]
    assert order.po_date.isoformat() == "2017-04-11"  # en_US issuer (+1 phone in its footer): month first
