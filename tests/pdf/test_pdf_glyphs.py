"""Our doubled-glyph removal keeps exactly the glyphs pdfplumber's ``dedupe_chars`` keeps, in the same
order: on real fake-bold pages (never the hold-out ten) and on made-up glyphs at the tolerance's edge."""

from __future__ import annotations

from typing import Any

import pdfplumber
import pytest
from fixtures.real_docs import REAL
from pdfplumber.utils import dedupe_chars as plumber_dedupe

from orderflow.bench.accuracy import holdout_stems
from orderflow.extractors.pdf_glyphs import dedupe_chars, dedupe_page
from orderflow.extractors.pdf_text import _doubled


@pytest.mark.parametrize(("stem", "page", "glyphs"), [
    ("chex_549928", 1, 2500),  # fake bold under blank padding: the page's first 2,500 of 6.5k glyphs
    # (pdfplumber needs ~15 s for the whole page)
    ("coma_A00002", 0, None),
    ("esbee_PO23008082", 0, None),
])
def test_same_glyphs_as_pdfplumber_on_real_pages(stem: str, page: int, glyphs: int | None) -> None:
    assert stem not in holdout_stems()
    with pdfplumber.open(REAL / f"{stem}.pdf") as pdf:
        p = pdf.pages[page]
        chars = p.chars[:glyphs]
        assert _doubled(chars)  # a page read_words dedupes
        ours = dedupe_chars(chars, tolerance=1)
        theirs = plumber_dedupe(chars, tolerance=1)
        assert [id(c) for c in ours] == [id(c) for c in theirs]
        assert len(ours) < len(chars)  # something was doubled and removed
        if glyphs is None:  # the whole page: the same words, other objects untouched
            kw: dict[str, Any] = {"x_tolerance": 1.5, "y_tolerance": 2}
            deduped = dedupe_page(p, tolerance=1)
            assert deduped.extract_words(**kw) == p.dedupe_chars(tolerance=1).extract_words(**kw)
            assert (deduped.rects, deduped.lines) == (p.rects, p.lines)


def _ch(text: str, x0: float, doctop: float, font: str = "F1", size: float = 10.0, upright: bool = True) -> dict:
    return {"text": text, "x0": x0, "doctop": doctop, "top": doctop, "fontname": font, "size": size,
            "upright": upright, "object_type": "char"}


CASES: dict[str, tuple[list[dict], list[int]]] = {
    "exactly tolerance apart: one glyph": ([_ch("A", 10, 20), _ch("A", 11, 20)], [0]),
    "just over tolerance: two glyphs": ([_ch("A", 10, 20), _ch("A", 11.0001, 20)], [0, 1]),
    "vertical edge": ([_ch("A", 10, 20), _ch("A", 10, 21), _ch("A", 10, 22.001)], [0, 2]),
    "a chain of close copies is one cluster": ([_ch("B", 10, 5), _ch("B", 10.9, 5), _ch("B", 11.8, 5)], [0]),
    "the top-left copy is kept even when drawn last": ([_ch("C", 10.5, 5.5), _ch("C", 10, 5)], [1]),
    "equal positions: the first drawn is kept": ([_ch("D", 3, 3), _ch("E", 9, 9), _ch("D", 3, 3)], [0, 1]),
    "other font, size or direction: not a copy": (
        [_ch("F", 1, 1), _ch("F", 1, 1, font="F2"), _ch("F", 1, 1, size=11), _ch("F", 1, 1, upright=False)],
        [0, 1, 2, 3]),
    "other text at one place: kept": ([_ch("G", 1, 1), _ch("H", 1, 1)], [0, 1]),
    "same line, diagonal neighbour out of x reach": (
        [_ch("I", 0, 0), _ch("I", 5, 0.5), _ch("I", 0.5, 0.9)], [0, 1]),
    "page order kept across groups": (
        [_ch("Z", 50, 1), _ch("A", 1, 50), _ch("Z", 50.2, 1.1), _ch("M", 9, 9), _ch("A", 1.3, 49.5)],
        [0, 3, 4]),
    "no glyphs": ([], []),
}


@pytest.mark.parametrize("name", list(CASES))
def test_tolerance_edge_cases_match_pdfplumber(name: str) -> None:
    chars, keep = CASES[name]
    ours = dedupe_chars(chars, tolerance=1)
    assert [id(c) for c in ours] == [id(chars[i]) for i in keep]
    if chars:  # pdfplumber's own implementation agrees
        assert [id(c) for c in plumber_dedupe(chars, tolerance=1)] == [id(c) for c in ours]


def test_a_glyph_without_a_compared_attribute_raises_like_pdfplumber() -> None:
    chars = [_ch("A", 1, 1), {"text": "A", "x0": 1, "doctop": 1, "upright": True}]
    with pytest.raises(KeyError):
        dedupe_chars(chars)
    with pytest.raises(KeyError):
        plumber_dedupe(chars)
