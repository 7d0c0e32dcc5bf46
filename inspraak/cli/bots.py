"""``inspraak bot add|list|bind``: the Telegram bots of several municipalities in one
deployment."""

from __future__ import annotations

import argparse

from aiogram import Bot
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramAPIError

from bots.telegram.registry import AddBot
from bots.telegram.session import JsonSession
from bots.telegram.tokens import TokenBox
from config.settings import Settings
from core.domain import commands as c
from core.domain.numbers import read_id
from inspraak.bootstrap import Container
from inspraak.cli.running import CliError, run
from inspraak.terminal import _


def cmd_bot_add(settings: Settings, args: argparse.Namespace) -> int:
    async def work(container: Container) -> str:
        session = JsonSession(api=TelegramAPIServer.from_base(settings.telegram_api_base))
        try:
            me = await Bot(args.token, session=session).get_me()
        except (TelegramAPIError, ValueError) as error:
            raise CliError(
                _("Telegram did not accept the token: {error}").format(error=error)
            ) from error
        finally:
            await session.close()
        sealed = TokenBox(container.secret_key).seal(args.token)
        command = AddBot(me.id, me.username or "", sealed, args.organisation, args.name)
        bot_id = await container.bus.handle(command)
        for code in args.project:
            await container.bus.handle(c.BindProject(code.upper(), bot_id))
        projects = ", ".join(code.upper() for code in args.project) or _("none yet")
        return _("bot @{name} stored (id {id}); projects: {projects}").format(
            name=me.username, id=bot_id, projects=projects
        )

    print(run(settings, work))
    print(_("restart `inspraak serve` to start it"))
    return 0


def cmd_bot_list(settings: Settings, args: argparse.Namespace) -> int:
    async def work(container: Container) -> list[str]:
        async with container.uow() as uow:
            bots = await uow.bots.all(active_only=False)
            projects = await uow.bots.project_bots()
        lines = []
        for bot in bots:
            codes = [code for code, bot_id in projects.items() if bot_id == bot.id]
            if bot.is_default:
                codes += [f"{code}*" for code, bot_id in projects.items() if bot_id is None]
            kind = _("default") if bot.is_default else _("stored")
            lines.append(f"{bot.id}\t@{bot.username}\t{kind}\t{', '.join(codes)}")
        return lines

    for line in run(settings, work):
        print(line)
    return 0


def cmd_bot_bind(settings: Settings, args: argparse.Namespace) -> int:
    async def work(container: Container) -> str:
        bot_id = None
        if args.bot != "default":
            async with container.uow() as uow:
                bots = uow.bots
                bot_number = read_id(args.bot)
                found = (
                    await bots.get(bot_number)
                    if bot_number is not None
                    else await bots.by_username(args.bot)
                )
            if found is None:
                raise CliError(_("no bot {bot} (see `inspraak bot list`)").format(bot=args.bot))
            bot_id = found.id
        await container.bus.handle(c.BindProject(args.project.upper(), bot_id))
        return _("project {code} now belongs to bot {bot}").format(
            code=args.project.upper(), bot=args.bot
        )

    print(run(settings, work))
    return 0
