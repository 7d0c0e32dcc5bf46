"""A sender process for the kill -9 test: ``python -m tests.integration.outbox_worker URL API``.

Recovers what a previous process left in flight, sends every queued message through an
aiogram sender to the (fake) Bot API at ``API`` and exits when nothing is left.
"""

from __future__ import annotations

import asyncio
import sys
from datetime import UTC, datetime

import sqlalchemy as sa
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer

from core.outbox import OutboxSender
from core.storage import tables as t
from core.storage.database import Database
from core.storage.db import create_engine
from tests.fakes.senders import AiogramSender

TOKEN = "4242:TEST-outbox"


async def main(url: str, api: str, rate: float, window: int) -> None:
    database = Database(create_engine(url))
    bot = Bot(TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(api)))
    sender = OutboxSender(
        database,
        {"telegram": AiogramSender(bot)},
        clock=lambda: datetime.now(UTC),
        rates={"telegram": rate},
        window=window,
    )
    await sender.recover()
    print("ready", flush=True)
    try:
        while True:
            await sender.drain()
            async with database.engine.connect() as conn:
                left = await conn.scalar(
                    sa.select(sa.func.count()).where(t.outbox.c.status.in_(["pending", "sending"]))
                )
            if not left:
                break
            await asyncio.sleep(0.05)
    finally:
        await bot.session.close()
        await database.dispose()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4])))
