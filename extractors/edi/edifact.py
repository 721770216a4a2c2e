"""Tolerant EDIFACT tokenizer and envelope checker.

UNA or default separators, release character, syntax-4 repetition separator, UNG/UNE groups,
files without UNB/UNZ, and the character set named by the UNB syntax identifier. Release
sequences are swapped for private-use placeholders first so that splitting stays plain
``str.split`` (fast) and the escaped characters come back afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import compress, count
from typing import Any

from orderflow.canonical import Diagnostic
from orderflow.extractors.edi.common import TAG as _TAG
from orderflow.extractors.edi.common import diag, flag, split_segments, to_int, utf8_or_latin1

# UNB S001 syntax identifier → Python codec
CHARSETS = {
    "UNOA": "ascii",
    "UNOB": "ascii",
    "UNOC": "iso-8859-1",
    "UNOD": "iso-8859-2",
    "UNOE": "iso-8859-5",
    "UNOF": "iso-8859-7",
    "UNOG": "iso-8859-3",
    "UNOH": "iso-8859-4",
    "UNOI": "iso-8859-6",
    "UNOJ": "iso-8859-8",
    "UNOK": "iso-8859-9",
    "UNOL": "iso-8859-15",
    "UNOW": "utf-8",
    "UNOX": "iso2022_jp",
    "UNOY": "utf-8",
    "KECA": "euc-kr",
}
_PLACE = "\ue000\ue001\ue002\ue003\ue004\ue005"
_ENVELOPE_TAGS = frozenset(("UNB", "UNG", "UNH", "UNT", "UNE", "UNZ"))

# CONTRL syntax error codes (0085)
MISSING = "13"
REFERENCE_MISMATCH = "28"
COUNT_MISMATCH = "29"
DUPLICATE = "26"
CHARSET_NOT_SUPPORTED = "25"


@dataclass
class Separators:
    component: str = ":"
    element: str = "+"
    decimal: str = "."
    release: str = "?"
    repetition: str = "*"
    segment: str = "'"

    def as_dict(self) -> dict[str, str]:
        return dict(self.__dict__)


@dataclass
class Segments:
    """``items[i]`` is the element list (tag first, each element a raw string with placeholders restored
    only by ``comps``/``val``), ``raws[i]`` the segment text."""

    items: list[list[str]] = field(default_factory=list)
    raws: list[str] = field(default_factory=list)
    seps: Separators = field(default_factory=Separators)
    charset: str | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    restore: dict[int, str] = field(default_factory=dict)  # str.translate table placeholders → chars


def _strip_head(data: bytes) -> bytes:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    return data.lstrip(b" \t\r\n\x00")


def decode(data: bytes) -> tuple[str, str | None, list[Diagnostic]]:
    """Text in the character set the UNB names (UNOA…UNOY); UTF-8 BOM wins; latin-1 as last resort."""
    diags: list[Diagnostic] = []
    bom = data.startswith(b"\xef\xbb\xbf")
    data = _strip_head(data)
    probe = data[:600].decode("latin-1")
    charset = None
    i = probe.find("UNB")
    if i >= 0 and i + 8 <= len(probe):
        charset = probe[i + 4 : i + 8].upper()
    codec = "utf-8" if bom else CHARSETS.get(charset or "")
    if codec:
        try:
            return data.decode(codec), charset, diags
        except (UnicodeDecodeError, LookupError):
            diags.append(
                Diagnostic(
                    code="CHARSET",
                    level="warning",
                    syntax_code=CHARSET_NOT_SUPPORTED,
                    message=f"The bytes are not valid {charset or codec}; read as UTF-8 or Latin-1 instead.",
                )
            )
    return utf8_or_latin1(data), charset, diags


def tokenize(text: str) -> Segments:
    out = Segments()
    seps = out.seps
    if text.startswith("UNA") and len(text) >= 9:
        c, e, d, r, rep, s = tuple(text[3:9])  # the six service characters
        seps.component, seps.element, seps.decimal, seps.segment = c, e, d, s
        seps.release = r if r not in (" ", "") else ""
        seps.repetition = rep if rep != " " else ""
        out.items.append(["UNA", text[3:9]])
        out.raws.append(text[:9])
        text = text[9:]
    elif text[3:4] == "\x1d" and text.startswith(("UNB", "UNG", "UNH")):
        # syntax level B (UNOB) without UNA: the default separators are control characters
        seps.component, seps.element, seps.segment = "\x1f", "\x1d", "\x1c"
        seps.release, seps.repetition = "", ""
    specials = [seps.component, seps.element, seps.decimal, seps.release, seps.repetition, seps.segment]
    rel = seps.release
    if rel and rel in text:
        # swap "?x" for a placeholder that no separator matches; "??" becomes a literal "?"
        table: dict[int, str] = {}
        pieces = text.split(rel)
        buf = [pieces[0]]
        i = 1
        n = len(pieces)
        while i < n:
            piece = pieces[i]
            if piece == "" and i + 1 < n:  # "??" → escaped release
                buf.append(_PLACE[3])
                table[ord(_PLACE[3])] = rel
                buf.append(pieces[i + 1])
                i += 2
                continue
            if piece:
                ch = piece[0]
                if ch in specials:
                    k = specials.index(ch)
                    buf.append(_PLACE[k])
                    table[ord(_PLACE[k])] = ch
                    buf.append(piece[1:])
                else:
                    buf.append(piece)
            i += 1
        text = "".join(buf)
        out.restore = table
    if "\n" in text or "\r" in text:
        if seps.segment in "\r\n":
            text = text.replace("\r\n", "\n")
        else:
            text = text.replace("\r", "").replace("\n", "")
    items, raws = out.items, out.raws
    pieces, split, _ = split_segments(text, seps.segment, seps.element, len(raws))
    items.extend(split)
    raws.extend(pieces)
    if out.restore:
        tr = out.restore
        out.raws = [r.translate(tr) if any(ord(ch) in tr for ch in r) else r for r in raws]
    return out


def envelope(segs: Segments) -> tuple[dict[str, Any], list[Diagnostic]]:
    """Walk UNB/UNG/UNH and their trailers; the envelope tree (JSON-able) and its faults."""
    diags = list(segs.diagnostics)
    comp = segs.seps.component
    tr = segs.restore
    interchanges: list[dict[str, Any]] = []
    ic: dict[str, Any] | None = None
    grp: dict[str, Any] | None = None
    msg: dict[str, Any] | None = None
    controls: dict[int, set[str]] = {}  # id(message list) → the UNH references in it

    def val(parts: list[str], i: int, c: int = 0) -> str:
        if len(parts) <= i:
            return ""
        cs = parts[i].split(comp)
        v = cs[c] if len(cs) > c else ""
        return (v.translate(tr) if tr else v).strip()

    def new_ic(parts: list[str] | None, index: int) -> dict[str, Any]:
        p = parts or []
        d = {
            "syntax": val(p, 1),
            "syntax_version": val(p, 1, 1),
            "sender": val(p, 2),
            "sender_qualifier": val(p, 2, 1),
            "receiver": val(p, 3),
            "receiver_qualifier": val(p, 3, 1),
            "date": val(p, 4),
            "time": val(p, 4, 1),
            "control": val(p, 5),
            "test": val(p, 11),
            "segment": index,
            "declared_count": None,
            "errors": [],
            "groups": [],
            "implicit": parts is None,
            "separators": segs.seps.as_dict(),
        }
        interchanges.append(d)
        return d

    def new_grp(parts: list[str] | None, index: int) -> dict[str, Any]:
        nonlocal ic
        if ic is None:
            ic = new_ic(None, index)
        p = parts or []
        d = {
            "functional_id": val(p, 1),
            "sender": val(p, 2),
            "receiver": val(p, 3),
            "control": val(p, 5),
            "segment": index,
            "declared_count": None,
            "errors": [],
            "messages": [],
            "implicit": parts is None,
        }
        ic["groups"].append(d)
        return d

    def close_msg(end: int, missing: bool) -> None:
        nonlocal msg
        if msg is None:
            return
        msg["end"] = end
        if missing:
            text = f"Message {msg['control']} has no UNT trailer."
            flag(msg, diags, "UNT_MISSING", MISSING, text, segment=msg["start"], message_ref=msg["control"])
        msg = None

    def close_grp(missing: bool, index: int) -> None:
        nonlocal grp
        if grp is None:
            return
        if missing and not grp["implicit"]:
            text = f"Group {grp['control']} has no UNE trailer."
            flag(grp, diags, "UNE_MISSING", MISSING, text, segment=index)
        grp = None

    # only envelope segments change state: visit just those (found at C speed)
    env = list(compress(count(), map(_ENVELOPE_TAGS.__contains__, map(_TAG, segs.items))))
    for index in env:
        parts = segs.items[index]
        tag = parts[0]
        if tag == "UNB":
            close_msg(index, True)
            close_grp(True, index)
            if ic is not None and not ic["implicit"] and not ic.get("closed"):
                text = f"Interchange {ic['control']} has no UNZ."
                flag(ic, diags, "UNZ_MISSING", MISSING, text, segment=index)
            ic = new_ic(parts, index)
        elif tag == "UNG":
            close_msg(index, True)
            close_grp(True, index)
            grp = new_grp(parts, index)
        elif tag == "UNH":
            close_msg(index, True)
            if ic is None:
                ic = new_ic(None, index)
            container = grp if grp is not None else None
            control = val(parts, 1)
            m = {
                "control": control,
                "type": val(parts, 2),
                "version": val(parts, 2, 1),
                "release": val(parts, 2, 2),
                "agency": val(parts, 2, 3),
                "association": val(parts, 2, 4),
                "start": index,
                "end": None,
                "declared_segments": None,
                "errors": [],
                "segment_errors": [],
                "order_index": None,
            }
            siblings = container["messages"] if container is not None else ic.setdefault("messages", [])
            seen = controls.setdefault(id(siblings), set())  # a set: 1,000 messages are not 500,000 compares
            if control in seen:
                text = f"Message reference {control} is used twice."
                flag(m, diags, "UNH_DUPLICATE", DUPLICATE, text, segment=index)
            seen.add(control)
            siblings.append(m)
            msg = m
        elif tag == "UNT":
            if msg is None:
                diags.append(diag("UNT_UNEXPECTED", "UNT without a matching UNH.", "35", segment=index))
                continue
            declared = to_int(val(parts, 1))
            actual = index - msg["start"] + 1
            msg["declared_segments"] = declared
            if declared != actual:
                text = (
                    f"UNT says {val(parts, 1) or 'nothing'} segments, message {msg['control']} has {actual}."
                )
                flag(
                    msg,
                    diags,
                    "UNT_COUNT",
                    COUNT_MISMATCH,
                    text,
                    segment=index,
                    expected=actual,
                    actual=declared,
                )
            if val(parts, 2) != msg["control"]:
                text = f"UNT reference {val(parts, 2)} does not match UNH {msg['control']}."
                flag(msg, diags, "UNT_REFERENCE", REFERENCE_MISMATCH, text, segment=index)
            close_msg(index, False)
        elif tag == "UNE":
            close_msg(index, True)
            if grp is None:
                diags.append(diag("UNE_UNEXPECTED", "UNE without a matching UNG.", "35", segment=index))
                continue
            declared = to_int(val(parts, 1))
            grp["declared_count"] = declared
            if declared != len(grp["messages"]):
                text = f"UNE says {val(parts, 1)} messages, group has {len(grp['messages'])}."
                flag(grp, diags, "UNE_COUNT", COUNT_MISMATCH, text, segment=index)
            if val(parts, 2) != grp["control"]:
                text = f"UNE reference {val(parts, 2)} does not match UNG {grp['control']}."
                flag(grp, diags, "UNE_REFERENCE", REFERENCE_MISMATCH, text, segment=index)
            grp = None
        elif tag == "UNZ":
            close_msg(index, True)
            close_grp(True, index)
            if ic is None:
                diags.append(diag("UNZ_UNEXPECTED", "UNZ without a UNB.", "35", segment=index))
                continue
            declared = to_int(val(parts, 1))
            ic["declared_count"] = declared
            actual = len(ic["groups"]) if ic["groups"] else len(ic.get("messages", []))
            if declared != actual:
                text = f"UNZ says {val(parts, 1) or 'nothing'}, the interchange has {actual}."
                flag(ic, diags, "UNZ_COUNT", COUNT_MISMATCH, text, segment=index)
            if val(parts, 2) != ic["control"]:
                text = f"UNZ reference {val(parts, 2)} does not match UNB {ic['control']}."
                flag(ic, diags, "UNZ_REFERENCE", REFERENCE_MISMATCH, text, segment=index)
            ic["closed"] = True
            ic = None
    end = len(segs.items)
    close_msg(end, True)
    close_grp(True, end)
    if ic is not None and not ic["implicit"] and not ic.get("closed"):
        text = f"Interchange {ic['control']} has no UNZ trailer."
        flag(ic, diags, "UNZ_MISSING", MISSING, text, segment=end, level="warning")
    for d in interchanges:
        d.pop("closed", None)
        d.setdefault("messages", [])
    return {"standard": "EDIFACT", "charset": segs.charset, "interchanges": interchanges}, diags


def iter_messages(meta: dict[str, Any]):
    """(interchange, group or None, message) in file order."""
    for ic in meta["interchanges"]:
        for m in ic.get("messages", []):
            yield ic, None, m
        for g in ic["groups"]:
            for m in g["messages"]:
                yield ic, g, m


def finalize_status(meta: dict[str, Any]) -> None:
    """CONTRL action per message: 7 acknowledged, 4 rejected (missing trailer)."""
    for ic in meta["interchanges"]:
        msgs = [m for _, _, m in iter_messages({"interchanges": [ic]})]
        for m in msgs:
            m["action"] = "4" if (MISSING in m["errors"] or m.get("rejected")) else "7"
        ic["action"] = "4" if msgs and all(m["action"] == "4" for m in msgs) else "7"
