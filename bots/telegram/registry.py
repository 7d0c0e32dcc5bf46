"""The bot registry: the Telegram bots of a deployment (one per municipality), as commands.

``inspraak bot add`` stores a bot with its token sealed (bots/telegram/tokens.py); the bot of
``INSPRAAK_TELEGRAM_TOKEN`` is recorded as the default bot when the channel starts. The rows
are data in core's ``bots`` table, reached through ``uow.bots``; the composition root adds
``HANDLERS`` to the bus.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.domain import model
from core.domain.commands import Command
from core.services.handlers import Handler
from core.services.uow import UnitOfWork


@dataclass(frozen=True)
class AddBot(Command):
    """Store a Telegram bot (its token already sealed) for an organisation."""

    telegram_id: int
    username: str
    token_encrypted: str
    organisation: str  # slug; created when missing
    organisation_name: str | None = None


@dataclass(frozen=True)
class RegisterDefaultBot(Command):
    """Record the bot of the environment's token as the default bot (token not stored)."""

    telegram_id: int
    username: str


async def add_bot(cmd: AddBot, uow: UnitOfWork) -> int:
    """Store a bot for an organisation, or update the token and owner of a known one."""
    bots = uow.bots
    organisation_id = await uow.projects.organisation(cmd.organisation, cmd.organisation_name)
    known = await bots.by_telegram_id(cmd.telegram_id)
    if known is not None and known.id is not None:
        await bots.update(
            known.id,
            username=cmd.username,
            token_encrypted=cmd.token_encrypted,
            organisation_id=organisation_id,
            active=True,
        )
        return known.id
    bot = model.Bot(
        cmd.telegram_id,
        cmd.username,
        organisation_id,
        cmd.token_encrypted,
        created_at=uow.clock(),
    )
    return await bots.add(bot)


async def register_default_bot(cmd: RegisterDefaultBot, uow: UnitOfWork) -> int:
    """Record the environment's bot as the default one (and no other)."""
    bots = uow.bots
    known = await bots.by_telegram_id(cmd.telegram_id)
    if known is not None and known.id is not None:
        bot_id = known.id
        if not known.is_default or known.username != cmd.username or not known.active:
            await bots.update(bot_id, username=cmd.username, is_default=True, active=True)
    else:
        bot = model.Bot(cmd.telegram_id, cmd.username, is_default=True, created_at=uow.clock())
        bot_id = await bots.add(bot)
    await bots.clear_default(except_id=bot_id)
    return bot_id


HANDLERS: dict[type[Command], Handler] = {
    AddBot: add_bot,
    RegisterDefaultBot: register_default_bot,
}
