"""Builds the pipeline's services from settings: store, reference data, ERP adapter."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

from orderflow.canonical import CrossReference, ReferenceData
from orderflow.erp_push.base import ErpAdapter
from orderflow.flows import notify
from orderflow.flows.pipeline import Services
from orderflow.flows.settings import ConfigError, Settings
from orderflow.validators import ValidationConfig

log = logging.getLogger("orderflow.services")


def open_store(settings: Settings):
    """Engine + session factory with migrations applied."""
    from orderflow.store.db import make_engine, migrate, session_factory

    engine = make_engine(settings.db_url)
    migrate(engine)
    return engine, session_factory(engine)


def load_reference(settings: Settings, session_factory, *, refresh: bool = False) -> ReferenceData:
    """The latest snapshot in the store (taking one from the CSVs on first use) plus learned xrefs."""
    from orderflow.erp_push.reference_csv import load_reference_csv
    from orderflow.store import repository as repo

    with session_factory() as s, s.begin():
        ref = None if refresh else repo.latest_reference_snapshot(s)
        if ref is None:
            folder = Path(settings.reference_dir)
            if not folder.is_dir():
                raise ConfigError(f"Reference data folder {folder} does not exist.")
            ref = load_reference_csv(folder)
            repo.save_reference_snapshot(s, ref, source=f"csv:{folder}")
        learned = repo.learned_cross_references(s)
    add_learned_xrefs(ref, learned)
    return ref


def add_learned_xrefs(ref: ReferenceData, learned: list[CrossReference]) -> None:
    """Cross-references CSRs taught join the reference data (the ERP's own ones win on the same part)."""
    known = {(x.customer_id, x.customer_part.upper()) for x in ref.cross_references}
    new = [x for x in learned if (x.customer_id, x.customer_part.upper()) not in known]
    if new:
        ref.cross_references.extend(new)
        ref.invalidate()


def make_adapter(settings: Settings) -> ErpAdapter:
    if settings.erp == "file":
        from orderflow.erp_push.file_adapter import FileAdapter

        settings.outbox.mkdir(parents=True, exist_ok=True)
        return FileAdapter(settings.outbox)
    if settings.erp == "tryton":
        from orderflow.flows.erp import tryton_adapter

        return tryton_adapter(settings)
    if settings.erp == "rest":
        from orderflow.flows.erp import rest_adapter

        return rest_adapter(settings)
    raise ConfigError(f"Unknown ERP adapter {settings.erp!r}: use file, tryton or rest.")


def validation_config(settings: Settings) -> ValidationConfig:
    v = settings.validation
    return ValidationConfig(
        price_tolerance_abs=v.price_tolerance_abs,
        price_tolerance_pct=v.price_tolerance_pct,
        fuzzy_accept_score=v.fuzzy_accept_score,
        fuzzy_accept_margin=v.fuzzy_accept_margin,
        case_pack_severity=v.case_pack_severity,
        moq_severity=v.moq_severity,
        approval_thresholds=list(v.approval_thresholds),
        availability_severity=v.availability_severity,
        lead_time_severity=v.lead_time_severity,
        availability_warehouses=v.availability_warehouses,
        quote_severity=v.quote_severity,
        review_confidence=settings.review_confidence,
    )


def partner_hints(settings: Settings) -> list[dict]:
    """Hand-written partner hints: every *.yaml/*.yml in ``hints_dir`` (same format as learned hints)."""
    if not settings.hints_dir:
        return []
    folder = Path(settings.hints_dir)
    if not folder.is_dir():
        raise ConfigError(f"hints_dir {folder} does not exist.")
    from orderflow.extractors.layout.hints import load_hints_yaml

    hints: list[dict] = []
    for path in sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")]):
        try:
            hints.extend(load_hints_yaml(path))
        except Exception as exc:
            raise ConfigError(f"{path}: {exc}") from None
    return hints


def make_hints_for(settings: Settings, session_factory, *, count_uses: bool = True):
    """Partner hints (YAML) plus hints learned from CSR corrections, for one sender and document
    (``count_uses=False``: an evaluation run, e.g. ``orderflow extract --sender``, counts no use)."""
    from orderflow.extractors.layout.hints import hints_for_sender
    from orderflow.flows.learning_wiring import hints_for_factory

    static = partner_hints(settings)
    learned = hints_for_factory(session_factory, count_uses=count_uses)

    def hints_for(sender: str | None, data: bytes | None = None, session=None) -> list[dict]:
        chosen = hints_for_sender(static, sender) if (static and sender) else []
        return [*chosen, *learned(sender, data, session=session)]

    return hints_for


def reply_sinks(settings: Settings) -> dict:
    """One uploader per SFTP drop: acknowledgements go back where the EDI came from."""
    from functools import partial

    if not settings.sftp:
        return {}
    from orderflow.flows.channels import sftp_config
    from orderflow.intake.sftp import write_outbox

    sinks = {}
    for drop in settings.sftp:
        cfg = sftp_config(drop)
        sinks[cfg.label] = partial(write_outbox, cfg)
    return sinks


def build_services(settings: Settings, *, adapter: ErpAdapter | None = None) -> Services:
    _, factory = open_store(settings)
    reference = load_reference(settings, factory)
    adapter = adapter or make_adapter(settings)
    live = getattr(adapter, "credit_exposure", None)
    validation = validation_config(settings)
    validation.charges_carried = bool(getattr(adapter, "carries_charges", False))  # else CHARGE_NOT_CARRIED
    return Services(
        session_factory=factory,
        reference=reference,
        validation=validation,
        adapter=adapter,
        auto_approve=settings.auto_approve,
        push_attempts=settings.push_attempts,
        stale_after=dt.timedelta(seconds=settings.claim_stale_after_seconds),
        prefect_task_batch=settings.prefect_task_batch,
        push_backoff_seconds=settings.push_backoff_seconds,
        replies_dir=settings.replies,
        hints_for=make_hints_for(settings, factory),
        reply_sinks=reply_sinks(settings),
        mailer=notify.mailer(settings),
        live_credit=live if settings.live_credit else None,
        channel_customers=channel_customers(settings),
    )


def channel_customers(settings: Settings) -> dict[str, str]:
    """Drops and mailboxes bound to one customer (``customer = ...``), as ``"sftp:NAME"``/``"imap:NAME"``."""
    bound = {f"sftp:{d.name}": d.customer for d in settings.sftp if d.customer}
    bound |= {f"imap:{m.name}": m.customer for m in settings.imap if m.customer}
    return bound
