"""Broadcast benchmark: the outbox sending a round's prompt to 10,000 subscribed residents.

    .venv/bin/python bench/broadcast.py [--residents 10000] [--window-25 2000] [--runs 3]

The fake Telegram Bot API (tests/fakes) runs in a process of its own and enforces 30
messages/s per bot and 1/s per chat, and 1,000/s per bot with ``allow_paid_broadcast``.

1. At the default rate (25/s) the outbox sends a window of the broadcast (``--window-25``
   messages; all 10,000 would take 400 s a run) and we report achieved rate ÷ 25 (target
   ≥ 0.95) and the 429s (target 0).
2. With ``allow_paid_broadcast`` at 1,000/s the outbox sends all 10,000 prompts, writing
   every delivery status to the database, and we compare its rate with a bare aiogram send
   loop (same pacing and concurrency, no database) measured in the same run (target ≥ 0.8).

Each figure is the median of ``--runs`` runs. The database is a file SQLite database unless
``--database-url`` names another (e.g. PostgreSQL).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramRetryAfter

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bots.telegram.registry import BotEntry, BotRegistry  # noqa: E402
from bots.telegram.sender import TelegramSender  # noqa: E402
from config.settings import Settings  # noqa: E402
from core.domain import commands as c  # noqa: E402
from core.outbox import OutboxSender, Pacer  # noqa: E402
from core.services.project_file import import_project, parse_project_file  # noqa: E402
from core.storage import tables as t  # noqa: E402
from core.storage.db import create_all, drop_all  # noqa: E402
from inspraak.bootstrap import Container, bootstrap  # noqa: E402
from tests.fakes.senders import keyboard  # noqa: E402

TOKEN = "4242:BENCH-broadcast"
PROJECT = """
[project]
code = "BENCH"
title = "Benchmark"
organisation = "gemeente-bench"
ask_profile = false

[[rounds]]
key = "ideeen"
kind = "ideas"
question = "Wat zou jij veranderen om de wijk groener en prettiger te maken?"
state = "draft"
"""


def now() -> datetime:
    return datetime.now(UTC)


# -- the fake Bot API in a process of its own ---------------------------------------------------


def serve_fake() -> None:
    """Run the fake Bot API until standard input closes (``--serve-fake``)."""
    from tests.fakes.telegram_api import FakeBotAPI

    async def main() -> None:
        async with FakeBotAPI(
            bots=[TOKEN], per_bot_rate=30, per_chat_rate=1, paid_broadcast_rate=1000,
            record_calls=False,
        ) as api:  # fmt: skip
            print(api.base_url, flush=True)
            await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)

    asyncio.run(main())


@contextlib.contextmanager
def fake_api() -> object:
    proc = subprocess.Popen(  # noqa: S603 - our own script
        [sys.executable, __file__, "--serve-fake"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        yield proc.stdout.readline().strip()
    finally:
        assert proc.stdin is not None
        proc.stdin.close()
        proc.wait(10)


def make_bot(base_url: str) -> Bot:
    return Bot(TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(base_url)))


def channel_sender(bot: Bot, paid_broadcast: bool = False) -> TelegramSender:
    """The Telegram channel's own ChannelSender (what ``serve`` registers), over ``bot``."""
    registry = BotRegistry()
    registry.add(BotEntry(bot, "bench_bot", None, is_default=True))
    return TelegramSender(registry, paid_broadcast=paid_broadcast)


# -- data ---------------------------------------------------------------------------------------


async def prepare(container: Container, residents: int, first_chat: int) -> tuple[int, float]:
    """Create the project and ``residents`` subscribed residents; return the round and the
    seconds OpenRound took to queue every prompt."""
    await drop_all(container.engine)
    await create_all(container.engine)
    async with container.uow() as uow:
        project, _ = await import_project(uow, parse_project_file(PROJECT))
        project.settings = {**project.settings, "quiet_hours": []}
        await uow.projects.update(project)
        await uow.commit()
    assert project.id is not None
    stamp = now()
    people = [
        {
            "pseudonym": f"p{n:08d}",
            "project_id": project.id,
            "channel": "telegram",
            "consent_at": stamp,
            "language": "nl",
            "status": "active",
        }
        for n in range(residents)
    ]
    contacts = [
        {"pseudonym": f"p{n:08d}", "channel": "telegram", "address": str(first_chat + n)}
        for n in range(residents)
    ]
    async with container.engine.begin() as conn:
        await conn.execute(t.residents.insert(), people)
        await conn.execute(t.contacts.insert(), contacts)
        round_id = int(await conn.scalar(sa.select(t.rounds.c.id)))
    start = time.perf_counter()
    await container.bus.handle(c.OpenRound(round_id))
    return round_id, time.perf_counter() - start


async def requeue(container: Container) -> None:
    async with container.engine.begin() as conn:
        await conn.execute(
            t.outbox.update().values(
                status="pending", next_attempt_at=now(), sent_at=None, attempts=0
            )
        )


async def shift_chats(container: Container, offset: int) -> None:
    """New chat ids for a new run, so the per-chat limit of the previous run does not apply."""
    async with container.engine.begin() as conn:
        await conn.execute(
            t.contacts.update().values(
                address=sa.cast(sa.cast(t.contacts.c.address, sa.Integer) + offset, sa.String)
            )
        )


# -- measurements -------------------------------------------------------------------------------


async def outbox_window(container: Container, base_url: str, count: int) -> tuple[float, int]:
    """Send ``count`` messages at 25/s; return the achieved rate and the 429s."""
    bot = make_bot(base_url)
    sent_at: list[float] = []
    inner = channel_sender(bot)

    class Timed:
        channel = "telegram"

        async def send(self, address, message, *, bot_id=None):  # type: ignore[no-untyped-def]
            outcome = await inner.send(address, message, bot_id=bot_id)
            if outcome.status.value == "sent":
                sent_at.append(time.perf_counter())
            return outcome

    sender = OutboxSender(
        container.database,
        {"telegram": Timed()},
        clock=now,
        rates={"telegram": 25.0},
        window=100,
    )
    enough = asyncio.Event()
    task = asyncio.create_task(sender.run())
    watcher = asyncio.create_task(_until_sent(sent_at, count, enough))
    await enough.wait()
    await watcher
    sender.stop()
    await task
    await bot.session.close()
    rate = (count - 1) / (sent_at[count - 1] - sent_at[0])
    return rate, sender.stats.rate_limited


async def _until_sent(sent_at: list[float], count: int, enough: asyncio.Event) -> None:
    for _ in range(10_000_000):
        if len(sent_at) >= count:
            enough.set()
            return
        await asyncio.sleep(0.05)


async def outbox_paid(container: Container, base_url: str, window: int) -> tuple[float, int, int]:
    """Send every queued message at 1,000/s; return rate, sent and 429s."""
    bot = make_bot(base_url)
    sender = OutboxSender(
        container.database,
        {"telegram": channel_sender(bot, paid_broadcast=True)},
        clock=now,
        rates={"telegram": 1000.0},
        window=window,
    )
    start = time.perf_counter()
    stats = await sender.drain()
    elapsed = time.perf_counter() - start
    await bot.session.close()
    async with container.engine.connect() as conn:
        durable = int(
            await conn.scalar(sa.select(sa.func.count()).where(t.outbox.c.status == "sent")) or 0
        )
    assert durable == stats.sent, (durable, stats.sent)
    return stats.sent / elapsed, stats.sent, stats.rate_limited


async def bare_loop(
    base_url: str, chats: list[int], text: str, markup: object
) -> tuple[float, int]:
    """The baseline: aiogram send_message paced at 1,000/s, 100 in flight, no database.

    A message refused with a 429 is not retried (a bare loop would lose it) and not counted.
    """
    bot = make_bot(base_url)
    pacer = Pacer(1000.0)
    loop = asyncio.get_running_loop()
    queue = list(reversed(chats))
    limited = 0

    async def worker() -> None:
        nonlocal limited
        while queue:
            chat = queue.pop()
            await asyncio.sleep(pacer.reserve(loop.time()))
            try:
                await bot.send_message(
                    chat_id=chat, text=text, reply_markup=markup, allow_paid_broadcast=True
                )
            except TelegramRetryAfter:
                limited += 1

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(100)))
    elapsed = time.perf_counter() - start
    await bot.session.close()
    return (len(chats) - limited) / elapsed, limited  # delivered messages only


# -- main ---------------------------------------------------------------------------------------


async def run(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite+aiosqlite:///{tmp}/bench.db"
        settings = Settings(
            database_url=url, secret_key="bench-" * 8, data_dir=Path(tmp),
            _env_file=None,  # type: ignore[call-arg]
        )  # fmt: skip
        container = bootstrap(settings, clock=now)
        try:
            round_id, queued = await prepare(container, args.residents, 1_000_000)
            print(f"database: {url.split('://')[0]}; {args.residents} residents")
            print(f"OpenRound queued {args.residents} prompts in {queued:.2f} s")
            async with container.engine.connect() as conn:
                payload = (await conn.execute(sa.select(t.outbox.c.payload).limit(1))).scalar()
            from core.outbox import load_message

            reply = load_message(payload).replies[0]
            with fake_api() as base_url:
                assert isinstance(base_url, str)
                rates25, limited25 = [], 0
                for n in range(args.runs):
                    await requeue(container)
                    await shift_chats(container, args.residents)
                    rate, limited = await outbox_window(container, base_url, args.window_25)
                    rates25.append(rate)
                    limited25 += limited
                    print(f"  25/s run {n + 1}: {rate:.2f} msg/s, 429s: {limited}", flush=True)
                ours, bare, limited_paid, limited_bare = [], [], 0, 0
                for n in range(args.runs):
                    await requeue(container)
                    await shift_chats(container, args.residents)
                    async with container.engine.connect() as conn:
                        chats = [
                            int(a) for a in await conn.scalars(sa.select(t.contacts.c.address))
                        ]
                    rate_bare, lim_b = await bare_loop(
                        base_url, [ch + 50 * args.residents for ch in chats], reply.text,
                        keyboard(reply),
                    )  # fmt: skip
                    rate_ours, sent, lim_o = await outbox_paid(container, base_url, args.window)
                    assert sent == args.residents
                    bare.append(rate_bare)
                    ours.append(rate_ours)
                    limited_paid += lim_o
                    limited_bare += lim_b
                    print(
                        f"  paid run {n + 1}: outbox {rate_ours:.0f} msg/s, "
                        f"bare aiogram loop {rate_bare:.0f} msg/s",
                        flush=True,
                    )
            m25 = statistics.median(rates25)
            print()
            print(
                f"25/s, a window of {args.window_25} of {args.residents} messages "
                f"(median of {args.runs}): achieved {m25:.2f} msg/s = {m25 / 25:.3f} x configured "
                f"(target >= 0.95); 429s: {limited25} (target 0)"
            )
            mo, mb = statistics.median(ours), statistics.median(bare)
            print(
                f"1,000/s paid broadcast, all {args.residents} messages, statuses written "
                f"(median of {args.runs}): outbox {mo:.0f} msg/s, bare aiogram loop {mb:.0f} "
                f"msg/s = {mo / mb:.3f} x baseline (target >= 0.8); 429s: outbox {limited_paid}, "
                f"bare {limited_bare}"
            )
            del round_id
        finally:
            await container.close()


def main() -> None:
    if "--serve-fake" in sys.argv:
        serve_fake()
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--residents", type=int, default=10_000)
    parser.add_argument("--window-25", type=int, default=2_000, help="messages measured at 25/s")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--window", type=int, default=100, help="outbox in-flight window")
    parser.add_argument("--database-url", default=None)
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
