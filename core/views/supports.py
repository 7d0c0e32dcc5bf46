"""Who stands behind each idea of a round: its authors and supporters, merged ideas included.

An idea a facilitator merged into another counts for the idea it was merged into (following
merges to the end), with its author and its supporters. A resident counts once per idea,
however many of the merged ideas they wrote or supported; a resident who wrote one of them is
an author, not also a supporter.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import sqlalchemy as sa

from core.domain import model
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
    into = {
        int(a): int(b)
        for a, b in await uow.conn.execute(
            sa.select(t.idea_merges.c.idea_id, t.idea_merges.c.into_id)
            .join(ideas, ideas.c.id == t.idea_merges.c.idea_id)
            .where(ideas.c.round_id == round_id)
        )
    }
    supports = await uow.conn.execute(
        sa.select(t.idea_supports.c.idea_id, t.idea_supports.c.resident_id)
        .join(ideas, ideas.c.id == t.idea_supports.c.idea_id)
        .where(ideas.c.round_id == round_id)
    )
    shown = {int(r.id) for r in rows if r.status != MERGED or int(r.id) not in into}
    authors: dict[int, set[int]] = defaultdict(set)
    originals: dict[int, int] = defaultdict(int)
    for row in rows:
        survivor = _survivor(int(row.id), into)
        originals[survivor] += 1
        if row.resident_id is not None:
            authors[survivor].add(int(row.resident_id))
    supporters: dict[int, set[int]] = defaultdict(set)
    for idea_id, resident_id in supports:
        supporters[_survivor(int(idea_id), into)].add(int(resident_id))
    return {
        idea_id: IdeaBacking(
            idea_id,
            len(authors[idea_id]),
            len(supporters[idea_id] - authors[idea_id]),
            originals[idea_id],
        )
        for idea_id in sorted(shown)
    }


def _survivor(idea_id: int, into: dict[int, int]) -> int:
    seen = {idea_id}
    while idea_id in into and into[idea_id] not in seen:
        idea_id = into[idea_id]
        seen.add(idea_id)
    return idea_id
