"""Issue 18, high: allowances must not dodge credit and approvals, nor vanish on the way to the ERP.

The attack: ACME orders 3,000,000 × 0.12 with an allowance of 359,000, so the order "totals"
1,000.00 and sails through credit and approvals while the ERP gets the full lines. Credit and
approvals now weigh the gross of the lines; a charge/allowance reaches the ERP (file adapter: in the
written order) or is refused with CHARGE_NOT_CARRIED (Tryton, whose sale takes product lines only).
Played through the portal's FastAPI app against a real Tryton database.
"""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from proteus import Model

_TESTS = str(Path(__file__).resolve().parents[1])
if _TESTS not in sys.path:
    sys.path.insert(0, _TESTS)

from fixtures.tryton import TrytonTemplate, build_template  # noqa: E402

from orderflow.erp_push.reference_csv import load_reference_csv  # noqa: E402
from orderflow.erp_push.tryton import TrytonAdapter  # noqa: E402
from orderflow.erp_push.tryton_conn import connect  # noqa: E402
from orderflow.flows.channels import make_portal_app  # noqa: E402
from orderflow.flows.demo import INBOX  # noqa: E402
from orderflow.flows.pipeline import push_approved  # noqa: E402
from orderflow.flows.services import build_services  # noqa: E402
from orderflow.flows.settings import SAMPLES_DIR, load_settings  # noqa: E402
from orderflow.store import repository as repo  # noqa: E402

ACME_PO = json.loads((INBOX / "acme-portal-PO-9001.json").read_text())


def acme_order(po: str, qty: str, allowance: str | None) -> dict:
    body = {k: copy.deepcopy(ACME_PO[k]) for k in ("po_date", "currency", "buyer", "ship_to")}
    body |= {"po_number": po, "lines": [{"line_no": "1", "sku": "FAS-1001", "qty": qty, "uom": "EA",
                                         "unit_price": "0.12"}]}
    if allowance is not None:
        body["charges"] = [{"kind": "allowance", "description": "volume rebate", "amount": allowance}]
    return body


@pytest.fixture(scope="module")
def samples_tryton(tmp_path_factory: pytest.TempPathFactory) -> TrytonTemplate:
    return build_template(tmp_path_factory, load_reference_csv(SAMPLES_DIR / "reference"))


@pytest.fixture
def tryton_services(samples_tryton: TrytonTemplate, tmp_path: Path):
    cfg = samples_tryton.copy()
    yield build_services(load_settings(home=tmp_path / "var"), adapter=TrytonAdapter(cfg)), cfg
    samples_tryton.drop(cfg)


def post(services, body: dict, key: str) -> dict:
    client = TestClient(make_portal_app(services, {"tok-acme": "ACME"}))
    r = client.post("/api/orders", json=body, headers={"Authorization": "Bearer tok-acme", "Idempotency-Key": key})
    assert r.status_code == 201, r.text
    return r.json()


def stored(services, order_id: int) -> tuple[str, list[str], dict]:
    with services.session_factory() as s:
        row = repo.get_order(s, order_id)
        return str(row.state), [i.code for i in row.issues], dict(row.resolved or {})


def sales_for(cfg, po: str) -> list:
    """Read Tryton directly, not through the adapter under test."""
    Sale = Model.get("sale.sale", config=connect(cfg))
    return Sale.find([("reference", "=", po)])


def test_allowance_attack_is_weighed_gross_and_never_reaches_tryton(tryton_services):
    services, cfg = tryton_services
    answer = post(services, acme_order("AL-ATTACK", "3000000", "359000"), "k-1")
    push_approved(services)
    state, codes, resolved = stored(services, answer["id"])
    assert state == "needs_review"
    assert resolved["order_total"] == "1000.00" and resolved["gross_total"] == "360000.00"
    assert {"CREDIT_EXCEEDED", "APPROVAL_REQUIRED", "CHARGE_NOT_CARRIED"} <= set(codes)
    assert resolved["approvals_required"] == ["lead", "finance"]
    assert sales_for(cfg, "AL-ATTACK") == []


def test_tryton_refuses_an_allowance_it_cannot_carry(tryton_services):
    services, cfg = tryton_services
    small = post(services, acme_order("AL-SMALL", "10000", "100"), "k-1")  # 1,200.00 less 100.00
    plain = post(services, acme_order("AL-PLAIN", "10000", None), "k-2")  # control: no allowance
    push_approved(services)
    state, codes, _ = stored(services, small["id"])
    assert (state, codes) == ("needs_review", ["CHARGE_NOT_CARRIED"])
    assert sales_for(cfg, "AL-SMALL") == []
    assert stored(services, plain["id"])[0] == "pushed"
    (sale,) = sales_for(cfg, "AL-PLAIN")
    assert [(ln.product.code, int(ln.quantity)) for ln in sale.lines] == [("FAS-1001", 10000)]


def test_file_adapter_carries_the_allowance_and_still_weighs_gross(tmp_path):
    services = build_services(load_settings(home=tmp_path / "var"))  # the file adapter writes the whole order
    small = post(services, acme_order("AL-SMALL", "10000", "100"), "k-1")
    attack = post(services, acme_order("AL-ATTACK", "3000000", "359000"), "k-2")
    push_approved(services)
    assert stored(services, small["id"])[0] == "pushed"
    (written,) = [json.loads(p.read_text()) for p in services.adapter.outbox.glob("*.json")]
    assert written["po_number"] == "AL-SMALL" and written["total"] == "1100.00"
    assert written["order"]["charges"] == [
        {"kind": "allowance", "code": None, "description": "volume rebate", "amount": "100", "percent": None}]
    state, codes, _ = stored(services, attack["id"])
    assert state == "needs_review" and {"CREDIT_EXCEEDED", "APPROVAL_REQUIRED"} <= set(codes)
    assert "CHARGE_NOT_CARRIED" not in codes
