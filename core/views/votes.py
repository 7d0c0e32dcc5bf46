"""A statements round's votes, read for the opinion analysis and the Pol.is export.

Imports numpy and scikit-learn (through :mod:`core.analysis.rounds`): import it by its path,
it is not re-exported by :mod:`core.views`.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from core.analysis.rounds import RoundVotes, labels, natural_key
from core.storage import tables as t
from core.views.reading import ReadUnit

CacheKey = tuple[int, int, int, int]


async def round_key(uow: ReadUnit, round_id: int) -> CacheKey:
    """The cache key of a round as it stands: vote count, vote sum, active statements."""
    n, total = (
        await uow.conn.execute(
            sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(t.votes.c.value), 0)).where(
                t.votes.c.round_id == round_id
            )
        )
    ).one()
    active = await uow.conn.scalar(
        sa.select(sa.func.count()).where(
            t.items.c.round_id == round_id, t.items.c.active.is_(True)
        )
    )
    return (round_id, int(n), int(total), int(active or 0))


async def load_round_votes(uow: ReadUnit, round_id: int) -> RoundVotes:
    """Read a round's statements and votes with two queries."""
    item_rows = (
        await uow.conn.execute(
            sa.select(t.items.c.id, t.items.c.external_id, t.items.c.text, t.items.c.active)
            .where(t.items.c.round_id == round_id)
            .order_by(t.items.c.position, t.items.c.id)
        )
    ).all()
    item_labels = labels([(int(r.id), r.external_id) for r in item_rows])
    vote_rows = (
        await uow.conn.execute(
            sa.select(
                t.votes.c.resident_id,
                t.residents.c.external_id,
                t.votes.c.item_id,
                t.votes.c.value,
            )
            .join(t.residents, t.residents.c.id == t.votes.c.resident_id)
            .where(t.votes.c.round_id == round_id)
        )
    ).all()
    resident_labels = labels(sorted({(int(r.resident_id), r.external_id) for r in vote_rows}))
    votes = [
        (resident_labels[int(r.resident_id)], item_labels[int(r.item_id)], int(r.value))
        for r in vote_rows
        if int(r.item_id) in item_labels
    ]
    # The order Pol.is exports use (statement, then voter): the same votes always give the same
    # matrix, so an imported round gives exactly the result of analysing the folder itself.
    votes.sort(key=lambda v: (natural_key(v[1]), natural_key(v[0])))
    return RoundVotes(
        round_id=round_id,
        statement_ids=tuple(item_labels[int(r.id)] for r in item_rows if r.active),
        moderated_out=tuple(item_labels[int(r.id)] for r in item_rows if not r.active),
        votes=tuple(votes),
        texts={item_labels[int(r.id)]: r.text for r in item_rows},
        item_labels=item_labels,
        resident_labels=resident_labels,
    )


async def vote_times(uow: ReadUnit, round_id: int) -> list[tuple[int, int, int, datetime | None]]:
    """Every stored vote of a round: (resident id, item id, value, when)."""
    rows = await uow.conn.execute(
        sa.select(
            t.votes.c.resident_id, t.votes.c.item_id, t.votes.c.value, t.votes.c.created_at
        ).where(t.votes.c.round_id == round_id)
    )
    return [(int(r.resident_id), int(r.item_id), int(r.value), r.created_at) for r in rows]
