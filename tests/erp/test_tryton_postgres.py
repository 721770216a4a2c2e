"""Tryton on PostgreSQL (the production layout): init-demo, then push and pull over HTTP."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from erp_helpers import order_request
from fixtures.tryton import start_trytond

from orderflow.erp_push.retry import push_with_retry
from orderflow.erp_push.tryton import TrytonAdapter
from orderflow.erp_push.tryton_config import TrytonConfig


def test_init_demo_push_and_pull_on_postgresql(tryton_on_postgres, tmp_path: Path) -> None:
    tryton_on_postgres.wait()  # init_demo_database(..., database_uri=postgresql://…) in its own process
    pg = tryton_on_postgres
    server = start_trytond(tmp_path / "server", [pg.database], database_uri=pg.uri)
    try:
        erp = TrytonAdapter(TrytonConfig(database=pg.database, url=server.url, password="admin",
                                         target_state="confirmed"))
        req = order_request("PO-6001")
        outcome = push_with_retry(erp, req, attempts=2, backoff=0.01)
        assert outcome.status == "pushed" and outcome.result.created
        assert erp.push(req).erp_order_id == outcome.result.erp_order_id  # still one sale
        status = erp.order_status(req.key)
        assert status.state == "processing" and status.total == Decimal("85.00")
        assert erp.credit_exposure("C001") == Decimal("85.00")
        ref = erp.pull_reference_data()
        assert {i.sku for i in ref.items} == {"WID-100", "BOLT-M8", "GRS-1KG", "OLD-1"}
        assert ref.credit_by_customer["C001"].open_orders == Decimal("85.00")
    finally:
        server.stop()
