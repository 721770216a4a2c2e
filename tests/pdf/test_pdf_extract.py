import json
import time
from decimal import Decimal

from orderflow.bench.accuracy import score_folder
from orderflow.canonical import IssueCode
from orderflow.extractors import ExtractContext, extract, is_unusable


def _reportlab_pdf(path, pages: int, text: str = "hello") -> bytes:
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path))
    for i in range(pages):
        c.drawString(72, 720, f"{text} {i}")
        c.showPage()
    c.save()
    return path.read_bytes()


def test_generated_pos_are_read_perfectly(generated):
    report = score_folder(generated, ocr=False)
    assert report["documents"] == 6
    assert report["field_accuracy"] >= 0.99, report["errors_by_field"]
    assert report["perfect_share"] >= 0.8


def test_provenance_and_values(generated):
    pdf = generated / "gen_002.pdf"
    gold = json.loads(pdf.with_suffix(".expected.json").read_text())
    result = extract(pdf.read_bytes(), ExtractContext(filename=pdf.name, ocr=False))
    order = result.orders[0]
    assert order.po_number == gold["po_number"]
    assert order.declared_total == Decimal(gold["total"])
    assert [ln.sku for ln in order.lines] == [g["sku"] for g in gold["lines"]]
    prov = order.provenance["po_number"]
    assert prov.page == 1 and prov.extractor == "pdf_text" and prov.raw and gold["po_number"] in prov.raw
    x0, top, x1, bottom = prov.bbox
    assert 0 < x0 < x1 and 0 < top < bottom
    assert order.provenance["lines[0].qty"].raw == gold["lines"][0]["qty"]


def test_arithmetic_warning_names_fields(tmp_path):
    from reportlab.pdfgen import canvas

    path = tmp_path / "bad.pdf"
    c = canvas.Canvas(str(path))
    c.drawString(40, 780, "PO Number: PO-777")
    y = 720
    for x, t in zip([40, 80, 300, 380, 460], ["Line", "Description", "Qty", "Unit Price", "Amount"], strict=True):
        c.drawString(x, y, t)
    for i, row in enumerate([("1", "Widget blue", "2", "5.00", "10.00"), ("2", "Widget red", "3", "4.00", "99.00")]):
        for x, t in zip([40, 80, 300, 380, 460], row, strict=True):
            c.drawString(x, y - 16 * (i + 1), t)
    c.drawString(380, y - 60, "Total")
    c.drawString(460, y - 60, "150.00")
    c.save()
    result = extract(path.read_bytes(), ExtractContext(ocr=False))
    order = result.orders[0]
    assert [ln.amount for ln in order.lines] == [Decimal("10.00"), Decimal("99.00")]
    codes = {(i.code, i.field) for i in result.issues}
    assert (IssueCode.ARITHMETIC, "lines[1].amount") in codes
    assert (IssueCode.TOTAL_MISMATCH, "declared_total") in codes


def test_corrupt_empty_password_and_huge(tmp_path):
    assert is_unusable(extract(b"%PDF-1.4\n garbage \x00\x01 not a pdf", ExtractContext(ocr=False)))
    assert is_unusable(extract(b"", ExtractContext(ocr=False)))
    blank = _reportlab_pdf(tmp_path / "blank.pdf", 1, text="")
    r = extract(blank, ExtractContext(ocr=False))
    assert is_unusable(r) and r.issues[0].message


def test_password_protected(tmp_path):
    from reportlab.lib import pdfencrypt
    from reportlab.pdfgen import canvas

    path = tmp_path / "locked.pdf"
    c = canvas.Canvas(str(path), encrypt=pdfencrypt.StandardEncryption("secret", canPrint=0))
    c.drawString(72, 720, "PO Number: 123")
    c.save()
    r = extract(path.read_bytes(), ExtractContext(ocr=False))
    assert is_unusable(r)
    assert "password" in r.issues[0].message.lower()


def test_thousand_pages_bounded(tmp_path):
    data = _reportlab_pdf(tmp_path / "big.pdf", 1000)
    t0 = time.monotonic()
    r = extract(data, ExtractContext(ocr=False, max_pages=200))
    assert time.monotonic() - t0 < 10
    assert is_unusable(r) and "1,000 pages" in r.issues[0].message
