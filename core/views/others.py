""" "You and the others": where one resident stands after a statements or rating round.

A read model for the chat: builds the :class:`core.dialogue.context.OthersView` the dialogue
engine shows; the engine stays pure because the conversation service calls this while loading
the context, and only when the resident asked. Statements rounds use the cached opinion analysis
(computed in a worker thread, see :mod:`core.services.analyses`); rating rounds compare the
resident's scores with the round's means (:mod:`core.analysis.spread`). Nothing is shown below
``MIN_PARTICIPANTS`` residents, so nobody can work out how a handful of neighbours answered.
"""

from __future__ import annotations

import sqlalchemy as sa

from core.analysis.polis import MIN_PARTICIPANTS_FOR_COMPARISON, closest_group
from core.analysis.spread import spread
from core.dialogue.context import OthersView
from core.domain import model
from core.storage import tables as t
from core.views.reading import Analyses, ReadUnit, distinct_residents

MIN_PARTICIPANTS = MIN_PARTICIPANTS_FOR_COMPARISON
SHOWN = 2  # statements or scores per part of the message


async def others_view(
    uow: ReadUnit, analyses: Analyses, rnd: model.Round, resident_id: int
) -> OthersView:
    """Summarise how the others answered a round, relative to one resident."""
    assert rnd.id is not None
    participants = await _participants(uow, rnd)
    if participants < MIN_PARTICIPANTS:
        return OthersView(rnd.id, rnd.kind, participants, enough=False, minimum=MIN_PARTICIPANTS)
    if rnd.kind == model.RoundKind.STATEMENTS:
        return await _statements_view(uow, analyses, rnd, resident_id, participants)
    return await _rating_view(uow, rnd, resident_id, participants)


async def prepare(uow: ReadUnit, analyses: Analyses, rnd: model.Round) -> None:
    """Bring the cached analysis of a statements round up to date, when it will be shown."""
    if rnd.kind != model.RoundKind.STATEMENTS or rnd.id is None:
        return
    if await _participants(uow, rnd) >= MIN_PARTICIPANTS:
        await analyses.result(uow, rnd.id)


async def _participants(uow: ReadUnit, rnd: model.Round) -> int:
    table = t.votes if rnd.kind == model.RoundKind.STATEMENTS else t.ratings
    return await distinct_residents(uow.conn, table, rnd.id)


async def _statements_view(
    uow: ReadUnit,
    analyses: Analyses,
    rnd: model.Round,
    resident_id: int,
    participants: int,
) -> OthersView:
    assert rnd.id is not None
    found = await analyses.result(uow, rnd.id)
    result, votes = found.result, found.votes
    label = votes.resident_labels.get(resident_id)
    own = votes.votes_of(label) if label else []
    placed = closest_group(result, own)
    if placed is None:
        return OthersView(rnd.id, rnd.kind, participants, enough=False, minimum=MIN_PARTICIPANTS)
    group_id, differing = placed
    group_size = None
    statements: tuple[tuple[str, str], ...] = ()
    if group_id is not None:
        group_size = len(result.groups[group_id].members)
        reps = result.representative[group_id][:SHOWN]
        statements = tuple((votes.texts[s.id], s.direction) for s in reps)
    own_vote = dict(own)
    return OthersView(
        round_id=rnd.id,
        kind=rnd.kind,
        participants=participants,
        enough=True,
        group_size=group_size,
        groups=len(result.groups),
        group_statements=statements,
        differing=tuple(
            (votes.texts[sid], own_vote[sid], result.majority[sid][1]) for sid in differing
        ),
    )


async def _rating_view(
    uow: ReadUnit, rnd: model.Round, resident_id: int, participants: int
) -> OthersView:
    assert rnd.id is not None
    rows = (
        await uow.conn.execute(
            sa.select(
                t.ratings.c.item_id,
                t.ratings.c.criterion,
                t.ratings.c.resident_id,
                t.ratings.c.score,
                t.items.c.text,
            )
            .join(t.items, t.items.c.id == t.ratings.c.item_id)
            .where(t.ratings.c.round_id == rnd.id, t.items.c.active.is_(True))
        )
    ).all()
    scores: dict[tuple[int, int], list[int]] = {}
    texts: dict[int, str] = {}
    own: dict[tuple[int, int], int] = {}
    for item_id, criterion, who, score, text in rows:
        key = (int(item_id), int(criterion))
        scores.setdefault(key, []).append(int(score))
        texts[int(item_id)] = text
        if int(who) == resident_id:
            own[key] = int(score)
    criteria = rnd.criteria
    compared = []
    for key, score in own.items():
        found = spread(scores[key], rnd.scale_min, rnd.scale_max)
        assert found.mean is not None
        name = texts[key[0]]
        if len(criteria) > 1 and key[1] < len(criteria):
            name = f"{name} ({criteria[key[1]]})"
        compared.append((abs(score - found.mean), name, score, found.mean))
    compared.sort(key=lambda c: (-c[0], c[1]))
    return OthersView(
        round_id=rnd.id,
        kind=rnd.kind,
        participants=participants,
        enough=True,
        scores=tuple((name, score, round(mean, 1)) for _, name, score, mean in compared[:SHOWN]),
    )
