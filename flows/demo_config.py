"""The configuration the demo ran with, written as ``orderflow.toml`` for every later command.

`orderflow demo` pushes into Tryton; a later ``orderflow ui`` or ``erp reconcile`` on the defaults
would talk to the file outbox and another reference folder. So the demo writes what it used
(ERP, its database, the store, the reference data) where later commands look first: the file
``ORDERFLOW_CONFIG`` names, else ``orderflow.toml`` in the working directory. A file the demo did
not write is the user's: it is kept and the demo says what differs.
"""

from __future__ import annotations

import datetime as dt
import json
import tomllib
from pathlib import Path
from typing import Any

from orderflow.flows.settings import Settings, config_path

MARK = "# Written by `orderflow demo`"


def demo_config(settings: Settings) -> dict[str, Any]:
    """The keys that make a later command use the demo's ERP, store and reference data (absolute paths:
    they hold wherever the command is run from). No secrets: a store URL with a password is left out."""
    from sqlalchemy.engine import make_url

    keys: dict[str, Any] = {"home": str(Path(settings.home).resolve()), "erp": settings.erp,
                            "reference_dir": str(Path(settings.reference_dir).resolve())}
    if settings.database_url and make_url(settings.database_url).password is None:
        keys["database_url"] = settings.database_url
    if settings.erp == "file" and settings.outbox_dir:
        keys["outbox_dir"] = str(Path(settings.outbox_dir).resolve())
    if settings.erp == "tryton":
        tryton: dict[str, Any] = {"database": settings.tryton.database}
        for name in ("url", "data_dir", "config_file"):
            value = getattr(settings.tryton, name)
            if value and not (name == "url" and "@" in value):  # a URL with credentials stays in the environment
                tryton[name] = str(Path(value).resolve()) if name != "url" else value
        keys["tryton"] = tryton
    return keys


def render(keys: dict[str, Any], day: dt.date | None = None) -> str:
    lines = [f"{MARK}{f' on {day.isoformat()}' if day else ''}. Every orderflow command run with this",
             "# file (ui, portal, push, serve, health, erp reconcile/status/sync) uses the demo's ERP, store and",
             "# reference data. Edit it freely; once this first line is gone the demo leaves the file alone.", ""]
    tables = {k: v for k, v in keys.items() if isinstance(v, dict)}
    lines += [f"{k} = {json.dumps(v)}" for k, v in keys.items() if k not in tables]
    for name, table in tables.items():
        lines += ["", f"[{name}]", *(f"{k} = {json.dumps(v)}" for k, v in table.items())]
    return "\n".join(lines) + "\n"


PATH_KEYS = frozenset({"home", "reference_dir", "outbox_dir", "data_dir", "config_file"})


def differences(existing: dict[str, Any], keys: dict[str, Any], prefix: str = "") -> list[str]:
    """Keys of the demo's configuration the existing file sets otherwise (or not at all)."""
    out = []
    for k, v in keys.items():
        have = existing.get(k)
        if isinstance(v, dict):
            out += differences(have if isinstance(have, dict) else {}, v, f"{prefix}{k}.")
        elif k in PATH_KEYS and isinstance(have, str) and Path(have).resolve() == Path(v):
            continue  # the same folder written relative to here
        elif have != v:
            out.append(f"{prefix}{k} = {json.dumps(v)}")
    return out


def write_demo_config(settings: Settings, day: dt.date | None = None, path: Path | None = None) -> tuple[Path, str]:
    """Write (or refresh) the demo's ``orderflow.toml``; returns (path, a sentence for the user).

    An existing file without the demo's first line is never touched."""
    path = path or config_path()
    keys = demo_config(settings)
    if path.is_file():
        text = path.read_text(encoding="utf-8", errors="replace")
        if not text.startswith(MARK):
            try:
                existing = tomllib.loads(text)
            except tomllib.TOMLDecodeError:
                existing = {}
            missing = differences(existing, keys)
            if not missing:
                return path, f"{path} (yours, kept) already names the demo's ERP and store."
            return path, (f"{path} is yours and was kept, so later commands may not see the demo's ERP and store. "
                          f"To use them, set in it: {'; '.join(missing)}")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(keys, day), encoding="utf-8")
    note = ""
    if settings.database_url and "database_url" not in keys:
        note = " (the store URL carries a password, so it is not written: keep ORDERFLOW_DATABASE_URL set)"
    if settings.erp == "tryton" and settings.tryton.url and "url" not in keys["tryton"]:
        note += " (the Tryton URL carries a password, so it is not written: keep ORDERFLOW_TRYTON__URL set)"
    return path, f"wrote {path}: later commands run here use the {describe(keys)}{note}"


def describe(keys: dict[str, Any]) -> str:
    erp = keys["erp"]
    if erp == "tryton":
        return f"Tryton ERP (database '{keys['tryton']['database']}') and the store in {keys['home']}"
    return f"{erp} ERP and the store in {keys['home']}"
