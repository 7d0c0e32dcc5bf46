"""What deleting, closing or archiving a project would do: the counts a confirmation shows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from core.domain import model
from core.storage import tables as t
from core.views.reading import ReadUnit


@dataclass(frozen=True)
class ProjectLife:
    """A project's rounds by state, its residents, and what may be done with it now."""

    status: str
    archived: bool
    rounds: int
    open_rounds: int
    planned_rounds: int
    started_rounds: int
    residents: int
    retention_days: int
    closed_at: datetime | None

    @property
    def deletable(self) -> bool:
        """Nobody joined and no round ever opened: deleting loses nothing."""
        return self.residents == 0 and self.started_rounds == 0

    def erased_on(self, now: datetime) -> datetime:
        """When personal data goes if the project closes now (or when it closed)."""
        return (self.closed_at or now) + timedelta(days=self.retention_days)


async def project_life(uow: ReadUnit, project: model.Project) -> ProjectLife:
    """The counts for ``project``'s delete, close and archive confirmations."""
    states = await uow.conn.execute(
        sa.select(t.rounds.c.state, sa.func.count())
        .where(t.rounds.c.project_id == project.id)
        .group_by(t.rounds.c.state)
    )
    by_state = {str(state): int(n) for state, n in states}
    residents = await uow.conn.scalar(
        sa.select(sa.func.count()).where(t.residents.c.project_id == project.id)
    )
    not_started = by_state.get("draft", 0) + by_state.get("scheduled", 0)
    return ProjectLife(
        status=project.status.value,
        archived=bool(project.settings.get("archived")),
        rounds=sum(by_state.values()),
        open_rounds=by_state.get("open", 0),
        planned_rounds=by_state.get("scheduled", 0),
        started_rounds=sum(by_state.values()) - not_started,
        residents=int(residents or 0),
        retention_days=project.retention_days,
        closed_at=project.closed_at,
    )
