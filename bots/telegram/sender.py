"""``ChannelSender`` for Telegram: what the outbox calls to send on the core's own initiative."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from aiogram.exceptions import (
    TelegramAPIError,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)

from bots.telegram.render import send_methods
from core.domain.numbers import read_number
from core.outbox.ports import OutboundMessage, SendOutcome, SendStatus

if TYPE_CHECKING:
    from bots.telegram.registry import BotRegistry

log = logging.getLogger(__name__)


class TelegramSender:
    """Send an ``OutboundMessage`` once and report what happened; the outbox retries.

    429 → RATE_LIMITED with ``retry_after``; 403 → BLOCKED; 5xx and network errors → RETRY;
    any other refusal (400 chat not found, 401...) → FAILED with Telegram's description.
    ``bot_id`` is ``contacts.bot_id`` (``bots.id``); None means the default bot. With
    ``paid_broadcast`` every message carries ``allow_paid_broadcast`` (Telegram then allows up
    to 1,000 messages/s per bot and charges Stars).
    """

    channel = "telegram"

    def __init__(self, registry: BotRegistry, *, paid_broadcast: bool = False) -> None:
        self.registry = registry
        self.paid_broadcast = paid_broadcast or None

    async def send(
        self, address: str, message: OutboundMessage, *, bot_id: int | None = None
    ) -> SendOutcome:
        entry = self.registry.by_db_id(bot_id)
        if entry is None:
            return SendOutcome(SendStatus.FAILED, error=f"no Telegram bot {bot_id}")
        number = read_number(address, signed=True)
        chat_id: int | str = number if number is not None else address
        provider_id = None
        try:
            for reply in message.replies:
                for method in send_methods(chat_id, reply):
                    method.allow_paid_broadcast = self.paid_broadcast
                    sent = await entry.bot(method)
                    provider_id = str(sent.message_id)
        except TelegramRetryAfter as error:
            return SendOutcome(SendStatus.RATE_LIMITED, retry_after=float(error.retry_after))
        except TelegramForbiddenError as error:
            return SendOutcome(SendStatus.BLOCKED, error=error.message)
        except (TelegramServerError, TelegramNetworkError) as error:
            return SendOutcome(SendStatus.RETRY, error=str(error))
        except TelegramAPIError as error:
            return SendOutcome(SendStatus.FAILED, error=error.message)
        return SendOutcome(SendStatus.SENT, provider_id=provider_id)
