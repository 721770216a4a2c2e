"""``orderflow hints list|show|delete``: what the system learned from corrections, by whom, when, how often used."""

from __future__ import annotations

import json
from typing import Annotated

import typer

hints_app = typer.Typer(help="Extraction hints learned from CSR corrections.", no_args_is_help=True)


def _session_factory():
    from orderflow.flows.cli import _services  # noqa: PLC0415 - cli imports this module first

    return _services().session_factory


def _when(value) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else ""


@hints_app.command("list")
def hints_list(
    all_: Annotated[bool, typer.Option("--all", help="Include retired hints.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="JSON array on stdout.")] = False,
) -> None:
    """Learned hints, newest first: id, what it says, who taught it, when, uses."""
    from orderflow.review import learning  # noqa: PLC0415

    with _session_factory()() as s:
        rows = learning.list_hints(s, include_retired=all_)
    if as_json:
        typer.echo(json.dumps([{**r, "created_at": _when(r["created_at"])} for r in rows], indent=2, default=str))
        return
    if not rows:
        typer.echo("No learned hints.")
        return
    for r in rows:
        state = " [retired]" if r["retired"] else ""
        typer.echo(f"{r['id']:>5}  {r['description']}{state}")
        typer.echo(f"       by {r['created_by'] or '?'} at {_when(r['created_at'])} UTC · used {r['uses']}x · "
                   f"corrected {r['corrected']}x")


@hints_app.command("show")
def hints_show(hint_id: int) -> None:
    """One hint: the hint dict the extractor gets, its evidence and counters."""
    from orderflow.flows.cli import UsageFailure  # noqa: PLC0415
    from orderflow.review import learning  # noqa: PLC0415

    with _session_factory()() as s:
        r = learning.get_hint(s, hint_id)
    if r is None:
        raise UsageFailure(f"hint {hint_id} does not exist")
    r = {**r, "created_at": _when(r["created_at"])}
    typer.echo(json.dumps(r, indent=2, default=str))


@hints_app.command("delete")
def hints_delete(hint_id: int, user: str = "cli") -> None:
    """Undo a learned hint (the audit trail keeps what it was)."""
    from orderflow.flows.cli import UsageFailure  # noqa: PLC0415
    from orderflow.review import learning  # noqa: PLC0415

    with _session_factory()() as s, s.begin():
        if not learning.delete_hint(s, hint_id, user=user):
            raise UsageFailure(f"hint {hint_id} does not exist")
    typer.echo(f"hint {hint_id} deleted")


def register(app: typer.Typer) -> None:
    app.add_typer(hints_app, name="hints")
