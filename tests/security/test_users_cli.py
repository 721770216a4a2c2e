"""Issue 18, ``orderflow users``: a password never on the command line, an existing name never reset.

The attack: ``orderflow users add ann --password s3cret`` put the password in argv, where ``ps`` (any
user of the machine) and shell history show it; ``users add`` of an existing name silently reset that
user's password and role. Expected: a hidden prompt, ``--password-stdin`` or ``--password-file``;
``--password`` refused; adding an existing name is an error; ``users list|passwd|remove`` exist.
"""

from __future__ import annotations

import os
import pty
import subprocess
import sys
import time
from pathlib import Path

import pytest

from orderflow.flows.services import build_services
from orderflow.flows.settings import load_settings
from orderflow.review.auth import authenticate

CLI = [sys.executable, "-m", "orderflow.flows.cli"]
SECRET = "correct horse battery"


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "var"


def run(home: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ORDERFLOW_HOME": str(home)}
    return subprocess.run([*CLI, *args], input=stdin, capture_output=True, text=True, env=env, timeout=120,
                          cwd=home.parent)


def login(home: Path, user: str, password: str):
    services = build_services(load_settings(home=home))
    with services.session_factory() as s, s.begin():
        return authenticate(s, user, password)


def test_password_on_the_command_line_is_refused(home: Path) -> None:
    res = run(home, "users", "add", "ann", "--role", "csr", "--password", SECRET)
    assert res.returncode == 2 and "ps" in res.stderr and "--password-stdin" in res.stderr
    assert "Traceback" not in res.stderr
    assert login(home, "ann", SECRET) is None


def test_password_from_stdin_never_appears_in_argv(home: Path) -> None:
    env = {**os.environ, "ORDERFLOW_HOME": str(home)}
    proc = subprocess.Popen([*CLI, "users", "add", "ann", "--role", "lead", "--password-stdin"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=home.parent)
    time.sleep(1.0)  # what `ps -ef` shows while the command runs
    cmdline = Path(f"/proc/{proc.pid}/cmdline").read_bytes().decode(errors="replace")
    assert "users" in cmdline and SECRET not in cmdline
    out, err = proc.communicate(SECRET + "\n", timeout=120)
    assert proc.returncode == 0, err
    assert "ann (lead) added" in out and SECRET not in out + err
    user = login(home, "ann", SECRET)
    assert user is not None and user.role == "lead"


def test_password_from_a_file(home: Path, tmp_path: Path) -> None:
    f = tmp_path / "pw"
    f.write_text(SECRET + "\n")
    f.chmod(0o600)
    res = run(home, "users", "add", "fin", "--role", "finance", "--password-file", str(f))
    assert res.returncode == 0, res.stderr
    assert login(home, "fin", SECRET).role == "finance"
    res = run(home, "users", "add", "gus", "--password-file", str(tmp_path / "missing"))
    assert res.returncode == 2 and "cannot read" in res.stderr


def test_hidden_prompt_on_a_terminal(home: Path) -> None:
    env = {**os.environ, "ORDERFLOW_HOME": str(home)}
    pid, fd = pty.fork()
    if pid == 0:  # the child: the pty is its controlling terminal, as in an operator's shell
        os.chdir(home.parent)
        os.execvpe(CLI[0], [*CLI, "users", "add", "cleo", "--role", "csr"], env)
    seen = b""

    def expect(needle: bytes) -> None:
        nonlocal seen
        deadline = time.time() + 120
        while needle not in seen:
            assert time.time() < deadline, seen
            seen += os.read(fd, 1024)

    expect(b"Password: ")
    os.write(fd, (SECRET + "\n").encode())
    expect(b"Repeat password: ")
    os.write(fd, (SECRET + "\n").encode())
    expect(b"added")
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    assert os.waitstatus_to_exitcode(status) == 0
    assert SECRET.encode() not in seen  # not echoed
    assert login(home, "cleo", SECRET) is not None


def test_no_terminal_and_no_source_is_a_clear_error(home: Path) -> None:
    res = run(home, "users", "add", "dan", stdin="")
    assert res.returncode == 2 and "--password-stdin or --password-file" in res.stderr


def test_adding_an_existing_name_is_an_error_not_a_reset(home: Path) -> None:
    assert run(home, "users", "add", "ann", "--role", "csr", "--password-stdin", stdin=SECRET + "\n").returncode == 0
    res = run(home, "users", "add", "ann", "--role", "admin", "--password-stdin", stdin="attacker-chosen-1\n")
    assert res.returncode == 2 and "already exists" in res.stderr
    user = login(home, "ann", SECRET)
    assert user is not None and user.role == "csr"
    assert login(home, "ann", "attacker-chosen-1") is None


def test_list_passwd_remove(home: Path) -> None:
    run(home, "users", "add", "ann", "--role", "csr", "--password-stdin", stdin=SECRET + "\n")
    run(home, "users", "add", "bea", "--role", "admin", "--password-stdin", stdin=SECRET + "\n")
    listed = run(home, "users", "list")
    assert listed.returncode == 0
    assert [ln.split("\t")[:2] for ln in listed.stdout.splitlines()] == [["ann", "csr"], ["bea", "admin"]]
    assert "argon2" not in listed.stdout

    res = run(home, "users", "passwd", "ann", "--password-stdin", stdin="a new long password\n")
    assert res.returncode == 0, res.stderr
    assert login(home, "ann", SECRET) is None and login(home, "ann", "a new long password") is not None
    assert run(home, "users", "passwd", "ann", "--password-stdin", stdin="short\n").returncode == 2
    assert run(home, "users", "passwd", "nobody", "--password-stdin", stdin=SECRET + "\n").returncode == 2

    assert run(home, "users", "remove", "ann").returncode == 0
    assert login(home, "ann", "a new long password") is None
    res = run(home, "users", "remove", "ann")
    assert res.returncode == 2 and "no user 'ann'" in res.stderr
    assert [ln.split("\t")[0] for ln in run(home, "users", "list").stdout.splitlines()] == ["bea"]
