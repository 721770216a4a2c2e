"""Caps on one PDF page before pdfminer lays it out: inflated content bytes and characters shown.

pdfminer inflates a content stream in one ``zlib.decompress`` (a 1 MB stream can be 1 GiB) and
builds an object of about 4 KB for every character it lays out (300,000 words take the process
down). So each page's content streams are inflated here first, in chunks against the
``inflated`` cap, and the characters their text operators show are counted against the
``characters`` cap; only a page inside both is handed to pdfplumber, with the inflated bytes
kept on the stream so pdfminer does not inflate them again.
"""

from __future__ import annotations

import re
import zlib
from typing import Any

from orderflow.extractors import limits

_CHUNK = 1 << 20
# Literal strings "(...)" (escapes and one level of balanced parentheses) and hex strings "<...>".
_LITERAL = re.compile(rb"\((?:[^()\\]|\\.|\((?:[^()\\]|\\.)*\))*\)", re.S)
_HEX = re.compile(rb"<([0-9A-Fa-f\s]*)>")


def _inflate(raw: bytes, budget: int, where: str) -> bytes | None:
    """``raw`` inflated, at most ``budget`` bytes (else the cap's PARSE_ERROR); None if not valid zlib."""
    d = zlib.decompressobj()
    out: list[bytes] = []
    size = 0
    data = raw
    try:
        while True:
            piece = d.decompress(data, _CHUNK)
            size += len(piece)
            if size > budget:
                raise limits.over_cap("inflated", where)
            out.append(piece)
            data = d.unconsumed_tail
            if not data:
                break
        tail = d.flush()
    except zlib.error:
        return None
    size += len(tail)
    if size > budget:
        raise limits.over_cap("inflated", where)
    out.append(tail)
    return b"".join(out)


def shown_characters(content: bytes) -> int:
    """How many characters the page's text operators can show at most: bytes in its strings."""
    n = sum(len(m) - 2 for m in _LITERAL.findall(content))
    n += sum(len(h) // 2 for h in _HEX.findall(content.replace(b"<<", b"").replace(b">>", b"")))
    return n


def _streams(page_obj: Any) -> list[Any]:
    from pdfminer.pdftypes import PDFStream, resolve1  # noqa: PLC0415 - only when a PDF arrives

    out = []
    try:
        for item in page_obj.contents or []:
            stream = resolve1(item)
            if isinstance(stream, PDFStream):
                out.append(stream)
    except Exception:  # a broken reference: the page reader reports the page as unreadable
        return out
    return out


def check_page(page: Any, number: int) -> None:
    """Refuse page ``number`` (a pdfplumber page) over the ``inflated`` or ``characters`` cap."""
    from pdfminer.pdftypes import LITERALS_FLATE_DECODE  # noqa: PLC0415

    where = f"Page {number} of the PDF"
    try:
        streams = _streams(page.page_obj)
    except Exception:  # no page object at all: the page reader reports it
        return
    budget = limits.cap("inflated")
    chars = 0
    for stream in streams:
        data = stream.data
        if data is None:
            filters = stream.get_filters()
            plain_flate = (len(filters) == 1 and filters[0][0] in LITERALS_FLATE_DECODE and not filters[0][1]
                           and not stream.decipher and stream.rawdata is not None)
            if plain_flate:
                data = _inflate(stream.rawdata, budget, where)
                if data is not None:  # keep it: pdfminer reads .data and does not inflate again
                    stream.data, stream.rawdata = data, None
            if data is None:
                try:  # other filters (rarely used for content): decoded by pdfminer
                    data = stream.get_data()
                except Exception:  # a damaged stream is the page reader's to report, as before
                    continue
        budget -= len(data)
        if budget < 0:
            raise limits.over_cap("inflated", where)
        chars += shown_characters(data)
        if chars > limits.cap("characters"):
            raise limits.over_cap("characters", where, chars)
