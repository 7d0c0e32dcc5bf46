"""The outer middleware: one resident's updates in order, and typed parameters for handlers."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aiogram import BaseMiddleware, Bot
from aiogram.types import TelegramObject, Update, User

from bots.telegram.locks import KeyedLocks
from bots.telegram.replier import Replier, Sleep
from core.messages import Incoming
from core.services.conversation import Conversations, Outcome

if TYPE_CHECKING:
    from bots.telegram.registry import BotRegistry

CHANNEL = "telegram"


@dataclass(frozen=True)
class Turn:
    """What a handler needs to hand one update to the core."""

    user_key: str  # the resident's id on this channel (the pseudonym derives from it)
    bot_id: int | None  # bots.id of the bot written to: it scopes the projects offered
    dedupe_key: str  # "<telegram bot id>:<update_id>": a redelivered update is ignored

    async def handle(
        self, conversations: Conversations, incoming: Incoming, chat_id: int
    ) -> Outcome:
        """Hand ``incoming`` to the core: deduplicated, scoped to this bot, in one transaction."""
        return await conversations.handle(
            CHANNEL,
            self.user_key,
            incoming,
            address=str(chat_id),
            dedupe_key=self.dedupe_key,
            bot_id=self.bot_id,
        )


class ConversationMiddleware(BaseMiddleware):
    """Serialise each resident's updates and give handlers ``conversations``, ``turn``,
    ``replier``.

    Registered as an outer middleware on ``dp.update``, so the per-resident lock is taken
    before the first await of the update's task: updates that polling started in order queue
    in that order, and updates of different residents run concurrently.
    """

    def __init__(
        self,
        conversations: Conversations,
        registry: BotRegistry,
        locks: KeyedLocks,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.conversations = conversations
        self.registry = registry
        self.locks = locks
        self.sleep = sleep
        self.in_flight: set[asyncio.Task[Any]] = set()

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        bot: Bot = data["bot"]
        user: User | None = data.get("event_from_user")
        if user is None or not isinstance(event, Update):
            return await handler(event, data)
        task = asyncio.current_task()
        if task is not None:
            self.in_flight.add(task)
        try:
            async with self.locks.hold((bot.id, user.id)):
                user_key = self.registry.user_key(bot.id, user.id)
                data["conversations"] = self.conversations
                data["turn"] = Turn(
                    user_key, self.registry.db_id(bot.id), f"{bot.id}:{event.update_id}"
                )
                data["replier"] = Replier(bot, self.conversations, user_key, self.sleep)
                return await handler(event, data)
        finally:
            if task is not None:
                self.in_flight.discard(task)
