"""File-drop ERP adapter: one JSON file per order in an outbox folder another system picks up.

Exactly-once: the file name derives from the idempotency key, and the file is published with
``os.link`` from a fully written temp file, which fails if the name exists — so a retry, or two
workers racing on the same key, end with one file and ``created=False`` for the loser.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import os
import re
import socket
import tempfile
import time
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from orderflow.canonical import ReferenceData
from orderflow.erp_push.base import (
    ErpOrderStatus,
    PermanentERPError,
    PushRequest,
    PushResult,
    TransientERPError,
)

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
XREF_FILE = "cross_references.csv"
XREF_HEADER = ["customer_id", "customer_part", "sku", "written_at"]


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def safe_key(key: str) -> str:
    """A file-name-safe form of the key: readable part plus 8 hex of its hash (so 'A/B' and 'A_B' differ)."""
    readable = _UNSAFE.sub("_", key).strip("._")[:120] or "order"
    return f"{readable}~{key_hash(key)[:8]}"


def erp_order_id_for(key: str) -> str:
    return f"FILE-{key_hash(key)[:8].upper()}"


TEMP_PREFIX = ".tmp-"
TEMP_MAX_AGE_SECONDS = 3600  # a temp older than this is a leftover whatever host wrote it
_HOST = re.sub(r"[^A-Za-z0-9.]+", "_", socket.gethostname()) or "host"
_TEMP_NAME = re.compile(r"^\.tmp-(?P<host>[A-Za-z0-9._]+)-(?P<pid>\d+)-.*\.part$")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def sweep_dead_temps(outbox: Path) -> list[str]:
    """Remove ``.tmp-*.part`` files a killed write left behind: this host's whose writer is gone, and
    any older than an hour. Returns the names removed."""
    removed: list[str] = []
    try:
        candidates = list(outbox.glob(f"{TEMP_PREFIX}*.part"))
    except OSError:
        return removed
    now = time.time()
    for path in candidates:
        m = _TEMP_NAME.match(path.name)
        try:
            old = now - path.stat().st_mtime > TEMP_MAX_AGE_SECONDS
            dead = m is not None and m["host"] == _HOST and not _alive(int(m["pid"]))
            if old or dead:
                path.unlink()
                removed.append(path.name)
        except OSError:  # gone meanwhile, or not ours to remove
            continue
    return removed


class FileAdapter:
    """ERP adapter writing ``<outbox>/<safe key>.json``; ``name`` is "file"."""

    name = "file"
    carries_charges = True  # the file holds the whole canonical order, charges and allowances included

    def __init__(self, outbox: Path | str) -> None:
        self.outbox = Path(outbox)
        self._swept = False

    def _temp(self) -> tuple[int, str]:
        """A temp file in the outbox named after this host and pid, so a later run can tell a killed
        writer's leftover from a live writer's file."""
        if not self._swept:
            sweep_dead_temps(self.outbox)
            self._swept = True
        return tempfile.mkstemp(dir=self.outbox, prefix=f"{TEMP_PREFIX}{_HOST}-{os.getpid()}-", suffix=".part")

    def path_for(self, key: str) -> Path:
        return self.outbox / f"{safe_key(key)}.json"

    # -- protocol ---------------------------------------------------------------------------

    def find_order(self, key: str, customer_id: str, po_number: str | None) -> PushResult | None:
        data = self._read(self.path_for(key))
        if data is None or data.get("key") != key:
            return None
        return PushResult(
            erp_order_id=data["erp_order_id"],
            created=False,
            state=data.get("state"),
            detail={"path": str(self.path_for(key))},
        )

    def push(self, request: PushRequest) -> PushResult:
        existing = self.find_order(request.key, request.customer_id, request.order.po_number)
        if existing is not None:
            return existing
        if not request.key:
            raise PermanentERPError("an order without an idempotency key cannot be written to the outbox")
        if not (request.customer_id or "").strip():  # the system reading the outbox could not book it
            raise PermanentERPError("the order names no customer: pick the customer, then approve again", field="buyer")
        try:
            self.outbox.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise TransientERPError(f"outbox {self.outbox} is not writable: {exc}") from exc
        erp_id = erp_order_id_for(request.key)
        order = request.order
        body = {
            "key": request.key,
            "erp_order_id": erp_id,
            "state": "received",
            "customer_id": request.customer_id,
            "ship_to_id": request.ship_to_id,
            "po_number": order.po_number,
            "total": _fmt(order.computed_total()),
            "lines": [
                {
                    "line_no": line.line_no,
                    "sku": sku,
                    "uom": uom,
                    "qty": _fmt(line.qty),
                    "unit_price": _fmt(line.unit_price),
                    "requested_date": _day(line.requested_date or order.requested_delivery_date),
                    "promised_date": _day(line.promised_date),
                }
                for line, sku, uom in zip(
                    order.lines,
                    _pad(request.resolved_skus, len(order.lines)),
                    _pad(request.uoms, len(order.lines)),
                    strict=True,
                )
            ],
            "order": order.model_dump(mode="json"),
            "written_at": dt.datetime.now(dt.UTC).isoformat(),
        }
        return self._write_once(request, body)

    def _write_once(self, request: PushRequest, body: dict[str, Any]) -> PushResult:
        """Write ``body`` as the key's file, exactly once: a temp file hard-linked into place, which is
        atomic and fails if another push got there first (then that push's order is the answer)."""
        final = self.path_for(request.key)
        try:
            fd, tmp = self._temp()
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as fh:
                    json.dump(body, fh, indent=2, sort_keys=True)
                    fh.flush()
                    os.fsync(fh.fileno())
                os.link(tmp, final)
            finally:
                try:
                    os.unlink(tmp)
                except FileNotFoundError:
                    pass
        except FileExistsError:
            found = self.find_order(request.key, request.customer_id, request.order.po_number)
            if found is None:
                raise PermanentERPError(f"{final.name} exists but belongs to another key") from None
            return found
        except OSError as exc:
            raise TransientERPError(f"could not write {final}: {exc}") from exc
        return PushResult(
            erp_order_id=body["erp_order_id"], created=True, state=body["state"], detail={"path": str(final)}
        )

    def apply_change(self, request: PushRequest, sale_ref: str, old_order: Any = None) -> PushResult:
        """Optional capability (order changes): write the new version as its own file, keyed by the
        change's idempotency key, pointing at the sale it changes. Exactly once like ``push``."""
        existing = self.find_order(request.key, request.customer_id, request.order.po_number)
        if existing is not None:
            return existing
        order = request.order
        cancelled = str(order.purpose) == "cancel"
        body = {
            "key": request.key,
            "erp_order_id": sale_ref,
            "changes": sale_ref,
            "revision": order.revision,
            "state": "cancelled" if cancelled else "changed",
            "customer_id": request.customer_id,
            "ship_to_id": request.ship_to_id,
            "po_number": order.po_number,
            "total": None if cancelled else _fmt(order.computed_total()),
            "lines": [] if cancelled else [
                {"line_no": line.line_no, "sku": sku, "uom": uom, "qty": _fmt(line.qty),
                 "unit_price": _fmt(line.unit_price)}
                for line, sku, uom in zip(order.lines, _pad(request.resolved_skus, len(order.lines)),
                                          _pad(request.uoms, len(order.lines)), strict=True)
            ],
            "order": order.model_dump(mode="json"),
            "written_at": dt.datetime.now(dt.UTC).isoformat(),
        }
        try:
            self.outbox.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise TransientERPError(f"outbox {self.outbox} is not writable: {exc}") from exc
        return self._write_once(request, body)

    def add_cross_reference(self, customer_id: str, customer_part: str, sku: str) -> bool:
        """Optional capability: append the mapping to ``cross_references.csv`` in the outbox, once.

        The whole file is rewritten through a temp file and ``os.replace``, so a reader never sees
        half a row; True when a row was added, False when the same mapping is already there."""
        if not (customer_id and customer_part and sku):
            raise PermanentERPError("a cross-reference needs a customer, a customer part and a SKU")
        path = self.outbox / XREF_FILE
        try:
            self.outbox.mkdir(parents=True, exist_ok=True)
            text = path.read_text(encoding="utf-8") if path.exists() else ""
            rows = list(csv.reader(io.StringIO(text)))
            if any(r[:3] == [customer_id, customer_part, sku] for r in rows[1:]):
                return False
            buf = io.StringIO()
            writer = csv.writer(buf, lineterminator="\n")
            if not rows:
                writer.writerow(XREF_HEADER)
            writer.writerow([customer_id, customer_part, sku, dt.datetime.now(dt.UTC).isoformat()])
            fd, tmp = self._temp()
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text + buf.getvalue())
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
        except OSError as exc:
            raise TransientERPError(f"could not write {path}: {exc}") from exc
        return True

    def order_status(self, key: str) -> ErpOrderStatus | None:
        data = self._read(self.path_for(key))
        return _status(data) if data is not None and data.get("key") == key else None

    def list_orders(self) -> list[ErpOrderStatus]:
        if not self.outbox.is_dir():
            return []
        out = []
        for p in sorted(self.outbox.glob("*.json")):
            data = self._read(p)
            if data is not None and "key" in data and "erp_order_id" in data:
                out.append(_status(data))
        return out

    def pull_reference_data(self) -> ReferenceData | None:
        return None

    def credit_exposure(self, customer_id: str) -> Decimal | None:
        return None

    # -- helpers ----------------------------------------------------------------------------

    @staticmethod
    def _read(path: Path) -> dict[str, Any] | None:
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError):
            return None


def _status(data: dict[str, Any]) -> ErpOrderStatus:
    total = None
    if data.get("total") is not None:
        try:
            total = Decimal(str(data["total"]))
        except InvalidOperation:
            total = None
    return ErpOrderStatus(
        key=data["key"], erp_order_id=data["erp_order_id"], state=data.get("state") or "received", total=total
    )


def _fmt(v: Decimal | None) -> str | None:
    return format(v, "f") if v is not None else None


def _day(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _pad(values: list, n: int) -> list:
    return (list(values) + [None] * n)[:n]
