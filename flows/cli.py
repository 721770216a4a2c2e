"""The ``orderflow`` command line.

Exit codes: 0 ok, 1 processed with exceptions, 2 unusable input or configuration (one
line on stderr, never a traceback). Heavy imports (Prefect, SQLAlchemy, pdfplumber) are
deferred so ``orderflow extract`` starts fast.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

from orderflow.flows.cli_start import UsageFailure, broken_off, configure_logging, first_order, write_json
from orderflow.flows.cli_start import read_file as _read_file

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Purchase-order intake: extract, validate, review, push.")
queue_app = typer.Typer(no_args_is_help=True, help="The review queue.")
erp_app = typer.Typer(no_args_is_help=True, help="The ERP: demo database, reference-data sync, reconciliation.")
users_app = typer.Typer(no_args_is_help=True, help="Review-app users.")
edi_app = typer.Typer(no_args_is_help=True, help="EDI tools.")
app.add_typer(queue_app, name="queue")
app.add_typer(erp_app, name="erp")
app.add_typer(users_app, name="users")
app.add_typer(edi_app, name="edi")


CHANNELS = ("imap", "sftp", "folder", "portal")


def _emit_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, indent=2, default=str, ensure_ascii=False) + "\n")


def _settings():
    from orderflow.flows.settings import load_settings

    return load_settings()


def _services(settings: Any = None, **kw: Any):
    from orderflow.flows.erp import install_xref_writeback
    from orderflow.flows.services import build_services

    services = build_services(settings or _settings(), **kw)
    install_xref_writeback(services)  # a SKU fixed in review (CLI or web app) reaches the ERP's customer codes
    return services


@app.command()
def extract(
    file: Path,
    as_json: Annotated[bool, typer.Option("--json", help="Print the canonical orders as a JSON array.")] = False,
    pretty: Annotated[
        bool, typer.Option("--pretty", help="Indent the JSON (the default on a terminal; compact otherwise).")
    ] = False,
    explain: Annotated[bool, typer.Option("--explain", help="With --json: per order, its issues and the fields "
                                          "routing would send to a person.")] = False,
    sender: Annotated[str | None, typer.Option("--sender", help="Apply the hints learned for this sender "
                                               "(from the store ORDERFLOW_HOME / ORDERFLOW_DATABASE_URL name).")] = None,
) -> None:
    """Extraction only: the canonical orders found in FILE (a JSON array with --json)."""
    from orderflow.extractors import ExtractContext

    data = _read_file(file)
    context = ExtractContext(filename=file.name)
    if sender is not None:
        sender = _sender(sender)
        context = ExtractContext(filename=file.name, sender=sender, hints=_sender_hints(sender, data))
    if explain:  # routing's view needs the whole extraction (its issues per order), not a stream
        from orderflow.extractors import extract as run_extract
        from orderflow.flows.explain import explain_extraction

        result = run_extract(data, context)
        if not result.orders:
            reason = "; ".join(i.message for i in result.issues) or "no purchase order found"
            raise UsageFailure(f"{file.name}: {reason}")
        _emit_json(explain_extraction(result, _settings().review_confidence))
        return
    summary, first, orders = first_order(data, context, file.name)
    if as_json:  # without --sender, the console script takes this path without typer (cli_start)
        del data  # the extractor holds what it still needs
        if write_json(summary, first, orders, pretty):
            raise typer.Exit(1)
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{file.name} ({summary.format})")
    for col in ("PO", "date", "buyer", "lines", "total"):
        table.add_column(col)
    for o in (first, *orders):
        table.add_row(
            o.po_number or "-",
            str(o.po_date or "-"),
            (o.buyer.name if o.buyer else None) or "-",
            str(len(o.lines)),
            str(o.declared_total or "-"),
        )
    Console().print(table)
    for issue in summary.issues:
        typer.echo(f"{issue.severity}: {issue.code}: {issue.message}", err=True)
    _exit_if_broken_off(summary)


def _sender(value: str) -> str:
    """A sender address as a channel would report it (one token, no spaces)."""
    value = value.strip()
    if not value or any(c.isspace() for c in value):
        raise UsageFailure(f"--sender '{value}': expected one address, e.g. orders@buyer.example")
    return value


def _sender_hints(sender: str, data: bytes) -> list[dict[str, Any]]:
    """The hints the pipeline would hand this sender's document: partner hints plus learned ones, through
    the same lookup (``flows.services.make_hints_for``). Evaluating a document counts no use."""
    from orderflow.flows.services import make_hints_for, open_store

    settings = _settings()
    _, factory = open_store(settings)
    return make_hints_for(settings, factory, count_uses=False)(sender, data)


def _exit_if_broken_off(summary: Any) -> None:
    """Exit 1 when reading stopped half-way (``cli_start.broken_off``)."""
    if broken_off(summary):
        raise typer.Exit(1)


def _print_outcomes(outcomes: list, title: str) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title)
    for col in ("document", "channel", "format", "PO", "customer", "state", "issues / reason"):
        table.add_column(col, overflow="fold")
    for out in outcomes:
        if not out.orders:
            table.add_row(out.document or "-", out.channel or "-", out.format or "-", "-", "-", out.state, out.reason or "")
        for o in out.orders:
            table.add_row(
                out.document or "-",
                out.channel or "-",
                out.format or "-",
                o.po_number or "-",
                o.customer or "-",
                o.state,
                ", ".join(sorted(set(o.issues))),
            )
    Console(width=160).print(table)


@app.command()
def process(
    files: list[Path],
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per document.")] = False,
    prefect: Annotated[bool, typer.Option("--prefect", help="Run as a Prefect flow (a task per document).")] = False,
    push: Annotated[bool, typer.Option("--push/--no-push", help="Push approved orders afterwards.")] = True,
    sender: Annotated[str | None, typer.Option("--sender", help="Process the files as if this sender had sent "
                                               "them (its learned hints and customer apply).")] = None,
    channel: Annotated[str | None, typer.Option("--channel", help="imap | sftp | folder | portal: the channel they "
                                                "came through (default imap with --sender, else cli).")] = None,
) -> None:
    """The whole pipeline on local files or folders: store, extract, validate, route (and push)."""
    from orderflow.canonical import Envelope

    if channel is not None and channel not in CHANNELS:
        raise UsageFailure(f"--channel '{channel}': expected one of {', '.join(CHANNELS)}")
    sender = _sender(sender) if sender is not None else None
    channel = channel or ("imap" if sender else "cli")
    envelopes = [Envelope(data=_read_file(f), filename=f.name, channel=channel, sender=sender)
                 for f in _expand_folders(files)]
    settings = _settings()
    if prefect or settings.engine == "prefect":
        from orderflow.flows.prefect_flows import run_process_envelopes

        outcomes = run_process_envelopes(envelopes, push=push)
    else:
        from orderflow.flows.pipeline import ingest_and_process, push_approved
        from orderflow.flows.progress import DocumentProgress

        services = _services()
        outcomes = []
        with DocumentProgress(len(envelopes), enabled=not as_json) as progress:
            for env in envelopes:
                outcomes.append(ingest_and_process(services, env))
                progress.done(env.filename, outcomes[-1])
        if push:
            push_approved(services)
            outcomes = _refresh(services, outcomes)
        else:
            from orderflow.flows import replies

            replies.deliver(services)  # replies a killed run left owed (push_approved does it too)
    if as_json:
        _emit_json([o.as_json() for o in outcomes])
    else:
        _print_outcomes(outcomes, "orderflow process")
    if any(o.has_exceptions for o in outcomes):
        raise typer.Exit(1)


def _expand_folders(paths: list[Path]) -> list[Path]:
    """``process DIR`` takes the folder's files (not hidden ones, not sub-folders), in name order."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            found = sorted(f for f in p.iterdir() if f.is_file() and not f.name.startswith("."))
            if not found:
                raise UsageFailure(f"{p}: the folder has no files to process")
            out.extend(found)
        else:
            out.append(p)
    return out


def _refresh(services, outcomes: list) -> list:
    from orderflow.flows.pipeline import existing_outcome
    from orderflow.store import repository as repo

    fresh = []
    with services.session_factory() as s:
        for out in outcomes:
            doc = repo.get_document(s, out.document_id)
            fresh.append(existing_outcome(s, doc, duplicate=out.duplicate))
    return fresh


@app.command()
def reprocess(target: str) -> None:
    """Run a stored document (by id) or a file again through the pipeline."""
    from orderflow.canonical import Envelope
    from orderflow.flows.pipeline import ingest, process_document

    services = _services()
    if target.isdigit():
        doc_id = int(target)
    else:
        doc_id, _ = ingest(services, Envelope(data=_read_file(Path(target)), filename=Path(target).name))
    try:
        outcome = process_document(services, doc_id, actor="cli")
    except LookupError as exc:
        raise UsageFailure(str(exc)) from None
    _print_outcomes([outcome], "orderflow reprocess")
    if outcome.has_exceptions:
        raise typer.Exit(1)


@app.command("push")
def push_cmd() -> None:
    """Push every approved order to the ERP (exactly once per order)."""
    from orderflow.flows.pipeline import push_approved, resume_pending

    services = _services()
    resumed = resume_pending(services)
    if resumed:
        typer.echo(f"resumed {len(resumed)} document(s) an earlier run left unprocessed")
    results = push_approved(services)
    for r in results:
        typer.echo(f"order {r.order_id}: " + (f"pushed as {r.erp_order_id}" if r.ok else f"not pushed: {r.error}"))
    if any(not r.ok for r in results):
        raise typer.Exit(1)


@app.command()
def schema() -> None:
    """Print the canonical order's JSON Schema."""
    from orderflow.canonical import order_json_schema

    _emit_json(order_json_schema())


# ---- review queue -------------------------------------------------------------------------


def _revalidator(services):
    from orderflow.flows.pipeline import resolved_payload, validate_order
    from orderflow.review.actions import picked_of, ship_policy_of

    def revalidate(order, row):
        _see_learned_xrefs(services, row)
        with services.session_factory() as s:
            result = validate_order(
                services, s, order, document_id=row.document_id, ship_policy=ship_policy_of(row),
                picked=picked_of(row),
            )
        return result.issues, resolved_payload(result)

    return revalidate


def _see_learned_xrefs(services, row) -> None:
    """Cross-references learned in the caller's transaction (a fix just taught one) join the reference
    data before re-validation, so the fixed order and the customer's waiting ones resolve with them."""
    from sqlalchemy.orm import object_session

    from orderflow.flows.services import add_learned_xrefs
    from orderflow.store import repository as repo

    s = object_session(row)
    if s is None:
        return
    add_learned_xrefs(services.reference, repo.learned_cross_references(s))


@queue_app.command("list")
def queue_list(
    as_json: Annotated[bool, typer.Option("--json")] = False,
    channel: str | None = None,
    customer: str | None = None,
    code: str | None = None,
) -> None:
    """Open review items."""
    from orderflow.store import repository as repo

    services = _services()
    with services.session_factory() as s:
        rows = repo.list_queue(s, channel=channel, customer=customer, code=code)
        items: list[dict[str, Any]] = [
            {
                "id": r.id,
                "document": (r.document.meta or {}).get("filename") if r.document else None,
                "sha256": r.document.sha256 if r.document else None,
                "po_number": r.po_number,
                "customer": r.customer_id,
                "state": str(r.state),
                "issues": [i.code for i in r.issues],
            }
            for r in rows
        ]
    if as_json:
        _emit_json(items)
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"review queue ({len(items)})")
    for col in ("id", "document", "PO", "customer", "issues"):
        table.add_column(col)
    for it in items:
        table.add_row(str(it["id"]), it["document"] or "-", it["po_number"] or "-", it["customer"] or "-", ", ".join(it["issues"]))
    Console(width=160).print(table)


@queue_app.command("failed")
def queue_failed(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Documents that ended as failed, each with its reason; `orderflow reprocess ID` runs one again."""
    from orderflow.store import repository as repo

    services = _services()
    with services.session_factory() as s:
        items: list[dict[str, Any]] = [{"document_id": d.id, "filename": d.filename, "channel": d.channel, "sender": d.sender,
                  "received_at": d.received_at.isoformat() if d.received_at else None, "format": d.format,
                  "reason": d.reason} for d in repo.failed_documents(s)]
    if as_json:
        _emit_json(items)
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"failed documents ({len(items)}); orderflow reprocess ID runs one again")
    for col in ("id", "file", "channel", "sender", "reason"):
        table.add_column(col, overflow="fold")
    for it in items:
        table.add_row(str(it["document_id"]), it["filename"] or "-", it["channel"] or "-", it["sender"] or "-",
                      it["reason"] or "-")
    Console(width=160).print(table)


@queue_app.command("show")
def queue_show(order_id: int) -> None:
    """An order with its issues, audit trail and push attempts (JSON)."""
    from orderflow.review import actions

    services = _services()
    with services.session_factory() as s:
        try:
            _emit_json(actions.show_order(s, order_id))
        except actions.ReviewError as exc:
            raise UsageFailure(str(exc)) from None


def _review_call(fn_name: str, order_id: int, *args: Any, **kw: Any) -> None:
    from orderflow.review import actions

    _review_call_in(actions, fn_name, order_id, *args, **kw)


def _review_call_in(module: Any, fn_name: str, order_id: int, *args: Any, **kw: Any) -> None:
    from orderflow.review import actions

    services = _services()
    with services.session_factory() as s, s.begin():
        try:
            getattr(module, fn_name)(s, order_id, *args, **kw)
        except actions.ReviewError as exc:
            raise UsageFailure(str(exc)) from None
    typer.echo(f"order {order_id}: {fn_name} done")


@queue_app.command("fix")
def queue_fix(
    order_id: int,
    path: Annotated[str | None, typer.Argument(help="A field, e.g. po_number or lines[0].sku.")] = None,
    value: Annotated[str | None, typer.Argument(help="Its value (empty clears it).")] = None,
    from_: Annotated[Path | None, typer.Option("--from", help="The CSR's final version of the order "
                                               "(canonical-order JSON): saved as the review app saves a form.")] = None,
    user: str = "cli",
) -> None:
    """Set a field (e.g. lines[0].sku), or save a whole corrected version (--from FILE); re-validate and learn."""
    if from_ is not None:
        if path is not None:
            raise UsageFailure("give either PATH VALUE or --from FILE, not both")
        _queue_save(order_id, _read_version(from_), user)
        return
    if path is None or value is None:
        raise UsageFailure("queue fix needs PATH VALUE (e.g. lines[0].sku ABC-1) or --from FILE")
    services = _services()
    from orderflow.flows.learning_wiring import make_learner

    _review_call(
        "fix_field", order_id, path, value, user=user, revalidate=_revalidator(services),
        learner=make_learner(hints_for=services.hints_for),
    )


def _read_version(path: Path) -> dict[str, Any]:
    """The corrected order from a JSON file (an object, or ``extract --json``'s array of one order)."""
    raw = _read_file(path)
    try:
        version = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise UsageFailure(f"{path}: not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise UsageFailure(f"{path}: not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})") from None
    if isinstance(version, list) and len(version) == 1:
        version = version[0]
    if not isinstance(version, dict):
        raise UsageFailure(f"{path}: expected one order as a JSON object")
    return version


def _queue_save(order_id: int, version: dict[str, Any], user: str) -> None:
    """``queue fix --from``: the review app's save (``review.actions.save_changes``) of a whole version."""
    from orderflow.flows.learning_wiring import make_learner
    from orderflow.review import actions
    from orderflow.store import repository as repo

    services = _services()
    with services.session_factory() as s, s.begin():
        try:
            row = repo.get_order(s, order_id)
            if row is None:
                raise actions.OrderNotFound(f"order {order_id} does not exist")
            count, changes = actions.version_changes(repo.order_canonical(row), version)
            order, learned = actions.save_changes(s, order_id, changes, user=user, line_count=count,
                                                  revalidate=_revalidator(services),
                                                  learner=make_learner(hints_for=services.hints_for))
            state, requeued = order.state, list(getattr(order, "requeued", []))
        except actions.ReviewError as exc:
            raise UsageFailure(str(exc)) from None
    typer.echo(f"order {order_id}: saved {len(changes)} change(s); order is now {state.replace('_', ' ')}")
    for text in learned:
        typer.echo(f"  learned: {text}")
    if requeued:
        typer.echo(f"  re-applied to waiting order(s) {', '.join(map(str, requeued))}")


def _operator(user: str | None) -> str:
    """Who a queue command acts as: ``--user``, else ``operator`` in the settings, else the OS login."""
    import getpass

    return (user or _settings().operator or getpass.getuser()).strip()


def _operator_role(services: Any, name: str, action: str) -> str:
    """The role the store gives ``name``; a name that is no user is refused (no silent 'lead')."""
    from orderflow.review.auth import load_user

    with services.session_factory() as s:
        who = load_user(s, name)
    if who is None:
        raise UsageFailure(f"cannot {action}: {name!r} is not a user. Add one (orderflow users add {name} --role lead), "
                           "or act as one with --user NAME or operator = \"NAME\" in orderflow.toml")
    return who.role


@queue_app.command("approve")
def queue_approve(
    order_ids: Annotated[list[int], typer.Argument(help="One or more order ids; each is approved on its own.")],
    reason: Annotated[str | None, typer.Option(help="Why; required to override blocking issues (audited).")] = None,
    reason_code: Annotated[str | None, typer.Option(
        help="A standard override reason: customer_confirmed, price_agreed, payment_received, limit_raised, "
             "one_time_exception, other (--reason adds the words; 'other' needs them).")] = None,
    user: Annotated[str | None, typer.Option(help="Act as this user (default: operator, else the OS login).")] = None,
    push: bool = True,
) -> None:
    """Approve orders as the operator (their role decides which approval steps they sign and what they may
    override — credit holds only finance, ``review.overrides``: the review app's Approve, ``review.approving``),
    then push each approved one. An order that
    cannot be approved is reported and the others still are (exit 2 when any was refused)."""
    from orderflow.review import actions, approving
    from orderflow.review.auth import CurrentUser

    name = _operator(user)
    services = _services()
    what = f"approve order {order_ids[0]}" if len(order_ids) == 1 else "approve orders"
    who = CurrentUser(name, _operator_role(services, name, what))
    refused: list[str] = []
    for order_id in dict.fromkeys(order_ids):
        try:
            with services.session_factory() as s, s.begin():
                done = approving.approve(s, order_id, who, override_reason=reason, reason_code=reason_code)
        except actions.ReviewError as exc:
            refused.append(str(exc))
            continue
        if not done.final:
            typer.echo(f"order {order_id}: {done.signed} approval recorded; waiting for {done.waiting} approval")
            continue
        typer.echo(f"order {order_id}: approved")
        if push:
            from orderflow.flows.pipeline import push_order

            r = push_order(services, order_id, actor=name)
            typer.echo(f"order {order_id}: " + (f"pushed as {r.erp_order_id}" if r.ok else f"not pushed: {r.error}"))
    if refused:
        raise UsageFailure("\n".join(refused))


@queue_app.command("send")
def queue_send(
    order_id: int,
    to: Annotated[str, typer.Option(help="lead or finance: the role that may decide.")] = "lead",
    note: Annotated[str | None, typer.Option(help="What they should decide, and why (required, audited).")] = None,
    user: Annotated[str | None, typer.Option(help="Act as this user (default: operator).")] = None,
) -> None:
    """Send an order a CSR may not decide to the lead or finance, with a note (the review app's "Send to")."""
    from orderflow.review import escalation

    name = _operator(user)
    role = _operator_role(_services(), name, f"send order {order_id}")
    _review_call_in(escalation, "send", order_id, user=name, role=role, to=to, note=note or "")


@queue_app.command("take-over")
def queue_take_over(
    order_id: int,
    user: Annotated[str | None, typer.Option(help="Act as this user (default: operator).")] = None,
    minutes: Annotated[int, typer.Option(help="How long the claim lasts.")] = 15,
) -> None:
    """A lead or finance takes over the claim another user holds on an order (audited, as in the review app)."""
    from orderflow.review import claims

    name = _operator(user)
    role = _operator_role(_services(), name, f"take over order {order_id}")
    _review_call_in(claims, "take_over", order_id, user=name, role=role, minutes=minutes)


@queue_app.command("reject")
def queue_reject(order_id: int, reason: Annotated[str | None, typer.Option(help="Why (required).")] = None,
                 user: Annotated[str | None, typer.Option(help="Act as this user (default: operator).")] = None) -> None:
    """Reject an order with a reason."""
    if not (reason or "").strip():
        raise UsageFailure(f"say why the order is rejected: orderflow queue reject {order_id} --reason "
                           "\"duplicate of PO 4711\" (the reason is kept in the audit trail)")
    _review_call("reject", order_id, user=_operator(user), reason=reason)


# ---- demo ---------------------------------------------------------------------------------


@app.command()
def demo(
    prefect: Annotated[bool, typer.Option("--prefect/--no-prefect", help="Run through Prefect (ephemeral).")] = True,
    erp: Annotated[str, typer.Option(help="tryton (embedded, created on first run) or file.")] = "tryton",
    today: Annotated[str | None, typer.Option(help="Run as if today were YYYY-MM-DD: the samples' dates and "
                                              "validation's clock move to it (a new home's first run only).")] = None,
    write_config: Annotated[bool, typer.Option("--write-config/--no-write-config", help="Write the orderflow.toml "
                                               "later commands read (never over a file of your own).")] = True,
) -> None:
    """The sample inbox end to end on the embedded defaults; running it twice adds nothing.

    Afterwards ``orderflow.toml`` (or the file ORDERFLOW_CONFIG names) holds the ERP, store and reference
    data the demo used, so ``ui``, ``push``, ``serve``, ``health`` and ``erp reconcile`` use the same."""
    import datetime as dt

    from orderflow.flows.demo import home_demo_day, run_demo

    day = None
    if today is not None:
        try:
            day = dt.date.fromisoformat(today)
        except ValueError:
            raise UsageFailure(f"--today '{today}': expected a date as YYYY-MM-DD") from None
    settings = _settings()
    settings.erp = erp
    code = run_demo(settings, use_prefect=prefect, today=day)
    if write_config:
        from orderflow.flows.demo_config import write_demo_config

        _, message = write_demo_config(settings, home_demo_day(settings))
        typer.echo(message)
    raise typer.Exit(code)


@app.command()
def poll(
    channel: Annotated[str | None, typer.Option(help="Only this channel name.")] = None,
    process_now: Annotated[bool, typer.Option("--process/--no-process")] = True,
) -> None:
    """Poll every configured mailbox, SFTP drop and folder once; process and push what came in."""
    from orderflow.flows.channels import poll_channel
    from orderflow.flows.pipeline import process_safely, push_approved

    settings = _settings()
    services = _services()
    outcomes: list[Any] = []
    errors = 0
    for kind, configs in (("imap", settings.imap), ("sftp", settings.sftp), ("folder", settings.folders)):
        for cfg in configs:
            if channel and cfg.name != channel:
                continue
            report, stored = poll_channel(kind, cfg, services)
            typer.echo(report.summary())
            for err in report.errors:
                typer.echo(f"  error: {err}", err=True)
            errors += len(report.errors)
            if process_now:
                outcomes.extend(process_safely(services, doc_id) for doc_id in stored)
    if process_now:
        push_approved(services)
        if outcomes:
            _print_outcomes(_refresh(services, outcomes), "orderflow poll")
    if errors or any(o.has_exceptions for o in outcomes):
        raise typer.Exit(1)


@app.command()
def serve() -> None:
    """Serve every flow on its schedule (Prefect serve); starts a local Prefect server if none is set."""
    from orderflow.flows.serve import serve as run_serve

    run_serve(_settings())


@app.command()
def ui(
    host: str = "127.0.0.1",
    port: int = 8080,
    insecure_cookies: Annotated[bool, typer.Option(help="Allow cookies over plain HTTP (local use).")] = False,
) -> None:
    """The CSR review web app (cookies signed with ORDERFLOW_UI_SECRET, else the secret kept in <home>/ui-secret)."""
    import uvicorn

    from orderflow.flows.erp import describe_erp

    settings = _settings()
    app_ = review_app(settings, secure_cookies=not insecure_cookies)
    typer.echo(f"review app: approvals push to {describe_erp(settings)}; store in {settings.home}", err=True)
    uvicorn.run(app_, host=host, port=port, log_level="info")


def review_app(settings: Any, *, secure_cookies: bool = True) -> Any:
    """The review web app ``orderflow ui`` serves, on these settings' store and ERP (named in its header)."""
    from orderflow.erp_push.base import is_transient
    from orderflow.flows.erp import describe_erp
    from orderflow.flows.learning_wiring import make_learner
    from orderflow.flows.pipeline import push_in_session
    from orderflow.flows.ui_secret import ui_secret
    from orderflow.review.app import create_review_app

    services = _services(settings)
    try:
        secret = ui_secret(settings)
    except (OSError, ValueError) as exc:
        raise UsageFailure(f"the review app's secret: {exc}") from None
    return create_review_app(
        services.session_factory,
        revalidate=_revalidator(services),
        push=lambda s, row: push_in_session(services, s, row),  # the one push path: it mails the buyer too
        secret_key=secret,
        secure_cookies=secure_cookies,
        learner=make_learner(hints_for=services.hints_for),
        is_transient=is_transient,
        erp_name=describe_erp(settings),
    )


@app.command()
def portal(host: str = "127.0.0.1", port: int = 8081) -> None:
    """The portal API (POST /api/orders); client tokens from `portal_tokens_file` (token client per line)."""
    import uvicorn

    from orderflow.flows.channels import make_portal_app

    settings = _settings()
    tokens: dict[str, str] = {}
    if settings.portal_tokens_file:
        for line in Path(settings.portal_tokens_file).read_text().splitlines():
            if line.strip() and not line.startswith("#"):
                token, client = line.split(None, 1)
                tokens[token] = client.strip()
    if not tokens:
        raise UsageFailure("No portal clients configured: set portal_tokens_file (lines of 'TOKEN CLIENT').")
    uvicorn.run(make_portal_app(_services(), tokens), host=host, port=port)


@edi_app.command("lint")
def edi_lint(file: Path) -> None:
    """Strict check of an EDI file with pyx12 / pydifact (exit 1 when it finds problems)."""
    from orderflow.extractors.edi.lint import lint

    problems = lint(_read_file(file))
    for p in problems:
        typer.echo(p)
    if problems:
        raise typer.Exit(1)
    typer.echo(f"{file.name}: clean")


def _register_optional_commands() -> None:
    """Commands that live in their own modules (ops, changes, hints) register themselves here."""
    import importlib

    for name in ("orderflow.flows.cli_ops", "orderflow.flows.cli_erp", "orderflow.flows.cli_hints",
                 "orderflow.flows.cli_users"):
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue
            raise
        module.register(app)


_register_optional_commands()


def main() -> NoReturn:
    """Console-script entry: turns configuration and input failures into exit 2 without a traceback."""
    configure_logging()
    try:
        rc = app(standalone_mode=False)
        sys.exit(rc if isinstance(rc, int) else 0)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except UsageFailure as exc:
        typer.echo(f"orderflow: {exc}", err=True)
        sys.exit(2)
    except Exception as exc:  # configuration errors, click usage errors and anything unforeseen
        # settings are imported only by the commands that need them (extract stays light): a
        # ConfigError can only come from a run that imported them
        settings = sys.modules.get("orderflow.flows.settings")
        if settings is not None and isinstance(exc, settings.ConfigError):
            typer.echo(f"orderflow: {exc}", err=True)
            sys.exit(2)
        import click

        if isinstance(exc, click.exceptions.Abort):
            sys.exit(130)
        if isinstance(exc, click.ClickException):
            exc.show()
            sys.exit(2)
        typer.echo(f"orderflow: {type(exc).__name__}: {exc}", err=True)
        sys.exit(2)


if __name__ == "__main__":
    main()
