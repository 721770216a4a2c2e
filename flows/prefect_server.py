"""``python -m orderflow.flows.prefect_server server start ...``: Prefect's CLI with two fixes applied.

Both are incompatibilities between Prefect 3.8.8 and the newer libraries orderflow runs on.

1. Prefect 3.8.8's server bulk-inserts scheduled flow runs with a ``state`` key that maps to a
hybrid property. SQLAlchemy 2.0 ignored such keys; SQLAlchemy 2.1 (which orderflow's store
uses) raises "Can't evaluate bulk DML statement", so the scheduler never creates a run and
nothing scheduled ever happens. Prefect inserts the state rows itself right after, so the
fix is a bulk-DML hook that ignores the key, exactly as 2.0 did. Run the Prefect server
through this module (``orderflow serve`` does) until Prefect ships its own fix.

2. Prefect's client sends ``"limit": null, "offset": null, "flow_runs": null`` in filter
bodies; FastAPI 0.154 rejects an explicit null for a non-optional body field with 422, so
``prefect deploy`` and ``prefect flow-run ls`` fail. The server here drops top-level nulls
from the JSON body of filter/count/scheduled-runs requests (null there means "not given").
"""

from __future__ import annotations

import json
import sys
from typing import Any

_NULL_STRIPPED_SUFFIXES = ("/filter", "/count", "/get_scheduled_flow_runs", "/paginate")


def _ignore(cls: Any, mapping: dict[str, Any], value: Any) -> None:
    """The state rows are inserted separately by Prefect: nothing to expand here."""


def apply_sqlalchemy_21_fix() -> bool:
    """Give FlowRun.state / TaskRun.state a no-op bulk-DML hook; True when applied."""
    try:
        from prefect.server.database import orm_models
    except ImportError:  # pragma: no cover - Prefect's server extras missing
        return False
    applied = False
    for model_name in ("FlowRun", "TaskRun"):
        model = getattr(orm_models, model_name, None)
        hybrid = model.__dict__.get("state") if model is not None else None
        if hybrid is not None and getattr(hybrid, "bulk_dml_setter", "absent") is None:
            hybrid.bulk_dml_setter = _ignore
            applied = True
    return applied


class StripNullFilters:
    """ASGI middleware: drop top-level null values from JSON bodies of read-only filter requests."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        path = scope.get("path", "")
        if scope.get("type") != "http" or scope.get("method") != "POST" or not path.endswith(_NULL_STRIPPED_SUFFIXES):
            await self.app(scope, receive, send)
            return
        chunks, more = [], True
        while more:
            message = await receive()
            if message["type"] != "http.request":  # disconnect: pass it through untouched
                await self.app(scope, _replay([message]), send)
                return
            chunks.append(message.get("body", b""))
            more = message.get("more_body", False)
        body = b"".join(chunks)
        try:
            data = json.loads(body) if body else None
        except ValueError:
            data = None
        if isinstance(data, dict):
            body = json.dumps({k: v for k, v in data.items() if v is not None}).encode()
            headers = [(k, v) for k, v in scope.get("headers", []) if k.lower() != b"content-length"]
            scope = {**scope, "headers": [*headers, (b"content-length", str(len(body)).encode())]}
        await self.app(scope, _replay([{"type": "http.request", "body": body, "more_body": False}]), send)


def _replay(messages: list[dict]) -> Any:
    pending = list(messages)

    async def receive() -> dict:
        if pending:
            return pending.pop(0)
        return {"type": "http.disconnect"}

    return receive


def apply_null_filter_fix() -> None:
    """Wrap Prefect's ``create_app`` so the server it builds strips nulls from filter bodies."""
    from prefect.server.api import server

    original = server.create_app
    if getattr(original, "_orderflow_wrapped", False):
        return

    def create_app(*args: Any, **kwargs: Any) -> Any:
        app = original(*args, **kwargs)
        app.add_middleware(StripNullFilters)
        return app

    create_app._orderflow_wrapped = True  # type: ignore[attr-defined]
    server.create_app = create_app


def main(argv: list[str] | None = None) -> Any:
    apply_sqlalchemy_21_fix()
    apply_null_filter_fix()
    from prefect.cli import app

    if argv is not None:
        sys.argv = [sys.argv[0], *argv]
    return app()


if __name__ == "__main__":
    sys.exit(main())
