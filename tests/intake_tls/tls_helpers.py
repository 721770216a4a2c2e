"""Small real inputs for the TLS tests: a real PDF, an order mail, a commit that records."""

from __future__ import annotations

import io

from reportlab.pdfgen import canvas

from orderflow.intake.mime import build_message


def order_pdf(text: str = "PURCHASE ORDER 4500077001") -> bytes:
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.drawString(72, 720, text)
    c.drawString(72, 700, "1  WIDGET-10  10 EA  4.50")
    c.showPage()
    c.save()
    return buf.getvalue()


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
