"""The calibrated confidence model: one small logistic regression per field group, shipped as JSON.

Why logistic regression in pure Python: a few hundred weights fitted on a few thousand fields need
no numpy, and the score is a probability, not money (floats are fine here). ``bench/calibration.py
--fit`` writes ``model.json`` beside this file; without it (or for a group it lacks) ``prior`` gives
a conservative score so nothing unproven passes touchless.
"""

from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path
from typing import Any

from orderflow.extractors.confidence.signals import FEATURES, FieldEvidence

MODEL_PATH = Path(__file__).with_name("model.json")
L2 = 5.0  # ridge penalty: keeps weights small where a group has few examples


def encode(features: dict[str, float], names: tuple[str, ...] | list[str] = FEATURES) -> list[float]:
    """Bias + each feature split into its evidence-for and evidence-against halves (0.5 = no evidence).
    ``names``: the features a model was fitted on (a model fitted before a feature existed ignores it)."""
    row = [1.0]
    for name in names:
        x = float(features.get(name, 0.5))
        row.append(max(0.0, x - 0.5) * 2.0)
        row.append(max(0.0, 0.5 - x) * 2.0)
    return row


def _sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def _solve(a: list[list[float]], b: list[float]) -> list[float]:
    """Gaussian elimination with partial pivoting (the Hessian is small and positive definite)."""
    n = len(b)
    m = [row[:] + [b[i]] for i, row in enumerate(a)]
    for c in range(n):
        p = max(range(c, n), key=lambda r: abs(m[r][c]))
        m[c], m[p] = m[p], m[c]
        piv = m[c][c] or 1e-12
        for r in range(c + 1, n):
            f = m[r][c] / piv
            if f:
                mr, mc = m[r], m[c]
                for k in range(c, n + 1):
                    mr[k] -= f * mc[k]
    x = [0.0] * n
    for r in range(n - 1, -1, -1):
        s = m[r][n] - sum(m[r][k] * x[k] for k in range(r + 1, n))
        x[r] = s / (m[r][r] or 1e-12)
    return x


def fit_logistic(rows: list[list[float]], labels: list[int], *, l2: float = L2, iterations: int = 25
                 ) -> list[float]:
    """Ridge logistic regression by Newton's method (IRLS); the bias is not penalised."""
    d = len(rows[0])
    w = [0.0] * d
    for _ in range(iterations):
        grad = [0.0] * d
        hess = [[0.0] * d for _ in range(d)]
        for x, y in zip(rows, labels, strict=True):
            p = _sigmoid(sum(wi * xi for wi, xi in zip(w, x, strict=True)))
            g = p - y
            s = p * (1 - p)
            nz = [(i, xi) for i, xi in enumerate(x) if xi]
            for i, xi in nz:
                grad[i] += g * xi
                hi = hess[i]
                for j, xj in nz:
                    hi[j] += s * xi * xj
        for i in range(1, d):
            grad[i] += l2 * w[i]
            hess[i][i] += l2
        hess[0][0] += 1e-6
        step = _solve(hess, grad)
        w = [wi - si for wi, si in zip(w, step, strict=True)]
        if max(abs(s) for s in step) < 1e-6:
            break
    return w


def fit(examples: list[tuple[FieldEvidence, int]], *, min_group: int = 20) -> dict[str, Any]:
    """A model (JSON-ready) from (evidence, right?) pairs: one logistic regression per field group."""
    groups: dict[str, list[tuple[FieldEvidence, int]]] = {}
    for ev, y in examples:
        groups.setdefault(ev.group, []).append((ev, y))
    out: dict[str, Any] = {}
    for name, items in sorted(groups.items()):
        right = sum(y for _, y in items)
        if len(items) < min_group or right in (0, len(items)):
            out[name] = {"weights": None, "n": len(items), "right": right}
            continue
        w = fit_logistic([encode(ev.features) for ev, _ in items], [y for _, y in items])
        out[name] = {"weights": [round(x, 5) for x in w], "n": len(items), "right": right}
    return {"version": 1, "features": list(FEATURES), "encoding": "bias + (x-0.5)+ , (0.5-x)+ per feature",
            "groups": out}


def prior(ev: FieldEvidence) -> float:
    """The score with no fitted weights: evidence against the value pulls it below any sane threshold."""
    f = ev.features
    against = [f.get(k, 0.5) for k in ("valid", "line_arith", "second_reading", "raw_has_value")]
    if any(x < 0.5 for x in against) or (f.get("ocr") == 1.0 and f.get("word_conf", 1.0) < 0.6):
        return 0.3
    return 0.6 if f.get("line_arith") != 1.0 else 0.75


# Hard evidence caps the learned score: too rare in the corpus for weights to learn, too clear to ignore.
# (feature, value, cap, field kinds it applies to — None: every kind). ``valid`` caps only kinds where a
# failed check was never (or, for names without an organisation word, seldom) right on the real corpus;
# a uom or description failing its loose check is often right.
_CODES_AND_PARTIES = frozenset({"sku", "customer_part", "gtin", "buyer.name", "ship_to.name", "ship_to.address"})
_NUMBERS = frozenset({"qty", "unit_price", "amount"})
CAPS: tuple[tuple[str, float, float, frozenset[str] | None], ...] = (
    ("second_reading", 0.0, 0.4, None),  # OCR of the scan reads something else than the text layer
    ("line_arith", 0.0, 0.5, _NUMBERS),  # qty × price ≠ amount: every number of the line is in doubt
    ("valid", 0.0, 0.5, _CODES_AND_PARTIES),  # an item code that is a date or "3M", a "name" that is an address
    # no organisation word: 17 of 31 right on the 2026-12-07 engine, 37 of 41 on today's; lifting the cap sent
    # wrong documents touchless out-of-fold (a buyer "Uellow" for "Uellow W.L.L"), 6 of 9 without earlier readings
    ("valid", 0.5, 0.75, frozenset({"buyer.name", "ship_to.name"})),
    ("desc_clean", 0.0, 0.6, None),  # a description that swallowed a date, a run of numbers, a pack column
    ("seq_ok", 0.0, 0.5, frozenset({"lines"})),  # printed line numbers with a gap (10, 20, 40): rows missed
    ("glyph_ok", 0.0, 0.5, None),  # an OCR code with 8 where its column's codes have B (0/O, 1/I, 5/S)
)


def _capped(ev: FieldEvidence, p: float) -> float:
    for name, value, cap, kinds in CAPS:
        if ev.features.get(name) == value and (kinds is None or ev.kind in kinds):
            p = min(p, cap)
    return p


def predict(model: dict[str, Any] | None, ev: FieldEvidence) -> float:
    """P(the value is right) for one field."""
    group = (model or {}).get("groups", {}).get(ev.group)
    if not group:
        return _capped(ev, prior(ev))
    weights = group.get("weights")
    if weights is None:  # a group seen only right or only wrong: its base rate, shrunk towards 0.5
        return _capped(ev, (group.get("right", 0) + 1) / (group.get("n", 0) + 2))
    names = (model or {}).get("features") or FEATURES
    return _capped(ev, _sigmoid(sum(w * x for w, x in zip(weights, encode(ev.features, names), strict=True))))


@lru_cache(maxsize=4)
def _load(path: str, mtime: float) -> dict[str, Any] | None:
    try:
        return json.loads(Path(path).read_text())
    except (OSError, ValueError):
        return None


def load(path: Path | None = None) -> dict[str, Any] | None:
    """The shipped model (``model.json``), or None when there is none yet."""
    p = path or MODEL_PATH
    try:
        mtime = p.stat().st_mtime
    except OSError:
        return None
    return _load(str(p), mtime)
