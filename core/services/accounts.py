"""Accounts: users with argon2 passwords, server-side sessions, a login rate limit, API tokens.

The rate limit counts failed logins per e-mail address *and* client address in the database
(table ``login_failures``), so it holds across processes and restarts: after
``MAX_FAILURES`` failures within ``FAILURE_WINDOW`` that pair is refused until the window has
passed. A successful login clears the pair.
"""

from __future__ import annotations

import asyncio
import hashlib
import secrets
from datetime import timedelta
from functools import lru_cache
from typing import Any

from pwdlib import PasswordHash

from core.domain.accounts import Role, User, normalise_email
from core.domain.errors import DomainError, InvalidInput
from core.storage.uow import UnitOfWork

MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=15)
SESSION_LIFETIME = timedelta(hours=12)
MIN_PASSWORD_LENGTH = 10


class LoginThrottled(DomainError):
    code = "login_throttled"


class AccountExists(DomainError):
    code = "account_exists"


@lru_cache(maxsize=1)
def hasher() -> PasswordHash:
    return PasswordHash.recommended()  # argon2id


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return hasher().hash(secrets.token_urlsafe(16))


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def hash_password(password: str) -> str:
    return await asyncio.to_thread(hasher().hash, password)


async def verify_password(password: str, password_hash: str) -> bool:
    return await asyncio.to_thread(hasher().verify, password, password_hash)


def check_new_password(password: str, email: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput("password_too_short", limit=MIN_PASSWORD_LENGTH)
    if password.strip().lower() == email:
        raise InvalidInput("password_is_email")


async def create_user(
    uow: UnitOfWork, email: str, role: str, organisation: str | None = None
) -> tuple[User, str]:
    """Create a user; return it with a one-time password that must be changed at first login."""
    email = normalise_email(email)
    if "@" not in email:
        raise InvalidInput("email")
    try:
        chosen = Role(role)
    except ValueError as error:
        raise InvalidInput("role") from error
    if chosen != Role.ADMIN and not organisation:
        raise InvalidInput("organisation_required")
    repo = uow.accounts
    if await repo.by_email(email) is not None:
        raise AccountExists(f"an account for {email} already exists")
    org_id = await uow.projects.organisation(organisation) if organisation else None
    password = secrets.token_urlsafe(12)
    user = User(email, chosen, org_id, must_change_password=True, created_at=uow.clock())
    await repo.add_user(user, await hash_password(password))
    return user, password


async def authenticate(uow: UnitOfWork, email: str, password: str, ip: str) -> User | None:
    """Check a login; None when wrong.

    Raises:
        LoginThrottled: after too many failures for this e-mail address from this address.
    """
    email = normalise_email(email)
    now = uow.clock()
    repo = uow.accounts
    if await repo.failures(email, ip, now - FAILURE_WINDOW) >= MAX_FAILURES:
        raise LoginThrottled(email)
    found = await repo.by_email(email)
    # Verify against a dummy hash for unknown addresses too: the answer takes as long.
    ok = await verify_password(password, found[1] if found else _dummy_hash())
    if not found or not ok:
        await repo.add_failure(email, ip, now)
        return None
    user = found[0]
    await repo.clear_failures(email, ip, now - FAILURE_WINDOW)
    await repo.update_user(user.id or 0, last_login_at=now)
    return user


async def start_session(uow: UnitOfWork, user_id: int) -> str:
    """Open a session; return the token for the cookie (only its hash is stored)."""
    token = secrets.token_urlsafe(32)
    now = uow.clock()
    repo = uow.accounts
    await repo.delete_sessions(before=now)
    await repo.add_session(
        digest(token), user_id, secrets.token_urlsafe(24), now, now + SESSION_LIFETIME
    )
    return token


async def session_user(uow: UnitOfWork, token: str) -> tuple[User, str] | None:
    """Return the user of a live session and the session's CSRF token."""
    return await uow.accounts.session(digest(token), uow.clock())


async def end_session(uow: UnitOfWork, token: str) -> None:
    await uow.accounts.delete_sessions(token_hash=digest(token))


async def change_password(
    uow: UnitOfWork, user_id: int, current: str, new: str, keep_token: str | None = None
) -> bool:
    """Change a password after checking the current one; other sessions end."""
    repo = uow.accounts
    found = await repo.by_id(user_id)
    if found is None or not await verify_password(current, found[1]):
        return False
    if new == current:
        raise InvalidInput("password_unchanged")
    check_new_password(new, found[0].email)
    await repo.update_user(
        user_id, password_hash=await hash_password(new), must_change_password=False
    )
    if keep_token is not None:  # other devices log in again
        await repo.delete_sessions(user_id=user_id, except_hash=digest(keep_token))
    return True


async def user_id(uow: UnitOfWork, email: str) -> int:
    """The id of the account with this e-mail address (``InvalidInput`` when there is none)."""
    found = await uow.accounts.by_email(normalise_email(email))
    if found is None:
        raise InvalidInput("unknown_user")
    return found[0].id or 0


async def new_api_token(uow: UnitOfWork, email: str) -> str:
    """Create an API token for a user; only its hash is kept."""
    return await new_token_for(uow, await user_id(uow, email))


async def new_token_for(uow: UnitOfWork, user_id: int) -> str:
    """Create an API token for the user ``user_id``; it is shown once, only its hash is kept."""
    token = "insp_" + secrets.token_urlsafe(32)
    await uow.accounts.add_token(user_id, digest(token), uow.clock())
    return token


async def tokens_of(uow: UnitOfWork, user_id: int) -> list[dict[str, Any]]:
    return await uow.accounts.tokens(user_id)


async def revoke_token(uow: UnitOfWork, user_id: int, token_id: int) -> bool:
    """Revoke one of the user's own API tokens; it stops working at once."""
    return await uow.accounts.delete_token(user_id, token_id)


async def token_user(uow: UnitOfWork, token: str) -> User | None:
    return await uow.accounts.token_user(digest(token), uow.clock())
