"""Issue 18, review app: each finding as the attack was written, then the answer it must get.

Everything runs against the real app on a real uvicorn server on 127.0.0.1 (one server for the
module), over a SQLite store built like the UI tests' (``tests/ui/conftest.py``: real PDFs,
the real validators for re-validation, the real file-drop ERP adapter).
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import random
import re
import sys
import threading
import time
from pathlib import Path
from urllib.parse import unquote

import httpx
import pytest
from sqlalchemy import select, update

TESTS = Path(__file__).resolve().parents[1]
if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))
_spec = importlib.util.spec_from_file_location("ui_scenario", TESTS / "ui" / "conftest.py")
ui = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(ui)

from fixtures.browser import serve_app  # noqa: E402

from orderflow.canonical import CanonicalOrder, OrderLine, Source  # noqa: E402
from orderflow.review import render  # noqa: E402
from orderflow.review.app import create_review_app  # noqa: E402
from orderflow.review.auth import MAX_FAILURES, add_user  # noqa: E402
from orderflow.store import repository as repo  # noqa: E402
from orderflow.store.models import LoginFailure, WebSession  # noqa: E402

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
BIG = "9" * 24  # an id no integer column holds
NAMES = ["Bestellung Müller – 東京 №7.pdf", "zamówienie łódź.pdf", "заказ.pdf"]


def heavy_pdf(curves: int = 10000) -> bytes:
    """A one-page PO whose page is slow to draw and to read words from (overlapping filled curves,
    like a scanned-then-vectorised drawing): several seconds of pdfium and pdfplumber work."""
    rnd = random.Random(7)
    ops = ["BT /F1 12 Tf 50 740 Td (PURCHASE ORDER PO-HEAVY-1) Tj ET", "0.2 0.3 0.6 rg"]
    for _ in range(curves):
        x, y = rnd.uniform(0, 612), rnd.uniform(0, 792)
        ops.append(f"{x:.1f} {y:.1f} m {x + 300:.1f} {y + 5:.1f} {x - 200:.1f} {y + 400:.1f} "
                   f"{x + 10:.1f} {y + 12:.1f} c")
    ops.append("f")
    stream = "\n".join(ops).encode()
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> >>",
            b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for n, body in enumerate(objs, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


def _order(po: str, filename: str, sku: str = "FAS-1001", qty: str = "10") -> CanonicalOrder:
    return CanonicalOrder(po_number=po, currency="USD",
                          lines=[OrderLine(line_no="1", sku=sku, qty=qty, uom="EA", unit_price="0.25")],
                          source=Source(channel="imap", format="pdf_text", filename=filename))


class Review:
    """The running app: its URL, the store handles and the ids the tests use."""

    def __init__(self, root: Path) -> None:
        self.store = ui.UiStore(root).build()
        self.ids: dict[str, int] = {}
        with self.store.Session() as s:
            add_user(s, "throttle1", ui.PASSWORD, "csr")
            add_user(s, "logout1", ui.PASSWORD, "csr")
            self.ids["heavy"] = ui._save(s, heavy_pdf(), "PO-HEAVY-1.pdf", _order("PO-HEAVY-1", "PO-HEAVY-1.pdf"), [])
            for n, name in enumerate(NAMES):
                self.ids[f"name{n}"] = ui._save(s, ui.po_pdf(f"PO-N{n}", ui.GLOVE_ROWS), name,
                                                _order(f"PO-N{n}", name), [])
            big_pdf = ui.po_pdf("PO-LEAD-1", ui.BIG_ROWS)
            self.ids["signed"] = ui._save(s, big_pdf, "PO-LEAD-1.pdf", ui.pdf_order("PO-LEAD-1", ui.BIG_ROWS, big_pdf),
                                          [], resolved={"customer_id": "ACME", "approvals_required": ["lead", "finance"]})
            s.commit()
        self.store.orders.update(self.ids)
        self.app = create_review_app(self.store.Session, revalidate=ui.make_revalidate(self.store.ref),
                                     push=ui.make_push(self.store.outbox), secret_key="sec-" + "z" * 40,
                                     secure_cookies=False)

    def document_id(self, key: str) -> int:
        with self.store.Session() as s:
            return repo.get_order(s, self.ids.get(key) or self.store.orders[key]).document_id


@pytest.fixture(scope="module")
def review(tmp_path_factory):
    r = Review(tmp_path_factory.mktemp("security-review"))
    with serve_app(r.app) as url:
        r.url = url
        yield r


def client(review: Review) -> httpx.Client:
    return httpx.Client(base_url=review.url, timeout=120)


def sign_in(review: Review, username: str, password: str = ui.PASSWORD) -> httpx.Client:
    c = client(review)
    r = c.post("/login", data={"username": username, "password": password, "csrf_token": token(c, "/login")})
    assert r.status_code == 303, r.text
    return c


def token(c: httpx.Client, path: str = "/") -> str:
    return TOKEN.search(c.get(path).text).group(1)


def while_running(fn, probe, head_start: float = 0.5) -> tuple[float, object, float, bool]:
    """Start ``fn`` in a thread, let it get going, then time ``probe``: (fn seconds, probe result,
    probe seconds, fn still running when the probe answered)."""
    done: dict[str, float] = {}

    def run() -> None:
        start = time.monotonic()
        fn()
        done["seconds"] = time.monotonic() - start

    worker = threading.Thread(target=run)
    worker.start()
    time.sleep(head_start)
    start = time.monotonic()
    result = probe()
    probe_seconds = time.monotonic() - start
    still_running = worker.is_alive()
    worker.join(timeout=300)
    return done["seconds"], result, probe_seconds, still_running


# --------------------------------------------------------------------------- blocking work


def test_opening_a_heavy_pdf_does_not_block_other_users(review):
    """Attack: open a heavy PDF (order screen, then its page image) and meanwhile ask /healthz and
    another user's queue. Answer: both come at once; the page is rendered once, then cached."""
    csr, lead = sign_in(review, "csr1"), sign_in(review, "lead1")
    order_id, doc_id = review.ids["heavy"], review.document_id("heavy")

    def open_screen() -> None:
        r = csr.get(f"/orders/{order_id}")
        assert r.status_code == 200 and "PO-HEAVY-1" in r.text

    def probe() -> tuple[int, float, int, float]:
        start = time.monotonic()
        health = httpx.get(f"{review.url}/healthz", timeout=60)
        health_s = time.monotonic() - start
        queue = lead.get("/")
        return health.status_code, health_s, queue.status_code, time.monotonic() - start - health_s

    screen_s, (health, health_s, queue, queue_s), _, busy = while_running(open_screen, probe)
    # what proves the point is that the screen was still being built when both others were answered
    # (``busy``: the probes ran one after the other and finished first); absolute seconds depend on
    # the machine and on what else runs on it (2-5 s for the screen on 2 cores, more beside a second
    # pytest worker), so the bounds are relative to the heavy screen
    assert busy, f"the heavy screen took {screen_s:.1f} s, done before the probes: not heavy enough"
    assert health == 200 and health_s < screen_s / 2, f"/healthz waited {health_s:.1f} s behind the heavy PDF"
    assert queue == 200 and queue_s < screen_s, f"another user's queue waited {queue_s:.1f} s"

    builds = render.PNG_CACHE.builds
    png: dict[str, bytes] = {}

    def draw() -> None:
        r = csr.get(f"/documents/{doc_id}/pages/1.png")
        assert r.status_code == 200 and r.headers["content-type"] == "image/png"
        png["first"] = r.content

    def probe_health() -> tuple[int, float]:
        start = time.monotonic()
        return httpx.get(f"{review.url}/healthz", timeout=60).status_code, time.monotonic() - start

    # drawing is quicker than reading words (0.6-3 s): probe early, and /healthz only
    draw_s, (health, health_s), _, busy = while_running(draw, probe_health, head_start=0.15)
    assert busy, f"the page took {draw_s:.1f} s to draw, done before the probes: not heavy enough"
    assert health == 200 and health_s < 1.0, f"/healthz waited {health_s:.1f} s behind the page render"
    start = time.monotonic()
    again = csr.get(f"/documents/{doc_id}/pages/1.png")
    assert again.content == png["first"] and time.monotonic() - start < draw_s / 3
    assert render.PNG_CACHE.builds == builds + 1  # drawn once, then served from the cache
    start = time.monotonic()
    assert csr.get(f"/orders/{order_id}").status_code == 200
    assert time.monotonic() - start < screen_s / 2  # page sizes and words were kept too


# --------------------------------------------------------------------------- 500s


def test_ids_no_column_holds_are_404_not_500(review):
    """Attack: /orders/<24 digits>, /documents/<24 digits>/raw and a POST to one. Answer: 404."""
    c = sign_in(review, "csr1")
    csrf = token(c)
    for path in (f"/orders/{BIG}", f"/documents/{BIG}/raw", f"/documents/{BIG}/pages/1.png", "/orders/0",
                 f"/orders/-{BIG}"):
        r = c.get(path)
        assert r.status_code == 404, (path, r.status_code, r.text[:300])
        assert "Traceback" not in r.text and "Internal Server Error" not in r.text
    for path in (f"/orders/{BIG}/fix", f"/orders/{BIG}/approve", f"/learned/{BIG}/undo"):
        r = c.post(path, data={"csrf_token": csrf, "path": "po_number", "value": "X"})
        assert r.status_code == 404, (path, r.status_code, r.text[:300])
    assert c.get(f"/documents/{review.document_id('glove')}/pages/{BIG}.png").status_code == 404


def test_raw_document_with_a_non_latin1_file_name(review):
    """Attack: download a document named 'Bestellung Müller – 東京 №7.pdf'. Answer: 200 with the name
    in RFC 5987 ``filename*`` (and an ASCII fallback), the bytes unchanged."""
    c = sign_in(review, "csr1")
    for n, name in enumerate(NAMES):
        r = c.get(f"/documents/{review.document_id(f'name{n}')}/raw")
        assert r.status_code == 200, (name, r.status_code)
        header = r.headers["content-disposition"]
        star = re.search(r"filename\*=UTF-8''([^;]+)", header)
        assert star and unquote(star.group(1)) == name, header
        fallback = re.search(r'filename="([^"]*)"', header).group(1)
        assert fallback.isascii() and fallback.endswith(".pdf")
        assert r.content.startswith(b"%PDF")


# --------------------------------------------------------------------------- sign-in and sessions


def test_wrong_passwords_lock_the_account_for_that_address(review):
    """Attack: 30 wrong passwords in a row. Answer: after MAX_FAILURES a lockout (429), even for the
    right password, audited; another user from the same address is not locked; after the lockout
    the right password works and clears the count."""
    c = client(review)
    statuses = []
    start = time.monotonic()
    for n in range(30):
        r = c.post("/login", data={"username": "throttle1", "password": f"guess-{n}", "csrf_token": token(c, "/login")})
        statuses.append(r.status_code)
    assert statuses == [401] * (MAX_FAILURES - 1) + [429] * (31 - MAX_FAILURES), statuses
    assert "Too many failed sign-ins" in r.text
    assert time.monotonic() - start < 60
    right = c.post("/login", data={"username": "throttle1", "password": ui.PASSWORD, "csrf_token": token(c, "/login")})
    assert right.status_code == 429  # locked is locked, whatever the password
    sign_in(review, "lead1")  # same address, another account: unaffected
    with review.store.Session() as s:
        actions = [e.action for e in repo.audit_trail(s, "user", "throttle1")]
        assert actions == ["login_failed"] * (MAX_FAILURES - 1) + ["login_locked"]
        row = s.get(LoginFailure, ("throttle1", "127.0.0.1"))
        assert row.failures == MAX_FAILURES and row.locked_until > dt.datetime.now(dt.UTC)
        # the lockout runs out (30 s): move it into the past rather than sleep
        s.execute(update(LoginFailure).values(locked_until=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)))
        s.commit()
    again = client(review)
    r = again.post("/login", data={"username": "throttle1", "password": "one more guess", "csrf_token": token(again, "/login")})
    assert r.status_code == 429  # the 6th failure locks again at once, for twice as long
    with review.store.Session() as s:
        row = s.get(LoginFailure, ("throttle1", "127.0.0.1"))
        left = (row.locked_until - dt.datetime.now(dt.UTC)).total_seconds()
        assert row.failures == MAX_FAILURES + 1 and 50 < left <= 60
        s.execute(update(LoginFailure).values(locked_until=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)))
        s.commit()
    assert sign_in(review, "throttle1").get("/").status_code == 200
    with review.store.Session() as s:
        assert s.get(LoginFailure, ("throttle1", "127.0.0.1")) is None


def test_a_session_is_dead_after_logout(review):
    """Attack: keep a copy of the session cookie, sign out, replay the copy. Answer: signed out."""
    c = sign_in(review, "logout1")
    assert c.get("/", follow_redirects=False).status_code == 200
    stolen = dict(c.cookies)
    with review.store.Session() as s:
        assert len(s.scalars(select(WebSession).where(WebSession.username == "logout1")).all()) == 1
    r = c.post("/logout", data={"csrf_token": token(c)})
    assert r.status_code == 303 and r.headers["location"] == "/login"
    replay = client(review)
    replay.cookies.update(stolen)
    r = replay.get("/", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
    assert replay.post(f"/orders/{review.store.orders['glove']}/release", data={}).status_code == 401
    with review.store.Session() as s:
        assert s.scalars(select(WebSession).where(WebSession.username == "logout1")).all() == []


def test_an_edit_after_the_lead_signed_resets_the_signatures(review):
    """Attack: the lead signs 120,000, a CSR changes it to 180,000, finance approves. Answer: the
    edit voided the lead's step; finance's click signs the lead step again and the order waits for
    finance; nothing is pushed on the old signature."""
    order_id = review.ids["signed"]
    lead = sign_in(review, "lead1")
    lead.get(f"/orders/{order_id}")
    r = lead.post(f"/orders/{order_id}/approve", data={"csrf_token": token(lead)}, follow_redirects=True)
    assert "Lead approval recorded" in r.text and "✓ lead1" in r.text
    lead.post(f"/orders/{order_id}/release", data={"csrf_token": token(lead)})

    fin = sign_in(review, "fin1")
    stale = fin.get(f"/orders/{order_id}").text  # finance opens it at 120,000 ...
    fin.post(f"/orders/{order_id}/release", data={"csrf_token": token(fin)})

    csr = sign_in(review, "csr1")
    csr.get(f"/orders/{order_id}")
    r = csr.post(f"/orders/{order_id}/fix", data={"csrf_token": token(csr), "path": "lines[0].qty", "value": "720000"},
                 follow_redirects=True)
    assert r.status_code == 200
    row, co, _, audit = review.store.order("signed")
    assert co.lines[0].qty == 720000 and row.approvals == []
    reset = [e for e in audit if e.action == "approvals_reset"]
    assert len(reset) == 1 and reset[0].before["signed_by"] == ["lead1"] and reset[0].actor == "csr1"
    csr.post(f"/orders/{order_id}/release", data={"csrf_token": token(csr)})

    seen = re.search(r'name="seen" value="([^"]+)"', stale).group(1)
    r = fin.post(f"/orders/{order_id}/approve", data={"csrf_token": token(fin), "seen": seen})
    assert r.status_code == 409 and "changed after you opened it" in r.text  # ... and clicks after the edit
    assert review.store.order("signed")[0].approvals == []
    screen = fin.get(f"/orders/{order_id}").text
    assert "✓ lead1" not in screen
    seen = re.search(r'name="seen" value="([^"]+)"', screen).group(1)
    r = fin.post(f"/orders/{order_id}/approve", data={"csrf_token": token(fin), "seen": seen}, follow_redirects=True)
    assert "Lead approval recorded; waiting for finance approval" in r.text
    row = review.store.order("signed")[0]
    assert row.state != "pushed" and [a["step"] for a in row.approvals] == ["lead"]
    assert not list(review.store.outbox.glob("*PO-LEAD-1*"))


def test_a_long_fixed_value_does_not_overflow_the_session_cookie(review):
    """Attack: fix a field with a 6,000-character value. Answer: saved in full; the flash shows a
    preview and the session cookie stays under 4 KB (a larger one is dropped by browsers, and the
    user signed out with it)."""
    order_id = review.store.orders["edit"]
    c = sign_in(review, "csr2")
    c.get(f"/orders/{order_id}")
    value = "Nitrile glove large " + "x" * 6000
    r = c.post(f"/orders/{order_id}/fix", data={"csrf_token": token(c), "path": "lines[0].description",
                                                 "value": value}, follow_redirects=False)
    assert r.status_code == 303
    cookie = r.headers["set-cookie"]
    assert len(cookie) < 4096, len(cookie)
    page = c.get(f"/orders/{order_id}")
    assert page.status_code == 200 and "lines[0].description set to Nitrile glove large" in page.text
    assert review.store.order("edit")[1].lines[0].description == value
