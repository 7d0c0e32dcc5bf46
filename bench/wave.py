"""A broadcast-and-answer wave against the fake Telegram Bot API, checking the capacity model.

    .venv/bin/python bench/wave.py [--participants 600] [--window 120] [--database-url URL]

One real ``inspraak serve`` process (statements counted, CPU and memory read from /proc; with
a PostgreSQL URL and ``PG_THROWAWAY_DIR`` set, the database server's CPU too) polls the fake
Bot API, which runs in this process with the residents.

1. **Calibration.** ``--participants`` residents join (``/start``, consent); a rating round of
   ``--items`` items is broadcast to them (paid broadcasts, 1,000/s): CPU ms and statements
   per message sent; then half of them answer it, ``--at-once`` at a time, as fast as replies
   come (steps/s of one process), and the other half all at once, ``--think`` s between
   presses as in a wave: CPU ms, statements and commits per step, the model's inputs (a step
   costs more when updates come a few at a time than in a flat-out queue). The idle
   process's CPU (polling, scheduler) is measured first and taken off.
2. **The model** (bench/capacity_model.py) sizes waves of 1,000, 10,000 and 100,000
   participants answering within ten minutes, from these figures.
3. **The wave.** A second round is broadcast; each resident opens it after an exponential
   delay (mean ``--window`` / 5 s) and answers it, ``--think`` s between presses. The model
   predicts the process's CPU over the wave and at its busiest ten seconds; we compare with
   what the process used, and report p50/p99 latency and whether everyone finished in time.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import logging
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.capacity_model import Measured, Wave, opening_delay, simulate, table  # noqa: E402
from bench.capacity_support import (  # noqa: E402
    TOKEN,
    PeakWatch,
    Residents,
    Served,
    in_batches,
    project_file,
    wait_until,
)
from bench.figures import percentile  # noqa: E402
from tests.fakes.telegram_api import FakeBotAPI  # noqa: E402


def spare_cpu(seconds: float = 2.0) -> float:
    """The share of one core a busy loop gets now: how busy the machine is around us."""
    cpu, wall = time.process_time(), time.perf_counter()
    while time.perf_counter() - wall < seconds:
        sum(range(1000))
    return (time.process_time() - cpu) / (time.perf_counter() - wall)


def say(text: str) -> None:
    print(text, flush=True)


def database_bytes(served: Served, folder: Path) -> int:
    if "postgresql" not in served.database_url:
        return sum(f.stat().st_size for f in folder.glob("wave.db*"))
    import sqlalchemy as sa

    sync_url = served.database_url.replace("+asyncpg", "+psycopg")
    engine = sa.create_engine(sync_url)
    with engine.connect() as conn:
        found = int(conn.scalar(sa.text("select pg_database_size(current_database())")) or 0)
    engine.dispose()
    return found


async def calibrate(
    args: argparse.Namespace, served: Served, residents: Residents, folder: Path
) -> tuple[Measured, float, float]:
    """Join, broadcast, answer flat out; return the per-unit costs, the idle CPU share and
    the steps/s one process reached."""
    start = await served.settled(1.0)
    await asyncio.sleep(5.0)
    idle = await served.settled(0.0)
    idle_share = (idle - start).cpu / 5.0
    db_idle = (idle - start).db_cpu / 5.0
    chats = list(range(2_000_000, 2_000_000 + args.participants))
    size_before = database_bytes(served, folder)
    t0 = time.perf_counter()
    await in_batches((residents.join(chat) for chat in chats), args.at_once)
    joined, t1 = await served.settled(), time.perf_counter()
    say(f"joined: {args.participants} residents, {residents.steps} steps in {t1 - t0:.0f} s")
    with PeakWatch(served) as watch:
        await asyncio.to_thread(served.cli, "round", "open", "WAVE", "vraag1")
        await wait_until(lambda: residents.prompts >= args.participants, 600)
        sent, t2 = await served.settled(), time.perf_counter()
        used = sent - joined
        message_ms = (used.cpu - idle_share * (t2 - t1)) / args.participants * 1000
        db_message_ms = (used.db_cpu - db_idle * (t2 - t1)) / args.participants * 1000
        say(f"broadcast: {args.participants} messages in {t2 - t1:.1f} s (CLI included)")
        # half answer flat out (what one process can do), the other half paced as in a wave:
        # a step costs more when updates come a few at a time than in a flat-out queue, and
        # the model's inputs are the paced costs
        flat_chats, paced_chats = chats[: len(chats) // 2], chats[len(chats) // 2 :]
        residents.latencies.clear()
        steps_before = residents.steps
        t3 = time.perf_counter()
        answers = (residents.answer(chat, args.items) for chat in flat_chats)
        await in_batches(answers, args.at_once)
        t4 = time.perf_counter()
        flat_done = await served.settled()
        flat_steps = residents.steps - steps_before
        flat = list(residents.latencies)
        rng = random.Random(7)
        steps_before = residents.steps
        t5 = time.perf_counter()
        answers = (residents.answer(c, args.items, args.think, rng) for c in paced_chats)
        await in_batches(answers, len(paced_chats))
        t6 = time.perf_counter()
    answered = await served.settled()
    steps = residents.steps - steps_before
    used = answered - flat_done
    flat_ms = ((flat_done - sent).cpu - idle_share * (t4 - t3)) / flat_steps * 1000
    step_ms = (used.cpu - idle_share * (t6 - t5)) / steps * 1000
    say(
        f"answered flat out ({args.at_once} at once): {flat_steps} steps in {t4 - t3:.1f} s = "
        f"{flat_steps / (t4 - t3):.0f} steps/s; p50 {percentile(flat, 50) * 1000:.0f} ms, "
        f"p99 {percentile(flat, 99) * 1000:.0f} ms, {flat_ms:.2f} ms CPU per step"
    )
    say(
        f"answered paced (all {len(paced_chats)} at once, {args.think} s between presses): "
        f"{steps} steps in {t6 - t5:.1f} s = {steps / (t6 - t5):.0f} steps/s"
    )
    grown = database_bytes(served, folder) - size_before
    measured = Measured(
        step_ms=step_ms,
        message_ms=message_ms,
        statements_step=used.statements / steps,
        statements_message=(sent - joined).statements / args.participants,
        commits_step=used.commits / steps,
        db_ms_step=(used.db_cpu - db_idle * (t6 - t5)) / steps * 1000,
        db_ms_message=db_message_ms,
        rss_mb=watch.peak / 2**20,
        bytes_participant=grown / args.participants,
    )
    return measured, idle_share, flat_steps / (t4 - t3)


def report_measured(m: Measured, idle: float, flat_rate: float) -> None:
    say("")
    say("measured on one process (the model's inputs):")
    say(f"  CPU per resident step        {m.step_ms:.2f} ms  (paced; flat out {flat_rate:.0f}/s)")
    say(f"  CPU per broadcast message    {m.message_ms:.2f} ms")
    say(f"  SQL statements per step      {m.statements_step:.1f}  ({m.commits_step:.2f} commits)")
    say(f"  SQL statements per message   {m.statements_message:.1f}")
    if m.db_ms_step:
        say(f"  PostgreSQL CPU per step      {m.db_ms_step:.2f} ms")
        say(f"  PostgreSQL CPU per message   {m.db_ms_message:.2f} ms")
    say(f"  peak RSS of the process      {m.rss_mb:.0f} MB")
    say(f"  database growth per participant {m.bytes_participant / 1024:.1f} kB")
    say(f"  idle process                 {idle * 100:.1f} % of a core (polling, scheduler)")


async def play_wave(
    args: argparse.Namespace, served: Served, residents: Residents, m: Measured, idle: float
) -> bool:
    wave = Wave(
        participants=args.participants, window=args.window, steps=args.items + 1,
        think=args.think, delay=args.window / 5, rate=1000.0,
    )  # fmt: skip
    load = simulate(wave)
    rng = random.Random(7)
    answering = wave.steps * wave.think
    started = time.perf_counter()
    tasks: list[asyncio.Task[None]] = []
    finished: list[float] = []
    gave_up: list[int] = []

    async def participant(chat: int, prompted: float) -> None:
        latest = max(0.0, wave.window - answering * 1.5 - (prompted - started))
        await asyncio.sleep(opening_delay(rng, wave.delay, latest))
        try:
            await residents.answer(chat, args.items, think=args.think, rng=rng)
        except TimeoutError:  # no reply within a minute: this participant gave up
            gave_up.append(chat)
        else:
            finished.append(time.perf_counter() - started)

    residents.on_prompt = lambda chat: tasks.append(
        asyncio.create_task(participant(chat, time.perf_counter()))
    )
    residents.latencies.clear()
    steps_before = residents.steps
    before = served.usage()
    samples = [(0.0, before.cpu, 0)]  # (seconds, CPU seconds, steps) every second
    with PeakWatch(served) as watch:
        await asyncio.to_thread(served.cli, "round", "open", "WAVE", "vraag2")
        while (
            len(finished) < args.participants and time.perf_counter() - started < 3 * wave.window
        ):
            await asyncio.sleep(1.0)
            at = time.perf_counter() - started
            samples.append((at, served.usage().cpu, residents.steps - steps_before))
    after = await served.settled()
    took = time.perf_counter() - started
    steps = residents.steps - steps_before
    used = after - before
    predicted = steps * m.step_ms / 1000 + args.participants * m.message_ms / 1000 + idle * took
    # the busiest ten seconds as played: steps/s there, and the CPU the model gives them
    pairs = itertools.combinations(samples, 2)
    windows = [(b, a) for a, b in pairs if 9.5 <= b[0] - a[0] <= 10.5]
    late, early = max(windows, key=lambda w: w[0][2] - w[1][2])
    span = late[0] - early[0]
    played_peak = (late[2] - early[2]) / span
    peak_used = (late[1] - early[1]) / span
    peak_model = played_peak * m.step_ms / 1000 + idle
    lat = residents.latencies
    in_time = sum(1 for f in finished if f <= wave.window)
    say("")
    spare = spare_cpu()
    say(f"load average {os.getloadavg()[0]:.1f}; a busy loop gets {spare:.0%} of a core")
    say(
        f"the wave: {args.participants} participants x {wave.steps} steps within "
        f"{args.window:.0f} s (the load of {args.participants * 600 / args.window:,.0f} "
        f"participants in ten minutes), opening after {wave.delay:.0f} s on average, "
        f"{args.think:.1f} s between presses"
    )
    say(
        f"  steps: {steps} in {took:.0f} s; {in_time} of {args.participants} finished within "
        f"{args.window:.0f} s, {len(gave_up)} gave up; latency "
        f"p50 {percentile(lat, 50) * 1000:.0f} ms, p99 {percentile(lat, 99) * 1000:.0f} ms"
    )
    say(
        f"  CPU over the wave: model {predicted:.1f} s, used {used.cpu:.1f} s "
        f"= {used.cpu / predicted:.2f} x the model"
    )
    say(
        f"  busiest 10 s: the model's load {load.peak_10s:.0f} steps/s, played {played_peak:.0f}; "
        f"CPU there: model {peak_model * 100:.0f} % of a core, used {peak_used * 100:.0f} % "
        f"= {peak_used / peak_model:.2f} x"
    )
    say(
        f"  statements per step {used.statements / max(steps, 1):.1f}; "
        f"peak RSS {watch.peak / 2**20:.0f} MB"
    )
    cost = 0.75 <= used.cpu / predicted <= 1.33
    shape = 0.75 <= played_peak / load.peak_10s <= 1.33
    say(
        f"  the model's CPU {'holds' if cost else 'does NOT hold'} (within 0.75-1.33 x); the "
        f"wave's busiest ten seconds {'match' if shape else 'do NOT match'} the simulated ones"
    )
    if spare < peak_model:
        say(
            f"  (at its peak the wave needs {peak_model:.0%} of a core and this machine had "
            f"{spare:.0%} to spare: the process fell behind and stretched the wave, as the model "
            f"says one worker on a busier core would)"
        )
    ok = cost and (shape or spare < peak_model)
    return ok


async def run(args: argparse.Namespace) -> None:
    logging.disable(logging.WARNING)
    async with FakeBotAPI(bots={TOKEN: "bench_bot"}, record_calls=False) as api:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            url = args.database_url or f"sqlite+aiosqlite:///{folder}/wave.db"
            served = Served(
                folder, api.base_url, url, INSPRAAK_TELEGRAM_RATE="1000",
                INSPRAAK_TELEGRAM_PAID_BROADCAST="true",
            )  # fmt: skip
            if url.startswith("postgresql"):
                from tests.conftest import _reset_postgres

                await _reset_postgres(url)
            (folder / "wave.toml").write_text(project_file(args.items, rounds=2))
            served.cli("db", "upgrade")
            served.cli("project", "import", str(folder / "wave.toml"))
            served.start(counted=True)
            residents = Residents(api)
            residents.hook()
            try:
                await api.wait_for("getUpdates", count=1, timeout=120)
                say(
                    f"database: {url.split('://')[0]}; {args.participants} participants, a "
                    f"rating round of {args.items} items; load average "
                    f"{os.getloadavg()[0]:.1f}; a busy loop gets {spare_cpu():.0%} of a core"
                )
                measured, idle, flat = await calibrate(args, served, residents, folder)
                report_measured(measured, idle, flat)
                say("")
                say("the model: ten minutes from the broadcast, ten items, 3 s between presses, "
                    "opened after 2 minutes on average")  # fmt: skip
                waves = [Wave(n, rate=25.0 if n <= 10_000 else 1000.0) for n in (1_000, 10_000)]
                waves += [Wave(n, rate=1000.0) for n in (10_000, 100_000)]
                for row in table(measured, waves):
                    say(row)
                await play_wave(args, served, residents, measured, idle)
            finally:
                served.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--participants", type=int, default=600)
    parser.add_argument("--items", type=int, default=10)
    parser.add_argument("--window", type=float, default=120.0, help="seconds (scaled down)")
    parser.add_argument("--think", type=float, default=2.0, help="seconds between presses")
    parser.add_argument("--at-once", type=int, default=20)
    parser.add_argument("--database-url", default=None)
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
