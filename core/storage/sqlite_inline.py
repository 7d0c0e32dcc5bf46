"""An aiosqlite connection that runs SQLite on the calling thread instead of a worker thread.

Why hand-written: aiosqlite sends every call (each execute, fetch, commit) to a worker thread
and back, which costs far more than the statement itself for the short statements of a
dialogue step (a step of ~11 statements took ~9 ms, mostly thread hops and wake-ups). SQLite in
WAL mode with ``synchronous=NORMAL`` answers those statements in microseconds without touching
the disk, so running them inline on the event loop is cheaper than handing them off. No
library offers this; the class reuses aiosqlite's API so SQLAlchemy's aiosqlite dialect works
unchanged on top of it (``create_async_engine(..., async_creator=...)``).

It replaces some of aiosqlite's internals (the queue to the worker thread, ``_execute``,
``_connect``), so aiosqlite is pinned exactly in ``pyproject.toml``, and
``tests/unit/storage/test_sqlite_inline_contract.py`` fails the day those internals change
(fingerprints of their source, and the behaviour this class needs from them).

Long reads (the results page over 100,000 ratings, exports) would stall the event loop here,
so :func:`core.storage.db.create_engine` keeps aiosqlite's worker thread for the engine that
serves those and uses this one only for the dialogue's short transactions.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable
from typing import Any

import aiosqlite


class _RunNow:
    """Stands in for aiosqlite's queue to its worker thread: runs each call at once.

    SQLAlchemy's dialect queues a few calls there directly (the isolation level setter).
    """

    def put_nowait(self, item: tuple[asyncio.Future[Any] | None, Callable[[], Any]]) -> None:
        future, function = item
        try:
            result = function()
        except BaseException as error:  # handed to the awaiting caller, as aiosqlite does
            if future is not None and not future.done():
                future.set_exception(error)
            return
        if future is not None and not future.done():
            future.set_result(result)


class InlineConnection(aiosqlite.Connection):
    """aiosqlite's ``Connection`` without the thread: every call runs when awaited."""

    def __init__(self, connector: Callable[[], sqlite3.Connection]) -> None:
        super().__init__(connector, iter_chunk_size=64)
        self._tx = _RunNow()  # type: ignore[assignment]

    async def _execute(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        if not self._running or self._connection is None:
            raise ValueError("Connection closed")
        return fn(*args, **kwargs)

    async def _connect(self) -> InlineConnection:
        if self._connection is None:
            self._connection = self._connector()
        return self

    def __await__(self) -> Any:
        return self._connect().__await__()

    def stop(self) -> None:  # type: ignore[override]
        self._running = False
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    async def close(self) -> None:
        self.stop()


def inline_creator(path: str, **connect_args: Any) -> Callable[[], Any]:
    """The ``async_creator`` for ``create_async_engine``: a new inline connection to ``path``."""

    async def create() -> InlineConnection:
        def connector() -> sqlite3.Connection:
            return sqlite3.connect(path, check_same_thread=False, **connect_args)

        return await InlineConnection(connector)

    return create
