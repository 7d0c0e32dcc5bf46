"""Benchmark: resident steps per second with one and with two web workers on one PostgreSQL.

Run from the repository root: ``python bench/workers.py [--runs 3] [--residents 16]``.
Needs PostgreSQL: ``INSPRAAK_BENCH_POSTGRES_URL`` (or ``INSPRAAK_TEST_POSTGRES_URL``); its
tables are dropped and made anew (``tools/pg-throwaway start`` gives a throwaway server).

As tests/integration/test_workers.py: two ``inspraak serve --no-scheduler`` workers and one
scheduling process, each a process of its own; the fake Bot API, a round-robin proxy and the
residents in this process. Each run sends new residents through the demo project (25 actions
each) as fast as the answers come: Telegram residents through the webhook (one update per chat
at a time, as Telegram delivers them) and web-chat residents (HTMX posts). With "1 worker" the
proxy hands every request to the first worker, with "2 workers" to both in turn. The two
set-ups take turns (1, 2, 1, 2, ...) and each figure is the median of ``--runs`` runs.
``--pin`` puts each worker on a core of its own (taskset), which shows what a second core
adds; on a machine of two cores the database, the proxy and the residents share them too.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aiohttp import ClientSession  # noqa: E402

from bench.figures import percentile  # noqa: E402
from inspraak.cli import run_loop  # noqa: E402
from tests.conftest import _reset_postgres  # noqa: E402
from tests.fakes.telegram_api import FakeBotAPI  # noqa: E402
from tests.integration.workers_support import (  # noqa: E402
    SCRIPT,
    TOKEN,
    RoundRobin,
    Server,
    Telegram,
    WebChat,
    environment,
)


@dataclass
class Run:
    workers: int
    steps: int
    seconds: float
    latencies: list[float]
    cpu: float  # CPU seconds the web workers used

    @property
    def rate(self) -> float:
        return self.steps / self.seconds


async def one_run(
    api: FakeBotAPI,
    proxy: RoundRobin,
    web: list[Server],
    workers: int,
    first: int,
    args: argparse.Namespace,
) -> Run:
    """New residents through the demo, spread over the first ``workers`` workers."""
    proxy.upstreams = [w.url for w in web[:workers]]
    proxy.served = dict.fromkeys(proxy.upstreams, 0)
    telegram = Telegram(api, f"{proxy.base_url}/webhook/telegram", proxy.upstreams, False)
    browsers = [WebChat(proxy.base_url, first + 5_000 + n) for n in range(args.browsers)]
    cpu = sum(w.cpu_seconds() for w in web)
    started = time.perf_counter()
    await asyncio.gather(
        *(telegram.resident(first + n, SCRIPT) for n in range(args.residents)),
        *(browser.run(SCRIPT) for browser in browsers),
    )
    seconds = time.perf_counter() - started
    cpu = sum(w.cpu_seconds() for w in web) - cpu
    steps = telegram.delivered.steps + sum(b.steps for b in browsers)
    latencies = telegram.delivered.latencies + [x for b in browsers for x in b.latencies]
    api.reset_calls()
    return Run(workers, steps, seconds, latencies, cpu)


async def main(args: argparse.Namespace) -> None:
    url = os.environ.get("INSPRAAK_BENCH_POSTGRES_URL") or os.environ.get(
        "INSPRAAK_TEST_POSTGRES_URL"
    )
    if not url:
        sys.exit("set INSPRAAK_BENCH_POSTGRES_URL (tools/pg-throwaway start gives one)")
    logging.disable(logging.WARNING)
    await _reset_postgres(url)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        async with FakeBotAPI(bots={TOKEN: "bench_bot"}) as api, RoundRobin([]) as proxy:
            env = environment(url, api.base_url, "https://inspraak.test", folder,
                              INSPRAAK_TELEGRAM_RATE="25")  # fmt: skip
            leader = Server("leader", env, folder, scheduler=True)
            web = [Server("web1", env, folder), Server("web2", env, folder)]
            cores = os.cpu_count() or 1
            try:
                leader.start()
                for n, worker in enumerate(web):
                    worker.start(str(n % cores) if args.pin else None)
                async with ClientSession() as client:
                    await asyncio.gather(*(s.wait_healthy(client) for s in (leader, *web)))
                await one_run(api, proxy, web, 2, 10_000, args)  # warm both workers up
                runs: list[Run] = []
                for number in range(args.runs):
                    for workers in (1, 2):
                        first = 100_000 * (1 + len(runs))
                        runs.append(await one_run(api, proxy, web, workers, first, args))
                        print(f"  run {number + 1}, {workers} worker(s): "
                              f"{runs[-1].rate:.0f} steps/s", flush=True)  # fmt: skip
            finally:
                for server in (leader, *web):
                    server.stop()
                for server in (leader, *web):
                    server.wait_stopped()
    report(runs, args)


def report(runs: list[Run], args: argparse.Namespace) -> None:
    load = os.getloadavg()[0]
    print(f"\n{args.residents} Telegram + {args.browsers} web-chat residents x 25 actions per "
          f"run, median of {args.runs}; load average {load:.1f}; pinned: {args.pin}")  # fmt: skip
    print(f"{'web workers':<12}{'steps/s':>9}{'p50 ms':>8}{'p99 ms':>8}{'CPU ms/step':>12}")
    rates: dict[int, float] = {}
    for workers in (1, 2):
        mine = [r for r in runs if r.workers == workers]
        rates[workers] = statistics.median(r.rate for r in mine)
        p50 = statistics.median(percentile(r.latencies, 50) for r in mine) * 1000
        p99 = statistics.median(percentile(r.latencies, 99) for r in mine) * 1000
        cpu = statistics.median(r.cpu / r.steps for r in mine) * 1000
        print(f"{workers:<12}{rates[workers]:>9.0f}{p50:>8.1f}{p99:>8.1f}{cpu:>12.2f}")
    print(f"two workers / one: {rates[2] / rates[1]:.2f}")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--residents", type=int, default=16, help="Telegram residents per run")
    parser.add_argument("--browsers", type=int, default=4, help="web-chat residents per run")
    parser.add_argument("--pin", action=argparse.BooleanOptionalAction, default=True)
    return parser.parse_args()


if __name__ == "__main__":
    run_loop(main(parse_args()))
