"""Benchmark the Telegram channel: resident actions per second and latency update → reply.

Run from the repository root: ``python bench/telegram_inbound.py [--runs 3] [--residents 40]``.

Everything runs in this process on loopback: the fake Bot API (tests/fakes/telegram_api.py),
the channel with real aiogram, SQLite (or PostgreSQL with ``INSPRAAK_BENCH_POSTGRES_URL``).
Each resident goes through the demo project (join, profile, an idea, twelve ratings, five
statements, a score: 25 actions, each answered with the next question). In the same run a bare
aiogram echo bot (it answers every message with its text) is measured the same way, so the
ratio inspraak / bare is measured side by side.

Two measurements per mode, each the median of ``--runs`` runs:

* throughput: all residents act as fast as replies come (closed loop);
* latency at a fixed offered load (``--rate``, default 200 actions/s): p50 and p99 from the
  moment the update is handed to Telegram (queued for getUpdates, or POSTed to the webhook)
  until the reply that carries the next question reaches the Bot API.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib.util
import logging
import multiprocessing
import os
import socket
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import uvicorn  # noqa: E402
from aiogram import Bot, Dispatcher  # noqa: E402
from aiogram.client.session.aiohttp import AiohttpSession  # noqa: E402
from aiogram.client.telegram import TelegramAPIServer  # noqa: E402
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message  # noqa: E402
from aiogram.webhook.aiohttp_server import SimpleRequestHandler  # noqa: E402
from aiohttp import web  # noqa: E402

from bench.figures import percentile  # noqa: E402
from bots.telegram.channel import TelegramChannel  # noqa: E402
from config.settings import Settings  # noqa: E402
from core.storage.db import create_all  # noqa: E402
from inspraak.bootstrap import bootstrap, load_demo_if_empty  # noqa: E402
from inspraak.cli import run_loop  # noqa: E402
from inspraak.server import build_app  # noqa: E402
from tests.fakes.telegram_api import BotCall, FakeBotAPI  # noqa: E402

LOOP = "uvloop" if importlib.util.find_spec("uvloop") else "asyncio"  # --loop changes it
TOKEN = "5151:BENCH-token"
SECRET = "bench-webhook-secret"
KEY = "bench-secret-key-that-is-long-enough-0123456789"


# -- a resident -------------------------------------------------------------------------------
def inspraak_script() -> list[tuple[str, str]]:
    """The 25 actions: ("text", words) or ("press", data prefix) of the demo project."""
    steps = [("text", "/start DEMO"), ("press", "consent:yes"), ("text", "5043")]
    steps += [("press", "age:30-44"), ("text", "Meer bankjes in het park"), ("press", "send")]
    steps += [("press", "done")] + [("press", "rt:4")] * 12 + [("press", "st:a")] * 5
    steps += [("press", "fb:8")]
    return steps


def choose(keyboard: list[list[dict[str, str]]], want: str) -> str:
    """The button whose data fits ``want`` (``rt:4``: any rating of 4, ``send``: idea:*:send)."""
    datas = [button["callback_data"] for row in keyboard for button in row]
    kind, _, value = want.partition(":")
    for data in datas:
        parts = data.split(":")
        if want in ("send", "done") and parts[0] == "idea" and parts[-1] == want:
            return data
        if parts[0] == kind and parts[-1] == value:
            return data
        if data == want:
            return data
    raise LookupError(f"no button for {want} in {datas}")


def offers_only(markup: dict[str, Any]) -> bool:
    """Only "How do others think?" (after a finished round): an offer, not the next question."""
    datas = [button["callback_data"] for row in markup["inline_keyboard"] for button in row]
    return all(data.startswith("others:") for data in datas)


@dataclass
class Replies:
    """Watches the fake's call log: the reply that ends an action, per chat."""

    needs_buttons: bool
    waiting: dict[int, asyncio.Future[float]] = field(default_factory=dict)
    keyboards: dict[int, list[list[dict[str, str]]]] = field(default_factory=dict)

    def hook(self, api: FakeBotAPI) -> None:
        append = api.log.append

        def on_call(call: BotCall) -> None:
            append(call)
            if call.method != "sendMessage" or not call.ok:
                return
            chat = int(call.params["chat_id"])
            markup = call.params.get("reply_markup")
            if self.needs_buttons and (not markup or offers_only(markup)):
                return
            if markup:
                self.keyboards[chat] = markup["inline_keyboard"]
            future = self.waiting.pop(chat, None)
            if future is not None and not future.done():
                future.set_result(time.perf_counter())

        api.log.append = on_call  # type: ignore[method-assign]

    def expect(self, chat: int) -> asyncio.Future[float]:
        future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self.waiting[chat] = future
        return future


# -- the systems under test -------------------------------------------------------------------
Deliver = Callable[[dict[str, Any]], Any]


NEXT = InlineKeyboardMarkup(
    inline_keyboard=[[InlineKeyboardButton(text=str(n), callback_data=f"rt:{n}") for n in (3, 4)]]
)


@contextlib.asynccontextmanager
async def bare_bot(
    api_base: str, mode: str, same_calls: bool = False
) -> AsyncIterator[str | None]:
    """aiogram with one handler that echoes the text: the baseline.

    ``same_calls``: a bare bot that makes the Bot API calls a press costs inspraak (answer the
    press, edit the question, send the next one with buttons) and nothing else: the most any
    bot that behaves as the issue asks can do here.
    """
    dispatcher = Dispatcher()

    @dispatcher.message()
    async def echo(message: Message) -> None:
        await message.answer(message.text or "?", reply_markup=NEXT if same_calls else None)

    @dispatcher.callback_query()
    async def pressed(query: CallbackQuery, bot: Bot) -> None:
        await query.answer()
        if isinstance(query.message, Message):
            await query.message.edit_text(f"{query.message.text}\n✓ {query.data}")
        await bot.send_message(query.from_user.id, "Volgende vraag?", reply_markup=NEXT)

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
async def inspraak(api_base: str, mode: str, folder: Path) -> AsyncIterator[str | None]:
    """The real channel over the demo project; webhook mode through ``build_app`` + uvicorn."""
    url = os.environ.get("INSPRAAK_BENCH_POSTGRES_URL") or f"sqlite+aiosqlite:///{folder}/b.db"
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
    server = uvicorn.Server(uvicorn.Config(build_app(container), log_level="warning"))
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


# -- the load ---------------------------------------------------------------------------------
@dataclass
class Result:
    actions: int
    seconds: float
    latencies: list[float]
    system_cpu: float = 0.0  # CPU seconds the system under test used
    driver_cpu: float = 0.0  # CPU seconds of the fake Bot API and the residents

    @property
    def cpu_per_action(self) -> float:
        """Milliseconds of the system's CPU per resident action."""
        return self.system_cpu / self.actions * 1000

    @property
    def rate(self) -> float:
        return self.actions / self.seconds

    def percentile(self, p: float) -> float:
        """The ``p`` quantile (0.5, 0.99) of the latencies, in milliseconds."""
        return percentile(self.latencies, round(p * 100)) * 1000


def serve_system(
    pipe: Connection, system: str, mode: str, api_base: str, folder: str, loop: str
) -> None:
    """The system under test, in its own process (Telegram's servers are not in ours either):
    start, report the webhook URL (None: polling), serve until told to stop, report CPU time."""
    logging.disable(logging.WARNING)

    async def serve() -> None:
        if system == "inspraak":
            running = inspraak(api_base, mode, Path(folder))
        else:
            running = bare_bot(api_base, mode, same_calls=system == "calls")
        async with running as webhook_url:
            pipe.send(webhook_url)
            cpu = time.process_time()
            await asyncio.get_running_loop().run_in_executor(None, pipe.recv)
            cpu = time.process_time() - cpu
        pipe.send(cpu)

    run_loop(serve(), loop)


async def run_once(system: str, mode: str, residents: int, rate: float | None) -> Result:
    """One run with a fresh fake and database; ``rate=None``: as fast as possible.

    The fake Bot API and the residents run in this process, the system under test in another.
    """
    logging.disable(logging.WARNING)
    loop = asyncio.get_running_loop()
    context = multiprocessing.get_context("spawn")
    async with FakeBotAPI(bots={TOKEN: "bench_bot"}, record_calls=False) as api:
        replies = Replies(needs_buttons=system != "bare")
        replies.hook(api)
        with tempfile.TemporaryDirectory() as tmp:
            ours, theirs = context.Pipe()
            args = (theirs, system, mode, api.base_url, tmp, LOOP)
            process = context.Process(target=serve_system, args=args, daemon=True)
            process.start()
            try:
                webhook_url = await loop.run_in_executor(None, ours.recv)

                def deliver(update: dict[str, Any]) -> Any:
                    if webhook_url is None:
                        return api.push_update(TOKEN, update)
                    return api.deliver_webhook(webhook_url, update, SECRET, token=TOKEN)

                cpu = time.process_time()
                result = await drive(api, deliver, replies, system, residents, rate)
                result.driver_cpu = time.process_time() - cpu
                ours.send("stop")
                result.system_cpu = await loop.run_in_executor(None, ours.recv)
            finally:
                await loop.run_in_executor(None, process.join, 30)
                if process.is_alive():
                    process.kill()
            return result


async def drive(
    api: FakeBotAPI,
    deliver: Deliver,
    replies: Replies,
    system: str,
    residents: int,
    rate: float | None,
) -> Result:
    script = inspraak_script()
    latencies: list[float] = []
    pacer = Pacer(rate)

    async def resident(user_id: int) -> None:
        for kind, what in script:
            await pacer.turn()
            if system == "bare":
                update = api.message_update(user_id, f"echo {what}", token=TOKEN)
            elif system == "calls":  # the same calls as inspraak: a press after the first text
                if user_id in replies.keyboards:
                    data = replies.keyboards[user_id][0][1]["callback_data"]
                    update = api.callback_update(user_id, data, token=TOKEN)
                else:
                    update = api.message_update(user_id, "start", token=TOKEN)
            elif kind == "text" and what.startswith("/"):
                update = api.command(user_id, what, token=TOKEN)
            elif kind == "text":
                update = api.message_update(user_id, what, token=TOKEN)
            else:
                data = choose(replies.keyboards[user_id], what)
                update = api.callback_update(user_id, data, token=TOKEN)
            done = replies.expect(user_id)
            started = time.perf_counter()
            result = deliver(update)
            if asyncio.iscoroutine(result):
                await result
            latencies.append(await asyncio.wait_for(done, 30) - started)

    started = time.perf_counter()
    await asyncio.gather(*(resident(1_000 + n) for n in range(residents)))
    return Result(len(latencies), time.perf_counter() - started, latencies)


class Pacer:
    """Lets actions start at a fixed rate overall (None: no pacing)."""

    def __init__(self, rate: float | None) -> None:
        self.interval = 1 / rate if rate else 0.0
        self.next = 0.0

    async def turn(self) -> None:
        if not self.interval:
            return
        now = time.perf_counter()
        self.next = max(self.next + self.interval, now) if self.next else now
        await asyncio.sleep(self.next - now)


# -- the report -------------------------------------------------------------------------------
def median_result(results: list[Result]) -> tuple[float, float, float, float, float]:
    return (
        statistics.median(r.rate for r in results),
        statistics.median(r.percentile(0.50) for r in results),
        statistics.median(r.percentile(0.99) for r in results),
        statistics.median(r.cpu_per_action for r in results),
        statistics.median(r.driver_cpu / r.seconds for r in results),
    )


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--residents", type=int, default=20, help="for the throughput runs")
    parser.add_argument("--rate", type=float, default=200.0, help="offered actions/s")
    parser.add_argument("--paced-residents", type=int, default=40)
    parser.add_argument(
        "--loop",
        choices=("uvloop", "asyncio"),
        default=LOOP,
        help="the event loop of both systems (default: uvloop when installed, as `serve` uses)",
    )
    return parser.parse_args()


async def main(args: argparse.Namespace) -> None:
    database = "PostgreSQL" if os.environ.get("INSPRAAK_BENCH_POSTGRES_URL") else "SQLite"
    print(
        f"median of {args.runs} runs; {database}; event loop: {LOOP}; "
        f"{args.residents} residents x 25 actions flat out, then {args.paced_residents} "
        f"residents at {args.rate:.0f} actions/s; the system under test in its own process"
    )
    head = f"{'system':<18}{'actions/s':>10}{'p50 ms':>8}{'p99 ms':>8}{'CPU ms/act':>11}"
    print(f"{head}{'fake CPU':>9}  at {args.rate:.0f}/s:{'p50 ms':>7}{'p99 ms':>8}{'achieved':>9}")
    throughput: dict[str, float] = {}
    cpu: dict[str, float] = {}
    for mode in ("polling", "webhook"):
        for system in ("bare", "calls", "inspraak"):
            flat = [await run_once(system, mode, args.residents, None) for _ in range(args.runs)]
            paced = [
                await run_once(system, mode, args.paced_residents, args.rate)
                for _ in range(args.runs)
            ]
            rate, p50, p99, per_action, fake = median_result(flat)
            paced_rate, paced_p50, paced_p99, _, _ = median_result(paced)
            throughput[f"{system}-{mode}"] = rate
            cpu[f"{system}-{mode}"] = per_action
            name = {"calls": "same calls"}.get(system, system) + " " + mode
            row = f"{name:<18}{rate:>10.0f}{p50:>8.1f}{p99:>8.1f}{per_action:>11.2f}"
            paced_row = f"{paced_p50:>7.1f}{paced_p99:>8.1f}{paced_rate:>9.0f}"
            print(f"{row}{fake:>9.0%}  {'':>9}{paced_row}")
    for mode in ("polling", "webhook"):
        ratio = throughput[f"inspraak-{mode}"] / throughput[f"bare-{mode}"]
        cpu_ratio = cpu[f"bare-{mode}"] / cpu[f"inspraak-{mode}"]
        bound = throughput[f"calls-{mode}"] / throughput[f"bare-{mode}"]
        print(f"ratio inspraak / bare aiogram, {mode}: throughput {ratio:.2f} (target >= 0.5), "
              f"CPU per action {cpu_ratio:.2f}")  # fmt: skip
        print(
            f"  a bare aiogram bot making inspraak's calls per press: {bound:.2f} of the echo bot"
        )
    print("fake CPU: share of one core the fake Bot API and the residents used (near 100%: the")
    print("fake, not the system, set the pace)")


if __name__ == "__main__":
    ARGS = parse_args()
    LOOP = ARGS.loop
    run_loop(main(ARGS), LOOP)
