"""Hold the accuracy reached on the corpus text PDFs: a change may raise it, never drop it."""

from orderflow.bench.accuracy import score_folder

# sterling_SMS-114832's gold calls its unqualified "Item Code" values the supplier's SKUs (known from outside
# the document); by the corpus convention the engine reads that column as the buyer's item number, so its
# nine lines miss sku and customer_part (the only loss: every other field of the eight documents is right)
FLOOR_FIELDS = 0.97
FLOOR_PERFECT = 7


def test_corpus_text_pdf_accuracy_floor(corpus_text):
    report = score_folder(corpus_text, ocr=False)
    assert report["documents"] == 8
    assert report["field_accuracy"] >= FLOOR_FIELDS, report["errors_by_field"]
    assert report["perfect_documents"] >= FLOOR_PERFECT


def test_hard_generated_accuracy_floor(generated_hard):
    """Harder synthetic layouts (labels above values, side-by-side addresses, wrapped descriptions, tax rows)."""
    report = score_folder(generated_hard, ocr=False)
    assert report["documents"] == 8
    assert report["field_accuracy"] >= 1.0, report["errors_by_field"]
    assert report["perfect_documents"] == 8


def test_varied_generated_accuracy_floor(generated_varied):
    """Ten further layouts (P.O. # / Order No. / Date Ordered / Deliver To / Ship-To Address labels, boxed
    key/value headers, Item No. beside Line, Grand Total / Total Due, Each/Case UOM words, $1,234.56)."""
    report = score_folder(generated_varied, ocr=False)
    assert report["documents"] == 10
    assert report["field_accuracy"] >= 1.0, report["errors_by_field"]
    assert report["perfect_documents"] == 10
