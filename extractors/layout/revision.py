"""Revision and change markers of a PO document, read from plain text (shared by PDF and spreadsheet).

A revised PO looks like the original with a different title ("REVISED PURCHASE ORDER", "Purchase Order
Change", "Änderung", "Modification") and/or a revision number ("Revision: 2", "Rev. 1", "Amendment No. 3").
A cancellation says so in its title ("CANCELLED", "Purchase Order Cancellation"). Reading these makes the
pipeline version the order instead of calling it a duplicate PO.

Only short, title-like phrases count: "Modification of this order requires consent" or "Order
Cancellation Policy" are text, not titles, and "Rev. 03/2019" is a form's print revision, not the order's.
Callers limit the search to the header area (not line tables, not page footers).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_PO = r"(?:purchase\s+order|p\.?\s?o\.?|order|bestellung|commande|bon\s+de\s+commande|pedido|orden\s+de\s+compra" \
      r"|(?:inkoop)?order|bestelling)"
_CHANGE_TITLES = [
    rf"(?:revised|amended|changed|modified|updated)\s+{_PO}",
    rf"{_PO}\s+(?:change|revision|amendment|modification)(?:\s+(?:notice|request|order))?",
    r"change\s+order",
    r"(?:bestell(?:ungs)?|auftrags)[äa]nderung|[äa]nderung(?:\s+(?:der|zur))?\s+bestellung|[äa]nderungsbestellung"
    r"|ge[äa]nderte\s+bestellung|[äa]nderung",
    r"modification(?:\s+de\s+(?:la\s+)?(?:commande|bon\s+de\s+commande))?|(?:bon\s+de\s+)?commande\s+modifi[ée]e?"
    r"|avenant(?:\s+[àa]\s+la\s+commande)?",
    r"modificaci[oó]n(?:\s+(?:de(?:l)?\s+)?(?:pedido|orden\s+de\s+compra))?|(?:pedido|orden\s+de\s+compra)\s+modificad[oa]",
    r"wijziging(?:\s+(?:van\s+)?(?:de\s+)?(?:inkoop)?(?:order|bestelling))?|(?:inkoop)?orderwijziging"
    r"|gewijzigde\s+(?:inkoop)?(?:order|bestelling)",
]
_CANCEL_TITLES = [
    rf"{_PO}\s+cancell?ation|cancell?ation(?:\s+(?:of\s+)?{_PO})?|cancell?ed(?:\s+{_PO})?|{_PO}\s+cancell?ed",
    r"stornierung|storno|stornierte\s+bestellung|bestellung\s+storniert",
    r"annulation(?:\s+de\s+(?:la\s+)?commande)?|commande\s+annul[ée]e",
    r"anulaci[oó]n(?:\s+del?\s+pedido)?|pedido\s+(?:anulado|cancelado)",
    r"(?:order)?annulering|geannuleerde?\s+(?:order|bestelling)|geannuleerd",
]
# A title may be followed only by its number or a revision label, never by more words ("Modification of
# this order…") nor by a colon (then it is a label: "Cancellation: 30 days notice").
_AFTER_TITLE = r"(?=\s*$|\s*[-–#(|/]|\s+(?:no\b|nr\b|n[°º]|\d|rev|revisi|amendment|[äa]nderung|modif|wijzig))"
_CHANGE = re.compile(r"^(?:" + "|".join(_CHANGE_TITLES) + r")" + _AFTER_TITLE, re.IGNORECASE)
_CANCEL = re.compile(r"^(?:" + "|".join(_CANCEL_TITLES) + r")" + _AFTER_TITLE, re.IGNORECASE)
_TITLE_NUMBER = re.compile(r"^\s*[-–#(]*\s*(?:no\.?|nr\.?|n[°º]\.?|#)?\s*[:#]?\s*(\d{1,3})\)?\s*$", re.IGNORECASE)

# "Revision: 2", "Rev. 1", "Rev No 3", "Rev#4", "Revisión 2", "Revisie 2" (the number may stand alone).
_REV_WORD = r"(?:revision|revisi[oó]n|r[ée]vision|revisie|rev)"
# "Amendment No. 3", "Change No. 2", "Änderung Nr. 2", "Modification n° 2", "Wijziging nr 2" (a number mark needed).
_MARKED_WORD = r"(?:amendment|change|[äa]nderung|modification|modificaci[oó]n|wijziging|avenant)"
_MARK = r"(?:no|nr|number|num|nummer|n[°º]|#)"
_NUM = r"(?P<n>\d{1,3})(?![\d/\-:]|[.,]\d)"
_LEFT = r"(?:^|(?<=[\s(,;|]))"
_REV_NUMBER = re.compile(
    rf"{_LEFT}(?:{_REV_WORD}(?:[\s.-]*{_MARK})?|{_MARKED_WORD}s?[\s.-]*{_MARK}|{_MARKED_WORD}snummer"
    rf"|[äa]nderungs-?nr)\.?\s*[:#]?\s*{_NUM}",
    re.IGNORECASE,
)
_REV_LABEL = re.compile(
    rf"^\s*(?:{_REV_WORD}(?:[\s.-]*{_MARK})?|{_MARKED_WORD}s?[\s.-]*{_MARK}|{_MARKED_WORD}snummer|[äa]nderungs-?nr"
    rf"|revision\s+number|rev(?:ision)?\s+level)\.?\s*[:#]?\s*$",
    re.IGNORECASE,
)
_FORM = re.compile(r"\b(?:form|formular|formulaire|formulario|formulier|template|page)\b", re.IGNORECASE)
_SEGMENTS = re.compile(r"\s+[—–|]\s+|\s+-\s+")


@dataclass(frozen=True)
class Marker:
    """What one phrase says: a revision number and/or a purpose ("change" or "cancel")."""

    revision: int | None = None
    purpose: str | None = None
    raw: str = ""


def title_marker(text: str) -> Marker | None:
    """A change or cancellation title ("REVISED PURCHASE ORDER", "ACME — Purchase Order Change #2",
    "CANCELLED"), with the number it carries, if any; None for anything else."""
    text = " ".join(text.split())
    if not text or len(text) > 80:
        return None
    for seg in [text, *_SEGMENTS.split(text)]:
        seg = seg.strip()
        for rx, purpose in ((_CANCEL, "cancel"), (_CHANGE, "change")):
            m = rx.match(seg)
            if m is None:
                continue
            rest = seg[m.end():]
            num = _TITLE_NUMBER.match(rest)
            rev = revision_number(rest)
            return Marker(int(num.group(1)) if num else rev, purpose, text)
    return None


def revision_number(text: str) -> int | None:
    """The revision number a phrase states ("Revision: 2", "PO 5531 Rev 1", "Amendment No. 3"), else None."""
    text = " ".join(text.split())
    m = _REV_NUMBER.search(text)
    if m is None or _FORM.search(text[:m.start()]):
        return None  # "Form F-100 Rev. 3": the printed form's revision, not the order's
    return int(m.group("n"))


def is_revision_label(text: str) -> bool:
    """A revision label standing alone ("Revision:", "Rev No.", "Änderungsnummer"): its value is beside it."""
    return bool(_REV_LABEL.match(" ".join(text.split())))


def parse_revision_value(text: str) -> int | None:
    """The value of a revision field: a small whole number ("2", "02", "2.0" from a spreadsheet cell)."""
    m = re.fullmatch(r"\s*(\d{1,3})(?:\.0+)?\s*", str(text))
    return int(m.group(1)) if m else None


def marker(text: str) -> Marker | None:
    """A title or a revision number in one phrase of text."""
    title = title_marker(text)
    if title is not None:
        return title
    rev = revision_number(text)
    return Marker(rev, None, " ".join(text.split())) if rev is not None else None


def combine(markers: list[Marker]) -> Marker | None:
    """One verdict from the document's markers: cancel beats change; the highest stated revision wins;
    a revision above 0 alone makes it a change."""
    if not markers:
        return None
    revs = [m.revision for m in markers if m.revision is not None]
    revision = max(revs) if revs else None
    purposes = {m.purpose for m in markers if m.purpose}
    purpose = "cancel" if "cancel" in purposes else "change" if "change" in purposes or (revision or 0) > 0 else None
    raw = "; ".join(dict.fromkeys(m.raw for m in markers))
    return Marker(revision, purpose, raw)


__all__ = ["Marker", "combine", "is_revision_label", "marker", "parse_revision_value", "revision_number",
           "title_marker"]
