"""`orderflow erp init-demo | sync | reconcile | status | write-back`, `orderflow changes expire`."""

from __future__ import annotations

import json
import sys

import typer


def register(app: typer.Typer) -> None:
    erp_app = next(g.typer_instance for g in app.registered_groups if g.name == "erp" and g.typer_instance)

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

    @erp_app.command("status")
    def status_cmd(
        as_json: bool = typer.Option(False, "--json"),
        acks: bool = typer.Option(True, help="Send the 855/ORDRSP when the ERP confirmed or cancelled an EDI order."),
    ) -> None:
        """Read sale states and shipments from the ERP into the orders' timelines (confirmed → acknowledged,
        cancelled in the ERP → review)."""
        from orderflow.flows.erp import sync_statuses
        from orderflow.flows.services import build_services
        from orderflow.flows.settings import load_settings

        settings = load_settings()
        report = sync_statuses(build_services(settings), send_acks=acks and settings.erp_status_acks)
        if as_json:
            sys.stdout.write(json.dumps(report, indent=2) + "\n")
        else:
            typer.echo(f"checked {report['checked']}, changed {len(report['changed'])}, acknowledged "
                       f"{len(report['acknowledged'])}, back to review {len(report['rejected'])}, "
                       f"acknowledgements sent {report['acks']}")
            for e in report["errors"]:
                typer.echo(f"  order {e['order_id']}: {e['error']}", err=True)
        if report["errors"]:
            raise typer.Exit(1)

    @erp_app.command("write-back")
    def write_back_cmd() -> None:
        """Write learned cross-references the ERP does not have yet back as its customer product codes."""
        from orderflow.flows.erp import write_back_cross_references
        from orderflow.flows.services import build_services
        from orderflow.flows.settings import load_settings

        report = write_back_cross_references(build_services(load_settings()))
        if not report["supported"]:
            typer.echo("this ERP adapter cannot take cross-references")
            return
        typer.echo(f"written {report['written']}, already there {report['unchanged']}, "
                   f"refused {len(report['refused'])}")
        for r in report["refused"]:
            typer.echo(f"  {r['customer_id']} {r['customer_part']} → {r['sku']}: {r['error']}", err=True)
        if report["error"]:
            typer.echo(f"stopped: {report['error']}", err=True)
        if report["error"] or report["refused"]:
            raise typer.Exit(1)

    changes_app = typer.Typer(no_args_is_help=True, help="Order changes (860/ORDCHG) waiting for their original.")
    app.add_typer(changes_app, name="changes")

    @changes_app.command("expire")
    def changes_expire_cmd(
        hours: float | None = typer.Option(None, help="Wait this long for the original (default: change_wait_hours)."),
    ) -> None:
        """Send changes still waiting for their original after the wait to review (ORIGINAL_NOT_FOUND)."""
        from orderflow.flows.erp import expire_waiting_changes
        from orderflow.flows.services import build_services
        from orderflow.flows.settings import load_settings

        settings = load_settings()
        wait = settings.change_wait_hours if hours is None else hours
        moved = expire_waiting_changes(build_services(settings), wait, actor="cli")
        typer.echo(f"{len(moved)} change(s) sent to review" + (f": {', '.join(map(str, moved))}" if moved else ""))
