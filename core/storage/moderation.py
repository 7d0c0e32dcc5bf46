"""Moderation storage: statuses, corrections, merges, themes and the moderation log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from core.domain import model
from core.storage import tables as t
from core.storage.repositories import Repository, to_domain

CONTRIBUTIONS = {"idea": t.ideas, "feedback": t.feedback}


class ModerationRepository(Repository):
    async def contribution(self, kind: str, contribution_id: int) -> dict[str, Any] | None:
        """Return the contribution with its round's project id, or None."""
        table = CONTRIBUTIONS[kind]
        row = (
            await self.conn.execute(
                sa.select(table, t.rounds.c.project_id)
                .join(t.rounds, t.rounds.c.id == table.c.round_id)
                .where(table.c.id == contribution_id)
            )
        ).first()
        return dict(row._mapping) if row else None

    async def idea(self, idea_id: int) -> model.Idea | None:
        row = (await self.conn.execute(sa.select(t.ideas).where(t.ideas.c.id == idea_id))).first()
        return to_domain(model.Idea, row) if row else None

    async def set_status(self, kind: str, contribution_id: int, status: str) -> None:
        table = CONTRIBUTIONS[kind]
        await self.conn.execute(
            table.update().where(table.c.id == contribution_id).values(status=status)
        )

    async def set_text(self, kind: str, contribution_id: int, text: str) -> None:
        table = CONTRIBUTIONS[kind]
        await self.conn.execute(
            table.update().where(table.c.id == contribution_id).values(text=text)
        )
        if kind == "idea":
            await self.conn.execute(
                t.items.update().where(t.items.c.idea_id == contribution_id).values(text=text)
            )

    async def set_flags(self, kind: str, contribution_id: int, flags: list[str]) -> None:
        """Replace what holds a contribution back (after a correction)."""
        table = CONTRIBUTIONS[kind]
        await self.conn.execute(
            table.update().where(table.c.id == contribution_id).values(flags=flags)
        )

    async def set_idea_items_active(self, idea_id: int, active: bool) -> None:
        await self.conn.execute(
            t.items.update().where(t.items.c.idea_id == idea_id).values(active=active)
        )

    async def item_for_idea(self, round_id: int, idea_id: int) -> int | None:
        found = await self.conn.scalar(
            sa.select(t.items.c.id).where(
                t.items.c.round_id == round_id, t.items.c.idea_id == idea_id
            )
        )
        return int(found) if found is not None else None

    async def move_ratings(self, from_item: int, to_item: int) -> int:
        """Move ratings to another item; a resident who rated both keeps only the survivor's.

        Returns the number of ratings moved.
        """
        other = t.ratings.alias("other")
        moved = await self.conn.execute(
            t.ratings.update()
            .where(
                t.ratings.c.item_id == from_item,
                ~sa.exists().where(
                    other.c.item_id == to_item,
                    other.c.resident_id == t.ratings.c.resident_id,
                    other.c.criterion == t.ratings.c.criterion,
                ),
            )
            .values(item_id=to_item)
        )
        await self.conn.execute(t.ratings.delete().where(t.ratings.c.item_id == from_item))
        return int(moved.rowcount or 0)

    async def record_merge(self, idea_id: int, into_id: int) -> None:
        await self.conn.execute(t.idea_merges.insert().values(idea_id=idea_id, into_id=into_id))
        links = t.idea_themes
        moved = sa.select(links.c.theme_id).where(links.c.idea_id == into_id)
        for theme_id in await self.conn.scalars(
            sa.select(links.c.theme_id).where(
                links.c.idea_id == idea_id, links.c.theme_id.not_in(moved)
            )
        ):
            await self.conn.execute(links.insert().values(idea_id=into_id, theme_id=theme_id))

    async def theme_id(self, round_id: int, name: str, now: datetime | None = None) -> int:
        """The id of the round's theme called ``name``, made when there is none yet."""
        found = await self.conn.scalar(
            sa.select(t.themes.c.id).where(
                t.themes.c.round_id == round_id, t.themes.c.name == name
            )
        )
        if found is not None:
            return int(found)
        made = await self.conn.execute(
            t.themes.insert().values(round_id=round_id, name=name, created_at=now)
        )
        key = made.inserted_primary_key
        assert key is not None
        return int(key[0])

    async def set_themes(self, idea_id: int, themes: list[str]) -> None:
        """Give the idea exactly these themes (by name, made in its round when new)."""
        round_id = await self.conn.scalar(
            sa.select(t.ideas.c.round_id).where(t.ideas.c.id == idea_id)
        )
        await self.conn.execute(t.idea_themes.delete().where(t.idea_themes.c.idea_id == idea_id))
        if round_id is None:
            return
        for name in dict.fromkeys(themes):
            theme_id = await self.theme_id(int(round_id), name)
            await self.conn.execute(
                t.idea_themes.insert().values(idea_id=idea_id, theme_id=theme_id)
            )

    async def log(
        self,
        project_id: int,
        user_id: int | None,
        kind: str,
        target_id: int,
        action: str,
        now: datetime,
        **detail: Any,
    ) -> None:
        await self.conn.execute(
            t.moderation_log.insert().values(
                project_id=project_id,
                user_id=user_id,
                target_kind=kind,
                target_id=target_id,
                action=action,
                detail=detail,
                created_at=now,
            )
        )
