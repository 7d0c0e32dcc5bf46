"""What every read model shares: the read-only unit it reads through, and a few counts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol

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


def aggregate_time(value: Any) -> datetime | None:
    """A datetime from an aggregate (drivers differ in what ``min()`` of a column returns)."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Activity:
    """When a round was answered, and by how many residents to the end."""

    first: datetime | None  # the first resident started
    last: datetime | None  # the last resident started or finished
    completed: int  # residents who answered and went through to the round's end


async def activity(conn: AsyncConnection, table: sa.Table, round_id: int | None) -> Activity:
    """A round's activity window and how many of the residents who answered in ``table``
    finished it (a resident who finished without answering, e.g. with no idea to give, is not
    counted: so ``completed`` never exceeds the residents who answered)."""
    rp = t.round_progress
    first, last = (
        await conn.execute(
            sa.select(
                sa.func.min(rp.c.started_at),
                sa.func.max(sa.func.coalesce(rp.c.finished_at, rp.c.started_at)),
            ).where(rp.c.round_id == round_id)
        )
    ).one()
    # Set operations, not a correlated subquery: the planner cannot pick a slow index per row.
    both = sa.intersect(
        sa.select(rp.c.resident_id).where(
            rp.c.round_id == round_id, rp.c.finished_at.is_not(None)
        ),
        sa.select(table.c.resident_id).where(table.c.round_id == round_id),
    ).subquery()
    completed = await conn.scalar(sa.select(sa.func.count()).select_from(both))
    return Activity(aggregate_time(first), aggregate_time(last), int(completed or 0))


async def project_rounds(
    conn: AsyncConnection, project_id: int | None, *, published: bool = False
) -> list[model.Round]:
    """A project's rounds in their order; only the published ones when ``published``."""
    query = sa.select(t.rounds).where(t.rounds.c.project_id == project_id)
    if published:
        query = query.where(t.rounds.c.results_published_at.is_not(None))
    rows = await conn.execute(query.order_by(t.rounds.c.position, t.rounds.c.id))
    return [to_domain(model.Round, r) for r in rows]
