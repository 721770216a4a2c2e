"""Tolerant X12 tokenizer and envelope checker.

Real partner files break the standard in many ways (unpadded ISA, newline or space as segment
terminator, empty segments, a last segment without terminator, odd versions, bare ST..SE).
So the ISA is found by counting element separators, not by offset, and every envelope fault
becomes a structured diagnostic instead of an exception. Speed matters: segments are split
with ``str.split`` (C speed), never character by character.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from itertools import compress, count
from typing import TYPE_CHECKING, Any

from orderflow.extractors.edi.common import TAG as _TAG
from orderflow.extractors.edi.common import (
    diag,
    flag,
    split_elements,
    split_segments,
    to_int,
    utf8_or_latin1,
)

if TYPE_CHECKING:  # made on a fault only (``common.diag``): a clean file never loads pydantic
    from orderflow.canonical import Diagnostic

_ALNUM = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
# Separators may be control characters (\x1c-\x1f, common in VICS/retail files), which Python's
# ``\s`` counts as white space: so "not a separator" is spelled out as letters, digits, blank, line breaks.
_ISA_START = re.compile(r"ISA(?=[^A-Za-z0-9 \t\r\n])")
_ST_START = re.compile(r"(?:^|[\s~'|!])(ST)([^A-Za-z0-9 \t\r\n])(?=\d{3})")

# AK5/AK9/TA1 codes used in diagnostics (X12 element 718, 716, I18)
SET_TRAILER_MISSING = "2"
SET_CONTROL_MISMATCH = "3"
SET_COUNT_MISMATCH = "4"
SET_SEGMENTS_IN_ERROR = "5"
SET_CONTROL_NOT_UNIQUE = "23"
GROUP_TRAILER_MISSING = "3"
GROUP_CONTROL_MISMATCH = "4"
GROUP_COUNT_MISMATCH = "5"
ISA_CONTROL_MISMATCH = "001"
ISA_COUNT_MISMATCH = "021"
ISA_TRAILER_MISSING = "023"
_ENVELOPE_TAGS = frozenset(("ISA", "GS", "ST", "SE", "GE", "IEA"))


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else latin-1, which never fails."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    return utf8_or_latin1(data)


@dataclass
class Delimiters:
    element: str = "*"
    component: str = ">"
    segment: str = "~"
    repetition: str | None = None

    def as_dict(self) -> dict[str, str | None]:
        return {
            "element": self.element,
            "component": self.component,
            "segment": self.segment,
            "repetition": self.repetition,
        }


@dataclass
class Segments:
    """The file as segments: ``items[i]`` is the element list (tag first), ``raws[i]`` its text."""

    items: list[list[str]] = field(default_factory=list)
    raws: list[str] = field(default_factory=list)
    delimiters: list[tuple[int, Delimiters]] = field(default_factory=list)  # (first index, delims)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)  # tags[i] == items[i][0], kept by the tokenizer
    lazy: bool = False  # items[i] is None until ``split`` (envelope segments aside)

    def tag_list(self) -> list[str]:
        """Every segment's tag (made here when the segments were not built by ``tokenize``)."""
        if len(self.tags) != len(self.items):
            self.tags = list(map(_TAG, self.items))
        return self.tags

    def split(self, start: int, stop: int) -> None:
        """Make the element lists of segments ``start..stop-1`` still left None by a lazy ``tokenize``."""
        stop = min(stop, len(self.items))
        if not self.lazy or start >= stop:
            return
        # each interchange with its own element separator (a set lies in one; a caller's range may not)
        cuts = [start, *(first for first, _ in self.delimiters if start < first < stop), stop]
        for a, b in zip(cuts, cuts[1:], strict=False):
            self.items[a:b] = split_elements(self.raws[a:b], self.delims_at(a).element)

    def delims_at(self, index: int) -> Delimiters:
        current = self.delimiters[0][1] if self.delimiters else Delimiters()
        for start, delims in self.delimiters:
            if start > index:
                break
            current = delims
        return current


def _isa_delimiters(text: str, pos: int) -> tuple[Delimiters, int] | None:
    """Delimiters of the ISA at ``pos`` and the offset just after its terminator, by counting separators."""
    elem = text[pos + 3]
    count = 0
    i = pos + 3
    n = len(text)
    limit = min(n, pos + 400)
    while i < limit and count < 16:
        if text[i] == elem:
            count += 1
        i += 1
    if count < 16 or i >= n:
        return None
    component = text[i]  # ISA16 is one character
    j = i + 1
    if j >= n:
        return None
    seg = text[j]
    if seg == " ":
        # a space after ISA16 followed by a line break is padding, not a terminator (names hold spaces)
        k = j
        while k < n and text[k] == " ":
            k += 1
        if k < n and text[k] in "\r\n":
            seg = "\n"
    if seg in "\r\n":
        seg = "\n"
        if _isa16_is_terminator(text, j, component):
            # ISA16 left out: the character read as ISA16 ends every line, so it is the terminator
            seg, component = component, (">" if ">" not in text[j : j + 4000] else "\x1f")
    isa = text[pos:i].split(elem)
    repetition = None
    if len(isa) > 12:
        version = isa[12].strip()
        rep = isa[11].strip()
        if version >= "00402" and len(rep) == 1 and rep not in _ALNUM and rep not in (elem, component, seg):
            repetition = rep
    return Delimiters(elem, component, seg, repetition), j + 1


def _isa16_is_terminator(text: str, j: int, component: str) -> bool:
    """True when the line after the ISA (the GS) also ends with the ISA16 character."""
    if component in _ALNUM or component.isspace():
        return False
    k = j
    while k < len(text) and text[k] in "\r\n":
        k += 1
    end = text.find("\n", k, k + 400)
    line = (text[k:end] if end >= 0 else text[k : k + 400]).rstrip(" \r")
    return len(line) > 3 and line.endswith(component)


def _bare_delimiters(text: str) -> Delimiters | None:
    """Guess delimiters for a file with ST..SE but no ISA envelope."""
    m = _ST_START.search(text)
    if not m:
        return None
    elem = m.group(2)
    i = m.end(2)
    n = len(text)
    while i < n and (text[i] in _ALNUM or text[i] == elem or text[i] == " "):
        i += 1
    if i >= n:
        return None
    seg = text[i]
    if seg in "\r\n":
        seg = "\n"
    component = ">"
    for cand in (">", ":", "\\", "^", "<"):
        if cand not in (elem, seg) and cand in text:
            component = cand
            break
    return Delimiters(elem, component, seg, None)


@functools.lru_cache(maxsize=32)
def _bare_break(seg: str, elem: str) -> re.Pattern[str]:
    """A line break not preceded by the terminator and followed by a segment tag."""
    return re.compile(rf"(?<!{re.escape(seg)})\n(?=[ \t]*[A-Z][A-Z0-9]{{1,2}}{re.escape(elem)})")


def _split(chunk: str, delims: Delimiters, out: Segments, lazy: bool = False) -> None:
    """Split one interchange into segments (``common.split_segments``) after folding its line breaks."""
    seg = delims.segment
    if seg == "\n":
        chunk = chunk.replace("\r", "")
    elif seg == "\r":
        chunk = chunk.replace("\n", "")
    elif "\n" in chunk or "\r" in chunk:
        chunk = chunk.replace("\r", "")
        folded = chunk.replace(seg + "\n", seg)
        if "\n" not in folded:  # the common file: every line break follows a terminator
            chunk = folded
        else:
            ended, breaks = chunk.count(seg + "\n"), chunk.count("\n")
            if breaks > ended and ended * 2 > breaks:
                # one segment a line: a line break missing its terminator still ends the segment
                chunk = _bare_break(seg, delims.element).sub(seg, chunk)
            chunk = chunk.replace("\n", "")
    raws, items, tags = split_segments(chunk, seg, delims.element, len(out.raws), lazy)
    out.tags.extend(tags)
    if out.items:
        out.items.extend(items)
        out.raws.extend(raws)
    else:
        out.items = items
        out.raws = raws


def tokenize(text: str, lazy: bool = False) -> Segments:
    """Every segment of every interchange in the text; bare ST..SE files too.

    ``lazy``: only the envelope segments get their element lists; the others stay None until
    ``Segments.split`` makes them (a set at a time), so a streamed 200,000-segment file never
    holds all of them: a third of the peak memory, and of the page faults.
    """
    out = _tokenize(text, lazy)
    out.lazy = lazy
    if lazy:
        items, raws = out.items, out.raws
        envelope = list(compress(count(), map(_ENVELOPE_TAGS.__contains__, out.tags)))
        if len(out.delimiters) <= 1:  # one interchange (or none): one separator, one split call
            split = split_elements([raws[index] for index in envelope], out.delims_at(0).element)
            for index, parts in zip(envelope, split, strict=True):
                items[index] = parts
        else:
            for index in envelope:
                items[index] = split_elements([raws[index]], out.delims_at(index).element)[0]
    return out


def _tokenize(text: str, lazy: bool) -> Segments:
    out = Segments()
    m = _ISA_START.search(text)
    if m is None:
        delims = _bare_delimiters(text)
        if delims is None:
            return out
        out.delimiters.append((0, delims))
        _split(text, delims, out, lazy)
        return out
    pos: int | None = m.start()
    if text[:pos].strip():
        from orderflow.canonical import Diagnostic  # noqa: PLC0415 - a fault: pydantic only now

        out.diagnostics.append(
            Diagnostic(
                code="LEADING_GARBAGE",
                level="warning",
                message=f"{len(text[:pos].strip())} characters before the first ISA were ignored.",
                position={"offset": 0},
            )
        )
    while pos is not None:
        found = _isa_delimiters(text, pos)
        if found is None:
            from orderflow.canonical import Diagnostic  # noqa: PLC0415 - a fault: pydantic only now

            out.diagnostics.append(
                Diagnostic(
                    code="ISA_TRUNCATED",
                    message="The ISA header is incomplete: fewer than 16 element separators.",
                    position={"offset": pos},
                    syntax_code="024",
                )
            )
            break
        delims, _ = found
        nxt = re.compile(re.escape(delims.segment) + r"[ \t\r\n]*ISA(?=[^A-Za-z0-9 \t\r\n])")
        m2 = nxt.search(text, pos + 3)
        end = m2.start() + len(delims.segment) if m2 else len(text)
        out.delimiters.append((len(out.items), delims))
        _split(text[pos:end], delims, out, lazy)
        pos = m2.end() - 3 if m2 else None
    return out


def _get(parts: list[str], i: int) -> str:
    return parts[i].strip() if len(parts) > i else ""


def envelope(segs: Segments) -> tuple[dict[str, Any], list[Diagnostic]]:
    """Walk ISA/GS/ST and their trailers; return the envelope tree (JSON-able) and faults.

    Every transaction set records its segment span (``start``/``end`` indexes) so that the
    mapper reads it, and its status/error codes so that the 997 can be built from it alone.
    """
    diags: list[Diagnostic] = list(segs.diagnostics)
    interchanges: list[dict[str, Any]] = []
    ic: dict[str, Any] | None = None
    grp: dict[str, Any] | None = None
    tx: dict[str, Any] | None = None

    def new_ic(parts: list[str] | None, index: int) -> dict[str, Any]:
        p = parts or []
        d = {
            "control": _get(p, 13),
            "sender_qualifier": _get(p, 5),
            "sender": _get(p, 6),
            "receiver_qualifier": _get(p, 7),
            "receiver": _get(p, 8),
            "date": _get(p, 9),
            "time": _get(p, 10),
            "version": _get(p, 12),
            "usage": _get(p, 15),
            "segment": index,
            "declared_groups": None,
            "errors": [],
            "groups": [],
            "implicit": parts is None,
            "delimiters": segs.delims_at(index).as_dict(),
        }
        interchanges.append(d)
        return d

    def new_grp(parts: list[str] | None, index: int) -> dict[str, Any]:
        nonlocal ic
        if ic is None:
            ic = new_ic(None, index)
        p = parts or []
        d = {
            "functional_id": _get(p, 1),
            "sender": _get(p, 2),
            "receiver": _get(p, 3),
            "date": _get(p, 4),
            "control": _get(p, 6),
            "version": _get(p, 8),
            "segment": index,
            "declared_sets": None,
            "errors": [],
            "sets": [],
            "implicit": parts is None,
        }
        ic["groups"].append(d)
        return d

    def close_set(end: int, missing: bool) -> None:
        nonlocal tx
        if tx is None:
            return
        tx["end"] = end
        if missing:
            flag(
                tx,
                diags,
                "SE_MISSING",
                SET_TRAILER_MISSING,
                f"Transaction set {tx['id']} {tx['control']} has no SE trailer.",
                segment=tx["start"],
                set=tx["control"],
            )
        tx = None

    def close_group(missing: bool, index: int) -> None:
        nonlocal grp
        if grp is None:
            return
        if missing and not grp["implicit"]:
            msg = f"Functional group {grp['control']} has no GE trailer."
            flag(grp, diags, "GE_MISSING", GROUP_TRAILER_MISSING, msg, segment=index, group=grp["control"])
        grp = None

    def close_interchange(index: int) -> None:
        """An open ISA (not an implicit one around a bare set) that never met its IEA."""
        if ic is not None and not ic["implicit"] and ic.get("closed") is not True:
            msg = f"Interchange {ic['control']} has no IEA trailer."
            flag(ic, diags, "IEA_MISSING", ISA_TRAILER_MISSING, msg, segment=index)

    def outside(first: int, stop: int) -> None:
        for i in range(first, stop):
            msg = f"Segment {tags[i]} outside any envelope was ignored."
            diags.append(diag("SEGMENT_OUTSIDE", msg, "024", level="warning", segment=i))

    items = segs.items
    tags = segs.tag_list()
    # Only envelope segments change state, so only they are visited; the segments between two
    # of them are reported as outside when no envelope is open.
    env_tags = _ENVELOPE_TAGS
    prev = -1
    for index in list(compress(count(), map(env_tags.__contains__, tags))):
        if tx is None and grp is None and ic is None and index > prev + 1:
            outside(prev + 1, index)
        prev = index
        parts = items[index]
        tag = parts[0]
        if tag == "ISA":
            close_set(index, True)
            close_group(True, index)
            close_interchange(index)
            ic = new_ic(parts, index)
        elif tag == "GS":
            close_set(index, True)
            close_group(True, index)
            grp = new_grp(parts, index)
        elif tag == "ST":
            close_set(index, True)
            if grp is None:
                grp = new_grp(None, index)
            control = _get(parts, 2)
            t = {
                "id": _get(parts, 1),
                "control": control,
                "version": _get(parts, 3),
                "start": index,
                "end": None,
                "declared_segments": None,
                "errors": [],
                "segment_errors": [],
                "order_index": None,
            }
            seen = grp.setdefault("_controls", set())
            if control in seen:
                msg = f"ST02 {control} is used twice in group {grp['control']}."
                flag(t, diags, "ST_DUPLICATE", SET_CONTROL_NOT_UNIQUE, msg, segment=index, set=control)
            seen.add(control)
            grp["sets"].append(t)
            tx = t
        elif tag == "SE":
            if tx is None:
                diags.append(
                    diag("SE_UNEXPECTED", "SE trailer without a matching ST header.", "5", segment=index)
                )
                continue
            declared = to_int(_get(parts, 1))
            actual = index - tx["start"] + 1
            tx["declared_segments"] = declared
            if declared != actual:
                msg = f"SE01 says {_get(parts, 1) or 'nothing'} segments, set {tx['control']} has {actual}."
                flag(
                    tx,
                    diags,
                    "SE_COUNT",
                    SET_COUNT_MISMATCH,
                    msg,
                    segment=index,
                    set=tx["control"],
                    expected=actual,
                    actual=declared,
                )
            if _get(parts, 2) != tx["control"]:
                msg = f"SE02 {_get(parts, 2)} does not match ST02 {tx['control']}."
                flag(tx, diags, "SE_CONTROL", SET_CONTROL_MISMATCH, msg, segment=index, set=tx["control"])
            close_set(index, False)
        elif tag == "GE":
            close_set(index, True)
            if grp is None:
                diags.append(
                    diag("GE_UNEXPECTED", "GE trailer without a matching GS header.", "3", segment=index)
                )
                continue
            declared = to_int(_get(parts, 1))
            grp["declared_sets"] = declared
            if declared != len(grp["sets"]):
                msg = (
                    f"GE01 says {_get(parts, 1) or 'nothing'} sets, group {grp['control']} has "
                    f"{len(grp['sets'])}."
                )
                flag(grp, diags, "GE_COUNT", GROUP_COUNT_MISMATCH, msg, segment=index, group=grp["control"])
            if _get(parts, 2) != grp["control"]:
                msg = f"GE02 {_get(parts, 2)} does not match GS06 {grp['control']}."
                flag(
                    grp, diags, "GE_CONTROL", GROUP_CONTROL_MISMATCH, msg, segment=index, group=grp["control"]
                )
            grp = None
        elif tag == "IEA":
            close_set(index, True)
            close_group(True, index)
            if ic is None:
                diags.append(
                    diag("IEA_UNEXPECTED", "IEA trailer without an ISA header.", "024", segment=index)
                )
                continue
            declared = to_int(_get(parts, 1))
            ic["declared_groups"] = declared
            if declared != len(ic["groups"]):
                msg = (
                    f"IEA01 says {_get(parts, 1) or 'nothing'} groups, interchange "
                    f"{ic['control']} has {len(ic['groups'])}."
                )
                flag(ic, diags, "IEA_COUNT", ISA_COUNT_MISMATCH, msg, segment=index)
            if _get(parts, 2) != ic["control"]:
                msg = f"IEA02 {_get(parts, 2)} does not match ISA13 {ic['control']}."
                flag(ic, diags, "IEA_CONTROL", ISA_CONTROL_MISMATCH, msg, segment=index)
            ic["closed"] = True
            ic = None
    end = len(items)
    if tx is None and grp is None and ic is None and end > prev + 1:
        outside(prev + 1, end)
    close_set(end, True)
    close_group(True, end)
    close_interchange(end)
    for d in interchanges:
        d.pop("closed", None)
        for g in d["groups"]:
            g.pop("_controls", None)
    return {"standard": "X12", "interchanges": interchanges}, diags


def iter_sets(meta: dict[str, Any]):
    """(interchange, group, set) for every transaction set, in file order."""
    for ic in meta["interchanges"]:
        for grp in ic["groups"]:
            for tx in grp["sets"]:
                yield ic, grp, tx


def finalize_status(meta: dict[str, Any]) -> None:
    """Set each set's and group's 997 status (A accepted, E accepted with errors, R rejected, P partial)."""
    for ic in meta["interchanges"]:
        for grp in ic["groups"]:
            for tx in grp["sets"]:
                errs = tx["errors"]
                if tx.get("rejected") or SET_TRAILER_MISSING in errs:
                    tx["status"] = "R"
                elif errs or tx["segment_errors"]:
                    tx["status"] = "E"
                    if tx["segment_errors"] and SET_SEGMENTS_IN_ERROR not in errs:
                        errs.append(SET_SEGMENTS_IN_ERROR)
                else:
                    tx["status"] = "A"
            statuses = [t["status"] for t in grp["sets"]]
            accepted = sum(1 for s in statuses if s != "R")
            grp["accepted_sets"] = accepted
            if not statuses or accepted == 0:
                grp["status"] = "R"
            elif accepted < len(statuses):
                grp["status"] = "P"
            elif grp["errors"] or any(s == "E" for s in statuses):
                grp["status"] = "E"
            else:
                grp["status"] = "A"
