"""Calibrated confidence: each extracted value's confidence is the engine's estimate that it is right.

``calibrate`` runs once at the end of extraction (``extractors.registry.extract``): it computes
the evidence for every field (``signals``), a second reading of scanned pages with a text layer
(``readings``), and scores it with the shipped model (``model``, fitted by
``bench/calibration.py --fit``). EDI and portal JSON keep their exact-value confidence.
The ``lines`` provenance entry is the confidence that the line set is complete (no line
missed or invented).
"""

from __future__ import annotations

import logging
from typing import Any

from orderflow.canonical import Extraction, Provenance
from orderflow.extractors.confidence.model import load, predict
from orderflow.extractors.confidence.signals import FieldEvidence, evidence, field_values

log = logging.getLogger(__name__)

DEFAULT_REVIEW_CONFIDENCE = 0.8  # flows/settings.py `review_confidence` overrides it for routing
EXACT_PREFIXES = ("x12", "edifact", "portal")
SHEET_FORMATS = ("csv", "spreadsheet", "xlsx", "xls")


def is_exact(fmt: str | None) -> bool:
    """EDI and portal JSON carry values as sent: nothing was guessed, confidence stays exact."""
    return bool(fmt) and str(fmt).startswith(EXACT_PREFIXES)


def document_evidence(result: Extraction, data: bytes | None = None, *, ocr: bool = True
                      ) -> list[list[FieldEvidence]]:
    """Per order, the evidence of each of its fields (what the bench fits on and ``calibrate`` scores)."""
    out: list[list[FieldEvidence]] = []
    for order in result.orders:
        fmt = order.source.format or result.format
        second: dict[str, float] = {}
        if data is not None and ocr and fmt == "pdf_text" and result.metadata.get("second_reading") is None:
            from orderflow.extractors.confidence.readings import second_readings  # noqa: PLC0415

            second = second_readings(order, data, list(result.metadata.get("ocr_pages") or []),
                                     scanned=result._scanned_text_pages)
            result.metadata["second_reading"] = second
        elif isinstance(result.metadata.get("second_reading"), dict):
            second = {k: float(v) for k, v in result.metadata["second_reading"].items()}
        seen = result.metadata.get("labels_seen")
        if data is not None and fmt == "pdf_text" and "labels_seen" not in result.metadata:
            from orderflow.extractors.confidence.textlayer import labels_seen  # noqa: PLC0415

            seen = result.metadata["labels_seen"] = labels_seen(data)
        out.append(evidence(order, sheet=str(fmt).startswith(SHEET_FORMATS), second=second,
                            seen=seen if isinstance(seen, dict) else None))
    return out


def calibrate(result: Extraction, data: bytes | None = None, *, ocr: bool = True,
              model: dict[str, Any] | None = None) -> Extraction:
    """Replace every field's confidence by the model's P(right); give every valued field a provenance entry."""
    exact = [is_exact(o.source.format or result.format) for o in result.orders]
    if all(exact):  # EDI/portal values are exact (1.0); EDI lines resolve through their segment
        for order in result.orders:  # column entries (canonical.field_provenance), so nothing is added
            if not order.source.format or order.source.format.startswith(("x12", "edifact")):
                continue
            same = Provenance(confidence=1.0, extractor=result.format)
            for path in field_values(order):
                order.provenance.setdefault(path, same)
        return result
    model = model if model is not None else load()
    for order, evs, is_ex in zip(result.orders, document_evidence(result, data, ocr=ocr), exact, strict=True):
        if is_ex:
            continue
        for ev in evs:
            p = round(predict(model, ev), 3)
            prov = order.provenance.get(ev.path)
            if prov is None:
                order.provenance[ev.path] = Provenance(confidence=p, extractor=order.source.format or result.format)
            else:
                order.provenance[ev.path] = prov.model_copy(update={"confidence": p})
    return result
