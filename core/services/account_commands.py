"""Handlers of the account commands of the web area and the API (the rules: ``accounts``)."""

from __future__ import annotations

from typing import Any

from core.domain import commands as c
from core.domain.accounts import User
from core.services import accounts
from core.storage.uow import UnitOfWork


async def sign_in(cmd: c.SignIn, uow: UnitOfWork) -> tuple[User, str] | None:
    """Return the user and a new session token, or ``None`` (the failure is counted).

    Raises:
        LoginThrottled: after too many failures for this address from this client.
    """
    user = await accounts.authenticate(uow, cmd.email, cmd.password, cmd.ip)
    if user is None:
        return None
    return user, await accounts.start_session(uow, user.id or 0)


async def sign_out(cmd: c.SignOut, uow: UnitOfWork) -> None:
    await accounts.end_session(uow, cmd.token)


async def change_password(cmd: c.ChangePassword, uow: UnitOfWork) -> bool:
    """Return whether the current password was right (``InvalidInput``: a bad new one)."""
    return await accounts.change_password(
        uow, cmd.user_id, cmd.current, cmd.new, keep_token=cmd.keep_token
    )


async def issue_api_token(cmd: c.IssueApiToken, uow: UnitOfWork) -> str:
    return await accounts.new_token_for(uow, cmd.user_id)


async def revoke_api_token(cmd: c.RevokeApiToken, uow: UnitOfWork) -> bool:
    return await accounts.revoke_token(uow, cmd.user_id, cmd.token_id)


async def use_api_token(cmd: c.UseApiToken, uow: UnitOfWork) -> User | None:
    return await accounts.token_user(uow, cmd.token)


ACCOUNT_HANDLERS: dict[type[c.Command], Any] = {
    c.SignIn: sign_in,
    c.SignOut: sign_out,
    c.ChangePassword: change_password,
    c.IssueApiToken: issue_api_token,
    c.RevokeApiToken: revoke_api_token,
    c.UseApiToken: use_api_token,
}
