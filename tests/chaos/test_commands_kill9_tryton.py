"""The production commands killed at random with Tryton as the ERP (issue 22's "done when": Tryton in
at least one run; PostgreSQL as the store).

The same black-box run as ``test_commands_kill9`` — ``orderflow poll``, two ``worker --forever`` and
``push`` as subprocesses, SIGKILLed at random and at aimed checkpoints while documents arrive — but the
commands push to a real trytond served over HTTP on 127.0.0.1 (a copy of the samples database), as a
site with a Tryton server runs them. Exactly once is counted where it matters: sales in Tryton per PO
number, as well as push attempts and ``pushed`` transitions in the store.
"""

from __future__ import annotations

import collections
from pathlib import Path

import pytest
import test_commands_kill9 as kill9
from fixtures.tryton import TrytonTemplate, build_template, start_trytond

from orderflow.erp_push.reference_csv import load_reference_csv
from orderflow.erp_push.tryton_config import TrytonConfig
from orderflow.flows.settings import SAMPLES_DIR

pytestmark = pytest.mark.servers


@pytest.fixture(scope="module")
def samples_tryton(tmp_path_factory: pytest.TempPathFactory) -> TrytonTemplate:
    """The samples catalogue (the batch's customer and SKUs) in a Tryton database, built once per run."""
    return build_template(tmp_path_factory, load_reference_csv(SAMPLES_DIR / "reference"))


@pytest.fixture
def tryton_served(samples_tryton: TrytonTemplate, workdir: Path):
    """A fresh copy of that database served by its own trytond; yields (local config, remote config)."""
    local = samples_tryton.copy()
    server = start_trytond(workdir / "trytond", [local.database], db_dir=samples_tryton.db_dir)
    try:
        yield local, local.with_url(server.url)
    finally:
        server.stop()
        samples_tryton.drop(local)


def sales_per_po(local: TrytonConfig) -> collections.Counter:
    """PO number (the sale's reference) → number of sales in Tryton, read from the database itself."""
    from proteus import Model

    from orderflow.erp_push.tryton_conn import connect

    Sale = Model.get("sale.sale", config=connect(local))
    return collections.Counter(s.reference for s in Sale.find([]))


def test_production_commands_killed_at_random_push_once_to_tryton(workdir, postgres_server, tryton_served,
                                                                   monkeypatch):
    local, remote = tryton_served
    home = workdir / "home"
    home.mkdir()
    file_env = kill9._env

    def tryton_env(home: Path, database_url: str) -> dict[str, str]:
        env = {k: v for k, v in file_env(home, database_url).items() if k != "ORDERFLOW_OUTBOX_DIR"}
        return {**env, "ORDERFLOW_ERP": "tryton", "ORDERFLOW_TRYTON__URL": remote.url or "",
                "ORDERFLOW_TRYTON__DATABASE": remote.database, "ORDERFLOW_TRYTON_PASSWORD": remote.password or ""}

    monkeypatch.setattr(kill9, "_env", tryton_env)
    # a smaller batch than the file-ERP runs (each push is an HTTP round of sale creation in Tryton):
    # 12 portal orders (one truncated), 3 X12 POs, 6 random kills beside the aimed ones
    for name, value in (("PORTAL", 12), ("X12", 3), ("KILLS", 6)):
        monkeypatch.setattr(kill9, name, value)
    before = sales_per_po(local)  # the samples database's own sales
    run = kill9.run_chaos(home, postgres_server.create_database(), seed=43)

    assert run["documents"] == run["expected"]
    assert not run["left_in_drop"] and not run["leftovers"], (run["left_in_drop"], run["leftovers"])
    orders = sum(1 for want in run["expected"].values() if want == "processed")
    assert run["states"] == {"pushed": orders}, run["states"]
    assert len(run["ok_attempts"]) == orders and set(run["ok_attempts"].values()) == {1}, run["ok_attempts"]
    assert len(run["pushed"]) == orders and set(run["pushed"].values()) == {1}, run["pushed"]
    assert run["855"] == {po: 1 for po in run["x12_pos"]}, run["855"]
    assert run["997"] == {str(9000 + i): 1 for i in range(kill9.X12)}, run["997"]
    assert len(run["kills"]) == kill9.KILLS and (run["power_cuts"] or not run["kills"])
    sales = sales_per_po(local) - before
    assert len(sales) == orders and set(sales.values()) == {1}, sales  # one sale per PO in the ERP
    assert set(run["x12_pos"]) <= set(sales)
