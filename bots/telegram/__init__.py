"""The Telegram channel (aiogram 3): updates in as ``Incoming``, ``Reply`` out as Bot API calls.

The package imports nothing itself, so that its light modules (the bot registry's commands)
can be used without loading aiogram; the channel is ``bots.telegram.channel.TelegramChannel``.
"""
