"""Leader election: one process schedules rounds and sends the outbox.

On PostgreSQL the leader holds an advisory lock on a connection of its own; the others try
again now and then and take over when the leader's connection goes away. SQLite has one
process, which always leads.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from core.storage.db import is_sqlite

LEADER_LOCK = 0x1_5B7A_4C  # pg advisory lock key of the scheduling/sending process


class Leadership:
    """One process schedules and sends: on PostgreSQL the holder of an advisory lock."""

    def __init__(self, engine: AsyncEngine, key: int = LEADER_LOCK) -> None:
        self.engine = engine
        self.key = key
        self._conn: AsyncConnection | None = None

    @property
    def held(self) -> bool:
        return self._conn is not None or is_sqlite(str(self.engine.url))

    async def acquire(self) -> bool:
        """Try once to become the leader; True when this process is (or already was)."""
        if is_sqlite(str(self.engine.url)) or self._conn is not None:
            return True
        conn = await self.engine.connect()
        await conn.execution_options(isolation_level="AUTOCOMMIT")
        try:
            got = bool(
                await conn.scalar(sa.text("SELECT pg_try_advisory_lock(:key)"), {"key": self.key})
            )
        except Exception:
            await conn.close()
            raise
        if not got:
            await conn.close()
            return False
        self._conn = conn
        return True

    async def release(self) -> None:
        if self._conn is None:
            return
        conn, self._conn = self._conn, None
        try:
            await conn.execute(sa.text("SELECT pg_advisory_unlock(:key)"), {"key": self.key})
        finally:
            await conn.close()
