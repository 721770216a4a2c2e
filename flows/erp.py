"""ERP wiring from settings: which adapter, where the Tryton database lives, sync and reconcile."""

from __future__ import annotations

import logging
from decimal import Decimal
from pathlib import Path
from typing import Any

from orderflow.erp_push.base import ErpAdapter
from orderflow.flows.settings import ConfigError, Settings, secret

log = logging.getLogger("orderflow.erp")


def tryton_dir(settings: Settings) -> Path:
    return Path(settings.tryton.data_dir or (Path(settings.home) / "tryton")).resolve()


def tryton_config(settings: Settings):
    """In-process SQLite database under ``home/tryton`` by default; a URL means a remote trytond."""
    from orderflow.erp_push.tryton_config import TrytonConfig

    t = settings.tryton
    password = secret("ORDERFLOW_TRYTON_PASSWORD") or "admin"
    if t.url:
        return TrytonConfig(database=t.database, url=t.url, password=password, target_state=t.sale_state)
    conf = Path(t.config_file) if t.config_file else tryton_dir(settings) / "trytond.conf"
    return TrytonConfig(database=t.database, config_file=conf, password=password, target_state=t.sale_state)


def tryton_database_exists(settings: Settings) -> bool:
    if settings.tryton.url:
        return True
    return (tryton_dir(settings) / f"{settings.tryton.database}.sqlite").exists()


def init_demo(settings: Settings, reference) -> Any:
    """Create the embedded Tryton database with the demo reference data (idempotent)."""
    from orderflow.erp_push.tryton_setup import init_demo_database

    if settings.tryton.url:
        raise ConfigError("erp init-demo creates an embedded database; unset tryton.url to use it.")
    password = secret("ORDERFLOW_TRYTON_PASSWORD") or "admin"
    return init_demo_database(
        tryton_dir(settings),
        reference,
        database=settings.tryton.database,
        admin_password=password,
        target_state=settings.tryton.sale_state,
    )


def tryton_adapter(settings: Settings) -> ErpAdapter:
    from orderflow.erp_push.tryton import TrytonAdapter

    if not tryton_database_exists(settings):
        raise ConfigError(
            f"No Tryton database at {tryton_dir(settings)}: run `orderflow erp init-demo` (or set tryton.url)."
        )
    return TrytonAdapter(tryton_config(settings))


def rest_adapter(settings: Settings) -> ErpAdapter:
    from orderflow.erp_push.rest_adapter import RestAdapter

    if not settings.rest_url:
        raise ConfigError("erp = 'rest' needs rest_url.")
    return RestAdapter(settings.rest_url, token=secret(settings.rest_token_env))


def sync_reference(services) -> int:
    """Pull reference data from the ERP into a new store snapshot; returns the snapshot id."""
    from orderflow.store import repository as repo

    ref = services.adapter.pull_reference_data()
    if ref is None:
        raise ConfigError(f"The {services.adapter.name} adapter has no reference data to pull.")
    if services.adapter.name == "tryton":
        from orderflow.erp_push.tryton_stock import with_tryton_stock

        try:
            ref = with_tryton_stock(services.adapter._connection(), ref)
        except Exception as exc:  # stock is optional: without it availability is not checked
            log.warning("could not read stock from Tryton: %s", exc)
    with services.session_factory() as s, s.begin():
        snap = repo.save_reference_snapshot(s, ref, source=f"erp:{services.adapter.name}")
    services.reference = ref
    return snap


def pushed_orders(services) -> list[tuple[str, str | None, Decimal | None]]:
    """(key, ERP order id, total) per ERP sale we created. A changed order keeps the key of its
    first version (the one the sale was created with) and the total of its newest version."""
    from orderflow.canonical.states import OrderState
    from orderflow.flows.pipeline import idempotency_key
    from orderflow.store import repository as repo

    by_sale: dict[str, tuple[str, Decimal | None, int]] = {}
    with services.session_factory() as s:
        for state in (OrderState.PUSHED, OrderState.ACKNOWLEDGED):
            for row in repo.orders_in_state(s, state):
                first = row
                while first.previous is not None and first.previous.erp_order_id == row.erp_order_id:
                    first = first.previous
                key = idempotency_key(first.customer_id, repo.order_canonical(first))
                total = (row.resolved or {}).get("order_total")
                entry = (key, Decimal(total) if total else None, row.revision)
                current = by_sale.get(row.erp_order_id or key)
                if current is None or entry[2] >= current[2]:
                    by_sale[row.erp_order_id or key] = entry
    return [(key, erp_id, total) for erp_id, (key, total, _rev) in by_sale.items()]


def reconcile_with_erp(services) -> dict[str, Any]:
    from orderflow.erp_push.reconcile import reconcile

    report = reconcile(pushed_orders(services), services.adapter)
    return {
        "checked": report.checked,
        "matched": report.matched,
        "drift": [
            {"kind": d.kind, "key": d.key, "erp_order_ids": d.erp_order_ids, "ours": str(d.ours) if d.ours is not None
             else None, "theirs": str(d.theirs) if d.theirs is not None else None, "message": d.message}
            for d in report.drift
        ],
    }
