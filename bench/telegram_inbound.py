"""Benchmark the Telegram channel: resident steps per second and latency update → reply.

Run from the repository root: ``python bench/telegram_inbound.py [--runs 3] [--modes polling]``.

The fake Bot API (tests/fakes/telegram_api.py) and the simulated residents run in this process;
the system under test runs in a process of its own, pinned to one core (this process takes the
others), as a bot and Telegram's servers are apart in real life. Each resident goes through the
demo project: join, consent, postcode, age, an idea, twelve ratings, five statements and a
score: 25 steps, 3 typed and 22 button presses, each answered with the next question.

The baseline, measured side by side: a bare aiogram bot that makes the same Bot API calls per
step (a typed message gets a question with buttons; a press is answered, the question edited
to show the answer, the next question sent) and stores nothing (bench/telegram_systems.py).
With ``INSPRAAK_BENCH_POSTGRES_URL`` inspraak runs on SQLite and on PostgreSQL in the same
invocation. The systems take turns within every run (interleaved), so a busy moment of the
machine falls on all of them; the figures are medians of ``--runs`` runs:

* throughput: ``--residents`` residents step as fast as replies come (closed loop): steps/s;
* latency at a fixed offered load (``--rate``, default 100 steps/s): p50 and p99 from the
  moment the update is handed to Telegram (queued for getUpdates, or POSTed to the webhook)
  until the reply that carries the next question reaches the Bot API.

Targets (issue 19): inspraak at least 0.8 of the bare bot's steps/s, p99 under 50 ms at 100
steps/s; on PostgreSQL at least 0.9 of the SQLite figure and p99 under 100 ms at 100 steps/s.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import logging
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.figures import percentile  # noqa: E402
from bench.telegram_systems import SECRET, TOKEN, bare_bot, inspraak, serve_system  # noqa: E402
from inspraak.cli import run_loop  # noqa: E402
from tests.fakes.demo_walk import DEMO_ACTIONS, choose  # noqa: E402
from tests.fakes.telegram_api import BotCall, FakeBotAPI  # noqa: E402

__all__ = ["bare_bot", "choose", "inspraak"]

LOOP = "uvloop" if importlib.util.find_spec("uvloop") else "asyncio"  # --loop changes it
STEP_CALLS = {"sendMessage", "editMessageText", "editMessageReplyMarkup", "answerCallbackQuery"}
TARGET_RATIO, TARGET_P99_MS = 0.8, 50.0
TARGET_PG_RATIO, TARGET_PG_P99_MS = 0.9, 100.0


# -- a resident -------------------------------------------------------------------------------
def offers_only(markup: dict[str, Any]) -> bool:
    """Only "How do others think?" (after a finished round): an offer, not the next question."""
    datas = [button["callback_data"] for row in markup["inline_keyboard"] for button in row]
    return all(data.startswith("others:") for data in datas)


@dataclass
class Replies:
    """Watches the fake's call log: the reply that ends a step, per chat."""

    needs_buttons: bool
    waiting: dict[int, asyncio.Future[float]] = field(default_factory=dict)
    keyboards: dict[int, list[list[dict[str, str]]]] = field(default_factory=dict)
    questions: dict[int, int] = field(default_factory=dict)  # chat → message id with buttons

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
                self.questions[chat] = int(call.result["message_id"])
            future = self.waiting.pop(chat, None)
            if future is not None and not future.done():
                future.set_result(time.perf_counter())

        api.log.append = on_call  # type: ignore[method-assign]

    def expect(self, chat: int) -> asyncio.Future[float]:
        future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self.waiting[chat] = future
        return future


# -- the load ---------------------------------------------------------------------------------
Deliver = Callable[[dict[str, Any]], Any]


@dataclass(frozen=True)
class System:
    name: str  # as printed
    kind: str  # "calls", "echo" or "inspraak" (bench/telegram_systems.py)
    database_url: str | None = None  # inspraak on PostgreSQL; None: SQLite


@dataclass
class Result:
    actions: int
    seconds: float
    latencies: list[float]
    system_cpu: float = 0.0  # CPU seconds the system under test used
    driver_cpu: float = 0.0  # CPU seconds of the fake Bot API and the residents
    calls: int = 0  # Bot API calls the system made for the steps

    @property
    def cpu_per_action(self) -> float:
        """Milliseconds of the system's CPU per resident step."""
        return self.system_cpu / self.actions * 1000

    @property
    def rate(self) -> float:
        return self.actions / self.seconds

    def percentile(self, p: float) -> float:
        """The ``p`` quantile (0.5, 0.99) of the latencies, in milliseconds."""
        return percentile(self.latencies, round(p * 100)) * 1000


def pin(cpus: set[int]) -> None:
    """Run this process on ``cpus`` (ignored where affinity cannot be set)."""
    if hasattr(os, "sched_setaffinity") and cpus:
        os.sched_setaffinity(0, cpus)


async def run_once(
    system: System,
    mode: str,
    residents: int,
    rate: float | None,
    cpu: int | None,
    warm: int = 3,
) -> Result:
    """One run with a fresh fake and database; ``rate=None``: as fast as possible.

    ``warm`` residents go through the script first, untimed: the first ideas load the
    similar-ideas encoder, as on a server that has been up for a while.
    """
    logging.disable(logging.WARNING)
    loop = asyncio.get_running_loop()
    context = multiprocessing.get_context("spawn")
    async with FakeBotAPI(bots={TOKEN: "bench_bot"}, record_calls=False) as api:
        replies = Replies(needs_buttons=system.kind != "echo")
        replies.hook(api)
        with tempfile.TemporaryDirectory() as tmp:
            ours, theirs = context.Pipe()
            args = (theirs, system.kind, mode, api.base_url, tmp, LOOP, cpu, system.database_url)
            process = context.Process(target=serve_system, args=args, daemon=True)
            process.start()
            try:
                webhook_url = await loop.run_in_executor(None, ours.recv)

                def deliver(update: dict[str, Any]) -> Any:
                    if webhook_url is None:
                        return api.push_update(TOKEN, update)
                    return api.deliver_webhook(webhook_url, update, SECRET, token=TOKEN)

                if warm:  # as on a server that has been up a while (the encoder loaded)
                    await drive(api, deliver, replies, system.kind, warm, None, first=900)
                ours.send("go")
                calls = sum(api.stats.by_method[m] for m in STEP_CALLS)
                used = time.process_time()
                result = await drive(api, deliver, replies, system.kind, residents, rate)
                result.driver_cpu = time.process_time() - used
                result.calls = sum(api.stats.by_method[m] for m in STEP_CALLS) - calls
                ours.send("stop")
                result.system_cpu = await loop.run_in_executor(None, ours.recv)
            finally:
                await loop.run_in_executor(None, process.join, 30)
                if process.is_alive():
                    process.kill()
            return result


def next_update(
    api: FakeBotAPI, replies: Replies, kind: str, user_id: int, step: tuple[str, str]
) -> dict[str, Any]:
    """The update of one resident step for a system of ``kind``."""
    what, words = step
    if kind == "echo":
        return api.message_update(user_id, f"echo {words}", token=TOKEN)
    if what == "text" and words.startswith("/"):
        return api.command(user_id, words, token=TOKEN)
    if what == "text":
        return api.message_update(user_id, words, token=TOKEN)
    keyboard = replies.keyboards[user_id]
    data = (
        keyboard[0][0]["callback_data"]
        if kind == "calls"
        else choose([b["callback_data"] for row in keyboard for b in row], words)
    )
    message_id = replies.questions[user_id]
    return api.callback_update(user_id, data, message_id, token=TOKEN)


async def drive(
    api: FakeBotAPI,
    deliver: Deliver,
    replies: Replies,
    kind: str,
    residents: int,
    rate: float | None,
    first: int = 1_000,
) -> Result:
    """``residents`` residents (user ids from ``first`` on) each go through the script."""
    script = list(DEMO_ACTIONS)
    latencies: list[float] = []
    pacer = Pacer(rate)

    async def resident(user_id: int) -> None:
        for step in script:
            await pacer.turn()
            update = next_update(api, replies, kind, user_id, step)
            done = replies.expect(user_id)
            started = time.perf_counter()
            result = deliver(update)
            if asyncio.iscoroutine(result):
                await result
            latencies.append(await asyncio.wait_for(done, 30) - started)

    started = time.perf_counter()
    await asyncio.gather(*(resident(first + n) for n in range(residents)))
    return Result(len(latencies), time.perf_counter() - started, latencies)


class Pacer:
    """Lets steps start at a fixed rate overall (None: no pacing)."""

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
@dataclass
class Figures:
    """The medians of one system's runs in one mode."""

    flat: list[Result] = field(default_factory=list)
    paced: list[Result] = field(default_factory=list)

    @staticmethod
    def _median(results: list[Result], figure: Callable[[Result], float]) -> float:
        return statistics.median(figure(r) for r in results)

    @property
    def rate(self) -> float:
        return self._median(self.flat, lambda r: r.rate)

    @property
    def paced_p99(self) -> float:
        return self._median(self.paced, lambda r: r.percentile(0.99))

    def row(self, name: str) -> str:
        m = self._median
        flat = (
            f"{name:<22}{self.rate:>8.0f}{m(self.flat, lambda r: r.percentile(0.5)):>8.1f}"
            f"{m(self.flat, lambda r: r.percentile(0.99)):>8.1f}"
            f"{m(self.flat, lambda r: r.cpu_per_action):>8.2f}"
            f"{m(self.flat, lambda r: r.calls / r.actions):>7.2f}"
            f"{m(self.flat, lambda r: r.driver_cpu / r.seconds):>7.0%}"
        )
        paced = (
            f"{m(self.paced, lambda r: r.percentile(0.5)):>8.1f}{self.paced_p99:>8.1f}"
            f"{m(self.paced, lambda r: r.rate):>7.0f}"
        )
        runs = " ".join(f"{r.rate:.0f}" for r in self.flat)
        return f"{flat}   {paced}   [{runs}]"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--residents", type=int, default=20, help="for the throughput runs")
    parser.add_argument("--rate", type=float, default=100.0, help="offered steps/s")
    parser.add_argument("--paced-residents", type=int, default=40)
    parser.add_argument("--modes", nargs="+", default=["polling", "webhook"])
    parser.add_argument("--echo", action="store_true", help="also measure an echo bot")
    parser.add_argument("--no-pin", action="store_true", help="let the systems run anywhere")
    parser.add_argument(
        "--loop",
        choices=("uvloop", "asyncio"),
        default=LOOP,
        help="the event loop of both systems (default: uvloop when installed, as `serve` uses)",
    )
    return parser.parse_args()


def systems(echo: bool) -> list[System]:
    chosen = [System("bare, same calls", "calls"), System("inspraak SQLite", "inspraak")]
    postgres = os.environ.get("INSPRAAK_BENCH_POSTGRES_URL")
    if postgres:
        chosen.append(System("inspraak PostgreSQL", "inspraak", postgres))
    if echo:
        chosen.insert(0, System("bare echo", "echo"))
    return chosen


def report(mode: str, figures: dict[str, Figures]) -> None:
    """Print the ratios and targets of one mode."""
    calls = figures["bare, same calls"]
    sqlite = figures["inspraak SQLite"]
    ratio = sqlite.rate / calls.rate
    print(
        f"{mode}: inspraak / bare bot making the same calls: {ratio:.2f} (target >= "
        f"{TARGET_RATIO}); p99 at the offered load {sqlite.paced_p99:.1f} ms (target < "
        f"{TARGET_P99_MS:.0f})"
    )
    postgres = figures.get("inspraak PostgreSQL")
    if postgres is not None:
        print(
            f"{mode}: PostgreSQL / SQLite: {postgres.rate / sqlite.rate:.2f} (target >= "
            f"{TARGET_PG_RATIO}); p99 at the offered load {postgres.paced_p99:.1f} ms "
            f"(target < {TARGET_PG_P99_MS:.0f}); / bare bot {postgres.rate / calls.rate:.2f}"
        )


async def main(args: argparse.Namespace) -> None:
    cores = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
    cpu = None if args.no_pin or len(cores) < 2 else cores[-1]
    if cpu is not None:
        pin(set(cores) - {cpu})
    chosen = systems(args.echo)
    print(
        f"median of {args.runs} runs, systems interleaved; event loop: {LOOP}; the system under "
        f"test {'on core ' + str(cpu) if cpu is not None else 'unpinned'}, the fake Bot API and "
        f"the residents on the other core(s); {args.residents} residents x 25 steps flat out, "
        f"then {args.paced_residents} residents at {args.rate:.0f} steps/s; load average "
        f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )
    head = f"{'system':<22}{'steps/s':>8}{'p50 ms':>8}{'p99 ms':>8}{'CPU ms':>8}{'calls':>7}"
    print(f"{head}{'fake':>7}   {'p50 ms':>8}{'p99 ms':>8}{'steps/s':>7}   [runs]")
    print(f"{'':<22}{'flat out (closed loop)':^46}   {'at ' + str(int(args.rate)) + '/s':^23}")
    for mode in args.modes:
        figures = {system.name: Figures() for system in chosen}
        for _ in range(args.runs):
            for system in chosen:
                result = await run_once(system, mode, args.residents, None, cpu)
                figures[system.name].flat.append(result)
                paced = await run_once(system, mode, args.paced_residents, args.rate, cpu)
                figures[system.name].paced.append(paced)
        for system in chosen:
            print(figures[system.name].row(f"{system.name}, {mode}"))
        report(mode, figures)
    print(f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print("CPU ms: the system's CPU per step; calls: Bot API calls per step; fake: share of a")
    print("core the fake Bot API and the residents used (near 100%: the fake set the pace)")


if __name__ == "__main__":
    ARGS = parse_args()
    LOOP = ARGS.loop
    run_loop(main(ARGS), LOOP)
