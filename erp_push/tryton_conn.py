"""Opening proteus connections and turning Tryton's failures into our two error kinds.

proteus keeps a process-global "current" config and trytond keeps a process-global config
file, so this module never calls ``set_trytond``: every model is fetched with an explicit
``config=``, and the in-process path re-points trytond at the right config file before use.
"""

from __future__ import annotations

import http.client
import threading
import urllib.parse
import xmlrpc.client
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from orderflow.erp_push.base import PermanentERPError, TransientERPError
from orderflow.erp_push.tryton_config import TrytonConfig

_LOCK = threading.RLock()
_LOCAL_CONFIGS: dict[tuple[str, str, str], Any] = {}
_CURRENT_ETC: list[str | None] = [None]


class _TimeoutTransport(xmlrpc.client.Transport):
    """xmlrpc's default transport waits forever; an ERP that hangs must become a transient error."""

    def __init__(self, timeout: float, headers: list[tuple[str, str]] | None = None) -> None:
        super().__init__(use_builtin_types=True, headers=headers or ())
        self._timeout = timeout

    def make_connection(self, host: Any) -> http.client.HTTPConnection:
        conn = super().make_connection(host)
        conn.timeout = self._timeout
        return conn


def point_trytond_at(config_file: str) -> None:
    """Make trytond's global configuration the one of ``config_file`` (cheap when it already is)."""
    with _LOCK:
        if _CURRENT_ETC[0] == config_file:
            return
        import trytond.config as tconfig

        tconfig.update_etc(config_file)
        _CURRENT_ETC[0] = config_file


def remote_url(cfg: TrytonConfig) -> str:
    """``http://host:port/DATABASE/rpc/``: the Tryton 8 RPC route of one database."""
    assert cfg.url is not None
    return f"{cfg.url.rstrip('/')}/{urllib.parse.quote(cfg.database)}/rpc/"


def _remote_login(cfg: TrytonConfig) -> Any:
    """Log in (``common.db.login``) and return a proteus XmlrpcConfig carrying the session.

    Basic auth is not enough on a server that has not loaded the database yet (trytond 8
    checks the user before loading the pool); the login call loads it.
    """
    import base64

    from proteus.config import XmlrpcConfig

    url = remote_url(cfg)
    server = xmlrpc.client.ServerProxy(url, allow_none=True, use_builtin_types=True,
                                       transport=_TimeoutTransport(cfg.timeout))
    reply: Any = server.common.db.login(cfg.user, {"password": cfg.password or ""})  # XML-RPC data
    user_id, session, _ = reply
    token = base64.b64encode(f"{cfg.user}:{user_id}:{session}".encode()).decode("ascii")
    # ServerProxy ignores ``headers`` when given a transport: the transport carries them.
    return XmlrpcConfig(url, transport=_TimeoutTransport(cfg.timeout, [("Authorization", f"Session {token}")]))


def connect(cfg: TrytonConfig) -> Any:
    """A proteus config for ``cfg``; raises TransientERPError when the ERP cannot be reached."""
    with translate_errors():
        if cfg.remote:
            return _remote_login(cfg)
        from proteus.config import TrytondConfig

        conf_file = str(cfg.config_file)
        with _LOCK:
            point_trytond_at(conf_file)
            cache_key = (conf_file, cfg.database, cfg.user)
            if cache_key not in _LOCAL_CONFIGS:
                _LOCAL_CONFIGS[cache_key] = TrytondConfig(cfg.database, cfg.user, config_file=conf_file)
            return _LOCAL_CONFIGS[cache_key]


def forget_local(config_file: str | None = None) -> None:
    """Drop cached in-process connections (after a database file was replaced)."""
    with _LOCK:
        for key in [k for k in _LOCAL_CONFIGS if config_file is None or k[0] == config_file]:
            del _LOCAL_CONFIGS[key]
        _CURRENT_ETC[0] = None


def release_local(cfg: TrytonConfig) -> None:
    """Close an in-process database: drop the cached connection and trytond's pool for it."""
    with _LOCK:
        for key in [k for k in _LOCAL_CONFIGS if k[1] == cfg.database]:
            del _LOCAL_CONFIGS[key]
        if cfg.config_file is not None:
            from trytond.pool import Pool

            Pool.stop(cfg.database)
            try:
                from trytond.backend import Database

                Database(cfg.database).close()
            except Exception:
                pass


def _tryton_message(exc: BaseException) -> str:
    message = getattr(exc, "message", None)
    description = getattr(exc, "description", None)
    text = str(message) if message else str(exc)
    if description:
        text = f"{text} ({description})"
    return text


_TRANSIENT_HINTS = ("database is locked", "could not serialize", "deadlock", "connection", "timeout")


@contextmanager
def translate_errors() -> Iterator[None]:
    """Map every failure of a Tryton call onto TransientERPError / PermanentERPError."""
    try:
        yield
    except (TransientERPError, PermanentERPError):
        raise
    except xmlrpc.client.Fault as exc:
        text = str(exc.faultString)
        if exc.faultCode == 3:
            raise PermanentERPError(f"Tryton login refused: {text}") from exc
        if exc.faultCode == 4 or any(h in text.lower() for h in _TRANSIENT_HINTS):
            raise TransientERPError(f"Tryton busy: {text}") from exc
        raise PermanentERPError(f"Tryton refused: {text}") from exc
    except xmlrpc.client.ProtocolError as exc:
        if exc.errcode in (401, 403):
            raise PermanentERPError(f"Tryton login refused ({exc.errcode} {exc.errmsg})") from exc
        raise TransientERPError(f"Tryton HTTP {exc.errcode} {exc.errmsg}") from exc
    except (ConnectionError, TimeoutError, http.client.HTTPException) as exc:
        raise TransientERPError(f"Tryton unreachable: {exc!r}") from exc
    except FileNotFoundError as exc:
        raise PermanentERPError(f"Tryton configuration missing: {exc}") from exc
    except OSError as exc:  # e.g. EHOSTUNREACH, name resolution
        raise TransientERPError(f"Tryton unreachable: {exc!r}") from exc
    except Exception as exc:
        name = type(exc).__name__
        if name in ("UserError", "UserWarning", "AccessError", "RequiredValidationError",
                    "DomainValidationError", "SelectionValidationError", "ValidationError",
                    "SQLConstraintError", "ForeignKeyError", "LoginException"):
            raise PermanentERPError(f"Tryton refused: {_tryton_message(exc)}") from exc
        if name in ("ConcurrencyException", "DatabaseOperationalError", "OperationalError") or any(
            h in str(exc).lower() for h in _TRANSIENT_HINTS
        ):
            raise TransientERPError(f"Tryton busy: {exc}") from exc
        raise PermanentERPError(f"Tryton call failed: {name}: {exc}") from exc
