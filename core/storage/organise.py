"""Organise-page storage: themes as objects, wordings, and snapshots that undo an action.

A snapshot holds, for a set of ideas, everything an organise action may change about them:
status and wording, their rating items (active, text), the merges they are the merged side of,
their themes and, for a merge, the ratings on their items. ``restore`` puts all of it back.
Snapshots are stored as JSON in ``organise_actions.undo``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from core.storage import tables as t
from core.storage.repositories import Repository

Snapshot = dict[str, Any]


def _stamp(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _unstamp(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


class OrganiseRepository(Repository):
    # --- ideas ---------------------------------------------------------------------------
    async def ideas(self, idea_ids: list[int]) -> dict[int, dict[str, Any]]:
        """The ideas by id (any round: the caller checks the round)."""
        rows = await self.conn.execute(sa.select(t.ideas).where(t.ideas.c.id.in_(idea_ids)))
        return {int(r.id): dict(r._mapping) for r in rows}

    async def set_wording(self, idea_id: int, wording: str | None) -> None:
        await self.conn.execute(
            t.ideas.update().where(t.ideas.c.id == idea_id).values(wording=wording)
        )

    # --- themes --------------------------------------------------------------------------
    async def theme(self, theme_id: int) -> dict[str, Any] | None:
        row = (
            await self.conn.execute(sa.select(t.themes).where(t.themes.c.id == theme_id))
        ).first()
        return dict(row._mapping) if row else None

    async def theme_named(self, round_id: int, name: str) -> int | None:
        """The round's theme of this name, whatever its case."""
        found = await self.conn.scalar(
            sa.select(t.themes.c.id).where(
                t.themes.c.round_id == round_id, sa.func.lower(t.themes.c.name) == name.lower()
            )
        )
        return int(found) if found is not None else None

    async def add_theme(
        self, round_id: int, name: str, now: datetime | None, theme_id: int | None = None
    ) -> int:
        values: dict[str, Any] = {"round_id": round_id, "name": name, "created_at": now}
        if theme_id is not None:
            values["id"] = theme_id
        made = await self.conn.execute(t.themes.insert().values(**values))
        key = made.inserted_primary_key
        assert key is not None
        return int(key[0])

    async def rename_theme(self, theme_id: int, name: str) -> None:
        await self.conn.execute(
            t.themes.update().where(t.themes.c.id == theme_id).values(name=name)
        )

    async def delete_theme(self, theme_id: int) -> list[int]:
        """Delete a theme; returns the ideas it was given to."""
        links = t.idea_themes
        ideas = [
            int(i)
            for i in await self.conn.scalars(
                sa.select(links.c.idea_id).where(links.c.theme_id == theme_id)
            )
        ]
        await self.conn.execute(links.delete().where(links.c.theme_id == theme_id))
        await self.conn.execute(t.themes.delete().where(t.themes.c.id == theme_id))
        return ideas

    async def link_theme(self, theme_id: int, idea_ids: list[int]) -> None:
        links = t.idea_themes
        have = set(
            await self.conn.scalars(
                sa.select(links.c.idea_id).where(
                    links.c.theme_id == theme_id, links.c.idea_id.in_(idea_ids)
                )
            )
        )
        rows = [{"idea_id": i, "theme_id": theme_id} for i in idea_ids if i not in have]
        if rows:
            await self.conn.execute(links.insert(), rows)

    async def unlink_theme(self, theme_id: int, idea_ids: list[int]) -> None:
        links = t.idea_themes
        await self.conn.execute(
            links.delete().where(links.c.theme_id == theme_id, links.c.idea_id.in_(idea_ids))
        )

    # --- the undo log --------------------------------------------------------------------
    async def add_action(
        self, round_id: int, user_id: int | None, kind: str, undo: Snapshot, now: datetime
    ) -> int:
        made = await self.conn.execute(
            t.organise_actions.insert().values(
                round_id=round_id, user_id=user_id, kind=kind, undo=undo, created_at=now
            )
        )
        key = made.inserted_primary_key
        assert key is not None
        return int(key[0])

    async def last_action(self, round_id: int) -> dict[str, Any] | None:
        """The round's newest action not undone yet."""
        actions = t.organise_actions
        row = (
            await self.conn.execute(
                sa.select(actions)
                .where(actions.c.round_id == round_id, actions.c.undone_at.is_(None))
                .order_by(actions.c.id.desc())
                .limit(1)
            )
        ).first()
        return dict(row._mapping) if row else None

    async def mark_undone(self, action_id: int, now: datetime) -> None:
        actions = t.organise_actions
        await self.conn.execute(
            actions.update().where(actions.c.id == action_id).values(undone_at=now)
        )

    # --- snapshots -----------------------------------------------------------------------
    async def snapshot(self, idea_ids: list[int], ratings: bool = False) -> Snapshot:
        """What an action may change about these ideas (see the module's docstring)."""
        conn = self.conn
        ideas = [
            {"id": int(r.id), "status": r.status, "wording": r.wording}
            for r in await conn.execute(
                sa.select(t.ideas.c.id, t.ideas.c.status, t.ideas.c.wording).where(
                    t.ideas.c.id.in_(idea_ids)
                )
            )
        ]
        items = [
            {"id": int(r.id), "idea_id": int(r.idea_id), "active": bool(r.active), "text": r.text}
            for r in await conn.execute(
                sa.select(t.items.c.id, t.items.c.idea_id, t.items.c.active, t.items.c.text).where(
                    t.items.c.idea_id.in_(idea_ids)
                )
            )
        ]
        merges = [
            [int(a), int(b)]
            for a, b in await conn.execute(
                sa.select(t.idea_merges.c.idea_id, t.idea_merges.c.into_id).where(
                    t.idea_merges.c.idea_id.in_(idea_ids)
                )
            )
        ]
        themes = [
            [int(a), int(b)]
            for a, b in await conn.execute(
                sa.select(t.idea_themes.c.idea_id, t.idea_themes.c.theme_id).where(
                    t.idea_themes.c.idea_id.in_(idea_ids)
                )
            )
        ]
        shot: Snapshot = {"ideas": ideas, "items": items, "merges": merges, "themes": themes}
        if ratings:
            shot["ratings"] = await self._ratings([i["id"] for i in items])
        return shot

    async def _ratings(self, item_ids: list[int]) -> list[dict[str, Any]]:
        rows = await self.conn.execute(
            sa.select(t.ratings).where(t.ratings.c.item_id.in_(item_ids))
        )
        return [{**r._mapping, "created_at": _stamp(r.created_at)} for r in rows]

    async def restore(self, shot: Snapshot) -> None:
        """Put the ideas of a snapshot back as they were (see the module's docstring)."""
        conn = self.conn
        idea_ids = [i["id"] for i in shot["ideas"]]
        kept_items = [i["id"] for i in shot["items"]]
        made_since = sa.select(t.items.c.id).where(
            t.items.c.idea_id.in_(idea_ids), t.items.c.id.not_in(kept_items)
        )
        if "ratings" in shot:  # ratings moved by a merge go back where they were
            rows = [{**r, "created_at": _unstamp(r["created_at"])} for r in shot["ratings"]]
            await conn.execute(t.ratings.delete().where(t.ratings.c.item_id.in_(made_since)))
            await conn.execute(
                t.ratings.delete().where(t.ratings.c.id.in_([r["id"] for r in rows]))
            )
            if rows:
                await conn.execute(t.ratings.insert(), rows)
            await conn.execute(t.votes.delete().where(t.votes.c.item_id.in_(made_since)))
            await conn.execute(t.items.delete().where(t.items.c.id.in_(made_since)))
        else:  # items an approval made stay (ratings may sit on them), out of the rounds
            await conn.execute(
                t.items.update().where(t.items.c.id.in_(made_since)).values(active=False)
            )
        for item in shot["items"]:
            await conn.execute(
                t.items.update()
                .where(t.items.c.id == item["id"])
                .values(active=item["active"], text=item["text"])
            )
        for idea in shot["ideas"]:
            await conn.execute(
                t.ideas.update()
                .where(t.ideas.c.id == idea["id"])
                .values(status=idea["status"], wording=idea["wording"])
            )
        await conn.execute(t.idea_merges.delete().where(t.idea_merges.c.idea_id.in_(idea_ids)))
        if shot["merges"]:
            await conn.execute(
                t.idea_merges.insert(), [{"idea_id": a, "into_id": b} for a, b in shot["merges"]]
            )
        await conn.execute(t.idea_themes.delete().where(t.idea_themes.c.idea_id.in_(idea_ids)))
        if shot["themes"]:
            await conn.execute(
                t.idea_themes.insert(), [{"idea_id": a, "theme_id": b} for a, b in shot["themes"]]
            )

    async def statuses(self, idea_ids: list[int]) -> dict[int, str]:
        rows = await self.conn.execute(
            sa.select(t.ideas.c.id, t.ideas.c.status).where(t.ideas.c.id.in_(idea_ids))
        )
        return {int(a): str(b) for a, b in rows}
