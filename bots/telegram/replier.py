"""Send the replies to one resident's update: retry on 429 and network errors, notice blocks."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from aiogram import Bot
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods import EditMessageReplyMarkup, EditMessageText, TelegramMethod
from aiogram.types import Message

from bots.telegram.render import answered_text, send_methods
from core.domain.commands import MarkBlocked
from core.messages import Reply
from core.services.conversation import Conversations

log = logging.getLogger(__name__)

T = TypeVar("T")
Sleep = Callable[[float], Awaitable[Any]]

MAX_ATTEMPTS = 6
MAX_RETRY_AFTER = 60.0  # longer waits are left to Telegram's redelivery / the outbox


class Blocked(Exception):
    """The resident blocked the bot: stop sending to them."""


class Replier:
    """Renders a list of ``Reply`` into one chat with the retries a reply deserves.

    Args:
        bot: the bot the resident wrote to.
        conversations: to mark the resident blocked when Telegram answers 403.
        user_key: the resident's id on this channel (their pseudonym derives from it).
        sleep: ``asyncio.sleep``; tests pass a recorder so nobody waits for real.
    """

    def __init__(
        self, bot: Bot, conversations: Conversations, user_key: str, sleep: Sleep
    ) -> None:
        self.bot = bot
        self.conversations = conversations
        self.user_key = user_key
        self.sleep = sleep

    async def render(
        self, chat_id: int, replies: list[Reply], question: Message | None = None
    ) -> None:
        """Send ``replies``; the first acknowledgement edits ``question`` (the pressed one).

        A press the core does not acknowledge (a project chosen from the list, "one more
        idea", a refused answer) still takes the buttons off its message, so no old button
        stays to be pressed again.
        """
        try:
            acknowledged = any(reply.answers is not None for reply in replies)
            if question is not None and question.reply_markup and not acknowledged:
                await self.drop_buttons(question)
            for reply in replies:
                if reply.answers is not None and question is not None:
                    edited = await self.mark_answered(question, reply.answers)
                    question = None
                    if edited:
                        continue
                for method in send_methods(chat_id, reply):
                    await self.call(method)
        except Blocked:
            log.info("resident blocked the bot; stopped sending")

    async def drop_buttons(self, question: Message) -> None:
        """Take the buttons off a message, leaving its text."""
        drop = EditMessageReplyMarkup(chat_id=question.chat.id, message_id=question.message_id)
        with contextlib.suppress(TelegramBadRequest):  # too old to edit, or already without
            await self.call(drop, quiet=(TelegramBadRequest,))

    async def mark_answered(self, question: Message, answer: str) -> bool:
        """Show the answer under the question and drop its buttons; False when not possible."""
        edit = EditMessageText(
            chat_id=question.chat.id,
            message_id=question.message_id,
            text=answered_text(question.text or question.caption or "", answer),
            parse_mode="HTML",
        )
        try:
            return await self.call(edit, quiet=(TelegramBadRequest,)) is not None
        except TelegramBadRequest:  # too old to edit, or not modified
            return False

    async def call(
        self,
        method: TelegramMethod[T],
        quiet: tuple[type[TelegramAPIError], ...] = (),
    ) -> T | None:
        """Call the Bot API: wait out 429s, back off on network and server errors.

        Returns None when it gave up; raises ``Blocked`` after marking the resident blocked.
        """
        delay = 0.5
        for attempt in range(1, MAX_ATTEMPTS + 1):
            try:
                return await self.bot(method)
            except TelegramRetryAfter as error:
                wait = float(error.retry_after)
                if wait > MAX_RETRY_AFTER:
                    log.warning("%s: told to wait %ss; giving up", method.__api_method__, wait)
                    return None
                await self.sleep(wait)
            except (TelegramNetworkError, TelegramServerError) as error:
                log.warning("%s failed (%s), try %d", method.__api_method__, error, attempt)
                await self.sleep(delay)
                delay = min(delay * 2, 8.0)
            except TelegramForbiddenError:
                pseudonym = self.conversations.pseudonym("telegram", self.user_key)
                await self.conversations.bus.handle(MarkBlocked(pseudonym))
                raise Blocked() from None
            except quiet:
                raise
            except TelegramAPIError as error:
                log.warning("%s refused: %s", method.__api_method__, error)
                return None
        log.error("%s failed %d times; giving up", method.__api_method__, MAX_ATTEMPTS)
        return None
