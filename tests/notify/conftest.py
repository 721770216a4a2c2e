"""An in-process SMTP sink (aiosmtpd) and a real pipeline (sample reference data, SQLite store,
file-drop ERP) whose ``Services.mailer`` points at it."""

from __future__ import annotations

import datetime as dt
import email
import socket
from email.message import Message
from email.policy import default as default_policy
from pathlib import Path

import pytest

from orderflow.canonical import Envelope
from orderflow.erp_push.file_adapter import FileAdapter
from orderflow.erp_push.reference_csv import load_reference_csv
from orderflow.flows.notify import Mailer
from orderflow.flows.pipeline import Services, ingest_and_process
from orderflow.flows.settings import SAMPLES_DIR
from orderflow.intake.smtp_notify import SmtpConfig
from orderflow.store.db import make_engine, migrate, session_factory
from orderflow.validators import ValidationConfig

TODAY = dt.date(2026, 11, 21)
BUYER = "purchasing@acme-mfg.example"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Sink:
    """What the SMTP server received: (envelope recipients, parsed message) per mail."""

    def __init__(self) -> None:
        self.envelopes: list = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    @property
    def mails(self) -> list[tuple[list[str], Message]]:
        return [(list(e.rcpt_tos), email.message_from_bytes(e.content, policy=default_policy))
                for e in self.envelopes]


@pytest.fixture
def smtp_sink():
    from aiosmtpd.controller import Controller

    sink = Sink()
    ctl = Controller(sink, hostname="127.0.0.1", port=free_port())
    ctl.start()
    sink.port = ctl.port
    yield sink
    ctl.stop()


def make_services(root: Path, mailer: Mailer | None) -> Services:
    engine = make_engine(f"sqlite:///{root / 'store.db'}")
    migrate(engine)
    return Services(
        session_factory=session_factory(engine),
        reference=load_reference_csv(SAMPLES_DIR / "reference"),
        validation=ValidationConfig(today=TODAY),
        adapter=FileAdapter(root / "outbox"),
        mailer=mailer,
    )


@pytest.fixture
def mail_services(tmp_path, smtp_sink) -> Services:
    config = SmtpConfig(host="127.0.0.1", port=smtp_sink.port, tls="none", sender="Orders <orders@supplier.example>",
                        timeout=10)
    return make_services(tmp_path, Mailer(config))


@pytest.fixture
def submit_sample():
    """``submit_sample(services, file, channel=..., sender=...)`` → the pipeline's DocumentOutcome."""

    def submit(services: Services, sample: str, *, channel: str = "imap", sender: str | None = BUYER):
        env = Envelope(data=(SAMPLES_DIR / "inbox" / sample).read_bytes(), filename=sample, channel=channel,
                       sender=sender, subject=f"Purchase order {sample}",
                       message_id=f"<{sample}@acme-mfg.example>")
        return ingest_and_process(services, env)

    return submit


@pytest.fixture
def services_with(tmp_path):
    """``services_with(mailer)`` → a fresh pipeline in its own folder, mailing through ``mailer``."""
    count = iter(range(100))

    def build(mailer: Mailer | None) -> Services:
        root = tmp_path / f"svc{next(count)}"
        root.mkdir()
        return make_services(root, mailer)

    return build


@pytest.fixture
def closed_port() -> int:
    """A local port nothing listens on: an SMTP server that is down."""
    return free_port()
