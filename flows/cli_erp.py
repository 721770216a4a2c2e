"""`orderflow erp init-demo | sync | reconcile`."""

from __future__ import annotations

import json
import sys

import typer


def register(app: typer.Typer) -> None:
    erp_app = next(g.typer_instance for g in app.registered_groups if g.name == "erp")

    @erp_app.command("init-demo")
    def init_demo_cmd() -> None:
        """Create the embedded Tryton database with the demo customers, items, prices, credit and codes."""
        from rich.console import Console

        from orderflow.erp_push.reference_csv import load_reference_csv
        from orderflow.flows.erp import init_demo, tryton_dir
        from orderflow.flows.settings import load_settings

        settings = load_settings()
        ref = load_reference_csv(settings.reference_dir)
        with Console(stderr=True).status("Creating the Tryton database (about a minute the first time)..."):
            init_demo(settings, ref)
        typer.echo(f"Tryton database '{settings.tryton.database}' ready in {tryton_dir(settings)}")

    @erp_app.command("sync")
    def sync_cmd() -> None:
        """Pull reference data from the ERP into a new store snapshot."""
        from orderflow.flows.erp import sync_reference
        from orderflow.flows.services import build_services
        from orderflow.flows.settings import load_settings

        services = build_services(load_settings())
        snap = sync_reference(services)
        ref = services.reference
        typer.echo(
            f"snapshot {snap}: {len(ref.items)} items, {len(ref.customers)} customers, "
            f"{len(ref.price_agreements)} prices, {len(ref.cross_references)} cross-references"
        )

    @erp_app.command("reconcile")
    def reconcile_cmd(as_json: bool = typer.Option(False, "--json")) -> None:
        """Compare pushed orders with the ERP's sales: missing, duplicated, totals that differ."""
        from orderflow.flows.erp import reconcile_with_erp
        from orderflow.flows.services import build_services
        from orderflow.flows.settings import load_settings

        report = reconcile_with_erp(build_services(load_settings()))
        if as_json:
            sys.stdout.write(json.dumps(report, indent=2) + "\n")
        else:
            typer.echo(f"checked {report['checked']}, matched {report['matched']}, drift {len(report['drift'])}")
            for d in report["drift"]:
                typer.echo(f"  {d['kind']}: {d['key']} {d['message']}")
        if report["drift"]:
            raise typer.Exit(1)
