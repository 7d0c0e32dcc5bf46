"""The Telegram channel (aiogram 3): updates in as ``Incoming``, ``Reply`` out as Bot API calls."""

from bots.telegram.channel import TelegramChannel

__all__ = ["TelegramChannel"]
