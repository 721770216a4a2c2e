"""Users, passwords, roles and approval rights for the review UI.

Passwords are argon2 hashes in the store's ``users`` table. Roles are csr, lead, finance
and admin; an approval step named after a role can be signed only by that role (admin can
sign any step, finance also signs lead steps), so a CSR can never approve for finance.
"""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
from dataclasses import dataclass
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import select
from sqlalchemy.orm import Session

from orderflow.canonical import IssueCode
from orderflow.store.models import Order, User

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
