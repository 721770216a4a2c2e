"""Format sniffing and one extractor per format; imports only ``canonical``."""

from orderflow.extractors.base import ExtractContext, ExtractionError, Extractor
from orderflow.extractors.registry import extract, extractors, is_unusable, sniff, stream

__all__ = ["ExtractContext", "ExtractionError", "Extractor", "extract", "extractors", "is_unusable", "sniff", "stream"]
