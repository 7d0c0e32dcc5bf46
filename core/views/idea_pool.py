"""The ideas of a round as the similar-ideas engine sees them (read model).

The pool is every idea of the round that other residents may be offered, either itself or
through the idea it was merged into: approved ideas without flags (a flagged idea is never
offered, even after approval), and merged ideas whose final survivor is such an idea. Each comes
with its own words (what is compared) and the survivor's id and shown wording (what is offered).

``pool_key`` is an aggregate over the round's ideas that changes whenever the pool may have:
a new idea, an approval, a rejection, a merge, a corrected text or a new wording. It costs one
query, so the cache in :mod:`core.services.similar_ideas` can check it on every chat step.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from core.domain import model
from core.domain.merges import survivor
from core.storage import tables as t
from core.views.reading import ReadUnit

APPROVED = model.ContributionStatus.APPROVED.value
MERGED = model.ContributionStatus.MERGED.value

PoolKey = tuple[int, ...]


@dataclass(frozen=True)
class PoolIdea:
    id: int  # the idea whose words are compared
    text: str  # the resident's own words
    offered_id: int  # the idea a resident is offered for it (itself, or what it was merged into)
    offered_text: str  # the offered idea's wording (the facilitator's, else its text)


async def pool_key(uow: ReadUnit, round_id: int, up_to: int | None = None) -> PoolKey:
    """Changes whenever the round's pool may have changed (one aggregate query); its last
    number is the round's highest idea id. With ``up_to``: the key of the ideas up to that id
    alone (equal to an earlier key when only ideas after it came since)."""
    params = {"round_id": round_id} if up_to is None else {"round_id": round_id, "up_to": up_to}
    counting, merging = _POOL_KEY[up_to is not None]
    row = (await uow.conn.execute(counting, params)).one()
    merges = await uow.conn.scalar(merging, params)
    *counts, last = (int(v) for v in row)
    return (round_id, *counts, int(merges or 0), last)


def _pool_key_queries(up_to: bool) -> tuple[sa.Select, sa.Select]:
    """The two aggregates of :func:`pool_key` (with ``up_to``: up to an idea id), built once:
    the chat checks the key on every typed idea, and building them cost more than running."""
    ideas = t.ideas
    approved = sa.case((ideas.c.status == APPROVED, ideas.c.id), else_=0)
    merged = sa.case((ideas.c.status == MERGED, ideas.c.id), else_=0)
    within = [ideas.c.round_id == sa.bindparam("round_id")]
    if up_to:
        within.append(ideas.c.id <= sa.bindparam("up_to"))
    counting = sa.select(
        sa.func.count(),
        sa.func.coalesce(sa.func.sum(approved), 0),
        sa.func.coalesce(sa.func.sum(merged), 0),
        sa.func.coalesce(sa.func.sum(sa.func.length(ideas.c.text)), 0),
        sa.func.coalesce(sa.func.sum(sa.func.length(sa.func.coalesce(ideas.c.wording, ""))), 0),
        sa.func.coalesce(sa.func.sum(sa.func.json_array_length(ideas.c.flags)), 0),
        sa.func.coalesce(sa.func.max(ideas.c.id), 0),
    ).where(*within)
    merging = (
        sa.select(sa.func.coalesce(sa.func.sum(t.idea_merges.c.into_id), 0))
        .select_from(t.idea_merges)
        .join(ideas, ideas.c.id == t.idea_merges.c.idea_id)
        .where(*within)
    )
    return counting, merging


_POOL_KEY = {up_to: _pool_key_queries(up_to) for up_to in (False, True)}


def only_added(before: PoolKey, now: PoolKey) -> bool:
    """Whether ``now`` may differ from ``before`` by new ideas alone (then confirm with
    ``pool_key(..., up_to=before[-1]) == before``): no merge since, and a higher last id."""
    return before[-2] == now[-2] and now[-1] > before[-1]


async def load_pool(
    uow: ReadUnit, round_id: int, after: int = 0, up_to: int | None = None
) -> list[PoolIdea]:
    """The round's offerable ideas, oldest first (two queries); with ``after`` only those with
    a higher id (new ideas: their survivor is themselves, see ``only_added``)."""
    ideas = t.ideas
    flagged = (sa.func.json_array_length(ideas.c.flags) > 0).label("flagged")
    within = [ideas.c.round_id == round_id, ideas.c.id > after]
    if up_to is not None:
        within.append(ideas.c.id <= up_to)
    rows = (
        await uow.conn.execute(
            sa.select(ideas.c.id, ideas.c.text, ideas.c.wording, ideas.c.status, flagged)
            .where(*within, ideas.c.status.in_((APPROVED, MERGED)))
            .order_by(ideas.c.id)
        )
    ).all()
    into = dict(
        (int(a), int(b))
        for a, b in await uow.conn.execute(
            sa.select(t.idea_merges.c.idea_id, t.idea_merges.c.into_id)
            .join(ideas, ideas.c.id == t.idea_merges.c.idea_id)
            .where(*within)
        )
    )
    by_id = {int(r.id): r for r in rows}
    pool = []
    for row in rows:
        last = survivor(int(row.id), into)
        target = by_id.get(last)
        if target is None or target.status != APPROVED or target.flagged:
            continue
        if row.status == APPROVED and row.flagged:
            continue
        pool.append(PoolIdea(int(row.id), str(row.text), last, str(target.wording or target.text)))
    return pool


async def approved_ideas(uow: ReadUnit, round_id: int) -> dict[int, str]:
    """Every approved idea of the round, flagged ones too: id → shown wording, oldest first."""
    ideas = t.ideas
    rows = await uow.conn.execute(
        sa.select(ideas.c.id, ideas.c.text, ideas.c.wording)
        .where(ideas.c.round_id == round_id, ideas.c.status == APPROVED)
        .order_by(ideas.c.id)
    )
    return {int(r.id): str(r.wording or r.text) for r in rows}
