"""Residents' support for ideas offered in the chat as like their own (``idea_supports``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from core.domain import model
from core.domain.merges import survivor
from core.storage import tables as t
from core.storage.repositories import Repository

APPROVED = model.ContributionStatus.APPROVED.value


@dataclass(frozen=True)
class SupportTarget:
    """The idea a support goes to (an idea merged into another leads to the one it joined)."""

    idea_id: int
    text: str  # its shown words: the facilitator's wording, else the resident's text
    own: bool  # the resident wrote it or an idea merged into it
    supported: bool  # the resident already supports it or an idea merged into it


class SupportRepository(Repository):
    async def target(self, round_id: int, idea_id: int, resident_id: int) -> SupportTarget | None:
        """What supporting ``idea_id`` means for this resident; None when it cannot be
        supported (not in the round, or its survivor not approved or flagged)."""
        return (await self.targets(round_id, [idea_id], resident_id)).get(idea_id)

    async def targets(
        self, round_id: int, idea_ids: Sequence[int], resident_id: int
    ) -> dict[int, SupportTarget]:
        """:meth:`target` for several ideas at once (the ideas offered as like a typed one),
        in four queries whatever their number; the ideas that cannot be supported are left
        out."""
        if not idea_ids:
            return {}
        merges = await self._merges(round_id)
        last = {idea_id: survivor(idea_id, merges) for idea_id in idea_ids}
        rows = await self.conn.execute(
            _SHOWN, {"ids": sorted(set(last.values())), "round_id": round_id}
        )
        shown = {
            int(row.id): str(row.wording or row.text)
            for row in rows
            if row.status == APPROVED and not list(row.flags or [])
        }
        families = {
            top: {top, *(i for i in merges if survivor(i, merges) == top)} for top in shown
        }
        members = sorted(set().union(*families.values())) if families else []
        mine = {"ids": members, "resident_id": resident_id}
        own = set(await self.conn.scalars(_OWN, mine))
        supported = set(await self.conn.scalars(_SUPPORTED, mine))
        return {
            idea_id: SupportTarget(
                top, shown[top], bool(families[top] & own), bool(families[top] & supported)
            )
            for idea_id, top in last.items()
            if top in shown
        }

    async def add(self, idea_id: int, resident_id: int, at: datetime) -> bool:
        """Record the support once; False when it was there already."""
        supports = t.idea_supports
        found = await self.conn.scalar(
            sa.select(sa.func.count()).where(
                supports.c.idea_id == idea_id, supports.c.resident_id == resident_id
            )
        )
        if found:
            return False
        await self.conn.execute(
            supports.insert().values(idea_id=idea_id, resident_id=resident_id, created_at=at)
        )
        return True

    async def texts_of(self, resident_ids: Sequence[int]) -> tuple[str, ...]:
        """The shown words of the ideas these residents support (for "my data")."""
        if not resident_ids:
            return ()
        rows = await self.conn.scalars(
            sa.select(sa.func.coalesce(t.ideas.c.wording, t.ideas.c.text))
            .join(t.idea_supports, t.idea_supports.c.idea_id == t.ideas.c.id)
            .where(t.idea_supports.c.resident_id.in_(resident_ids))
            .order_by(t.idea_supports.c.created_at, t.ideas.c.id)
        )
        return tuple(str(r) for r in rows)

    async def _merges(self, round_id: int) -> dict[int, int]:
        rows = await self.conn.execute(_MERGES, {"round_id": round_id})
        return {int(a): int(b) for a, b in rows}


# -- the look-up of the ideas offered to a typed one, built once --------------------------------
# It runs on every typed idea; building these expressions anew each time cost more than running
# them (as for the dialogue step's statements in core/storage/projects.py).

_IDS: sa.BindParameter[list[int]] = sa.bindparam("ids", expanding=True)
_MERGES = (
    sa.select(t.idea_merges.c.idea_id, t.idea_merges.c.into_id)
    .join(t.ideas, t.ideas.c.id == t.idea_merges.c.idea_id)
    .where(t.ideas.c.round_id == sa.bindparam("round_id"))
)
_SHOWN = sa.select(
    t.ideas.c.id, t.ideas.c.text, t.ideas.c.wording, t.ideas.c.status, t.ideas.c.flags
).where(t.ideas.c.id.in_(_IDS), t.ideas.c.round_id == sa.bindparam("round_id"))
_OWN = sa.select(t.ideas.c.id).where(
    t.ideas.c.id.in_(_IDS), t.ideas.c.resident_id == sa.bindparam("resident_id")
)
_SUPPORTED = sa.select(t.idea_supports.c.idea_id).where(
    t.idea_supports.c.idea_id.in_(_IDS),
    t.idea_supports.c.resident_id == sa.bindparam("resident_id"),
)
