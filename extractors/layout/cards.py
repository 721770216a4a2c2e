"""Items printed as key/value cards instead of a table (combit List & Label, Access reports, scanned forms).

    Artikelnummer         9777          Ihre-Nr          Lieferdatum: 26.09.2025
    Bezeichnung           3M SPLICETAPE BLUE, Art. 3M 9353, ...
                          KARTON ZU 8 STK.
    Menge / Preis in EUR  16 Stk        42.73 per 1 Stk

A card is a run of lines whose left phrase is a column label (the table lexicon's), values to its right;
the label that opens the first card opens every card. "Menge / Preis" names two cells, read in order.
Used only when no item table was found.
"""

from __future__ import annotations

import re

from orderflow.extractors.layout.lines import Line, Word, phrase_text

_IDENT_ROLES = {"customer_part", "sku", "description", "line_no", "gtin"}
_PER = re.compile(r"^(?:per|pro|je|/)$", re.IGNORECASE)
_POS = re.compile(r"^\d{1,5}\.?$")



def _label_roles(text: str) -> list[str]:
    """The roles a left-hand label names, in order ("Menge / Preis in EUR" → qty, unit_price)."""
    from orderflow.extractors.layout.table import _ROLE_RE, _YOUR_CODE  # noqa: PLC0415  (table imports this module)

    if _YOUR_CODE.search(text):
        return ["sku"]  # "Ihre Materialnr.:" on the buyer's card: the supplier's own number
    out: list[str] = []
    for part in re.split(r"\s+/\s+|\s*&\s*", text.strip().rstrip(":")):
        p = re.sub(r"\s+in\s+[a-z]{3}$|\s*\([a-z]{3}\)$", "", part.lower().strip())  # "Preis in EUR"
        if not p or len(p.split()) > 4:
            return []
        role = next((r for r, rx in _ROLE_RE if rx.search(p)), None)
        if role == "item_code":
            role = "customer_part"
        if role is None or role in ("date", "price_basis", "breakup"):
            return out if out else []
        out.append(role)
    return out


def read_cards(pages: list[list[Line]]) -> list[tuple[Line, dict[str, list[Word]], list[Line]]]:
    """(first line, cells by role, the card's lines) per card, in page order; [] when the pages hold none."""
    labelled: list[tuple[Line, list[str], list[list[Word]]]] = []
    label_x: dict[int, float] = {}  # id(line) → x of its label
    lead: dict[int, list[Word]] = {}  # id(line) → the position number printed left of its card's first label
    for lines in pages:
        for ln in lines:
            phs = ln.phrases
            if len(phs) >= 3 and _POS.match(phrase_text(phs[0])) and _label_roles(phrase_text(phs[1])):
                lead[id(ln)] = phs[0]  # "10  Material: 753152": position 10's card
                phs = phs[1:]
            if len(phs) < 2:
                continue
            roles = _label_roles(phrase_text(phs[0]))
            if roles:
                labelled.append((ln, roles, phs[1:]))
                label_x[id(ln)] = phs[0][0].x0
    if not labelled:
        return []
    opener = labelled[0][1]
    if not set(opener) & _IDENT_ROLES:
        return []  # a card opens with the item's identity ("Artikelnummer"), not a total ("Gesamtbetrag")
    x0 = label_x[id(labelled[0][0])]
    starts = [k for k, (ln, roles, _) in enumerate(labelled)
              if roles == opener and abs(label_x[id(ln)] - x0) < 4]
    cards = []
    for n, k in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(labelled)
        first = labelled[k][0]
        members = [e for e in labelled[k:end] if e[0].page == first.page and abs(label_x[id(e[0])] - x0) < 4]
        cells: dict[str, list[Word]] = {}
        used: list[Line] = []
        for ln, roles, values in members:
            used.append(ln)
            if len(roles) == 1:
                cells.setdefault(roles[0], []).extend(values[0])
            else:
                for role, ph in zip(roles, values, strict=False):
                    cells.setdefault(role, []).extend(ph)
        if id(first) in lead:
            cells.setdefault("line_no", lead[id(first)])
        if not cells.get("qty") or not any(cells.get(r) for r in _IDENT_ROLES):
            continue  # an item card names the item and its quantity
        price = cells.get("unit_price")
        if price:  # "42.73 per 1 Stk": the price, then its basis
            cut = next((i for i, w in enumerate(price) if _PER.match(w.text)), None)
            if cut is not None:
                basis = price[cut + 1:cut + 2]
                cells["unit_price"] = price[:cut]
                if basis and basis[0].text not in ("1", "1.0", "1,0"):
                    cells["price_basis"] = basis
        cards.append((first, cells, used))
    return cards


def wrapped_text(card_lines: list[Line], all_lines: list[Line], cells: dict[str, list[Word]]) -> list[Line]:
    """Lines without a label right under the description label's line, starting in its value's column: the
    description's wrapped rows."""
    desc = cells.get("description")
    out: list[Line] = []
    anchor: Line | None
    if not desc:
        # no description label: the unlabelled lines under the card's last label, starting in the labels'
        # column ("Menge: 10 ST" over "End Seal Square / Vierkantdichtung …") are its text
        anchor = card_lines[-1]
        label = [w for w in anchor.words if re.search(r":$", w.text)]
        x = min(w.x0 for w in card_lines[-1].phrases[0]) if not label else \
            next(w.x0 for w in anchor.words if w.x0 <= label[0].x0 and not _POS.match(w.text))
    else:
        x = desc[0].x0
        anchor = next((ln for ln in card_lines if any(w is desc[0] for w in ln.words)), None)
    if anchor is None:
        return out
    i = all_lines.index(anchor) + 1 if anchor in all_lines else len(all_lines)
    prev = anchor
    while i < len(all_lines):
        ln = all_lines[i]
        if ln.page != prev.page or ln in card_lines or abs(ln.words[0].x0 - x) > 4 \
                or ln.top - prev.bottom > (0.8 if desc else 1.2) * ln.height or (not desc and _label_roles(phrase_text(ln.phrases[0]))):
            break
        out.append(ln)
        prev = ln
        i += 1
    return out
