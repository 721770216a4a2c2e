"""`orderflow demo` writes the orderflow.toml it ran with: later commands in the same place use the same ERP,
store and reference data (reconcile matches every pushed order, health and the review header name the ERP);
a user's own orderflow.toml is kept."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from orderflow.flows.demo_config import MARK, write_demo_config
from orderflow.flows.services import open_store
from orderflow.flows.settings import load_settings
from orderflow.store import models

CLI = [sys.executable, "-m", "orderflow.flows.cli"]


def _run(args: list[str], cwd: Path, timeout: int = 600, **env: str) -> subprocess.CompletedProcess[str]:
    """The CLI as a user runs it in ``cwd``: no ORDERFLOW_* variables but those given."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("ORDERFLOW_")}
    return subprocess.run([*CLI, *args], capture_output=True, text=True, cwd=cwd, env={**clean, **env},
                          timeout=timeout)


def test_commands_after_the_demo_use_its_erp_and_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "demo-home"  # not the default home: only the written orderflow.toml can lead there
    demo = _run(["demo", "--no-prefect", "--erp", "file"], tmp_path, ORDERFLOW_HOME=str(home))
    assert demo.returncode == 0, demo.stderr[-2000:]
    config = tmp_path / "orderflow.toml"
    assert "wrote orderflow.toml" in demo.stdout, demo.stdout[-500:]
    written = tomllib.loads(config.read_text())
    assert written["erp"] == "file" and Path(written["home"]) == home.resolve()
    assert Path(written["reference_dir"]) == (home / "demo" / "reference").resolve()

    settings = load_settings(home=home)
    _, factory = open_store(settings)
    with factory() as s:
        pushed = s.scalars(select(models.Order).where(models.Order.state == "pushed")).all()
    assert len(pushed) >= 5

    rec = _run(["erp", "reconcile", "--json"], tmp_path)  # no ORDERFLOW_HOME: the file says where
    assert rec.returncode == 0, rec.stdout + rec.stderr[-2000:]
    report = json.loads(rec.stdout)
    assert report["checked"] == report["matched"] == len(pushed) and report["drift"] == []

    health = _run(["health", "--json"], tmp_path)
    assert health.returncode == 0, health.stdout + health.stderr[-2000:]
    erp = next(r for r in json.loads(health.stdout) if r["kind"] == "erp")
    assert erp["ok"] and erp["name"] == "file"
    assert erp["detail"].startswith(f"file outbox {(home / 'outbox').resolve()}"), erp["detail"]
    store = next(r for r in json.loads(health.stdout) if r["kind"] == "store")
    assert str((home / "orderflow.db").resolve()) in store["detail"]

    # the review app `orderflow ui` serves from here names that ERP in its header
    from orderflow.flows.cli import review_app

    monkeypatch.chdir(tmp_path)
    for key in [k for k in os.environ if k.startswith("ORDERFLOW_")]:
        monkeypatch.delenv(key)
    client = TestClient(review_app(load_settings(), secure_cookies=False))
    page = client.get("/login")
    assert page.status_code == 200
    shown = re.search(r'data-testid="erp-name"[^>]*>([^<]*)<', page.text)
    assert shown and shown.group(1) == f"ERP: file outbox {(home / 'outbox').resolve()}", page.text[:1500]


def test_a_users_orderflow_toml_is_kept_and_the_difference_named(tmp_path: Path) -> None:
    config = tmp_path / "orderflow.toml"
    mine = '# our production settings\nerp = "file"\nhome = "/srv/orderflow"\n'
    config.write_text(mine)
    settings = load_settings(home=tmp_path / "var", erp="tryton")
    path, message = write_demo_config(settings, path=config)
    assert path == config and config.read_text() == mine  # untouched, byte for byte
    assert "kept" in message and 'erp = "tryton"' in message and f'home = "{(tmp_path / "var").resolve()}"' in message

    config.write_text(f"{MARK} on 2026-11-23.\nerp = \"file\"\n")  # one the demo wrote earlier is refreshed
    _, message = write_demo_config(settings, path=config)
    written = tomllib.loads(config.read_text())
    assert written["erp"] == "tryton" and written["tryton"]["database"] == "orderflow"
    assert Path(written["home"]) == (tmp_path / "var").resolve() and message.startswith("wrote")


def test_no_password_is_written(tmp_path: Path) -> None:
    """A store URL with a password stays in the environment (secrets are never stored in the TOML)."""
    settings = load_settings(home=tmp_path / "var", erp="file",
                             database_url="postgresql://orderflow:s3cret@db.example/orderflow")
    _, message = write_demo_config(settings, path=tmp_path / "orderflow.toml")
    text = (tmp_path / "orderflow.toml").read_text()
    assert "s3cret" not in text and "database_url" not in tomllib.loads(text)
    assert "keep ORDERFLOW_DATABASE_URL set" in message
