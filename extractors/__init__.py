"""Format sniffing and one extractor per format; imports only ``canonical``.

Names are imported on first use (PEP 562): ``orderflow.extractors.edi`` (the EDI wire path of
``extract --json``) must load without the registry and the pydantic models."""

import importlib
from typing import TYPE_CHECKING, Any

_LAZY = {
    **dict.fromkeys(("ExtractContext", "ExtractionError", "Extractor"), "orderflow.extractors.base"),
    **dict.fromkeys(("extract", "extractors", "is_unusable", "sniff", "stream"), "orderflow.extractors.registry"),
}

if TYPE_CHECKING:  # the type checker sees every name where it is defined (not the lazy Any)
    from orderflow.extractors.base import (
        ExtractContext,
        ExtractionError,
        Extractor,
    )
    from orderflow.extractors.registry import (
        extract,
        extractors,
        is_unusable,
        sniff,
        stream,
    )


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


__all__ = ["ExtractContext", "ExtractionError", "Extractor", "extract", "extractors", "is_unusable", "sniff", "stream"]
