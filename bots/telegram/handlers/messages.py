"""Typed messages: an idea, a postcode, a comment, or a typed option number."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.enums import ChatType
from aiogram.types import Message

from bots.telegram.middleware import Turn
from bots.telegram.replier import Replier
from core.messages import Incoming
from core.services.conversation import Conversations


async def text(
    message: Message, conversations: Conversations, turn: Turn, replier: Replier
) -> None:
    """Pass the text on (a photo's caption counts; a sticker is an empty message)."""
    language = message.from_user.language_code if message.from_user else None
    incoming = Incoming.message(message.text or message.caption or "", language_hint=language)
    outcome = await turn.handle(conversations, incoming, message.chat.id)
    await replier.render(message.chat.id, outcome.replies)


def make_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(F.chat.type == ChatType.PRIVATE)
    router.message.register(text)
    return router
