"""``orderflow users add|list|passwd|remove``: review-app accounts from the command line.

A password never travels on the command line (``ps`` and shell history show argv to everyone on
the machine): it is typed at a hidden prompt, or read from stdin (``--password-stdin``) or a file
(``--password-file``) for scripts. Adding a name that exists is an error, never a silent reset.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

PasswordStdin = Annotated[bool, typer.Option("--password-stdin", help="Read the password from the first line of stdin.")]
PasswordFile = Annotated[Path | None, typer.Option("--password-file", help="Read the password from this file.")]


def _failure(message: str) -> Exception:
    """Exit 2 with one line on stderr (the CLI's contract for unusable input)."""
    typer.echo(f"orderflow: {message}", err=True)
    return typer.Exit(2)


def read_password(from_stdin: bool, from_file: Path | None) -> str:
    """The new password from exactly one source: stdin, a file, or a hidden prompt (asked twice)."""
    if from_stdin and from_file is not None:
        raise _failure("give the password by --password-stdin or --password-file, not both")
    if from_file is not None:
        try:
            return from_file.read_text(encoding="utf-8").rstrip("\r\n")
        except OSError as exc:
            raise _failure(f"{from_file}: cannot read the password file ({exc.strerror})") from None
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        raise _failure("no terminal to ask for the password: use --password-stdin or --password-file")
    import getpass

    first = getpass.getpass("Password: ")
    if getpass.getpass("Repeat password: ") != first:
        raise _failure("the two passwords differ")
    return first


def _check_password(password: str) -> None:
    if len(password) < 8:
        raise _failure("password must be at least 8 characters")


def _services():
    from orderflow.flows.cli import _services as services

    return services()


def _user(s, username: str):
    from sqlalchemy import select

    from orderflow.store.models import User

    return s.scalar(select(User).where(User.username == username.strip()))


def users_add(
    username: str,
    role: Annotated[str, typer.Option(help="csr, lead, finance or admin")] = "csr",
    password_stdin: PasswordStdin = False,
    password_file: PasswordFile = None,
    password: Annotated[str | None, typer.Option(hidden=True)] = None,
) -> None:
    """Add a review-app user (argon2-hashed password, asked for at a hidden prompt)."""
    from orderflow.review.auth import ROLES, add_user

    if role not in ROLES:
        raise _failure(f"unknown role {role!r}: use csr, lead, finance or admin")
    if password is not None:
        raise _failure("--password would show the password to every user of this machine (ps); "
                       "type it at the prompt, or use --password-stdin or --password-file")
    services = _services()
    with services.session_factory() as s:
        if _user(s, username) is not None:
            raise _failure(f"user {username.strip()!r} already exists: `orderflow users passwd` changes a password, "
                           "`orderflow users remove` removes an account")
    secret = read_password(password_stdin, password_file)
    _check_password(secret)
    with services.session_factory() as s, s.begin():
        if _user(s, username) is not None:  # added meanwhile by someone else
            raise _failure(f"user {username.strip()!r} already exists")
        try:
            add_user(s, username, secret, role)
        except ValueError as exc:
            raise _failure(str(exc)) from None
    typer.echo(f"user {username.strip()} ({role}) added")


def users_list(as_json: Annotated[bool, typer.Option("--json", help="A JSON array.")] = False) -> None:
    """Every review-app user with role and state (never a password hash)."""
    import json

    from sqlalchemy import select

    from orderflow.store.models import User

    services = _services()
    with services.session_factory() as s:
        rows = [{"username": u.username, "role": u.role, "active": bool(u.active),
                 "created_at": u.created_at.isoformat() if u.created_at else None}
                for u in s.scalars(select(User).order_by(User.username))]
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
        return
    for r in rows:
        typer.echo(f"{r['username']}\t{r['role']}\t{'active' if r['active'] else 'inactive'}")
    if not rows:
        typer.echo("no users: `orderflow users add NAME --role csr|lead|finance|admin`")


def users_passwd(username: str, password_stdin: PasswordStdin = False, password_file: PasswordFile = None) -> None:
    """Set a new password for an existing user."""
    from orderflow.review.auth import hash_password

    services = _services()
    with services.session_factory() as s:
        if _user(s, username) is None:
            raise _failure(f"no user {username.strip()!r}")
    secret = read_password(password_stdin, password_file)
    _check_password(secret)
    with services.session_factory() as s, s.begin():
        user = _user(s, username)
        if user is None:
            raise _failure(f"no user {username.strip()!r}")
        user.password_hash = hash_password(secret)
    typer.echo(f"password of {username.strip()} changed")


def users_remove(username: str) -> None:
    """Remove a user: their sign-in and any open session stop working at once (the audit keeps the name)."""
    services = _services()
    with services.session_factory() as s, s.begin():
        user = _user(s, username)
        if user is None:
            raise _failure(f"no user {username.strip()!r}")
        s.delete(user)
    typer.echo(f"user {username.strip()} removed")


def register(app: typer.Typer) -> None:
    """Add the commands to the ``users`` group of ``app`` (found on ``app``: under ``python -m`` the
    CLI module runs as ``__main__`` and a fresh import would hold another group)."""
    users_app = next(g.typer_instance for g in app.registered_groups if g.name == "users" and g.typer_instance)
    users_app.command("add")(users_add)
    users_app.command("list")(users_list)
    users_app.command("passwd")(users_passwd)
    users_app.command("remove")(users_remove)
