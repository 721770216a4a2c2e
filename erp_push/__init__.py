"""ERP adapters behind one protocol; idempotent push; reference-data pull."""

from orderflow.erp_push.base import (
    ErpAdapter,
    ErpOrderStatus,
    PermanentERPError,
    PushRequest,
    PushResult,
    TransientERPError,
)

__all__ = ["ErpAdapter", "ErpOrderStatus", "PermanentERPError", "PushRequest", "PushResult", "TransientERPError"]
