"""Portal HTTP API: customers post canonical order JSON; idempotent per (client, key).

The API layer only authenticates, validates and replays answers. Storage is the caller's
``submit``; reading back is the caller's ``get_order``. A bearer token maps to a client id.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import threading
import time
from collections.abc import Callable, MutableMapping
from typing import Any

from fastapi import Depends, FastAPI, Header, HTTPException, Request
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from orderflow.canonical import CanonicalOrder

Submit = Callable[[Any, str, str], tuple[int, dict]]  # body: one order dict, a list, or {"orders": [...]}
GetOrder = Callable[[str, int], "dict | None"]

MAX_BODY_BYTES = 5 * 1024 * 1024
MAX_DEPTH = 40  # the portal_json extractor's limit too
MAX_BATCH = 100  # orders per request
MAX_INT = 2**31 - 1  # the store's integer columns (revision, ids)
DECIMAL_FIELDS = frozenset({"qty", "unit_price", "amount", "declared_total", "percent"})

_bearer = HTTPBearer(auto_error=False, description="Per-client API token")


def _body_hash(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def create_portal_app(
    submit: Submit,
    get_order: GetOrder,
    tokens: dict[str, str],
    idempotency_cache: MutableMapping[tuple[str, str], tuple[str, int, dict]] | None = None,
    race_wait_seconds: float = 5.0,
) -> FastAPI:
    """Build the app. ``submit(order_json, client, idempotency_key) -> (status, body)``.

    ``idempotency_cache`` keeps first answers by (client, key) in memory unless the caller
    passes its own mapping; ``submit`` may also replay answers from the store itself. When
    ``submit`` fails, the cache is watched for ``race_wait_seconds``: another process that stored
    the same (client, key) first has the answer (a lost race is not an error).

    The body may be one order, an array of orders or ``{"orders": [...]}``; ``submit`` gets it as
    posted and answers for all of its orders.
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
        raw = await _read_capped(request)
        body, errors = parse_orders(raw)
        if errors:
            return _unprocessable(errors)
        return await run_in_threadpool(_submit_once, body, client, key, _body_hash(raw))

    def _replay(client: str, key: str, digest: str) -> JSONResponse | None:
        hit = cache.get((client, key))
        if hit is None:
            return None
        first_digest, status, answer = hit
        if first_digest != digest:
            raise HTTPException(status_code=409, detail="Idempotency-Key already used with a different order body")
        return JSONResponse(answer, status_code=status, headers={"Idempotent-Replayed": "true"})

    def _submit_once(body: Any, client: str, key: str, digest: str) -> JSONResponse:
        with lock_for((client, key)):
            replay = _replay(client, key, digest)
            if replay is not None:
                return replay
            try:
                status, answer = submit(body, client, key)
            except Exception as exc:
                # Another process may have stored this very request meanwhile (it won the race on the
                # store's unique keys): its answer is this request's answer.
                lost_race = "IntegrityError" in {c.__name__ for c in type(exc).__mro__}
                replay = _await_answer(client, key, digest, race_wait_seconds if lost_race else 0.0)
                if replay is not None:
                    return replay
                raise _store_failure(exc) from exc
            if 200 <= status < 300:
                cache[(client, key)] = (digest, status, answer)
                won = cache.get((client, key))  # two processes both stored: everyone answers the first
                if won is not None and won[0] == digest and won[2] != answer:
                    return JSONResponse(won[2], status_code=won[1], headers={"Idempotent-Replayed": "true"})
            return JSONResponse(answer, status_code=status)

    def _await_answer(client: str, key: str, digest: str, seconds: float) -> JSONResponse | None:
        deadline = time.monotonic() + seconds
        while True:
            try:
                replay = _replay(client, key, digest)
            except HTTPException:
                raise
            except Exception:  # the store is down too: the original failure is the answer
                return None
            if replay is not None or time.monotonic() >= deadline:
                return replay
            time.sleep(0.1)

    @app.get(
        "/api/orders/{order_id}",
        summary="State and issues of one of your orders",
        responses={401: {"description": "Missing or invalid token"}, 404: {"description": "No such order"}},
    )
    def read_order(order_id: int, client: str = Depends(client_of)) -> dict[str, Any]:
        if not 1 <= order_id <= MAX_INT:  # /api/orders/<24 digits>: no such order, not a driver overflow
            raise HTTPException(status_code=404, detail="order not found")
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


async def _read_capped(request: Request) -> bytes:
    """The body, read as it streams in and refused (413) as soon as it passes ``MAX_BODY_BYTES``:
    a 400 MB chunked upload never sits in memory."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise HTTPException(status_code=413, detail=f"body larger than {MAX_BODY_BYTES} bytes")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise HTTPException(status_code=413, detail=f"body larger than {MAX_BODY_BYTES} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _error(loc: list, msg: str, kind: str) -> dict:
    return {"loc": loc, "msg": msg, "type": kind}


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not a number")


def _too_deep(value: Any, limit: int = MAX_DEPTH) -> bool:
    """Nesting deeper than ``limit`` (iterative: never recurses itself)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
    return False


def parse_orders(raw: bytes) -> tuple[Any, list[dict]]:
    """The posted JSON and its field-level errors (empty when it is a valid order or batch).

    One order object, an array of orders or ``{"orders": [...]}`` (the README's contract, the same
    shapes a portal file may hold). Decimal fields must be JSON strings: a JSON number with a
    fraction or exponent is read as a binary float by every JSON library, so ``1.1`` is refused.
    """
    try:
        body = json.loads(raw, parse_constant=_no_constants)
    except RecursionError:
        return None, [_error(["body"], f"JSON nested deeper than {MAX_DEPTH} levels", "json_invalid")]
    except (ValueError, UnicodeDecodeError) as exc:
        return None, [_error(["body"], f"invalid JSON: {exc}", "json_invalid")]
    if _too_deep(body):
        return None, [_error(["body"], f"JSON nested deeper than {MAX_DEPTH} levels", "json_invalid")]
    if isinstance(body, dict) and set(body) == {"orders"}:
        items, prefix = body["orders"], ["body", "orders"]
        if not isinstance(items, list):
            return None, [_error(prefix, "expected an array of orders", "list_type")]
    elif isinstance(body, list):
        items, prefix = body, ["body"]
    elif isinstance(body, dict):
        return body, order_errors(body, ["body"])
    else:
        return None, [_error(["body"], 'expected a JSON object (one order), an array of orders or '
                                       '{"orders": [...]}', "dict_type")]
    if not items:
        return None, [_error(prefix, "no orders in the batch", "too_short")]
    if len(items) > MAX_BATCH:
        return None, [_error(prefix, f"at most {MAX_BATCH} orders per request", "too_long")]
    errors = [e for n, item in enumerate(items) for e in order_errors(item, [*prefix, n])]
    return body, errors


def order_errors(item: Any, loc: list) -> list[dict]:
    """Why one posted order is not a valid canonical order (pydantic's errors, float amounts,
    integers the store cannot hold), each with its location."""
    if not isinstance(item, dict):
        return [_error(loc, "expected a JSON object (an order)", "dict_type")]
    errors = _float_errors(item, loc)
    try:
        order = CanonicalOrder.model_validate(item)
    except ValidationError as exc:
        return errors + [
            _error([*loc, *e["loc"]], e["msg"], e["type"])
            for e in exc.errors(include_url=False, include_input=False)
        ]
    ints = [(["revision"], order.revision), (["declared_line_count"], order.declared_line_count),
            (["source", "index"], order.source.index)]
    ints += [(["provenance", path, name], getattr(prov, name))
             for path, prov in order.provenance.items() for name in ("page", "segment")]
    errors += [_error([*loc, *where], f"must be between 0 and {MAX_INT}", "less_than_equal")
               for where, value in ints if value is not None and not 0 <= value <= MAX_INT]
    return errors


def _float_errors(item: dict, loc: list) -> list[dict]:
    """Quantities and money given as JSON numbers with a fraction or exponent (1.5, 0.1, 1e3)."""
    out = []
    stack: list[tuple[Any, list]] = [(item, loc)]
    while stack:
        value, where = stack.pop()
        if isinstance(value, dict):
            for k, v in value.items():
                if k == "provenance":
                    continue
                if k in DECIMAL_FIELDS and isinstance(v, float):
                    out.append(_error([*where, k], f'use a string for {k}, e.g. "{_plain(v)}": a JSON number '
                                                   "with a fraction or exponent is a binary float and "
                                                   "cannot carry an exact quantity or price", "decimal_string"))
                else:
                    stack.append((v, [*where, k]))
        elif isinstance(value, list):
            stack.extend((v, [*where, n]) for n, v in enumerate(value))
    return sorted(out, key=lambda e: [str(x) for x in e["loc"]])


def _plain(value: float) -> str:
    text = repr(value)
    return text if len(text) <= 24 and math.isfinite(value) else "12.50"


_TRANSIENT = frozenset({"OperationalError", "InterfaceError", "DisconnectionError", "TimeoutError",
                        "ConnectionError", "PoolTimeoutError"})
_BAD_DATA = frozenset({"DataError", "IntegrityError", "OverflowError", "ValueError", "ArithmeticError",
                       "ValidationError", "RecursionError", "UnicodeError", "LookupError"})


def _store_failure(exc: Exception) -> HTTPException:
    """503 (retry with the same key) only when the store could not be reached; a body the store
    cannot hold is a 422 — retrying it would fail the same way for ever."""
    names = {c.__name__ for c in type(exc).__mro__}
    if names & _TRANSIENT or isinstance(exc, OSError):
        return HTTPException(status_code=503, detail=f"order not stored ({type(exc).__name__}); "
                                                     "retry with the same Idempotency-Key")
    if names & _BAD_DATA:
        reason = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        return HTTPException(status_code=422, detail=[_error(["body"], f"this order cannot be stored: {reason}",
                                                             "value_error")])
    return HTTPException(status_code=500, detail=f"order not stored: internal error ({type(exc).__name__})")
