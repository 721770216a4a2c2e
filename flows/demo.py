"""`orderflow demo`: the sample inbox end to end on the embedded defaults.

Each sample carries the channel and sender it would have arrived with (``manifest.json``),
so customer identification works as it does for real mail and EDI. The samples' dates are
moved to the demo's day (``flows/demo_dates.py``): the day of the first run in a home, kept in
``<home>/demo/day``, so a second run finds every document by its sha256 and creates nothing new.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from pathlib import Path

from rich.console import Console
from rich.table import Table

from orderflow.canonical import Envelope
from orderflow.flows.demo_dates import shift_document, shifted_reference
from orderflow.flows.pipeline import DocumentOutcome
from orderflow.flows.settings import SAMPLES_DIR, ConfigError, Settings

INBOX = SAMPLES_DIR / "inbox"
REFERENCE = SAMPLES_DIR / "reference"


def sample_day(inbox: Path = INBOX) -> dt.date:
    """The day the samples were written for: their dates tell their story as seen on this day."""
    return dt.date.fromisoformat(json.loads((inbox / "manifest.json").read_text())["sample_day"])


def demo_dir(settings: Settings) -> Path:
    return Path(settings.home) / "demo"


def home_demo_day(settings: Settings) -> dt.date | None:
    """The day this home's demo ran on (None before its first run)."""
    marker = demo_dir(settings) / "day"
    return dt.date.fromisoformat(marker.read_text().strip()) if marker.is_file() else None


def fix_demo_day(settings: Settings, today: dt.date | None = None) -> dt.date:
    """The demo's day in this home: ``today`` (else the clock's) at the first run, the same day after."""
    day = home_demo_day(settings)
    if day is not None:
        if today is not None and today != day:
            raise ConfigError(f"The demo in {settings.home} ran for {day.isoformat()}; run it for "
                              f"{today.isoformat()} in a new home (ORDERFLOW_HOME=...).")
        return day
    day = today or dt.date.today()
    demo_dir(settings).mkdir(parents=True, exist_ok=True)
    (demo_dir(settings) / "day").write_text(day.isoformat() + "\n")
    return day


def demo_envelopes(inbox: Path = INBOX, *, day: dt.date | None = None) -> list[Envelope]:
    """The inbox as envelopes; with ``day``, every date moved from the samples' day to it."""
    manifest = json.loads((inbox / "manifest.json").read_text())
    days = (day - sample_day(inbox)).days if day is not None else 0
    envelopes = []
    for entry in manifest["documents"]:
        path = inbox / entry["file"]
        envelopes.append(
            Envelope(
                data=shift_document(path.name, path.read_bytes(), days),
                filename=path.name,
                channel=entry.get("channel", "folder"),
                sender=entry.get("sender"),
                subject=entry.get("subject"),
                metadata={"expect": entry.get("expect")},
            )
        )
    return envelopes


def prepare_demo(settings: Settings, today: dt.date | None = None) -> dt.date:
    """Fix the demo's day and point ``settings.reference_dir`` at the sample reference data moved to it
    (a reference folder of the user's own is left as it is)."""
    day = fix_demo_day(settings, today)
    if Path(settings.reference_dir).resolve() == REFERENCE.resolve():
        days = (day - sample_day()).days
        settings.reference_dir = shifted_reference(REFERENCE, (demo_dir(settings) / "reference").resolve(), days)
    return day


def run_demo(settings: Settings, *, use_prefect: bool = True, console: Console | None = None,
             today: dt.date | None = None) -> int:
    """The sample inbox through the pipeline (and the ERP push). ``today`` runs it as if the clock said
    so: the samples are moved to that day and validation judges availability and dates on it."""
    from orderflow.flows.services import build_services

    console = console or Console(width=170)
    day = prepare_demo(settings, today)
    if settings.erp == "tryton":
        from orderflow.erp_push.reference_csv import load_reference_csv
        from orderflow.flows.erp import init_demo, tryton_database_exists

        if not tryton_database_exists(settings):
            with console.status("Creating the demo Tryton ERP database (once, about a minute)..."):
                init_demo(settings, load_reference_csv(settings.reference_dir))
    services = build_services(settings)
    if today is not None:
        services.validation.today = today
    envelopes = demo_envelopes(day=day)
    if use_prefect:
        from orderflow.flows import prefect_flows

        prefect_flows.set_services(services)
        outcomes = prefect_flows.run_process_envelopes(envelopes, push=True)
    else:
        from orderflow.flows.pipeline import ingest_and_process, push_approved

        outcomes = [ingest_and_process(services, env) for env in envelopes]
        push_approved(services)
        from orderflow.flows.cli import _refresh

        outcomes = _refresh(services, outcomes)
    print_outcomes(console, services, outcomes)
    from orderflow.flows.erp import describe_erp

    shift = (day - sample_day()).days
    console.print(f"ERP: {describe_erp(settings)}; store: {settings.db_url.removeprefix('sqlite:///')}; sample dates "
                  f"moved {shift:+d} days to {day.isoformat()}")
    return 0


def print_outcomes(console: Console, services, outcomes: list[DocumentOutcome]) -> None:
    from orderflow.store import repository as repo

    table = Table(title="orderflow demo — sample inbox", show_lines=False)
    for col in ("document", "channel", "format", "PO", "customer", "state", "ERP order", "issues / reason"):
        table.add_column(col, overflow="fold")
    states: Counter[str] = Counter()
    with services.session_factory() as s:
        for out in outcomes:
            if not out.orders:
                states[f"document {out.state}"] += 1
                table.add_row(out.document, out.channel, out.format or "-", "-", "-", out.state, "-", out.reason or "")
            for o in out.orders:
                row = repo.get_order(s, o.id)
                states[o.state] += 1
                table.add_row(
                    out.document,
                    out.channel,
                    out.format or "-",
                    o.po_number or "-",
                    o.customer or "-",
                    o.state,
                    (row.erp_order_id if row is not None else None) or "-",
                    ", ".join(dict.fromkeys(o.issues)),
                )
    console.print(table)
    from orderflow.flows.changes import print_versions

    print_versions(console, services, outcomes)  # order changes: the history of changed orders
    dupes = sum(1 for o in outcomes if o.duplicate)
    summary = ", ".join(f"{k}: {v}" for k, v in sorted(states.items()))
    console.print(f"[bold]{len(outcomes)} documents[/bold] ({dupes} already seen) — {summary}")
