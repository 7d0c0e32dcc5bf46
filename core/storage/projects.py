"""Projects, their rounds and items, and organisations."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from core.domain import model
from core.storage import tables as t
from core.storage.repositories import Repository, row_values, to_domain


class ProjectRepository(Repository):
    async def organisation(self, slug: str, name: str | None = None) -> int:
        """Return the id of the organisation ``slug``, creating it when missing."""
        found = await self.conn.scalar(
            sa.select(t.organisations.c.id).where(t.organisations.c.slug == slug)
        )
        if found is not None:
            return int(found)
        return await self._insert(t.organisations, model.Organisation(slug, name or slug))

    async def organisation_slug(self, organisation_id: int) -> str:
        return str(
            await self.conn.scalar(
                sa.select(t.organisations.c.slug).where(t.organisations.c.id == organisation_id)
            )
        )

    async def organisation_name(self, organisation_id: int) -> str | None:
        """The display name of an organisation (``None`` when there is no such organisation)."""
        return await self.conn.scalar(
            sa.select(t.organisations.c.name).where(t.organisations.c.id == organisation_id)
        )

    async def organisation_by_slug(self, slug: str) -> model.Organisation | None:
        row = (
            await self.conn.execute(
                sa.select(t.organisations).where(t.organisations.c.slug == slug)
            )
        ).first()
        return to_domain(model.Organisation, row) if row else None

    async def set_privacy(self, organisation_id: int, contact: str, text: str) -> None:
        """Change the privacy contact and text of an organisation's privacy statement."""
        await self.conn.execute(
            t.organisations.update()
            .where(t.organisations.c.id == organisation_id)
            .values(privacy_contact=contact, privacy_text=text)
        )

    async def set_logo(
        self, organisation_id: int, media_type: str, data: bytes, now: datetime
    ) -> None:
        """Store an organisation's logo in place of the one it had."""
        logos = t.organisation_logos
        await self.conn.execute(logos.delete().where(logos.c.organisation_id == organisation_id))
        await self.conn.execute(
            logos.insert().values(
                organisation_id=organisation_id, media_type=media_type, data=data, updated_at=now
            )
        )

    async def remove_logo(self, organisation_id: int) -> None:
        logos = t.organisation_logos
        await self.conn.execute(logos.delete().where(logos.c.organisation_id == organisation_id))

    async def by_code(self, code: str) -> model.Project | None:
        row = (
            await self.conn.execute(sa.select(t.projects).where(t.projects.c.code == code))
        ).first()
        return to_domain(model.Project, row) if row else None

    async def get(self, project_id: int) -> model.Project | None:
        row = (
            await self.conn.execute(sa.select(t.projects).where(t.projects.c.id == project_id))
        ).first()
        return to_domain(model.Project, row) if row else None

    async def add(self, project: model.Project) -> int:
        return await self._insert(t.projects, project)

    async def update(self, project: model.Project) -> None:
        await self.conn.execute(
            t.projects.update()
            .where(t.projects.c.id == project.id)
            .values(**row_values(project, t.projects))
        )

    async def delete(self, project_id: int) -> None:
        """Remove a project; its rounds, items and everything else of it go with it."""
        await self.conn.execute(t.projects.delete().where(t.projects.c.id == project_id))

    async def has_residents(self, project_id: int) -> bool:
        """Whether any resident has joined the project (even one who left or was erased)."""
        found = await self.conn.scalar(
            sa.select(t.residents.c.id).where(t.residents.c.project_id == project_id).limit(1)
        )
        return found is not None

    async def all(self) -> list[model.Project]:
        rows = await self.conn.execute(sa.select(t.projects).order_by(t.projects.c.id))
        return [to_domain(model.Project, r) for r in rows]

    async def count(self, *, exclusive: bool = False) -> int:
        """How many projects there are.

        ``exclusive``: on PostgreSQL no other transaction adds a project until this one ends,
        so of several processes starting at once on an empty database only one loads the demo.
        """
        if exclusive and self.conn.dialect.name == "postgresql":
            await self.conn.execute(sa.text("LOCK TABLE projects IN SHARE ROW EXCLUSIVE MODE"))
        return int(
            (await self.conn.scalar(sa.select(sa.func.count()).select_from(t.projects))) or 0
        )

    async def rounds(self, project_id: int) -> list[model.Round]:
        rows = await self.conn.execute(
            sa.select(t.rounds)
            .where(t.rounds.c.project_id == project_id)
            .order_by(t.rounds.c.position, t.rounds.c.id)
        )
        return [to_domain(model.Round, r) for r in rows]

    async def round(self, round_id: int) -> model.Round | None:
        row = (
            await self.conn.execute(sa.select(t.rounds).where(t.rounds.c.id == round_id))
        ).first()
        return to_domain(model.Round, row) if row else None

    async def add_round(self, rnd: model.Round) -> int:
        return await self._insert(t.rounds, rnd)

    async def update_round(self, rnd: model.Round) -> None:
        await self.conn.execute(
            t.rounds.update().where(t.rounds.c.id == rnd.id).values(**row_values(rnd, t.rounds))
        )

    async def delete_round(self, round_id: int) -> None:
        await self.conn.execute(t.rounds.delete().where(t.rounds.c.id == round_id))

    async def items(self, round_id: int, active_only: bool = True) -> list[model.Item]:
        query = sa.select(t.items).where(t.items.c.round_id == round_id)
        if active_only:
            query = query.where(t.items.c.active.is_(True))
        rows = await self.conn.execute(query.order_by(t.items.c.position, t.items.c.id))
        return [to_domain(model.Item, r) for r in rows]

    async def item_and_round(self, item_id: int) -> tuple[model.Item, model.Round] | None:
        """An item together with its round, in one query (the answer handlers check both)."""
        row = (await self.conn.execute(_ITEM_AND_ROUND, {"item_id": item_id})).first()
        if row is None:
            return None
        mapping = row._mapping
        item = model.Item(**{c.name: mapping[f"item_{c.name}"] for c in t.items.c})
        return item, to_domain(model.Round, row)

    async def item(self, item_id: int) -> model.Item | None:
        row = (await self.conn.execute(_ITEM, {"item_id": item_id})).first()
        return to_domain(model.Item, row) if row else None

    async def add_item(self, item: model.Item) -> int:
        return await self._insert(t.items, item)

    async def set_item_active(self, item_id: int, active: bool, text: str | None = None) -> None:
        values: dict[str, Any] = {"active": active}
        if text is not None:
            values["text"] = text
        await self.conn.execute(t.items.update().where(t.items.c.id == item_id).values(**values))

    async def add_item_for_idea(self, round_id: int, idea_id: int, text: str) -> None:
        """Make an idea rateable in a round, once (the unique key makes a repeat harmless)."""
        exists = await self.conn.scalar(
            sa.select(t.items.c.id).where(
                t.items.c.round_id == round_id, t.items.c.idea_id == idea_id
            )
        )
        if exists is None:
            await self._insert(t.items, model.Item(round_id, text, idea_id=idea_id))


# -- statements of the dialogue step, built once ----------------------------------------------
# Each resident message runs about ten statements; building their SQLAlchemy expressions anew
# every time cost more than running them (SQLite answers in microseconds), so the hot ones are
# built here with bound parameters and SQLAlchemy's compiled cache does the rest.

_ITEM = sa.select(t.items).where(t.items.c.id == sa.bindparam("item_id"))
_ITEM_AND_ROUND = (
    sa.select(t.rounds, *[c.label(f"item_{c.name}") for c in t.items.c])
    .join(t.items, t.items.c.round_id == t.rounds.c.id)
    .where(t.items.c.id == sa.bindparam("item_id"))
)
