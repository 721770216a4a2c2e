"""Validation of canonical orders against ERP reference data (one module per rule family).

Entry point: ``validate(order, ref, ctx, config) -> ValidationResult``. Rules take plain
values and never open a database; ``codes.CODES`` documents every issue code.
"""

from orderflow.validators.model import (
    ExistingOrder,
    ResolvedLine,
    ValidationConfig,
    ValidationContext,
    ValidationResult,
)
from orderflow.validators.runner import validate

__all__ = [
    "ExistingOrder",
    "ResolvedLine",
    "ValidationConfig",
    "ValidationContext",
    "ValidationResult",
    "validate",
]
