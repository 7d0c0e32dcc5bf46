"""``inspraak user``: accounts for the web area and API tokens."""

from __future__ import annotations

import argparse

from config.settings import Settings
from core.domain import commands as c
from core.services import accounts, audit
from inspraak.bootstrap import Container
from inspraak.cli.running import run
from inspraak.terminal import _


def cmd_user_create(settings: Settings, args: argparse.Namespace) -> int:
    async def work(container: Container) -> str:
        credentials = await accounts.one_time_password()  # hashed before the database is held
        async with container.uow() as uow:
            user, password = await accounts.create_user(
                uow, args.email, args.role, args.organisation, credentials=credentials
            )
            detail = {"role": user.role.value}
            target = f"user:{user.id}"
            await audit.note_command_line(
                uow, "account.create", target, user.organisation_id, **detail
            )
            await uow.commit()
        once = _("one-time password: {password}").format(password=password)
        return f"{user.email}\t{user.role.value}\n{once}"

    print(run(settings, work))
    print(_("The password must be changed at the first login."))
    return 0


def cmd_user_token(settings: Settings, args: argparse.Namespace) -> int:
    async def work(container: Container) -> str:
        async with container.uow() as uow:
            token = await accounts.new_api_token(uow, args.email)
            user_id = await accounts.user_id(uow, args.email)
            await audit.note_command_line(uow, "account.token_issue", f"user:{user_id}")
            await uow.commit()
        return token

    print(run(settings, work))
    return 0


def cmd_user_list(settings: Settings, args: argparse.Namespace) -> int:
    async def work(container: Container) -> list[str]:
        async with container.uow() as uow:
            users = await uow.accounts.all()
        return [
            f"{u.email}\t{u.role.value}\t{u.organisation_id or ''}"
            + ("" if u.active else "\tdisabled")
            for u in users
        ]

    for line in run(settings, work):
        print(line)
    return 0


def cmd_user_tokens(settings: Settings, args: argparse.Namespace) -> int:
    async def work(container: Container) -> list[str]:
        async with container.reading() as uow:
            tokens = await accounts.tokens_of(uow, await accounts.user_id(uow, args.email))
        return [
            f"{t['id']}\t"
            + _("made {moment}").format(moment=f"{t['created_at']:%Y-%m-%d %H:%M}")
            + "\t"
            + _("last used {moment}").format(
                moment=f"{t['last_used_at']:%Y-%m-%d %H:%M}" if t["last_used_at"] else _("never")
            )
            for t in tokens
        ]

    for line in run(settings, work):
        print(line)
    return 0


def cmd_user_revoke_token(settings: Settings, args: argparse.Namespace) -> int:
    async def work(container: Container) -> bool:
        async with container.uow() as uow:
            user_id = await accounts.user_id(uow, args.email)
            found = await accounts.revoke_token(uow, user_id, args.id)
            if found:
                target = f"user:{user_id}"
                await audit.note_command_line(
                    uow, "account.token_revoke", target, token_id=args.id
                )
            await uow.commit()
        return found

    if not run(settings, work):
        print(_("{email} has no token {id}").format(email=args.email, id=args.id))
        return 1
    print(_("token {id} of {email} revoked").format(id=args.id, email=args.email))
    return 0


def cmd_user_disable(settings: Settings, args: argparse.Namespace) -> int:
    """Disable an account (its sessions end, its tokens stop working) or enable it again."""
    disabled = bool(args.disabled)

    async def work(container: Container) -> str:
        async with container.uow() as uow:
            user_id = await accounts.user_id(uow, args.email)
            await container.bus.run(c.SetUserDisabled(user_id, disabled), uow)
            action = "account.disable" if disabled else "account.enable"
            await audit.note_command_line(uow, action, f"user:{user_id}")
            await uow.commit()
        done = _("{email} disabled") if disabled else _("{email} enabled")
        return done.format(email=args.email)

    print(run(settings, work))
    return 0
