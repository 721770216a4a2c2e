"""A generic REST ERP behind the adapter protocol.

Contract (paths relative to ``base_url``):
  ``POST orders`` with header ``Idempotency-Key: KEY`` and body ``{"key", "customer_id", "ship_to_id",
  "resolved_skus", "uoms", "order": <canonical order JSON>}`` → 201 ``{"id", "state"}`` when created,
  200 (or 409) with the same shape when the key already exists. The server must honour the key as a
  unique key in its own store: a second POST with it, even while the first is still being handled
  (two orderflow processes, or a retry after a timeout), creates nothing and answers the first order.
  ``GET orders/{key}`` → ``{"key", "id", "state", "total", "shipments"}`` or 404;
  ``GET orders`` → a list of those; ``GET reference-data`` → ReferenceData JSON (404: not offered);
  ``GET customers/{id}/credit`` → ``{"exposure": "123.45"}`` (404: unknown);
  ``POST cross-references`` with ``{"customer_id", "customer_part", "sku"}`` → 201 when added,
  200 (or 409) when the ERP already had that mapping (optional: 404/405 means not offered).
Connection errors, timeouts, 408/429/5xx are transient; other 4xx are the ERP's rejection.
"""

from __future__ import annotations

import urllib.parse
from decimal import Decimal, InvalidOperation
from typing import Any

import httpx

from orderflow.canonical import ReferenceData
from orderflow.erp_push.base import (
    ErpOrderStatus,
    PermanentERPError,
    PushRequest,
    PushResult,
    TransientERPError,
)

_TRANSIENT_STATUS = {408, 425, 429, 500, 502, 503, 504}


def _dec(value: Any) -> Decimal | None:
    if value is None:
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


class RestAdapter:
    name = "rest"
    carries_charges = True  # the POST body holds the whole canonical order, charges and allowances included

    def __init__(self, base_url: str, *, token: str | None = None, timeout: float = 10.0,
                 status_map: dict[str, str] | None = None, headers: dict[str, str] | None = None,
                 transport: httpx.BaseTransport | None = None) -> None:
        self.base_url = base_url.rstrip("/") + "/"
        self.status_map = status_map or {}
        hdrs = {"Accept": "application/json", **(headers or {})}
        if token:
            hdrs["Authorization"] = f"Bearer {token}"
        self._client = httpx.Client(base_url=self.base_url, timeout=timeout, headers=hdrs, transport=transport)

    def close(self) -> None:
        self._client.close()

    # -- plumbing -------------------------------------------------------------------------

    def _request(self, method: str, path: str, *, ok404: bool = False, **kwargs: Any) -> httpx.Response | None:
        try:
            resp = self._client.request(method, path, **kwargs)
        except (httpx.TransportError, OSError) as exc:  # connect refused, timeouts, protocol errors
            raise TransientERPError(f"ERP unreachable: {type(exc).__name__}: {exc}") from exc
        if resp.status_code == 404 and ok404:
            return None
        if resp.status_code in _TRANSIENT_STATUS:
            raise TransientERPError(f"ERP answered {resp.status_code}: {self._message(resp)}")
        if resp.status_code >= 400 and resp.status_code != 409:
            raise PermanentERPError(f"ERP refused ({resp.status_code}): {self._message(resp)}")
        return resp

    @staticmethod
    def _message(resp: httpx.Response) -> str:
        try:
            body = resp.json()
        except ValueError:
            return resp.text[:500] or resp.reason_phrase
        if isinstance(body, dict):
            for name in ("message", "error", "detail"):
                if body.get(name):
                    return str(body[name])
        return str(body)[:500]

    @staticmethod
    def _json(resp: httpx.Response) -> Any:
        try:
            return resp.json()
        except ValueError as exc:
            raise PermanentERPError(f"ERP sent no JSON ({resp.status_code}): {resp.text[:200]}") from exc

    def _state(self, raw: Any) -> str:
        text = str(raw) if raw is not None else "unknown"
        return self.status_map.get(text, text)

    def _status(self, body: dict[str, Any], key: str | None = None) -> ErpOrderStatus:
        return ErpOrderStatus(key=str(body.get("key") or key or ""), erp_order_id=str(body.get("id", "")),
                              state=self._state(body.get("state")), total=_dec(body.get("total")),
                              shipments=list(body.get("shipments") or []))

    @staticmethod
    def _quoted(key: str) -> str:
        return urllib.parse.quote(key, safe="")

    # -- protocol -------------------------------------------------------------------------

    def find_order(self, key: str, customer_id: str, po_number: str | None) -> PushResult | None:
        resp = self._request("GET", f"orders/{self._quoted(key)}", ok404=True)
        if resp is None:
            return None
        st = self._status(self._json(resp), key)
        return PushResult(erp_order_id=st.erp_order_id, created=False, state=st.state)

    def push(self, request: PushRequest) -> PushResult:
        body = {
            "key": request.key,
            "customer_id": request.customer_id,
            "ship_to_id": request.ship_to_id,
            "resolved_skus": list(request.resolved_skus),
            "uoms": list(request.uoms),
            "order": request.order.to_json_dict(),
        }
        resp = self._request("POST", "orders", json=body, headers={"Idempotency-Key": request.key})
        assert resp is not None
        data = self._json(resp)
        if not isinstance(data, dict) or not data.get("id"):
            raise PermanentERPError(f"ERP answered {resp.status_code} without an order id: {str(data)[:200]}")
        return PushResult(erp_order_id=str(data["id"]), created=resp.status_code == 201,
                          state=self._state(data.get("state")), detail={"http_status": resp.status_code})

    def order_status(self, key: str) -> ErpOrderStatus | None:
        resp = self._request("GET", f"orders/{self._quoted(key)}", ok404=True)
        return None if resp is None else self._status(self._json(resp), key)

    def list_orders(self) -> list[ErpOrderStatus]:
        resp = self._request("GET", "orders")
        assert resp is not None
        data = self._json(resp)
        rows = data.get("orders", []) if isinstance(data, dict) else data
        return [self._status(r) for r in rows]

    def pull_reference_data(self) -> ReferenceData | None:
        resp = self._request("GET", "reference-data", ok404=True)
        if resp is None:
            return None
        try:
            return ReferenceData.model_validate(self._json(resp))
        except ValueError as exc:
            raise PermanentERPError(f"ERP reference data does not fit ReferenceData: {exc}") from exc

    def add_cross_reference(self, customer_id: str, customer_part: str, sku: str) -> bool:
        """Optional capability: write a learned customer part back as the ERP's customer code."""
        body = {"customer_id": customer_id, "customer_part": customer_part, "sku": sku}
        resp = self._request("POST", "cross-references", json=body)
        assert resp is not None
        return resp.status_code == 201

    def credit_exposure(self, customer_id: str) -> Decimal | None:
        resp = self._request("GET", f"customers/{self._quoted(customer_id)}/credit", ok404=True)
        if resp is None:
            return None
        data = self._json(resp)
        return _dec(data.get("exposure")) if isinstance(data, dict) else None
