"""Test doubles for the outbox: a scripted ``ChannelSender``, an aiogram one, virtual sleep.

``ScriptedSender`` implements ``core.outbox.ports.ChannelSender`` in memory and answers each
address with scripted outcomes (SENT by default). ``AiogramSender`` is the smallest real
Telegram sender (aiogram ``Bot.send_message`` against ``FakeBotAPI``), so the outbox is tested
over HTTP without the Telegram channel's own adapter. ``VirtualSleep`` moves a ``TestClock``
instead of waiting, so paced sending takes no real time.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from aiogram import Bot
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from core.messages import Reply
from core.outbox.ports import OutboundMessage, SendOutcome, SendStatus
from tests.factories import TestClock


class VirtualSleep:
    """``await sleep(s)`` moves the clock to (time of the call + s) and returns at once."""

    def __init__(self, clock: TestClock) -> None:
        self.clock = clock
        self.calls = 0

    async def __call__(self, seconds: float) -> None:
        self.calls += 1
        target = self.clock.now + timedelta(seconds=max(seconds, 0.0))
        await asyncio.sleep(0)
        if self.clock.now < target:
            self.clock.now = target


@dataclass
class Delivery:
    address: str
    message: OutboundMessage
    at: datetime
    bot_id: int | None


@dataclass
class ScriptedSender:
    """An in-memory ChannelSender: every address gets SENT unless scripted otherwise."""

    clock: TestClock
    channel: str = "telegram"
    deliveries: list[Delivery] = field(default_factory=list)
    attempts: list[Delivery] = field(default_factory=list)
    script: dict[str, list[SendOutcome]] = field(default_factory=lambda: defaultdict(list))

    def then(self, address: str, *outcomes: SendOutcome) -> ScriptedSender:
        self.script[address].extend(outcomes)
        return self

    async def send(
        self, address: str, message: OutboundMessage, *, bot_id: int | None = None
    ) -> SendOutcome:
        delivery = Delivery(address, message, self.clock(), bot_id)
        self.attempts.append(delivery)
        if self.script.get(address):
            outcome = self.script[address].pop(0)
            if outcome.status != SendStatus.SENT:
                return outcome
        self.deliveries.append(delivery)
        return SendOutcome(SendStatus.SENT, provider_id=f"m{len(self.deliveries)}")

    def addresses(self) -> list[str]:
        return [d.address for d in self.deliveries]


def keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    if not reply.options:
        return None
    per_row = reply.columns or 1
    buttons = [InlineKeyboardButton(text=o.label, callback_data=o.data) for o in reply.options]
    rows = [buttons[i : i + per_row] for i in range(0, len(buttons), per_row)]
    return InlineKeyboardMarkup(inline_keyboard=rows)


class AiogramSender:
    """A minimal Telegram ChannelSender on aiogram (tests and the benchmark only)."""

    channel = "telegram"

    def __init__(self, bot: Bot, *, paid_broadcast: bool = False) -> None:
        self.bot = bot
        self.paid_broadcast = paid_broadcast

    async def send(
        self, address: str, message: OutboundMessage, *, bot_id: int | None = None
    ) -> SendOutcome:
        provider_id = None
        try:
            for reply in message.replies:
                sent = await self.bot.send_message(
                    chat_id=int(address),
                    text=reply.text,
                    reply_markup=keyboard(reply),
                    allow_paid_broadcast=True if self.paid_broadcast else None,
                )
                provider_id = str(sent.message_id)
        except TelegramRetryAfter as error:
            return SendOutcome(SendStatus.RATE_LIMITED, retry_after=float(error.retry_after))
        except TelegramForbiddenError as error:
            return SendOutcome(SendStatus.BLOCKED, error=error.message)
        except TelegramBadRequest as error:
            return SendOutcome(SendStatus.FAILED, error=error.message)
        except (TelegramServerError, TelegramNetworkError) as error:
            return SendOutcome(SendStatus.RETRY, error=str(error))
        return SendOutcome(SendStatus.SENT, provider_id=provider_id)
