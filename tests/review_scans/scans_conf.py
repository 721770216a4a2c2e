"""Scanned buyer POs through the real pipeline, and the review app over them.

The scan is a generated buyer layout (``bench.learning``: its PO number sits under "Cust. Ord. Ref", a
label the lexicon does not know) rasterised at 200 dpi, turned 0.7°, made bilevel and wrapped as an
image-only PDF, so the extractor must OCR it. Imported by name: this basename must be unique in tests/.
"""

from __future__ import annotations

import io
import os
import re
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from PIL import Image

os.environ.setdefault("OMP_THREAD_LIMIT", "1")
_TESTS = str(Path(__file__).resolve().parents[1])  # so `fixtures.browser` imports without a tests package
if _TESTS not in sys.path:
    sys.path.insert(0, _TESTS)

from orderflow.bench.learning import LAYOUTS, document_values, layout_pdf  # noqa: E402
from orderflow.canonical import Envelope  # noqa: E402
from orderflow.extractors.pdf_ocr import render_page  # noqa: E402
from orderflow.flows.cli import _revalidator  # noqa: E402
from orderflow.flows.learning_wiring import make_learner  # noqa: E402
from orderflow.flows.pipeline import Services, ingest_and_process  # noqa: E402
from orderflow.flows.services import build_services  # noqa: E402
from orderflow.flows.settings import load_settings  # noqa: E402
from orderflow.review.app import create_review_app  # noqa: E402
from orderflow.review.auth import add_user  # noqa: E402

ACME = LAYOUTS[0]
SKEW = 0.7  # degrees the sheet was turned on the scanner
PASSWORD = "scanned pages 42"
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


@cache
def scan_doc(n: int) -> tuple[bytes, dict[str, Any]]:
    """(image-only PDF, gold values) of the ACME layout's document ``n``."""
    values = document_values(ACME, n)
    image, _ = render_page(layout_pdf(ACME, values), 0, 200)
    image = image.rotate(SKEW, resample=Image.BICUBIC, expand=False, fillcolor=255)
    out = io.BytesIO()
    image.point(lambda v: 255 if v > 150 else 0).convert("1").save(out, format="PDF", resolution=200)
    return out.getvalue(), values


@dataclass
class ScanPipeline:
    services: Services

    def process(self, n: int, sender: str = ACME.sender) -> tuple[int, int, dict[str, Any]]:
        """Ingest and process scan ``n`` as mail from ``sender``: (order id, document id, gold)."""
        data, gold = scan_doc(n)
        out = ingest_and_process(self.services, Envelope(data=data, filename=f"acme-scan-{n}.pdf", channel="imap",
                                                         sender=sender))
        assert out.state == "processed", out.reason
        return out.orders[0].id, out.document_id, gold


@pytest.fixture(scope="module")
def scan_pipeline(tmp_path_factory) -> ScanPipeline:
    """The real pipeline on a SQLite store (demo reference data, file ERP), with one CSR user."""
    services = build_services(load_settings(home=Path(tmp_path_factory.mktemp("scans")) / "var"))
    with services.session_factory() as s:
        add_user(s, "csr1", PASSWORD, "csr")
        s.commit()
    return ScanPipeline(services)


@pytest.fixture(scope="module")
def scan_client(scan_pipeline) -> TestClient:
    """The review app as the CLI serves it (learner from flows.learning_wiring), signed in as csr1."""
    services = scan_pipeline.services

    def push(session: Any, row: Any) -> str:
        raise RuntimeError("no ERP push in these tests")

    app = create_review_app(services.session_factory, revalidate=_revalidator(services), push=push,
                            secret_key="scans-secret-" + "x" * 32, secure_cookies=False, learner=make_learner())
    client = TestClient(app)
    token = TOKEN.search(client.get("/login").text).group(1)
    r = client.post("/login", data={"username": "csr1", "password": PASSWORD, "csrf_token": token},
                    follow_redirects=False)
    assert r.status_code == 303, r.text
    return client


__all__ = ["ACME", "PASSWORD", "SKEW", "TOKEN", "ScanPipeline", "scan_client", "scan_doc", "scan_pipeline"]
