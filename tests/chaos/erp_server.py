"""A small real ERP for chaos tests: the generic REST adapter's contract over HTTP, state in SQLite.

Run as its own process (``python erp_server.py --port P --db FILE``) so a test can kill -9 it and
start it again on the same port; sales survive because every request commits to SQLite.
Idempotency by key: a POST with a key already present answers 200 with the existing sale.
Every POST is also written to ``calls`` (time, key, status), so tests can see replays and the
order in which sales arrived.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SCHEMA = """
CREATE TABLE IF NOT EXISTS sales (seq INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT UNIQUE NOT NULL,
    po_number TEXT, customer_id TEXT, body TEXT NOT NULL, created REAL NOT NULL);
CREATE TABLE IF NOT EXISTS calls (n INTEGER PRIMARY KEY AUTOINCREMENT, at REAL, method TEXT, key TEXT, status INT);
"""


class Store:
    def __init__(self, path: str) -> None:
        self.db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.executescript(SCHEMA)
        self.lock = threading.Lock()

    def create(self, key: str, body: dict) -> tuple[int, dict]:
        with self.lock:
            row = self.db.execute("SELECT seq FROM sales WHERE key=?", (key,)).fetchone()
            status = 200
            if row is None:
                order = body.get("order") or {}
                cur = self.db.execute(
                    "INSERT INTO sales (key, po_number, customer_id, body, created) VALUES (?,?,?,?,?)",
                    (key, order.get("po_number"), body.get("customer_id"), json.dumps(body), time.time()),
                )
                row, status = (cur.lastrowid,), 201
            self.db.execute("INSERT INTO calls (at, method, key, status) VALUES (?,?,?,?)",
                            (time.time(), "POST", key, status))
            return status, {"id": f"SO{row[0]:06d}", "key": key, "state": "quotation"}

    def get(self, key: str) -> dict | None:
        row = self.db.execute("SELECT seq, key FROM sales WHERE key=?", (key,)).fetchone()
        return None if row is None else {"id": f"SO{row[0]:06d}", "key": row[1], "state": "quotation"}

    def all(self) -> list[dict]:
        rows = self.db.execute("SELECT seq, key FROM sales ORDER BY seq").fetchall()
        return [{"id": f"SO{r[0]:06d}", "key": r[1], "state": "quotation"} for r in rows]


def make_handler(store: Store) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, fmt: str, *args: object) -> None:  # quiet: the calls table is the log
            pass

        def _send(self, status: int, body: object) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            path = urllib.parse.urlparse(self.path).path.strip("/")
            if path == "orders":
                self._send(200, store.all())
            elif path.startswith("orders/"):
                found = store.get(urllib.parse.unquote(path[len("orders/"):]))
                self._send(200, found) if found else self._send(404, {"error": "no such order"})
            else:
                self._send(404, {"error": "not offered"})

        def do_POST(self) -> None:  # noqa: N802
            length = int(self.headers.get("Content-Length") or 0)
            try:
                body = json.loads(self.rfile.read(length) or b"{}")
            except ValueError:
                self._send(400, {"error": "body is not JSON"})
                return
            key = self.headers.get("Idempotency-Key") or body.get("key")
            if not key:
                self._send(400, {"error": "Idempotency-Key missing"})
                return
            status, out = store.create(key, body)
            self._send(status, out)

    return Handler


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--db", required=True)
    args = p.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", args.port), make_handler(Store(args.db)))
    server.daemon_threads = True
    print("ready", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
