"""Carry-over tokens, and moving a pseudonymous resident from one channel's pseudonym to
another's (core/services/carry_over.py says when)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from core.storage import tables as t
from core.storage.repositories import Repository

co = t.carry_overs


@dataclass(frozen=True)
class CarryOver:
    pseudonym: str  # the web chat's pseudonym the resident leaves
    project_id: int
    channel: str  # where they continue: telegram | whatsapp


class CarryOverRepository(Repository):
    async def add(
        self, token_hash: str, carry: CarryOver, now: datetime, expires_at: datetime
    ) -> None:
        await self.conn.execute(
            co.insert().values(
                token_hash=token_hash,
                pseudonym=carry.pseudonym,
                project_id=carry.project_id,
                channel=carry.channel,
                created_at=now,
                expires_at=expires_at,
            )
        )

    async def take(self, token_hash: str, now: datetime) -> CarryOver | None:
        """The carry-over of a token, used up (deleted); None when unknown or expired."""
        row = (await self.conn.execute(sa.select(co).where(co.c.token_hash == token_hash))).first()
        if row is None:
            return None
        await self.conn.execute(co.delete().where(co.c.token_hash == token_hash))
        if row.expires_at <= now:
            return None
        return CarryOver(str(row.pseudonym), int(row.project_id), str(row.channel))

    async def prune(self, now: datetime) -> int:
        """Drop expired tokens; return how many."""
        result = await self.conn.execute(co.delete().where(co.c.expires_at <= now))
        return int(result.rowcount or 0)

    async def move_resident(self, old: str, new: str, project_id: int) -> bool:
        """Give ``old``'s resident in the project the pseudonym ``new``, with its answers
        (they hang on the resident's id); False when ``new`` takes part there already."""
        r = t.residents
        taken = await self.conn.scalar(
            sa.select(r.c.id).where(r.c.pseudonym == new, r.c.project_id == project_id)
        )
        if taken is not None:
            return False
        moved = await self.conn.execute(
            r.update()
            .where(r.c.pseudonym == old, r.c.project_id == project_id)
            .values(pseudonym=new)
        )
        return bool(moved.rowcount)

    async def leave(self, pseudonym: str) -> None:
        """Forget where the pseudonym left off: the web chat's state, transcript, e-mail
        contact and other tokens (the resident continues elsewhere)."""
        for table in (t.dialogue_states, t.chat_log, t.contacts, co):
            await self.conn.execute(table.delete().where(table.c.pseudonym == pseudonym))
