"""Header fields found by label and layout: value right of the label, or in the block below it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from orderflow.extractors.layout.lexicon import (
    CUSTOMER_PO_LABELS,
    DOC_NUMBER_LABELS,
    FIELD_LABELS,
    ORG_HINT,
    STOP_LABELS,
    compiled,
)
from orderflow.extractors.layout.lines import Line, Word, phrase_text
from orderflow.extractors.layout.revision import title_marker

_PATTERNS = {k: compiled(v) for k, v in FIELD_LABELS.items()}
_PATTERNS["doc_number"] = compiled(DOC_NUMBER_LABELS)
_PATTERNS["customer_po"] = compiled(CUSTOMER_PO_LABELS)
_SEP = r"\s*[:#.\-–]*\s*"


@lru_cache(maxsize=4096)
def _rx(source: str, flags: int = re.IGNORECASE) -> re.Pattern[str]:
    """A label pattern built around a lexicon/hint pattern, compiled once: there are more of them than
    ``re``'s own 512-entry cache holds, so every phrase of a long document compiled them again."""
    return re.compile(source, flags)
_KEYVAL = re.compile(r"^[A-Za-z][\w .,/()&-]{1,30}:(?:\s|$)|@|\b(?:phone|tel|fax|vat|gln|e-?mail|contact|id)\b\s*[:.]",
                     re.IGNORECASE)
_TITLE = re.compile(r"purchase\s+order|^order$|bestellung|bon\s+de\s+commande|^commande\b|orden\s+de\s+compra|pedido"
                    r"|^ordine\b|ordem\s+de\s+compra|zam[óo]wienie"
                    r"|inkooporder|注文書|発注書", re.IGNORECASE)


@dataclass
class Found:
    """A value and the words it came from (for provenance)."""

    value: str
    words: list[Word]
    lines: list[list[Word]] | None = None  # block fields: one word list per printed line
    hint: str | None = None  # id of the partner hint whose label found it
    label: str | None = None  # the label phrase it was read after


@dataclass
class Doc:
    lines: list[Line]  # all pages, in reading order
    widths: dict[int, float]
    skip: set[int]  # id() of lines that are table headers/rows (not header-field sources)
    stacked: set[int] = field(default_factory=set)  # id() of a party label's first word whose label goes on below
    extra_labels: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # hint labels: (regex, id)
    _at: dict[int, int] = field(default_factory=dict, init=False, repr=False, compare=False)

    def position(self, line: Line) -> int:
        """``lines.index(line)`` in O(1). The lines are distinct (page, index in page), so identity finds the
        same one; comparing whole lines word by word for every phrase was a quadratic share of long documents."""
        i = self._at.get(id(line))
        if i is None or i >= len(self.lines) or self.lines[i] is not line:
            self._at = {id(ln): k for k, ln in enumerate(self.lines)}
            i = self._at.get(id(line))
            if i is None or self.lines[i] is not line:
                return self.lines.index(line)  # an equal copy, not one of the lines: as list.index did
        return i

    def patterns(self, name: str) -> list[tuple[re.Pattern[str], str | None]]:
        """Hint labels first (they name what the lexicon does not know), then the lexicon."""
        extra = [(_rx(p), hid) for p, hid in self.extra_labels.get(name, [])]
        return extra + [(p, None) for p in _PATTERNS[name]]


_GLYPH = r"[▌▐█■□▪▫►▶▸●◆◇★☐➢➤]"  # a decorative mark before a label ("▌Total Amount :")


def _match_label(pattern: re.Pattern[str], text: str, *, anywhere: bool, parens: bool = False
                 ) -> tuple[int, str] | None:
    """(end of label in text, rest) when the phrase starts with the label (or has 'label:' inside);
    ``parens``: a label may be wrapped in parentheses, as the translation under a bilingual label."""
    if parens and len(text) > 2 and text[0] == "(" and text[-1] == ")" and "(" not in text[1:]:
        inner = _match_label(pattern, text[1:-1], anywhere=False)  # "(Purchase Order)" over "4519750544"
        if inner is not None and not inner[1].strip():
            return len(text), ""
    m = _rx(r"(?:[-–•]\s+|" + _GLYPH + r"\s*)?(?:" + pattern.pattern + r")(?:(?<=[:#.])|(?![\w]))" + _SEP).match(text)
    if m:
        t = _TRANSLATION.match(text[m.end():]) or _PAREN_LABEL.match(text[m.end():])
        if t:  # "Spett.le/Esteemed", "Condizioni di pagamento/Terms of Payment", "Consignee (Ship to)",
            return m.end() + t.end(), ""  # "Supplier (Bill from)": the label's translation or alias
        return m.end(), text[m.end():]
    if anywhere:
        m = _rx(r"(?:^|[\s(])(?:" + pattern.pattern + r")\s*:\s*").search(text)
        if m:
            return m.end(), text[m.end():]
    return None


_TRANSLATION = re.compile(r"^\s*/\s*[^\W\d_][^\W\d_'.]*(?:\s+[^\W\d_][^\W\d_'.]*){0,3}\s*[:.]?\s*$")
_PAREN_LABEL = re.compile(r"^\s*\(\s*[^\W\d_][^\W\d_'.]*(?:\s+[^\W\d_][^\W\d_'.]*){0,3}\s*\)\s*[:.]?\s*$")
_KEY_ONLY = re.compile(r"[^\W\d][\w .#/&'-]{0,30}:")  # "OC #:", "Vendor Contact:": another key, no value
_BILINGUAL_LABEL = re.compile(r"^[^\W\d_][^\W\d_ .']*\s?/\s?[^\W\d_][^\W\d_ .']*$")


def _words_after(phrase: list[Word], label_end: int) -> list[Word]:
    """The value words after a label ending at ``label_end``; a value glued to its label ("Date:14/02/2023",
    "PO#4500") is cut out of the shared word, its box shrunk in proportion."""
    out, pos = [], 0
    for w in phrase:
        if pos >= label_end:
            out.append(w)
        elif pos + len(w.text) > label_end:
            cut = label_end - pos
            rest = w.text[cut:].lstrip(" :#.")
            if rest:
                x0 = w.x0 + (w.x1 - w.x0) * (len(w.text) - len(rest)) / max(len(w.text), 1)
                out.append(Word(rest, x0, w.x1, w.top, w.bottom, w.page, w.conf))
        pos += len(w.text) + 1
    return out


def label_hits(doc: Doc, field: str, *, rows: bool = False):
    """Yield (pattern index, line, phrase index, value words on the same phrase) for a field's labels.
    ``rows``: also a label opening a line the table reader took ("Gesamtbetrag   1.178,88" under the
    last item), the way a totals row closes a table."""
    texts: dict[int, list[str]] = {}  # the phrases' texts, joined once for all the field's patterns
    trans: dict[tuple[int, int], str | None] = {}  # a short label's translation under it, looked up once
    for pi, (pattern, _hid) in enumerate(doc.patterns(field)):
        for line in doc.lines:
            in_table = id(line) in doc.skip
            if in_table and not rows:
                continue
            known = texts.get(id(line))
            if known is None or len(known) != len(line.phrases):
                known = texts[id(line)] = [phrase_text(ph) for ph in line.phrases]
            for k, phrase in enumerate(line.phrases):
                if in_table and k > 0:
                    break
                text = known[k]
                if STOP_LABELS.match(text) and field not in ("buyer", "supplier"):
                    continue
                hit = _match_label(pattern, text, anywhere=field in ("payment_terms", "total", "currency"),
                                   parens=field in ("po_number", "po_date", "delivery_date"))
                if hit is None and _combined_match(pattern, text):
                    yield pi, line, k, []
                    continue
                if hit is None and len(phrase) <= 3 and ":" not in text.rstrip(" :"):
                    key = (id(line), k)
                    if key not in trans:
                        trans[key] = _translation_below(doc, line, phrase)
                    tr = trans[key]
                    if tr is not None and (m := _match_label(pattern, tr, anywhere=False)) is not None and not m[1].strip():
                        yield pi, line, k, []  # "A:" over "(To)": the label's translation names the field
                        continue
                if hit is None and k + 1 <= len(line.phrases):
                    # label wrapped onto the next line ("Payment" / "Terms:")
                    below = _word_below(doc, line, phrase)
                    if below is not None:
                        hit2 = _match_label(pattern, text + " " + phrase_text(below), anywhere=False)
                        if hit2 and not hit2[1].strip():
                            yield pi, line, k, []
                    elif len(phrase) <= 2 and not any(c.isdigit() for c in text):
                        # a column label stacked over two rows ("PO" / "Number" over "549928"): the value is
                        # read from the label's second row
                        nxt = _next_line(doc, line)
                        stack = _stacked_part(nxt, phrase, centred=field in _PARTIES) if nxt is not None and nxt.top - line.bottom < line.height \
                            else None
                        if nxt is not None and stack is not None:
                            hit2 = _match_label(pattern, text + " " + phrase_text(nxt.phrases[stack]), anywhere=False)
                            if hit2 and not hit2[1].strip() and not _match_label(pattern, text, anywhere=False):
                                if field in _PARTIES and k + 1 < len(line.phrases) \
                                        and line.phrases[k + 1][0].x0 - phrase[-1].x1 < 0.25 * doc.widths.get(line.page, 600):
                                    # "Ship" / "to" beside its block: the block starts on the label's first row
                                    doc.stacked.add(id(phrase[0]))
                                    yield pi, line, k, []
                                else:
                                    yield pi, nxt, stack, []
                    continue
                if hit is None:
                    continue
                if STOP_LABELS.match(text) or _LABEL_GOES_ON.match(hit[1]):
                    continue  # "TERMS & RECEIVING", "Terms and Conditions": a longer label, not label + value
                yield pi, line, k, _words_after(phrase, hit[0])


_LABEL_GOES_ON = re.compile(r"^(?:&|\+|and|und|et|y|e)(?:\s+[^\W\d_][^\W\d_.]*){1,2}\s*:?\s*$"
                            r"|^(?:&|and|und|et|y|e)\s+(?:conditions|bedingungen|condiciones|condizioni)\b", re.IGNORECASE)


def _combined_match(pattern: re.Pattern[str], text: str) -> bool:
    """'Purchase order No./Date': the label part after the "/" (alone or after the head's words) names
    the field."""
    m = re.fullmatch(r"([A-Za-z][\w .]*?)\s*/\s*([A-Za-z][\w .]*?)\s*:?", text.strip())
    if not m:
        return False
    head = " ".join(m.group(1).split()[:-1])
    return any(_rx(r"(?:" + pattern.pattern + r")\s*[:.]?").fullmatch(c)
               for c in (m.group(2), f"{head} {m.group(2)}".strip()))


def _translation_below(doc: Doc, line: Line, phrase: list[Word]) -> str | None:
    """The text inside a parenthesised translation printed right under a short label ("A:" over "(To)",
    "FECHA" over "(Date)"), None when there is none."""
    nxt = _next_line(doc, line)
    if nxt is None or nxt.top - line.bottom > 1.5 * line.height:
        return None
    for ph in nxt.phrases:
        t = phrase_text(ph)
        if abs(ph[0].x0 - phrase[0].x0) < 3 and _PAREN_LABEL.match(t):
            return t.strip().rstrip(":.").strip("() ")
    return None


def _word_below(doc: Doc, line: Line, phrase: list[Word]) -> list[Word] | None:
    nxt = _next_line(doc, line)
    if nxt is None:
        return None
    for ph in nxt.phrases:
        if abs(ph[0].x0 - phrase[0].x0) < 3 and len(ph) <= 2 and ph[-1].text.endswith(":"):
            return ph
    return None


_PARTIES = ("ship_to", "bill_to", "buyer", "supplier")


def _stacked_part(nxt: Line, phrase: list[Word], *, centred: bool = False) -> int | None:
    """The index of the phrase of ``nxt`` printed right under ``phrase`` as the second row of one label: the
    same left edge (a party label's also centred under it: "Ship" / "to"), one or two words, no digits, no
    colon."""
    for j, ph in enumerate(nxt.phrases):
        t = phrase_text(ph)
        inside = centred and ph[0].x0 >= phrase[0].x0 - 1 and ph[-1].x1 <= phrase[-1].x1 + 1
        if (abs(ph[0].x0 - phrase[0].x0) < 3 or inside) and len(ph) <= 2 and not any(c.isdigit() for c in t) \
                and not t.endswith(":"):
            return j
    return None


def _next_line(doc: Doc, line: Line) -> Line | None:
    i = doc.position(line)
    if i + 1 < len(doc.lines) and doc.lines[i + 1].page == line.page:
        return doc.lines[i + 1]
    return None


_ANY_LABEL = [p for f in ("po_number", "po_date", "delivery_date", "payment_terms", "currency", "total", "buyer",
                            "supplier", "ship_to", "bill_to") for p in _PATTERNS[f]]
_LEADER = re.compile(r"\.{4,}")  # "PAYMENT TERMS ....... 2% 10": a dotted leader starts a new label/value line
_CURRENCY_ONLY = re.compile(r"^(?:[A-Z]{3}|[$€£¥₹])$")


def is_label(text: str) -> bool:
    """A known label on its own ("Ship To:", "Bill To", "Order Date:"): never another label's value."""
    t = text.strip()
    for p in _ANY_LABEL:
        m = _rx(r"(?:" + p.pattern + r")(?![\w])\s*[:#.]*\s*(?:\([^\W\d_][^\W\d_ '.]{0,30}\)\s*:?\s*)?$").match(t)
        if m and (t.endswith(":") or len(t.split()) >= 2 or t[:1].isupper()):
            return True
    return False


def _below(doc: Doc, line: Line, ph: list[Word]) -> list[Word] | None:
    nxt = _next_line(doc, line)
    if nxt is None or nxt.top - line.bottom > 2.5 * line.height:
        return None
    return next((q for q in nxt.phrases if q[0].x0 < ph[-1].x1 + 5 and q[-1].x1 > ph[0].x0 - 5), None)


def _header_row(doc: Doc, line: Line, label: list[Word], right: list[Word]) -> bool:
    """Side-by-side labels ("Payment Terms   Freight Terms" over "Net 30   Due"): each label owns the
    text below it, so the phrase right of a label is not its value. A key/value grid ("PO No.: 1" over
    "Date: 2") has labels below the labels and does not count."""
    if id(label[0]) in doc.stacked:
        return False  # "Ship" / "to": what is under the label is the label's second row, not its value
    if phrase_text(label).rstrip().endswith(":") or re.search(r"\d", phrase_text(right)) \
            or phrase_text(right).startswith(":"):
        return False  # ... or a value printed after its own colon ("Vendor Name   : ACME LLC")  # a label with a colon, or a right phrase holding a number ("May 15, 2026"): a value
    a, b = _below(doc, line, label), _below(doc, line, right)
    if a is not None and b is None and a is not right and len(line.phrases) >= 4 and not any(
            re.search(r"\d", phrase_text(p)) or phrase_text(p).rstrip().endswith(":") for p in line.phrases):
        return True  # a row of four or more column labels ("Payment Terms | Freight Terms | FOB | Ship Via")
        # over a row of values, some cells empty: the label's value is the one under it, not its neighbour
    if a is None or b is None or a is b:
        return False
    return not any(phrase_text(q).rstrip().endswith(":") or is_label(phrase_text(q)) for q in (a, b))


def right_phrase(doc: Doc, line: Line, k: int) -> list[Word]:
    """The phrase right of label ``k`` when it can be its value: not another label, not the head of a
    column under side-by-side labels; a lone currency code ("Total  EUR  1,234.00") is skipped."""
    j = k + 1
    while j < len(line.phrases):
        ph = line.phrases[j]
        gap = ph[0].x0 - line.phrases[j - 1][-1].x1
        if gap >= 0.45 * doc.widths.get(line.page, 600) or is_label(phrase_text(ph)) \
                or _BILINGUAL_LABEL.match(phrase_text(ph)) or _KEY_ONLY.fullmatch(phrase_text(ph)):
            return []  # another label ("Ship To:", "Banca / Bank")
        if j == k + 1 and _header_row(doc, line, line.phrases[k], ph):
            return []
        if (_CURRENCY_ONLY.match(phrase_text(ph)) or phrase_text(ph) in (":", "-", "–")) and j + 1 < len(line.phrases):
            j += 1  # "Date  :  10 September 2015": a colon column of its own separates label and value
            continue
        if phrase_text(ph).startswith(": ") and len(ph) > 1:
            return ph[1:]
        return ph
    return []


def value_right(doc: Doc, line: Line, k: int, same: list[Word]) -> list[Word]:
    """The value of a label: rest of its phrase, else the next phrase on the line (if not a label)."""
    if same:
        return same
    return right_phrase(doc, line, k)


def split_combined(label: str, words: list[Word], field: str) -> list[Word]:
    """A combined label ("Purchase order No./Date" over "4500 / 27.08.2026") splits its value by the
    "/": the part in the position of the label part naming ``field``."""
    m = re.search(r"^(.*\S)\s*/\s*(\S.*)$", label.rstrip(" :"))
    if not m:
        return words
    parts = [m.group(1), m.group(2)]
    cuts = [i for i, w in enumerate(words) if w.text == "/"]
    if len(cuts) != 1:
        return words
    chunks = [words[: cuts[0]], words[cuts[0] + 1:]]
    head = " ".join(parts[0].split()[:-1])
    for i, part in enumerate(parts):
        cands = [part, f"{head} {part}".strip()] if i else [part]
        if any(_match_label(p, c, anywhere=False) for p in _PATTERNS[field] for c in cands):
            return chunks[i] or words
    return words


_NON_LATIN = re.compile(r"^[^A-Za-z0-9À-ɏ]*[\u0590-\u08ff\ufb1d-\ufefc][^A-Za-z0-9À-ɏ]*$")  # Arabic/Hebrew only


def value_below(doc: Doc, line: Line, k: int) -> list[Word]:
    """The value printed under a label, in the label's column: the first phrase below that overlaps the
    label. Lines with nothing in the column are passed over ("ORDER DATE" in a row of column labels whose
    values sit a few lines down, under notes printed beside them), and so is a translation line in another
    script under a bilingual label ("ORDER DATE" / Arabic / "06/19/2026"); a table line ends the search."""
    label = line.phrases[k]
    i = doc.lines.index(line) + 1
    first = True
    while i < len(doc.lines):
        nxt = doc.lines[i]
        limit = 2.5 if first else 6.0
        if nxt.page != line.page or nxt.top - line.bottom > limit * line.height or id(nxt) in doc.skip and not first:
            return []
        first = False
        for ph in nxt.phrases:
            if ph[0].x0 < label[-1].x1 + 5 and ph[-1].x1 > label[0].x0 - 5:
                if _NON_LATIN.match(phrase_text(ph)) or _PAREN_LABEL.match(phrase_text(ph)):
                    break  # the label's translation ("(Payment Conditions)"): the value is further down
                return ph
        i += 1
    return []


def _overlaps(a: list[Word], b: list[Word]) -> bool:
    return a[0].x0 < b[-1].x1 + 3 and a[-1].x1 > b[0].x0 - 3


def sub_grid(doc: Doc, line: Line, k: int) -> list[Word]:
    """A label over a grid of its own sub-labels ("PAYMENT TERMS" over "Days | From | Due" over "60 | F"):
    each sub-label with the value under it ("Days 60 From F"). The grid owns the line up to the label's
    neighbours; the row of sub-labels is two or more short word cells, one under the label, and every value
    in the span sits under one of them. Lines with nothing in the span are passed over."""
    label = line.phrases[k]
    lo = line.phrases[k - 1][-1].x1 + 3 if k > 0 else 0.0
    hi = line.phrases[k + 1][0].x0 - 3 if k + 1 < len(line.phrases) else float("inf")
    nxt = _next_line(doc, line)
    if nxt is None or nxt.top - line.bottom > 2.5 * line.height or id(nxt) in doc.skip:
        return []
    heads = [ph for ph in nxt.phrases if lo <= ph[0].x0 and ph[-1].x1 <= hi]
    if len(heads) < 2 or not any(_overlaps(ph, label) for ph in heads) \
            or any(len(ph) > 2 or re.search(r"\d", phrase_text(ph)) or phrase_text(ph).endswith(":") for ph in heads):
        return []
    i = doc.position(nxt) + 1
    while i < len(doc.lines) and doc.lines[i].page == line.page and doc.lines[i].top - nxt.bottom < 3 * nxt.height:
        vals = [ph for ph in doc.lines[i].phrases if lo <= ph[0].x0 and ph[-1].x1 <= hi]
        if not vals:
            i += 1
            continue
        pairs = [(h, next((v for v in vals if _overlaps(v, h)), None)) for h in heads]
        if sum(1 for _, v in pairs if v is not None) != len(vals) or id(doc.lines[i]) in doc.skip:
            return []
        return [w for h, v in pairs if v is not None for w in (*h, *v)]
    return []


def _run_on(doc: Doc, line: Line, words: list[Word]) -> list[Word]:
    """A value under its label that goes on in the next phrases of its row ("30 Tage | ohne Abzug"): word
    phrases without figures, a few type sizes apart, under no other label of the label's row."""
    row = next((ln for ln in doc.lines[doc.position(line) + 1:] if any(w is words[0] for w in ln.words)), None)
    if row is None:
        return words
    out = list(words)
    for ph in row.phrases:
        if ph[0].x0 <= out[-1].x1:
            continue
        t = phrase_text(ph)
        if ph[0].x0 - out[-1].x1 > 6 * max(w.height for w in out) or re.search(r"\d", t) or is_label(t) \
                or any(_overlaps(ph, lp) for lp in line.phrases):
            break
        out += ph
    return out


def _under_words(doc: Doc, line: Line, label: list[Word]) -> list[Word]:
    """The words right under a label that shares its phrase with other labels (a fixed-pitch print's "Ord
    Date Pck Date ETA Date" over "07/25/25 08/04/25 08/07/25"): those overlapping the label's own words."""
    nxt = _next_line(doc, line)
    if not label or nxt is None or nxt.top - line.bottom > 1.5 * line.height or id(nxt) in doc.skip:
        return []
    return [w for w in nxt.words if w.x0 < label[-1].x1 + 2 and w.x1 > label[0].x0 - 2]


def find_simple(doc: Doc, field: str, accept, *, below: bool = True, last: bool = False,
                run_on: bool = False) -> Found | None:
    """First (or last) label hit whose value passes ``accept`` (returns the cleaned value or None).
    ``run_on``: a value under its label takes the word phrases after it on its row (payment terms)."""
    best_pi, chosen = None, None
    for pi, line, k, same in label_hits(doc, field):
        if best_pi is not None and pi != best_pi:
            break
        cands = [value_right(doc, line, k, same)]
        if below:
            under = value_below(doc, line, k)
            cands += [sub_grid(doc, line, k), _run_on(doc, line, under) if run_on and under else under]
        if same:
            cands.insert(1, right_phrase(doc, line, k))
            if below:
                cands.append(_under_words(doc, line, [w for w in line.phrases[k] if w.x1 <= same[0].x0 + 1]))
        label = phrase_text(line.phrases[k])
        for words in cands:
            if not words:
                continue
            if "/" in label and words is not same:
                words = split_combined(label, words, field)
            val = accept(phrase_text(words), words)
            if val:
                best_pi = pi
                chosen = Found(val if isinstance(val, str) else phrase_text(words), words,
                               hint=doc.patterns(field)[pi][1], label=phrase_text(line.phrases[k]))
                if not last:
                    return chosen
                break
    return chosen


def find_amount(doc: Doc, field: str, accept, strict) -> Found | None:
    """The last labelled amount ("Total", "Gesamtbetrag", "Importo Totale"): the label's own remainder,
    else the rightmost phrase of its line that is wholly a number (a totals label sits in the description
    column, its value in the amount column, however far right), else the number under the label.
    ``accept`` reads a value from the label's remainder ("191,613.00 (SAR)"); ``strict`` reads a
    phrase that must be one number ("£36.30", "AED 64,682.00", "1.785,00")."""
    for below in (False, True):
        best_pi, chosen = None, None
        for pi, line, k, same in label_hits(doc, field, rows=True):
            if best_pi is not None and pi != best_pi:
                break
            cands: list[list[Word]] = []
            if below:
                cands = [value_below(doc, line, k)]
            else:
                cands = [same] if same else []
                rest: list[list[Word]] = []
                for ph in line.phrases[k + 1:]:
                    t = phrase_text(ph)
                    if _NON_LATIN.match(t):
                        continue  # "TOTAL | <the label in Arabic> | 152.050 KD"
                    if is_label(t) or _KEY_ONLY.fullmatch(t) or re.search(r"[^\W\d_]{4,}", t) and not strict(t):
                        break  # another label or words: the row of figures has ended
                    rest.append(ph)
                cands += list(reversed(rest))
            for words in cands:
                if not words:
                    continue
                text = phrase_text(words)
                val = accept(text, words) if words is same else strict(text)
                if val:
                    best_pi = pi
                    chosen = Found(val, words, hint=doc.patterns(field)[pi][1], label=phrase_text(line.phrases[k]))
                    break
        if chosen is not None:
            return chosen
    return None


def _right_limit(doc: Doc, line: Line, after: Word) -> float:
    for ph in line.phrases:
        if ph[0].x0 > after.x1 + 5:
            return ph[0].x0 - 3
    return doc.widths.get(line.page, 10_000)


def _header_zone_first(doc: Doc, hits):
    """Label hits above the line table first, then the others: a party label in the header zone beats one
    under the table ("PROVEEDOR: ISITA" in an item's text), whatever the labels' order of preference."""
    first_row = next((i for i, ln in enumerate(doc.lines) if id(ln) in doc.skip), len(doc.lines))
    later = []
    for h in hits:
        if doc.position(h[1]) < first_row:
            yield h
        else:
            later.append(h)
    yield from later


def find_party(doc: Doc, field: str) -> Found | None:
    """A party block: name (right of the label or first line below) + address lines below it."""
    number_only = False
    for pi, line, k, same in _header_zone_first(doc, label_hits(doc, field)):
        label = line.phrases[k]
        if same and _PARTY_REST.fullmatch(phrase_text(same).strip()):
            same = []  # "Vendor Address:" / "Supplier details": still the party's label, its block is below
        elif same and phrase_text(same).rstrip().endswith(":") and not re.search(r"\d", phrase_text(same)) \
                and len(same) <= 6:
            same = []  # "CONSIGNEE & TAX INVOICE (GSTIN) TO:": the label goes on to its colon, the block is below
        if same and _LABEL_REST.match(phrase_text(same)):
            continue  # "Vendor Ref", "Buyer Tel": another label that starts with the party's word
        if same and len(same) <= 2 and not ORG_HINT.search(phrase_text(same)) \
                and not any(c.isdigit() for c in phrase_text(same)) \
                and not _rx(r"(?:" + doc.patterns(field)[pi][0].pattern + r")\s*[:#.\-–]").match(phrase_text(label)):
            continue  # "VENDOR INSTRUCTIONS", "Vendor Style #": a compound label, no separator before a value
        if same and _prose(same):
            continue  # "... agreed to by Buyer in a signed writing.": the word inside terms prose
        if same and _CODE.fullmatch(phrase_text(same)) and k + 1 < len(line.phrases):
            nxt_ph = line.phrases[k + 1]
            named = [w for w in nxt_ph if w.text not in ("-", "–", ":")] if nxt_ph[0].text in ("-", "–", ":") else []
            if named and nxt_ph[0].x0 - same[-1].x1 < 4 * same[-1].height and name_ok(phrase_text(named)):
                same = named  # "Fornecedor: 11731862  - VIAREGGIO GELATOS LTDA": the account number, then the name
        right = value_right(doc, line, k, same)
        if right and right is not same and right[0].x0 - label[-1].x1 > 0.25 * doc.widths.get(line.page, 600):
            right = []
        if right and right is not same and _org_below(doc, line, label, right):
            right = []  # "Consignee (Ship to)   Dispatched through": the next cell's label; the name is below
        if not right:
            card = key_value_card(doc, line, k)
            if card is not None and (field not in ("supplier", "buyer", "ship_to") or name_ok(card.value)):
                return Found(card.value, card.words, card.lines, hint=doc.patterns(field)[pi][1])
        block: list[list[Word]] = []
        x_from = label[0].x0 - 6
        if right:
            x_to = _right_limit(doc, line, right[-1])
            block.append(right)
            # a label stacked over two rows beside its block ("Ship" / "to"): the block is right of the label
            x_from = right[0].x0 - 6 if id(label[0]) in doc.stacked else min(x_from, right[0].x0 - 6)
        else:
            x_to = _right_limit(doc, line, label[-1])
            x_from = _centred_column(doc, line, k, x_from)
        prev = line
        i = doc.position(line) + 1
        while i < len(doc.lines) and len(block) < 8:
            nxt = doc.lines[i]
            # under the label, its own size or the block's, not its line's median: a tiny return-address line
            # may share the label's baseline, and a label is often printed smaller than the block it heads
            col_h = max([w.height for w in nxt.words if x_from <= w.x0 and w.x1 <= x_to + 4], default=nxt.height)
            prev_h = max(prev.height, max(w.height for w in label), col_h) if prev is line else prev.height
            # a label alone on its line may stand a blank row or two above its block ("Adresse de livraison")
            gap = 3.2 if prev is line and not block and len(line.phrases) == 1 else 1.9
            if nxt.page != line.page or nxt.top - prev.bottom > gap * prev_h or id(nxt) in doc.skip:
                break
            ws = _strip_translation(_first_column([w for w in nxt.words if x_from <= w.x0 and w.x1 <= x_to + 4]))
            if not ws and any(x_from <= w.x0 and w.x1 <= x_to + 4 for w in nxt.words):
                prev, i = nxt, i + 1  # only the label's translation on this line ("(Plant)")
                continue
            if ws and _NON_LATIN.match(phrase_text(ws)):
                prev, i = nxt, i + 1  # the label's translation under a bilingual card label ("VENDOR" / Arabic)
                continue
            if ws and right and right is not same and ws[0].x0 < right[0].x0 - 6 \
                    and any(abs(w.x0 - right[0].x0) < 4 for w in nxt.words if w.x0 > ws[0].x0):
                break  # the next key/value row of a label column ("Warenannahme   Montag …")
            # a value sharing its label's phrase ("SHIP TO ....... PLANT 10") sets the block's left edge
            left = min([b[0].x0 for b in block] if right and right is same else [label[0].x0] + [b[0].x0 for b in block])
            if ws and x_to > label[-1].x1 + 0.5 * doc.widths.get(line.page, 600) and ws[0].x0 - left > 3 * ws[0].height:
                ws = []  # only the column beside the block has text on this line: the block has ended
            if ws and block and max(w.height for w in ws) > 1.5 * max(w.height for w in block[0]):
                break  # a title in a bigger font ("Order N° SO021") under the address: the block has ended
            if ws and block and len(block) == 1 and right and phrase_text(block[0]).count(",") >= 2 \
                    and re.search(r"\d", phrase_text(block[0])):
                break  # a whole address on the label's line ("Lieferadresse: Etimark AG, Oberer Weg 3, CH-9472 Grabs")
            part = _ADDRESS_KEY.match(phrase_text(ws)) if ws and block else None
            if part:  # "City : RAIPUR, 493211" / "State : CHHATTISGARH": the address goes on after its key
                ws = _words_after(ws, part.end())
                if not re.search(r"[^\W\d_]{2}|\d{4}", phrase_text(ws)):
                    prev, i = nxt, i + 1  # "State : 22": a state code, no part of the address text
                    continue
            if ws:
                text = phrase_text(ws)
                if not part and _KEYVAL.search(text) and not _ADDRESS_PART.match(text) or _LEADER.search(text) or any(_match_label(p, text, anywhere=False) for f in
                                               ("ship_to", "bill_to", "buyer", "supplier") for p in _PATTERNS[f]):
                    break
                if is_label(text) or " / " in text and any(is_label(part) for part in text.split(" / ")):
                    break  # the next field's label ("Consegna richiesta / Delivery date") under the block
                if any(_postcode_town(phrase_text(b)) for b in block[1:]) and not _COUNTRY_LIKE.fullmatch(text):
                    break  # after the postcode and town only a country goes on ("Achtung …!!!" is a note)
                block.append(ws)
                prev = nxt
            elif any(w.x0 < x_to for w in nxt.words):
                prev = nxt
                if block:
                    break
            i += 1
        if block and (block[0] is right or not right and block[0][0].x0 > label[-1].x1):
            block = _rows_above(doc, line, block[0], label, x_to) + block
        block = [_strip_colon(b) for b in block]
        block = [b for b in block if b and phrase_text(b).strip(" -:")]
        if not block:
            continue
        if _prose(block[0]) or len(block[0]) >= 2 and block[0][0].text[:1].islower() and field in ("supplier", "buyer"):
            continue  # the label word inside terms prose ("… the Supplier shall …"): no party block
        if _NAME_KEY.fullmatch(phrase_text(block[0])):
            # a To card of key/value rows ("Name   S.R.ENGINEERING", "address  …"): the name is the value
            row = next((ln for ln in doc.lines if any(w is block[0][0] for w in ln.words)), None)
            val = next((ph for ph in (row.phrases if row else []) if ph[0].x0 > block[0][-1].x1 + 2), None)
            if val is None and len(block) > 1 and name_ok(phrase_text(block[1])):
                val = block.pop(1)  # "Firma" over "DS Smith Packaging Arnstadt GmbH": the name is under its key
            if val is None:
                continue
            block[0] = _strip_colon(val)
            if not block[0]:
                continue
        name = phrase_text(block[0])
        m = SALUTATION.match(name)
        if m and len(block[0]) > 1 and field in ("supplier", "buyer"):
            block[0] = _words_after(block[0], m.end())
            name = phrase_text(block[0])
        if field in ("supplier", "buyer", "ship_to") and _CODE.fullmatch(name) and len(block) > 1 \
                and name_ok(phrase_text(block[1])):
            block = block[1:]  # "Vendor: 501636" over "S.R.ENGINEERING": the account number, then the name
            name = phrase_text(block[0])
        if field in ("supplier", "buyer") and re.fullmatch(r"[\d\s-]+", name):
            number_only = True  # vendor number only: unless another label names it, the document names no supplier
            continue
        if field in ("supplier", "buyer", "ship_to") and not name_ok(name, lines=field == "ship_to"):
            continue  # a label, a code, a web address or an address line where the name should be
        if len(block) >= 2 and field in ("supplier", "buyer", "ship_to") and _name_goes_on(name, phrase_text(block[1])):
            block = [block[0] + block[1], *block[2:]]  # "INTERNATIONAL" / "DELICACIES INC": a name wrapped in a narrow cell
            name = phrase_text(block[0])
        return Found(name, block[0], block, hint=doc.patterns(field)[pi][1])
    return Found("", [], []) if number_only else None


_CODE = re.compile(r"[A-Z]{0,3}[\d\s./-]*\d[\d\s./-]*|[A-Z]?\d{3,}[A-Z0-9-]*")  # "501636", "F00008300", "K71827"
_WEB = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+\.\w+|^\S+\.(?:com|net|org|de|co\.uk|it|fr|in)$", re.IGNORECASE)
_ADDRESS_WORDS = re.compile(r"\b(?:floor|street|road|avenue|suite|unit\s+no|p\.?\s?o\.?\s+box|postfach|strasse|straße"
                            r"|plot\s+no)\b", re.IGNORECASE)


_ABBREVIATION = re.compile(r"(?:[^\W\d_]\.){2,}[^\W\d_]?\.?")  # "A.S.A.P.": one dotted abbreviation, no name


def name_ok(name: str, *, lines: bool = False) -> bool:
    """Whether a party block's first line can be an organisation's (or person's) name: not a web or mail
    address, not an account code ("F00008300"), not a label or a label's remainder ("Company", "(Buyer)",
    "Style #", "& TAX INVOICE (GSTIN) TO:"), not a sentence fragment ("'s prior written consent"), not an
    address line ("6TH FLOOR, UNIT NO."). ``lines``: the name may run on into the address on its line
    ("REDLINE-HOU — 8300 Market Street"), as ship-to blocks print it."""
    t = name.strip()
    if len(re.findall(r"[^\W\d_]", t)) < 2 or _ABBREVIATION.fullmatch(t) or _WEB.search(t) or _CODE.fullmatch(t) or re.match(r"\d{4,}\s", t) and not lines:
        return False  # ... or a postcode and town ("22040 LURAGO D'ERBA CO")
    if t.endswith(":") or t[:1] in "&'’,;(" and not (t[:1] == "(" and ORG_HINT.search(t)) or t[:1].islower() \
            and " " in t and t.split()[0].islower() and not ORG_HINT.search(t):
        return False
    if is_label(t) or _NAME_KEY.fullmatch(t) or _KEY_ONLY.fullmatch(t) or re.fullmatch(r"[\w .]{1,20}#", t) \
            or re.fullmatch(r"[^\W\d_][\w .&/-]{0,25}\s(?:no|nr|n[°º])\.?", t, re.IGNORECASE):
        return False  # ... or a key of its own ("Ref No", "Voucher No.")
    return lines or not (_ADDRESS_WORDS.search(t) and re.search(r"\d", t) and not ORG_HINT.search(t))


_PARTY_REST = re.compile(r"(?:address|addr\.?|details|info(?:rmation)?|name|adresse|anschrift)\s*[:.]?",
                         re.IGNORECASE)
_LABEL_REST = re.compile(r"^(?:address|addr\.?|ref(?:erence)?\.?|code|details|info(?:rmation)?|tel(?:ephone)?\.?|phone"
                         r"|fax|e-?mail|no\.?|nr\.?|number|id|vat|tax|contact|account|acct\.?|gst(?:in)?|trn"
                         r"|adresse|anschrift|nummer|bank)\b", re.IGNORECASE)


_NAME_KEY = re.compile(r"(?:(?:company|firm|party|vendor|supplier|customer)\s+)?name\s*:?|company\s*:?|firma\s*:?"
                       r"|ragione\s+sociale\s*:?|raz[ãa]o\s+social\s*:?|raz[óo]n\s+social\s*:?", re.IGNORECASE)
SALUTATION = re.compile(r"(?:m/s\.?|messrs\.?|spett\.?\s?le)\s*", re.IGNORECASE)


def _prose(words: list[Word]) -> bool:
    """A sentence (five words or more, mostly lower case, or ending with a full stop): terms prose, not a name."""
    toks = [w.text for w in words]
    lower = sum(1 for t in toks if t[:1].islower())
    return len(toks) >= 5 and lower >= len(toks) / 2 or len(toks) >= 3 and toks[-1].endswith(".") and lower >= 2 \
        or len(toks) >= 9 and not any(c.isdigit() for t in toks for c in t) or bool(toks) and toks[0][:1] in ",;"


_CARD_KEY = re.compile(r"^(?P<key>[^\W\d_][^\W\d_.' /-]{0,24}?)\.?\s*(?::\s*|$)(?P<rest>.*)$")
_CARD_NAME = re.compile(r"(?:company|firm|party)(?:\s+name)?|name|firma|ragione\s+sociale|raz[ãa]o\s+social"
                        r"|raz[óo]n\s+social|empresa|nome|soci[ée]t[ée]", re.IGNORECASE)
_CARD_ADDRESS = re.compile(r"address|addr|adresse|anschrift|stra(?:ss|ß)e|endere[çc]o|indirizzo|direcci[óo]n|street|city"
                           r"|town|ort|ville|cidade|citt[àa]|ciudad|bairro|state|province|zip(?:\s+code)?|post\s?code"
                           r"|pin(?:\s?code)?|plz|cep|country|land|pays|pa[ií]s", re.IGNORECASE)


def key_value_card(doc: Doc, line: Line, k: int) -> Found | None:
    """A party card of key/value rows under its label (the From / To / Delivery Address cards side by side,
    "Company: MOGLI LABS (INDIA)" / "PRIVATE LIMITED" / "Address: 777/1 …" / "City: Bhilai - 490024"): the
    name is the Company/Name value with its wrapped rows, the address the Address/City/State/Zip values;
    phone, mail, tax-id and attention rows are left out. None when the label has no such card under it."""
    label = line.phrases[k]
    prev_x1 = line.phrases[k - 1][-1].x1 if k > 0 else 0.0
    x_from = max(prev_x1 + 3, label[0].x0 - 0.5 * (label[0].x0 - prev_x1)) if k > 0 else 0.0
    if k + 1 < len(line.phrases):  # cards side by side under their labels: each owns up to half-way to the next
        nxt_x0 = line.phrases[k + 1][0].x0
        x_to = min(nxt_x0 - 3, nxt_x0 - 0.5 * (nxt_x0 - label[-1].x1))
    else:
        x_to = doc.widths.get(line.page, 10_000)
    i = doc.position(line) + 1
    prev_bottom, h = line.bottom, line.height
    rows: list[tuple[str, list[Word], float]] = []  # (key kind, value words, value x0)
    while i < len(doc.lines) and len(rows) < 14:
        nxt = doc.lines[i]
        if nxt.page != line.page or nxt.top - prev_bottom > 2.5 * h or id(nxt) in doc.skip:
            break
        i += 1
        prev_bottom = nxt.bottom  # the row of cards goes on while any card has a line
        phs = [ph for ph in nxt.phrases if x_from <= ph[0].x0 < x_to]
        if not phs:
            continue
        words = [w for ph in phs for w in ph]
        m = _CARD_KEY.match(phrase_text(phs[0]))
        key = m.group("key").strip() if m else ""
        kind = "name" if _CARD_NAME.fullmatch(key) else "address" if _CARD_ADDRESS.fullmatch(key) else None
        if m and (kind or phrase_text(phs[0]).rstrip().endswith(":") or len(phs) > 1 and not m.group("rest")):
            value = _strip_colon(words[len(key.split()):]) if m.group("rest") or len(phs) == 1 else \
                _strip_colon([w for ph in phs[1:] for w in ph])
            rows.append((kind or "other", value, value[0].x0 if value else 0.0))
        elif rows and words and abs(words[0].x0 - rows[-1][2]) < 6:
            rows[-1] = (rows[-1][0], rows[-1][1] + [Word("\n", 0, 0, 0, 0, 0)] + words, rows[-1][2])
        else:
            break
    if not rows or rows[0][0] != "name" or not rows[0][1]:
        return None
    def split(ws: list[Word]) -> list[list[Word]]:
        out: list[list[Word]] = [[]]
        for w in ws:
            if w.text == "\n":
                out.append([])
            else:
                out[-1].append(w)
        return [o for o in out if o]
    name_rows = split(rows[0][1])
    name_words = [w for r in name_rows for w in r]
    addr: list[list[Word]] = []
    for kind, value, _x in rows[1:]:
        if kind != "address" or not value:
            continue
        for r in split(value):
            t = phrase_text(r)
            if re.search(r"[^\W\d_]{2}", t) or len(re.sub(r"\D", "", t)) >= 4:  # not a bare "22" state code
                addr.append(r)
    return Found(phrase_text(name_words), name_words, [name_words, *addr])


_ADDRESS_KEY = re.compile(r"^(?:city|town|state|province|district|zip(?:\s*code)?|pin(?:\s*code)?|post(?:al)?\s*code"
                          r"|country)\s*:\s*(?=\S)", re.IGNORECASE)
_ADDRESS_PART = re.compile(r"^(?:vill(?:age)?|post|p\.\s?o|dist(?:rict)?|tehsil|taluka|mandal)\s*[:.]\s*\S",
                           re.IGNORECASE)  # "VILL: SARAIPALI, POST: GERWANI,": address text that carries its keys
_POSTCODE_TOWN = re.compile(r"^(?:[A-Z]{1,2}-)?\d{4,5}\s+[^\W\d_]{3}|\b[A-Z]{2}\s+\d{5}(?:-\d{4})?$")
_STREET = re.compile(r"\b(?:blvd|boulevard|st|street|ave(?:nue)?|rd|road|dr(?:ive)?|lane|ln|way|hwy|highway|pkwy|parkway"
                     r"|suite|ste|floor|str|stra(?:ss|ß)e|weg|gasse|platz|allee|via|viale|rue|avenida|rua|calle)\b\.?",
                     re.IGNORECASE)


def _postcode_town(text: str) -> bool:
    """'34613 Schwalmstadt-Treysa', 'Dayton, OH 45414': the line that closes an address (not '3550 Mark
    Dabling Blvd', a street with its number first)."""
    return bool(_POSTCODE_TOWN.search(text)) and not _STREET.search(text)
_COUNTRY_LIKE = re.compile(r"[^\W\d_][^\W\d_.'-]*(?:\s+[^\W\d_][^\W\d_.'-]*){0,2}")


def _rows_above(doc: Doc, line: Line, first: list[Word], label: list[Word], x_to: float) -> list[list[Word]]:
    """The rows of a block printed above its first row: a value cell centred on its label ("Ship to:"
    beside the middle row of "UNICO GLOBAL VN CO.,LTD" / "THUONG HAMLET, TAN AN WARD, …" / "PROVINCE,
    VIETNAM"). Only when that first row is an address line (digits or commas), each row above starts in
    its column, sits tight on the next, nothing else is printed in the cell beside it, and the top row
    names an organisation."""
    t = phrase_text(first)
    if not (re.search(r"\d", t) and re.search(r"[^\W\d_]{3}", t) or t.count(",") >= 2):
        return []
    row = next((ln for ln in doc.lines if ln.page == line.page and any(w is first[0] for w in ln.words)), None)
    if row is None:
        return []
    x_lo = min(label[0].x0, first[0].x0) - 6
    out: list[list[Word]] = []
    i, below = doc.position(row) - 1, row
    while i >= 0 and len(out) < 2:
        up = doc.lines[i]
        if up.page != line.page or below.top - up.bottom > 0.6 * line.height or id(up) in doc.skip:
            break
        if any(p[-1].x1 > label[0].x0 - 6 and p[0].x0 < first[0].x0 - 6 for p in up.phrases if p is not label):
            break  # another key in the label's column ("VENDOR NAME" over "BUYER#"): another row of the form
        cell = [p for p in up.phrases if x_lo <= p[0].x0 < x_to and p is not label]
        ph = next((p for p in cell if abs(p[0].x0 - first[0].x0) <= 3), None)
        if any(p is not ph for p in cell):
            break
        if ph is None:
            below, i = up, i - 1  # the label's own row, or a row of the block beside (their lines interleave)
            continue
        text = phrase_text(ph)
        if _KEYVAL.search(text) or is_label(text) or not name_ok(text):
            break
        out.insert(0, ph)
        below, i = up, i - 1
    return out if out and ORG_HINT.search(phrase_text(out[0])) else []


def _org_below(doc: Doc, line: Line, label: list[Word], right: list[Word]) -> bool:
    """Whether an organisation's name sits under a party label while the phrase right of it, a column
    away, names none: that phrase is the label of the next cell of a boxed form (TallyPrime's
    "Consignee (Ship to)" beside "Dispatched through")."""
    if right[0].x0 - label[-1].x1 < 3 * max(w.height for w in label) or ORG_HINT.search(phrase_text(right)) \
            or re.search(r"\d", phrase_text(right)):
        return False
    below = value_below(doc, line, line.phrases.index(label))
    return bool(below) and below[0].x0 < right[0].x0 - 6 and bool(ORG_HINT.search(phrase_text(below))) \
        and name_ok(phrase_text(below))


_ENDS_IN_FORM = re.compile(r"(?:^|\s)(?:inc|llc|ltd|limited|corp|corporation|co|company|gmbh|ag|kg|sa|sas|sarl|bv|nv|plc"
                           r"|llp|srl|spa|s\.p\.a|s\.r\.l|ltda|pvt|private\s+limited)\.?$", re.IGNORECASE)


def _name_goes_on(name: str, nxt: str) -> bool:
    """Whether a party's name wraps onto the next line: the first line names no legal form, the next is a few
    words without digits that end in one ("INTERNATIONAL" / "DELICACIES INC", "MOGLI LABS (INDIA)" /
    "PRIVATE LIMITED")."""
    if name.rstrip().endswith(",") and not re.search(r"\d", nxt) and len(nxt.split()) <= 3 and "," not in nxt:
        return True  # "Horn & Bauer GmbH & Co. KG," / "Folientechnik": the name goes on after its comma
    return not _LEGAL_FORM.search(name) and not re.search(r"\d", name + nxt) and len(nxt.split()) <= 4 \
        and bool(_ENDS_IN_FORM.search(nxt.strip())) and "," not in nxt


def _strip_translation(words: list[Word]) -> list[Word]:
    """'(Ship to) AV GOMEZ MORIN 1111' → 'AV GOMEZ MORIN 1111': a bilingual form prints the label's
    translation in parentheses under the label, on the block's lines."""
    if not words or not words[0].text.startswith("("):
        return words
    for n, w in enumerate(words[:4]):
        if w.text.endswith(")"):
            if _PAREN_LABEL.match(" ".join(x.text for x in words[: n + 1])):
                return words[n + 1:]
            break
    return words


def _strip_colon(words: list[Word]) -> list[Word]:
    """': ACME LLC' (a value printed after its own colon column) → 'ACME LLC'."""
    out = list(words)
    while out and out[0].text.strip(":") == "":
        out.pop(0)
    if out and out[0].text.startswith(":"):
        w = out[0]
        out[0] = Word(w.text.lstrip(": "), w.x0, w.x1, w.top, w.bottom, w.page, w.conf)
    return out


def _centred_column(doc: Doc, line: Line, k: int, x_from: float) -> float:
    """A label centred over its block ("SELLER:" over "SDS GmbH" that starts further left): the block's
    left edge is the start of the phrase below nearest the label's centre, not left of the phrase
    before the label on its line."""
    nxt = _next_line(doc, line)
    label = line.phrases[k]
    if nxt is None or nxt.top - line.bottom > 3 * line.height:
        return x_from
    centre = (label[0].x0 + label[-1].x1) / 2
    left_bound = line.phrases[k - 1][-1].x1 + 3 if k > 0 else 0.0
    best = min(nxt.phrases, key=lambda ph: abs((ph[0].x0 + ph[-1].x1) / 2 - centre))
    if best[0].x0 - 6 < x_from and best[0].x0 >= left_bound:
        return best[0].x0 - 6
    return x_from


def _first_column(words: list[Word]) -> list[Word]:
    """The words of a block line up to the first column-wide gap: a party block printed beside
    another column (key/value boxes, a second address) must not absorb it."""
    out: list[Word] = []
    for w in sorted(words, key=lambda w: w.x0):
        if out and w.x0 - out[-1].x1 > 3.0 * max(w.height, out[-1].height):
            break
        out.append(w)
    return out


_JOB_TITLE = re.compile(r"[\s,(-]+(?:[A-Z][a-z]+\s+)?(?:buyer|manager|agent|director|officer|clerk|coordinator"
                        r"|specialist|purchaser|planner|assistant|representative)\)?\s*$", re.IGNORECASE)


def looks_like_person(name: str) -> bool:
    """A person's name ("Javier Quinonez", also "Javier Quinonez (Parts Buyer)"), not an organisation."""
    name = _JOB_TITLE.sub("", name).strip()
    if ORG_HINT.search(name) or any(c.isdigit() for c in name):
        return False
    parts = name.split()
    return 2 <= len(parts) <= 3 and all(p[:1].isupper() and p[1:2].islower() for p in parts)


_DEPARTMENT_NAME = re.compile(r"^(?:accounts?\s+payable|purchasing|procurement|receiving|finance|accounting"
                              r"|(?:[\w&]+\s+){0,2}(?:department|dept\.?))$", re.IGNORECASE)
_CAPS_NAME = re.compile(r"[A-Z][A-Z'’-]+(?:\s+[A-Z][A-Z'’-]+){1,2}")


def is_person_block(found: Found) -> bool:
    """Whether a party read after a person-or-organisation label ("Buyer:", "From:", "Comprador:") names a
    person: a name with an address under it is an organisation's block ("Wheel In Deal" over
    "44/45 Yeshwant Stadium"); else two or three words are a person's name, in title case
    ("Javier Quinonez") or in capitals as US retail and Brazilian forms print them ("ZOMORDAH PAPASTAVROU",
    "ANTONIO RICARDO CONCEICAO")."""
    lines = found.lines or []
    if _DEPARTMENT_NAME.search(found.value):
        return True  # "Accounts Payable" over a P.O. Box: an office of the buyer, not its name
    if len(lines) >= 2 and any(re.search(r"\d", phrase_text(b)) and not is_phone_line(phrase_text(b)) for b in lines[1:]):
        return False
    name = _JOB_TITLE.sub("", found.value).strip()
    if looks_like_person(found.value):
        return True
    return bool(_CAPS_NAME.fullmatch(name)) and not ORG_HINT.search(name)


def letterhead(doc: Doc, exclude: set[str]) -> Found | None:
    """The purchasing organisation from the letterhead: the largest text near the top of page 1."""
    first = [ln for ln in doc.lines if ln.page == doc.lines[0].page] if doc.lines else []
    if not first:
        return None
    page_h = max(ln.bottom for ln in first)
    cands = []
    for ln in first:
        if ln.top > 0.3 * max(page_h, 400):
            break
        for ph in ln.phrases:
            text = phrase_text(ph)
            m = _TITLE.search(text)
            if m and m.start() > 3 and len(text[:m.start()].split()) >= 2:
                # "Can Serve Oil & Gas … Manufacturing Purchase Order": the name printed before the title
                n = len(text[:m.start()].split())
                ph, text = ph[:n], phrase_text(ph[:n])
            if _TITLE.search(text) or len(text) < 3 or any(c.isdigit() for c in text) or ":" in text \
                    or title_marker(text) or _LEADER.search(text):
                continue  # a document title ("PURCHASE ORDER", "CHANGE ORDER", "CANCELLED"), not the buyer
            if text.lower() in exclude or _WEB.search(text):
                continue  # "www.green-tech.co.uk" printed over the company's name
            if not name_ok(text):
                continue  # a label ("(Payment Conditions)", "Ref No") in a form whose name is only in the logo
            size = sum(w.height for w in ph) / len(ph)
            heads = ln is first[0] and _heads_address(first, ln, ph)
            cands.append((size + (2 if ORG_HINT.search(text) or heads else 0), -ln.top, text, ph))
    heights = sorted(w.height for ln in first for w in ln.words)
    body = heights[len(heights) // 2]
    # in a form printed in one type size the largest text is any label or the addressee ("IDR", "CONTROL DE
    # PROCESOS Y APLICACIONES" in the To box): a name there names a legal form or heads the page (a spool
    # file's centred "MIDWEST FOODS DISTRIBUTION")
    top = first[0].top
    cands = [c for c in cands if c[0] >= 1.15 * body or ORG_HINT.search(c[2]) or -c[1] <= top + 1]
    if not cands:
        return None
    cands.sort(key=lambda c: (c[0], c[1]), reverse=True)
    _, _, text, ph = cands[0]
    form = _legal_form_below(first, ph)
    if form:
        return Found(f"{text} {phrase_text(form)}", ph + form)
    return Found(text, ph)


def _heads_address(lines: list[Line], line: Line, ph: list[Word]) -> bool:
    """Whether a phrase opening the page is the first row of its own address block (the next row starts
    under it and holds a number): the sender's name over its street, a letterhead however plain its type."""
    i = lines.index(line)
    if i + 1 >= len(lines) or lines[i + 1].top - line.bottom > line.height:
        return False
    nxt = next((q for q in lines[i + 1].phrases if abs(q[0].x0 - ph[0].x0) < 3), None)
    return nxt is not None and bool(re.search(r"\d", phrase_text(nxt)))


_FORM_ONLY = re.compile(r"^(?:incorporated|inc\.?|limited|ltd\.?|llc|corp(?:oration)?\.?|gmbh|ag|s\.?a\.?|plc)$", re.IGNORECASE)


def _legal_form_below(lines: list[Line], ph: list[Word]) -> list[Word] | None:
    """'PHILIP MORRIS' over a centred 'INCORPORATED': the legal form printed under a letterhead name."""
    x0, x1, bottom = ph[0].x0, ph[-1].x1, max(w.bottom for w in ph)
    h = max(w.height for w in ph)
    for ln in lines:
        if ln.top <= bottom - 1 or ln.top - bottom > 1.5 * h:
            continue
        for cand in ln.phrases:
            if _FORM_ONLY.match(phrase_text(cand)) and x0 - 5 <= cand[0].x0 and cand[-1].x1 <= x1 + 5:
                return cand
    return None


_PHONE_LINE = re.compile(r"^(?:(?:tel|phone|fax|mobile|t|p|f)\b\.?(?:\s*(?:no|nr|number)\b\.?)?\s*[.:]?[\s:-]*)?"
                         r"\+?[\d\s().\-/]{7,}$", re.IGNORECASE)  # also "Tel No.:06761-264191-95"


_ATTN = re.compile(r"^(?:attn|attention|z\.?\s?hd\.?|c/o)\b", re.IGNORECASE)  # an addressee line inside a block


def is_phone_line(text: str) -> bool:
    """'+32 10 588 558', 'Tel: (555) 123-4567': a contact line inside an address block, not the address."""
    return bool(_PHONE_LINE.match(text.strip())) and sum(c.isdigit() for c in text) >= 7


def address_blocks(doc: Doc, *, top_share: float = 0.45) -> list[Found]:
    """Unlabelled name-and-address blocks in the upper part of page 1 (a letterhead's sender block, the
    customer's window address): two to eight left-aligned lines under a name, one holding a digit
    (street, postcode). Returned top to bottom."""
    first = [ln for ln in doc.lines if doc.lines and ln.page == doc.lines[0].page and id(ln) not in doc.skip]
    if not first:
        return []
    page_h = max(max(ln.bottom for ln in first), 400)
    used: set[int] = set()
    out: list[Found] = []
    for i, ln in enumerate(first):
        if ln.top > top_share * page_h:
            break
        for ph in ln.phrases:
            if id(ph[0]) in used:
                continue
            text = phrase_text(ph)
            if ":" in text or _TITLE.search(text) or not re.search(r"[A-Za-z]{2}", text) \
                    or sum(c.isdigit() for c in text) > 2 or len(text) > 60 or title_marker(text):
                continue
            block = [ph]
            for nxt in first[i + 1:]:
                last = block[-1]
                if nxt.top - max(w.bottom for w in last) > 1.9 * max(w.height for w in last):
                    break
                below = [q for q in nxt.phrases if abs(q[0].x0 - ph[0].x0) <= 4]
                if not below:
                    if any(q[0].x0 < ph[0].x0 - 4 < q[-1].x1 for q in nxt.phrases):
                        break  # a wider line runs through the block's column
                    continue
                q = below[0]
                qt = phrase_text(q)
                if qt.rstrip().endswith(":") or _KEYVAL.search(qt) and not is_phone_line(qt) and not _ATTN.match(qt) \
                        or re.match(r"[A-Za-z][\w .]{0,20}#\s*\S", qt) \
                        or max(w.height for w in q) > 1.5 * max(w.height for w in ph):
                    break
                block.append(q)
                if len(block) >= 8:
                    break
            lines = [b for b in block if not is_phone_line(phrase_text(b)) and not _ATTN.match(phrase_text(b))]
            if len(lines) >= 2 and any(re.search(r"\d", phrase_text(b)) for b in lines[1:]) \
                    and name_ok(phrase_text(lines[0])) and not any(is_label(phrase_text(b)) for b in lines[1:]):
                # not a label over its value ("Voucher No." / "1", "Start Ship" / "Date" / "9/3/2024")
                used.update(id(b[0]) for b in block)
                out.append(Found(phrase_text(lines[0]), lines[0], lines))
    out.sort(key=lambda f: min(w.top for w in f.words))
    return out


def sentence_block(doc: Doc, found: Found) -> Found | None:
    """A value printed as sentences under its own ``Label:`` ("TERMS:" over "Your bank acct. will be
    debited on / Discount allowance is 3.65% / …"): the left-aligned lines that go on until one ends
    with a full stop. None when the value is a short phrase or sits beside its label."""
    label = found.label or ""
    if not found.words or not label.rstrip().endswith(":"):
        return None
    w0 = found.words[0]
    line = next((ln for ln in doc.lines if any(w is w0 for w in ln.words)), None)
    if line is None or label in line.text:
        return None
    x0 = w0.x0
    first = _first_column([w for w in line.words if w.x0 >= x0 - 2])
    text = phrase_text(first)
    if len(text.split()) < 3 or not re.search(r"[a-z]{3}", text):
        return None
    block = [first]
    i = doc.position(line) + 1
    while i < len(doc.lines) and len(block) < 5 and not phrase_text(block[-1]).rstrip().endswith("."):
        nxt = doc.lines[i]
        last = block[-1]
        if nxt.page != line.page or nxt.top - max(w.bottom for w in last) > 1.9 * max(w.height for w in last):
            break
        ws = _first_column([w for w in nxt.words if w.x0 >= x0 - 6])
        t = phrase_text(ws)
        if not ws or abs(ws[0].x0 - x0) > 6 or ":" in t or not re.search(r"[a-z]{2}", t):
            break
        block.append(ws)
        i += 1
    words = [w for b in block for w in b]
    return Found(" ".join(phrase_text(b) for b in block), words, block, hint=found.hint, label=found.label)


def boxed_date(doc: Doc, field: str) -> Found | None:
    """A date printed in three boxes under its label ("DATE OF DOCUMENT" over "1 | 2 | 02"): the day,
    month and year are separate words with the box rules between them. Returns "1/2/02"-style text."""
    for _pi, line, k, same in label_hits(doc, field):
        if same:
            continue
        nxt = _next_line(doc, line)
        if nxt is None or nxt.top - line.bottom > 2.5 * line.height:
            continue
        label = line.phrases[k]
        ws = [w for w in nxt.words if label[0].x0 - 15 <= w.xc <= label[-1].x1 + 15 and w.text.strip("|")]
        parts = [w.text.strip("|") for w in ws]
        if len(parts) == 3 and all(p.isdigit() for p in parts) and len(parts[0]) <= 2 and len(parts[1]) <= 2 \
                and len(parts[2]) in (2, 4):
            return Found("/".join(parts), ws, label=phrase_text(label))
    return None


_FOOTER_SPLIT = re.compile(r"\s+[·•|–]\s+|\s*[·•|]\s*|,\s+(?=\D)")


_ON_BEHALF = re.compile(r"^(?:for\s+and\s+on\s+behalf\s+of|on\s+behalf\s+of|for)\s+", re.IGNORECASE)


def footer_org(doc: Doc, *, share: float = 0.82) -> Found | None:
    """The issuer's legal name from the foot of page 1 ("Feldmann Verpackungen Vertriebs-GmbH & Co. KG ·
    Meteorstraße 10-18 · …", "Etimark AG"): letters print their company name, seat and register there.
    The first segment of a footer line that carries a legal form and no digits."""
    if not doc.lines:
        return None
    first = doc.lines[0].page
    lines = [ln for ln in doc.lines if ln.page == first]
    page_h = max(max(ln.bottom for ln in lines), 400)
    for ln in lines:
        if ln.top < share * page_h:
            continue
        for ph in ln.phrases:
            text = phrase_text(ph)
            seg = _FOOTER_SPLIT.split(text)[0].strip(" ,")
            signed = _ON_BEHALF.match(seg)
            if signed:  # "FOR UELLOW W.L.L" over the signature: the company, not "FOR"
                ph, seg = ph[len(signed.group(0).split()):], seg[signed.end():]
            if not seg or not ph or _ABBREVIATION.fullmatch(seg) or any(c.isdigit() for c in seg) or ":" in seg or "@" in seg or len(seg) > 70 \
                    or len(seg.split()) > 8 or _TITLE.search(seg) or not _LEGAL_FORM.search(seg):
                continue
            n = len(seg.split())
            return Found(seg, ph[:n] if n <= len(ph) else ph)
    return None


_LEGAL_FORM = re.compile(r"\b(?:inc|llc|ltd|limited|corp|corporation|gmbh|ag|kg|se|sa|sas|sarl|s\.a|bv|b\.v|nv|plc|pvt"
                         r"|llp|srl|s\.r\.l|s\.p\.a|spa|ltda|sp\.\s?z\s?o\.\s?o|s\.r\.o|a/s|oy|ab|w\.?l\.?l|l\.l\.c|k\.s\.c)\b\.?",
                         re.IGNORECASE)  # Gulf forms too: "Uellow W.L.L", "… L.L.C", "… K.S.C"


def same_org(a: str, b: str) -> bool:
    """Whether two printed names are one organisation ("ETIMARK AG" / "Etimark AG", "Amcor Flexibles" /
    "Amcor Flexibles Rorschach AG, Goldach"): their first significant word is the same."""
    def key(t: str) -> str:
        ws = [w for w in re.findall(r"[^\W\d_]{3,}", t.lower()) if not _LEGAL_FORM.fullmatch(w)]
        return ws[0] if ws else ""
    return bool(key(a)) and key(a) == key(b)


_CLOSING = re.compile(r"^(?:mit\s+freundlichen\s+gr[üu](?:ß|ss)en|freundliche\s+gr[üu](?:ß|ss)e|best\s+regards|kind\s+regards"
                      r"|yours\s+(?:sincerely|faithfully|truly)|sincerely|regards|cordiali\s+saluti|distinti\s+saluti"
                      r"|cordialement|salutations|atenciosamente|saludos|atentamente|z\s+powa[żz]aniem)\b[,.]?", re.IGNORECASE)


def signature_org(doc: Doc) -> Found | None:
    """The organisation signing under the closing ("Mit freundlichen Grüßen" / "CARINI GmbH"): the issuer."""
    for i, ln in enumerate(doc.lines):
        if id(ln) in doc.skip or not _CLOSING.match(ln.text.strip()):
            continue
        for nxt in doc.lines[i + 1:i + 4]:
            if nxt.page != ln.page:
                break
            ph = nxt.phrases[0]
            text = phrase_text(ph)
            if _LEGAL_FORM.search(text) and len(text.split()) <= 8 and not any(c.isdigit() for c in text):
                return Found(text, ph)
    return None


_INLINE_PAIR = re.compile(r"^(?P<l1>[^\W\d][\w .#°º]*?)\s*/\s*(?P<l2>[^\W\d][\w .]*?)\s*:?\s+(?P<v1>\S+)\s+/\s+(?P<v2>\S+)$")


def combined_inline(doc: Doc, field: str) -> Found | None:
    """'PO Number / Date 4517145590 / 12.05.2026': a combined label followed by its two values on one
    phrase; the value in the position of the label part naming ``field``."""
    for line in doc.lines:
        if id(line) in doc.skip:
            continue
        for ph in line.phrases:
            m = _INLINE_PAIR.match(phrase_text(ph))
            if not m:
                continue
            head = " ".join(m.group("l1").split()[:-1])
            for part, val, cands in (("l1", "v1", [m.group("l1")]),
                                     ("l2", "v2", [m.group("l2"), f"{head} {m.group('l2')}".strip()])):
                if any((hit := _match_label(p, c, anywhere=False)) is not None and not hit[1]
                       for p in _PATTERNS[field] for c in cands):
                    words = [w for w in ph if w.text == m.group(val)]
                    return Found(m.group(val), words or ph, label=m.group(part))
    return None


_RETURN_SPLIT = re.compile(r"\s+(?:[-–·•|]|/{1,2})\s+|,\s+|\s*//\s*")


def return_address(doc: Doc) -> tuple[Found | None, Found] | None:
    """A letter's return-address line over its window address (DIN 5008: "TKM Meyer GmbH - Postfach 12 53 -
    22934 Bargteheide" in small print over "SDS GmbH" / "Kruppstraße 122" / "60388 Frankfurt am Main"):
    the sender issued the order, the window block is the addressee, the supplier. Returns (the sender's
    name when its first segment names a legal form, else None; the window block), or None."""
    if not doc.lines:
        return None
    first = doc.lines[0].page
    lines = [ln for ln in doc.lines if ln.page == first and id(ln) not in doc.skip]
    page_h = max(max(ln.bottom for ln in lines), 400)
    for n, ln in enumerate(lines):
        if ln.top > 0.45 * page_h:
            break
        ph = ln.phrases[0]
        text = phrase_text(ph)
        if len(ln.phrases) > 1 and not re.search(r"\d", text):  # "Schur Star Systems GmbH   Postfach 28 36, …"
            text += ", " + phrase_text(ln.phrases[1])
        segs = [s.strip(" ,") for s in _RETURN_SPLIT.split(text) if s.strip(" ,")]
        if len(segs) < 2 or not (_LEGAL_FORM.search(text) or len(segs) >= 3) \
                or not re.search(r"(?:[A-Z]{1,2}-)?\b\d{4,5}\s+[^\W\d_]{3}|postfach|p\.?\s?o\.?\s+box", text, re.IGNORECASE):
            continue
        x0 = ph[0].x0
        block: list[list[Word]] = []
        prev = ln
        for nxt in lines[n + 1:n + 10]:
            if nxt.top - prev.bottom > 2.2 * max(prev.height, 6) and block:
                break
            q = next((p for p in nxt.phrases if abs(p[0].x0 - x0) <= 10), None)
            if q is None:
                if block and any(p[0].x0 < x0 + 40 for p in nxt.phrases):
                    break
                continue
            qt = phrase_text(q)
            if qt.rstrip().endswith(":") or _KEYVAL.search(qt) and not is_phone_line(qt) or is_label(qt):
                break
            block.append(q)
            prev = nxt
        block = [b for b in block if not _ATTN.match(phrase_text(b))]
        if len(block) < 2 or not any(_postcode_town(phrase_text(b)) for b in block[1:]) \
                or not name_ok(phrase_text(block[0])) or "/" in phrase_text(block[0]):
            continue
        window = Found(phrase_text(block[0]), block[0], block)
        seg = segs[0]
        if not _LEGAL_FORM.search(seg) or any(c.isdigit() for c in seg) or same_org(seg, window.value):
            return None, window
        n_words = len(seg.split())
        words = [w for p in ln.phrases for w in p][:n_words]
        return Found(seg, words), window
    return None
