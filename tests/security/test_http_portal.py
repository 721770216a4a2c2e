"""Issue 18, portal API (and ``orderflow health``): each finding as the attack was written, then the
answer it must get.

The portal is the real app wired to the real pipeline (``flows.channels.make_portal_app``) on a
real uvicorn server on 127.0.0.1, over a SQLite store; the race runs two portal servers (two app
instances, nothing shared but the store, as two processes) over a real PostgreSQL.
"""

from __future__ import annotations

import copy
import json
import select
import socket
import sys
import threading
from pathlib import Path

import httpx
import pytest
from alembic.script import ScriptDirectory
from typer.testing import CliRunner

TESTS = Path(__file__).resolve().parents[1]
if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))

from fixtures.browser import serve_app  # noqa: E402
from fixtures.postgres import make_postgres_fixture  # noqa: E402
from fixtures.procs import free_port  # noqa: E402

from orderflow.flows.channels import make_portal_app  # noqa: E402
from orderflow.flows.cli import app as cli  # noqa: E402
from orderflow.flows.demo import INBOX  # noqa: E402
from orderflow.flows.services import build_services  # noqa: E402
from orderflow.flows.settings import load_settings  # noqa: E402
from orderflow.intake.portal_api import MAX_BODY_BYTES  # noqa: E402
from orderflow.store import repository as repo  # noqa: E402
from orderflow.store.db import alembic_config  # noqa: E402
from orderflow.store.models import Document, Order  # noqa: E402

postgres_server = make_postgres_fixture()

TOKENS = {"tok-acme": "purchasing@acme-mfg.example"}
ORDER = json.loads((INBOX / "acme-portal-PO-9001.json").read_text())


def order(po: str) -> dict:
    body = copy.deepcopy(ORDER)
    body["po_number"] = po
    return body


def headers(key: str) -> dict[str, str]:
    return {"Authorization": "Bearer tok-acme", "Idempotency-Key": key}


class Portal:
    def __init__(self, home: Path, database_url: str | None = None) -> None:
        self.services = build_services(load_settings(home=home, database_url=database_url))
        self.app = make_portal_app(self.services, TOKENS)

    def count(self, model) -> int:
        with self.services.session_factory() as s:
            return s.query(model).count()


@pytest.fixture(scope="module")
def portal(tmp_path_factory):
    p = Portal(tmp_path_factory.mktemp("security-portal") / "var")
    with serve_app(p.app) as url:
        p.url = url
        p.http = httpx.Client(base_url=url, timeout=60)
        yield p


# --------------------------------------------------------------------------- bad bodies are 422


def test_a_revision_no_column_holds_is_422_every_time(portal):
    """Attack: ``"revision": 10**30``. Answer: 422 naming the field, the same on retry (never a
    503 "retry" loop), and nothing stored."""
    docs = portal.count(Document)
    for _ in range(2):
        r = portal.http.post("/api/orders", content=json.dumps({**order("PO-REV"), "revision": 10**30}),
                             headers={**headers("rev-1"), "Content-Type": "application/json"})
        assert r.status_code == 422, r.text
        assert [e["loc"] for e in r.json()["detail"]] == [["body", "revision"]]
    assert portal.count(Document) == docs


def test_json_nested_5000_deep_is_422(portal):
    """Attack: JSON nested 5,000 deep (bare, and inside a free-form field). Answer: 422, no 500."""
    deep = "[" * 5000 + "]" * 5000
    inside = json.dumps(order("PO-DEEP"))[:-1] + ', "notes": ' + deep + "}"
    for n, text in enumerate((deep, inside)):
        r = portal.http.post("/api/orders", content=text,
                             headers={**headers(f"deep-{n}"), "Content-Type": "application/json"})
        assert r.status_code == 422, r.text[:300]
        assert "nested deeper" in r.json()["detail"][0]["msg"]
    assert portal.http.post("/api/orders", json=order("PO-AFTER-DEEP"), headers=headers("deep-ok")).status_code == 201


def test_get_an_order_id_no_column_holds_is_404(portal):
    """Attack: ``GET /api/orders/<24 digits>``. Answer: 404."""
    for order_id in ("9" * 24, "-" + "9" * 24, "0"):
        r = portal.http.get(f"/api/orders/{order_id}", headers=headers("x"))
        assert r.status_code == 404 and r.json() == {"detail": "order not found"}, (order_id, r.text)


def test_float_quantities_and_prices_are_refused(portal):
    """Attack: ``"qty": 1.5``, ``"unit_price": 0.1`` (JSON numbers). Answer: 422 saying to use a
    string; the same order with strings is stored with exact decimals."""
    body = order("PO-FLOAT")
    body["lines"][0]["qty"], body["lines"][1]["unit_price"] = 1.5, 0.1
    r = portal.http.post("/api/orders", json=body, headers=headers("float-1"))
    assert r.status_code == 422, r.text
    errors = {tuple(e["loc"]): e["msg"] for e in r.json()["detail"]}
    assert set(errors) == {("body", "lines", 0, "qty"), ("body", "lines", 1, "unit_price")}
    assert all("use a string" in m for m in errors.values())
    body["lines"][0]["qty"], body["lines"][1]["unit_price"] = "1.5", "0.1"
    r = portal.http.post("/api/orders", json=body, headers=headers("float-2"))
    assert r.status_code == 201, r.text
    with portal.services.session_factory() as s:
        co = repo.order_canonical(repo.get_order(s, r.json()["id"]))
    assert str(co.lines[0].qty) == "1.5" and str(co.lines[1].unit_price) == "0.1"


def test_an_array_and_an_orders_wrapper_are_accepted(portal):
    """Attack (README contract): POST an array of orders, and ``{"orders": [...]}``. Answer: 201 with
    one entry per order, replayed on retry; each order readable by its id."""
    for key, body, pos in (("batch-1", [order("PO-B1"), order("PO-B2")], ["PO-B1", "PO-B2"]),
                           ("batch-2", {"orders": [order("PO-B3")]}, ["PO-B3"])):
        r = portal.http.post("/api/orders", json=body, headers=headers(key))
        assert r.status_code == 201, r.text
        answers = r.json()["orders"]
        assert len(answers) == len(pos)
        got = [portal.http.get(f"/api/orders/{a['id']}", headers=headers("x")).json()["po_number"] for a in answers]
        assert got == pos
        again = portal.http.post("/api/orders", json=body, headers=headers(key))
        assert again.json() == r.json() and again.headers["idempotent-replayed"] == "true"
    bad = portal.http.post("/api/orders", json={"orders": [order("PO-B4"), {**order("PO-B5"), "po_date": "soon"}]},
                           headers=headers("batch-3"))
    assert bad.status_code == 422 and [e["loc"] for e in bad.json()["detail"]] == [["body", "orders", 1, "po_date"]]


# --------------------------------------------------------------------------- the body cap


def _post_chunked(url: str, total: int, chunk: int = 1 << 20) -> tuple[str, int]:
    """Stream ``total`` bytes of a chunked body until the server answers; (status line, bytes sent)."""
    host, port = url.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)), timeout=30)
    sock.sendall(b"POST /api/orders HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer tok-acme\r\n"
                 b"Idempotency-Key: big-1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
    payload = b"%x\r\n" % chunk + b" " * chunk + b"\r\n"
    sent = 0
    try:
        while sent < total:
            if select.select([sock], [], [], 0)[0]:
                break  # the server has answered: stop sending
            sock.sendall(payload)
            sent += chunk
    except OSError:
        pass  # the server closed the connection on us: what it answered is below
    sock.settimeout(30)
    answer = b""
    try:
        while b"\r\n" not in answer:
            data = sock.recv(4096)
            if not data:
                break
            answer += data
    finally:
        sock.close()
    return answer.split(b"\r\n")[0].decode(), sent


def test_a_400_mb_chunked_body_is_cut_off_at_the_cap(portal):
    """Attack: a 400 MB chunked body. Answer: 413 once the cap is passed; the server stops reading
    (the client is not let send the 400 MB), and a declared Content-Length over the cap is refused
    before any body is read."""
    status, sent = _post_chunked(portal.url, 400 << 20)
    assert status.startswith("HTTP/1.1 413"), status
    assert sent < 20 * MAX_BODY_BYTES, f"{sent >> 20} MB were taken before the answer"
    host, port = portal.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        sock.sendall(b"POST /api/orders HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer tok-acme\r\n"
                     b"Idempotency-Key: big-2\r\nContent-Type: application/json\r\n"
                     b"Content-Length: %d\r\n\r\n{" % (400 << 20))
        assert sock.recv(4096).startswith(b"HTTP/1.1 413")  # answered with 1 byte of 400 MB sent


# --------------------------------------------------------------------------- the race


def test_two_portal_processes_racing_on_one_key_answer_the_stored_order(postgres_server, tmp_path):
    """Attack: the same order posted at the same instant, with the same Idempotency-Key, to two
    portal servers over one PostgreSQL. Answer: both 201 with the same order id, one order stored."""
    url = postgres_server.create_database()
    first, second = Portal(tmp_path / "a", url), Portal(tmp_path / "b", url)
    rounds = 12
    answers: list[list[tuple[int, dict]]] = [[] for _ in range(rounds)]
    with serve_app(first.app) as url_a, serve_app(second.app) as url_b:
        for n in range(rounds):
            barrier = threading.Barrier(2)
            body = order(f"PO-RACE-{n}")

            def post(base: str, n: int = n, body: dict = body, barrier: threading.Barrier = barrier) -> None:
                with httpx.Client(base_url=base, timeout=120) as c:
                    barrier.wait()
                    r = c.post("/api/orders", json=body, headers=headers(f"race-{n}"))
                    answers[n].append((r.status_code, r.json()))

            threads = [threading.Thread(target=post, args=(u,)) for u in (url_a, url_b)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(timeout=300)
    for n, pair in enumerate(answers):
        assert [status for status, _ in pair] == [201, 201], (n, pair)
        assert pair[0][1]["id"] == pair[1][1]["id"], (n, pair)
    with first.services.session_factory() as s:
        for n in range(rounds):
            rows = s.query(Order).filter(Order.po_number == f"PO-RACE-{n}").all()
            assert len(rows) == 1 and rows[0].id == answers[n][0][1]["id"]


def test_a_value_the_store_cannot_hold_is_422_not_a_503_loop(postgres_server, tmp_path):
    """Attack: a PO number longer than the store's column, on PostgreSQL (the store refuses it).
    Answer: 422 saying it cannot be stored, the same on retry; never "retry with the same key"."""
    p = Portal(tmp_path / "var", postgres_server.create_database())
    with serve_app(p.app) as url, httpx.Client(base_url=url, timeout=120) as c:
        for _ in range(2):
            r = c.post("/api/orders", json=order("PO-" + "9" * 300), headers=headers("long-1"))
            assert r.status_code == 422, r.text
            assert "cannot be stored" in r.json()["detail"][0]["msg"] and "retry" not in r.text
        assert c.post("/api/orders", json=order("PO-SHORT"), headers=headers("long-2")).status_code == 201


# --------------------------------------------------------------------------- orderflow health


def test_health_says_down_when_the_store_is_down(tmp_path):
    """Attack: ``orderflow health`` with the store unreachable. Answer: the store is checked first,
    reported DOWN, exit 1; with the store up it is reported up."""
    inbound = tmp_path / "in"
    inbound.mkdir()
    cfg = tmp_path / "orderflow.toml"
    base = f'home = "{tmp_path / "home"}"\nerp = "file"\n[[folders]]\nname = "in"\ninbound = "{inbound}"\n'
    cfg.write_text(f'database_url = "postgresql+psycopg://postgres@127.0.0.1:{free_port()}/orderflow"\n' + base)
    res = CliRunner().invoke(cli, ["health", "--json"], env={"ORDERFLOW_CONFIG": str(cfg)})
    rows = json.loads(res.output)
    assert res.exit_code == 1 and rows[0]["kind"] == "store" and not rows[0]["ok"], res.output
    assert all(r["ok"] for r in rows[1:])  # the store alone is down
    res = CliRunner().invoke(cli, ["health"], env={"ORDERFLOW_CONFIG": str(cfg)})
    assert res.exit_code == 1 and res.output.splitlines()[0].startswith("DOWN  store")

    db = tmp_path / "store.db"
    build_services(load_settings(home=tmp_path / "home", database_url=f"sqlite:///{db}"))
    cfg.write_text(f'database_url = "sqlite:///{db}"\n' + base)
    res = CliRunner().invoke(cli, ["health", "--json"], env={"ORDERFLOW_CONFIG": str(cfg)})
    rows = json.loads(res.output)
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert res.exit_code == 0 and rows[0]["kind"] == "store" and rows[0]["ok"] and f"schema {head}" in rows[0]["detail"]
