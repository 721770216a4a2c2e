"""Operations commands: ``orderflow stats``, ``orderflow health``, ``orderflow worker``.

Registered on the main CLI by ``flows/cli.py``. Output carries counts, codes, ages and
names, never prices or secrets.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
from collections import Counter, defaultdict
from typing import Annotated, Any

import typer

_SPAN = re.compile(r"^\s*(\d+)\s*([smhdw])\s*$")
_UNIT = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
_TOUCHLESS_END = ("pushed", "acknowledged")


def parse_since(text: str) -> dt.timedelta:
    """``7d``, ``12h``, ``30m``, ``2w`` → timedelta; anything else is a usage error."""
    m = _SPAN.match(text or "")
    if not m:
        raise typer.BadParameter(f"{text!r}: use a number and a unit, e.g. 7d, 12h, 30m")
    return dt.timedelta(**{_UNIT[m.group(2)]: int(m.group(1))})


def percentile(values: list[float], pct: float) -> float | None:
    """Nearest-rank percentile (None for no values)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, min(len(ordered), int(-(-pct * len(ordered) // 100))))
    return ordered[rank - 1]


# --------------------------------------------------------------------------- stats


def compute_stats(session_factory: Any, since: dt.timedelta, now: dt.datetime | None = None) -> dict[str, Any]:
    """Touchless rate, exceptions by code, queue age p50/p95, by channel and customer, for a window.

    Touchless: an order that reached the ERP without ever being in ``needs_review``.
    """
    from sqlalchemy import select

    from orderflow.store.models import AuditEvent, Document, IssueRow, Order

    now = now or dt.datetime.now(dt.UTC)
    start = now - since
    with session_factory() as s:
        orders = s.execute(
            select(Order.id, Order.state, Order.channel, Order.customer_id, Order.created_at, Order.resolved).where(
                Order.created_at >= start
            )
        ).all()
        ids = [o.id for o in orders]
        reviewed: set[int] = set()
        codes: Counter[str] = Counter()  # orders on which each blocking code was raised in the window
        open_codes: Counter[str] = Counter()  # ... and on which it is still open
        if ids:
            for chunk in _chunks(ids, 1000):
                for entity_id, after in s.execute(
                    select(AuditEvent.entity_id, AuditEvent.after).where(
                        AuditEvent.entity == "order", AuditEvent.entity_id.in_([str(i) for i in chunk])
                    )
                ):
                    if isinstance(after, dict) and after.get("state") == "needs_review":
                        reviewed.add(int(entity_id))
                open_codes.update(
                    s.scalars(
                        select(IssueRow.code).where(IssueRow.order_id.in_(chunk), IssueRow.severity == "error")
                    ).all()
                )
        # raised in the window (audited when a blocking code first appears on an order), cleared or not
        raised: set[tuple[str, str]] = set()
        for entity_id, after in s.execute(
            select(AuditEvent.entity_id, AuditEvent.after).where(
                AuditEvent.entity == "order", AuditEvent.action.in_(("created", "updated", "issues")),
                AuditEvent.at >= start
            )
        ):
            for code in (after or {}).get("raised") or [] if isinstance(after, dict) else []:
                raised.add((entity_id, code))
        codes.update(code for _, code in raised)
        failed = [{"document_id": d.id, "filename": d.filename, "channel": d.channel, "reason": d.reason}
                  for d in s.scalars(select(Document).where(Document.state == "failed", Document.created_at >= start)
                                     .order_by(Document.id))]
        queue = s.execute(
            select(Order.channel, Order.customer_id, Order.created_at).where(Order.state == "needs_review")
        ).all()
        docs = s.execute(select(Document.state).where(Document.created_at >= start)).scalars().all()

    def summary(rows: list[Any]) -> dict[str, Any]:
        done = [r for r in rows if r.state in _TOUCHLESS_END]
        touchless = [r for r in done if r.id not in reviewed]
        return {
            "orders": len(rows),
            "pushed": len(done),
            "touchless": len(touchless),
            "touchless_rate": round(len(touchless) / len(rows), 4) if rows else None,
            "needs_review": sum(1 for r in rows if r.state == "needs_review"),
        }

    def ages(rows: list[Any]) -> dict[str, Any]:
        values = [(now - _aware(r.created_at)).total_seconds() for r in rows]
        return {"count": len(values), "p50_seconds": _round(percentile(values, 50)),
                "p95_seconds": _round(percentile(values, 95))}

    by_channel: dict[str, list[Any]] = defaultdict(list)
    by_customer: dict[str, list[Any]] = defaultdict(list)
    for o in orders:
        by_channel[o.channel or "?"].append(o)
        by_customer[o.customer_id or "?"].append(o)
    q_channel: dict[str, list[Any]] = defaultdict(list)
    q_customer: dict[str, list[Any]] = defaultdict(list)
    for q in queue:
        q_channel[q.channel or "?"].append(q)
        q_customer[q.customer_id or "?"].append(q)
    learned = sum(
        1
        for o in orders
        for line in ((o.resolved or {}).get("lines") or [])
        if isinstance(line, dict) and line.get("resolved_by") == "learned"
    )
    return {
        "window": {"since": start.isoformat(), "until": now.isoformat()},
        "documents": dict(sorted(Counter(docs).items())),
        **summary(orders),
        "exceptions_by_code": dict(codes.most_common()),
        "open_exceptions_by_code": dict(open_codes.most_common()),
        "failed_documents": failed,
        "queue_age": ages(queue),
        "learned_xref_lines": learned,
        "by_channel": {
            k: {**summary(v), "queue_age": ages(q_channel.get(k, []))} for k, v in sorted(by_channel.items())
        },
        "by_customer": {
            k: {**summary(v), "queue_age": ages(q_customer.get(k, []))} for k, v in sorted(by_customer.items())
        },
    }


def _chunks(items: list[int], n: int):
    for i in range(0, len(items), n):
        yield items[i : i + n]


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _age(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    if seconds < 120:
        return f"{seconds:.0f}s"
    if seconds < 7200:
        return f"{seconds / 60:.0f}m"
    if seconds < 172800:
        return f"{seconds / 3600:.1f}h"
    return f"{seconds / 86400:.1f}d"


def _rate(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.1f}%"


def print_stats(stats: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(width=140)
    q = stats["queue_age"]
    console.print(
        f"orders {stats['orders']} · pushed {stats['pushed']} · touchless {stats['touchless']} "
        f"({_rate(stats['touchless_rate'])}) · in review {q['count']} (age p50 {_age(q['p50_seconds'])}, "
        f"p95 {_age(q['p95_seconds'])}) · lines resolved by learned cross-references {stats['learned_xref_lines']}"
    )
    for title, key in (("by channel", "by_channel"), ("by customer", "by_customer")):
        table = Table(title=title)
        for col in ("", "orders", "pushed", "touchless", "review now", "age p50", "age p95"):
            table.add_column(col)
        for name, row in stats[key].items():
            table.add_row(name, str(row["orders"]), str(row["pushed"]), _rate(row["touchless_rate"]),
                          str(row["queue_age"]["count"]), _age(row["queue_age"]["p50_seconds"]),
                          _age(row["queue_age"]["p95_seconds"]))
        console.print(table)
    table = Table(title="exceptions by code (orders on which it was raised in the window / still open)")
    table.add_column("code")
    table.add_column("raised")
    table.add_column("open")
    for code, n in stats["exceptions_by_code"].items():
        table.add_row(code, str(n), str(stats["open_exceptions_by_code"].get(code, 0)))
    console.print(table)
    failed = stats["failed_documents"]
    table = Table(title=f"failed documents ({len(failed)}); orderflow reprocess ID runs one again")
    for col in ("id", "file", "channel", "reason"):
        table.add_column(col, overflow="fold")
    for d in failed:
        table.add_row(str(d["document_id"]), d["filename"] or "-", d["channel"] or "-", d["reason"] or "-")
    console.print(table)


# --------------------------------------------------------------------------- health


def check_health(settings: Any, services_factory: Any = None) -> list[dict[str, Any]]:
    """Whether the store answers (first), which channels answer (IMAP login, SFTP connect, folder
    exists) and the ERP; never raises."""
    from orderflow.flows.channels import imap_config, sftp_config

    results: list[dict[str, Any]] = []

    def probe(kind: str, name: str, fn: Any) -> None:
        try:
            detail = fn()
            results.append({"kind": kind, "name": name, "ok": True, "detail": detail or "ok"})
        except Exception as exc:  # a down channel is a finding, not a crash
            results.append({"kind": kind, "name": name, "ok": False, "detail": f"{type(exc).__name__}: {exc}"})

    probe("store", "store", lambda: store_probe(settings.db_url))  # first: nothing works without it
    for box in settings.imap:
        def imap_probe(box=box) -> str:
            from orderflow.intake.imap import _close, connect, describe_connect_error

            config = imap_config(box)
            try:
                client = connect(config)
            except Exception as exc:  # the same readable line the poller reports (TLS trust, login refused)
                raise ConnectionError(describe_connect_error(exc, config)) from exc
            try:
                client.select_folder(box.folder, readonly=True)
            finally:
                _close(client)
            return f"login ok, folder {box.folder}"

        probe("imap", box.name, imap_probe)
    for drop in settings.sftp:
        def sftp_probe(drop=drop) -> str:
            from orderflow.intake.sftp import connect

            client, sftp = connect(sftp_config(drop))
            try:
                sftp.stat(drop.inbound)
            finally:
                sftp.close()
                client.close()
            return f"connected, {drop.inbound} exists"

        probe("sftp", drop.name, sftp_probe)
    for folder in settings.folders:
        def folder_probe(folder=folder) -> str:
            from pathlib import Path

            path = Path(folder.inbound)
            if not path.is_dir():
                raise FileNotFoundError(f"{path} is not a directory")
            return f"{path} exists"

        probe("folder", folder.name, folder_probe)

    def erp_probe() -> str:
        from orderflow.flows.erp import describe_erp
        from orderflow.flows.services import make_adapter

        adapter = make_adapter(settings)
        ping = getattr(adapter, "ping", None)
        if callable(ping):
            ping()
            return f"{describe_erp(settings)}: ping ok"
        return f"{describe_erp(settings)}: {len(adapter.list_orders())} order(s) visible"

    probe("erp", settings.erp, erp_probe)
    return results


def store_probe(url: str, timeout: int = 5) -> str:
    """Connect to the store, run a query and read its schema version; raises when it is down.

    A SQLite file not created yet is fine (the first run creates it); nothing is written here."""
    from pathlib import Path

    from sqlalchemy import inspect, text
    from sqlalchemy.engine import make_url

    from orderflow.store.db import make_engine

    u = make_url(url)
    if u.get_backend_name() == "sqlite" and u.database not in (None, "", ":memory:") \
            and not Path(u.database).exists():
        return f"sqlite {u.database} not created yet (made on first run)"
    engine = make_engine(url, connect_args={"connect_timeout": timeout}) \
        if u.get_backend_name() == "postgresql" else make_engine(url)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
            version = None
            if inspect(conn).has_table("alembic_version"):
                version = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    finally:
        engine.dispose()
    where = u.render_as_string(hide_password=True)
    return f"{where} answers, schema {version or 'not created yet'}"


# --------------------------------------------------------------------------- register


def register(app: typer.Typer) -> None:
    """Add ``stats``, ``health`` and ``worker`` to the main CLI."""

    @app.command()
    def stats(
        since: Annotated[str, typer.Option(help="Time window, e.g. 7d, 24h, 30m.")] = "7d",
        as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    ) -> None:
        """Touchless rate, exceptions by code, review-queue age p50/p95, by channel and customer."""
        from orderflow.flows.services import open_store
        from orderflow.flows.settings import load_settings

        window = parse_since(since)
        _, factory = open_store(load_settings())
        result = compute_stats(factory, window)
        if as_json:
            sys.stdout.write(json.dumps(result, indent=2) + "\n")
        else:
            print_stats(result)

    @app.command()
    def health(as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False) -> None:
        """The store, the channels (IMAP login, SFTP connect, folder) and the ERP; exit 1 when one is down."""
        from orderflow.flows.settings import load_settings

        results = check_health(load_settings())
        if as_json:
            sys.stdout.write(json.dumps(results, indent=2) + "\n")
        else:
            for r in results:
                typer.echo(f"{'up  ' if r['ok'] else 'DOWN'}  {r['kind']:<6} {r['name']:<20} {r['detail']}")
        if not all(r["ok"] for r in results):
            raise typer.Exit(1)

    @app.command()
    def worker(
        name: Annotated[str | None, typer.Option("--name", help="Worker name in the audit trail.")] = None,
        once: Annotated[bool, typer.Option("--once/--forever", help="Drain the queue once, or keep polling.")] = True,
        batch: Annotated[int, typer.Option(help="Documents claimed per transaction.")] = 10,
        idle: Annotated[float, typer.Option(help="Seconds to sleep when idle (--forever).")] = 2.0,
    ) -> None:
        """Claim documents and approved orders with row locks and process them (scale-out worker)."""
        from orderflow.flows.services import build_services
        from orderflow.flows.settings import load_settings
        from orderflow.flows.workers import default_worker_name, process_claimed, run_forever

        services = build_services(load_settings())
        me = name or default_worker_name()
        if not once:
            def show(report: Any) -> None:
                typer.echo(f"{me}: {json.dumps(report.counts())}")

            try:
                run_forever(services, worker=me, batch=batch, idle_seconds=idle, on_report=show)
            except KeyboardInterrupt:
                pass
            return
        report = _run_once_with_progress(services, me, batch, process_claimed)
        typer.echo(json.dumps({"worker": me, **report.counts()}))
        if report.errors or any(d.state == "failed" for d in report.documents):
            raise typer.Exit(1)


def _run_once_with_progress(services: Any, me: str, batch: int, process_claimed: Any) -> Any:
    """Drain the queue once behind a rich progress bar (total = documents waiting at the start)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
    from sqlalchemy import func, select

    from orderflow.store.models import Document

    with services.session_factory() as s:
        waiting = s.scalar(select(func.count()).select_from(Document).where(Document.state == "received")) or 0
    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
        transient=not sys.stderr.isatty(), console=None,
    ) as progress:
        task = progress.add_task(f"{me}: processing", total=waiting or None)
        return process_claimed(services, worker=me, batch=batch, on_document=lambda _o: progress.advance(task))
