"""/start: a deep link ``t.me/<bot>?start=CODE`` joins a project; a bare /start lists them."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.enums import ChatType
from aiogram.filters import CommandObject, CommandStart
from aiogram.types import Message

from bots.telegram.middleware import Turn
from bots.telegram.replier import Replier
from core.messages import Incoming
from core.services.conversation import Conversations


async def start(
    message: Message,
    command: CommandObject,
    conversations: Conversations,
    turn: Turn,
    replier: Replier,
) -> None:
    """Join the project of the deep link, or let the engine offer the open projects."""
    language = message.from_user.language_code if message.from_user else None
    incoming = Incoming.start(command.args or "", language_hint=language)
    outcome = await turn.handle(conversations, incoming, message.chat.id)
    await replier.render(message.chat.id, outcome.replies)


def make_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(F.chat.type == ChatType.PRIVATE)
    router.message.register(start, CommandStart())
    return router
