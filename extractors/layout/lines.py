"""Group positioned words into text lines and phrases (runs of words without a wide gap)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from statistics import median
from typing import Any


@dataclass
class Word:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    page: int
    conf: float = 100.0

    @property
    def height(self) -> float:
        return max(self.bottom - self.top, 1.0)

    @property
    def xc(self) -> float:
        return (self.x0 + self.x1) / 2


@dataclass
class Line:
    words: list[Word]
    page: int
    index: int = 0
    phrases: list[list[Word]] = field(default_factory=list)

    @property
    def top(self) -> float:
        return min(w.top for w in self.words)

    @property
    def bottom(self) -> float:
        return max(w.bottom for w in self.words)

    @property
    def x0(self) -> float:
        return min(w.x0 for w in self.words)

    @property
    def x1(self) -> float:
        return max(w.x1 for w in self.words)

    @property
    def height(self) -> float:
        return median(w.height for w in self.words)

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    def words_between(self, x0: float, x1: float) -> list[Word]:
        return [w for w in self.words if x0 <= w.xc < x1]


_TYPED_RULE = re.compile(r"_{5,}")


def to_words(raw: list[dict[str, Any]], page: int) -> list[Word]:
    """pdfplumber/OCR dicts → Word, dropping empty and unmapped-glyph tokens."""
    out: list[Word] = []
    for d in raw:
        text = str(d.get("text", "")).replace("(cid:127)", "•").strip()
        if not text or text.startswith("(cid:") or _TYPED_RULE.fullmatch(text):
            continue  # "_________" typed as a ruling line carries no text and glues header rows together
        try:
            out.append(
                Word(text, float(d["x0"]), float(d["x1"]), float(d["top"]), float(d["bottom"]), page,
                     float(d.get("conf", 100.0) or 0.0))
            )
        except (KeyError, TypeError, ValueError):
            continue
    return out


def group_lines(words: list[Word], page: int) -> list[Line]:
    """Cluster words into lines by vertical overlap (robust to mixed font sizes on a line)."""
    lines: list[Line] = []
    for w in sorted(words, key=lambda w: (w.top + w.bottom) / 2):
        mid = (w.top + w.bottom) / 2
        placed = False
        for line in reversed(lines[-3:]):
            lt, lb = line.top, line.bottom
            overlap = min(lb, w.bottom) - max(lt, w.top)
            if overlap > 0.5 * min(w.height, lb - lt) and abs(mid - (lt + lb) / 2) < 0.6 * max(w.height, lb - lt):
                line.words.append(w)
                placed = True
                break
        if not placed:
            lines.append(Line([w], page))
    for i, line in enumerate(lines):
        line.words.sort(key=lambda w: w.x0)
        line.index = i
        line.phrases = split_phrases(line.words)
    return lines


def split_phrases(words: list[Word]) -> list[list[Word]]:
    """Runs of same-size words whose gaps stay under ~1 × the font height (a wider gap is a field
    break). Sizes are separated first, so an overprinted letterhead does not merge with its address."""
    buckets: list[list[Word]] = []
    for w in sorted(words, key=lambda w: -w.height):
        for b in buckets:
            if abs(b[0].height - w.height) <= 0.25 * b[0].height:
                b.append(w)
                break
        else:
            buckets.append([w])
    phrases: list[list[Word]] = []
    for b in buckets:
        run: list[list[Word]] = []
        for w in sorted(b, key=lambda w: w.x0):
            if run:
                prev = run[-1][-1]
                if w.x0 - prev.x1 < 1.02 * max(prev.height, w.height):
                    run[-1].append(w)
                    continue
            run.append([w])
        phrases += run
    phrases.sort(key=lambda p: p[0].x0)
    return phrases


def phrase_text(words: list[Word]) -> str:
    return " ".join(w.text for w in words)


def bbox(words: list[Word]) -> tuple[float, float, float, float]:
    return (
        round(min(w.x0 for w in words), 2),
        round(min(w.top for w in words), 2),
        round(max(w.x1 for w in words), 2),
        round(max(w.bottom for w in words), 2),
    )
