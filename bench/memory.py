"""Memory of ``inspraak serve``: idle, after 10,000 residents, during a 10,000 broadcast.

    .venv/bin/python bench/memory.py [--residents 10000] [--batches 2] [--at-once 50]

A real ``inspraak serve`` process (SQLite file database, or PostgreSQL with
``--database-url``; polling the fake Telegram Bot API, which runs in this process with the
residents) is measured from outside through /proc: resident set size (RSS) now and its peak.

1. idle: started, the project imported, nobody there yet;
2. after ``--residents`` residents joined through the chat (``/start``, consent: two steps
   each, ``--at-once`` residents at a time);
3. during the broadcast of a round's question to all of them (``inspraak round open``; paid
   broadcasts at 1,000/s), sampled every 50 ms;
4. with ``--batches 2`` the same again for as many new residents: what a process keeps per
   resident shows as growth from batch to batch (nothing should grow once the caches are
   full).

What the similar-ideas encoder adds (``inspraak serve`` loads it in the background at start,
so the idle figure holds it) is measured in a separate interpreter and printed beside it.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import logging
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.capacity_support import (  # noqa: E402
    ROOT,
    TOKEN,
    PeakWatch,
    Residents,
    Served,
    in_batches,
    mb,
    project_file,
    wait_until,
)
from tests.fakes.telegram_api import FakeBotAPI  # noqa: E402


def say(text: str) -> None:
    print(text, flush=True)


async def idle(api: FakeBotAPI, folder: Path, url: str, **env: str) -> tuple[Served, int]:
    served = Served(
        folder, api.base_url, url, INSPRAAK_TELEGRAM_RATE="1000",
        INSPRAAK_TELEGRAM_PAID_BROADCAST="true", **env,
    )  # fmt: skip
    served.start(counted=False)
    await api.wait_for("getUpdates", count=1, timeout=120)
    usage = await served.settled(3.0)
    return served, usage.rss


ENCODER = """
import web.app
from core.analysis.similarity_encoder import shared_encoder
def rss():
    return next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmRSS"))
before = rss()
shared_encoder()(["Meer bomen in de straat"])
print((rss() - before) * 1024)
"""


def encoder_mb() -> str:
    """What loading the similar-ideas encoder and encoding one text adds to a process."""
    done = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", ENCODER], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return mb(int(done.stdout.split()[-1]))


async def run(args: argparse.Namespace) -> None:
    logging.disable(logging.WARNING)
    async with FakeBotAPI(bots={TOKEN: "bench_bot"}, record_calls=False) as api:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            url = args.database_url or f"sqlite+aiosqlite:///{folder}/memory.db"
            probe = Served(folder, api.base_url, url)
            (folder / "wave.toml").write_text(project_file(10, rounds=args.batches))
            probe.cli("db", "upgrade")
            probe.cli("project", "import", str(folder / "wave.toml"))
            encoder = encoder_mb()  # before the server starts: nothing left running on failure
            served, idle_rss = await idle(api, folder, url)
            try:
                say(f"database: {url.split('://')[0]}; {args.residents} residents a batch")
                say(f"idle:                                RSS {mb(idle_rss)}")
                say(f"  of which the similar-ideas encoder (loaded at start) takes {encoder}")
                residents = Residents(api)
                residents.hook()
                chats = itertools.count(1_000_000)
                for batch in range(1, args.batches + 1):
                    await one_batch(args, served, residents, chats, batch)
            finally:
                served.stop()


async def one_batch(
    args: argparse.Namespace, served: Served, residents: Residents, chats: object, batch: int
) -> None:
    mine = [next(chats) for _ in range(args.residents)]  # type: ignore[call-overload]
    started = time.perf_counter()
    with PeakWatch(served) as joining:
        await in_batches((residents.join(chat) for chat in mine), args.at_once)
    took = time.perf_counter() - started
    after = await served.settled(2.0)
    say(
        f"batch {batch}: after {args.residents} residents joined ({took:.0f} s): RSS "
        f"{mb(after.rss)} (peak while joining {mb(joining.peak)})"
    )
    before = residents.prompts
    everyone = batch * len(mine)  # the round's question goes to every resident joined so far
    started = time.perf_counter()
    with PeakWatch(served) as broadcast:
        await asyncio.to_thread(served.cli, "round", "open", "WAVE", f"vraag{batch}")
        await wait_until(lambda: residents.prompts - before >= everyone, 900)
    took = time.perf_counter() - started
    done = await served.settled(2.0)
    say(
        f"batch {batch}: during the broadcast to {everyone} residents ({took:.0f} s): "
        f"peak RSS {mb(broadcast.peak)}; after it {mb(done.rss)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--residents", type=int, default=10_000)
    parser.add_argument("--batches", type=int, default=2)
    parser.add_argument("--at-once", type=int, default=50)
    parser.add_argument("--database-url", default=None)
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
