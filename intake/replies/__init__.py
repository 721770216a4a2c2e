"""Outbound EDI replies: X12 997/855 and EDIFACT CONTRL/ORDRSP builders (pure functions)."""

from orderflow.intake.replies.edifact import build_contrl, build_ordrsp
from orderflow.intake.replies.x12 import LineStatus, Party12, ack_type, build_855, build_865, build_997

__all__ = ["LineStatus", "Party12", "ack_type", "build_855", "build_865", "build_997", "build_contrl", "build_ordrsp"]
