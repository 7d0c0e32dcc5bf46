"""Unit of work: one database transaction, its repositories and the events it raised."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime
from types import TracebackType
from weakref import WeakKeyDictionary

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from core.domain.events import Event
from core.storage.repositories import (
    ContributionRepository,
    DialogueRepository,
    ProjectRepository,
    ResidentRepository,
)

Clock = Callable[[], datetime]


def utcnow() -> datetime:
    return datetime.now(UTC)


_SQLITE_WRITERS: WeakKeyDictionary[AsyncEngine, asyncio.Lock] = WeakKeyDictionary()


def _sqlite_writer(engine: AsyncEngine) -> asyncio.Lock | None:
    """One transaction at a time per SQLite database, queued in order.

    Every SQLite transaction starts with ``BEGIN IMMEDIATE`` (core/storage/db.py), so they run
    one by one anyway; without this queue a waiting connection polls in SQLite's busy handler,
    which sleeps up to 100 ms between tries and makes latency under load jump to seconds.
    """
    if engine.dialect.name != "sqlite":
        return None
    lock = _SQLITE_WRITERS.get(engine)
    if lock is None:
        lock = _SQLITE_WRITERS[engine] = asyncio.Lock()
    return lock


class UnitOfWork:
    """``async with uow: ...; await uow.commit()`` — anything not committed is rolled back."""

    projects: ProjectRepository
    residents: ResidentRepository
    contributions: ContributionRepository
    dialogue: DialogueRepository
    conn: AsyncConnection

    def __init__(self, engine: AsyncEngine, clock: Clock = utcnow) -> None:
        self.engine = engine
        self.clock = clock
        self.events: list[Event] = []

    async def __aenter__(self) -> UnitOfWork:
        self._queue = _sqlite_writer(self.engine)
        if self._queue is not None:
            await self._queue.acquire()
        try:
            self.conn = await self.engine.connect()
            await self.conn.begin()
        except BaseException:
            if self._queue is not None:
                self._queue.release()
            raise
        self.projects = ProjectRepository(self.conn)
        self.residents = ResidentRepository(self.conn)
        self.contributions = ContributionRepository(self.conn)
        self.dialogue = DialogueRepository(self.conn)
        self.events = []
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if self.conn.in_transaction():
                await self.conn.rollback()
        finally:
            try:
                await self.conn.close()
            finally:
                if self._queue is not None:
                    self._queue.release()

    async def commit(self) -> None:
        await self.conn.commit()

    async def rollback(self) -> None:
        await self.conn.rollback()

    def emit(self, event: Event) -> None:
        self.events.append(event)

    def collect_events(self) -> list[Event]:
        events, self.events = self.events, []
        return events


UnitOfWorkFactory = Callable[[], UnitOfWork]
