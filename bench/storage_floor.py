"""What the storage of one resident step costs at least, stack by stack, side by side.

    python bench/storage_floor.py [--runs 5] [--steps 3000] [--postgres URL] [--bare-ms 1.35]

A Telegram button press stores its answer durably in one transaction: it claims the update's
id, reads the resident's dialogue state, the resident, their progress and the round, writes
the answer and the new state, and commits (bench/telegram_inbound.py's step). This script
times that shape of transaction (four reads by key, three writes, one commit) in the
process's own CPU time, on each way of running it, interleaved run by run so a busy moment of
the machine falls on all of them:

* **SQLAlchemy async**: inspraak's own engine (``core.storage.db.create_engine``): SQLite on
  the event loop's thread, PostgreSQL through asyncpg with the pool's ping on checkout;
* **SQLAlchemy sync** (SQLite only): the same library and statements without the asyncio
  bridge (pysqlite) — what the greenlet hand-over costs;
* **raw driver**: ``sqlite3`` / ``asyncpg`` with the SQL as text: the floor of any code;
* on PostgreSQL also **SQLAlchemy async without the ping** (``pool_pre_ping=False``).

``--bare-ms``: the CPU per step of the bare aiogram bot making the same Bot API calls
(bench/telegram_inbound.py's baseline on this machine). With it, the script prints the most
"inspraak / bare bot" could reach if everything inspraak does besides storing (reading the
message, the dialogue, the replies) cost nothing, and the most "PostgreSQL / SQLite" could
reach given inspraak's SQLite step (``--inspraak-ms``).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.storage import tables as t  # noqa: E402
from core.storage.db import create_all, create_engine, drop_all  # noqa: E402

READS, WRITES = 4, 3  # a Telegram press: see the module's docstring
KEYS = 100

SELECT = sa.select(t.dialogue_states.c.state).where(
    t.dialogue_states.c.pseudonym == sa.bindparam("k")
)
UPDATE = (
    t.dialogue_states.update()
    .where(t.dialogue_states.c.pseudonym == sa.bindparam("k"))
    .values(state=sa.bindparam("s"))
)
SELECT_SQL = "SELECT state FROM dialogue_states WHERE pseudonym = {}"
UPDATE_SQL = "UPDATE dialogue_states SET state = {} WHERE pseudonym = {}"

Step = Callable[[int], Awaitable[None]]


async def prepared(url: str) -> None:
    """Empty the database and store ``KEYS`` dialogue states to read and write."""
    engine = create_engine(url)
    await drop_all(engine)
    await create_all(engine)
    async with engine.begin() as conn:
        rows = [{"pseudonym": f"p{n}", "channel": "bench", "state": {}} for n in range(KEYS)]
        await conn.execute(t.dialogue_states.insert(), rows)
    await engine.dispose()


def sqlalchemy_async(url: str, **engine_args: object) -> tuple[Step, Callable[[], Awaitable]]:
    """A step through inspraak's own async engine."""
    engine = create_engine(url, **engine_args)  # type: ignore[arg-type]

    async def step(n: int) -> None:
        key = f"p{n % KEYS}"
        async with engine.connect() as conn:
            await conn.begin()
            for _ in range(READS):
                (await conn.execute(SELECT, {"k": key})).scalar()
            for _ in range(WRITES):
                await conn.execute(UPDATE, {"k": key, "s": {"n": n}})
            await conn.commit()

    return step, engine.dispose


def sqlalchemy_sync(path: str) -> tuple[Step, Callable[[], Awaitable]]:
    """The same statements through SQLAlchemy's synchronous pysqlite engine."""
    engine = sa.create_engine(f"sqlite:///{path}")

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        dbapi_connection.isolation_level = None
        dbapi_connection.execute("PRAGMA journal_mode=WAL")
        dbapi_connection.execute("PRAGMA synchronous=NORMAL")

    @sa.event.listens_for(engine, "begin")
    def _on_begin(conn: sa.Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    async def step(n: int) -> None:
        key = f"p{n % KEYS}"
        with engine.connect() as conn:
            conn.begin()
            for _ in range(READS):
                conn.execute(SELECT, {"k": key}).scalar()
            for _ in range(WRITES):
                conn.execute(UPDATE, {"k": key, "s": {"n": n}})
            conn.commit()

    async def close() -> None:
        engine.dispose()

    return step, close


def raw_sqlite(path: str) -> tuple[Step, Callable[[], Awaitable]]:
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    select, update = SELECT_SQL.format("?"), UPDATE_SQL.format("?", "?")

    async def step(n: int) -> None:
        key = f"p{n % KEYS}"
        connection.execute("BEGIN IMMEDIATE")
        for _ in range(READS):
            connection.execute(select, (key,)).fetchone()
        for _ in range(WRITES):
            connection.execute(update, (json.dumps({"n": n}), key))
        connection.execute("COMMIT")

    async def close() -> None:
        connection.close()

    return step, close


async def raw_asyncpg(url: str) -> tuple[Step, Callable[[], Awaitable]]:
    import asyncpg

    connection = await asyncpg.connect(url.replace("postgresql+asyncpg", "postgresql"))
    select, update = SELECT_SQL.format("$1"), UPDATE_SQL.format("$1::json", "$2")

    async def step(n: int) -> None:
        key = f"p{n % KEYS}"
        async with connection.transaction():
            for _ in range(READS):
                await connection.fetchval(select, key)
            for _ in range(WRITES):
                await connection.execute(update, json.dumps({"n": n}), key)

    return step, connection.close


async def cpu_ms_per_step(step: Step, steps: int) -> float:
    """The process's CPU per step over ``steps`` steps (after a few untimed ones)."""
    for n in range(50):
        await step(n)
    used = time.process_time()
    for n in range(steps):
        await step(n)
    return (time.process_time() - used) / steps * 1000


async def measure(stacks: dict[str, Callable[[], Awaitable]], runs: int, steps: int) -> dict:
    """Median CPU ms per step of each stack, the stacks interleaved run by run."""
    found: dict[str, list[float]] = {name: [] for name in stacks}
    for _ in range(runs):
        for name, make in stacks.items():
            step, close = await make()
            try:
                found[name].append(await cpu_ms_per_step(step, steps))
            finally:
                await close()
    return {name: (statistics.median(values), values) for name, values in found.items()}


def table(title: str, figures: dict, floor: str) -> None:
    print(f"{title}  ({READS} reads + {WRITES} writes + commit per step)")
    base = figures[floor][0]
    for name, (median, values) in figures.items():
        runs = ", ".join(f"{v:.3f}" for v in values)
        print(f"  {name:<40}{median:7.3f} ms   x{median / base:5.1f} of {floor}   [{runs}]")


async def main(args: argparse.Namespace) -> None:
    print(f"CPU of this process per step, median of {args.runs} runs x {args.steps} steps; "
          f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        path = f"{tmp}/floor.db"
        url = f"sqlite+aiosqlite:///{path}"
        await prepared(url)

        async def ours() -> tuple[Step, Callable[[], Awaitable]]:
            return sqlalchemy_async(url)

        async def sync() -> tuple[Step, Callable[[], Awaitable]]:
            return sqlalchemy_sync(path)

        async def raw() -> tuple[Step, Callable[[], Awaitable]]:
            return raw_sqlite(path)

        stacks = {"SQLAlchemy async (inspraak)": ours, "SQLAlchemy sync": sync, "sqlite3": raw}
        sqlite = await measure(stacks, args.runs, args.steps)
    table("SQLite", sqlite, "sqlite3")
    postgres = None
    if args.postgres:
        await prepared(args.postgres)

        async def pg_ours() -> tuple[Step, Callable[[], Awaitable]]:
            return sqlalchemy_async(args.postgres)

        async def pg_no_ping() -> tuple[Step, Callable[[], Awaitable]]:
            return sqlalchemy_async(args.postgres, pool_pre_ping=False)

        async def pg_raw() -> tuple[Step, Callable[[], Awaitable]]:
            return await raw_asyncpg(args.postgres)

        stacks = {
            "SQLAlchemy async + ping (inspraak)": pg_ours,
            "SQLAlchemy async, no ping": pg_no_ping,
            "asyncpg": pg_raw,
        }
        postgres = await measure(stacks, args.runs, max(args.steps // 2, 100))
        table("PostgreSQL", postgres, "asyncpg")
    if args.bare_ms:
        ours_ms = sqlite["SQLAlchemy async (inspraak)"][0]
        raw_ms = sqlite["sqlite3"][0]
        print(
            f"inspraak / bare bot ({args.bare_ms:.2f} ms per step), with everything but the "
            f"storage free: at most {args.bare_ms / (args.bare_ms + ours_ms):.2f} on SQLAlchemy "
            f"async, {args.bare_ms / (args.bare_ms + raw_ms):.2f} on raw sqlite3 (target 0.8)"
        )
    if args.inspraak_ms and postgres is not None:
        extra = (
            postgres["SQLAlchemy async + ping (inspraak)"][0]
            - sqlite["SQLAlchemy async (inspraak)"][0]
        )
        raw_extra = postgres["asyncpg"][0] - sqlite["sqlite3"][0]
        print(
            f"PostgreSQL / SQLite for an inspraak step of {args.inspraak_ms:.2f} ms on SQLite: "
            f"at most {args.inspraak_ms / (args.inspraak_ms + extra):.2f} as built, "
            f"{args.inspraak_ms / (args.inspraak_ms + raw_extra):.2f} on raw drivers "
            "(target 0.9)"
        )


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--steps", type=int, default=3000)
    parser.add_argument("--postgres", default=os.environ.get("INSPRAAK_BENCH_POSTGRES_URL"))
    parser.add_argument("--bare-ms", type=float, help="the bare bot's CPU ms per step")
    parser.add_argument("--inspraak-ms", type=float, help="inspraak's CPU ms per SQLite step")
    return parser.parse_args()


if __name__ == "__main__":
    asyncio.run(main(parse_args()))
