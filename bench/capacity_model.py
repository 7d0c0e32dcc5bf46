"""The capacity model: from figures measured on one process to what a wave of answers needs.

A *wave*: a round's question is broadcast to ``participants`` residents at ``rate`` messages
per second; each opens it after a delay (exponential, mean ``delay`` seconds, at most what
still lets them finish within ``window``), then answers ``steps`` times, ``think`` seconds
apart (each step is one press: the bot answers it, shows the answer and asks the next
question). The load over time is simulated with a fixed seed, so the same inputs give the
same peak.

Inputs measured by bench/wave.py (``Measured``); the sizing rules:

* worker processes (one per core: Python runs one thread at a time) =
  peak steps/s × CPU ms per step ÷ 1000 ÷ ``UTILISATION``, rounded up; the leader process
  (scheduler and outbox) sends the broadcast: rate × CPU ms per message;
* PostgreSQL: statements/s and commits/s at the peak (statements per step × peak), CPU cores
  = peak × database CPU ms per step ÷ 1000 ÷ ``UTILISATION``; connections = processes ×
  ``POOL``; disk = bytes per participant × participants.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

UTILISATION = 0.6  # a core busier than this queues steps: p99 latency climbs
POOL = 30  # connections a process may open: pool_size 10 + max_overflow 20 (core/storage/db.py)


@dataclass(frozen=True)
class Measured:
    """Per-unit costs measured on one serving process (bench/wave.py prints them)."""

    step_ms: float  # CPU ms of the serving process per resident step
    message_ms: float  # CPU ms of the serving process per broadcast message sent
    statements_step: float  # SQL statements per step
    statements_message: float  # SQL statements per message sent
    commits_step: float  # transactions committed per step
    db_ms_step: float  # CPU ms of the PostgreSQL server per step (0: measured on SQLite)
    db_ms_message: float
    rss_mb: float  # peak resident memory of the process in the wave
    bytes_participant: float  # database growth per participant (joined, prompted, answered)


@dataclass(frozen=True)
class Wave:
    participants: int
    window: float = 600.0  # seconds from the broadcast by which everyone has answered
    steps: int = 11  # presses per participant: "Doe mee" and ten items
    think: float = 3.0  # seconds between two presses of one participant
    delay: float = 120.0  # mean seconds before a participant opens the message
    rate: float = 1000.0  # broadcast messages per second (25 free, up to 1,000 paid)


@dataclass(frozen=True)
class Load:
    """The simulated wave: when each step happens."""

    peak_1s: float  # steps in the busiest second
    peak_10s: float  # steps/s over the busiest ten seconds
    mean: float  # steps/s over the window
    broadcast_seconds: float
    late: int  # participants who could not finish within the window
    seconds: list[int]  # steps per second, from the broadcast on


def opening_delay(rng: random.Random, mean: float, latest: float) -> float:
    """Seconds before a participant opens the message: exponential with ``mean``, drawn
    within [0, ``latest``] (those prompted late open sooner, not all at the last moment)."""
    if latest <= 0:
        return 0.0
    most = 1 - math.exp(-latest / mean)  # the exponential's probability up to ``latest``
    return -mean * math.log(1 - rng.random() * most)


def simulate(wave: Wave, seed: int = 19) -> Load:
    rng = random.Random(seed)
    answering = wave.steps * wave.think
    sending = wave.participants / wave.rate
    per_second = [0] * (int(max(wave.window, sending) + answering) + 2)
    late = 0
    for n in range(wave.participants):
        prompted = n / wave.rate
        latest = wave.window - answering - prompted
        if latest < 0:
            late += 1
            latest = 0.0
        opened = prompted + opening_delay(rng, wave.delay, latest)
        for step in range(wave.steps):
            per_second[int(opened + step * wave.think)] += 1
    tens = [sum(per_second[i : i + 10]) / 10 for i in range(len(per_second))]
    total = wave.participants * wave.steps
    return Load(
        peak_1s=max(per_second),
        peak_10s=max(tens),
        mean=total / wave.window,
        broadcast_seconds=sending,
        late=late,
        seconds=per_second,
    )


@dataclass(frozen=True)
class Sizing:
    wave: Wave
    load: Load
    worker_cores: float  # cores of web workers busy at the peak (10 s)
    workers: int
    leader_cores: float  # the scheduler/outbox process while it broadcasts
    statements_s: float
    commits_s: float
    db_cores: float
    connections: int
    disk_mb: float
    memory_mb: float  # all processes' resident memory


def size(measured: Measured, wave: Wave) -> Sizing:
    load = simulate(wave)
    busy = load.peak_10s * measured.step_ms / 1000
    workers = max(1, math.ceil(busy / UTILISATION))
    leader = min(wave.rate, wave.participants) * measured.message_ms / 1000
    sending = min(wave.rate, wave.participants)
    statements = load.peak_10s * measured.statements_step + sending * measured.statements_message
    db = (load.peak_10s * measured.db_ms_step + sending * measured.db_ms_message) / 1000
    return Sizing(
        wave=wave,
        load=load,
        worker_cores=busy,
        workers=workers,
        leader_cores=leader,
        statements_s=statements,
        commits_s=load.peak_10s * measured.commits_step,
        db_cores=db / UTILISATION,
        connections=(workers + 1) * POOL,
        disk_mb=wave.participants * measured.bytes_participant / 2**20,
        memory_mb=(workers + 1) * measured.rss_mb,
    )


def table(measured: Measured, waves: list[Wave]) -> list[str]:
    """The sizing as Markdown table rows (README: "Capacity")."""
    rows = [
        "| participants | broadcast | peak steps/s (10 s) | web workers (cores at peak) "
        "| statements/s | commits/s | PostgreSQL cores | connections | disk | memory |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for wave in waves:
        s = size(measured, wave)
        late = f", {s.load.late} late" if s.load.late else ""
        rows.append(
            f"| {wave.participants:,} | {s.load.broadcast_seconds:,.0f} s at {wave.rate:,.0f}/s"
            f"{late} | {s.load.peak_10s:,.0f} | {s.workers} ({s.worker_cores:.2f}) "
            f"| {s.statements_s:,.0f} | {s.commits_s:,.0f} | {s.db_cores:.1f} "
            f"| {s.connections} | {s.disk_mb:,.0f} MB | {s.memory_mb / 1024:.1f} GB |"
        )
    return rows
