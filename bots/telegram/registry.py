"""The bot registry: the Telegram bots of a deployment (one per municipality).

``BotRegistry`` holds the bots that run. ``inspraak bot add`` stores a bot with its token
sealed (bots/telegram/tokens.py, ``AddBot``); the bot of ``INSPRAAK_TELEGRAM_TOKEN`` is recorded
as the default bot when the channel starts (``RegisterDefaultBot``). The rows are data in
core's ``bots`` table, reached through ``uow.bots``; the composition root adds ``HANDLERS`` to
the bus.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from core.domain import model
from core.domain.commands import Command
from core.domain.errors import InvalidInput
from core.services.handlers import Handler
from core.storage.uow import UnitOfWork

if TYPE_CHECKING:
    from aiogram import Bot


@dataclass
class BotEntry:
    bot: Bot
    username: str
    db_id: int | None  # bots.id (the default bot gets its row once it introduced itself)
    is_default: bool
    secret: str | None = None  # X-Telegram-Bot-Api-Secret-Token of this bot's webhook

    @property
    def telegram_id(self) -> int:
        return self.bot.id


@dataclass
class BotRegistry:
    """The running bots, by Telegram id."""

    entries: dict[int, BotEntry] = field(default_factory=dict)

    def add(self, entry: BotEntry) -> None:
        self.entries[entry.telegram_id] = entry

    @property
    def default(self) -> BotEntry | None:
        return next((e for e in self.entries.values() if e.is_default), None)

    def db_id(self, telegram_id: int) -> int | None:
        entry = self.entries.get(telegram_id)
        return entry.db_id if entry else None

    def by_db_id(self, bot_id: int | None) -> BotEntry | None:
        if bot_id is None:
            return self.default
        return next((e for e in self.entries.values() if e.db_id == bot_id), None)

    def by_secret(self, secret: str | None) -> BotEntry | None:
        if not secret:
            return None
        found = None
        for entry in self.entries.values():  # compare with every bot: no early exit to time
            if entry.secret and hmac.compare_digest(entry.secret.encode(), secret.encode()):
                found = entry
        return found

    def user_key(self, telegram_id: int, user_id: int) -> str:
        """The resident's id on the channel: per bot, except on the default bot.

        A person who answers two municipalities' bots is two residents with two pseudonyms,
        so their conversations never mix and the municipalities cannot link them.
        """
        entry = self.entries.get(telegram_id)
        if entry is None or entry.is_default:
            return str(user_id)
        return f"{user_id}@{telegram_id}"


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
    if not model.Organisation.valid_slug(cmd.organisation):
        raise InvalidInput("organisation_slug")
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
    if known is None:  # several workers starting at once each try to add it: one does
        bot = model.Bot(cmd.telegram_id, cmd.username, is_default=True, created_at=uow.clock())
        await bots.add_if_missing(bot)
        known = await bots.by_telegram_id(cmd.telegram_id)
    assert known is not None and known.id is not None
    bot_id = known.id
    if not known.is_default or known.username != cmd.username or not known.active:
        await bots.update(bot_id, username=cmd.username, is_default=True, active=True)
    await bots.clear_default(except_id=bot_id)
    return bot_id


HANDLERS: dict[type[Command], Handler] = {
    AddBot: add_bot,
    RegisterDefaultBot: register_default_bot,
}
