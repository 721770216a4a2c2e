"""Issue 23, operations around the review app: sign-in over plain HTTP says why and what to do, and the
cookie secret survives a restart (a random one per start signed everyone out)."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from orderflow.flows.settings import load_settings
from orderflow.flows.ui_secret import ui_secret
from orderflow.review.app import create_review_app

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def test_sign_in_over_plain_http_on_a_host_name_names_https_and_the_switch(ui_store, ui_password) -> None:
    app = create_review_app(ui_store.Session, revalidate=lambda o, r: ([], {}), push=lambda s, o: "X",
                            secret_key="plain-http-secret-" + "z" * 32, secure_cookies=True)
    browser = TestClient(app, base_url="http://orders.example.com")  # the Secure cookie is not sent back
    token = TOKEN.search(browser.get("/login").text).group(1)
    r = browser.post("/login", data={"username": "csr1", "password": ui_password, "csrf_token": token})
    assert r.status_code == 403
    assert "needs HTTPS" in r.text and "--insecure-cookies" in r.text and "orders.example.com" in r.text
    assert "Reload the page" not in r.text  # a reload cannot help here
    # over HTTPS the same sign-in works
    https = TestClient(app, base_url="https://orders.example.com")
    token = TOKEN.search(https.get("/login").text).group(1)
    ok = https.post("/login", data={"username": "csr1", "password": ui_password, "csrf_token": token},
                    follow_redirects=False)
    assert ok.status_code == 303


def test_the_cookie_secret_is_kept_in_the_home_and_readable_by_its_owner_only(tmp_path: Path,
                                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ORDERFLOW_UI_SECRET", raising=False)
    settings = load_settings(home=tmp_path / "home")
    first = ui_secret(settings)
    assert len(first) == 64 and ui_secret(settings) == first  # the next start signs with the same secret
    mode = stat.S_IMODE(os.stat(tmp_path / "home" / "ui-secret").st_mode)
    assert mode == 0o600
    monkeypatch.setenv("ORDERFLOW_UI_SECRET", "from-the-environment-" + "q" * 20)
    assert ui_secret(settings) == "from-the-environment-" + "q" * 20
    monkeypatch.delenv("ORDERFLOW_UI_SECRET")
    (tmp_path / "home" / "ui-secret").write_text("short\n")
    with pytest.raises(ValueError, match="delete it"):
        ui_secret(settings)


def test_an_unreadable_secret_stops_the_app_with_the_reason_not_a_traceback(tmp_path: Path) -> None:
    import subprocess
    import sys

    home = tmp_path / "home"
    (home / "ui-secret").mkdir(parents=True)  # not a file: cannot be read as the secret
    env = {k: v for k, v in os.environ.items() if k != "ORDERFLOW_UI_SECRET"}
    res = subprocess.run([sys.executable, "-m", "orderflow.flows.cli", "ui", "--port", "1"], capture_output=True,
                         text=True, env={**env, "ORDERFLOW_HOME": str(home)}, timeout=120)
    assert res.returncode == 2 and "the review app's secret" in res.stderr and "Traceback" not in res.stderr
