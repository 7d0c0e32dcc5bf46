"""The outbox over HTTP: an aiogram sender against the fake Bot API (429 and 403 scripted)."""

from __future__ import annotations

import asyncio
import contextlib
import sys
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer

from core.domain import commands as c
from core.outbox import OutboxSender
from inspraak.bootstrap import Container
from tests.factories import TestClock
from tests.fakes.senders import AiogramSender, VirtualSleep
from tests.fakes.telegram_api import FakeBotAPI
from tests.integration.outbox_support import (
    make_project,
    no_quiet_hours,
    outbox_rows,
    round_id,
    subscribe,
)

TOKEN = "4242:TEST-outbox"
ROOT = Path(__file__).resolve().parents[2]


@contextlib.asynccontextmanager
async def telegram(**limits: float) -> AsyncIterator[tuple[FakeBotAPI, Bot]]:
    async with FakeBotAPI(bots={TOKEN: "inspraak_bot"}, **limits) as api:
        bot = Bot(TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(api.base_url)))
        try:
            yield api, bot
        finally:
            await bot.session.close()


async def test_a_broadcast_over_the_bot_api_survives_a_429_and_a_403(
    container: Container, clock: TestClock
):
    project_id = await make_project(container)
    addresses = await subscribe(container, project_id, 12)
    await container.bus.handle(c.OpenRound(await round_id(container, "ideeen")))
    async with telegram() as (api, bot):
        api.script_error("sendMessage", 429, retry_after=3, times=1)
        api.script_error("sendMessage", 403, chat_id=int(addresses[5]), times=None)
        outbox = OutboxSender(
            container.database,
            {"telegram": AiogramSender(bot)},
            clock=clock,
            sleep=VirtualSleep(clock),
            rates={"telegram": 25.0},
            window=5,
        )
        start = clock.now
        await outbox.drain()

        delivered = {str(call.chat_id) for call in api.calls("sendMessage", ok=True)}
        assert delivered == set(addresses) - {addresses[5]}
        assert len(api.calls("sendMessage", ok=True)) == 11  # nobody twice
        assert len(api.calls("sendMessage", chat_id=int(addresses[5]))) == 1  # never retried
        assert api.stats.too_many_requests == 1
        assert (clock.now - start).total_seconds() >= 3  # the bot waited out retry_after
        message = api.sent_messages(int(addresses[0]))[0]
        assert message["reply_markup"]["inline_keyboard"][0][0]["text"] == "Doe mee"
    rows = await outbox_rows(container)
    assert sorted(r["status"] for r in rows).count("sent") == 11
    blocked = [r for r in rows if r["status"] == "blocked"]
    assert len(blocked) == 1 and "blocked by the user" in blocked[0]["last_error"]


async def test_the_paced_sender_never_trips_the_bot_apis_flood_limits(
    container: Container, clock: TestClock
):
    """Real time, a short window: 12 messages at 25/s against limits of 30/s and 1/s per chat."""
    clock.now = _real_clock()
    project_id = await make_project(container)
    await no_quiet_hours(container, project_id)
    await subscribe(container, project_id, 12)
    await container.bus.handle(c.OpenRound(await round_id(container, "ideeen")))
    async with telegram(per_bot_rate=30, per_chat_rate=1) as (api, bot):
        outbox = OutboxSender(
            container.database,
            {"telegram": AiogramSender(bot)},
            clock=_real_clock,
            rates={"telegram": 25.0},
            window=50,
        )
        await asyncio.wait_for(outbox.drain(), 10)
        assert api.stats.too_many_requests == 0
        assert len(api.calls("sendMessage", ok=True)) == 12


def _real_clock() -> datetime:
    return datetime.now(UTC)


@pytest.mark.postgres
async def test_two_senders_on_postgresql_never_claim_the_same_message(
    container: Container, clock: TestClock
):
    if container.engine.dialect.name != "postgresql":
        pytest.skip("FOR UPDATE SKIP LOCKED is PostgreSQL's")
    clock.now = _real_clock()
    project_id = await make_project(container)
    await no_quiet_hours(container, project_id)
    addresses = await subscribe(container, project_id, 80)
    await container.bus.handle(c.OpenRound(await round_id(container, "ideeen")))
    async with telegram() as (api, bot):
        senders = [
            OutboxSender(
                container.database,
                {"telegram": AiogramSender(bot)},
                clock=_real_clock,
                rates={"telegram": 2000.0},
                window=10,
                batch=5,
            )
            for _ in range(2)
        ]
        stats = await asyncio.gather(*(s.drain() for s in senders))
        chats = [str(call.chat_id) for call in api.calls("sendMessage", ok=True)]
    assert sorted(chats) == sorted(addresses)
    assert all(s.sent > 0 for s in stats)


async def test_a_sender_killed_mid_broadcast_loses_nothing_after_a_restart(
    container: Container, clock: TestClock
):
    """kill -9 a sending process halfway; the restarted one sends the rest. Duplicates are
    bounded by the in-flight window (rows claimed and not yet recorded as sent)."""
    if container.engine.dialect.name != "sqlite":
        pytest.skip("one file database is enough for the subprocess test")
    clock.now = _real_clock()
    project_id = await make_project(container)
    await no_quiet_hours(container, project_id)
    addresses = await subscribe(container, project_id, 150)
    await container.bus.handle(c.OpenRound(await round_id(container, "ideeen")))
    window = 20
    root = ROOT

    async with telegram() as (api, _bot):

        async def worker() -> asyncio.subprocess.Process:
            return await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "tests.integration.outbox_worker",
                container.settings.database_url,
                api.base_url,
                "300",
                str(window),
                cwd=root,
                stdout=asyncio.subprocess.PIPE,
            )

        first = await worker()
        await api.wait_for("sendMessage", count=60, timeout=30)
        first.kill()  # SIGKILL: no clean-up, rows stay 'sending'
        await first.wait()
        sent_before = len(api.calls("sendMessage", ok=True))
        assert sent_before < len(addresses), "the kill came too late to test anything"

        second = await worker()
        assert await asyncio.wait_for(second.wait(), 60) == 0

        chats = [str(call.chat_id) for call in api.calls("sendMessage", ok=True)]
    assert set(chats) == set(addresses)  # none lost
    duplicates = len(chats) - len(set(chats))
    assert duplicates <= window
    rows = await outbox_rows(container)
    assert {r["status"] for r in rows} == {"sent"}
