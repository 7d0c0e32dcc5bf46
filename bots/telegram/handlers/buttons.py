"""Pressed inline buttons: the option's data goes to the core; the question shows the answer."""

from __future__ import annotations

from aiogram import Router
from aiogram.methods import AnswerCallbackQuery
from aiogram.types import CallbackQuery, Message

from bots.telegram.middleware import Turn
from bots.telegram.replier import Replier
from core.messages import Incoming
from core.services.conversation import Conversations


async def pressed(
    query: CallbackQuery,
    conversations: Conversations,
    turn: Turn,
    replier: Replier,
    webhook_reply: bool = False,
) -> AnswerCallbackQuery | None:
    """Answer the callback (the spinner stops), then edit the question and send the replies.

    Through a webhook the answer rides on the webhook's HTTP response (Telegram runs a method
    given there), which saves a request per press; polling calls it at once.
    """
    question = query.message if isinstance(query.message, Message) else None
    chat_id = question.chat.id if question else query.from_user.id
    try:
        outcome = await turn.handle(conversations, Incoming.choice(query.data or ""), chat_id)
    finally:
        if not webhook_reply:
            await replier.call(query.answer())
    await replier.render(chat_id, outcome.replies, question=question)
    return query.answer() if webhook_reply else None


def make_router() -> Router:
    router = Router(name=__name__)
    router.callback_query.register(pressed)
    return router
