"""``my_chat_member``: the resident blocked (kicked) or unblocked the bot."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.enums import ChatMemberStatus, ChatType
from aiogram.types import ChatMemberUpdated

from bots.telegram.middleware import Turn
from core.domain.commands import MarkBlocked, MarkReachable
from core.services.conversation import Conversations

GONE = {ChatMemberStatus.KICKED, ChatMemberStatus.LEFT}


async def membership(event: ChatMemberUpdated, conversations: Conversations, turn: Turn) -> None:
    """Stop sending to a resident who blocked the bot; start again when they unblock it."""
    pseudonym = conversations.pseudonym("telegram", turn.user_key)
    if event.new_chat_member.status in GONE:
        await conversations.bus.handle(MarkBlocked(pseudonym))
    else:
        await conversations.bus.handle(MarkReachable(pseudonym))


def make_router() -> Router:
    router = Router(name=__name__)
    router.my_chat_member.filter(F.chat.type == ChatType.PRIVATE)
    router.my_chat_member.register(membership)
    return router
