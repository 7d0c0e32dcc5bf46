"""Residents: who takes part in a project, under a pseudonym."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from core.domain import model
from core.storage import tables as t
from core.storage.repositories import Repository, to_domain


class ResidentRepository(Repository):
    async def get(self, pseudonym: str, project_id: int) -> model.Resident | None:
        params = {"pseudonym": pseudonym, "project_id": project_id}
        row = (await self.conn.execute(_RESIDENT, params)).first()
        return to_domain(model.Resident, row) if row else None

    async def get_with_contact(
        self, pseudonym: str, project_id: int
    ) -> tuple[model.Resident | None, str | None]:
        """The resident (as :meth:`get`) and the channel of their pseudonym's contact
        (``telegram``, ``email``..., None without one), in one round trip: a dialogue step
        needs both."""
        params = {"pseudonym": pseudonym, "project_id": project_id}
        row = (await self.conn.execute(_RESIDENT_AND_CONTACT, params)).first()
        if row is None:
            return None, None
        return to_domain(model.Resident, row), row.contact_channel

    async def by_id(self, resident_id: int) -> model.Resident | None:
        row = (
            await self.conn.execute(sa.select(t.residents).where(t.residents.c.id == resident_id))
        ).first()
        return to_domain(model.Resident, row) if row else None

    async def for_pseudonym(self, pseudonym: str) -> list[model.Resident]:
        rows = await self.conn.execute(
            sa.select(t.residents).where(t.residents.c.pseudonym == pseudonym)
        )
        return [to_domain(model.Resident, r) for r in rows]

    async def add(self, resident: model.Resident) -> int:
        return await self._insert(t.residents, resident)

    async def add_many(self, residents: list[model.Resident]) -> list[int]:
        """Add residents in bulk (an import); their ids in the given order."""
        return await self._insert_many(t.residents, residents)

    async def update(self, resident_id: int, **values: Any) -> None:
        await self.conn.execute(
            t.residents.update().where(t.residents.c.id == resident_id).values(**values)
        )

    async def place_in_wijken(self, project_id: int, wijken: dict[str, list[str]]) -> int:
        """Give residents known only by a postcode area the wijk that now lists it."""
        placed = 0
        for name, codes in wijken.items():
            if not codes:
                continue
            result = await self.conn.execute(
                t.residents.update()
                .where(t.residents.c.project_id == project_id, t.residents.c.wijk.in_(codes))
                .values(wijk=name)
            )
            placed += result.rowcount or 0
        return placed

    async def update_pseudonym(self, pseudonym: str, **values: Any) -> None:
        await self.conn.execute(
            t.residents.update().where(t.residents.c.pseudonym == pseudonym).values(**values)
        )

    async def change_status(self, pseudonym: str, old: str, new: str) -> None:
        """Move a pseudonym's residents from status ``old`` to ``new`` (others untouched)."""
        await self.conn.execute(
            t.residents.update()
            .where(t.residents.c.pseudonym == pseudonym, t.residents.c.status == old)
            .values(status=new)
        )

    async def save_contact(
        self,
        pseudonym: str,
        channel: str,
        address: str,
        now: datetime,
        bot_id: int | None = None,
    ) -> None:
        found = await self.conn.scalar(
            sa.select(t.contacts.c.pseudonym).where(t.contacts.c.pseudonym == pseudonym)
        )
        values = {"channel": channel, "address": address, "updated_at": now, "bot_id": bot_id}
        if found:
            await self.conn.execute(
                t.contacts.update().where(t.contacts.c.pseudonym == pseudonym).values(**values)
            )
        else:
            await self.conn.execute(t.contacts.insert().values(pseudonym=pseudonym, **values))

    async def forget(self, pseudonym: str) -> int:
        """Erase a pseudonym's residents, contributions, state, log and contact details."""
        ids = [
            int(i)
            for i in await self.conn.scalars(
                sa.select(t.residents.c.id).where(t.residents.c.pseudonym == pseudonym)
            )
        ]
        if ids:
            idea_ids = sa.select(t.ideas.c.id).where(t.ideas.c.resident_id.in_(ids))
            item_ids = sa.select(t.items.c.id).where(t.items.c.idea_id.in_(idea_ids))
            for table in (t.ratings, t.votes):
                await self.conn.execute(table.delete().where(table.c.item_id.in_(item_ids)))
            await self.conn.execute(t.items.delete().where(t.items.c.idea_id.in_(idea_ids)))
            supports = t.idea_supports  # theirs, and others' support for their erased ideas
            await self.conn.execute(
                supports.delete().where(
                    sa.or_(supports.c.resident_id.in_(ids), supports.c.idea_id.in_(idea_ids))
                )
            )
            for table in (t.ratings, t.votes, t.feedback, t.ideas, t.round_progress):
                await self.conn.execute(table.delete().where(table.c.resident_id.in_(ids)))
            await self.conn.execute(t.residents.delete().where(t.residents.c.id.in_(ids)))
        for table in (t.contacts, t.dialogue_states, t.chat_log, t.outbox, t.carry_overs):
            await self.conn.execute(table.delete().where(table.c.pseudonym == pseudonym))
        return len(ids)


_RESIDENT = sa.select(t.residents).where(
    t.residents.c.pseudonym == sa.bindparam("pseudonym"),
    t.residents.c.project_id == sa.bindparam("project_id"),
)
_RESIDENT_AND_CONTACT = (
    sa.select(t.residents, t.contacts.c.channel.label("contact_channel"))
    .select_from(
        t.residents.outerjoin(t.contacts, t.contacts.c.pseudonym == t.residents.c.pseudonym)
    )
    .where(
        t.residents.c.pseudonym == sa.bindparam("pseudonym"),
        t.residents.c.project_id == sa.bindparam("project_id"),
    )
)
