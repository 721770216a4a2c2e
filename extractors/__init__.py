"""Format sniffing and one extractor per format; imports only ``canonical``.

Names are imported on first use (PEP 562): ``orderflow.extractors.edi`` (the EDI wire path of
``extract --json``) must load without the registry and the pydantic models."""

import importlib
from typing import Any

_LAZY = {
    **dict.fromkeys(("ExtractContext", "ExtractionError", "Extractor"), "orderflow.extractors.base"),
    **dict.fromkeys(("extract", "extractors", "is_unusable", "sniff", "stream"), "orderflow.extractors.registry"),
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


__all__ = ["ExtractContext", "ExtractionError", "Extractor", "extract", "extractors", "is_unusable", "sniff", "stream"]
