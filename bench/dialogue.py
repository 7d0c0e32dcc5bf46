"""Dialogue steps per second through the engine and storage, 1,000 simulated residents.

    python bench/dialogue.py [--residents 1000] [--runs 3] [--postgres URL | --no-postgres]

For each database (SQLite file; PostgreSQL when a URL is given or ``tools/pg-throwaway`` can
start one) it runs the demo project's dialogue for every resident — join, consent, profile,
an idea, ratings, votes, feedback — with 20 residents acting at once, and prints the median
steps per second and step latency over several runs. In the same run it measures two
baselines so the figures can be compared across noisy machines: the pure engine (no storage)
and a bare transaction per step (read one row, write one row).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from config.settings import Settings  # noqa: E402
from core.dialogue.engine import step  # noqa: E402
from core.dialogue.state import State  # noqa: E402
from core.messages import Incoming  # noqa: E402
from core.services.dialogue_context import load_context  # noqa: E402
from core.storage import tables as t  # noqa: E402
from core.storage.db import create_all, create_engine, drop_all  # noqa: E402
from inspraak.bootstrap import Container, bootstrap, load_demo_if_empty  # noqa: E402
from tests.fakes.demo_walk import choose  # noqa: E402

CONCURRENCY = 20


async def resident_session(conversations, user: str, latencies: list[float]) -> int:
    """One resident's whole visit; returns the number of steps taken."""
    steps = 0

    async def send(incoming: Incoming):
        nonlocal steps
        # A channel's network I/O lets the event loop turn between a resident's steps; with
        # SQLite inline nothing else here would, and a task the step started (the similar-
        # ideas look-up) would wait for the whole walk.
        await asyncio.sleep(0)
        start = time.perf_counter()
        outcome = await conversations.handle("bench", user, incoming)
        latencies.append(time.perf_counter() - start)
        steps += 1
        return outcome.replies

    def pick(replies, label):
        return next(o.data for r in replies for o in r.options if o.label == label)

    def press(replies, want):  # "send" also takes "no, my idea is different" (demo_walk)
        return choose([o.data for r in replies for o in r.options], want)

    replies = await send(Incoming.start("DEMO"))
    replies = await send(Incoming.choice(pick(replies, "Ja, ik doe mee")))
    replies = await send(Incoming.message("5043"))
    replies = await send(Incoming.choice(pick(replies, "30–44")))
    replies = await send(Incoming.message(f"Idee van {user}: meer bomen"))
    replies = await send(Incoming.choice(press(replies, "send")))
    replies = await send(Incoming.choice(press(replies, "done")))
    for _ in range(12):  # 6 items x 2 criteria
        replies = await send(Incoming.choice(pick(replies, "4")))
    for _ in range(5):
        replies = await send(Incoming.choice(pick(replies, "Eens")))
    replies = await send(Incoming.choice(pick(replies, "8")))
    await send(Incoming.message("Prima plan"))
    return steps


async def demo_container(url: str) -> Container:
    """A container on an emptied database with the demo project loaded."""
    settings = Settings(database_url=url, secret_key="b" * 40, _env_file=None)  # type: ignore[call-arg]
    engine = create_engine(url)
    await drop_all(engine)
    await create_all(engine)
    container = bootstrap(settings, engine=engine)
    await load_demo_if_empty(container)
    return container


async def run_dialogues(url: str, residents: int) -> tuple[float, float, float]:
    container = await demo_container(url)
    latencies: list[float] = []
    gate = asyncio.Semaphore(CONCURRENCY)

    async def one(n: int) -> int:
        async with gate:
            return await resident_session(container.conversations, f"r{n}", latencies)

    start = time.perf_counter()
    steps = sum(await asyncio.gather(*(one(n) for n in range(residents))))
    elapsed = time.perf_counter() - start
    async with container.uow() as uow:
        ratings = await uow.conn.scalar(sa.select(sa.func.count()).select_from(t.ratings))
    assert ratings == residents * 12, ratings
    await container.close()
    latencies.sort()
    p50 = latencies[len(latencies) // 2] * 1000
    p99 = latencies[int(len(latencies) * 0.99)] * 1000
    return steps / elapsed, p50, p99


async def bare_transactions(url: str, count: int) -> float:
    """Baseline: a transaction per step that reads a row and writes a row."""
    engine = create_engine(url)
    await drop_all(engine)
    await create_all(engine)
    async with engine.begin() as conn:
        await conn.execute(t.dialogue_states.insert(), [
            {"pseudonym": f"p{n}", "channel": "bench", "state": {}} for n in range(CONCURRENCY)
        ])  # fmt: skip
    gate = asyncio.Semaphore(CONCURRENCY)

    async def one(n: int) -> None:
        key = f"p{n % CONCURRENCY}"
        async with gate, engine.begin() as conn:
            await conn.scalar(
                sa.select(t.dialogue_states.c.state).where(t.dialogue_states.c.pseudonym == key)
            )
            await conn.execute(
                t.dialogue_states.update()
                .where(t.dialogue_states.c.pseudonym == key)
                .values(state={"n": n})
            )

    start = time.perf_counter()
    await asyncio.gather(*(one(n) for n in range(count)))
    elapsed = time.perf_counter() - start
    await engine.dispose()
    return count / elapsed


async def pure_engine_steps(url: str, count: int) -> float:
    """Baseline: the engine alone, on a context loaded once from the demo project."""
    container = await demo_container(url)
    async with container.uow() as uow:
        ctx = await load_context(
            uow, "p", "bench", None, State(project="DEMO"), Incoming.message("x")
        )
    await container.close()
    state = State(project="DEMO", step="done", language="nl")
    start = time.perf_counter()
    for _ in range(count):
        step(ctx, state, Incoming.message("hulp"))
    return count / (time.perf_counter() - start)


def start_postgres() -> tuple[str, str] | None:
    try:
        out = subprocess.run([str(ROOT / "tools" / "pg-throwaway"), "start"], check=True,
                             capture_output=True, text=True).stdout  # fmt: skip
    except (OSError, subprocess.CalledProcessError) as error:
        print(f"(no PostgreSQL: {error})")
        return None
    env = dict(line.removeprefix("export ").split("=", 1) for line in out.splitlines())
    return env["INSPRAAK_TEST_POSTGRES_URL"], env["PG_THROWAWAY_DIR"]


def report(name: str, url: str, residents: int, runs: int) -> None:
    rates, p50s, p99s, bares, pures = [], [], [], [], []
    for _ in range(runs):
        rate, p50, p99 = asyncio.run(run_dialogues(url, residents))
        rates.append(rate)
        p50s.append(p50)
        p99s.append(p99)
        bares.append(asyncio.run(bare_transactions(url, residents * 5)))
        pures.append(asyncio.run(pure_engine_steps(url, 20000)))
    rate, bare = statistics.median(rates), statistics.median(bares)
    print(
        f"{name}: {residents} residents x 26 steps, {CONCURRENCY} at once, median of {runs} runs"
    )
    print(
        f"  dialogue steps/s (engine + storage): {rate:8.0f}   runs: {[round(r) for r in rates]}"
    )
    print(f"  step latency p50 / p99:              {statistics.median(p50s):6.1f} / "
          f"{statistics.median(p99s):6.1f} ms")  # fmt: skip
    print(
        f"  baseline bare transactions/s:        {bare:8.0f}   ratio steps/bare: {rate / bare:.2f}"
    )
    print(f"  baseline pure engine steps/s:        {statistics.median(pures):8.0f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--residents", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--postgres", default=os.environ.get("INSPRAAK_TEST_POSTGRES_URL"))
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        report("SQLite", f"sqlite+aiosqlite:///{tmp}/bench.db", args.residents, args.runs)
    if args.no_postgres:
        return
    started = None
    url = args.postgres
    if not url:
        started = start_postgres()
        url = started[0] if started else None
    if url:
        try:
            report("PostgreSQL", url, args.residents, args.runs)
        finally:
            if started:
                subprocess.run(
                    [str(ROOT / "tools" / "pg-throwaway"), "stop", started[1]], check=False
                )


if __name__ == "__main__":
    main()
