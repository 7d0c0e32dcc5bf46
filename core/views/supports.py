"""Who stands behind each idea of a round: its authors and supporters, merged ideas included.

An idea a facilitator merged into another counts for the idea it was merged into (following
merges to the end), with its author and its supporters. A resident counts once per idea,
however many of the merged ideas they wrote or supported; a resident who wrote one of them is
an author, not also a supporter.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from core.domain import model
from core.domain.merges import behind
from core.storage import tables as t
from core.views.reading import ReadUnit

MERGED = model.ContributionStatus.MERGED.value


@dataclass(frozen=True)
class IdeaBacking:
    """The residents behind one idea that was not merged away."""

    idea_id: int
    authors: int  # residents who wrote it or an idea merged into it
    supporters: int  # residents who chose it (or a merged idea) in the chat, authors apart
    originals: int  # the ideas it stands for: itself and those merged into it

    @property
    def residents(self) -> int:
        """Everyone behind the idea: its authors and its supporters."""
        return self.authors + self.supporters


async def round_merges(conn: AsyncConnection, round_id: int) -> dict[int, int]:
    """The merges among a round's ideas: merged idea → the idea it was merged into."""
    rows = await conn.execute(
        sa.select(t.idea_merges.c.idea_id, t.idea_merges.c.into_id)
        .join(t.ideas, t.ideas.c.id == t.idea_merges.c.idea_id)
        .where(t.ideas.c.round_id == round_id)
    )
    return {int(a): int(b) for a, b in rows}


async def round_supports(conn: AsyncConnection, round_id: int) -> list[tuple[int, int]]:
    """Every "I meant that one" of a round: (idea, resident)."""
    rows = await conn.execute(
        sa.select(t.idea_supports.c.idea_id, t.idea_supports.c.resident_id)
        .join(t.ideas, t.ideas.c.id == t.idea_supports.c.idea_id)
        .where(t.ideas.c.round_id == round_id)
    )
    return [(int(a), int(b)) for a, b in rows]


async def idea_backing(uow: ReadUnit, round_id: int) -> dict[int, IdeaBacking]:
    """Authors, supporters and originals per idea of the round (merged ideas folded into the
    idea they were merged into; three queries)."""
    ideas = t.ideas
    rows = (
        await uow.conn.execute(
            sa.select(ideas.c.id, ideas.c.resident_id, ideas.c.status).where(
                ideas.c.round_id == round_id
            )
        )
    ).all()
    into = await round_merges(uow.conn, round_id)
    found = behind(
        ((int(r.id), r.resident_id) for r in rows), into, await round_supports(uow.conn, round_id)
    )
    shown = {int(r.id) for r in rows if r.status != MERGED or int(r.id) not in into}
    return {
        idea_id: IdeaBacking(
            idea_id,
            len(found[idea_id].authors),
            len(found[idea_id].supporters),
            found[idea_id].originals,
        )
        for idea_id in sorted(shown)
    }
