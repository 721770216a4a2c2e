"""Portal HTTP API: customers post canonical order JSON; idempotent per (client, key).

The API layer only authenticates, validates and replays answers. Storage is the caller's
``submit``; reading back is the caller's ``get_order``. A bearer token maps to a client id.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Callable, MutableMapping
from typing import Any

from fastapi import Depends, FastAPI, Header, HTTPException, Request
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from orderflow.canonical import CanonicalOrder

Submit = Callable[[dict, str, str], tuple[int, dict]]
GetOrder = Callable[[str, int], "dict | None"]

MAX_BODY_BYTES = 5 * 1024 * 1024

_bearer = HTTPBearer(auto_error=False, description="Per-client API token")


def _body_hash(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def create_portal_app(
    submit: Submit,
    get_order: GetOrder,
    tokens: dict[str, str],
    idempotency_cache: MutableMapping[tuple[str, str], tuple[str, int, dict]] | None = None,
) -> FastAPI:
    """Build the app. ``submit(order_json, client, idempotency_key) -> (status, body)``.

    ``idempotency_cache`` keeps first answers by (client, key) in memory unless the caller
    passes its own mapping; ``submit`` may also replay answers from the store itself.
    """
    cache: MutableMapping[tuple[str, str], tuple[str, int, dict]] = (
        {} if idempotency_cache is None else idempotency_cache
    )
    locks: dict[tuple[str, str], threading.Lock] = {}
    locks_guard = threading.Lock()

    app = FastAPI(
        title="orderflow portal API",
        version="1",
        description="Submit purchase orders as canonical order JSON. Requires a bearer token and an "
        "Idempotency-Key header; retrying with the same key returns the first answer.",
    )

    def client_of(creds: HTTPAuthorizationCredentials | None = Depends(_bearer)) -> str:
        if creds is not None and creds.scheme.lower() == "bearer":
            for token, client in tokens.items():
                if hmac.compare_digest(token.encode(), creds.credentials.encode()):
                    return client
        raise HTTPException(
            status_code=401,
            detail="missing or invalid bearer token",
            headers={"WWW-Authenticate": "Bearer"},
        )

    def idem_key(idempotency_key: str | None = Header(default=None, max_length=200)) -> str:
        if not idempotency_key or not idempotency_key.strip():
            raise HTTPException(status_code=400, detail="Idempotency-Key header is required")
        return idempotency_key.strip()

    def lock_for(key: tuple[str, str]) -> threading.Lock:
        with locks_guard:
            return locks.setdefault(key, threading.Lock())

    @app.post(
        "/api/orders",
        status_code=201,
        summary="Submit one order",
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/CanonicalOrder"}}},
            }
        },
        responses={
            400: {"description": "Idempotency-Key missing"},
            401: {"description": "Missing or invalid token"},
            409: {"description": "Idempotency-Key reused with a different body"},
            413: {"description": "Body too large"},
            422: {"description": "Not a valid canonical order (field-level errors in detail)"},
        },
    )
    async def post_order(
        request: Request, client: str = Depends(client_of), key: str = Depends(idem_key)
    ) -> JSONResponse:
        raw = await request.body()
        if len(raw) > MAX_BODY_BYTES:
            raise HTTPException(status_code=413, detail=f"body larger than {MAX_BODY_BYTES} bytes")
        try:
            body = json.loads(raw)
        except (ValueError, UnicodeDecodeError) as exc:
            return _unprocessable([{"loc": ["body"], "msg": f"invalid JSON: {exc}", "type": "json_invalid"}])
        if not isinstance(body, dict):
            return _unprocessable([{"loc": ["body"], "msg": "expected a JSON object", "type": "dict_type"}])
        try:
            CanonicalOrder.model_validate(body)
        except ValidationError as exc:
            return _unprocessable(
                [
                    {"loc": ["body", *e["loc"]], "msg": e["msg"], "type": e["type"]}
                    for e in exc.errors(include_url=False, include_input=False)
                ]
            )
        return await run_in_threadpool(_submit_once, body, client, key, _body_hash(raw))

    def _submit_once(body: dict, client: str, key: str, digest: str) -> JSONResponse:
        with lock_for((client, key)):
            hit = cache.get((client, key))
            if hit is not None:
                first_digest, status, answer = hit
                if first_digest != digest:
                    raise HTTPException(
                        status_code=409, detail="Idempotency-Key already used with a different order body"
                    )
                return JSONResponse(answer, status_code=status, headers={"Idempotent-Replayed": "true"})
            try:
                status, answer = submit(body, client, key)
            except Exception as exc:
                raise HTTPException(
                    status_code=503,
                    detail=f"order not stored ({exc.__class__.__name__}); retry with the same Idempotency-Key",
                ) from exc
            if 200 <= status < 300:
                cache[(client, key)] = (digest, status, answer)
            return JSONResponse(answer, status_code=status)

    @app.get(
        "/api/orders/{order_id}",
        summary="State and issues of one of your orders",
        responses={401: {"description": "Missing or invalid token"}, 404: {"description": "No such order"}},
    )
    def read_order(order_id: int, client: str = Depends(client_of)) -> dict[str, Any]:
        found = get_order(client, order_id)
        if found is None:
            raise HTTPException(status_code=404, detail="order not found")
        return found

    # The request body is read raw (to keep the document byte-exact), so publish its schema by hand.
    def openapi() -> dict:
        if app.openapi_schema:
            return app.openapi_schema
        from fastapi.openapi.utils import get_openapi

        schema = get_openapi(
            title=app.title, version=app.version, description=app.description, routes=app.routes
        )
        order_schema = CanonicalOrder.model_json_schema(ref_template="#/components/schemas/{model}")
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components.update(order_schema.pop("$defs", {}))
        components["CanonicalOrder"] = order_schema
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app


def _unprocessable(errors: list[dict]) -> JSONResponse:
    return JSONResponse({"detail": errors}, status_code=422)
