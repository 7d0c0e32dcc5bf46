"""Benchmark the web chat: 50 residents at once through the real app on SQLite.

Run from the repository root: ``python bench/webchat.py [--runs 5] [--residents 50]``.

The system under test runs in its own process: the real app (``build_app``: FastAPI, the web
chat channel, the conversation service, SQLite in a temporary folder) under uvicorn on
loopback. The residents run in this process, each an HTTP client with its own cookie, and go
through the demo project as a browser with HTMX does: open ``/chat/DEMO`` (the greeting), then
consent, a postcode, an age band, an idea (typed, then sent), the end of the ideas round,
twelve ratings, five statements and a score: 25 steps, each a request whose answer holds the
next question. Before the timing, ``--warm`` residents go through once (the first ideas load
the similar-ideas encoder, templates compile), as on a server that has been up for a while.

Two measurements, each the median of ``--runs`` runs on a fresh database:

* throughput: all residents at once, each as fast as its answers come (closed loop): steps per
  second, with the latency of a step (request to whole answer) at p50 and p99;
* latency: all residents at once, each reading and tapping between steps as people do (a pause
  drawn between ``--think`` low and high seconds, 1 to 3 by default): p50 and p99 of a step.
  The target is p99 < 100 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import html
import importlib.util
import logging
import multiprocessing
import random
import re
import socket
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx  # noqa: E402
import uvicorn  # noqa: E402

from bench.figures import percentile  # noqa: E402
from config.settings import Settings  # noqa: E402
from core.storage.db import create_all  # noqa: E402
from inspraak.bootstrap import bootstrap, load_demo_if_empty  # noqa: E402
from inspraak.cli import run_loop  # noqa: E402
from inspraak.server import build_app  # noqa: E402
from tests.fakes.demo_walk import DEMO_ACTIONS, choose  # noqa: E402

LOOP = "uvloop" if importlib.util.find_spec("uvloop") else "asyncio"
KEY = "bench-secret-key-that-is-long-enough-0123456789"
TARGET_P99_MS = 100.0
CHOICE = re.compile(r'name="choice" value="([^"]*)"')
CSRF = re.compile(r'name="csrf" value="([^"]*)"')


# -- the system under test, in its own process ------------------------------------------------
def serve_system(pipe: Connection, folder: str, loop: str) -> None:
    """Start the app on the demo project, report its address, serve until told to stop,
    then report the CPU seconds it used."""
    logging.disable(logging.WARNING)

    async def serve() -> None:
        settings = Settings(
            database_url=f"sqlite+aiosqlite:///{folder}/bench.db",
            secret_key=KEY,
            data_dir=Path(folder),
            _env_file=None,  # type: ignore[call-arg]
        )
        container = bootstrap(settings)
        await create_all(container.engine)
        await load_demo_if_empty(container)
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        app = build_app(container, scheduler=False, warm_encoder=True)
        server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
        task = asyncio.create_task(server.serve(sockets=[sock]))
        while not server.started:  # noqa: ASYNC110 - uvicorn offers no event to await
            await asyncio.sleep(0.01)
        pipe.send(f"http://127.0.0.1:{sock.getsockname()[1]}")
        cpu = time.process_time()
        await asyncio.get_running_loop().run_in_executor(None, pipe.recv)
        cpu = time.process_time() - cpu
        server.should_exit = True
        await task
        sock.close()
        pipe.send(cpu)

    run_loop(serve(), loop)


# -- the residents ----------------------------------------------------------------------------
@dataclass
class Result:
    steps: int
    seconds: float
    timed: list[tuple[str, float]] = field(default_factory=list)  # (step, seconds)
    system_cpu: float = 0.0

    @property
    def latencies(self) -> list[float]:
        return [seconds for _, seconds in self.timed]

    @property
    def rate(self) -> float:
        return self.steps / self.seconds

    def percentile(self, p: float) -> float:
        """The ``p`` quantile (0.5, 0.99) of the latencies, in milliseconds."""
        return percentile(self.latencies, round(p * 100)) * 1000


async def resident(
    base: str,
    latencies: list[tuple[str, float]],
    number: int,
    think: tuple[float, float] | None = None,
) -> int:
    """One resident through the demo project, pausing between steps when ``think`` gives a
    range of seconds; return the number of steps taken."""
    pause = random.Random(number)
    limits = httpx.Limits(max_connections=1)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as client:
        if think is not None:  # people arrive over the first seconds, not at one instant
            await asyncio.sleep(pause.uniform(*think))
        started = time.perf_counter()
        page = await client.get("/chat/DEMO")
        latencies.append(("greeting", time.perf_counter() - started))
        page.raise_for_status()
        csrf = CSRF.search(page.text)
        assert csrf, "no CSRF field on the chat page"
        answer = page.text
        for kind, value in DEMO_ACTIONS[1:]:
            if think is not None:
                await asyncio.sleep(pause.uniform(*think))
            data = {"csrf": csrf.group(1)}
            if kind == "text":
                data["text"] = f"{value} {number}" if "park" in value else value
            else:
                data["choice"] = choose([html.unescape(d) for d in CHOICE.findall(answer)], value)
            started = time.perf_counter()
            response = await client.post("/chat/DEMO", data=data, headers={"HX-Request": "true"})
            latencies.append((value, time.perf_counter() - started))
            response.raise_for_status()
            answer = response.text
    return len(DEMO_ACTIONS)


async def run_once(residents: int, warm: int, think: tuple[float, float] | None) -> Result:
    """One run on a fresh database: ``warm`` residents one after another, untimed, then every
    resident at once (pausing ``think`` seconds between steps; None: as fast as answers come)."""
    loop = asyncio.get_running_loop()
    context = multiprocessing.get_context("spawn")
    with tempfile.TemporaryDirectory() as tmp:
        ours, theirs = context.Pipe()
        process = context.Process(target=serve_system, args=(theirs, tmp, LOOP), daemon=True)
        process.start()
        try:
            base = await loop.run_in_executor(None, ours.recv)
            for n in range(warm):
                await resident(base, [], 1000 + n)
            latencies: list[tuple[str, float]] = []
            started = time.perf_counter()
            everyone = (resident(base, latencies, n, think) for n in range(residents))
            steps = await asyncio.gather(*everyone)
            result = Result(sum(steps), time.perf_counter() - started, latencies)
            ours.send("stop")
            result.system_cpu = await loop.run_in_executor(None, ours.recv)
        finally:
            await loop.run_in_executor(None, process.join, 30)
            if process.is_alive():
                process.kill()
    return result


async def measure(args: argparse.Namespace, name: str, think: tuple[float, float] | None) -> str:
    results = []
    for n in range(args.runs):
        result = await run_once(args.residents, args.warm, think)
        results.append(result)
        print(
            f"{name} run {n + 1}: {result.steps} steps in {result.seconds:.2f} s = "
            f"{result.rate:.0f} steps/s, p50 {result.percentile(0.5):.1f} ms, "
            f"p99 {result.percentile(0.99):.1f} ms, "
            f"{result.system_cpu / result.steps * 1000:.2f} ms CPU per step"
        )
    rate = statistics.median(r.rate for r in results)
    p50 = statistics.median(r.percentile(0.5) for r in results)
    p99 = statistics.median(r.percentile(0.99) for r in results)
    cpu = statistics.median(r.system_cpu / r.steps * 1000 for r in results)
    if args.by_step:
        by_step: dict[str, list[float]] = {}
        for step, seconds in (pair for r in results for pair in r.timed):
            by_step.setdefault(step, []).append(seconds * 1000)
        for step, values in by_step.items():
            values.sort()
            p50_, p99_ = (
                values[len(values) // 2],
                values[min(len(values) - 1, int(0.99 * len(values)))],
            )
            print(
                f"  {step:>26}: p50 {p50_:7.1f} ms, p99 {p99_:7.1f} ms, max {values[-1]:7.1f} ms"
            )
    return f"{name}: {rate:.0f} steps/s, p50 {p50:.1f} ms, p99 {p99:.1f} ms, {cpu:.2f} ms CPU/step"


async def main(args: argparse.Namespace) -> None:
    think = (args.think[0], args.think[1])
    lines = []
    if args.mode in ("both", "throughput"):
        lines.append(await measure(args, "throughput (no pauses)", None))
    if args.mode in ("both", "latency"):
        lines.append(await measure(args, f"latency (pauses {think[0]:g}-{think[1]:g} s)", think))
    print(f"\nweb chat, {args.residents} residents at once, SQLite, median of {args.runs} runs:")
    for line in lines:
        print("  " + line)
    print(f"  target: p99 < {TARGET_P99_MS:.0f} ms")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--residents", type=int, default=50)
    parser.add_argument("--warm", type=int, default=3, help="untimed residents first")
    parser.add_argument(
        "--think", type=float, nargs=2, default=(1.0, 3.0), metavar=("LOW", "HIGH")
    )
    parser.add_argument("--by-step", action="store_true", help="latency of each kind of step")
    parser.add_argument("--mode", choices=("both", "throughput", "latency"), default="both")
    run_loop(main(parser.parse_args()), LOOP)
