"""Small real inputs for the TLS tests: a real PDF, an order mail, a commit that records."""

from __future__ import annotations

from fixtures.small_pdf import small_pdf

from orderflow.intake.mime import build_message


def order_pdf(text: str = "PURCHASE ORDER 4500077001") -> bytes:
    return small_pdf(text)


def order_mail(pdf: bytes, filename: str = "PO-4500077001.pdf"):
    return build_message(
        "Buyer <buyer@example.com>", "orders@example.com", "PO 4500077001",
        "Please find our order attached.", [(filename, pdf, "application/pdf")],
    )


class RecordingCommit:
    """The caller's commit: keeps each envelope, answers "stored" (or "duplicate" by sha256)."""

    def __init__(self) -> None:
        self.envelopes: list = []

    def __call__(self, env):
        if any(e.sha256 == env.sha256 for e in self.envelopes):
            return "duplicate"
        self.envelopes.append(env)
        return "stored"
