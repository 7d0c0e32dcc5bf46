"""Handlers of the account commands of the web area and the API (the rules: ``accounts``).

Signing in and changing a password check a password hash, which takes a tenth of a second of
CPU. Their handlers open their own short units of work around that check (the bus hands them
the factory), so no database lock or transaction is held while a password is hashed.
"""

from __future__ import annotations

from typing import Any

from core.domain import commands as c
from core.domain.accounts import User, normalise_email
from core.services import accounts, audit
from core.services.staff_accounts import STAFF_ACCOUNT_HANDLERS, STAFF_STAGED_HANDLERS
from core.services.staff_mail import STAFF_MAIL_HANDLERS
from core.storage.uow import UnitOfWork, UnitOfWorkFactory


async def sign_in(cmd: c.SignIn, units: UnitOfWorkFactory) -> tuple[User, str] | None:
    """Return the user and a new session token, or ``None`` (the failure is counted).

    Raises:
        LoginThrottled: after too many failures for this address (from this client, or from
            any client with a growing wait).
        AccountDisabled: the password is right, but an admin has disabled the account.
    """
    email = normalise_email(cmd.email)
    async with units() as uow:
        found = await accounts.attempt_login(uow, email, cmd.ip)
        await uow.commit()
    if not await accounts.verify_password(cmd.password, found[1] if found else None):
        return None
    assert found is not None  # only a stored hash verifies
    if not found[0].active:  # told only to who knows the password
        raise accounts.AccountDisabled()
    async with units() as uow:
        token = await accounts.complete_login(uow, found[0], cmd.ip)
        await uow.commit()
    return found[0], token


async def change_password(cmd: c.ChangePassword, units: UnitOfWorkFactory) -> bool:
    """Return whether the current password was right (``InvalidInput``: a bad new one)."""
    async with units() as uow:
        found = await uow.accounts.by_id(cmd.user_id)
    if found is None or not await accounts.verify_password(cmd.current, found[1]):
        return False
    user, old_hash = found
    accounts.check_replacement(cmd.current, cmd.new, user.email)
    new_hash = await accounts.hash_password(cmd.new)
    async with units() as uow:
        changed = await accounts.replace_password(
            uow, cmd.user_id, old_hash, new_hash, keep_token=cmd.keep_token
        )
        await audit.record(cmd, uow, changed)  # in the same transaction as the change
        await uow.commit()
    return changed


async def sign_out(cmd: c.SignOut, uow: UnitOfWork) -> None:
    await accounts.end_session(uow, cmd.token)


async def issue_api_token(cmd: c.IssueApiToken, uow: UnitOfWork) -> str:
    return await accounts.new_token_for(uow, cmd.user_id)


async def revoke_api_token(cmd: c.RevokeApiToken, uow: UnitOfWork) -> bool:
    return await accounts.revoke_token(uow, cmd.user_id, cmd.token_id)


async def use_api_token(cmd: c.UseApiToken, uow: UnitOfWork) -> User | None:
    return await accounts.token_user(uow, cmd.token)


ACCOUNT_HANDLERS: dict[type[c.Command], Any] = {
    c.SignOut: sign_out,
    c.IssueApiToken: issue_api_token,
    c.RevokeApiToken: revoke_api_token,
    c.UseApiToken: use_api_token,
    **STAFF_ACCOUNT_HANDLERS,
    **STAFF_MAIL_HANDLERS,
}

# Handlers that open their own units of work: ``(command, unit-of-work factory)``.
STAGED_HANDLERS: dict[type[c.Command], Any] = {
    c.SignIn: sign_in,
    c.ChangePassword: change_password,
    **STAFF_STAGED_HANDLERS,
}
