"""What bench/memory.py and bench/wave.py share: a real ``inspraak serve`` process against the
fake Telegram Bot API, its CPU, memory and SQL statements read from outside, and residents.

``python bench/capacity_support.py --serve COUNTS.json [serve arguments]`` runs
``inspraak serve`` with a statement counter: every SQL statement and commit of every engine in
the process is counted (a SQLAlchemy event listener on ``Engine``) and the counts are written
to COUNTS.json every 0.2 s. Nothing else in the process changes.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TOKEN = "6262:BENCH-capacity"
KEY = "bench-capacity-secret-key-that-is-long-enough-0123"
TICK = os.sysconf("SC_CLK_TCK")


def project_file(items: int, rounds: int = 2) -> str:
    """A project without a profile and ``rounds`` rating rounds of ``items`` items, in draft:
    opening one broadcasts its question to every subscribed resident."""
    listed = ", ".join(f'"Voorstel {n}: iets voor de wijk"' for n in range(1, items + 1))
    text = """
[project]
code = "WAVE"
title = "Capaciteit"
organisation = "gemeente-capaciteit"
ask_profile = false
quiet_hours = ["00:00", "00:00"]
"""
    for n in range(1, rounds + 1):
        text += f"""
[[rounds]]
key = "vraag{n}"
kind = "rating"
question = "Hoe belangrijk vind je dit?"
items = [{listed}]
state = "draft"
"""
    return text


# -- the serving process ------------------------------------------------------------------------
def serve_counted(counts: Path, argv: list[str]) -> int:
    """``inspraak serve`` with every statement and commit counted into ``counts``."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    from inspraak.cli import main

    tally = {"statements": 0, "commits": 0}

    def statement(*_: Any) -> None:
        tally["statements"] += 1

    def commit(*_: Any) -> None:
        tally["commits"] += 1

    event.listen(Engine, "before_cursor_execute", statement)
    event.listen(Engine, "commit", commit)

    def write() -> None:
        while True:
            counts.with_suffix(".tmp").write_text(json.dumps(tally))
            counts.with_suffix(".tmp").replace(counts)
            time.sleep(0.2)

    threading.Thread(target=write, daemon=True).start()
    return main(["serve", *argv])


@dataclass
class Usage:
    """What the serving process had used at one moment."""

    cpu: float  # CPU seconds, all threads
    rss: int  # bytes now
    peak: int  # bytes at most so far (VmHWM)
    statements: int
    commits: int
    db_cpu: float = 0.0  # CPU seconds of the PostgreSQL server's processes (0 on SQLite)

    def __sub__(self, other: Usage) -> Usage:
        return Usage(
            self.cpu - other.cpu, self.rss, self.peak, self.statements - other.statements,
            self.commits - other.commits, self.db_cpu - other.db_cpu,
        )  # fmt: skip


def _status(pid: int) -> dict[str, int]:
    found = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            found[name] = int(value.split()[0]) * 1024
    return found


def process_cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK  # utime + stime


def postgres_cpu(data_dir: str | None) -> float:
    """CPU seconds of the PostgreSQL server under ``data_dir`` and its backends (ended ones
    included: a process's children's times are added to it when they are reaped)."""
    if not data_dir:
        return 0.0
    pid_file = next(
        p
        for p in (Path(data_dir, "postmaster.pid"), Path(data_dir, "data", "postmaster.pid"))
        if p.exists()
    )
    master = int(pid_file.read_text().split()[0])
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            pid, parent = int(entry.name), int(fields[1])
            if pid == master or parent == master:
                total += (int(fields[11]) + int(fields[12])) / TICK
                if pid == master:
                    total += (int(fields[13]) + int(fields[14])) / TICK  # reaped children
    return total


class Served:
    """A running ``inspraak serve`` (its own process) and how to read what it used."""

    def __init__(self, folder: Path, api_base: str, database_url: str, **env: str) -> None:
        self.folder = folder
        self.counts = folder / "counts.json"
        self.database_url = database_url
        self.pg_dir = os.environ.get("PG_THROWAWAY_DIR") if "postgresql" in database_url else None
        self.env = {
            **os.environ,
            "INSPRAAK_DATABASE_URL": database_url,
            "INSPRAAK_DATA_DIR": str(folder),
            "INSPRAAK_SECRET_KEY": KEY,
            "INSPRAAK_LOAD_DEMO": "false",
            "INSPRAAK_TELEGRAM_TOKEN": TOKEN,
            "INSPRAAK_TELEGRAM_API_BASE": api_base,
            "INSPRAAK_TELEGRAM_MODE": "polling",
            "INSPRAAK_PORT": str(free_port()),
            **env,
        }
        self.proc: subprocess.Popen[bytes] | None = None

    def cli(self, *args: str) -> str:
        """Run an ``inspraak`` command against the same database; return its output."""
        done = subprocess.run(  # noqa: S603 - our own command line
            [sys.executable, "-m", "inspraak", *args],
            env=self.env, cwd=ROOT, capture_output=True, text=True, check=True,
        )  # fmt: skip
        return done.stdout

    def start(self, counted: bool = True) -> None:
        if counted:
            argv = [sys.executable, __file__, "--serve", str(self.counts)]
        else:
            argv = [sys.executable, "-m", "inspraak", "serve"]
        log = (self.folder / "serve.log").open("wb")
        self.proc = subprocess.Popen(argv, env=self.env, cwd=ROOT, stdout=log, stderr=log)  # noqa: S603

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def usage(self) -> Usage:
        status = _status(self.pid)
        tally = {"statements": 0, "commits": 0}
        with contextlib.suppress(OSError, ValueError):
            tally = json.loads(self.counts.read_text())
        return Usage(
            process_cpu(self.pid), status["VmRSS"], status["VmHWM"], tally["statements"],
            tally["commits"], postgres_cpu(self.pg_dir),
        )  # fmt: skip

    async def settled(self, seconds: float = 0.6) -> Usage:
        """The usage once the counters file has caught up (it is written every 0.2 s)."""
        await asyncio.sleep(seconds)
        return self.usage()


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PeakWatch:
    """Samples the process's resident memory every 50 ms while a phase runs."""

    def __init__(self, served: Served) -> None:
        self.served = served
        self.peak = 0
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        while True:
            with contextlib.suppress(OSError, KeyError):
                self.peak = max(self.peak, _status(self.served.pid)["VmRSS"])
            await asyncio.sleep(0.05)

    def __enter__(self) -> PeakWatch:
        self._task = asyncio.get_running_loop().create_task(self._run())
        return self

    def __exit__(self, *_: object) -> None:
        assert self._task is not None
        self._task.cancel()


# -- residents ----------------------------------------------------------------------------------
@dataclass
class Residents:
    """Residents talking to the bot through the fake Bot API: each knows the buttons it was
    last shown, and waits for the next question after it acts."""

    api: Any  # FakeBotAPI
    keyboards: dict[int, list[str]] = field(default_factory=dict)
    waiting: dict[int, asyncio.Future[float]] = field(default_factory=dict)
    prompted: dict[int, float] = field(default_factory=dict)  # chat → when the broadcast came
    on_prompt: Any = None  # called with the chat when a broadcast's question arrives
    latencies: list[float] = field(default_factory=list)
    steps: int = 0
    prompts: int = 0  # broadcast questions received

    def hook(self) -> None:
        append = self.api.log.append

        def on_call(call: Any) -> None:
            append(call)
            if call.method != "sendMessage" or not call.ok:
                return
            chat = int(call.params["chat_id"])
            markup = call.params.get("reply_markup") or {}
            rows = markup.get("inline_keyboard", ())
            datas = [b.get("callback_data", "") for row in rows for b in row]
            if call.params.get("allow_paid_broadcast") or any(d.startswith("go:") for d in datas):
                self.prompts += 1
                self.prompted[chat] = time.perf_counter()
                if self.on_prompt is not None:
                    self.on_prompt(chat)
            if datas:
                self.keyboards[chat] = datas
            future = self.waiting.pop(chat, None)
            if future is not None and not future.done():
                future.set_result(time.perf_counter())

        self.api.log.append = on_call

    async def act(self, chat: int, update: dict[str, Any], wait: float = 60) -> None:
        """Send one update and wait for the bot's next message to this chat."""
        future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self.waiting[chat] = future
        started = time.perf_counter()
        self.api.push_update(TOKEN, update)
        self.latencies.append(await asyncio.wait_for(future, wait) - started)
        self.steps += 1

    async def join(self, chat: int) -> None:
        await self.act(chat, self.api.command(chat, "/start WAVE", token=TOKEN))
        await self.act(chat, self.api.callback_update(chat, self.press(chat, "consent:yes")))
        # a second message may follow (no round open yet): let it arrive before anything else
        await asyncio.sleep(0.2)

    def press(self, chat: int, prefix: str, rng: random.Random | None = None) -> str:
        datas = [d for d in self.keyboards.get(chat, []) if d.startswith(prefix)]
        if not datas:
            raise LookupError(f"chat {chat}: no button {prefix!r} in {self.keyboards.get(chat)}")
        return (rng or random).choice(datas)

    async def answer(self, chat: int, items: int, think: float = 0.0, rng: Any = None) -> None:
        """Press the broadcast's button, then rate every item (one step each)."""
        await self.act(chat, self.api.callback_update(chat, self.press(chat, "go:"), token=TOKEN))
        for _ in range(items):
            if think:
                await asyncio.sleep(think * (0.5 + (rng or random).random()))
            data = self.press(chat, "rt:", rng)
            await self.act(chat, self.api.callback_update(chat, data, token=TOKEN))


async def in_batches(jobs: Iterator[Any], at_once: int) -> None:
    """Run the coroutines from ``jobs`` with at most ``at_once`` running."""

    async def worker() -> None:
        for job in jobs:
            await job

    await asyncio.gather(*(worker() for _ in range(at_once)))


async def wait_until(check: Any, most: float, every: float = 0.1) -> None:
    deadline = time.perf_counter() + most
    while not check():
        if time.perf_counter() > deadline:
            raise TimeoutError("waited too long")
        await asyncio.sleep(every)


def mb(value: float) -> str:
    return f"{value / 2**20:.0f} MB"


if __name__ == "__main__" and sys.argv[1:2] == ["--serve"]:
    sys.exit(serve_counted(Path(sys.argv[2]), sys.argv[3:]))
