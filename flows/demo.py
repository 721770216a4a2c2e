"""`orderflow demo`: the sample inbox end to end on the embedded defaults.

Each sample carries the channel and sender it would have arrived with (``manifest.json``),
so customer identification works as it does for real mail and EDI. A second run finds
every document by its sha256 and creates nothing new.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from rich.console import Console
from rich.table import Table

from orderflow.canonical import Envelope
from orderflow.flows.pipeline import DocumentOutcome
from orderflow.flows.settings import SAMPLES_DIR, Settings

INBOX = SAMPLES_DIR / "inbox"


def demo_envelopes(inbox: Path = INBOX) -> list[Envelope]:
    manifest = json.loads((inbox / "manifest.json").read_text())
    envelopes = []
    for entry in manifest["documents"]:
        path = inbox / entry["file"]
        envelopes.append(
            Envelope(
                data=path.read_bytes(),
                filename=path.name,
                channel=entry.get("channel", "folder"),
                sender=entry.get("sender"),
                subject=entry.get("subject"),
                metadata={"expect": entry.get("expect")},
            )
        )
    return envelopes


def run_demo(settings: Settings, *, use_prefect: bool = True, console: Console | None = None) -> int:
    from orderflow.flows.services import build_services

    console = console or Console(width=170)
    if settings.erp == "tryton":
        from orderflow.erp_push.reference_csv import load_reference_csv
        from orderflow.flows.erp import init_demo, tryton_database_exists

        if not tryton_database_exists(settings):
            with console.status("Creating the demo Tryton ERP database (once, about a minute)..."):
                init_demo(settings, load_reference_csv(settings.reference_dir))
    services = build_services(settings)
    envelopes = demo_envelopes()
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
