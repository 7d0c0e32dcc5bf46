"""Accounts: users with argon2 passwords, server-side sessions, login limits, API tokens.

Failed logins are counted in the database (table ``login_failures``), so the limits hold
across processes and restarts: per e-mail address and client address, and per e-mail address
across client addresses with a growing wait (``LoginLimits``). A successful login clears the
pair.

Passwords are hashed and verified on one thread of their own, never inside a unit of work: a
flood of logins queues there and takes neither the database's write lock nor every core from
the residents' event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
import secrets
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from functools import lru_cache
from typing import Any

from pwdlib import PasswordHash

from core.domain.accounts import LoginLimits, Role, User, normalise_email
from core.domain.errors import DomainError, InvalidInput
from core.domain.model import Organisation
from core.storage.uow import UnitOfWork

LIMITS = LoginLimits()
MAX_FAILURES = LIMITS.per_client
FAILURE_WINDOW = LIMITS.client_window
SESSION_LIFETIME = timedelta(hours=12)
MIN_PASSWORD_LENGTH = 10


class LoginThrottled(DomainError):
    """Too many failed logins: ``retry_after`` says how long until the next attempt."""

    code = "login_throttled"

    def __init__(self, retry_after: timedelta) -> None:
        super().__init__(self.code)
        self.retry_after = retry_after


class AccountDisabled(DomainError):
    """An admin has disabled this account."""

    code = "account_disabled"


class AccountExists(DomainError):
    code = "account_exists"


@lru_cache(maxsize=1)
def hasher() -> PasswordHash:
    return PasswordHash.recommended()  # argon2id


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return hasher().hash(secrets.token_urlsafe(16))


def _yield_to_residents() -> None:
    """Give the hashing thread a lower CPU priority (nice 10: about a tenth of a busy core,
    all of an idle one), so that on busy cores the event loop (the residents' steps) goes
    first. On Linux a thread has its own nice value, and argon2's lane threads inherit it;
    elsewhere the call could renice the whole process, so it is left out there."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)


@lru_cache(maxsize=1)
def _hashing() -> ThreadPoolExecutor:
    """The one thread that hashes passwords (argon2 is CPU-bound and releases the GIL): a
    flood of logins waits here in turn instead of taking every core from the event loop."""
    return ThreadPoolExecutor(
        max_workers=1, thread_name_prefix="password-hash", initializer=_yield_to_residents
    )


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def hash_password(password: str) -> str:
    return await asyncio.get_running_loop().run_in_executor(_hashing(), hasher().hash, password)


def _verify(password: str, password_hash: str | None) -> bool:
    if not password_hash:  # unknown address, or invited and no password yet: take as long
        hasher().verify(password, _dummy_hash())
        return False
    return hasher().verify(password, password_hash)


async def verify_password(password: str, password_hash: str | None) -> bool:
    """Check ``password`` against ``password_hash`` (``None``: a dummy, always wrong).

    Call it outside any unit of work: it takes a tenth of a second.
    """
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(_hashing(), _verify, password, password_hash)


def check_new_password(password: str, email: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput("password_too_short", limit=MIN_PASSWORD_LENGTH)
    if password.strip().lower() == email:
        raise InvalidInput("password_is_email")


async def one_time_password() -> tuple[str, str]:
    """A new one-time password and its hash (made before a unit of work opens)."""
    password = secrets.token_urlsafe(12)
    return password, await hash_password(password)


async def create_user(
    uow: UnitOfWork,
    email: str,
    role: str,
    organisation: str | None = None,
    *,
    credentials: tuple[str, str] | None = None,
) -> tuple[User, str]:
    """Create a user; return it with a one-time password that must be changed at first login.

    ``credentials``: a ``one_time_password()`` made beforehand, so that no hash is made while
    ``uow`` holds the database (otherwise one is made here).
    """
    email = normalise_email(email)
    if "@" not in email:
        raise InvalidInput("email")
    try:
        chosen = Role(role)
    except ValueError as error:
        raise InvalidInput("role") from error
    if chosen != Role.ADMIN and not organisation:
        raise InvalidInput("organisation_required")
    if organisation and not Organisation.valid_slug(organisation):
        raise InvalidInput("organisation_slug")  # it would be made, and be part of addresses
    repo = uow.accounts
    if await repo.by_email(email) is not None:
        raise AccountExists("exists", email=email)
    org_id = await uow.projects.organisation(organisation) if organisation else None
    password, password_hash = credentials or await one_time_password()
    user = User(email, chosen, org_id, must_change_password=True, created_at=uow.clock())
    await repo.add_user(user, password_hash)
    return user, password


async def attempt_login(uow: UnitOfWork, email: str, ip: str) -> tuple[User, str] | None:
    """Check the limits and count this attempt as a failure in advance (a success clears it
    again), so that attempts made at once cannot pass the limit together; return the account
    and its password hash, ``None`` for an unknown address.

    Raises:
        LoginThrottled: while this address must wait (known or not: it tells nothing).
    """
    now = uow.clock()
    repo = uow.accounts
    from_client = await repo.failures(email, ip, now - LIMITS.client_window)
    count, latest = await repo.account_failures(email, now - LIMITS.account_window)
    wait = LIMITS.retry_after(now, from_client, count, latest)
    if wait > timedelta(0):
        raise LoginThrottled(wait)
    await repo.add_failure(email, ip, now)
    return await repo.by_email(email)


async def complete_login(uow: UnitOfWork, user: User, ip: str) -> str:
    """After the right password: clear this client's failures, note the login, open a session
    (return its token)."""
    now = uow.clock()
    repo = uow.accounts
    await repo.clear_failures(user.email, ip, now - LIMITS.account_window)
    await repo.update_user(user.id or 0, last_login_at=now)
    user.last_login_at = now
    return await start_session(uow, user.id or 0)


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


def check_replacement(current: str, new: str, email: str) -> None:
    """Refuse a new password that is the current one, too short or the e-mail address."""
    if new == current:
        raise InvalidInput("password_unchanged")
    check_new_password(new, email)


async def replace_password(
    uow: UnitOfWork, user_id: int, old_hash: str, new_hash: str, keep_token: str | None = None
) -> bool:
    """Store ``new_hash`` unless the password changed meanwhile; other sessions end."""
    repo = uow.accounts
    found = await repo.by_id(user_id)
    if found is None or found[1] != old_hash:
        return False
    await repo.update_user(user_id, password_hash=new_hash, must_change_password=False)
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
