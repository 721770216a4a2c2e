"""SKU resolution: which of our items does each line mean?

Order of evidence, strongest first: our SKU exactly; the customer's part number through a
cross-reference (from the ERP, or learned from a CSR's earlier correction); GTIN/UPC; EDI
line qualifiers configured for the partner; finally a fuzzy match on code and description.
A fuzzy match is accepted only when it is both good (score) and clearly better than the
runner-up (margin); otherwise the line gets SKU_UNKNOWN with the top candidates.

Speed: a 100,000-item catalog is searched through n-gram blocking (code trigrams,
description words) so only a few thousand candidates reach rapidfuzz.
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from orderflow.canonical import CanonicalOrder, Issue, IssueCode, Item, OrderLine, ReferenceData, Suggestion
from orderflow.validators.cache import ItemIndex, customer_chain, item_index, xref_index
from orderflow.validators.model import ResolvedLine, ValidationConfig, make_issue
from orderflow.validators.text import norm_code, norm_gtin, norm_text, ocr_fold

RULE = "sku"
_GRAM_SHARE = 0.02  # a code trigram in more than 2% of items does not narrow the search
_TOKEN_SHARE = 0.05
_MAX_CANDIDATES = 20000
_ENOUGH_CANDIDATES = 5000
_FOLD_WEIGHT = 0.97


@dataclass
class SkuMatch:
    item: Item | None
    how: str | None = None
    score: float | None = None
    candidates: list[tuple[Item, float]] | None = None
    uom: str | None = None  # the cross-reference's UOM, used when the line has none


def _lookup_code(idx: ItemIndex, code: str | None) -> Item | None:
    if not code:
        return None
    return idx.by_code.get(code.strip().upper()) or idx.by_code.get(norm_code(code))


def _lookup_xref(ref: ReferenceData, idx: ItemIndex, customer_id: str | None, part: str | None) -> SkuMatch | None:
    if not customer_id or not part:
        return None
    xrefs = xref_index(ref).by_part
    key = norm_code(part)
    for cid in customer_chain(ref, customer_id):
        x = xrefs.get((cid, key))
        if x is not None:
            item = _lookup_code(idx, x.sku)
            if item is not None:
                return SkuMatch(item, "learned" if x.source == "learned" else "xref", uom=x.uom)
    return None


def _lookup_gtin(idx: ItemIndex, gtin: str | None) -> Item | None:
    g = norm_gtin(gtin)
    return idx.by_gtin.get(g) if g else None


def _blocked(postings: dict[str, list[int]], keys: set[str], limit: int) -> set[int] | None:
    """Union of the postings of the selective keys; None when no key is selective."""
    lists = sorted((postings[k] for k in keys if k in postings), key=len)
    chosen = [p for p in lists if len(p) <= limit]
    if not chosen:
        return None
    out: set[int] = set(chosen[0])
    for p in chosen[1:]:  # rarest first; stop once the set is big enough to hold the answer
        if len(out) + len(p) > _ENOUGH_CANDIDATES:
            break
        out.update(p)
    return out


def fuzzy_candidates(idx: ItemIndex, code: str | None, description: str | None, cutoff: float) -> list[tuple[Item, float]]:
    """Top 3 active items by max(code similarity, description similarity), best first."""
    n = len(idx.positions)
    if n == 0:
        return []
    best: dict[int, float] = {}
    q_code = norm_code(code)
    if len(q_code) >= 3:
        grams = {q_code[i : i + 3] for i in range(len(q_code) - 2)}
        block = _blocked(idx.grams, grams, max(50, int(n * _GRAM_SHARE))) if len(q_code) >= 5 else None
        choices: dict[int, str] | list[str] = {p: idx.codes[p] for p in block} if block is not None else idx.codes
        # Levenshtein (not indel) so one mistyped character costs one edit, as a typo does; a
        # code equal after folding OCR look-alikes (O/0, S/5, B/8 …) scores just under exact.
        folded = ocr_fold(q_code)
        for choice, score, pos in process.extract(
            q_code, choices, scorer=Levenshtein.normalized_similarity, limit=10, score_cutoff=cutoff / 100
        ):
            look_alike = Levenshtein.normalized_similarity(folded, ocr_fold(choice)) * _FOLD_WEIGHT
            best[pos] = max(best.get(pos, 0.0), float(max(score, look_alike)) * 100)
    q_desc = norm_text(description)
    if q_desc:
        block = _blocked(idx.tokens, set(q_desc.split()), max(50, int(n * _TOKEN_SHARE)))
        if block is None:  # only very common words: fall back to the rarest word's items
            lists = sorted((idx.tokens[t] for t in set(q_desc.split()) if t in idx.tokens), key=len)
            block = set(lists[0][:_MAX_CANDIDATES]) if lists else set()
        choices_d = {p: idx.descs[p] for p in block}
        # token_set finds descriptions containing the PO's words; the token_sort share then
        # prefers the one that has the fewest extra words, so a full match outranks a subset.
        for choice, score, pos in process.extract(
            q_desc, choices_d, scorer=fuzz.token_set_ratio, limit=10, score_cutoff=cutoff
        ):
            blended = 0.7 * float(score) + 0.3 * fuzz.token_sort_ratio(q_desc, choice)
            best[pos] = max(best.get(pos, 0.0), blended)
    ranked = sorted(best.items(), key=lambda kv: (-kv[1], idx.codes[kv[0]]))[:3]
    return [(idx.positions[p], round(s, 1)) for p, s in ranked]


def match_line(
    line: OrderLine, ref: ReferenceData, customer_id: str | None, config: ValidationConfig
) -> SkuMatch:
    """Resolve one line to an item (active or not), or return fuzzy candidates."""
    idx = item_index(ref)
    item = _lookup_code(idx, line.sku)
    if item:
        return SkuMatch(item, "exact")
    found = _lookup_xref(ref, idx, customer_id, line.customer_part) or _lookup_xref(ref, idx, customer_id, line.sku)
    if found:
        return found
    item = _lookup_gtin(idx, line.gtin)
    if item:
        return SkuMatch(item, "gtin")
    qualifiers = {**config.default_qualifiers, **config.partner_qualifiers.get(customer_id or "", {})}
    for qualifier, value in line.ids.items():
        kind = qualifiers.get(qualifier.strip().upper())
        if kind == "sku":
            item = _lookup_code(idx, value)
        elif kind == "customer_part":
            hit = _lookup_xref(ref, idx, customer_id, value)
            item = hit.item if hit else None
        elif kind == "gtin":
            item = _lookup_gtin(idx, value)
        else:
            item = None
        if item:
            return SkuMatch(item, "partner_qualifier")
    # Customers often print our SKU in their part-number column.
    item = _lookup_code(idx, line.customer_part)
    if item:
        return SkuMatch(item, "exact")

    code = line.sku or line.customer_part or next(
        (v for q, v in line.ids.items() if qualifiers.get(q.strip().upper()) in ("sku", "customer_part")), None
    )
    candidates = fuzzy_candidates(idx, code, line.description, config.fuzzy_suggest_cutoff)
    if candidates:
        top_item, top = candidates[0]
        runner_up = candidates[1][1] if len(candidates) > 1 else 0.0
        if top >= config.fuzzy_accept_score and top - runner_up >= config.fuzzy_accept_margin:
            return SkuMatch(top_item, "fuzzy", top, candidates)
    return SkuMatch(None, None, None, candidates)


def _what(line: OrderLine) -> str:
    parts = [p for p in (line.sku, line.customer_part, line.gtin) if p]
    if line.description:
        parts.append(f'"{line.description}"')
    return " / ".join(parts) or "(no item code or description)"


def resolve_skus(
    order: CanonicalOrder, ref: ReferenceData, customer_id: str | None, config: ValidationConfig
) -> tuple[list[ResolvedLine], list[Issue]]:
    """One ResolvedLine per order line (sku None when unresolved) plus SKU issues."""
    resolved: list[ResolvedLine] = []
    issues: list[Issue] = []
    idx = item_index(ref)
    for i, line in enumerate(order.lines):
        rl = ResolvedLine(index=i, line_no=line.line_no)
        resolved.append(rl)
        if not (line.sku or line.customer_part or line.gtin or line.description or line.ids):
            continue  # completeness reports the missing item identity
        m = match_line(line, ref, customer_id, config)
        suggestions = [
            Suggestion(value=it.sku, label=it.description, score=score) for it, score in (m.candidates or [])
        ]
        rl.candidates = suggestions
        if m.item is None:
            issues.append(make_issue(
                IssueCode.SKU_UNKNOWN,
                f"Line {line.line_no or i + 1}: item {_what(line)} is not in our catalog"
                + (" - pick one of the suggested items." if suggestions else " - find the item and correct the line."),
                field=f"lines[{i}].sku", actual=line.sku or line.customer_part or line.gtin or line.description,
                suggestions=suggestions, rule=RULE))
            continue
        rl.sku, rl.resolved_by, rl.match_score, rl.base_uom = m.item.sku, m.how, m.score, m.item.base_uom
        if not line.uom and m.uom:
            rl.uom = m.uom
        if not m.item.active:
            alternatives = fuzzy_candidates(idx, None, m.item.description, config.fuzzy_suggest_cutoff)
            issues.append(make_issue(
                IssueCode.SKU_INACTIVE,
                f"Line {line.line_no or i + 1}: item {m.item.sku} ({m.item.description}) is no longer sold: "
                "offer a replacement or remove the line.",
                field=f"lines[{i}].sku", actual=m.item.sku,
                suggestions=[Suggestion(value=it.sku, label=it.description, score=s) for it, s in alternatives],
                rule=RULE))
    return resolved, issues
