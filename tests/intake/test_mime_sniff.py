"""MIME splitting and file classification without a server."""

from intake_docs import pdf_bytes, x12_850

from orderflow.intake.mime import build_message, split_message
from orderflow.intake.sniff import Kind, classify, in_progress_name


def test_forwarded_mail_attachment_is_found():
    inner = build_message(
        "buyer@x.com", "csr@y.com", "PO 1", "see attached", [("po1.pdf", pdf_bytes(), "application/pdf")]
    )
    outer = build_message("csr@y.com", "orders@y.com", "Fwd: PO 1", "fyi")
    outer.add_attachment(inner)
    split = split_message(outer.as_bytes())
    assert [a.filename for a in split.orders] == ["po1.pdf"] and split.failure_reason() is None


def test_path_in_attachment_name_is_stripped():
    msg = build_message("a@x.com", "b@y.com", "s", "b", [("../../etc/po.csv", b"sku,qty\n", "text/csv")])
    assert split_message(msg.as_bytes()).orders[0].filename == "po.csv"


def test_classify():
    assert classify("a.pdf", pdf_bytes())[0] is Kind.ORDER
    assert classify("a.pdf", b"<html>")[0] is Kind.NOT_ORDER
    assert classify("x.dat", x12_850())[0] is Kind.ORDER
    assert classify("x.edi", b"hello")[0] is Kind.NOT_ORDER
    assert classify("sig.p7s", b"xx")[0] is Kind.IGNORE
    assert classify("a.xlsx", b"PK\x03\x04")[0] is Kind.ORDER
    assert classify("scan.tif", b"II*\x00")[0] is Kind.NOT_ORDER
    assert in_progress_name("a.pdf.part") and in_progress_name(".hidden") and not in_progress_name("a.pdf")
