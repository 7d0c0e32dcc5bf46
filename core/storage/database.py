"""One database as a process uses it: its engines, its write lock and its catalogue cache.

:func:`inspraak.bootstrap.bootstrap` builds one per container; nothing here is module-level
state, so two containers in one process (tests, a benchmark's baseline beside the system under
test) never share a lock or a cache.
"""

from __future__ import annotations

import asyncio
import weakref

from sqlalchemy.ext.asyncio import AsyncEngine

from core.storage.catalogue import Catalogue
from core.storage.db import background_for, quick_reader_for, reader_for


class Database:
    """The engines of one database and what their transactions share.

    * ``engine`` serves the dialogue's short transactions (inline on SQLite);
    * ``reader`` serves long reads (pages, exports, the analysis) without waiting for writers;
    * ``quick`` serves the few short reads before a chat step (inline on SQLite, never waiting
      for writers either);
    * ``background`` serves the outbox's bulk writes (a worker thread on SQLite);
    * on SQLite every writing transaction queues on :meth:`write_lock`;
    * ``catalogue`` caches what every step reads and is told of the changes committed here.

    On PostgreSQL the four engines are one and there is no write lock (row locks instead).
    """

    def __init__(self, engine: AsyncEngine, catalogue: Catalogue | None = None) -> None:
        self.engine = engine
        self.reader = reader_for(engine)
        self.quick = quick_reader_for(engine)
        self.background = background_for(engine)
        self.catalogue = catalogue or Catalogue()
        for each in self.engines():
            self.catalogue.watch(each)
        self._locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
            weakref.WeakKeyDictionary()
        )

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    def engines(self) -> list[AsyncEngine]:
        """Each distinct engine, the main one first."""
        found: list[AsyncEngine] = []
        for each in (self.engine, self.reader, self.quick, self.background):
            if all(each is not other for other in found):
                found.append(each)
        return found

    def write_lock(self) -> asyncio.Lock | None:
        """The lock that queues this database's SQLite writers (None on PostgreSQL).

        SQLite allows one writer at a time and its busy handler waits by sleeping and polling,
        which collapses under concurrent dialogue steps; queueing the transactions on an
        asyncio lock instead keeps them moving in order. One lock per event loop: an asyncio
        lock belongs to the loop that first waits on it (tests run a loop per test).
        """
        if not self.is_sqlite:
            return None
        loop = asyncio.get_running_loop()
        lock = self._locks.get(loop)
        if lock is None:
            lock = self._locks[loop] = asyncio.Lock()
        return lock

    async def dispose(self) -> None:
        for each in self.engines():
            await each.dispose()
