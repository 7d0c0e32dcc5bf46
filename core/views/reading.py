"""What every read model shares: the read-only unit it reads through, and a few counts."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from core.domain import model
from core.storage import tables as t
from core.storage.repositories import to_domain

if TYPE_CHECKING:
    from core.analysis.rounds import RoundAnalysis


class ReadUnit(Protocol):
    """What a read model needs of a unit of work: its open connection.

    Callers pass the unit itself: ``async with container.reading() as uow: await views.x(uow)``.
    """

    @property
    def conn(self) -> AsyncConnection: ...


class Analyses(Protocol):
    """The process's cache of opinion analyses (``core.services.analyses.RoundAnalyses``)."""

    async def result(self, uow: ReadUnit, round_id: int) -> RoundAnalysis: ...


GONE = (model.ContributionStatus.REJECTED.value, model.ContributionStatus.MERGED.value)


def not_held(table: sa.Table) -> sa.ColumnElement[bool]:
    """Ideas or feedback not held back by their stored flags: none, or approved since.

    Rows stored before flags were kept have none; callers that show texts also check the text
    itself (:func:`core.domain.screening.shown_to_others`).
    """
    return sa.or_(
        table.c.status == model.ContributionStatus.APPROVED.value,
        sa.func.json_array_length(table.c.flags) == 0,
    )


ANSWERS = {"rating": t.ratings, "statements": t.votes, "feedback": t.feedback, "ideas": t.ideas}


async def distinct_residents(conn: AsyncConnection, table: sa.Table, round_id: int | None) -> int:
    """How many residents answered a round in ``table``."""
    found = await conn.scalar(
        sa.select(sa.func.count(sa.distinct(table.c.resident_id))).where(
            table.c.round_id == round_id
        )
    )
    return int(found or 0)


async def progress(conn: AsyncConnection, round_id: int | None) -> tuple[int, int]:
    """How many residents started and finished a round."""
    started, finished = (
        await conn.execute(
            sa.select(
                sa.func.count(t.round_progress.c.started_at),
                sa.func.count(t.round_progress.c.finished_at),
            ).where(t.round_progress.c.round_id == round_id)
        )
    ).one()
    return int(started), int(finished)


async def project_rounds(
    conn: AsyncConnection, project_id: int | None, *, published: bool = False
) -> list[model.Round]:
    """A project's rounds in their order; only the published ones when ``published``."""
    query = sa.select(t.rounds).where(t.rounds.c.project_id == project_id)
    if published:
        query = query.where(t.rounds.c.results_published_at.is_not(None))
    rows = await conn.execute(query.order_by(t.rounds.c.position, t.rounds.c.id))
    return [to_domain(model.Round, r) for r in rows]
