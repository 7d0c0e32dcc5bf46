"""The systems bench/telegram_inbound.py measures, each run in a process of its own.

* ``calls``: a bare aiogram bot that makes the Bot API calls inspraak makes and stores nothing:
  a typed message gets one message with buttons back; a press is answered (the spinner stops),
  the question is edited to show the answer, and the next question is sent with buttons.
  That is the baseline: the most any bot that behaves as inspraak does can reach here.
* ``echo``: a bare aiogram bot that answers every message with its text (one call).
* ``inspraak``: the real channel (``TelegramChannel``) over the demo project, on SQLite or, with
  a database URL, on PostgreSQL; in webhook mode through ``build_app`` and uvicorn.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import time
from collections.abc import AsyncIterator, Iterator
from multiprocessing.connection import Connection
from pathlib import Path

import uvicorn
from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.methods import AnswerCallbackQuery
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web

from bots.telegram.channel import TelegramChannel
from config.settings import Settings
from core.storage.db import create_all
from inspraak.bootstrap import bootstrap, load_demo_if_empty
from inspraak.cli import run_loop
from inspraak.server import build_app

TOKEN = "5151:BENCH-token"
SECRET = "bench-webhook-secret"
KEY = "bench-secret-key-that-is-long-enough-0123456789"

NEXT = InlineKeyboardMarkup(
    inline_keyboard=[
        [InlineKeyboardButton(text=str(n), callback_data=f"rt:{n}") for n in range(1, 6)],
        [InlineKeyboardButton(text=str(n), callback_data=f"rt:{n}") for n in range(6, 11)],
    ]
)


@contextlib.asynccontextmanager
async def bare_bot(
    api_base: str, mode: str, same_calls: bool = False
) -> AsyncIterator[str | None]:
    """aiogram with one handler per update type and nothing else: the baselines.

    ``same_calls``: a typed message gets a question with buttons; a press is answered, the
    question edited and the next question sent, as inspraak does (through a webhook the
    answer to the press rides on the webhook's response, as inspraak's does). Without it the
    bot echoes every message's text.
    """
    dispatcher = Dispatcher()

    @dispatcher.message()
    async def echo(message: Message) -> None:
        await message.answer(message.text or "?", reply_markup=NEXT if same_calls else None)

    @dispatcher.callback_query()
    async def pressed(query: CallbackQuery, bot: Bot) -> AnswerCallbackQuery | None:
        if mode != "webhook":
            await query.answer()
        if isinstance(query.message, Message):
            await query.message.edit_text(f"{query.message.text}\n\n✓ {query.data}")
        await bot.send_message(query.from_user.id, "Volgende vraag?", reply_markup=NEXT)
        return query.answer() if mode == "webhook" else None

    bot = Bot(TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(api_base)))
    if mode == "polling":
        task = asyncio.create_task(
            dispatcher.start_polling(bot, handle_signals=False, polling_timeout=5)
        )
        await asyncio.sleep(0.1)
        try:
            yield None
        finally:
            await dispatcher.stop_polling()
            await task
        return
    app = web.Application()
    SimpleRequestHandler(
        dispatcher, bot, secret_token=SECRET, handle_in_background=False
    ).register(app, path="/webhook")
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}/webhook"
    finally:
        await runner.cleanup()
        await bot.session.close()


@contextlib.asynccontextmanager
async def inspraak(
    api_base: str, mode: str, folder: Path, database_url: str | None = None
) -> AsyncIterator[str | None]:
    """The real channel over the demo project; webhook mode through ``build_app`` + uvicorn.

    ``database_url``: a PostgreSQL URL (emptied first); None: SQLite in ``folder``.
    """
    url = database_url or f"sqlite+aiosqlite:///{folder}/b.db"
    settings = Settings(
        database_url=url,
        secret_key=KEY,
        data_dir=folder,
        _env_file=None,  # type: ignore[call-arg]
    )
    container = bootstrap(settings)
    if url.startswith("postgresql"):
        from tests.conftest import _reset_postgres

        await _reset_postgres(url)
    await create_all(container.engine)
    await load_demo_if_empty(container)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    base = f"http://127.0.0.1:{sock.getsockname()[1]}"
    channel = TelegramChannel(
        container.conversations,
        secret_key=KEY,
        token=TOKEN,
        api_base=api_base,
        mode=mode,
        webhook_secret=SECRET,
        public_url=base,
        polling_timeout=5,
    )
    container.channels["telegram"] = channel
    if mode == "polling":
        await container.similar_ideas.preload()  # as `inspraak serve` does at start
        await channel.start()
        await channel.wait_ready()
        try:
            yield None
        finally:
            await channel.stop()
            await container.close()
            sock.close()
        return
    settings.telegram_mode = "webhook"
    app = build_app(container, warm_encoder=True)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    await channel.wait_ready()
    while not server.started:  # noqa: ASYNC110 - uvicorn offers no event to await
        await asyncio.sleep(0.01)
    try:
        yield f"{base}/webhook/telegram"
    finally:
        server.should_exit = True
        await task
        sock.close()


@contextlib.contextmanager
def profiled(system: str) -> Iterator[None]:
    """With ``INSPRAAK_BENCH_PROFILE=FOLDER``: profile the system while it serves the load
    (pyinstrument when installed, else or with ``INSPRAAK_BENCH_PROFILER=cprofile``
    cProfile) into FOLDER/<system>-<pid>.(html|txt|prof)."""
    folder = os.environ.get("INSPRAAK_BENCH_PROFILE")
    if not folder:
        yield
        return
    stem = Path(folder) / f"{system}-{os.getpid()}"
    try:
        if os.environ.get("INSPRAAK_BENCH_PROFILER") == "cprofile":
            raise ImportError("cProfile asked for")
        from pyinstrument import Profiler
    except ImportError:
        import cProfile

        with cProfile.Profile() as profile:
            yield
        profile.dump_stats(f"{stem}.prof")
        return
    profiler = Profiler(interval=0.0005, async_mode="disabled")
    with profiler:
        yield
    Path(f"{stem}.txt").write_text(profiler.output_text(show_all=False))
    Path(f"{stem}.html").write_text(profiler.output_html())


def serve_system(
    pipe: Connection,
    system: str,
    mode: str,
    api_base: str,
    folder: str,
    loop: str,
    cpu: int | None = None,
    database_url: str | None = None,
) -> None:
    """The system under test, in its own process (Telegram's servers are not in ours either):
    pin it to ``cpu`` (None: anywhere), start, report the webhook URL (None: polling), serve
    the warm-up, then the timed load until told to stop, and report the CPU time the timed
    part used."""
    logging.disable(logging.WARNING)
    if cpu is not None:
        os.sched_setaffinity(0, {cpu})

    async def serve() -> None:
        if system == "inspraak":
            running = inspraak(api_base, mode, Path(folder), database_url)
        else:
            running = bare_bot(api_base, mode, same_calls=system == "calls")
        loop = asyncio.get_running_loop()
        async with running as webhook_url:
            pipe.send(webhook_url)
            await loop.run_in_executor(None, pipe.recv)  # warmed up: the timed part begins
            used = time.process_time()
            with profiled(system):
                await loop.run_in_executor(None, pipe.recv)
            used = time.process_time() - used
        pipe.send(used)

    run_loop(serve(), loop)
