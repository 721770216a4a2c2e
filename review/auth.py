"""Users, passwords, roles and approval rights for the review UI.

Passwords are argon2 hashes in the store's ``users`` table. Roles are csr, lead, finance
and admin; an approval step named after a role can be signed only by that role (admin can
sign any step, finance also signs lead steps), so a CSR can never approve for finance.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from orderflow.canonical import IssueCode
from orderflow.store import repository as repo
from orderflow.store.models import LoginFailure, Order, User, WebSession
from orderflow.store.types import utcnow

ROLES = ("csr", "lead", "finance", "admin")
# Which approval steps each role may sign. "review" is the plain CSR approval every order needs.
SIGNS: dict[str, frozenset[str]] = {
    "csr": frozenset({"review"}),
    "lead": frozenset({"review", "lead"}),
    "finance": frozenset({"review", "lead", "finance"}),
    "admin": frozenset({"review", "lead", "finance"}),
}

_hasher = PasswordHasher()
# Verified against when the username is unknown, so a miss costs as long as a hit.
_DUMMY_HASH = _hasher.hash("not-a-real-password")


class AuthError(ValueError):
    """A readable reason why a user cannot be added or signed in."""


@dataclass(frozen=True)
class CurrentUser:
    username: str
    role: str


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def add_user(session: Session, username: str, password: str, role: str) -> User:
    """Create (or re-activate and reset) a user with an argon2-hashed password. Caller commits."""
    username = (username or "").strip()
    if not username:
        raise AuthError("username is required")
    if role not in ROLES:
        raise AuthError(f"unknown role {role!r}: use one of {', '.join(ROLES)}")
    if len(password or "") < 8:
        raise AuthError("password must be at least 8 characters")
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        user = User(username=username, password_hash=hash_password(password), role=role, active=True)
        session.add(user)
    else:
        user.password_hash = hash_password(password)
        user.role = role
        user.active = True
        close_user_sessions(session, username)  # a reset password signs the old sessions out
    session.flush()
    return user


def authenticate(session: Session, username: str, password: str) -> CurrentUser | None:
    """The user when the password matches an active account, else None (same cost either way)."""
    user = session.scalar(select(User).where(User.username == (username or "").strip()))
    stored = user.password_hash if user is not None and user.active else _DUMMY_HASH
    try:
        _hasher.verify(stored, password or "")
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    if user is None or not user.active:
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return CurrentUser(user.username, user.role)


def load_user(session: Session, username: str | None) -> CurrentUser | None:
    """Re-read the user on every request so a deactivated account or a role change applies at once."""
    if not username:
        return None
    user = session.scalar(select(User).where(User.username == username))
    if user is None or not user.active:
        return None
    return CurrentUser(user.username, user.role)


# ------------------------------------------------------------------ server-side sessions
# The signed cookie holds only a random session id; the row in ``web_sessions`` is what makes it
# a session, so sign-out deletes it and a copied cookie stops working at once.

SESSION_HOURS = 12


def _session_key(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()  # the store never holds a usable cookie value


def open_web_session(session: Session, username: str, hours: float = SESSION_HOURS) -> str:
    """A new server-side session for ``username``; returns the id to put in the cookie. Caller commits."""
    raw = secrets.token_urlsafe(32)
    now = utcnow()
    session.add(WebSession(id=_session_key(raw), username=username, created_at=now,
                           expires_at=now + dt.timedelta(hours=hours)))
    session.execute(delete(WebSession).where(WebSession.expires_at < now))  # sweep the stale ones
    session.flush()
    return raw


def session_user(session: Session, raw: str | None) -> CurrentUser | None:
    """The user of a live session id (not revoked, not expired, account still active), else None."""
    if not raw or not isinstance(raw, str):
        return None
    row = session.get(WebSession, _session_key(raw))
    if row is None or row.expires_at <= utcnow():
        return None
    return load_user(session, row.username)


def close_web_session(session: Session, raw: str | None) -> None:
    """Revoke one session (sign-out). Caller commits."""
    if raw and isinstance(raw, str):
        session.execute(delete(WebSession).where(WebSession.id == _session_key(raw)))


def close_user_sessions(session: Session, username: str) -> int:
    """Revoke every session of a user (account disabled, password reset). Caller commits."""
    return repo.affected(session, delete(WebSession).where(WebSession.username == username))


# ------------------------------------------------------------------ sign-in throttling
# Per (username, client address), in the store so every app process sees the same count: after
# ``MAX_FAILURES`` wrong passwords in a row the pair is locked, 30 s doubling up to 15 min per
# further failure; a success clears it. Failures and lockouts are audited (entity "user").

MAX_FAILURES = 5
LOCK_BASE_SECONDS = 30
LOCK_MAX_SECONDS = 15 * 60
FORGET_AFTER = dt.timedelta(hours=1)


def _pair(username: str, address: str) -> tuple[str, str]:
    return (username or "").strip()[:100], (address or "?")[:100]


def locked_until(session: Session, username: str, address: str) -> dt.datetime | None:
    """When the lockout of this (username, address) ends, or None when sign-in may be tried."""
    row = session.get(LoginFailure, _pair(username, address))
    if row is None or row.locked_until is None or row.locked_until <= utcnow():
        return None
    return row.locked_until


def record_login_failure(session: Session, username: str, address: str) -> dt.datetime | None:
    """Count one wrong password (atomically); returns the lockout end when this failure locks. Caller commits."""
    user, addr = _pair(username, address)
    now = utcnow()
    session.execute(delete(LoginFailure).where(  # forget old pairs: a spray of names must not grow the table
        LoginFailure.last_at < now - FORGET_AFTER * 24,
        (LoginFailure.locked_until.is_(None)) | (LoginFailure.locked_until < now)))
    if session.get(LoginFailure, (user, addr)) is None:
        try:
            with session.begin_nested():  # two failures at once: one inserts, both count below
                session.add(LoginFailure(username=user, address=addr, failures=0, last_at=now))
        except IntegrityError:
            pass
    key = (LoginFailure.username == user) & (LoginFailure.address == addr)
    session.execute(update(LoginFailure).where(key, LoginFailure.last_at < now - FORGET_AFTER)
                    .values(failures=0).execution_options(synchronize_session=False))
    session.execute(update(LoginFailure).where(key).values(failures=LoginFailure.failures + 1, last_at=now)
                    .execution_options(synchronize_session=False))
    row = session.get(LoginFailure, (user, addr), populate_existing=True)
    assert row is not None
    until = None
    if row.failures >= MAX_FAILURES:
        seconds = min(LOCK_BASE_SECONDS * 2 ** min(row.failures - MAX_FAILURES, 10), LOCK_MAX_SECONDS)
        until = row.locked_until = now + dt.timedelta(seconds=seconds)
    repo.add_audit(session, entity="user", entity_id=user, action="login_locked" if until else "login_failed",
                   actor=user or "?", after={"address": addr, "failures": row.failures,
                                             "locked_until": until.isoformat() if until else None})
    session.flush()
    return until


def clear_login_failures(session: Session, username: str, address: str) -> None:
    """A successful sign-in forgets the failures of this (username, address). Caller commits."""
    user, addr = _pair(username, address)
    session.execute(delete(LoginFailure).where(LoginFailure.username == user, LoginFailure.address == addr))


# ------------------------------------------------------------------ CSRF


def new_csrf_token() -> str:
    return secrets.token_urlsafe(32)


def csrf_ok(expected: str | None, given: str | None) -> bool:
    return bool(expected) and bool(given) and hmac.compare_digest(str(expected), str(given))


# ------------------------------------------------------------------ approvals


def approvals_required(order: Order) -> list[str]:
    """Escalation steps the validation result asked for (resolved JSON or an APPROVAL_REQUIRED issue)."""
    steps: list[str] = []
    resolved: dict[str, Any] = order.resolved or {}
    for step in resolved.get("approvals_required") or []:
        if isinstance(step, str) and step not in steps:
            steps.append(step)
    for issue in order.issues:
        if issue.code != IssueCode.APPROVAL_REQUIRED:
            continue
        expected = issue.expected
        found = expected if isinstance(expected, list) else [expected] if isinstance(expected, str) else []
        for step in found:
            if isinstance(step, str) and step in ROLES and step not in steps:
                steps.append(step)
        if not found:
            for role in ("lead", "finance"):
                if role in (issue.message or "").lower() and role not in steps:
                    steps.append(role)
    return steps


def approvals_done(order: Order) -> list[dict[str, Any]]:
    return [a for a in (order.approvals or []) if isinstance(a, dict) and a.get("step")]


def pending_steps(order: Order) -> list[str]:
    done = {a["step"] for a in approvals_done(order)}
    return [s for s in approvals_required(order) if s not in done]


def can_sign(role: str, step: str) -> bool:
    return step in SIGNS.get(role, frozenset())


def record_approval(order: Order, step: str, user: CurrentUser) -> dict[str, Any]:
    """Append one signed step to the order's approvals JSON (a new list so the ORM sees the change)."""
    entry = {"step": step, "user": user.username, "role": user.role, "at": dt.datetime.now(dt.UTC).isoformat()}
    order.approvals = [*(order.approvals or []), entry]
    return entry
