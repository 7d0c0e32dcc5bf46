"""Slash commands (/help, /stop, /taal, /mijngegevens, /vergeet and English aliases)."""

from __future__ import annotations

import re

from aiogram import F, Router
from aiogram.enums import ChatType
from aiogram.filters import Command, CommandObject
from aiogram.types import Message

from bots.telegram.middleware import Turn
from bots.telegram.replier import Replier
from core.messages import Incoming
from core.services.conversation import Conversations


async def command(
    message: Message,
    command: CommandObject,
    conversations: Conversations,
    turn: Turn,
    replier: Replier,
) -> None:
    """Pass the command by name; the engine knows them (an unknown one gets the help text)."""
    incoming = Incoming.command(command.command, command.args or "")
    outcome = await turn.handle(conversations, incoming, message.chat.id)
    await replier.render(message.chat.id, outcome.replies)


def make_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(F.chat.type == ChatType.PRIVATE)
    router.message.register(command, Command(re.compile(r"^[A-Za-z0-9_]{1,32}$")))
    return router
