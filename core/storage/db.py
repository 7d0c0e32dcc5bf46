"""Engine creation for SQLite (embedded default) and PostgreSQL."""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import sqlite3
import traceback
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from core.storage.sqlite_inline import inline_creator
from core.storage.tables import metadata

Engine = AsyncEngine  # what the composition root passes around, without naming SQLAlchemy


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


# PostgreSQL's SQLSTATE classes that mean "this database cannot be used as configured":
# connection exceptions, refused authorisation, an unknown database (3D000).
_UNUSABLE_STATES = ("08", "28", "3D")


def unreachable(error: BaseException) -> str | None:
    """Why the configured database cannot be used, when ``error`` (or what caused it) says so:
    nothing listens at its address, the server refuses the user, there is no such database,
    or SQLite cannot open its file. ``None`` for any other error (a bug stays a traceback).

    The reason is the driver's own words, which name no password.
    """
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        state = str(getattr(current, "sqlstate", "") or "")
        if state[:2] in _UNUSABLE_STATES:
            return str(current).strip()
        if isinstance(current, (ConnectionError, socket.gaierror)) and _from_a_driver(current):
            return str(current).strip() or type(current).__name__
        if isinstance(current, sqlite3.OperationalError) and "unable to open" in str(current):
            return str(current).strip()
        current = current.__cause__ or current.__context__
    return None


_DRIVERS = ("sqlalchemy", "asyncpg", "aiosqlite", "psycopg")


def _from_a_driver(error: BaseException) -> bool:
    """Whether ``error`` went through the database's libraries (a refused connection of a
    chat's HTTP client is not the database's)."""
    frames = traceback.extract_tb(error.__traceback__)
    return any(
        f"{os.sep}{name}{os.sep}" in frame.filename for frame in frames for name in _DRIVERS
    )


def create_engine(
    url: str, *, reader: bool = False, threaded: bool = False, quick: bool = False, **kwargs: Any
) -> AsyncEngine:
    """Create the async engine; on SQLite switch on WAL, foreign keys and immediate writes.

    On SQLite the default engine runs statements on the event loop's own thread
    (:mod:`core.storage.sqlite_inline`: a dialogue step's short statements cost microseconds
    there, against a thread hop each through aiosqlite) and starts its transactions with
    ``BEGIN IMMEDIATE``, so that concurrent dialogue steps queue for the write lock instead of
    failing when a reader upgrades to a writer. ``reader=True`` gives the engine for long reads
    (result pages, exports, the opinion analysis): aiosqlite's worker thread, so the event loop
    keeps serving residents meanwhile, and deferred read-only transactions that never wait for
    the write lock (WAL readers see a snapshot). ``threaded=True`` gives a writing engine on
    the worker thread, for the outbox's bulk writes that would otherwise stall the sends in
    flight. ``quick=True`` gives the engine for short reads: deferred read-only transactions
    on the event loop's thread, for the few small reads a chat step makes before its own
    transaction (a thread hop each would wait for the interpreter lock while another thread
    computes). On PostgreSQL none of them changes anything.
    """
    if is_sqlite(url):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:" and not path.startswith("file:"):
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        connect_args = {"timeout": 30, **kwargs.pop("connect_args", {})}
        inline = (quick or not (reader or threaded)) and bool(path) and path != ":memory:"
        inline = inline and not path.startswith("file:")
        if inline:
            kwargs["async_creator"] = inline_creator(path, **connect_args)
        else:
            kwargs["connect_args"] = connect_args
        engine = create_async_engine(url, **kwargs)
        begin = "BEGIN" if reader or quick else "BEGIN IMMEDIATE"
        # On the event loop's thread SQLite's busy handler would stop every resident while
        # another process (a CLI command) writes: wait there only briefly, and longer by
        # sleeping asynchronously (see begin()).
        busy_ms = INLINE_BUSY_MS if inline else 30_000

        @event.listens_for(engine.sync_engine, "connect")
        def _on_connect(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute(f"PRAGMA busy_timeout={busy_ms}")
            cursor.close()

        @event.listens_for(engine.sync_engine, "begin")
        def _on_begin(conn: Any) -> None:
            conn.exec_driver_sql(begin)

        return engine
    if "poolclass" not in kwargs:
        kwargs.setdefault("pool_size", 10)
        kwargs.setdefault("max_overflow", 20)
    kwargs.setdefault("pool_pre_ping", True)
    return create_async_engine(url, **kwargs)


INLINE_BUSY_MS = 10  # SQLite's own wait on the loop's thread before begin() sleeps instead
BUSY_WAIT = 30.0  # seconds begin() keeps trying for the write lock held by another process


async def begin(engine: AsyncEngine) -> AsyncConnection:
    """A connection of ``engine`` with its transaction begun.

    When another process holds SQLite's write lock (``database is locked`` after the brief
    busy wait), sleep and try again for up to ``BUSY_WAIT`` seconds, so the event loop goes on
    serving everyone else meanwhile.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + BUSY_WAIT
    delay = 0.005
    while True:
        conn = await engine.connect()
        try:
            await conn.begin()
            return conn
        except OperationalError as error:
            await conn.close()
            locked = "database is locked" in str(error.orig)
            if not locked or loop.time() > deadline:
                raise
        await asyncio.sleep(delay)
        delay = min(delay * 2, 0.1)


def _beside(engine: AsyncEngine, **kind: bool) -> AsyncEngine:
    """A second engine on ``engine``'s SQLite file (``create_engine``'s ``kind``); elsewhere
    ``engine`` itself."""
    if engine.dialect.name != "sqlite":
        return engine
    return create_engine(engine.url.render_as_string(hide_password=False), **kind)


def reader_for(engine: AsyncEngine) -> AsyncEngine:
    """The engine for long reads beside ``engine``."""
    return _beside(engine, reader=True)


def quick_reader_for(engine: AsyncEngine) -> AsyncEngine:
    """The engine for short reads beside ``engine``."""
    return _beside(engine, quick=True)


def background_for(engine: AsyncEngine) -> AsyncEngine:
    """The engine for the outbox's bulk writes beside ``engine``."""
    return _beside(engine, threaded=True)


@contextlib.asynccontextmanager
async def transaction(
    engine: AsyncEngine, lock: asyncio.Lock | None
) -> AsyncIterator[AsyncConnection]:
    """A committed-on-success transaction queued on ``lock`` (the database's write lock, see
    :meth:`core.storage.database.Database.write_lock`), begun by :func:`begin`. Use it for
    every write outside a unit of work: on SQLite an unqueued writer would wait for the lock
    with the event loop stopped, and the transaction holding the lock could then never
    finish."""
    async with lock if lock is not None else contextlib.nullcontext():
        conn = await begin(engine)
        try:
            yield conn
            await conn.commit()
        finally:
            await conn.close()  # rolls back what was not committed


async def create_all(engine: AsyncEngine) -> None:
    """Create every table (tests; production uses the Alembic migrations)."""
    async with engine.begin() as conn:
        await conn.run_sync(metadata.create_all)


async def drop_all(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        await conn.run_sync(metadata.drop_all)
