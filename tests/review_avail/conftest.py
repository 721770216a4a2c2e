"""A real pipeline (sample reference data, SQLite store, file-drop ERP) and the review app over it.

The app's ``revalidate`` is the CLI's: ``flows.pipeline.validate_order`` with the order's own ship
policy (``review.actions.ship_policy_of(row)``), so the test goes through the same path as ``orderflow ui``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from orderflow.canonical import Envelope
from orderflow.erp_push.file_adapter import FileAdapter
from orderflow.erp_push.reference_csv import load_reference_csv
from orderflow.flows.pipeline import Services, ingest_and_process, resolved_payload, validate_order
from orderflow.flows.settings import SAMPLES_DIR
from orderflow.review import actions
from orderflow.review.auth import add_user
from orderflow.store.db import make_engine, migrate, session_factory

TODAY = dt.date(2026, 11, 21)
PASSWORD = "correct horse 42"
BUYER = "purchasing@acme-mfg.example"


def make_services(root: Path) -> Services:
    engine = make_engine(f"sqlite:///{root / 'store.db'}")
    migrate(engine)
    from orderflow.validators import ValidationConfig

    return Services(
        session_factory=session_factory(engine),
        reference=load_reference_csv(SAMPLES_DIR / "reference"),
        validation=ValidationConfig(today=TODAY, availability_severity="error"),  # short orders go to review
        adapter=FileAdapter(root / "outbox"),
    )


def revalidator(services: Services):
    def revalidate(order, row):
        with services.session_factory() as s:
            result = validate_order(services, s, order, document_id=row.document_id,
                                    ship_policy=actions.ship_policy_of(row))
        return result.issues, resolved_payload(result)

    return revalidate


def submit(services: Services, sample: str, *, channel: str = "portal", sender: str | None = BUYER):
    env = Envelope(data=(SAMPLES_DIR / "inbox" / sample).read_bytes(), filename=sample, channel=channel,
                   sender=sender, subject=f"Purchase order {sample}", message_id=f"<{sample}@acme-mfg.example>")
    return ingest_and_process(services, env)


@pytest.fixture
def avail_services(tmp_path) -> Services:
    services = make_services(tmp_path)
    with services.session_factory() as s:
        add_user(s, "csr1", PASSWORD, "csr")
        s.commit()
    return services


@pytest.fixture
def avail_app(avail_services):
    from orderflow.flows.pipeline import push_in_session
    from orderflow.review.app import create_review_app

    return create_review_app(avail_services.session_factory, revalidate=revalidator(avail_services),
                             push=lambda s, row: push_in_session(avail_services, s, row),
                             secret_key="test-secret-" + "x" * 32, secure_cookies=False)


@pytest.fixture
def submit_sample(avail_services):
    """``submit_sample(file, channel=..., sender=...)`` → the pipeline's DocumentOutcome."""
    return lambda sample, **kw: submit(avail_services, sample, **kw)


@pytest.fixture
def csr_password() -> str:
    return PASSWORD
